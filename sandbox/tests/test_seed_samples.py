"""The request sample of each seed page, placeholders replaced by demo values, sent the way
the page shows (its predefined route and Content-Type), is accepted and answered in the
page's format with the page's response member names."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest

from sandbox_helpers import FROM_DATE, LICENSE, SEEDS_DIR, TO_DATE

# Demo values for the placeholders ("String", 0) of members the operations look at; other
# string placeholders become empty.
REAL_VALUES = {
    "License": LICENSE, "ICustomer": "1001", "IAccount": "5003", "IProduct": "2",
    "Currency": "GBP", "ResellerID": "100", "AccountID": "441632960001",
    "MultipleProducts": "1,2", "IProducts": "2", "searchString": "Seat",
    "FromDate": FROM_DATE, "ToDate": TO_DATE, "fromDate": FROM_DATE, "toDate": TO_DATE,
    "Name": "Lobby", "Id": "150", "ExtensionRecordId": "7002",
    "AcntId": "441632960777", "FirstName": "Sam", "LastName": "Sample",
    "Email": "sam@acme.example", "Extension": "177", "Password": "Sample-pass-1",
    "ActivationDate": FROM_DATE, "Label": "sample", "ProductId": "1", "CreditLimit": "15",
}
LIST_VALUES = {"LstIAccounts": "5001"}


class Sample:
    """One seed page split into its request line, headers, request body and response."""

    def __init__(self, name: str):
        text = (SEEDS_DIR / name).read_text(encoding="utf-8")
        start = text.index("\nPOST /") + 1
        request, _, response = text[start:].partition("\nHTTP/1.1 200 OK")
        head, _, self.body = request.partition("\n\n")
        lines = head.splitlines()
        self.path = lines[0].split()[1]
        self.headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        self.headers.pop("Host", None)
        self.headers.pop("Content-Length", None)
        response_head, _, self.response_body = response.strip("\n").partition("\n\n")
        self.response_type = dict(line.split(": ", 1) for line in response_head.splitlines()
                                  if ": " in line)["Content-Type"]


def _real_xml(body: str) -> str:
    def element(match: re.Match) -> str:
        prefix, name, value = match.groups()
        real = REAL_VALUES.get(name, "" if value == "String" else value)
        return f"<{prefix or ''}{name}>{real}</{prefix or ''}{name}>"
    return re.sub(r"<(\w+:)?(\w+)>(String|0)</(?:\w+:)?\2>", element, body)


def _real_jsv(body: str) -> str:
    lines, current_list = [], None
    for line in body.splitlines():
        match = re.match(r"^(\t+)(\w+): (.*?)(,?)$", line)
        if match:
            indent, name, value, comma = match.groups()
            current_list = name if value == "" else None
            if value in ("String", "0"):
                value = REAL_VALUES.get(name, "" if value == "String" else value)
                if "," in value:
                    value = f'"{value}"'               # JSV quotes text with commas
            line = f"{indent}{name}: {value}{comma}"
        elif current_list in LIST_VALUES and line.strip() == "0":
            line = line.replace("0", LIST_VALUES[current_list])
        lines.append(line)
    return "\n".join(lines)


def _real_csv(body: str) -> str:
    header, row = list(csv.reader(io.StringIO(body.strip())))
    real = [REAL_VALUES.get(name, "" if value == "String" else value)
            for name, value in zip(header, row)]
    return ",".join(header) + "\r\n" + ",".join(real) + "\r\n"


def _xml_member_names(body: bytes | str, soap: bool) -> tuple[str, set[str]]:
    root = ET.fromstring(body)
    if soap:
        root = next(iter(next(iter(root))))             # Envelope / Body / <Response>
    return root.tag, {child.tag.split("}")[-1] for child in root}


def _jsv_member_names(text: str) -> set[str]:
    """Names of the top-level object's members (nested objects and quoted text skipped)."""
    names, depth, token, quoted = set(), 0, "", False
    for char in text:
        if quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char in "{[":
            depth += 1
            token = ""
        elif char in "}]":
            depth -= 1
        elif depth == 1 and char == ":" and token.strip():
            names.add(token.strip())
            token = ""
        elif depth == 1 and char == ",":
            token = ""
        elif depth == 1:
            token += char
    return names


SEEDS = {
    "ActiveCalls.soap11.txt": _real_xml,
    "CreateAccount.xml.txt": _real_xml,
    "CustomerExtension.csv.txt": _real_csv,
    "PortaCDR.jsv.txt": _real_jsv,
    "Product.jsv.txt": _real_jsv,
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_sample_request_is_answered_like_the_page(api, seed):
    sample = Sample(seed)
    body = SEEDS[seed](sample.body)
    reply = api.post(sample.path, body, headers=sample.headers)
    assert reply.status == 200, reply.body[:800]
    media = sample.response_type.split(";")[0]
    if seed.endswith(".soap11.txt"):
        assert "xml" in reply.content_type            # the page itself prints application/xml
        expected = _xml_member_names(sample.response_body, soap=True)
        assert _xml_member_names(reply.body, soap=True) == expected
    elif media == "application/xml":
        assert reply.content_type.startswith(media)
        assert _xml_member_names(reply.body, soap=False) == \
            _xml_member_names(sample.response_body, soap=False)
    elif media == "text/csv":
        assert reply.content_type.startswith(media)
        assert reply.body.decode().splitlines()[0] == sample.response_body.splitlines()[0]
    else:
        assert reply.content_type.startswith(media)
        ours = _jsv_member_names(reply.body.decode())
        documented = _jsv_member_names(sample.response_body)
        assert ours and ours <= documented           # JSV leaves null members out


def test_create_account_sample_created_the_account(api):
    sample = Sample("CreateAccount.xml.txt")
    reply = api.post(sample.path, _real_xml(sample.body), headers=sample.headers)
    assert reply.status == 200
    root = ET.fromstring(reply.body)
    ns = "{http://schemas.datacontract.org/2004/07/PortaPlus2.API.Web.Dto}"
    assert root.find(f"{ns}ID").text == "441632960777"
    accounts = api.get(f"/GetAccounts/{LICENSE}/1001").json()["Accounts"]
    created = [a for a in accounts if a["AccountId"] == "441632960777"]
    assert created and created[0]["ExtensionNumber"] == "177"
    assert created[0]["IAccount"] == int(root.find(f"{ns}IAccount").text)
