"""Unit tests of the sandbox wire layer (portaplus_sandbox.wire / .dtos), checked against the
five verbatim metadata seed pages kept in sandbox/reference/."""

from __future__ import annotations

import csv
import itertools
import json
import re
import xml.etree.ElementTree as ET
import zlib
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from portaplus_sandbox import wire
from portaplus_sandbox.dtos import (
    DTOS, ENUMS, NS_ARRAYS, NS_COMMON, NS_DTO, NS_SERVICESTACK, parse_type)
from portaplus_sandbox.wire import (
    MIN_DATE, BindingError, UnknownOperationError, coerce, member_name, parse_body, parse_form,
    parse_json_date, parse_soap, render, render_error, render_soap, to_json_date, wrap_jsonp)

SEEDS = Path(__file__).resolve().parents[1] / "reference"
UTC = timezone.utc
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
DICT_KEY = "ACC-1001"      # the key our sample dictionaries use (the seeds print "String")


# --------------------------------------------------------------------------- helpers

def seed(name: str) -> tuple[str, str]:
    """(sample request body, sample response body) of a seed page."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    request_part, _, response_part = text.partition("HTTP/1.1 200 OK\n")
    request_lines = request_part[request_part.index("\nPOST "):].split("\n")
    request_body = "\n".join(request_lines[request_lines.index("", 1) + 1:])
    response_body = response_part[response_part.index("\n\n") + 2:]
    return request_body.strip(), response_body.strip()


def sample(ref_spec: str, name: str = "", counter=None):
    """A realistic value for every member of a type (lists get one element), so that a
    rendering shows every member, as the seed samples do."""
    counter = counter if counter is not None else itertools.count(1)
    ref = parse_type(ref_spec)
    if ref.kind == "list":
        return [sample(_spec(ref.args[0]), name, counter)]
    if ref.kind == "dict":
        return {DICT_KEY: sample(_spec(ref.args[1]), name, counter)}
    if ref.kind == "dto":
        return {member: sample(spec, member, counter) for member, spec in DTOS[ref.name].members}
    if ref.kind == "enum":
        return ENUMS[ref.name][-1]
    n = next(counter)
    return {
        "string": f"{name}-{n}",
        "int": 1000 + n,
        "long": 10**10 + n,
        "decimal": Decimal(f"{n}.25"),
        "bool": n % 2 == 1,
        "DateTime": datetime(2024, 1 + n % 12, 1 + n % 28, 10, n % 60, 5, tzinfo=UTC),
    }[ref.name]


def _spec(ref) -> str:
    if ref.kind == "list":
        return f"List<{_spec(ref.args[0])}>"
    if ref.kind == "dict":
        return f"Dict<{_spec(ref.args[0])},{_spec(ref.args[1])}>"
    return ref.name


VALUE_DEFAULTS = {"int": 0, "long": 0, "decimal": 0, "bool": False, "DateTime": MIN_DATE}


def default_of(dto, member: str, spec: str):
    if member in dto.defaults:
        return dto.defaults[member]
    return ENUMS[spec][0] if spec in ENUMS else VALUE_DEFAULTS.get(spec)


def complete(spec: str, value):
    """What a parser should give back after a rendering: value-type defaults filled in,
    None members dropped (JSON/JSV omit them), None DateTime -> MinValue."""
    ref = parse_type(spec)
    if ref.kind == "list":
        return [complete(_spec(ref.args[0]), item) for item in value]
    if ref.kind == "dict":
        return {key: complete(_spec(ref.args[1]), item) for key, item in value.items()}
    if ref.kind != "dto":
        return value
    dto = DTOS[ref.name]
    result = {}
    for member, member_spec in dto.members:
        member_value = value.get(member)
        if member_value is None:
            member_value = default_of(dto, member, member_spec)
        if member_value is not None:
            result[member] = complete(member_spec, member_value)
    return result


def jsv_seed_outline(text: str) -> list:
    """Member-name tree of a pretty-printed JSV seed sample, read from the indentation."""
    root: list = []
    stack = [(-1, root)]
    for line in text.splitlines():
        match = re.match(r"^(\t*)([A-Za-z_]\w*):", line)
        if not match:
            continue
        depth = len(match.group(1))
        while stack[-1][0] >= depth:
            stack.pop()
        children: list = []
        stack[-1][1].append((match.group(2), children))
        stack.append((depth, children))
    return root


def outline(node) -> list:
    """Member-name tree of a parsed (raw) JSV value; lists contribute their first item."""
    if isinstance(node, list):
        return outline(node[0]) if node else []
    if isinstance(node, dict):
        return [("String" if key == DICT_KEY else key, outline(value))
                for key, value in node.items()]
    return []


def flatten(tree: list, prefix: str = "") -> list[str]:
    names = []
    for key, children in tree:
        names.append(prefix + key)
        names.extend(flatten(children, prefix + key + "."))
    return names


def tags(xml_text: str | bytes) -> list[str]:
    """Every element's {namespace}name in document order."""
    return [element.tag for element in ET.fromstring(xml_text).iter()]


def prefix_declarations(xml_text: str) -> list[tuple[str, str]]:
    return re.findall(r'xmlns:(d\d+p\d+)="([^"]+)"', xml_text)


def checksum(name: str) -> int:
    return zlib.crc32(name.encode()) % 1000


