# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The accounts inventory's pure logic: host names, host variables, groups, option checks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.inventory import (
    account_hostvars, build_hosts, check_options, default_groups, host_name, statistics_from_api)
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_list import (
    check_search, customer_from_api, site_from_api)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import InputError

ACME = {"id": 1001, "name": "Acme Ltd", "sites": [{"id": 301, "name": "London HQ", "accounts": 2}]}


def record(account_id, i_account, **more):
    base = {"AccountId": account_id, "IAccount": i_account, "ICustomer": 1001, "ProductName": "Hosted PBX Seat",
            "IProduct": 2, "Blocked": False, "BillStatus": "O", "ExtensionNumber": "101", "ICustomerSite": 301,
            "FirstName": "Alice", "LastName": "Archer", "Email": "alice@acme.example", "CreditLimit": 50,
            "Balance": 12.4, "ISO4217": "GBP", "VoipPassword": "sip-secret", "SIPPassword": "sip-secret",
            "ActiveAddons": [{"Name": "Call Recording", "IProduct": 11}]}
    base.update(more)
    return base


@pytest.mark.parametrize("account_id, expected", [
    ("441632960001", "441632960001"), ("alice@acme.example", "alice@acme.example"), ("a.b_c+d-e", "a.b_c+d-e"),
    ("@home", "_home"), ("~x", "_x"), ("a b", "a_b"), ("a,b:c!d&e*f?g[h]i/j#k", "a_b_c_d_e_f_g_h_i_j_k"),
    (u"z\u00fcrich", u"z\u00fcrich"), ("", "_")])
def test_host_names_change_only_what_patterns_misread(account_id, expected):
    assert host_name(account_id) == expected


def test_hostvars_have_every_documented_fact_and_no_password():
    hostvars = account_hostvars(record("441632960001", 5001), ACME, {5001: 2}, online_accounts={5001})
    assert hostvars == {
        "account_id": "441632960001", "i_account": 5001, "customer": 1001, "customer_name": "Acme Ltd",
        "product": "Hosted PBX Seat", "product_id": 2, "addons": ["Call Recording"], "blocked": False,
        "bill_status": "O", "extension": "101", "site": "London HQ", "site_id": 301, "sip_registered": True,
        "live_calls": 2, "online": True, "first_name": "Alice", "last_name": "Archer",
        "email": "alice@acme.example", "balance": 12.4, "credit_limit": 50.0, "currency": "GBP",
        "unified_messaging": False}
    assert "sip-secret" not in repr(hostvars)


def test_sip_status_unknown_unless_read_and_online_means_on_a_call_then():
    idle = account_hostvars(record("a", 1, ICustomerSite=0, Blockedfield="Y", Blocked=None), ACME, {})
    assert (idle["sip_registered"], idle["online"], idle["site"], idle["site_id"], idle["blocked"]) == (None, False, "", 0, True)
    busy = account_hostvars(record("b", 2), ACME, {2: 1})
    assert (busy["sip_registered"], busy["online"]) == (None, True)
    registered = account_hostvars(record("c", 3), ACME, {}, online_accounts={3})
    assert (registered["sip_registered"], registered["online"], registered["live_calls"]) == (True, True, 0)
    unregistered = account_hostvars(record("d", 4), ACME, {}, online_accounts=set())
    assert (unregistered["sip_registered"], unregistered["online"]) == (False, False)


def test_site_unknown_to_the_customer_list_is_blank_not_an_error():
    assert account_hostvars(record("a", 1, ICustomerSite=999), ACME, {})["site"] == ""


def test_default_groups():
    hostvars = account_hostvars(record("a", 1, Blocked=True), ACME, {1: 1})
    assert default_groups(hostvars) == ["customer_1001", "product_Hosted PBX Seat", "site_1001_London HQ",
                                        "blocked", "online"]
    plain = account_hostvars(record("b", 2, ICustomerSite=0, ProductName="", MainProductName=""), ACME, {})
    assert default_groups(plain) == ["customer_1001"]


