"""Injected faults and latency: reproducible, and each kind doing what it says."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error

import pytest

from sandbox_helpers import LICENSE


def statuses(api, count: int = 30) -> list[int]:
    return [api.get(f"/GetProducts/{LICENSE}").status for _ in range(count)]


def create_body(*account_ids: str) -> dict:
    return {"License": LICENSE, "AccountRequest": {
        "ICustomer": 1001, "DefaultValues": {"ProductId": 1},
        "AccountsToCreate": [{"AcntId": account_id} for account_id in account_ids]}}


def account_ids(api) -> set[str]:
    return {a["AccountId"] for a in api.get(f"/GetAccounts/{LICENSE}/1001").json()["Accounts"]}


def test_same_seed_same_faults(api, sandbox):
    sandbox.set_faults(fault_rate=0.5, kinds=["500", "503"], random_seed=42)
    first = statuses(api)
    sandbox.set_faults(fault_rate=0.5, kinds=["500", "503"], random_seed=42)
    assert statuses(api) == first
    assert {200, 500, 503} <= set(first)
    sandbox.set_faults(fault_rate=0.5, kinds=["500", "503"], random_seed=43)
    assert statuses(api) != first


def test_503_says_when_to_retry(api, sandbox):
    sandbox.set_faults(fault_rate=1.0, kinds=["503"])
    reply = api.get(f"/GetProducts/{LICENSE}")
    assert reply.status == 503 and reply.headers["Retry-After"] == "1"
    assert reply.json()["ResponseStatus"]["ErrorCode"] == "ServiceUnavailable"


def test_500_does_not_write(api, sandbox):
    sandbox.set_faults(fault_rate=1.0, kinds=["500"])
    assert api.post("/CreateAccounts", create_body("441632960801")).status == 500
    sandbox.clear_faults()
    assert "441632960801" not in account_ids(api)
    assert sandbox.counters()["committed_writes"] == 0


def test_max_faults_and_route_filter(api, sandbox):
    settings = sandbox.set_faults(fault_rate=1.0, kinds=["500"], routes=["/createaccounts"],
                                  max_faults=2)
    assert settings["routes"] == ["/createaccounts"] and settings["injected"] == 0
    assert statuses(api, 3) == [200, 200, 200]                 # not a listed route
    results = [api.post("/CreateAccounts", create_body(f"44163296090{i}")).status
               for i in range(3)]
    assert results == [500, 500, 200]
    assert sandbox.faults()["injected"] == 2


def test_reset_fault_closes_without_response(api, sandbox):
    sandbox.set_faults(fault_rate=1.0, kinds=["reset"])
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        api.post("/CreateAccounts", create_body("441632960811"))
    sandbox.clear_faults()
    assert "441632960811" not in account_ids(api)
    entry = sandbox.requests()[0]
    assert entry["fault"] == "reset" and entry["status"] is None and not entry["committed"]


def test_timeout_commits_then_hangs(api, sandbox):
    sandbox.set_faults(fault_rate=1.0, kinds=["timeout"], hang_s=1.0)
    started = time.monotonic()
    with pytest.raises((socket.timeout, TimeoutError)):
        api.post("/CreateAccounts", create_body("441632960821"), timeout=0.3)
    assert time.monotonic() - started < 1.0
    sandbox.clear_faults()
    assert "441632960821" in account_ids(api)                 # committed before hanging
    assert sandbox.counters()["committed_writes"] == 1


def test_partial_commits_the_first_half(api, sandbox):
    sandbox.set_faults(fault_rate=1.0, kinds=["partial"])
    ids = [f"44163296083{i}" for i in range(4)]
    reply = api.post("/CreateAccounts", create_body(*ids))
    assert reply.status == 500
    assert "2 of 4" in reply.json()["ResponseStatus"]["Message"]
    update = api.post("/UpdateAccount", {"License": LICENSE, "Accounts": [
        {"IAccount": 5001, "Note": "one"}, {"IAccount": 5002, "Note": "two"}]})
    assert update.status == 500
    assert api.get(f"/GetProducts/{LICENSE}").status == 500   # not a batch write: plain 500
    sandbox.clear_faults()
    assert account_ids(api) >= set(ids[:2]) and not account_ids(api) & set(ids[2:])
    notes = {a["IAccount"]: a.get("Note") for a in
             api.get(f"/GetAccounts/{LICENSE}/1001").json()["Accounts"]}
    assert notes[5001] == "one" and notes[5002] is None
    assert sandbox.counters()["committed_writes"] == 2


def test_latency(api, sandbox):
    sandbox.set_faults(latency_ms=150)
    started = time.monotonic()
    assert api.get(f"/GetProducts/{LICENSE}").status == 200
    assert time.monotonic() - started >= 0.15


def test_reset_restores_startup_faults(api, sandbox):
    sandbox.set_faults(fault_rate=1.0)
    sandbox.reset()
    assert sandbox.faults()["fault_rate"] == 0.0
    assert api.get(f"/GetProducts/{LICENSE}").status == 200


def test_bad_fault_settings_are_refused(sandbox):
    with pytest.raises(urllib.error.HTTPError) as error:
        sandbox.set_faults(kinds=["explode"])
    assert error.value.code == 400
