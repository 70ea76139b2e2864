"""The admin API: request log (License masked), counters, reset, health."""

from __future__ import annotations

from sandbox_helpers import LICENSE, Client


def test_request_log_masks_the_license(api, sandbox):
    api.get(f"/GetAccounts/{LICENSE}/1001")
    api.post(f"/GetAccount?License={LICENSE}&x={LICENSE}", {"IAccount": 5001})
    api.post("/GetAccount", {"License": LICENSE, "IAccount": 5001})
    api.get("/GetAccounts/WRONG-LICENSE/1001")
    log = sandbox.requests()
    assert [entry["seq"] for entry in log] == [1, 2, 3, 4]
    first = log[0]
    assert first["path"] == "/GetAccounts/***/1001"
    assert first["route"] == "/GetAccounts/{License}/{ICustomer}"
    assert (first["op"], first["status"], first["write"], first["format"]) == \
        ("Product", 200, False, "json")
    assert log[1]["query"] == "License=***&x=***"
    assert log[3]["path"] == "/GetAccounts/***/1001" and log[3]["status"] == 401
    assert LICENSE not in str(log) and "WRONG-LICENSE" not in str(log)


def test_counters(api, sandbox):
    api.get(f"/GetAccounts/{LICENSE}/1001")
    api.get(f"/AddCustomerExtension/{LICENSE}/1001/Lobby/150/0")          # GET that writes
    api.get(f"/AddCustomerExtension/{LICENSE}/1001/Lobby/150/0")          # refused: 400
    api.post("/UpdateAccount", {"License": LICENSE, "Accounts": [{"IAccount": 5001,
                                                                  "Note": "n"}]})
    api.post("/json/reply/UpdateAccount", {"License": LICENSE,
                                           "Accounts": [{"IAccount": 5001, "Note": "m"}]})
    assert sandbox.counters() == {"requests": 5, "writes": 4, "committed_writes": 3}
    assert [e["write"] for e in sandbox.requests()] == [False, True, True, True, True]
    sandbox.clear_log()
    assert sandbox.requests() == [] and sandbox.counters()["requests"] == 0


def test_reset_restores_the_seed(api, sandbox):
    api.get(f"/DeleteCustomerExtension/{LICENSE}/1001/7001")
    api.post("/UpdateAccount", {"License": LICENSE,
                                "Accounts": [{"IAccount": 5001, "BillStatus": "C"}]})
    assert len(api.get(f"/GetAccounts/{LICENSE}/1001").json()["Accounts"]) == 2
    sandbox.reset()
    assert sandbox.requests() == []
    accounts = api.get(f"/GetAccounts/{LICENSE}/1001").json()["Accounts"]
    assert [a["IAccount"] for a in accounts] == [5001, 5002, 5003]
    added = api.get(f"/AddCustomerExtension/{LICENSE}/1001/Lobby/150/0").json()
    assert added["Extension"]["i_c_ext"] == 7102                        # IDs restart too


def test_admin_needs_no_license_and_is_not_logged(sandbox):
    assert sandbox.health()["status"] == "ok"
    sandbox.faults()
    assert sandbox.requests() == []


def test_unknown_admin_path(sandbox):
    reply = Client(sandbox.url).get("/__sandbox/nothing")
    assert reply.status == 404


def test_a_seeded_cdr_is_served_with_its_caller_id(api, sandbox):
    import time
    hostile = '=HYPERLINK("http://example.invalid","x")'
    now = int(time.time())
    added = sandbox.admin("POST", "cdrs", {"i_account": 5001, "remote": hostile, "connect_time": now - 60,
                                          "duration": 5})
    day = time.strftime("%Y-%m-%dT00:00:00", time.gmtime(now - 86400))
    end = time.strftime("%Y-%m-%dT00:00:00", time.gmtime(now + 86400))
    records = api.get(f"/getCustomerAccountCDRS/{LICENSE}/1001/{day}/{end}/true").json()[
        "lstPortaCustomerAccountCDRS"]
    [record] = [r for r in records if r["ID"] == added["id"]]
    assert (record["CLI"], record["AccountID"], record["CallType"].lower()) == (hostile, "441632960001", "incoming")
    assert Client(sandbox.url).post("/__sandbox/cdrs", {"i_account": 999999, "remote": "1"}).status == 400