def substitute_tokens(text: str) -> tuple[str, list]:
    """Replace the placeholders String / 0 / False one by one with distinct values; return
    the new text and the typed values in order of appearance."""
    made: list = []

    def replace(match: re.Match) -> str:
        n = len(made) + 1
        token = match.group(0)
        if token == "String":
            made.append(f"val {n}")
            return f"val {n}"
        if token == "0":
            made.append(100 + n)
            return str(100 + n)
        made.append(n % 2 == 1)
        return "True" if n % 2 == 1 else "false"
    return re.sub(r"\b(String|0|False)\b", replace, text), made


def substitute_xml(text: str) -> str:
    """In an XML sample: strings become their element's name, ints a checksum of it,
    false becomes true."""
    text = re.sub(r"<((?:\w+:)?(\w+))>String</\1>", r"<\1>\2</\1>", text)
    text = re.sub(r"<((?:\w+:)?(\w+))>0</\1>",
                  lambda m: f"<{m.group(1)}>{checksum(m.group(2))}</{m.group(1)}>", text)
    return text.replace(">false<", ">true<")


# --------------------------------------------------------------------------- schema

def test_every_member_type_is_declared_and_names_are_unique_per_dto():
    for dto in DTOS.values():
        names = [name.lower() for name, _ in dto.members]
        assert len(names) == len(set(names)), dto.name
    for op in ("CreateAccount", "UpdateAccount", "GetAccount", "PortaAccountInfo", "Product",
               "CustomerExtension", "PortaCDR", "ActiveCalls"):
        assert [m for m, _ in DTOS[op].members][-3:] == ["License", "ContentId", "FeatureName"]
        assert [m for m, _ in DTOS[op + "Response"].members][-3:] == [
            "License", "ContentId", "FeatureName"]
        assert DTOS[op].namespace == NS_DTO


def test_update_account_response_is_success_plus_common_members():
    assert DTOS["UpdateAccountResponse"].members == (
        ("Success", "bool"), ("License", "string"), ("ContentId", "int"),
        ("FeatureName", "string"))


def test_account_record_continues_after_middle_initials_with_sandbox_extensions():
    names = [m for m, _ in DTOS["AccountRecord"].members]
    start = names.index("MiddleInitials")
    assert names[start + 1:] == [
        "LastName", "Address1", "Address2", "Address3", "Address4", "Town", "Region", "City",
        "Postcode", "Country", "ActiveAddons", "ProductName", "ExtensionNumber"]
    assert dict(DTOS["AccountRecord"].members)["ActiveAddons"] == "List<AddonInfo>"


def test_member_name_is_case_insensitive():
    assert member_name("Product", "SEARCHSTRING") == "searchString"
    assert member_name("Product", "todate") == "toDate"
    assert member_name("CustomerExtension", "icustomer") == "ICustomer"
    assert member_name("Product", "TenantID") is None


# --------------------------------------------------------------------------- seed: CSV (B)

def test_seed_csv_request_parses_to_typed_values():
    request, _ = seed("CustomerExtension.csv.txt")
    header, row = request.splitlines()
    row, made = substitute_tokens(row)
    parsed = parse_body("csv", f"{header}\r\n{row}\r\n".encode(), "CustomerExtension")
    assert parsed == {
        "ICustomer": 101, "Name": "val 2", "Id": "val 3", "ExtensionRecordId": 104,
        "IAccount": 105, "IProducts": "val 6", "GetActiveCalls": True, "IsFiltering": False,
        "GetSipStatus": True, "isUnavailable": False, "License": "val 11", "ContentId": 112,
        "FeatureName": "val 13"}
    assert list(parsed.values()) == made


def test_seed_csv_response_member_order_matches_rendering():
    _, response = seed("CustomerExtension.csv.txt")
    seed_header, seed_row = response.splitlines()
    body, content_type = render("csv", "CustomerExtensionResponse",
                                sample("CustomerExtensionResponse"))
    assert content_type == "text/csv"
    text = body.decode()
    assert text.endswith("\r\n") and text.count("\r\n") == 2
    header, row = text.split("\r\n")[:2]
    assert header == seed_header
    # nested members inside the JSV cells: same names, same order as the seed
    key_pattern = r"[{,]([A-Za-z_]\w*):"
    seed_cells = next(csv.reader([seed_row]))
    our_cells = next(csv.reader([row]))
    for seed_cell, our_cell in zip(seed_cells[:5], our_cells[:5]):
        assert re.findall(key_pattern, our_cell) == re.findall(key_pattern, seed_cell)


def test_seed_csv_response_sample_is_readable():
    _, response = seed("CustomerExtension.csv.txt")
    parsed = parse_body("csv", response.encode(), "CustomerExtensionResponse")
    call = parsed["lstportaActiveCalls"][0]
    assert call["Connect_time"] == MIN_DATE and call["CLI"] == "String" and call["IEnv"] == 0
    assert parsed["Extension"]["PhoneNumber"] == "String"
    assert parsed["ExtensionDeleted"] is False
    assert parsed["ExtensionsActiveCalls"][0]["activecall"] is True
    assert parsed["ContentId"] == 0 and parsed["FeatureName"] == "String"


# --------------------------------------------------------------------------- seed: JSV (C, D)

@pytest.mark.parametrize("page, op", [("PortaCDR.jsv.txt", "PortaCDR"),
                                      ("Product.jsv.txt", "Product")])
