# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one definition of the connection options and its adapters."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import yaml

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.portaplus.softswitch.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine import options as options_mod
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import (
    NotFoundError,
    PathValueError,
    PortaPlusClient,
    Route,
    ValidationError,
)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import (
    CONNECTION_OPTIONS,
    ConnectionOptionError,
    client_kwargs,
    client_from_module,
    client_from_plugin,
    connection_argument_spec,
    fail_from_error,
)

LICENSE = "LIC-SECRET-123"
NAMES = ["url", "license", "validate_certs", "ca_path", "timeout", "retries"]


class Failed(Exception):
    def __init__(self, kwargs):
        Exception.__init__(self, kwargs.get("msg"))
        self.kwargs = kwargs


class FakeModule:
    def __init__(self, **params):
        self.params = dict((name, None) for name in NAMES)
        self.params.update({"validate_certs": True, "timeout": 30.0, "retries": 3})
        self.params.update(params)
        self.no_log_values = set()
        self.debug_lines = []

    def fail_json(self, **kwargs):
        raise Failed(kwargs)

    def debug(self, line):
        self.debug_lines.append(line)


class FakePlugin:
    def __init__(self, **values):
        self.values = values

    def get_option(self, name):
        if name not in self.values:
            raise KeyError(name)
        return self.values[name]


def test_argument_spec_has_the_six_options_with_env_fallbacks():
    spec = connection_argument_spec()
    assert list(spec) == NAMES
    assert spec["url"] == {"type": "str", "fallback": (env_fallback, ["PORTAPLUS_URL"])}
    assert spec["license"] == {"type": "str", "no_log": True, "fallback": (env_fallback, ["PORTAPLUS_LICENSE"])}
    assert spec["validate_certs"] == {"type": "bool", "default": True}
    assert spec["ca_path"] == {"type": "path"}
    assert spec["timeout"] == {"type": "float", "default": 30}
    assert spec["retries"] == {"type": "int", "default": 3}
    spec["url"]["type"] = "int"
    assert connection_argument_spec()["url"]["type"] == "str"


def test_argument_spec_takes_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAPLUS_URL", "https://pp.example")
    monkeypatch.setenv("PORTAPLUS_LICENSE", LICENSE)
    result = ArgumentSpecValidator(connection_argument_spec()).validate({"timeout": "2.5"})
    assert result.errors.messages == []
    assert result.validated_parameters["url"] == "https://pp.example"
    assert result.validated_parameters["license"] == LICENSE
    assert result.validated_parameters["timeout"] == 2.5
    assert result.validated_parameters["retries"] == 3


def test_a_missing_url_and_license_are_reported_with_their_environment_variables(monkeypatch):
    # Not Ansible's bare "missing required arguments: license, url": the message says where else to set them.
    monkeypatch.delenv("PORTAPLUS_URL", raising=False)
    monkeypatch.delenv("PORTAPLUS_LICENSE", raising=False)
    result = ArgumentSpecValidator(connection_argument_spec()).validate({})
    assert result.errors.messages == []
    with pytest.raises(ConnectionOptionError) as info:
        client_kwargs(result.validated_parameters)
    assert str(info.value) == ("url is required: set the url option or the PORTAPLUS_URL environment variable; "
                               "license is required: set the license option or the PORTAPLUS_LICENSE environment variable")


def test_client_from_module_builds_the_client():
    module = FakeModule(url="https://pp.example/api/", license=LICENSE, timeout=2, retries=0, validate_certs=False)
    module.no_log_values = {"pw-one", LICENSE}
    client = client_from_module(module)
    assert isinstance(client, PortaPlusClient)
    assert client.url == "https://pp.example/api"
    assert client.timeout == 2.0
    assert client.retries == 0
    assert client.validate_certs is False
    assert client.ca_path is None
    assert client.redact("pw-one %s" % LICENSE) == "******** ********"
    assert client.log == module.debug
    client.close()


