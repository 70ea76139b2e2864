"""The customer file check: every problem named by file and path, before anything is sent."""
import os

import pytest
import yaml

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_file import (
    CustomerFileError, check_customer_file, load_yaml, secret_values, without_secrets)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
with open(os.path.join(ROOT, "roles", "customer", "meta", "argument_specs.yml")) as handle:
    SCHEMA = yaml.safe_load(handle)["argument_specs"]["customer_file"]["options"]


def load_example(name):
    with open(os.path.join(ROOT, "examples", "customers", name)) as handle:
        return yaml.safe_load(handle)


def problems(data):
    with pytest.raises(CustomerFileError) as caught:
        check_customer_file(data, SCHEMA, "customers/acme.yml")
    assert str(caught.value).startswith("customers/acme.yml is not a valid customer file (nothing was sent")
    for problem in caught.value.problems:
        assert "customers/acme.yml: " + problem in str(caught.value)
    return caught.value.problems


@pytest.mark.parametrize("name", ["acme.yml", "globex.yml"])
def test_the_examples_are_valid_and_get_the_safe_defaults(name):
    checked = check_customer_file(load_example(name), SCHEMA, name)
    assert checked["policy"]["accounts"]["max_deletions"] == 0
    assert checked["policy"]["extensions"]["max_deletions"] == 0
    if name == "globex.yml":   # no policy written: nothing is ever removed
        assert checked["policy"]["accounts"]["state"] == "merged"
        assert checked["policy"]["extensions"]["state"] == "merged"


def test_unknown_key_is_named_with_its_index_and_a_suggestion():
    data = load_example("acme.yml")
    data["accounts"][3]["emial"] = "dana@acme.example"
    assert problems(data) == [
        "accounts[3].emial: unknown key; did you mean 'email'? expected one of: account_id, addons, blocked, "
        "credit_limit, email, first_name, last_name, password, product, unified_messaging"]


def test_missing_required_field_and_wrong_type():
    data = load_example("acme.yml")
    del data["extensions"][1]["number"]
    data["accounts"][3]["email"] = 42
    del data["customer"]
    assert problems(data) == [
        "customer: is required but missing",
        "accounts[3].email: must be text; quote it in YAML, got 42 (int)",
        "extensions[1].number: is required but missing",
    ]


def test_unquoted_numbers_are_refused_rather_than_changed():
    data = yaml.safe_load("customer: 1001\nextensions:\n  - number: 0101\n    name: Reception\n")
    assert problems(data) == ["extensions[0].number: must be text; quote it in YAML, got 65 (int)"]


def test_duplicates_name_both_places():
    data = load_example("acme.yml")
    data["extensions"].append({"number": "102", "name": "Second Sales"})
    data["accounts"].append(dict(data["accounts"][0]))
    assert problems(data) == [
        "accounts[4].account_id: '441632960001' is already used by accounts[0]",
        "extensions[4].number: '102' is already used by extensions[1]",
    ]


def test_choices_bools_lists_and_mappings():
    data = {"customer": 1001, "policy": {"accounts": {"state": "deleted"}, "extensions": []},
            "accounts": {"account_id": "1"}, "extensions": [{"number": "1", "name": "x", "account_id": True}, "102"]}
    assert problems(data) == [
        "policy.accounts.state: must be one of merged, replaced, overridden, got 'deleted' (str)",
        "policy.extensions: must be a mapping of keys to values, got [] (list)",
        "accounts: must be a list, got {'account_id': '1'} (mapping)",
        "extensions[0].account_id: must be text, got True (bool)",
        "extensions[1]: must be a mapping of keys to values, got '102' (str)",
    ]


def test_not_a_mapping():
    assert problems(["customer", 1001]) == [
        "the file must be a mapping of keys to values (customer:, accounts:, extensions:), got list"]


def test_passwords_are_never_shown_nor_returned():
    data = load_example("acme.yml")
    data["accounts"][0]["password"] = 12345678
    [problem] = problems(data)
    assert problem == "accounts[0].password: must be text; quote it in YAML, got (hidden)"
    data["accounts"][0]["password"] = "s3cret-Pw"
    assert secret_values(data, SCHEMA) == ["s3cret-Pw"]
    checked = check_customer_file(data, SCHEMA, "acme.yml")
    assert "s3cret-Pw" not in repr(without_secrets(checked, SCHEMA))
    assert without_secrets(checked, SCHEMA)["accounts"][1] == data["accounts"][1]


def test_yaml_errors_name_line_and_column():
    with pytest.raises(CustomerFileError) as caught:
        load_yaml('customer: 1001\naccounts:\n  - account_id: "1"\n   product: x\n', "customers/acme.yml")
    [problem] = caught.value.problems
    assert problem.startswith("line 4, column 4: is not valid YAML: ")


def test_vault_values_are_checked_as_text_and_the_safe_loader_stays_safe():
    text = 'customer: 1001\naccounts:\n  - account_id: "1"\n    password: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      3131\n'
    data = load_yaml(text, "acme.yml")
    assert data["accounts"][0]["password"] == "(!vault)"
    assert check_customer_file(data, SCHEMA, "acme.yml")["customer"] == 1001
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text)                      # the tag was added to our loader only


# -- reading a customer file as data (module_utils/customer_file.load_customer_file) ------------

from ansible_collections.portaplus.softswitch.plugins.module_utils import customer_file  # noqa: E402

GOOD = 'customer: 1001\naccounts:\n  - account_id: "1"\n    first_name: Zoë\n'