def test_seed_jsv_request_parses_to_typed_values(page, op):
    request, _ = seed(page)
    text, made = substitute_tokens(request)
    keys = re.findall(r"^\t([A-Za-z_]\w*):", text, flags=re.M)
    expected = dict(zip(keys, made))
    if op == "Product":
        expected["LstIAccounts"] = [expected["LstIAccounts"]]   # the list's only item
    parsed = parse_body("jsv", text.encode(), op)
    assert parsed == expected
    assert list(parsed) == [m for m, _ in DTOS[op].members]


@pytest.mark.parametrize("page, response_dto", [
    ("PortaCDR.jsv.txt", "PortaCDRResponse"), ("Product.jsv.txt", "ProductResponse")])
def test_seed_jsv_response_member_order_matches_rendering(page, response_dto):
    _, response = seed(page)
    body, content_type = render("jsv", response_dto, sample(response_dto))
    assert content_type == "text/jsv"
    ours = outline(wire._jsv_parse(body.decode(), response_dto))
    expected = jsv_seed_outline(response)
    assert flatten(ours) == flatten(expected)
    assert len(flatten(expected)) > 100          # the outline really reached nested members


def test_seed_jsv_response_samples_are_readable():
    _, cdr = seed("PortaCDR.jsv.txt")
    parsed = parse_body("jsv", cdr.encode(), "PortaCDRResponse")
    assert parsed["DictPortaCustomerAccountCDRS"]["String"][0]["HoldTime"] == "String"
    assert parsed["ConnectedCallsRecords"]["String"][0]["CDRS"][0]["bill_time"] == MIN_DATE
    assert parsed["XDRSInfo"][0]["cr_download_links"] == ["String"]
    assert parsed["TotalUsage"]["ChargedCost"] == 0
    _, product = seed("Product.jsv.txt")
    parsed = parse_body("jsv", product.encode(), "ProductResponse")
    account = parsed["AccountInfo"]
    assert account["BillingModel"] == "ReChargeVoucher" and account["hideCLI"] is False
    assert account["HGInfo"][0]["assigned_extensions"][0]["huntstop"] == "String"
    assert parsed["Accounts"][0]["ActiveAddons"][0]["effective_to_ProductAddon"] == MIN_DATE


# --------------------------------------------------------------------------- seed: XML (E)

def test_seed_xml_request_parses_to_typed_values():
    request, _ = seed("CreateAccount.xml.txt")
    text = substitute_xml(request).replace(">ReChargeVoucher<", ">creditaccount<")
    parsed = parse_body("xml", text.encode(), "CreateAccount")
    c = checksum
    assert parsed == {
        "ContentId": c("ContentId"), "FeatureName": "FeatureName", "License": "License",
        "AccountRequest": {
            "AccountId": "AccountId", "AccountPrefix": "AccountPrefix",
            "AccountRandomDigitLength": c("AccountRandomDigitLength"),
            "AccountsToCreate": [{
                "AcntId": "AcntId", "ActivationDate": "ActivationDate", "Email": "Email",
                "Extension": "Extension", "FirstName": "FirstName",
                "ISubscription": c("ISubscription"), "Index": c("Index"), "Label": "Label",
                "LastName": "LastName", "Password": "Password"}],
            "CustomerLogin": "CustomerLogin", "CustomerPassword": "CustomerPassword",
            "DefaultValues": {
                "BCC": "BCC", "BatchNamePrefix": "BatchNamePrefix",
                "BillingModel": "CreditAccount", "CreditLimit": Decimal(c("CreditLimit")),
                "DefaultAnsweringMode": "Reject", "EcommerceEnabled": True,
                "FollowMeEnabled": True, "IParent": c("IParent"),
                "IRoutingPlan": c("IRoutingPlan"), "ITariff": c("ITariff"),
                "ITimeZone": c("ITimeZone"), "IVRLanguage": "IVRLanguage",
                "LifeTime": c("LifeTime"), "OutDateTimeFormat": "OutDateTimeFormat",
                "ProductId": c("ProductId"), "RTPProxy": "Direct",
                "ServiceFeatures": [{"FlagValue": "FlagValue", "Name": "Name",
                                     "ServiceAttributes": {"Key": ["string"]}}],
                "ServiceFlags": "ServiceFlags", "UmEnabled": True},
            "ICustomer": c("ICustomer"), "SIPContact": "SIPContact", "SiteType": "SiteType"}}


def test_seed_xml_request_and_response_shapes_match_rendering():
    request, response = seed("CreateAccount.xml.txt")
    for dto_name, sample_text in (("CreateAccount", request), ("CreateAccountResponse", response)):
        body, content_type = render("xml", dto_name, sample(dto_name))
        assert content_type == "application/xml"
        assert tags(body) == tags(sample_text)          # names, order and namespaces
        assert prefix_declarations(body.decode()) == prefix_declarations(sample_text)


def test_seed_xml_response_round_trips():
    _, response = seed("CreateAccount.xml.txt")
    parsed = parse_body("xml", response.encode(), "CreateAccountResponse")
    assert parsed["AccLogin"] == "String" and parsed["IAccount"] == 0
    again = parse_body("xml", render("xml", "CreateAccountResponse", parsed)[0],
                       "CreateAccountResponse")
    assert again == parsed


