"""The info modules' reads live in module_utils (H10): route choices and API member names, against the
in-process sandbox (tests/unit/sandbox_api.py)."""
import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils import account, extension, product
from ansible_collections.portaplus.softswitch.plugins.module_utils.api import client
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError


@pytest.mark.parametrize("products, active_calls, route, numbers", [
    ([], False, "/GetCustomerExtensions/{License}/{ICustomer}", ["101", "102"]),
    ([2, 3], False, "/GetCustomerExtensions/{License}/{ICustomer}/{IProducts}", ["101", "102"]),
    ([1], False, "/GetCustomerExtensions/{License}/{ICustomer}/{IProducts}", []),
    ([], True, "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}", ["101", "102"]),
    ([2], True, "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}/{IProducts}", ["101", "102"]),
])
def test_extension_info_picks_one_route_by_the_options(demo, products, active_calls, route, numbers):
    api = demo.client()
    result = extension.extension_info(api, 1001, products, active_calls)
    assert api.templates() == [route]
    assert api.calls[0].action == "reading the extensions of customer 1001"
    if products:
        assert api.calls[0].path["IProducts"] == ",".join(str(p) for p in products)   # A21
    assert [item["number"] for item in result["extensions"]] == numbers
    if not numbers:
        return
    item = result["extensions"][0]
    assert (item["number"], item["name"], item["account_id"], item["record_id"]) == ("101", "Reception", "441632960001", 7001)
    assert ("active_calls" in item) is active_calls
    if active_calls:     # the demo seed starts a call on account 5001 (extension 101), none on 5002
        assert [(e["active_calls"], e["in_call"]) for e in result["extensions"]] == [(1, True), (0, False)]


def test_extension_info_sip_status_and_taken_numbers_add_one_request_each(demo):
    api = demo.client()
    result = extension.extension_info(api, 1001, sip_status=True, unavailable_numbers=True)
    assert [e["sip_online"] for e in result["extensions"]] == [True, False]    # 5001 is in a call
    assert result["unavailable_numbers"] == ["101", "102"]
    assert api.templates() == ["/GetCustomerExtensions/{License}/{ICustomer}",
                               "/GetOnlineAccounts/{License}/{ICustomer}/{GetSipStatus}",
                               "/GetUnavailableExtensions/{License}/{ICustomer}/{isUnavailable}"]


@pytest.mark.parametrize("products", [[0], [-1], [True]])
def test_extension_info_refuses_bad_product_ids_before_any_request(demo, products):
    api = demo.client()
    with pytest.raises(InputError, match=r"products\[0\]: must be a product id greater than 0"):
        extension.extension_info(api, 1001, products)
    assert api.calls == [] and demo.requests() == []


def test_find_accounts_filters_and_never_returns_passwords(demo):
    api = demo.client()
    assert [a["account_id"] for a in account.find_accounts(api, customer=1001, blocked=True)] == ["441632960003"]
    assert [a["account_id"] for a in account.find_accounts(api, customer=1001, product="hosted pbx seat")] == [
        "441632960001", "441632960002"]
    found = account.find_accounts(api, customer=1001, search="ARCH")
    assert [a["account_id"] for a in found] == ["441632960001"] and "password" not in found[0]
    assert "-pw" not in repr(account.find_accounts(api, customer=1001))     # the seed's passwords: sip-5001-pw...


def test_find_accounts_by_id_alone_uses_one_lookup_and_refuses_a_slash(demo):
    api = demo.client()
    assert [a["account_id"] for a in account.find_accounts(api, account_id="441632960001")] == ["441632960001"]
    assert api.templates() == ["/GetAccountInfoByAccountId/{License}/{AccountID}"]
    with pytest.raises(InputError, match="account_id: must not contain '/'"):
        account.find_accounts(api, account_id="44/1")
    assert len(demo.requests()) == 1


def test_read_catalogue_splits_kinds_and_checks_the_currency_first(demo):
    api = demo.client()
    result = product.read_catalogue(api, "gbp")
    assert [p["name"] for p in result["products"]] == ["Hosted PBX Seat", "Office Line", "SIP Trunk"]
    assert [p["name"] for p in result["addons"]] == ["Call Recording", "International Calling", "Voicemail to Email"]
    assert api.calls[0].path == {"Currency": "GBP"}
    result = product.read_catalogue(api, "GBP", "CALL")             # names and descriptions, any case
    assert (result["products"], [p["name"] for p in result["addons"]]) == ([], ["Call Recording", "International Calling"])
    with pytest.raises(InputError, match="currency: must be a three-letter ISO 4217 code"):
        product.read_catalogue(api, "pounds")
    assert len(demo.requests()) == 2


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
