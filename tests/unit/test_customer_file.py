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
        "policy.accounts.state: must be one of merged, overridden, got 'deleted' (str)",
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
