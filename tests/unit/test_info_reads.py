"""The info modules' reads live in module_utils (H10): route choices and API member names, tested without HTTP."""
import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils import account, extension, product
from ansible_collections.portaplus.softswitch.plugins.module_utils.api import client
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError


class Recorder:
    """Answers every route with a canned response and records which routes were called, with what."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def call(self, route, path=None, body=None, query=None, action=None):
        self.calls.append((route.template, dict(path or {}), action))
        return self.answers.get(route.template, {})


EXTENSION_RECORD = {"id": "101", "name": "Reception", "i_c_ext": 7001, "i_account": 5001, "account_id": "441632960001",
                    "firstname": "Alice", "lastname": "Archer", "noofcalls": 2}


@pytest.mark.parametrize("products, active_calls, route, member", [
    ([], False, "/GetCustomerExtensions/{License}/{ICustomer}", "ExtensionLst"),
    ([2, 3], False, "/GetCustomerExtensions/{License}/{ICustomer}/{IProducts}", "ExtensionLst"),
    ([], True, "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}", "ExtensionsActiveCalls"),
    ([2], True, "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}/{IProducts}",
     "ExtensionsActiveCalls"),
])
def test_extension_info_picks_one_route_by_the_options(products, active_calls, route, member):
    api = Recorder({route: {member: [EXTENSION_RECORD]}})
    result = extension.extension_info(api, 1001, products, active_calls)
    assert [call[0] for call in api.calls] == [route]
    assert api.calls[0][2] == "reading the extensions of customer 1001"
    if products:
        assert api.calls[0][1]["IProducts"] == ",".join(str(p) for p in products)   # A21
    item = result["extensions"][0]
    assert (item["number"], item["name"], item["account_id"], item["record_id"]) == ("101", "Reception", "441632960001", 7001)
    assert ("active_calls" in item) is active_calls
    if active_calls:
        assert (item["active_calls"], item["in_call"]) == (2, True)


def test_extension_info_sip_status_and_taken_numbers_add_one_request_each():
    api = Recorder({
        "/GetCustomerExtensions/{License}/{ICustomer}": {"ExtensionLst": [EXTENSION_RECORD]},
        "/GetOnlineAccounts/{License}/{ICustomer}/{GetSipStatus}": {"lstportaActiveCalls": [{"IAccount": 5001}]},
        "/GetUnavailableExtensions/{License}/{ICustomer}/{isUnavailable}": {"ExtensionLst": [{"id": 102}, {"id": 101}]},
    })
    result = extension.extension_info(api, 1001, sip_status=True, unavailable_numbers=True)
    assert result["extensions"][0]["sip_online"] is True
    assert result["unavailable_numbers"] == ["101", "102"]
    assert len(api.calls) == 3


@pytest.mark.parametrize("products", [[0], [-1], [True]])
def test_extension_info_refuses_bad_product_ids_before_any_request(products):
    api = Recorder({})
    with pytest.raises(InputError, match=r"products\[0\]: must be a product id greater than 0"):
        extension.extension_info(api, 1001, products)
    assert api.calls == []


ACCOUNT_RECORDS = [
    {"AccountId": "441632960001", "IAccount": 5001, "ICustomer": 1001, "IProduct": 2, "ProductName": "Hosted PBX Seat",
     "FirstName": "Alice", "LastName": "Archer", "VoipPassword": "sip-5001-pw", "Blocked": False},
    {"AccountId": "441632960003", "IAccount": 5003, "ICustomer": 1001, "IProduct": 1, "ProductName": "Office Line",
     "FirstName": "Carol", "Blockedfield": "Y", "VoipPassword": "sip-5003-pw"},
]
PRODUCTS = {"PortaProducts": [{"IProduct": 1, "Name": "Office Line"}, {"IProduct": 2, "Name": "Hosted PBX Seat"},
                              {"IProduct": 11, "Name": "Call Recording", "addon_priority": 10}]}


def test_find_accounts_filters_and_never_returns_passwords():
    api = Recorder({"/GetAccounts/{License}/{ICustomer}": {"Accounts": ACCOUNT_RECORDS},
                    "/GetProducts/{License}": PRODUCTS})
    assert [a["account_id"] for a in account.find_accounts(api, customer=1001, blocked=True)] == ["441632960003"]
    assert [a["account_id"] for a in account.find_accounts(api, customer=1001, product="hosted pbx seat")] == ["441632960001"]
    found = account.find_accounts(api, customer=1001, search="ARCH")
    assert [a["account_id"] for a in found] == ["441632960001"] and "password" not in found[0]
    assert "sip-500" not in repr(account.find_accounts(api, customer=1001))


def test_find_accounts_by_id_alone_uses_one_lookup_and_refuses_a_slash():
    api = Recorder({"/GetAccountInfoByAccountId/{License}/{AccountID}": {"AccountInfo": ACCOUNT_RECORDS[0]}})
    assert [a["account_id"] for a in account.find_accounts(api, account_id="441632960001")] == ["441632960001"]
    assert [call[0] for call in api.calls] == ["/GetAccountInfoByAccountId/{License}/{AccountID}"]
    with pytest.raises(InputError, match="account_id: must not contain '/'"):
        account.find_accounts(api, account_id="44/1")


def test_read_catalogue_splits_kinds_and_checks_the_currency_first():
    api = Recorder({"/GetProducts/{License}/{Currency}": PRODUCTS})
    result = product.read_catalogue(api, "gbp", "o")
    assert [p["name"] for p in result["products"]] == ["Hosted PBX Seat", "Office Line"]
    assert [p["name"] for p in result["addons"]] == ["Call Recording"]
    assert api.calls[0][1] == {"Currency": "GBP"}
    with pytest.raises(InputError, match="currency: must be a three-letter ISO 4217 code"):
        product.read_catalogue(api, "pounds")


def test_names_other_plugins_import_from_client_still_work():
    for name in ("Client", "PortaPlusClient", "Route", "PortaPlusError", "NotFoundError", "OutcomeUnknownError",
                 "path_segment_problem", "parse_date", "format_date", "format_path_date", "convert_dates"):
        assert hasattr(client, name), name
    assert client.Client is client.PortaPlusClient


def test_modules_are_docs_a_spec_and_one_call():
    import ast
    import os
    modules = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "plugins", "modules")
    for name in sorted(os.listdir(modules)):
        with open(os.path.join(modules, name)) as handle:
            tree = ast.parse(handle.read())
        functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
        assert set(functions) <= {"main", "build_spec"}, (name, functions)
