"""The docs that name the fields of a table are generated from it (tools/generate_docs.py), and the
gate fails when they are not what the table says, whether a table changed or a generated block was edited."""
import importlib.util
import os
import shutil

import pytest
import yaml

from ansible_collections.portaplus.softswitch.plugins.module_utils import account, extension, inventory
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import Doc, Field

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_SPEC = importlib.util.spec_from_file_location("generate_docs", os.path.join(REPO, "tools", "generate_docs.py"))
generate_docs = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(generate_docs)


def copy_of_generated_files(tmp_path):
    for path in set(block.path for block in generate_docs.BLOCKS):
        os.makedirs(os.path.dirname(str(tmp_path / path)), exist_ok=True)
        shutil.copy(os.path.join(REPO, path), str(tmp_path / path))
    return tmp_path


def test_generated_docs_are_current():
    assert generate_docs.generate(REPO, write=False) == []


def test_a_hand_edit_of_a_generated_block_fails_the_gate_and_make_docs_gen_undoes_it(tmp_path, capsys):
    root = copy_of_generated_files(tmp_path)
    module = root / "plugins" / "modules" / "accounts.py"
    original = module.read_text()
    edited = original.replace("          - First name of the account holder.\n",
                              "          - First name of the account holder (edited by hand).\n", 1)
    assert edited != original
    module.write_text(edited)
    assert generate_docs.main(["--check", "--root", str(root)]) == 1
    assert "plugins/modules/accounts.py" in capsys.readouterr().err
    assert generate_docs.main(["--root", str(root)]) == 0
    assert module.read_text() == original
    assert generate_docs.main(["--check", "--root", str(root)]) == 0


def test_a_removed_end_marker_fails_the_gate(tmp_path, capsys):
    root = copy_of_generated_files(tmp_path)
    spec = root / "roles" / "customer" / "meta" / "argument_specs.yml"
    spec.write_text(spec.read_text().replace("# END GENERATED extension.file-options", "# the end"))
    assert generate_docs.main(["--check", "--root", str(root)]) == 2
    assert "no END GENERATED extension.file-options" in capsys.readouterr().err


def documentation(path, name="DOCUMENTATION"):
    text = open(os.path.join(REPO, path)).read()
    return yaml.safe_load(text.split("%s = r'''" % name, 1)[1].split("'''", 1)[0])


def test_every_field_and_fact_is_documented_and_results_carry_exactly_the_documented_values():
    for table in (generate_docs.ACCOUNT, generate_docs.EXTENSION):
        assert all(isinstance(field.doc, Doc) for field in table.fields.values())
        assert all(doc.type and doc.sample is not None for doc in table.facts.values())
    record = {"AccountId": "a1", "IAccount": 1, "VoipPassword": "secret", "ActiveAddons": []}
    assert set(account.without_secrets(account.account_from_api(record))) == set(
        generate_docs.render_contains(generate_docs.ACCOUNT))
    assert set(extension.extension_item({"id": "101", "name": "R", "i_c_ext": 7})) == set(
        generate_docs.render_contains(generate_docs.EXTENSION))


def test_a_field_added_to_a_table_reaches_every_generated_doc(monkeypatch):
    note = Field("str", reset="", read="Notes", write="Notes",
                 doc=Doc("A note about the account.", "At most 10 characters.", sample="VIP"))
    monkeypatch.setattr(generate_docs.ACCOUNT, "fields", dict(account.ACCOUNT_FIELDS, note=note))
    monkeypatch.setattr(inventory, "ACCOUNT_FIELDS", dict(account.ACCOUNT_FIELDS, note=note))
    assert generate_docs.render_options(generate_docs.ACCOUNT, "list")["note"] == {
        "description": ["A note about the account.", "At most 10 characters."], "type": "str"}
    assert generate_docs.render_options(generate_docs.ACCOUNT, "file")["note"]["type"] == "str"
    assert generate_docs.render_contains(generate_docs.ACCOUNT)["note"]["sample"] == "VIP"
    assert generate_docs.sample_item(generate_docs.ACCOUNT, "config")["note"] == "VIP"
    assert "C(note)" in generate_docs.host_variables_line()
    account_blocks = set(block.path for block in generate_docs.BLOCKS if block.name.startswith(("account.", "inventory.")))
    assert set(generate_docs.generate(REPO, write=False)) == account_blocks