def test_statistics_per_account_and_zero_for_accounts_without_calls():
    response = {"AccountStatisticsSummary": {"441632960001": [
        {"i_account": 5001, "outgoing_count": 3, "outgoing_duration": 300, "incoming_count": 2,
         "incoming_duration": 100, "total_count": 5, "total_duration": 400}]}}
    stats = statistics_from_api(response, "2026-11-01T00:00:00Z", "2026-11-30T00:00:00Z")
    assert stats == {5001: {"from": "2026-11-01T00:00:00Z", "to": "2026-11-30T00:00:00Z", "calls": 5,
                            "outgoing_calls": 3, "incoming_calls": 2, "seconds": 400, "outgoing_seconds": 300,
                            "incoming_seconds": 100}}
    assert statistics_from_api({}, None, None) == {}
    quiet = account_hostvars(record("b", 5002), ACME, {}, statistics=stats)
    assert quiet["cdr_statistics"]["calls"] == 0
    busy = account_hostvars(record("a", 5001), ACME, {}, statistics=stats)
    assert busy["cdr_statistics"]["seconds"] == 400
    assert "cdr_statistics" not in account_hostvars(record("a", 5001), ACME, {})


def test_build_hosts_orders_by_customer_then_id_and_keeps_clashing_names_apart():
    globex = {"id": 1002, "name": "Globex", "sites": []}
    hosts = build_hosts({1001: [record("b b", 2), record("b,b", 3), record("a", 1)],
                         1002: [record("z", 9, ICustomer=1002)]}, [ACME, globex], {})
    assert list(hosts) == ["a", "b_b", "b_b_3", "z"]
    assert hosts["b_b_3"]["account_id"] == "b,b"
    assert hosts["z"]["customer_name"] == "Globex"


@pytest.mark.parametrize("kwargs, option", [
    ({"customers": ["x"]}, "customers"), ({"customers": [0]}, "customers"), ({"customers": [True]}, "customers"),
    ({"customers": []}, "customers"), ({"max_workers": 0}, "max_workers"), ({"max_workers": 17}, "max_workers"),
    ({"cdr_statistics_days": -1}, "cdr_statistics_days"), ({"cdr_statistics_days": 367}, "cdr_statistics_days")])
def test_bad_options_fail_naming_the_option(kwargs, option):
    with pytest.raises(InputError) as raised:
        check_options(**kwargs)
    assert raised.value.option == option


def test_customers_are_ids_without_repeats():
    assert check_options() is None
    assert check_options(customers=[1002, "1001", 1002]) == [1002, 1001]
    assert check_options(customers=1001) == [1001]


def test_customer_and_site_mapping():
    customer = customer_from_api({"ICustomer": 1001, "Name": "Acme Ltd", "Balance": 1.5, "CreditLimit": 10,
                                  "availableBalance": 8.5, "sites": [{"i_customer_site": 302, "name": "B", "used": 1},
                                                                     {"i_customer_site": 301, "name": "A"}]})
    assert customer["id"] == 1001 and customer["name"] == "Acme Ltd" and customer["email"] == ""
    assert customer["sites"] == [{"id": 301, "name": "A", "accounts": 0}, {"id": 302, "name": "B", "accounts": 1}]
    assert customer_from_api({"ICustomer": 1})["sites"] is None          # a server that sent no sites
    assert site_from_api({}) == {"id": 0, "name": "", "accounts": 0}


@pytest.mark.parametrize("search, expected", [(None, None), ("  ", None), (" acme ", "acme"), (u"b\u00fccher", u"b\u00fccher")])
def test_search_text(search, expected):
    assert check_search(search) == expected


@pytest.mark.parametrize("search, reason", [("a/b", "must not contain '/'"), ("x.json", "must not end in"),
                                            ("..", "'\\.' and '\\.\\.' cannot be sent"), ("x" * 101, "must be at most 100")])
def test_search_that_cannot_travel_in_a_path_is_refused(search, reason):
    with pytest.raises(InputError, match="search: " + reason):
        check_search(search)


def test_search_with_control_characters_is_refused_and_a_long_one_not_echoed():
    with pytest.raises(InputError, match="search: must not contain control characters"):
        check_search("ac\u0000me")
    with pytest.raises(InputError) as raised:
        check_search("x" * 10000)
    assert "xxxx" not in str(raised.value)
