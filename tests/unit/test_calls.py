# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Active-call mapping and the lookup's option checks (pure logic)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.calls import (
    CALL_KEYS, call_from_api, calls_from_response, check_scope, exclusion_query, live_calls_by_account)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import InputError

NOW = datetime.datetime(2026, 11, 30, 20, 45, 0, tzinfo=datetime.timezone.utc)

RECORD = {
    "IEnv": 1, "CLI": "441632960001", "CLD": "442071234567", "AccountID": "441632960001",
    "Connect_time": "2026-11-30T20:40:55Z", "Disconnect_time": None, "ICustomer": 1001, "CallId": "c-1",
    "IAccount": 5001, "noofcalls": 1, "DurationMins": "4", "CallType": "Outgoing", "product": "Hosted PBX Seat",
    "SubscriberFName": "Alice", "SubscriberLName": "Archer", "ExtensionNumber": "101",
}


def test_a_call_has_every_documented_key_with_seconds_and_utc_start():
    call = call_from_api(RECORD, NOW)
    assert tuple(call) == CALL_KEYS
    assert call == {
        "call_id": "c-1", "caller": "441632960001", "callee": "442071234567", "account_id": "441632960001",
        "i_account": 5001, "customer": 1001, "extension": "101", "start_time": "2026-11-30T20:40:55Z",
        "duration": 245, "direction": "outgoing", "product": "Hosted PBX Seat", "subscriber": "Alice Archer"}


def test_start_in_another_zone_or_servicestack_form_is_utc():
    zoned = dict(RECORD, Connect_time="2026-11-30T21:40:55+01:00")
    assert call_from_api(zoned, NOW)["start_time"] == "2026-11-30T20:40:55Z"
    wcf = dict(RECORD, Connect_time="/Date(1796071255000)/")
    assert call_from_api(wcf, NOW)["start_time"] == "2026-11-30T20:40:55Z"


def test_account_call_uses_its_text_time_and_call_id():
    record = dict(RECORD, Connect_time=None, ConnectTime="2026-11-30 20:44:00", CallId=None, call_id="a-9")
    call = call_from_api(record, NOW)
    assert (call["start_time"], call["duration"], call["call_id"]) == ("2026-11-30T20:44:00Z", 60, "a-9")


def test_unknown_start_falls_back_to_minutes_and_a_future_start_to_zero():
    assert call_from_api(dict(RECORD, Connect_time=None), NOW)["duration"] == 240
    assert call_from_api(dict(RECORD, Connect_time="garbage"), NOW)["start_time"] is None
    assert call_from_api(dict(RECORD, Connect_time="2026-11-30T21:00:00Z"), NOW)["duration"] == 0
    bare = call_from_api({}, NOW)
    assert (bare["caller"], bare["i_account"], bare["start_time"], bare["duration"], bare["subscriber"]) == ("", 0, None, 0, "")


def test_response_lists_are_merged_oldest_first_and_counted_per_account():
    later = dict(RECORD, CallId="c-2", Connect_time="2026-11-30T20:44:00Z")
    other = dict(RECORD, CallId="c-3", IAccount=5004, Connect_time="2026-11-30T20:30:00Z")
    calls = calls_from_response({"lstActiveCalls": [later, RECORD], "lstAccountActiveCalls": [other]}, NOW)
    assert [c["call_id"] for c in calls] == ["c-3", "c-1", "c-2"]
    assert live_calls_by_account(calls) == {5001: 2, 5004: 1}
    assert calls_from_response({}, NOW) == []


@pytest.mark.parametrize("customer, account, expected", [
    (None, None, (None, None)), (1001, None, (1001, None)), ("1001", None, (1001, None)),
    (None, " 441632960001 ", (None, "441632960001")), (1001, "x", (1001, "x"))])
def test_scope_accepts_ids(customer, account, expected):
    assert check_scope(customer, account) == expected


@pytest.mark.parametrize("customer, account, option", [
    (0, None, "customer"), (-1, None, "customer"), ("abc", None, "customer"), (True, None, "customer"),
    (None, "  ", "account")])
def test_scope_refuses_bad_values_naming_the_option(customer, account, option):
    with pytest.raises(InputError) as raised:
        check_scope(customer, account)
    assert raised.value.option == option and str(raised.value).startswith(option + ": ")


def test_exclusions_travel_as_jsv_lists():
    assert exclusion_query() == {}
    assert exclusion_query(["441632960001", "441632960002"], "44800") == {
        "ExcludeAccountIDS": "441632960001,441632960002", "ExcludeDestinationIDS": "44800"}
    with pytest.raises(InputError, match="exclude_accounts: items must be non-empty strings without ','"):
        exclusion_query(["a,b"])
    with pytest.raises(InputError, match="exclude_destinations"):
        exclusion_query(None, [""])
    with pytest.raises(InputError, match="exclude_accounts: must be a list of strings"):
        exclusion_query({"a": 1})


@pytest.mark.parametrize("account, reason", [
    ("a/b", "must not contain '/'"), ("x" * 65, "at most 64 characters"), ("4416\u0000x", "control characters"),
    ("4416.json", "must not end in")])
def test_account_ids_that_cannot_be_sent_are_refused(account, reason):
    with pytest.raises(InputError) as raised:
        check_scope(None, account)
    assert raised.value.option == "account" and reason in str(raised.value)
