"""Request and response formats: the same data whichever way it travels (§C.1, §C.2, §C.8)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from portaplus_sandbox import wire
from portaplus_sandbox.dtos import NS_COMMON, NS_DTO

from sandbox_helpers import LICENSE

GET_ACCOUNT_BODIES = {
    "json": ("application/json", json.dumps({"License": LICENSE, "IAccount": 5001})),
    "xml": ("application/xml",
            f'<GetAccount xmlns="{NS_DTO}"><IAccount>5001</IAccount>'
            f"<License>{LICENSE}</License></GetAccount>"),
    "jsv": ("text/jsv", f"{{License:{LICENSE},IAccount:5001}}"),
    "csv": ("text/csv", f"License,IAccount\r\n{LICENSE},5001\r\n"),
    "form": ("application/x-www-form-urlencoded", f"License={LICENSE}&IAccount=5001"),
}


@pytest.mark.parametrize("kind", [*GET_ACCOUNT_BODIES, "query"])
def test_request_formats_give_the_same_answer(api, kind):
    if kind == "query":
        reply = api.post(f"/GetAccount?License={LICENSE}&IAccount=5001")
    else:
        content_type, body = GET_ACCOUNT_BODIES[kind]
        reply = api.post("/GetAccount", body, headers={"Content-Type": content_type})
    assert reply.status == 200, reply.body
    reference = api.post("/GetAccount", {"License": LICENSE, "IAccount": 5001}).json()
    assert reply.json() == reference
    assert [a["IAccount"] for a in reference["Accounts"]] == [5001]


def _update_email_bodies(email: str) -> dict[str, tuple[str, str]]:
    jsv_list = f"[{{IAccount:5002,Email:{email}}}]"
    return {
        "json": ("application/json", json.dumps(
            {"License": LICENSE, "Accounts": [{"IAccount": 5002, "Email": email}]})),
        "xml": ("application/xml",
                f'<UpdateAccount xmlns="{NS_DTO}"><License>{LICENSE}</License>'
                f'<Accounts xmlns:d2p1="{NS_COMMON}"><d2p1:PortaAccount>'
                f"<d2p1:Email>{email}</d2p1:Email><d2p1:IAccount>5002</d2p1:IAccount>"
                f"</d2p1:PortaAccount></Accounts></UpdateAccount>"),
        "jsv": ("text/jsv", f"{{License:{LICENSE},Accounts:{jsv_list}}}"),
        "csv": ("text/csv", f'License,Accounts\r\n{LICENSE},"{jsv_list}"\r\n'),
        "form": ("application/x-www-form-urlencoded", f"License={LICENSE}&Accounts={jsv_list}"),
    }


@pytest.mark.parametrize("kind", ["json", "xml", "jsv", "csv", "form"])
def test_nested_write_in_every_format(api, kind):
    email = f"bob.{kind}@acme.example"
    content_type, body = _update_email_bodies(email)[kind]
    reply = api.post("/UpdateAccount", body, headers={"Content-Type": content_type})
    assert reply.status == 200, reply.body
    assert reply.json()["Success"] is True
    account = api.get(f"/GetAccountInfoByIAccount/{LICENSE}/5002").json()["AccountInfo"]
    assert account["Email"] == email


CONTENT_TYPES = {"json": "application/json", "xml": "application/xml", "jsv": "text/jsv",
                 "csv": "text/csv"}


def _without_nulls(value):
    """XML writes null members as nil elements where JSON leaves them out."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _parsed(fmt: str, body: bytes) -> dict:
    return _without_nulls(wire.parse_body(fmt, body, "ProductResponse"))


@pytest.mark.parametrize("fmt", ["xml", "jsv", "csv"])
def test_response_formats_carry_the_same_data(api, fmt):
    path = f"/GetAccounts/{LICENSE}/1001"
    reference = _parsed("json", api.get(path).body)
    by_suffix = api.get(f"{path}.{fmt}")
    by_query = api.get(f"{path}?format={fmt}")
    by_accept = api.get(path, headers={"Accept": CONTENT_TYPES[fmt]})
    for reply in (by_suffix, by_query, by_accept):
        assert reply.status == 200
        assert reply.content_type.startswith(CONTENT_TYPES[fmt])
        assert _parsed(fmt, reply.body) == reference
    assert len(reference["Accounts"]) == 3