# --------------------------------------------------------------------------- seed: SOAP 1.1 (A)

def test_seed_soap_request_parses_to_typed_values():
    request, _ = seed("ActiveCalls.soap11.txt")
    op, parsed = parse_soap(substitute_xml(request).encode(), "11")
    c = checksum
    assert op == "ActiveCalls"
    assert parsed == {
        "ContentId": c("ContentId"), "FeatureName": "FeatureName", "License": "License",
        "ExcludeAccountIDS": ["string"], "ExcludeDestinationIDS": ["string"],
        "ExcludeSpecialDestination": ["string"], "FromStemPro": True,
        "IAccount": c("IAccount"), "ICustomer": c("ICustomer"), "ShowVendors": True}


def test_seed_soap_response_shape_matches_rendering():
    request, response = seed("ActiveCalls.soap11.txt")
    body, content_type = render_soap("11", "ActiveCallsResponse", sample("ActiveCallsResponse"))
    assert content_type == "text/xml; charset=utf-8"
    assert tags(body) == tags(response)
    assert prefix_declarations(body.decode()) == prefix_declarations(response)
    # the envelope lines are laid out as on the page
    assert body.decode().splitlines()[:3] == response.splitlines()[:3]
    assert body.decode().splitlines()[-2:] == response.splitlines()[-2:]
    request_body, _ = render("soap11", "ActiveCalls", sample("ActiveCalls"))
    assert tags(request_body) == tags(request)


def test_seed_soap_response_is_readable_and_soap12_round_trips():
    _, response = seed("ActiveCalls.soap11.txt")
    op, parsed = parse_soap(response.encode(), "11")
    assert op == "ActiveCallsResponse"
    assert parsed["lstAccountActiveCalls"][0]["call_id"] == "String"
    assert parsed["lstActiveCalls"][0]["Connect_time"] == MIN_DATE
    value = sample("ActiveCalls")
    body, content_type = render_soap("12", "ActiveCalls", value)
    assert content_type == "application/soap+xml; charset=utf-8"
    assert ET.fromstring(body).tag == f"{{{SOAP12}}}Envelope"
    assert parse_soap(body, "12") == ("ActiveCalls", complete("ActiveCalls", value))


def test_soap_errors():
    body, _ = render_soap("11", "ActiveCalls", {"ICustomer": 3})
    with pytest.raises(BindingError):
        parse_soap(body, "12")                               # wrong envelope version
    unknown = body.replace(b"ActiveCalls", b"NoSuchOp")
    with pytest.raises(UnknownOperationError, match="NoSuchOp"):
        parse_soap(unknown, "11")
    with pytest.raises(BindingError, match="ICustomer"):
        parse_soap(body.replace(b"<ICustomer>3<", b"<ICustomer>x<"), "11")


