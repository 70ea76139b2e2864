"""The one API model of the tests: every route the plugins can call is one the sandbox serves,
and the in-process sandbox (tests/unit/sandbox_api.py) behaves to the client as the process does."""
import importlib
import pkgutil

import pytest

from portaplus_sandbox.routes import ROUTES

from ansible_collections.portaplus.softswitch.plugins import module_utils
from ansible_collections.portaplus.softswitch.plugins.module_utils import account, extension
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import (
    OutcomeUnknownError, Route, TransportError)


def plugin_routes():
    """Every Route object defined at module level anywhere in plugins/module_utils."""
    found = {}
    for info in pkgutil.walk_packages(module_utils.__path__, module_utils.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Route):
                found.setdefault(value, "%s.%s" % (info.name.rsplit(".", 1)[-1], name))
    return found


PLUGIN_ROUTES = plugin_routes()


def shape(template):
    """What decides which server route a request path matches: the literal segments (case-insensitive,
    section C.3 of the API facts) and where the variables are; their names only bind on the server."""
    return tuple("{}" if segment.startswith("{") else segment.lower() for segment in template.split("/") if segment)


def test_the_plugins_define_routes_in_every_layer_that_calls_the_api():
    modules = set(where.split(".")[0] for where in PLUGIN_ROUTES.values())
    assert {"account", "extension", "product", "records", "calls", "customer_list"} <= modules, modules
    assert len(PLUGIN_ROUTES) >= 25


@pytest.mark.parametrize("route", sorted(PLUGIN_ROUTES, key=lambda r: r.template), ids=lambda r: r.template)
def test_every_route_the_plugins_call_is_served_by_the_sandbox_with_the_same_verb_and_write_flag(route):
    served = [r for r in ROUTES if shape(r.template) == shape(route.template)]
    assert served, "%s (%s) is not a sandbox route (sandbox/portaplus_sandbox/routes.py)" % (
        route.template, PLUGIN_ROUTES[route])
    assert served[0].verb == route.verb, (route, served[0])
    # the client never retries a write blindly and --check never sends one: both sides must agree
    assert served[0].is_write == route.write, (route, served[0])


def test_a_path_value_with_reserved_characters_arrives_as_sent(demo):
    api = demo.client()
    name = "100% Sales? & A #1 /x"[:-3]
    added = api.call(extension.ADD_EXTENSION, {"ICustomer": 1001, "Name": name, "Id": "150", "IAccount": 0})
    assert added["Extension"]["name"] == name
    assert demo.requests()[-1]["route"] == extension.ADD_EXTENSION.template


def test_an_injected_timeout_on_a_write_commits_and_reaches_the_client_as_an_unknown_outcome(demo):
    api = demo.client()
    demo.set_faults(fault_rate=1, kinds=["timeout"], routes=[extension.ADD_EXTENSION.template])
    with pytest.raises(OutcomeUnknownError) as caught:
        api.call(extension.ADD_EXTENSION, {"ICustomer": 1001, "Name": "Lobby", "Id": "150", "IAccount": 0})
    assert "timeout" in str(caught.value)
    logged = demo.requests()[-1]
    assert (logged["fault"], logged["committed"]) == ("timeout", True)
    demo.set_faults()
    numbers = [e["number"] for e in extension.extension_info(api, 1001)["extensions"]]
    assert "150" in numbers


def test_reads_are_retried_through_injected_faults_and_writes_are_not(demo):
    api = demo.client(retries=3)
    demo.set_faults(fault_rate=1, kinds=["reset", "503"], max_faults=2, routes=[account.GET_ACCOUNT_BY_ID.template])
    found = account.find_accounts(api, account_id="441632960001")
    assert [a["account_id"] for a in found] == ["441632960001"]
    assert sorted(str(r["fault"]) for r in demo.requests()) == ["503", "None", "reset"]
    demo.set_faults(fault_rate=1, kinds=["500"], routes=[account.UPDATE_ACCOUNTS.template])
    with pytest.raises(OutcomeUnknownError):        # a write's 500: sent once, then read back
        api.call(account.UPDATE_ACCOUNTS, body={"Accounts": []})
    assert len([r for r in demo.requests() if r["route"] == account.UPDATE_ACCOUNTS.template]) == 1


def test_a_reset_on_a_read_past_the_retries_is_a_transport_error(demo):
    api = demo.client(retries=1)
    demo.set_faults(fault_rate=1, kinds=["reset"], routes=[account.GET_ACCOUNT_BY_ID.template])
    with pytest.raises(TransportError) as caught:
        account.find_accounts(api, account_id="441632960001")
    assert "after 2 attempt(s)" in str(caught.value)
