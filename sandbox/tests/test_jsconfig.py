"""ServiceStack's ``?jsconfig=`` query option: member names in camelCase or snake_case (E2)."""

from __future__ import annotations

import pytest

from portaplus_sandbox.wire import camel_case, snake_case, text_case_of

from sandbox_helpers import LICENSE

EXTENSIONS = f"/GetCustomerExtensions/{LICENSE}/1001"


def keys(value, found=None):
    """Every mapping key in a JSON value, recursively."""
    found = set() if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            keys(item, found)
    elif isinstance(value, list):
        for item in value:
            keys(item, found)
    return found


@pytest.mark.parametrize("name, camel, snake", [
    ("ICustomer", "iCustomer", "i_customer"),
    ("AccountID", "accountID", "account_i_d"),
    ("UMEnabled", "umEnabled", "um_enabled"),
    ("URL", "url", "url"),
    ("ResponseStatus", "responseStatus", "response_status"),
    ("lstPortaActiveCalls", "lstPortaActiveCalls", "lst_porta_active_calls"),
])
def test_names_follow_servicestack_text(name, camel, snake):
    assert (camel_case(name), snake_case(name)) == (camel, snake)


@pytest.mark.parametrize("jsconfig, case", [
    ("TextCase:CamelCase", "camelcase"), ("textcase:camelcase", "camelcase"), ("tc:cc", "camelcase"),
    ("EmitCamelCaseNames:true", "camelcase"), ("emitCamelCaseNames", "camelcase"),
    ("DateHandler:ISO8601,TextCase:CamelCase", "camelcase"),
    ("TextCase:SnakeCase", "snakecase"), ("EmitLowercaseUnderscoreNames:true", "snakecase"),
    ("EmitCamelCaseNames:false", None), ("TextCase:PascalCase", None), ("TextCase:Default", None),
    ("", None), (None, None), ("SomethingElse:true", None),
])
def test_jsconfig_values(jsconfig, case):
    assert text_case_of(jsconfig) == case


def test_default_json_keeps_the_declared_names(api):
    names = keys(api.get(EXTENSIONS).json())
    assert {"ExtensionLst", "PhoneNumber", "account_id"} <= names and "extensionLst" not in names, names


@pytest.mark.parametrize("query", ["jsconfig=TextCase:CamelCase", "jsconfig=emitCamelCaseNames:true"])
def test_camel_case_on_request(api, query):
    plain = api.get(EXTENSIONS).json()
    camel = api.get(EXTENSIONS + "?" + query)
    assert camel.status == 200 and camel.content_type.startswith("application/json")
    assert keys(camel.json()) == {camel_case(name) for name in keys(plain)}
    assert "extensionLst" in keys(camel.json()) and "ExtensionLst" not in keys(camel.json())


def test_camel_case_keeps_values_and_order(api):
    plain = api.get(EXTENSIONS).json()
    camel = api.get(EXTENSIONS + "?jsconfig=TextCase:CamelCase").json()
    first_plain = plain["ExtensionLst"][0]
    first_camel = camel["extensionLst"][0]
    assert list(first_camel) == [camel_case(name) for name in first_plain]
    assert list(first_camel.values()) == list(first_plain.values())


def test_snake_case_on_request(api):
    snake = api.get(EXTENSIONS + "?jsconfig=TextCase:SnakeCase").json()
    assert "extension_lst" in keys(snake)


def test_errors_follow_the_text_case_too(api):
    reply = api.get("/GetCustomerExtensions/WRONG-LICENSE/1001?jsconfig=TextCase:CamelCase")
    assert reply.status == 401
    assert set(reply.json()) == {"responseStatus"} and "errorCode" in reply.json()["responseStatus"]


def test_jsonp_and_jsv_follow_it_xml_does_not(api):
    jsonp = api.get(EXTENSIONS + "?jsconfig=TextCase:CamelCase&callback=cb")
    assert jsonp.body.startswith(b"cb(") and b'"extensionLst"' in jsonp.body
    jsv = api.get(EXTENSIONS + ".jsv?jsconfig=TextCase:CamelCase")
    assert jsv.status == 200 and jsv.body.startswith(b"{extensionLst:")
    xml = api.get(EXTENSIONS + ".xml?jsconfig=TextCase:CamelCase")
    assert xml.status == 200 and b"<ExtensionLst" in xml.body


def test_jsconfig_is_not_bound_as_a_member(api):
    # ServiceStack reads jsconfig itself; it never reaches the request DTO.
    reply = api.post("/GetAccount?jsconfig=TextCase:CamelCase", {"License": LICENSE, "IAccount": 5001})
    assert reply.status == 200 and [a["iAccount"] for a in reply.json()["accounts"]] == [5001]
