"""Customer lists and site reads (L1-L4), License-scoped, and the --customers generator."""

from __future__ import annotations

from collections import Counter

import pytest

from portaplus_sandbox.testing import SandboxServer

from sandbox_helpers import LICENSE, Client

OTHER = "OTHER-LICENSE"


def ids(reply):
    assert reply.status == 200, reply.body[:300]
    return [item["ICustomer"] for item in reply.json().get("CustomersShortInfo", [])]


def test_each_license_lists_its_own_customers(api):
    assert ids(api.get(f"/GetCustomersShortInfo/{LICENSE}")) == [1001, 1002]
    assert ids(api.get(f"/GetCustomersShortInfo/{OTHER}")) == [2001]
    assert api.get("/GetCustomersShortInfo/NO-SUCH-LICENSE").status == 401


def test_list_entries_carry_sites_only_when_asked(api):
    plain = api.get(f"/GetCustomersShortInfo/{LICENSE}").json()["CustomersShortInfo"][0]
    assert "sites" not in plain and plain["Name"] == "Acme Ltd" and plain["availableBalance"] == 879.5
    with_sites = api.get(f"/GetCustomersShortInfo/{LICENSE}?getCustomerSites=true").json()["CustomersShortInfo"]
    assert [[(s["i_customer_site"], s["name"], s["used"]) for s in c["sites"]] for c in with_sites] == [
        [(301, "London HQ", 2), (302, "Bristol Branch", 1)], [(303, "Manchester", 1)]]


@pytest.mark.parametrize("search, expected", [("acme", [1001]), ("GLOBEX", [1002]), ("1002", [1002]),
                                              ("gil", [1002]), ("example", [1001, 1002]), ("initech", [])])
def test_search_matches_id_name_contact_or_email_within_the_license(api, search, expected):
    assert ids(api.get(f"/GetCustomersShortInfo/{LICENSE}/{search}/0")) == expected


def test_parent_other_than_the_reseller(api):
    assert ids(api.get(f"/GetCustomersShortInfo/{LICENSE}/a/100")) == [1001, 1002]      # the reseller itself
    assert ids(api.get(f"/GetCustomersShortInfo/{LICENSE}/a/1001")) == []               # no sub-customers
    assert api.get(f"/GetCustomersShortInfo/{LICENSE}/a/2001").status == 404            # another reseller's


def test_sites_of_a_customer_and_one_site(api):
    reply = api.get(f"/GetCustomerSites/{LICENSE}/1001/0")
    assert [s["name"] for s in reply.json()["sites"]] == ["London HQ", "Bristol Branch"]
    assert "License" not in reply.json()
    assert api.get(f"/GetCustomerSiteInfo/{LICENSE}/1001/302").json()["siteInfo"]["name"] == "Bristol Branch"
    assert api.get(f"/GetCustomerSiteInfo/{LICENSE}/1001/303").status == 404            # Globex's site
    assert api.get(f"/GetCustomerSites/{LICENSE}/2001/0").status == 404                 # another reseller's


def test_accounts_carry_their_site(api):
    accounts = api.get(f"/GetAccounts/{LICENSE}/1001").json()["Accounts"]
    assert {a["AccountId"]: a["ICustomerSite"] for a in accounts} == {
        "441632960001": 301, "441632960002": 301, "441632960003": 302}


def test_statistics_product_zero_means_every_product(api):
    path = f"/GetAccountCDRStatistics/{LICENSE}/1001/2000-01-01/2100-01-01/true/false/false/true/"
    every = api.get(path + "0").json()
    assert every["TotalCalls"] > 0
    by_product = sum(api.get(path + product).json().get("TotalCalls", 0) for product in ("1", "2", "3"))
    assert every["TotalCalls"] == by_product


def test_generated_customers_spread_accounts_over_sites_products_and_blocking():
    with SandboxServer(seed="demo", extra_args=["--customers", "3", "--accounts", "30"]) as server:
        client = Client(server.url)
        assert ids(client.get(f"/GetCustomersShortInfo/{LICENSE}")) == [1001, 1002, 1101, 1102, 1103]
        per_customer = {c: client.get(f"/GetAccounts/{LICENSE}/{c}").json()["Accounts"] for c in (1101, 1102, 1103)}
        assert [len(accounts) for accounts in per_customer.values()] == [10, 10, 10]
        first = per_customer[1101]
        assert Counter(a["ICustomerSite"] for a in first) == {401: 5, 402: 5}
        assert {a["IProduct"] for a in first} == {1, 2, 3}
        every = [a for accounts in per_customer.values() for a in accounts]
        assert sum(a["Blocked"] for a in every) == 2                     # every 17th
        assert sum(bool(a["ActiveAddons"]) for a in every) == 6          # every 5th
        assert len(client.get(f"/GetAccounts/{LICENSE}/1001").json()["Accounts"]) == 3   # the demo's own