@pytest.mark.parametrize("params, fragment", [
    ({"url": "ftp://pp.example"}, "url must be an http:// or https:// URL with a host name, got 'ftp://pp.example'"),
    ({"url": "pp.example"}, "url must be an http:// or https:// URL with a host name, got 'pp.example'"),
    ({"url": "https://"}, "got 'https://'"),
    ({"url": "https://user:pw-xyz@pp.example:bad"}, "url must be an http:// or https:// URL with a host name, got 'https://********@pp.example:bad'"),
    ({"url": ""}, "url is required"),
    ({"url": None}, "PORTAPLUS_URL"),
    ({"license": ""}, "license is required"),
    ({"license": None}, "PORTAPLUS_LICENSE"),
    ({"timeout": 0}, "timeout must be a number of seconds greater than 0, got '0'"),
    ({"timeout": -1.5}, "timeout must be a number of seconds greater than 0, got '-1.5'"),
    ({"timeout": "soon"}, "timeout must be a number of seconds greater than 0, got 'soon'"),
    ({"retries": -1}, "retries must be an integer of 0 or more, got '-1'"),
    ({"retries": 1.5}, "retries must be an integer of 0 or more, got '1.5'"),
    ({"validate_certs": "maybe"}, "validate_certs must be a boolean, got 'maybe'"),
    ({"ca_path": "/nonexistent/ca.pem"}, "ca_path '/nonexistent/ca.pem' does not exist"),
])
def test_client_from_module_rejects_bad_values_naming_the_option(params, fragment):
    values = {"url": "https://pp.example", "license": LICENSE}
    values.update(params)
    with pytest.raises(Failed) as info:
        client_from_module(FakeModule(**values))
    msg = info.value.kwargs["msg"]
    assert fragment in msg
    assert LICENSE not in msg
    assert "pw-xyz" not in msg


def test_client_from_module_without_requests(monkeypatch):
    monkeypatch.setattr(options_mod, "HAS_REQUESTS", False)
    with pytest.raises(Failed) as info:
        client_from_module(FakeModule(url="https://pp.example", license=LICENSE))
    assert "requests" in info.value.kwargs["msg"]
    assert "exception" in info.value.kwargs


def test_client_from_plugin_reads_get_option(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    plugin = FakePlugin(url="http://127.0.0.1:9", license=LICENSE, validate_certs="no", ca_path=str(ca), timeout="1.5", retries="2")
    client = client_from_plugin(plugin, backoff_factor=0.1)
    assert (client.url, client.validate_certs, client.ca_path, client.timeout, client.retries) == (
        "http://127.0.0.1:9", False, str(ca), 1.5, 2)
    assert client.backoff_factor == 0.1
    assert client.redact(LICENSE) == "********"
    client.close()


def test_client_from_plugin_defaults_for_undeclared_options():
    client = client_from_plugin(FakePlugin(url="https://pp.example", license=LICENSE))
    assert (client.validate_certs, client.timeout, client.retries) == (True, 30.0, 3)
    client.close()


def test_client_from_plugin_raises_a_clear_error():
    with pytest.raises(ConnectionOptionError) as info:
        client_from_plugin(FakePlugin(url="gopher://x", license=LICENSE, timeout=-2))
    assert "url must be an http:// or https:// URL" in str(info.value)
    assert "timeout must be a number of seconds greater than 0, got '-2'" in str(info.value)
    assert LICENSE not in str(info.value)


def test_fail_from_error_passes_status_field_errors_and_result():
    errors = [{"ErrorCode": "E", "FieldName": "Id", "Message": "bad"}]
    exc = ValidationError("Op GET /X/{License} failed: 400 E: bad", status=400, field_errors=errors)
    with pytest.raises(Failed) as info:
        fail_from_error(FakeModule(), exc, changed=False, before={"a": 1})
    assert info.value.kwargs == {"msg": "Op GET /X/{License} failed: 400 E: bad", "status": 400, "field_errors": errors,
                                 "changed": False, "before": {"a": 1}}


def test_fail_from_error_with_a_path_value_error():
    client = PortaPlusClient("http://127.0.0.1:9", LICENSE)
    with pytest.raises(PathValueError) as refused:
        client.call(Route("GET", "/X/{License}/{Name}", "Op"), path={"Name": "a/b"})
    with pytest.raises(Failed) as info:
        fail_from_error(FakeModule(), refused.value)
    assert info.value.kwargs["status"] is None
    assert info.value.kwargs["field_errors"] == []
    assert info.value.kwargs["msg"] == "Op GET /X/{License}/{Name}: path variable Name='a/b' refused: must not contain '/'; nothing was sent"
    client.close()


def test_fail_from_error_not_found():
    with pytest.raises(Failed) as info:
        fail_from_error(FakeModule(), NotFoundError("gone", status=404), changed=False)
    assert info.value.kwargs == {"msg": "gone", "status": 404, "field_errors": [], "changed": False}


def test_doc_fragment_matches_the_table():
    opts = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert list(opts) == NAMES
    for name, option in CONNECTION_OPTIONS.items():
        assert opts[name]["type"] == option["type"]
        assert opts[name].get("default") == option.get("default")
        # A missing url or license is left to client_kwargs(), whose message names the variable too.
        assert not opts[name].get("required")
        if option.get("required"):
            assert "Required, here" in " ".join(opts[name]["description"])
        assert opts[name]["description"]
        if option.get("env"):
            assert option["env"] in " ".join(opts[name]["description"])
    assert "group/portaplus.softswitch.api" in " ".join(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["notes"])


def test_plugins_fragment_adds_only_where_else_options_are_read_from():
    opts = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]
    assert opts == dict((name, {"env": [{"name": option["env"]}], "vars": [{"name": option["var"]}]})
                        for name, option in CONNECTION_OPTIONS.items() if option.get("env"))