def test_soap_faults():
    body, content_type = render_error("soap11", 400, "ArgumentException", "Invalid <License>")
    assert content_type == "text/xml; charset=utf-8"
    fault = ET.fromstring(body).find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert fault.findtext("faultcode") == "soap:Client"
    assert fault.findtext("faultstring") == "Invalid <License>"
    ss = f"{{{NS_SERVICESTACK}}}"
    status = fault.find(f"detail/{ss}ErrorResponse/{ss}ResponseStatus")
    assert status.findtext(f"{{{NS_SERVICESTACK}}}ErrorCode") == "ArgumentException"
    body, content_type = render_error("soap12", 500, "Exception", "boom")
    assert content_type == "application/soap+xml; charset=utf-8"
    fault = ET.fromstring(body).find(f"{{{SOAP12}}}Body/{{{SOAP12}}}Fault")
    assert fault.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value") == "soap12:Receiver"
    assert fault.findtext(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text") == "boom"


# --------------------------------------------------------------------------- JSON specifics

def facts_json_samples() -> dict[str, str]:
    """The complete JSON samples of the json metadata pages, kept verbatim in the reference data."""
    samples = json.loads((SEEDS / "json-samples.json").read_text(encoding="utf-8"))
    return {name: body for name, body in samples.items() if not name.startswith("_")}


@pytest.mark.parametrize("dto_name", ["CreateAccount", "CreateAccountResponse", "CustomerExtension",
                                      "ActiveCalls", "PortaAccountInfo"])
def test_json_member_order_matches_the_json_pages(dto_name):
    page_sample = facts_json_samples()[dto_name]
    ours = json.loads(render("json", dto_name, sample(dto_name))[0])
    assert flatten(outline(ours)) == flatten(outline(json.loads(page_sample)))
    parsed = parse_body("json", page_sample.encode(), dto_name)
    assert parsed["License"] == "String" and parsed["ContentId"] == 0


def test_json_page_sample_values_bind():
    parsed = parse_body("json", facts_json_samples()["CreateAccount"].encode(), "CreateAccount")
    defaults = parsed["AccountRequest"]["DefaultValues"]
    assert defaults["BillingModel"] == "ReChargeVoucher" and defaults["UmEnabled"] is False
    assert defaults["ServiceFeatures"] == [
        {"Name": "String", "FlagValue": "String", "ServiceAttributes": {"String": ["String"]}}]
    assert parsed["AccountRequest"]["AccountsToCreate"][0]["Index"] == 0


def test_json_request_sample_from_the_facts_parses():
    # API_FACTS.md §2.2 UpdateAccount JSON sample (trimmed), with placeholders replaced
    body = ('{"Accounts":[{"Id":"A1","IAccount":17,"BillingModel":"CreditAccount",'
            '"Balance":12.50,"Blocked":true,"CreditLimit":"100",'
            '"Servicefeatures":[{"Name":"CLI","FlagValue":"Y",'
            '"ServiceAttributes":{"DisplayNumber":["441234"]}}],'
            '"assigned_addons":[{"IProduct":5,"Name":"Voicemail"}],'
            '"AnsweringMode":{"AnswerMode":"VM","timeout":"20"}}],'
            '"updateServiceFeature":false,"AccountInfo":{"DisplayName":"Zoë","i_account":17},'
            '"License":"LIC","ContentId":0,"FeatureName":null,"NoSuchMember":1}')
    assert parse_body("json", body.encode(), "UpdateAccount") == {
        "Accounts": [{
            "Id": "A1", "IAccount": 17, "BillingModel": "CreditAccount",
            "Balance": Decimal("12.50"), "Blocked": True, "CreditLimit": Decimal(100),
            "Servicefeatures": [{"Name": "CLI", "FlagValue": "Y",
                                 "ServiceAttributes": {"DisplayNumber": ["441234"]}}],
            "assigned_addons": [{"IProduct": 5, "Name": "Voicemail"}],
            "AnsweringMode": {"AnswerMode": "VM", "timeout": "20"}}],
        "updateServiceFeature": False, "AccountInfo": {"DisplayName": "Zoë", "i_account": 17},
        "License": "LIC", "ContentId": 0, "FeatureName": None}


def test_json_names_are_matched_case_insensitively():
    parsed = parse_body("json", b'{"icustomer":5,"LICENSE":"x","getactivecalls":true}',
                        "CustomerExtension")
    assert parsed == {"ICustomer": 5, "License": "x", "GetActiveCalls": True}


def test_json_omits_nulls_and_writes_value_type_defaults():
    body, content_type = render("json", "CreateAccountResponse", {"IAccount": 5, "Email": None})
    assert content_type == "application/json; charset=utf-8"
    assert body == b'{"Index":0,"ISubscription":0,"IAccount":5,"ContentId":0}'
    body, _ = render("json", "PortaAccountInfoResponse", None)   # empty error-case response
    assert body == b'{"AvailableBalance":0,"ContentId":0}'


def test_constructor_defaults_and_enum_defaults():
    ext = json.loads(render("json", "ExtensionActiveCalls", {})[0])
    assert ext["activecall"] is True and ext["callToJoin"] is False
    account = json.loads(render("json", "PortaAccount", {})[0])
    assert account["FollowMeEnabled"] == "F" and account["BillingModel"] == "ReChargeVoucher"


def test_json_dates():
    moment = datetime(2024, 1, 1, 12, 30, tzinfo=UTC)
    assert to_json_date(moment) == "/Date(1704112200000)/"
    assert to_json_date(moment.astimezone(timezone(timedelta(hours=2)))) == "/Date(1704112200000)/"
    assert to_json_date(MIN_DATE) == to_json_date(None) == "/Date(-62135596800000-0000)/"
    body, _ = render("json", "DateRange", {"rank": 1, "Connect_time": moment})
    assert body == b'{"rank":1,"Connect_time":"\\/Date(1704112200000)\\/"}'
    body, _ = render("json", "DateRange", {"rank": 1, "Connect_time": None})
    assert b'"Connect_time":"\\/Date(-62135596800000-0000)\\/"' in body
    assert json.loads(body)["Connect_time"] == "/Date(-62135596800000-0000)/"
    assert parse_json_date("/Date(1704112200000)/") == moment
    assert parse_json_date("\\/Date(1704112200000+0100)\\/") == moment   # ms are UTC anyway
    assert parse_json_date("/Date(-62135596800000-0000)/") == MIN_DATE
    with pytest.raises(ValueError):
        parse_json_date("2024-01-01")


def test_jsonp():
    assert wrap_jsonp("cb", b'{"a":1}') == (b'cb({"a":1})', "application/javascript")


# --------------------------------------------------------------------------- JSV / CSV specifics

@pytest.mark.parametrize("text, written", [
    ("plain text", "plain text"),
    ("a,b", '"a,b"'),
    ('say "hi"', '"say ""hi"""'),
    ("{x}", '"{x}"'),
    ("[1]", '"[1]"'),
    ("key:value", '"key:value"'),
    ("two\nlines", '"two\nlines"'),
    (" padded", '" padded"'),
    ("", '""'),
    ("Zoë 日本", "Zoë 日本"),
])
def test_jsv_string_escaping(text, written):
    body, _ = render("jsv", "AssignedAddon", {"IProduct": 1, "Name": text})
    assert body.decode() == f"{{IProduct:1,Name:{written}}}"
    assert parse_body("jsv", body, "AssignedAddon")["Name"] == text


@pytest.mark.parametrize("moment, written", [
    (datetime(2024, 3, 5, tzinfo=UTC), "2024-03-05"),
    (datetime(2024, 3, 5, 14, 7, 9, tzinfo=UTC), "2024-03-05T14:07:09Z"),
    (datetime(2024, 3, 5, 14, 7, 9, 123000, tzinfo=UTC), "2024-03-05T14:07:09.1230000Z"),
    (None, "0001-01-01"),
])
def test_jsv_dates_and_booleans(moment, written):
    body, _ = render("jsv", "HuntGroupExtension", {"i_cg_extSpecified": True})
    assert body.startswith(b"{i_cg_ext:0,i_cg_extSpecified:True,i_c_ext:0,i_c_extSpecified:False,")
    body, _ = render("jsv", "DateRange", {"Connect_time": moment})
    assert body.decode() == f"{{rank:0,Connect_time:{written}}}"
    assert parse_body("jsv", body, "DateRange")["Connect_time"] == (moment or MIN_DATE)


def test_csv_quotes_cells_and_uses_crlf():
    body, _ = render("csv", "CustExt", {"i_c_ext": 4, "name": 'Reception, "main"',
                                        "Note": "line1\nline2", "PhoneNumber": "{x}"})
    assert body.decode() == (
        "i_c_ext,id,name,i_account,account_id,firstname,lastname,Note,ProductName,PhoneNumber\r\n"
        '4,,"Reception, ""main""",0,,,,"line1\nline2",,"{x}"\r\n')


def test_numbers_render_like_dotnet():
    body, _ = render("json", "TotalUsage", {"ChargedMinutes": 1.5, "ChargedCost": Decimal("12.50")})
    assert b'"ChargedMinutes":1.5,"ChargedCost":12.50' in body
    body, _ = render("jsv", "TotalUsage", {"ChargedMinutes": 3.0, "ChargedCost": 7})
    assert b"ChargedMinutes:3,ChargedCost:7" in body


# --------------------------------------------------------------------------- XML specifics

def test_xml_members_are_base_first_then_ordinal_alphabetical():
    body, _ = render("xml", "AccountActiveCalls", {})
    names = [tag.split("}")[1] for tag in tags(body)[1:]]
    assert names == sorted(names)                                  # ordinal: upper before lower
    assert names.index("ConnectTime") < names.index("Connect_time") < names.index("ConnectionName")
    assert names.index("VendorName") < names.index("call_id")
    body, _ = render("xml", "ActiveCallsResponse",
                     {"lstActiveCalls": [], "lstAccountActiveCalls": []})
    root = ET.fromstring(body)
    assert [child.tag.split("}")[1] for child in root] == [
        "ContentId", "FeatureName", "License", "lstAccountActiveCalls", "lstActiveCalls"]


def test_xml_namespaces_nil_and_empty_lists():
    body, _ = render("xml", "CreateAccount", {"License": "L", "AccountRequest": {
        "ICustomer": 9, "AccountsToCreate": [],
        "DefaultValues": {"ServiceFeatures": [
            {"Name": "CLI", "ServiceAttributes": {"k": ["v"]}}]}}})
    text = body.decode()
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?><CreateAccount '
                           f'xmlns:i="{NS_XSI}" xmlns="{NS_DTO}"><ContentId>0</ContentId>'
                           '<FeatureName i:nil="true"/><License>L</License>'
                           f'<AccountRequest xmlns:d2p1="{NS_COMMON}">')
    assert "<d2p1:AccountsToCreate/>" in text
    assert (f'<d2p1:ServiceAttributes xmlns:d6p1="{NS_ARRAYS}">'
            "<d6p1:KeyValueOfstringArrayOfstringty7Ep6D1>"
            "<d6p1:Key>k</d6p1:Key><d6p1:Value><d6p1:string>v</d6p1:string></d6p1:Value>") in text
    root = ET.fromstring(body)
    assert root.find(f"{{{NS_DTO}}}FeatureName").get(f"{{{NS_XSI}}}nil") == "true"
    parsed = parse_body("xml", body, "CreateAccount")
    assert parsed["FeatureName"] is None and parsed["AccountRequest"]["AccountsToCreate"] == []
    feature = parsed["AccountRequest"]["DefaultValues"]["ServiceFeatures"][0]
    assert feature["ServiceAttributes"] == {"k": ["v"]}


