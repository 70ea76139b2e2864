"""The field tables are the one declaration of each field (H1): the modules' documented options agree with them."""
import ast
import os

import pytest
import yaml

from ansible_collections.portaplus.softswitch.plugins.module_utils import account, extension
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine import fields
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import list_argument_spec, single_argument_spec

MODULES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "plugins", "modules")


def documentation(name):
    with open(os.path.join(MODULES, name + ".py")) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "DOCUMENTATION":
            return yaml.safe_load(node.value.value)
    raise AssertionError("no DOCUMENTATION in %s" % name)


def documented_item_options(name, single):
    options = documentation(name)["options"]
    return options if single else options["config"]["suboptions"]


def spec_of(options):
    """What the docs and an argument spec must agree on: type, elements, required, no_log-worthy."""
    return dict((name, (option.get("type", "str"), option.get("elements"), bool(option.get("required"))))
                for name, option in options.items())


CASES = [
    ("accounts", False, account.ACCOUNT_OPTIONS),
    ("account", True, account.ACCOUNT_OPTIONS),
    ("extensions", False, extension.EXTENSION_OPTIONS),
    ("extension", True, extension.EXTENSION_OPTIONS),
]


@pytest.mark.parametrize("module, single, table_options", CASES)
def test_module_docs_list_exactly_the_table_fields_with_their_types(module, single, table_options):
    documented = documented_item_options(module, single)
    expected = spec_of(table_options)
    if single:
        documented = dict((name, documented[name]) for name in documented if name in expected)
    assert spec_of(documented) == expected


@pytest.mark.parametrize("module, single, table_options", CASES)
def test_argument_spec_comes_from_the_table(module, single, table_options):
    argspec = (single_argument_spec if single else list_argument_spec)(table_options)
    items = argspec if single else argspec["config"]["options"]
    for name in table_options:
        assert items[name] == table_options[name]


def test_secret_fields_are_no_log_and_every_field_has_a_read_or_its_own_mapping():
    assert account.ACCOUNT_OPTIONS["password"]["no_log"] is True
    assert [name for name, field in account.ACCOUNT_FIELDS.items() if field.secret] == ["password"]
    # product and addons are resolved through the catalogue; every other field maps to API members in the table
    assert [name for name, field in account.ACCOUNT_FIELDS.items() if not field.read] == ["addons"]
    assert [name for name, field in account.ACCOUNT_FIELDS.items() if not field.updatable] == ["extension"]


def test_adding_a_field_to_the_table_reaches_options_read_and_update(monkeypatch):
    note = fields.Field("str", reset="", read="Notes", write="Notes", check=fields.text_check(10))
    table = dict(account.ACCOUNT_FIELDS, note=note)
    monkeypatch.setattr(account, "ACCOUNT_FIELDS", table)
    assert fields.item_options("account_id", {"type": "str"}, table)["note"] == {"type": "str"}
    item = account.account_from_api({"AccountId": "a1", "IAccount": 1, "Notes": "hello"})
    assert item["note"] == "hello"
    spec = account.AccountSpec(client=None, customer=1)
    spec.fields = table
    entry = spec.update_entry({"account_id": "a1", "note": "bye"}, dict(item, product="P"))
    assert entry["Notes"] == "bye"


def test_shared_validators_are_the_same_object_in_both_resources():
    # one extension-number rule, one control-character rule (they differed before H1)
    assert extension.check_number("number", "0101") == account.check_extension("extension", "0101") == "0101"
    for bad in ("10a", "1" * 17, u"\uff11"):
        with pytest.raises(fields.InputError) as number_error:
            extension.check_number("n", bad)
        with pytest.raises(fields.InputError) as account_error:
            account.check_extension("n", bad)
        number_message = str(number_error.value).split(" (got", maxsplit=1)[0]
        account_message = str(account_error.value).split(" (got", maxsplit=1)[0]
        assert number_message == account_message.replace(' (or "" for none)', "")
    for control in (u"\u0085", u"\u009f", u"\t"):
        with pytest.raises(fields.InputError, match="control characters"):
            extension.check_name("name", u"a%sb" % control)
        with pytest.raises(fields.InputError, match="control characters"):
            account.ACCOUNT_FIELDS["first_name"].check("first_name", u"a%sb" % control)


@pytest.mark.parametrize("value", [True, False, [1], "many"])
def test_numbers_refuse_booleans_and_non_numbers(value):
    with pytest.raises(fields.InputError) as err:
        account.ACCOUNT_FIELDS["credit_limit"].check("credit_limit", value)
    assert str(err.value).startswith("credit_limit: must be a number")


def test_a_number_in_quotes_is_a_number():
    assert account.ACCOUNT_FIELDS["credit_limit"].check("credit_limit", "50") == 50.0


# -- the customer module and the customer role's file format come from the same tables ---------------

from ansible_collections.portaplus.softswitch.plugins.module_utils import customer_plan  # noqa: E402

ROLE_SPECS = os.path.join(os.path.dirname(MODULES), "..", "roles", "customer", "meta", "argument_specs.yml")


def shape(options):
    """type, elements, required, default and choices of every option, down through suboptions."""
    result = {}
    for name, option in options.items():
        nested = option.get("suboptions") or option.get("options")
        result[name] = (option.get("type", "str"), option.get("elements"), bool(option.get("required")),
                        option.get("default"), tuple(option.get("choices") or ()), shape(nested) if nested else None)
    return result


def test_customer_module_docs_list_exactly_the_table_fields_and_the_file_options():
    documented = documentation("customer")["options"]
    assert spec_of(documented["accounts"]["suboptions"]) == spec_of(customer_plan.FILE_ACCOUNT_OPTIONS)
    assert spec_of(documented["extensions"]["suboptions"]) == spec_of(extension.EXTENSION_OPTIONS)
    assert "extension" not in documented["accounts"]["suboptions"]     # declared once, under extensions
    module_options = dict((name, documented[name]) for name in customer_plan.CUSTOMER_MODULE_OPTIONS)
    assert shape(module_options) == shape(customer_plan.CUSTOMER_MODULE_OPTIONS)


def test_customer_module_argument_spec_comes_from_the_tables():
    options = customer_plan.CUSTOMER_MODULE_OPTIONS
    for name in account.ACCOUNT_OPTIONS:
        if name != "extension":
            assert options["accounts"]["options"][name] is account.ACCOUNT_OPTIONS[name]
    assert options["extensions"]["options"] is extension.EXTENSION_OPTIONS


def test_the_role_file_format_matches_the_module():
    with open(ROLE_SPECS) as handle:
        role = yaml.safe_load(handle)["argument_specs"]["customer_file"]["options"]
    assert shape(role) == shape(customer_plan.CUSTOMER_FILE_OPTIONS)
