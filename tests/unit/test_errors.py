"""One vocabulary for bad input: every input error is an InputError (api/errors.py) with the message it
always had, and one adapter per kind of plugin turns errors into what Ansible shows."""
import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.api import client, errors
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr import range as cdr_range
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine import checks, fields, options
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.plugin_errors import plugin_errors
from ansible_collections.portaplus.softswitch.plugins.module_utils import calls, customer_file, inventory


@pytest.mark.parametrize("error, message", [
    (errors.InputError("config[0].email", "is not valid", "x"), "config[0].email: is not valid (got 'x')"),
    (errors.CdrInputError("from_date", "is not a date", "soon"), "from_date: is not a date (got 'soon')"),
    (errors.ConnectionOptionError("url must be an http:// or https:// URL"), "url must be an http:// or https:// URL"),
    (errors.CdrReportError("timezone: unknown time zone 'Mars/Base'"), "timezone: unknown time zone 'Mars/Base'"),
    (errors.CustomerFileError("acme.yml", ["accounts[0].email: must be text"]),
     "acme.yml is not a valid customer file (nothing was sent to the API):\nacme.yml: accounts[0].email: must be text"),
])
def test_every_input_error_is_an_input_error_with_its_message(error, message):
    assert isinstance(error, errors.InputError) and isinstance(error, ValueError)
    assert str(error) == message


def test_the_old_names_are_the_same_classes():
    assert fields.InputError is errors.InputError
    assert cdr_range.CdrInputError is errors.CdrInputError
    assert options.ConnectionOptionError is errors.ConnectionOptionError
    assert customer_file.CustomerFileError is errors.CustomerFileError
    assert client.path_segment_problem is errors.path_segment_problem
    assert client.REDACTED == fields.MASK == errors.MASK


@pytest.mark.parametrize("value", [True, False, 0, -3, "x", "1.5", None])
def test_one_customer_id_rule_for_the_cdr_selection_calls_and_the_inventory(value):
    if value is None:
        value = ""
    with pytest.raises(errors.CdrInputError, match="customer: must be a customer id"):
        cdr_range.check_selection(value, None)
    with pytest.raises(errors.InputError, match="customer: must be a customer id"):
        calls.check_scope(customer=value)
    with pytest.raises(errors.InputError, match="customers: items must be customer ids"):
        inventory.check_options(customers=[value])


def test_customer_ids_in_text_are_ids():
    assert checks.customer_id(" 1001 ") == cdr_range.check_selection("1001", None)[0] == 1001
    assert calls.check_scope(customer="7") == (7, None)
    assert inventory.check_options(customers=["7", 7, 8]) == [7, 8]


class PluginError(Exception):
    pass


def test_plugin_errors_turns_input_and_api_errors_into_the_plugins_error_redacted():
    with pytest.raises(PluginError) as info:
        with plugin_errors(PluginError, "portaplus.softswitch.cdrs", lambda text: text.replace("LIC", "***")):
            raise errors.CdrInputError("account", "unknown", "LIC")
    assert str(info.value) == "portaplus.softswitch.cdrs: account: unknown (got '***')"
    with pytest.raises(PluginError, match="^active_calls: gone$"):
        with plugin_errors(PluginError, "active_calls"):
            raise errors.NotFoundError("gone")
    with pytest.raises(KeyError):  # a bug is not dressed up as bad input
        with plugin_errors(PluginError, "active_calls"):
            raise KeyError("x")


class Failed(Exception):
    pass


class FileModule:
    params = {"dest": "/tmp/out.csv"}

    def fail_json(self, **kwargs):
        raise Failed(kwargs)


class Redactor:
    @staticmethod
    def redact(text):
        return text.replace("LIC", "********")


@pytest.mark.parametrize("raised, expected", [
    (errors.CdrInputError("to_date", "is before from_date", "LIC"),
     {"msg": "to_date: is before from_date (got '********')", "changed": False}),
    (errors.ServerError("the server failed", status=500),
     {"msg": "the server failed; /tmp/out.csv was left as it was", "changed": False, "status": 500, "field_errors": []}),
    (OSError("disk full"),
     {"msg": "dest: could not write /tmp/out.csv: disk full; the file was left as it was", "changed": False}),
])
def test_one_adapter_turns_a_file_modules_errors_into_failures(raised, expected):
    from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import failures_reported
    with pytest.raises(Failed) as info:
        with failures_reported(FileModule(), Redactor(), "dest"):
            raise raised
    assert info.value.args[0] == expected


@pytest.mark.parametrize("account, problem", [
    ("", "must not be empty"), ("a/b", "must not contain '/'"), ("a.json", "must not end in .json"),
    ("1" * 65, "must be at most 64 characters"), (u"4\u00854", "must not contain control characters")])
def test_one_account_id_rule_for_the_cdr_selection_and_calls(account, problem):
    with pytest.raises(errors.CdrInputError) as cdr_error:
        cdr_range.check_selection(None, account)
    assert str(cdr_error.value).startswith("account: " + problem)
    with pytest.raises(errors.InputError) as calls_error:
        calls.check_scope(account=account)
    assert str(calls_error.value).startswith("account: must be an account ID: " + problem)