def test_xml_dictionary_of_objects_gets_a_digest_name_and_its_own_prefix():
    body, _ = render("xml", "PortaCDRResponse",
                     {"DictPortaCustomerAccountCDRS": {"k": [{"Rank": 2}]}})
    text = body.decode()
    assert re.search(r"<d2p1:KeyValueOfstringArrayOfCustAcctCDR\w{8}><d2p1:Key>k</d2p1:Key>"
                     r'<d2p1:Value xmlns:d4p1="[^"]+Models\.Porta"><d4p1:CustAcctCDR>', text)
    parsed = parse_body("xml", body, "PortaCDRResponse")
    assert parsed["DictPortaCustomerAccountCDRS"]["k"][0]["Rank"] == 2


def test_xml_refuses_dtds_and_wrong_root():
    with pytest.raises(BindingError):
        parse_body("xml", b'<!DOCTYPE x [<!ENTITY a "b">]><GetAccount/>', "GetAccount")
    with pytest.raises(BindingError, match="Expecting element 'GetAccount'"):
        parse_body("xml", b"<PortaAccountInfo/>", "GetAccount")


# --------------------------------------------------------------------------- round trips

TRICKY = ["Zoë 日本 🚀", 'quote " and "" two', "comma, {brace} [bracket]", "line\r\nbreak",
          "colon: value", "  padded  ", "=1+2", "tab\there"]