def load_refused(tmp_path, data, name="acme.yml", **kwargs):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CustomerFileError) as caught:
        customer_file.load_customer_file(str(path), "customers/" + name, **kwargs)
    assert str(caught.value).startswith("customers/%s is not a valid customer file" % name)
    return caught.value.problems


def test_a_good_file_loads_and_a_symlink_to_it_is_followed(tmp_path):
    (tmp_path / "real.yml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "acme.yml").symlink_to(tmp_path / "real.yml")
    data = customer_file.load_customer_file(str(tmp_path / "acme.yml"), "customers/acme.yml")
    assert data == {"customer": 1001, "accounts": [{"account_id": "1", "first_name": u"Zoë"}]}


def test_latin1_is_refused_naming_the_byte_offset(tmp_path):
    data = GOOD.encode("latin-1")
    assert load_refused(tmp_path, data) == [
        "is not UTF-8 text: byte 0xeb at offset %d (line 4) is not valid UTF-8; save the file as UTF-8"
        % data.index(b"\xeb")]


def test_utf16_is_refused_by_its_byte_order_mark(tmp_path):
    assert load_refused(tmp_path, GOOD.encode("utf-16")) == [
        "is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8"]


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    (tmp_path / "acme.yml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert customer_file.load_customer_file(str(tmp_path / "acme.yml"))["customer"] == 1001


def test_duplicate_keys_are_refused_naming_both_lines(tmp_path):
    text = 'customer: 1001\naccounts:\n  - account_id: "1"\n    email: a@x.example\n    email: b@x.example\n'
    assert load_refused(tmp_path, text.encode()) == [
        "line 5: key 'email' is given twice, on lines 4 and 5; a key may appear once in a mapping "
        "(is one of them a merge accident?)"]
    text = 'customer: 1001\naccounts: []\nname: x\naccounts: []\n'
    assert load_refused(tmp_path, text.encode())[0].startswith("line 4: key 'accounts' is given twice, on lines 2 and 4")


def test_an_alias_bomb_is_refused_without_expanding_it(tmp_path):
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, 30):   # 2**30 values once expanded; refused on counting, not by running out of memory
        lines.append("a%d: &a%d [*a%d, *a%d]" % (level, level, level - 1, level - 1))
    lines.append("customer: 1001\naccounts: *a29")
    problems = load_refused(tmp_path, "\n".join(lines).encode())
    assert "expand to more than" in problems[0] or "more than 100 YAML aliases" in problems[0], problems


def test_more_aliases_than_the_bound_are_refused(tmp_path):
    text = "x: &x 1\nlist: [%s]\n" % ", ".join(["*x"] * (customer_file.MAX_ALIASES + 1))
    assert load_refused(tmp_path, text.encode()) == [
        "line 2: uses more than 100 YAML aliases (*name); a customer file is data: write the values out"]
    text = "x: &x 1\nlist: [%s]\n" % ", ".join(["*x"] * 10)
    (tmp_path / "few.yml").write_text(text)
    assert customer_file.load_customer_file(str(tmp_path / "few.yml"))["list"] == [1] * 10


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yml"
    with open(path, "wb") as handle:
        handle.truncate(customer_file.MAX_FILE_BYTES + 1)      # sparse: nothing is written
    with pytest.raises(CustomerFileError) as caught:
        customer_file.load_customer_file(str(path), "customers/huge.yml")
    assert caught.value.problems == ["is %d bytes, more than the 10 MB a customer file may have"
                                     % (customer_file.MAX_FILE_BYTES + 1)]


def test_templates_are_refused_naming_the_path_and_never_rendered(tmp_path):
    rendered = []
    text = ('customer: 1001\naccounts:\n  - account_id: "1"\n    first_name: "{{ lookup(\'pipe\', \'id\') }}"\n'
            '    last_name: !unsafe "{{ as text }}"\nextensions:\n  - number: "101"\n    name: "{% if x %}y{% endif %}"\n')
    problems = load_refused(tmp_path, text.encode())
    assert [problem.split(":")[0] for problem in problems] == ["accounts[0].first_name", "extensions[0].name"]
    assert "set templating: true on the task for a trusted repository" in problems[0]
    # with templating, the renderer gets the templates (and never the !unsafe value)
    data = customer_file.load_customer_file(str(tmp_path / "acme.yml"), template=lambda value: rendered.append(value) or "R")
    assert rendered == ["{{ lookup('pipe', 'id') }}", "{% if x %}y{% endif %}"]
    assert data["accounts"][0] == {"account_id": "1", "first_name": "R", "last_name": "{{ as text }}"}


def test_vault_values_are_decrypted_by_the_given_function_and_never_templated(tmp_path):
    text = 'customer: 1001\naccounts:\n  - account_id: "1"\n    password: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      3131\n'
    (tmp_path / "acme.yml").write_text(text)
    seen = []
    data = customer_file.load_customer_file(str(tmp_path / "acme.yml"),
                                            decrypt=lambda cipher: seen.append(cipher) or "{{ clear }}")
    assert data["accounts"][0]["password"] == "{{ clear }}"
    assert seen == ["$ANSIBLE_VAULT;1.1;AES256\n3131\n"]

    def no_secret(_cipher):
        raise ValueError("no vault secrets were found")

    assert load_refused(tmp_path, text.encode(), decrypt=no_secret) == [
        "accounts[0].password: the !vault value on line 4 cannot be decrypted: no vault secrets were found"]