class DeclaringPlugin(FakePlugin):
    """A plugin as ansible-core leaves it: get_option() gives converted values, the raw ones are lost."""
    option_definitions = {"url": {"type": "str"}, "license": {"type": "str"}, "retries": {"type": "int"},
                          "timeout": {"type": "float"}, "sip_status": {"type": "bool"}, "customers": {"type": "list"}}


@pytest.mark.parametrize("given, named", [
    ({"retries": True}, "retries: must be a number, not a boolean (got True)"),
    ({"timeout": False}, "timeout: must be a number, not a boolean (got False)"),
    ({"sip_status": [1]}, "sip_status: must be true or false (got [1])"),
    ({"sip_status": "sometimes"}, "sip_status: must be true or false (got 'sometimes')"),
])
def test_client_from_plugin_checks_the_values_as_given(given, named):
    # what ansible-core's conversion made of them: true -> 1, [1] -> false
    plugin = DeclaringPlugin(url="https://pp.example", license=LICENSE, retries=1, timeout=0.0, sip_status=False)
    with pytest.raises(ConnectionOptionError) as info:
        client_from_plugin(plugin, given=dict(given, license=LICENSE))
    assert named in str(info.value)
    assert LICENSE not in str(info.value)


def test_client_from_plugin_takes_good_values_as_given():
    given = {"url": "https://pp.example", "license": LICENSE, "retries": 2, "timeout": "1.5", "sip_status": "yes",
             "customers": [1001]}
    client = client_from_plugin(DeclaringPlugin(**given), given=given)
    assert client.retries == 2
    client.close()


@pytest.mark.parametrize("given, words", [
    ({"customer": [1001]}, "unknown option 'customer' (did you mean 'customers'?)"),
    ({"sip_stauts": True}, "unknown option 'sip_stauts' (did you mean 'sip_status'?)"),
    ({"zzz": 1}, "unknown option 'zzz'; the options are customers, license"),
    ({"x" * 500: 1}, "unknown option '%s...'" % ("x" * 60)),
])
def test_an_undeclared_option_is_refused_with_the_closest_one_and_no_value(given, words):
    given = dict(given, url="https://pp.example", license=LICENSE)
    with pytest.raises(ConnectionOptionError) as info:
        client_from_plugin(DeclaringPlugin(**given), given=given)
    assert words in str(info.value) and LICENSE not in str(info.value)