def test_single_module_options_drop_the_config_prefix_and_secrets_are_never_in_results():
    single = generate_docs.render_options(generate_docs.ACCOUNT, "single")
    assert "O(product)" in " ".join(single["addons"]["description"])
    assert "config[]" not in repr(single)
    assert "password" not in generate_docs.render_contains(generate_docs.ACCOUNT)
    assert "password" not in generate_docs.sample_item(generate_docs.ACCOUNT)


def test_the_role_file_schema_has_the_module_option_types_and_secrets_no_log():
    options = generate_docs.render_options(generate_docs.ACCOUNT, "file", leave_out=("extension",))
    # as the customer module takes them: a number is raw so that its field check refuses true itself
    assert options["credit_limit"]["type"] == "raw"
    assert options["product"]["type"] == "raw"          # a name or an id
    assert options["password"]["no_log"] is True
    assert "extension" not in options


def test_the_inventory_documents_exactly_the_host_variables_it_sets():
    record = {"AccountId": "a1", "IAccount": 1, "ICustomerSite": 0, "ActiveAddons": []}
    hostvars = inventory.account_hostvars(record, {"id": 1001, "name": "Acme", "sites": []}, {})
    assert list(hostvars) == inventory.host_variable_names()
    description = " ".join(documentation("plugins/inventory/accounts.py")["description"])
    for name in hostvars:
        assert "C(%s)" % name in description


@pytest.mark.parametrize("module, table, single", [
    ("accounts", generate_docs.ACCOUNT, False), ("account", generate_docs.ACCOUNT, True),
    ("extensions", generate_docs.EXTENSION, False), ("extension", generate_docs.EXTENSION, True)])
def test_module_docs_carry_the_generated_options(module, table, single):
    options = documentation("plugins/modules/%s.py" % module)["options"]
    items = options if single else options["config"]["suboptions"]
    expected = generate_docs.render_options(table, "single" if single else "list")
    assert dict((name, items[name]) for name in expected) == expected


def test_the_customer_module_documents_its_file_options_from_the_tables_as_its_argument_spec_takes_them():
    from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_plan import CUSTOMER_MODULE_OPTIONS
    options = documentation("plugins/modules/customer.py")["options"]
    for resource, table, leave_out in (("accounts", generate_docs.ACCOUNT, ("extension",)),
                                       ("extensions", generate_docs.EXTENSION, ())):
        documented = options[resource]["suboptions"]
        assert documented == generate_docs.render_options(table, "file-docs", leave_out=leave_out)
        spec = CUSTOMER_MODULE_OPTIONS[resource]["options"]
        assert set(documented) == set(spec)
        for name, entry in documented.items():
            assert entry["type"] == spec[name].get("type", "str"), name
            assert entry.get("required", False) == spec[name].get("required", False), name
            assert entry.get("elements") == spec[name].get("elements"), name
            assert "no_log" not in entry        # a module's docs have no such key; the spec carries it


#: Options that share a field's name but are something else: account_info's filters, the customer's name.
NOT_A_FIELD = {
    "plugins/modules/account_info.py": {"account_id", "product", "blocked"},
    "roles/customer/meta/argument_specs.yml": {"name"},
    "plugins/modules/customer.py": {"name"},
}


def hand_written_keys(path, names):
    """The YAML keys among ``names`` that ``path`` writes outside its generated blocks (in a module, in
    DOCUMENTATION and RETURN: EXAMPLES may name fields)."""
    with open(os.path.join(REPO, path)) as handle:
        text = handle.read()
    if path.endswith(".py"):
        quotes = "'" * 3
        text = "".join(text.split("%s = r%s" % (name, quotes), 1)[1].split(quotes, 1)[0]
                       for name in ("DOCUMENTATION", "RETURN"))
    found = set()
    inside = False
    for line in text.splitlines():
        match = generate_docs.MARKER.match(line)
        if match:
            inside = match.group("edge") == "BEGIN"
            continue
        key = line.strip().split(":", 1)[0]
        if not inside and line.strip().endswith(":") and key in names:
            found.add(key)
    return found


TABLES = {"account": generate_docs.ACCOUNT, "extension": generate_docs.EXTENSION}


@pytest.mark.parametrize("path", sorted(set(block.path for block in generate_docs.BLOCKS) - {"plugins/inventory/accounts.py"}))
def test_no_field_is_documented_by_hand_outside_the_generated_blocks(path):
    names = set()
    for block in generate_docs.BLOCKS:
        table = TABLES.get(block.name.split(".", 1)[0])
        if block.path == path and table:
            names.update([table.key] + list(table.fields))
    assert names
    assert hand_written_keys(path, names) == NOT_A_FIELD.get(path, set())
