"""License scoping (A1, A2) and ServiceStack's error statuses (§C.6, §C.7)."""

from __future__ import annotations

import pytest

from sandbox_helpers import LICENSE, OTHER_LICENSE


def _status(reply) -> dict:
    return reply.json()["ResponseStatus"]


@pytest.mark.parametrize("path", [
    "/GetAccounts/NO-SUCH-LICENSE/1001",
    "/GetProducts/NO-SUCH-LICENSE",
    "/GetCustomerExtensions/no-such/1001",
])
def test_unknown_license_is_401(api, path):
    reply = api.get(path)
    assert reply.status == 401
    assert reply.reason == "UnauthorizedAccessException"
    assert _status(reply) == {"ErrorCode": "UnauthorizedAccessException",
                              "Message": "Invalid License", "Errors": []}


def test_missing_license_in_body_is_401(api):
    reply = api.post("/UpdateAccount", {"Accounts": [{"IAccount": 5001, "Note": "x"}]})
    assert reply.status == 401
    assert api.post("/GetAccount", {"IAccount": 5001}).status == 401


def test_license_from_query_or_body_is_accepted(api):
    assert api.post(f"/GetAccount?License={LICENSE}", {"IAccount": 5001}).status == 200
    assert api.post("/GetAccount", {"License": LICENSE, "IAccount": 5001}).status == 200


def test_other_resellers_customer_is_not_found(api):
    reply = api.get(f"/GetAccounts/{LICENSE}/2001")
    assert reply.status == 404 and reply.reason == "FileNotFoundException"
    assert _status(reply)["Message"] == "Customer 2001 not found"
    mine = api.get(f"/GetAccounts/{OTHER_LICENSE}/2001")
    assert mine.status == 200
    assert [a["AccountId"] for a in mine.json()["Accounts"]] == ["442079460001"]


@pytest.mark.parametrize("path", [
    f"/GetAccountInfoByIAccount/{LICENSE}/5101",
    f"/GetAccountBalance/{LICENSE}/5101",
    f"/GetActiveCallsAccount/{LICENSE}/5101",
    f"/GetPurchasedProductAddons/{LICENSE}/5101",
    f"/GetProductAddons/{LICENSE}/21",
    f"/GetCustomerExtensions/{LICENSE}/2001",
    f"/DeleteCustomerExtension/{LICENSE}/2001/7101",
    f"/DeleteCustomerExtension/{LICENSE}/1001/7101",
    f"/GetProductsByReseller/{LICENSE}/GBP/200",
])
def test_other_resellers_objects_are_not_found(api, path):
    assert api.get(path).status == 404


def test_other_resellers_account_cannot_be_written(api, sandbox):
    reply = api.post("/UpdateAccount", {"License": LICENSE,
                                        "Accounts": [{"IAccount": 5101, "Note": "mine"}]})
    assert reply.status == 404
    assert sandbox.counters()["committed_writes"] == 0


def test_reseller_lists_are_scoped(api):
    demo = {p["IProduct"] for p in api.get(f"/GetProducts/{LICENSE}").json()["PortaProducts"]}
    other = {p["IProduct"] for p in api.get(f"/GetProducts/{OTHER_LICENSE}").json()["PortaProducts"]}
    assert demo == {1, 2, 3, 11, 12, 13} and other == {21, 31}
    calls = api.get(f"/GetActiveCallsReseller/{OTHER_LICENSE}").json()["lstActiveCalls"]
    assert {c["ICustomer"] for c in calls} == {2001}


@pytest.mark.parametrize("path,field", [
    (f"/GetAccounts/{LICENSE}/abc", "ICustomer"),
    (f"/GetAccounts/{LICENSE}/99999999999", "ICustomer"),
    (f"/GetAccountInfoByIAccount/{LICENSE}/5001/maybe", "forBLF"),
    (f"/GetCustomerExtensionsActiveCalls/{LICENSE}/1001/yes please", "GetActiveCalls"),
])
def test_bad_scalar_is_400(api, path, field):
    reply = api.get(path.replace(" ", "%20"))
    assert reply.status == 400 and reply.reason == "SerializationException"
    assert _status(reply)["Errors"][0]["FieldName"] == field


def test_bad_query_value_is_400(api):
    assert api.get(f"/GetAccounts/{LICENSE}/1001?IProduct=x").status == 400


@pytest.mark.parametrize("text", ["true", "True", "1", "on", "false", "0", "t", "N"])
def test_bool_spellings(api, text):
    assert api.get(f"/GetAccountInfoByIAccount/{LICENSE}/5001/{text}").status == 200


def test_bad_body_is_400(api):
    reply = api.post("/GetAccount", "{not json", headers={"Content-Type": "application/json"})
    assert reply.status == 400


def test_bad_date_is_400(api):
    reply = api.get(f"/getCDRS/Account/{LICENSE}/5001/yesterday/today")
    assert reply.status == 400 and reply.reason == "FormatException"
    assert _status(reply)["Errors"][0]["FieldName"] == "FromDate"


def test_route_variable_without_member_is_400(api):
    reply = api.get(f"/getProductsPricebyTenantID/{LICENSE}/7")
    assert reply.status == 400 and reply.reason == "ArgumentException"
    assert _status(reply)["Message"] == "Could not find property TenantID on Product"


@pytest.mark.parametrize("method,path", [
    ("GET", "/NoSuchRoute"),
    ("GET", f"/GetAccounts/{LICENSE}"),                 # wrong segment count
    ("GET", f"/GetAccounts/{LICENSE}/1001/2/true/extra"),
    ("POST", f"/GetAccounts/{LICENSE}/1001"),           # wrong verb: no match, not 405
    ("GET", "/CreateAccounts"),
    ("DELETE", f"/GetProducts/{LICENSE}"),
])
def test_unmatched_route_is_plain_404(api, method, path):
    reply = api.request(method, path)
    assert reply.status == 404
    assert reply.content_type.startswith("text/plain")
    assert reply.body == b"404"


def test_unknown_operation_is_405(api):
    reply = api.post("/json/reply/NoSuchOp", {"License": LICENSE})
    assert reply.status == 405 and reply.reason == "NotImplementedException"
    assert _status(reply)["Message"] == "The operation 'NoSuchOp' does not exist for this service"
    assert api.get("/xml/reply/AddonInfo").status == 405       # a DTO, but no operation


def test_validation_errors_name_the_fields(api):
    reply = api.post("/CreateAccounts", {"License": LICENSE, "AccountRequest": {
        "ICustomer": 1001, "DefaultValues": {"ProductId": 11},
        "AccountsToCreate": [{"AcntId": "441632960001"}, {"AcntId": "44x", "Email": "nope"}]}})
    assert reply.status == 400
    fields = [e["FieldName"] for e in _status(reply)["Errors"]]
    assert fields == ["AccountRequest.DefaultValues.ProductId",
                      "AccountRequest.AccountsToCreate[0].AcntId",
                      "AccountRequest.AccountsToCreate[1].Email"]