def test_default_format_is_json(api):
    reply = api.get(f"/GetProducts/{LICENSE}", headers={"Accept": "text/html"})
    assert reply.content_type.startswith("application/json")


def test_suffix_is_stripped_from_the_whole_path(api):
    """A value ending in .json loses it (why A14 refuses such values)."""
    reply = api.get(f"/GetAccountInfoByAccountId/{LICENSE}/441632960001.json")
    assert reply.status == 200
    assert reply.json()["AccountInfo"]["IAccount"] == 5001
    other_dots = api.get(f"/GetProductBySearch/{LICENSE}/GBP/1001/a.b")
    assert other_dots.status == 200 and other_dots.json()["PortaProducts"] == []


def test_predefined_route_fixes_the_format(api):
    reply = api.post("/xml/reply/GetAccount", {"License": LICENSE, "IAccount": 5001},
                     headers={"Accept": "application/json"})
    assert reply.status == 200
    assert reply.content_type.startswith("application/xml")
    root = ET.fromstring(reply.body)
    assert root.tag == f"{{{NS_DTO}}}GetAccountResponse"


def test_predefined_route_reads_its_format_without_content_type(api):
    reply = api.post("/jsv/reply/GetAccount", f"{{License:{LICENSE},IAccount:5002}}")
    assert reply.status == 200
    assert wire.parse_body("jsv", reply.body, "GetAccountResponse")["Accounts"][0]["IAccount"] \
        == 5002


def test_predefined_route_accepts_any_verb_and_query(api):
    reply = api.get(f"/json/reply/GetAccount?License={LICENSE}&AccountID=441632960003")
    assert reply.status == 200
    assert reply.json()["Accounts"][0]["Blocked"] is True


def test_oneway_runs_and_answers_nothing(api):
    reply = api.post("/json/oneway/UpdateAccount",
                     {"License": LICENSE, "Accounts": [{"IAccount": 5002, "Note": "oneway"}]})
    assert reply.status == 204 and reply.body == b""
    account = api.get(f"/GetAccountInfoByIAccount/{LICENSE}/5002").json()["AccountInfo"]
    assert account["Note"] == "oneway"


def test_jsonp(api):
    reply = api.get(f"/GetProducts/{LICENSE}?callback=cb")
    assert reply.content_type.startswith("application/javascript")
    assert reply.body.startswith(b"cb(") and reply.body.endswith(b")")
    assert json.loads(reply.body[3:-1])["PortaProducts"]
    error = api.get("/GetProducts/NOPE?callback=cb")
    assert error.status == 200                       # JSONP errors travel as 200 (§C.8)
    assert json.loads(error.body[3:-1])["ResponseStatus"]["ErrorCode"] == \
        "UnauthorizedAccessException"


def test_soap12(api):
    envelope = (
        '<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body>'
        f'<PortaAccountInfo xmlns="{NS_DTO}"><IAccount>5004</IAccount>'
        f"<License>{LICENSE}</License></PortaAccountInfo></soap12:Body></soap12:Envelope>")
    reply = api.post("/soap12", envelope,
                     headers={"Content-Type": "application/soap+xml; charset=utf-8"})
    assert reply.status == 200, reply.body
    assert reply.content_type.startswith("application/soap+xml")
    assert b"<AvailableBalance>158.9</AvailableBalance>" in reply.body


def test_soap_unknown_operation_is_405(api):
    envelope = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
                f'<soap:Body><NoSuchOp xmlns="{NS_DTO}"/></soap:Body></soap:Envelope>')
    reply = api.post("/soap11", envelope, headers={"Content-Type": "text/xml"})
    assert reply.status == 405
    assert b"does not exist for this service" in reply.body


def test_errors_use_the_requested_format(api):
    reply = api.get("/GetAccounts/NOPE/1001.xml")
    assert reply.status == 401 and reply.reason == "UnauthorizedAccessException"
    root = ET.fromstring(reply.body)
    assert root.tag == "{http://schemas.servicestack.net/types}ErrorResponse"
    csv_reply = api.get("/GetAccounts/NOPE/1001?format=csv")
    assert csv_reply.body.splitlines()[0] == b"ErrorCode,Message,StackTrace,Errors"
