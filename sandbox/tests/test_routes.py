"""The route table against the seed pages, and every documented route answering."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from portaplus_sandbox.dtos import DTOS
from portaplus_sandbox.routes import ROUTES, WRITE_TEMPLATES, routes_of

from sandbox_helpers import FROM_DATE, LICENSE, SEEDS_DIR, TO_DATE

_ROUTE_LINE = re.compile(r"^(GET|POST|PUT|DELETE|ANY)(/\S*)\s*$")


def seed_page_routes() -> dict[str, list[tuple[str, str]]]:
    """op -> [(verb, template)] as listed under "The following routes are available"."""
    pages = {}
    for page in sorted(SEEDS_DIR.glob("*.txt")):
        op = page.name.split(".")[0]
        lines = page.read_text(encoding="utf-8").splitlines()
        pages[op] = [m.groups() for m in map(_ROUTE_LINE.match, lines) if m]
    return pages


SEED_ROUTES = seed_page_routes()


def test_seed_pages_are_readable():
    assert set(SEED_ROUTES) == {"ActiveCalls", "CreateAccount", "CustomerExtension",
                                "PortaCDR", "Product"}
    assert sum(len(routes) for routes in SEED_ROUTES.values()) == 74


@pytest.mark.parametrize("op", sorted(op for op, routes in SEED_ROUTES.items() if routes))
def test_route_table_matches_seed_page(op):
    """Same routes, same verbs, same order (order decides same-shape ties, A18)."""
    table = [(route.verb, route.template) for route in routes_of(op)]
    assert table == SEED_ROUTES[op]


def test_routes_of_other_pages_are_present():
    templates = {route.template for route in ROUTES}
    assert "/GetActiveCallsEnvironment/{License}/{ShowVendors*}" in templates
    assert {"/UpdateAccount", "/UpdateAccountByProductAddons/{License}",
            "/UpdateDisplayName"} <= templates
    assert len(routes_of("GetAccount")) == 9
    assert len(routes_of("PortaAccountInfo")) == 3
    assert len(routes_of("ActiveCalls")) == 6


# -- every route answers ------------------------------------------------------------------------

# Valid demo values for route variables; a boolean variable gets "true".
VALUES = {
    "License": LICENSE, "ICustomer": "1001", "IAccount": "5003", "IProduct": "2",
    "SearchString": "Call", "Currency": "GBP", "ResellerID": "100",
    "AccountID": "441632960001", "MultipleProducts": "1,2", "IProducts": "2",
    "FromDate": FROM_DATE, "ToDate": TO_DATE, "fromDate": FROM_DATE,
    "filterByActivationDate": "true", "TenantID": "1", "Name": "Lobby", "Id": "150",
    "ExtensionRecordId": "7002", "Login": "441632960001", "Password": "web-5001-pw",
    "ProductSearchterm": "PBX", "PageNumber": "1", "PageOffset": "2", "SearchTerm": "a",
    "Offset": "0", "Customer_Timezone": "UTC", "DisconnectTimeFilter": "x",
    "DisconnectTimeResellerFilter": "x", "i_product": "2", "IService": "3",
    "IParent": "0", "i_customer": "1001", "get_service_features": "0", "i_customer_site": "301",
}

POST_BODIES = {
    "/GetAdminProductsBySearchString": {"searchString": "Line"},
    "/GetProductAddOnsForMultipleAccounts": {"LstIAccounts": [5001, 5002]},
    "/CreateAccounts": {"AccountRequest": {
        "ICustomer": 1001, "DefaultValues": {"ProductId": 1, "CreditLimit": 25},
        "AccountsToCreate": [{"AcntId": "441632960555", "FirstName": "New", "LastName": "Hire",
                              "Email": "new@acme.example"}]}},
    "/UpdateAccount": {"Accounts": [{"IAccount": 5002, "Email": "bob@new.example"}]},
    "/UpdateAccountByProductAddons/{License}": {"Accounts": [
        {"IAccount": 5002, "assigned_addons": [{"IProduct": 12}]}]},
    "/UpdateDisplayName": {"AccountInfo": {"i_account": 5002, "DisplayName": "Bobby"}},
    "/GetAccountsByAccountIDs": {"accounts": [{"AccountID": "441632960001"},
                                              {"IAccount": 5002}]},
    "/GetAccount": {"IAccount": 5001},
    "/GetActiveCallsStemProCalls": {"ExcludeAccountIDS": ["441632960002"]},
}

# What a route answers in its DTO when called with the values above.
EXPECTED_STATUS = {
    "/getProductsPricebyTenantID/{License}/{TenantID}": 400,                       # A19
    # same shape as the {IService}/{IncludeAccounts} variant registered before it, which
    # therefore takes the request and cannot bind "true" to IService (A18)
    "/getCustomerAccountCDRS/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}"
    "/{GetOutgoingCalls}": 400,
}


def fill(route) -> str:
    segments = []
    for segment in route.template.strip("/").split("/"):
        match = re.fullmatch(r"\{(\w+)\*?\}", segment)
        if match is None:
            segments.append(segment)
            continue
        name = match.group(1)
        member_type = dict((n.lower(), t) for n, t in DTOS[route.op].members).get(name.lower())
        value = VALUES.get(name, "true" if member_type == "bool" else None)
        assert value is not None, f"no test value for {{{name}}} of {route.template}"
        segments.append(quote(value, safe=""))
    return "/" + "/".join(segments)


ALL_ROUTES = sorted({(verb, template) for routes in SEED_ROUTES.values()
                     for verb, template in routes}
                    | {(route.verb, route.template) for route in ROUTES})


@pytest.mark.parametrize("verb,template", ALL_ROUTES, ids=[t for _, t in ALL_ROUTES])
def test_every_route_answers(api, verb, template):
    matching = [route for route in ROUTES if (route.verb, route.template) == (verb, template)]
    assert matching, f"route {verb} {template} of a seed page is not served"
    route = matching[0]
    body = None
    if verb == "POST":
        body = {"License": LICENSE, **POST_BODIES[template]}
    reply = api.request(verb, fill(route), body=body)
    assert reply.status == EXPECTED_STATUS.get(template, 200), reply.body[:500]
    assert reply.content_type.startswith("application/json")
    payload = reply.json()
    if reply.status == 200:
        members = {name for name, _ in DTOS[route.op + "Response"].members}
        assert set(payload) <= members
    else:
        assert "ResponseStatus" in payload


def test_empty_wildcard_matches(api):
    with_value = api.get(f"/GetActiveCallsEnvironment/{LICENSE}/true").json()
    without = api.get(f"/GetActiveCallsEnvironment/{LICENSE}").json()
    assert [c["CallId"] for c in with_value["lstActiveCalls"]] == \
        [c["CallId"] for c in without["lstActiveCalls"]]
    assert with_value["lstActiveCalls"][0]["VendorName"]        # ShowVendors=true
    assert "VendorName" not in without["lstActiveCalls"][0]


def test_literals_are_case_insensitive_and_empty_segments_dropped(api):
    reply = api.get(f"//getaccounts//{LICENSE}/1001/")
    assert reply.status == 200
    assert reply.json()["NumberOfAccounts"] == 3


def test_route_variables_bind_case_insensitively(api):
    # {SearchString} -> searchString, {ToDate} -> toDate
    addons = api.get(f"/GetProductAddons/{LICENSE}/2/voice").json()["ProductAddonsInfo"]
    assert [a["Name"] for a in addons] == ["Voicemail to Email"]


def test_same_shape_routes_first_registered_wins(api):
    """getCustomerAccountCDRS 7-segment pair: {IService}/{IncludeAccounts} wins (A18), so
    the 6th segment is an int (IService), not a bool."""
    base = f"/getCustomerAccountCDRS/{LICENSE}/1001/{FROM_DATE}/{TO_DATE}"
    assert api.get(f"{base}/3/true").status == 200
    assert api.get(f"{base}/true/true").status == 400     # "true" is no IService


def test_write_routes_are_flagged():
    assert WRITE_TEMPLATES <= {route.template for route in ROUTES}
    assert all(route.is_write == (route.template in WRITE_TEMPLATES) for route in ROUTES)