def tricky_product_response() -> dict:
    value = sample("ProductResponse")
    value["Accounts"][0].update(FirstName=TRICKY[0], LastName=TRICKY[1], Note=TRICKY[2],
                                Address1=TRICKY[3], Email=None, ActiveAddons=[],
                                Balance=Decimal("-12.50"))
    value["AccountInfo"].update(Name=TRICKY[4], Fax=TRICKY[5], Company="", HGInfo=[])
    value["PortaProducts"].append({"IProduct": 7, "Name": TRICKY[6], "Description": TRICKY[7]})
    value["PortaProductInfo"] = None
    value["License"] = TRICKY[2]
    return value


@pytest.mark.parametrize("fmt", ["json", "xml", "jsv", "csv"])
@pytest.mark.parametrize("dto_name", ["ProductResponse", "PortaCDRResponse",
                                      "CustomerExtensionResponse", "UpdateAccount",
                                      "CreateAccount"])
def test_round_trip(fmt, dto_name):
    value = tricky_product_response() if dto_name == "ProductResponse" else sample(dto_name)
    body, _ = render(fmt, dto_name, value)
    parsed = parse_body(fmt, body, dto_name)
    if fmt == "xml":                       # XML writes nulls as i:nil, which read back as None
        parsed = _drop_none(parsed)
    assert parsed == complete(dto_name, value)


def _drop_none(node):
    if isinstance(node, dict):
        return {key: _drop_none(value) for key, value in node.items() if value is not None}
    if isinstance(node, list):
        return [_drop_none(item) for item in node]
    return node


@pytest.mark.parametrize("fmt", ["json", "xml", "jsv"])
def test_round_trip_keeps_top_level_empty_strings(fmt):
    # (CSV cannot: an empty cell is an absent member)
    body, _ = render(fmt, "CustExt", {"id": "", "name": "x"})
    assert parse_body(fmt, body, "CustExt")["id"] == ""


# --------------------------------------------------------------------------- scalar binding

@pytest.mark.parametrize("text, expected", [
    ("", False), ("1", True), ("0", False), ("on", True), ("off", False),
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False),
    ("t", True), ("T", True), ("y", True), ("Y", True),
    ("f", False), ("F", False), ("n", False), ("N", False), (" true ", True),
])
def test_bool_coercion(text, expected):
    assert coerce("Product", "GetDIDS", text) is expected


@pytest.mark.parametrize("text", ["yes", "no", "2", "tru", "truee", "-1", "ja"])
def test_bool_coercion_rejects(text):
    with pytest.raises(BindingError) as info:
        coerce("Product", "GetDIDS", text)
    assert info.value.field == "GetDIDS" and info.value.value == text


@pytest.mark.parametrize("text, expected", [
    ("12", 12), ("-3", -3), ("+5", 5), (" 42 ", 42), ("007", 7),
    ("2147483647", 2147483647), ("-2147483648", -2147483648)])
def test_int_coercion(text, expected):
    assert coerce("CustomerExtension", "ICustomer", text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1.5", "1e3", "1_000", "2147483648", "٣", "0x10",
                                  "1,000"])
def test_int_coercion_rejects(text):
    with pytest.raises(BindingError, match="Invalid value for 'ICustomer'"):
        coerce("CustomerExtension", "ICustomer", text)


def test_decimal_enum_and_date_binding_in_bodies():
    def account(**members):
        body = json.dumps({"Accounts": [members]}).encode()
        return parse_body("json", body, "UpdateAccount")["Accounts"][0]
    assert account(CreditLimit="12.5") == {"CreditLimit": Decimal("12.5")}
    assert account(CreditLimit=-3) == {"CreditLimit": Decimal(-3)}
    assert account(BillingModel="creditaccount") == {"BillingModel": "CreditAccount"}
    assert account(BillingModel="2") == {"BillingModel": "CreditAccount"}   # underlying number
    for bad in ({"CreditLimit": "12,5"}, {"CreditLimit": "1e2"}, {"BillingModel": "Bogus"},
                {"IAccount": 1.5}, {"Blocked": "maybe"}):
        with pytest.raises(BindingError) as info:
            account(**bad)
        assert info.value.field == next(iter(bad))
    # enums whose full member list is unknown accept any name
    parsed = parse_body("json", b'{"AccountRequest":{"DefaultValues":{"RTPProxy":"OnNatOnly"}}}',
                        "CreateAccount")
    assert parsed["AccountRequest"]["DefaultValues"]["RTPProxy"] == "OnNatOnly"
    range_ = parse_body("jsv", b"{Connect_time:2024-03-05T10:00:00+02:00}", "DateRange")
    assert range_["Connect_time"] == datetime(2024, 3, 5, 8, tzinfo=UTC)


def test_coerce_unknown_member_is_the_servicestack_route_error():
    with pytest.raises(BindingError, match="^Could not find property TenantID on Product$"):
        coerce("Product", "TenantID", "5")
    assert coerce("Product", "searchstring", "a b") == "a b"          # case-insensitive
    assert coerce("Product", "LstIAccounts", "1,2,3") == [1, 2, 3]   # JSV list syntax
    assert coerce("Product", "LstIAccounts", "[4, 5]") == [4, 5]


def test_binding_errors_name_the_member():
    with pytest.raises(BindingError) as info:
        parse_form([("LstIAccounts", "1,x")], "Product")
    assert info.value.field == "LstIAccounts" and info.value.value == "x"
    with pytest.raises(BindingError) as info:
        parse_body("jsv", b"{Accounts:[{IAccount:1},{IAccount:two}]}", "UpdateAccount")
    assert info.value.field == "IAccount"


def test_parse_form_later_values_win_and_unknown_keys_are_ignored():
    pairs = [("ICustomer", "5"), ("icustomer", "6"), ("GetDIDS", "on"), ("bogus", "x"),
             ("MultipleProducts", "1,2,3"), ("LstIAccounts", "7,8")]
    assert parse_form(pairs, "Product") == {
        "ICustomer": 6, "GetDIDS": True, "MultipleProducts": "1,2,3", "LstIAccounts": [7, 8]}
    with pytest.raises(BindingError):
        parse_form([("ICustomer", "x")], "Product")


@pytest.mark.parametrize("fmt, body", [
    ("json", b'{"ICustomer":'), ("json", b"[1,2]"), ("json", b'{"ICustomer":"abc"}'),
    ("jsv", b"{ICustomer:1"), ("jsv", b'{Name:"open}'), ("jsv", b"{ICustomer:abc}"),
    ("xml", b"<CustomerExtension><ICustomer>1</CustomerExtension>"),
    ("csv", b"ICustomer,Name\r\nabc,x\r\n"), ("json", b"\xff\xfe"),
])
def test_malformed_bodies_are_binding_errors(fmt, body):
    with pytest.raises(BindingError):
        parse_body(fmt, body, "CustomerExtension")


def test_empty_body_is_an_empty_request():
    assert parse_body("json", b"", "GetAccount") == {}
    assert parse_body("csv", b"ICustomer,Name\r\n", "CustomerExtension") == {}


def test_render_rejects_handler_mistakes():
    with pytest.raises(ValueError, match="NoSuch"):
        render("json", "CreateAccountResponse", {"NoSuch": 1})
    with pytest.raises(TypeError):
        render("json", "UpdateAccountResponse", {"Success": "Y"})
    with pytest.raises(ValueError):
        render("html", "UpdateAccountResponse", {})


# --------------------------------------------------------------------------- error bodies

def test_error_bodies_in_every_format():
    args = (401, "UnauthorizedAccessException", "Invalid License")
    assert render_error("json", *args) == (
        b'{"ResponseStatus":{"ErrorCode":"UnauthorizedAccessException",'
        b'"Message":"Invalid License","Errors":[]}}', "application/json; charset=utf-8")
    assert render_error("jsv", *args) == (
        b"{ResponseStatus:{ErrorCode:UnauthorizedAccessException,Message:Invalid License,"
        b"Errors:[]}}", "text/jsv")
    assert render_error("xml", *args) == (
        b'<?xml version="1.0" encoding="utf-8"?><ErrorResponse xmlns:i="http://www.w3.org/2001/'
        b'XMLSchema-instance" xmlns="http://schemas.servicestack.net/types"><ResponseStatus>'
        b"<ErrorCode>UnauthorizedAccessException</ErrorCode><Message>Invalid License</Message>"
        b'<StackTrace i:nil="true"/><Errors/></ResponseStatus></ErrorResponse>', "application/xml")
    assert render_error("csv", *args) == (
        b"ErrorCode,Message,StackTrace,Errors\r\n"
        b'UnauthorizedAccessException,Invalid License,,"[]"\r\n',
        "text/csv")


def test_error_bodies_with_field_errors():
    errors = [("SerializationException", "ICustomer", "'x' is an Invalid value for 'ICustomer'")]
    body, _ = render_error("json", 400, "SerializationException", "Unable to bind", errors)
    assert json.loads(body)["ResponseStatus"]["Errors"] == [
        {"ErrorCode": "SerializationException", "FieldName": "ICustomer",
         "Message": "'x' is an Invalid value for 'ICustomer'"}]
    body, _ = render_error("xml", 400, "SerializationException", "Unable to bind", errors)
    ns = f"{{{NS_SERVICESTACK}}}"
    error = ET.fromstring(body).find(f"{ns}ResponseStatus/{ns}Errors/{ns}ResponseError")
    assert [child.tag for child in error] == [f"{ns}ErrorCode", f"{ns}FieldName", f"{ns}Message"]
    assert error.findtext(f"{ns}FieldName") == "ICustomer"
    body, _ = render_error("csv", 400, "SerializationException", "Unable to bind", errors)
    assert body.decode().split("\r\n")[1] == (
        "SerializationException,Unable to bind,,\"[{ErrorCode:SerializationException,"
        "FieldName:ICustomer,Message:'x' is an Invalid value for 'ICustomer'}]\"")


@pytest.mark.parametrize("dto_name", sorted(DTOS))
def test_compiled_json_renderer_matches_the_schema_walk(dto_name):
    """The per-DTO JSON renderer (large pages) writes exactly what the generic writer writes:
    with every member set, with none, and with a list member holding a null."""
    ref = parse_type(dto_name)
    full = sample(dto_name)
    for value in (full, {}, {name: None for name in full}):
        assert wire._json_dto_renderer(dto_name)(value) == wire._JSON.value(ref, value)
    with pytest.raises(ValueError, match="no member"):
        wire._json_dto_renderer(dto_name)({"NoSuchMember": 1})
