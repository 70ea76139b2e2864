"""CDRs: the `cdrs` lookup and the `cdr_export` module in real ansible-playbook runs against the sandbox."""
import csv
import datetime
import gzip
import io
import json
import os
import signal
import sqlite3
import time
import urllib.request

import pytest
from portaplus_sandbox.testing import SandboxServer, process_tree

from tests.ansible_cli import Ansible, during
from tests.integration.conftest import DEMO_LICENSE, OTHER_LICENSE
from tests.integration.test_accounts import everything, failed, task

TODAY = datetime.datetime.now(datetime.timezone.utc).date()
# A fixed range holding every seeded CDR (they span the last 90 days), stable for the whole test.
FROM = (TODAY - datetime.timedelta(days=100)).isoformat()
TO = TODAY.isoformat()
CDR_ROUTES = ("/getCustomerAccountCDRSWithOffset/", "/getAccountCDRSWithOffset/")


def cdr_requests(sandbox):
    return [r for r in sandbox.requests() if r["route"].startswith(CDR_ROUTES)]


def lookup_task(name, **options):
    terms = options.pop("terms", [])
    named = ["%s=%s" % (key, json.dumps(value)) for key, value in options.items()]
    arguments = ", ".join([json.dumps(term) for term in terms] + named)
    return ("- name: %s\n  ansible.builtin.set_fact:\n    calls: \"{{ query('portaplus.softswitch.cdrs', %s) }}\"\n"
            "  ignore_errors: true\n" % (name, arguments.replace('"', "'")))


def ids_in_db(db_path, start, end, **where):
    """Ground truth straight from the sandbox's SQLite file: CDR ids in (connect time, id) order."""
    clauses = " AND ".join("%s = ?" % column for column in where)
    start_s = int(datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())
    end_s = int(datetime.datetime.strptime(end, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())
    with sqlite3.connect("file:%s?mode=ro" % db_path, uri=True) as conn:
        rows = conn.execute("SELECT id FROM cdrs WHERE %s AND connect_time >= ? AND connect_time < ? "
                            "ORDER BY connect_time, id" % clauses, list(where.values()) + [start_s, end_s]).fetchall()
    return [row[0] for row in rows]


def read_export(path, fmt, compress=False):
    with open(path, "rb") as handle:
        data = handle.read()
    text = (gzip.decompress(data) if compress else data).decode("utf-8")
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    rows = list(csv.DictReader(io.StringIO(text)))
    return rows


# -- the lookup ---------------------------------------------------------------------------------------

LOOKUPS = ("Calls", "Raw", "Outgoing", "Account", "Terms")


def test_lookup_returns_each_record_once_in_time_order_across_pages_and_an_empty_range_nothing(play, sandbox, tmp_path):
    sandbox.admin("POST", "cdr-paging", {"page_size": 7})
    dest = str(tmp_path / "none.csv")
    result = play(lookup_task("Calls", customer=1001, from_date=FROM, to_date=TO)
                  + lookup_task("Raw", customer=1001, from_date=FROM, to_date=TO, max_records=3, raw=True)
                  + lookup_task("Outgoing", customer=1001, from_date=FROM, to_date=TO, outgoing_only=True)
                  + lookup_task("Account", account="441632960001", from_date=FROM, to_date=TO)
                  + lookup_task("Terms", terms=[1002, 1001], from_date=FROM, to_date=TO, max_records=0)
                  # a range without calls gives an empty list and an empty export
                  + lookup_task("Empty", customer=1001, from_date="2020-01-01", to_date="2020-01-31")
                  + task("Export", "cdr_export", {"customer": 1001, "from_date": "2020-01", "to_date": "2020-01",
                                                  "dest": dest}))
    assert result.rc == 0, result.output
    calls = result.task("Calls")["ansible_facts"]["calls"]
    # the unpaged route is the reference: same records, same order
    reference = sandbox_get(sandbox, "/getCustomerAccountCDRS/%s/1001/%s/%sT00:00:00/true" % (
        DEMO_LICENSE, FROM, (TODAY + datetime.timedelta(days=1)).isoformat()))["lstPortaCustomerAccountCDRS"]
    assert len(calls) == len(reference) > 7 * 10
    assert [c["id"] for c in calls] == [r["ID"] for r in reference]
    assert len({c["id"] for c in calls}) == len(calls)
    assert [(c["connect_time"], c["id"]) for c in calls] == sorted((c["connect_time"], c["id"]) for c in calls)
    first = calls[0]
    assert list(first) == ["connect_time", "disconnect_time", "account_id", "cli", "cld", "duration", "charged_amount",
                           "disconnect_cause", "failed", "call_type", "service", "call_id", "id", "i_account", "customer"]
    assert first["connect_time"].endswith("Z") and first["customer"] == 1001
    assert first["duration"] == reference[0]["CallTime"] and first["charged_amount"] == reference[0]["Charged_Amount"]
    assert first["failed"] is (first["duration"] == 0)
    pages = [r for r in during(sandbox.requests(), result, *LOOKUPS) if r["route"].startswith(CDR_ROUTES[0])]
    assert len(pages) >= -(-len(calls) // 7) * 3            # every lookup paged by 7

    raw = result.task("Raw")["ansible_facts"]["calls"]
    assert [c["id"] for c in raw] == [c["id"] for c in calls[:3]]
    assert raw[0]["raw"]["ID"] == raw[0]["id"] and raw[0]["raw"]["Connect_time"] == raw[0]["connect_time"]
    assert "returned the first 3 records" in result.output

    outgoing = result.task("Outgoing")["ansible_facts"]["calls"]
    assert outgoing and {c["call_type"] for c in outgoing} == {"outgoing"}
    assert [c["id"] for c in outgoing] == [c["id"] for c in calls if c["call_type"] == "outgoing"]
    account = result.task("Account")["ansible_facts"]["calls"]
    assert account and [c["id"] for c in account] == [c["id"] for c in calls if c["account_id"] == "441632960001"]
    both = result.task("Terms")["ansible_facts"]["calls"]
    assert {c["customer"] for c in both} == {1001, 1002}
    assert [c["id"] for c in both] == sorted(c["id"] for c in both)        # merged in time order (ids grow with it)

    assert result.task("Empty")["ansible_facts"]["calls"] == []
    export = result.task("Export")
    assert (export["records"], export["total_charged"], export["total_minutes"]) == (0, 0.0, 0.0)
    assert export["first_call"] is None and export["last_call"] is None
    assert export["range"] == {"from": "2020-01-01T00:00:00Z", "to": "2020-02-01T00:00:00Z"}
    with open(dest) as handle:
        lines = handle.read().splitlines()
    assert lines == ["connect_time,disconnect_time,account_id,cli,cld,duration,charged_amount,"
                     "disconnect_cause,failed,call_type,service,call_id,id,i_account,customer"]


def sandbox_get(sandbox, path):
    with urllib.request.urlopen(sandbox.url + path, timeout=60) as response:
        return json.loads(response.read())


BAD_RANGES = [
    ("Reversed", {"from_date": "2026-03-02", "to_date": "2026-03-01"}, "to_date: must be after from_date"),
    ("Malformed", {"from_date": "01/03/2026", "to_date": "today"}, "from_date: must be a date (2026-10-01)"),
    ("Impossible", {"from_date": "2026-02-30", "to_date": "today"}, "from_date: is not a valid date or time (got '2026-02-30')"),
    ("Too long", {"from_date": "-400d", "to_date": "now"}, "the server returns at most 366 days per request"),
    ("Zone", {"from_date": "-1d", "timezone": "Mars/Olympus"}, "timezone: not a known time zone"),
]


FOREIGN = [("Unknown customer", {"customer": 999999}, "customer: no customer with this id is visible to the License (got '999999')"),
           ("Other reseller's customer", {"customer": 2001}, "customer: no customer with this id is visible to the License (got '2001')"),
           ("Unknown account", {"account": "000000"}, "account: no account with this account ID is visible to the License (got '000000')"),
           ("Foreign account", {"account": "442079460001"}, "account: no account with this account ID is visible"),
           ("Account of another customer", {"account": "441632960001", "customer": 1002},
            "account: belongs to customer 1001, not to customer 1002")]


def test_bad_input_fails_before_any_request_and_unknown_or_foreign_selections_before_any_page_naming_the_option(
        play, sandbox, tmp_path):
    # One run: first the input that fails before any request, then the selections the server must be asked about.
    out = tmp_path / "out"
    out.mkdir()
    bad = []
    tasks = ""
    for name, options, _message in BAD_RANGES:
        tasks += lookup_task("Lookup " + name, customer=1001, **options)
        tasks += task("Export " + name, "cdr_export", dict(options, customer=1001, dest=str(out / "x.csv")),
                      ignore_errors=True)
        bad += ["Lookup " + name, "Export " + name]
    tasks += task("No directory", "cdr_export", {"customer": 1001, "from_date": "-1d", "dest": "/nonexistent/x.csv"},
                  ignore_errors=True)
    tasks += lookup_task("Nothing selected", from_date="-1d")
    bad += ["No directory", "Nothing selected"]
    dest = str(tmp_path / "x.csv")
    for name, selection, _message in FOREIGN:
        tasks += lookup_task("Lookup " + name, from_date="-7d", **selection)
        tasks += task("Export " + name, "cdr_export", dict(selection, from_date="-7d", dest=dest), ignore_errors=True)
    result = play(tasks)
    assert result.rc == 0, result.output
    for name, _options, message in BAD_RANGES:
        for kind in ("Lookup ", "Export "):
            assert failed(result, kind + name), name
            assert message in result.task(kind + name)["msg"], (kind + name, result.task(kind + name)["msg"])
    assert "dest: its directory /nonexistent does not exist" in result.task("No directory")["msg"]
    assert "customer: one of customer or account is required" in result.task("Nothing selected")["msg"]
    requests = sandbox.requests()
    assert during(requests, result, *bad) == []
    assert os.listdir(str(out)) == []

    for name, _selection, message in FOREIGN:
        for kind in ("Lookup ", "Export "):
            assert failed(result, kind + name) and message in result.task(kind + name)["msg"], (kind + name, result.output)
    assert [r for r in cdr_requests(sandbox) if r["status"] == 200] == []     # no page was ever served
    assert not os.path.exists(dest)


def test_another_license_cannot_read_the_customer(play, sandbox, tmp_path):
    result = play(lookup_task("Lookup", customer=1001, from_date="-7d")
                  + task("Export", "cdr_export", {"customer": 1001, "from_date": "-7d", "dest": str(tmp_path / "x.csv")},
                         ignore_errors=True), license=OTHER_LICENSE)
    for name in ("Lookup", "Export"):
        assert failed(result, name)
        assert "customer: no customer with this id is visible to the License (got '1001')" in result.task(name)["msg"]
    assert OTHER_LICENSE not in everything(result)


# -- the export ---------------------------------------------------------------------------------------

def test_export_is_idempotent_and_check_mode_writes_nothing(play, sandbox, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dest = str(out / "acme.csv")
    # a period that has ended: only such a period is reused (one still running may gain calls)
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    args = {"customer": 1001, "from_date": FROM, "to_date": yesterday, "dest": dest}
    # a period still running goes elsewhere: out/ holds only what the checks below expect there
    running = str(tmp_path / "running.csv")
    other = str(out / "other.csv")
    first = play(task("Export", "cdr_export", args)
                 + task("Again", "cdr_export", args) + task("Check", "cdr_export", args)
                 + task("Running", "cdr_export", dict(args, to_date=TO, dest=running))
                 + task("Running again", "cdr_export", dict(args, to_date=TO, dest=running))
                 # check mode (the task keyword, as --check)
                 + task("Check new", "cdr_export", dict(args, dest=other), check_mode=True)
                 + task("Check same", "cdr_export", args, check_mode=True)
                 + task("Check other range", "cdr_export", dict(args, from_date=yesterday), check_mode=True))
    assert first.rc == 0, first.output
    exported = first.task("Export")
    assert exported["changed"] is True
    rows = read_export(dest, "csv")
    assert exported["records"] == len(rows) > 50
    assert exported["total_minutes"] == round(sum(int(r["duration"]) for r in rows) / 60.0, 2)
    assert abs(exported["total_charged"] - sum(float(r["charged_amount"]) for r in rows)) < 1e-6
    assert (exported["first_call"], exported["last_call"]) == (rows[0]["connect_time"], rows[-1]["connect_time"])
    with open(dest + ".manifest.json") as handle:
        manifest = json.load(handle)
    assert manifest["export"]["customer"] == 1001 and manifest["sha256"] == exported["sha256"]

    assert first.task("Again")["changed"] is False and first.task("Again")["records"] == len(rows)
    up_to_date = during(sandbox.requests(), first, "Again", "Check")
    assert [r for r in up_to_date if r["route"].startswith(CDR_ROUTES)] == []      # nothing fetched when up to date
    assert first.task("Running again")["changed"] is True                 # today has not ended: exported again

    assert first.task("Check new")["changed"] is True and first.task("Check new")["records"] == len(rows)
    assert first.task("Check same")["changed"] is False
    assert first.task("Check other range")["changed"] is True
    assert not os.path.exists(other) and not os.path.exists(other + ".manifest.json")
    assert sorted(os.listdir(str(out))) == ["acme.csv", "acme.csv.manifest.json"]

    with open(dest, "a") as handle:
        handle.write("tampered\n")
    sandbox.clear_log()
    redone = play(task("Tampered", "cdr_export", args) + task("Forced", "cdr_export", dict(args, force=True))
                  + task("Outgoing only", "cdr_export", dict(args, outgoing_only=True)))
    assert [redone.task(n)["changed"] for n in ("Tampered", "Forced", "Outgoing only")] == [True, True, True]
    assert redone.task("Forced")["sha256"] == exported["sha256"]          # same data, same bytes
    assert len(read_export(dest, "csv")) == redone.task("Outgoing only")["records"] < len(rows)


def test_export_formats_account_and_no_license_anywhere(play, sandbox, tmp_path):
    jsonl = str(tmp_path / "alice.jsonl.gz")
    csv_path = str(tmp_path / "acme.csv")
    result = play(task("Account", "cdr_export", {"account": "441632960001", "from_date": FROM, "to_date": TO,
                                                 "dest": jsonl, "format": "jsonl", "compress": True})
                  + task("Customer", "cdr_export", {"customer": 1001, "from_date": FROM, "to_date": TO,
                                                    "dest": csv_path, "timezone": "Europe/London"})
                  + lookup_task("Lookup", customer=1001, from_date=FROM, to_date=TO, raw=True),
                  verbosity=4)
    assert result.rc == 0, result.output
    records = read_export(jsonl, "jsonl", compress=True)
    assert records and {r["account_id"] for r in records} == {"441632960001"}
    assert result.task("Account")["records"] == len(records)
    customer_rows = read_export(csv_path, "csv")
    assert [int(r["id"]) for r in customer_rows if r["account_id"] == "441632960001"] == [r["id"] for r in records]
    # dates are read in Europe/London: the range runs from local midnight to local midnight
    london = result.task("Customer")["range"]
    assert london["from"] in (FROM + "T00:00:00Z", (TODAY - datetime.timedelta(days=101)).isoformat() + "T23:00:00Z")
    assert london["to"] in (TODAY.isoformat() + "T23:00:00Z", (TODAY + datetime.timedelta(days=1)).isoformat() + "T00:00:00Z")
    for path in (jsonl, jsonl + ".manifest.json", csv_path, csv_path + ".manifest.json"):
        with open(path, "rb") as handle:
            content = handle.read()
        content = gzip.decompress(content) if path.endswith(".gz") else content
        assert DEMO_LICENSE.encode() not in content, path
    assert DEMO_LICENSE not in everything(result)


@pytest.fixture(scope="module")
def big_sandbox(tmp_path_factory):
    """A server of its own with about 100,000 CDRs for customer 1001, and its SQLite file to check against."""
    db_path = str(tmp_path_factory.mktemp("big") / "sandbox.sqlite")
    server = SandboxServer(seed="demo", db_path=db_path, extra_args=["--cdrs", "170000", "--random-seed", "3"])
    server.start(timeout=300)                  # seeding takes seconds, more on a busy machine
    try:
        server.db_path = db_path
        yield server
    finally:
        server.stop()


def test_a_100k_range_comes_back_complete_and_ordered_whatever_the_page_size(play, big_sandbox, tmp_path):
    """About 100,000 CDRs in pages of 997 (the lookup test pages by 7): every record once, in time order."""
    dest = str(tmp_path / "all.jsonl")
    big_sandbox.admin("POST", "cdr-paging", {"page_size": 997})
    big_sandbox.clear_log()
    result = play(task("Export", "cdr_export", {"customer": 1001, "from_date": FROM, "to_date": TO, "dest": dest,
                                                "format": "jsonl"}),
                  extra_env={"PORTAPLUS_URL": big_sandbox.url})
    assert result.rc == 0, result.output
    exported = result.task("Export")
    expected = ids_in_db(big_sandbox.db_path, exported["range"]["from"], exported["range"]["to"], i_customer=1001)
    assert len(expected) >= 100000
    records = read_export(dest, "jsonl")
    assert [r["id"] for r in records] == expected                       # complete, each once, in time order
    assert exported["records"] == len(expected)
    assert (exported["first_call"], exported["last_call"]) == (records[0]["connect_time"], records[-1]["connect_time"])
    pages = [r for r in big_sandbox.requests() if r["route"].startswith(CDR_ROUTES[0])]
    assert len(pages) == -(-len(expected) // 997)                       # no page fetched twice


# -- interrupted exports -------------------------------------------------------------------------------

def start_playbook(sandbox, tmp_path, tasks):
    """ansible-playbook started in the background, to be killed while it runs."""
    return Ansible(sandbox.url, tmp_path / "background").start(tasks)


def kill_tree(pid):
    """SIGKILL ansible-playbook and everything it started: the module runs in a session of its own,
    so killing the playbook's process group alone would leave it running."""
    stopped = set()
    for _attempt in range(3):                # stop first, so nothing forks while we look
        for member in process_tree(pid):
            if member not in stopped:
                try:
                    os.kill(member, signal.SIGSTOP)
                    stopped.add(member)
                except ProcessLookupError:
                    pass
    for member in stopped:
        try:
            os.kill(member, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_an_export_failing_mid_way_leaves_dest_as_it_was(play, sandbox, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "acme.csv"
    dest.write_text("the previous export\n")
    sandbox.admin("POST", "cdr-paging", {"page_size": 5})
    route = "/getCustomerAccountCDRSWithOffset/" + "/".join("{%s}" % name for name in (
        "License", "ICustomer", "FromDate", "ToDate", "IncludeAccounts", "GetOutgoingCalls", "FetchRecordsUsingOffset",
        "Offset", "GetHuntGroupReports", "Customer_Timezone", "showcurrentperiod"))
    # random seed 2 draws 0.96, 0.95, 0.06: the third page request gets the 500, after two pages were written
    sandbox.set_faults(fault_rate=0.1, kinds=["500"], routes=[route], random_seed=2)
    result = play(task("Export", "cdr_export", {"customer": 1001, "from_date": FROM, "to_date": TO, "dest": str(dest),
                                                "retries": 0, "force": True}, ignore_errors=True), verbosity=3)
    assert failed(result, "Export")
    assert "500" in result.task("Export")["msg"] and result.task("Export")["msg"].endswith("%s was left as it was" % dest)
    assert dest.read_text() == "the previous export\n"
    assert os.listdir(str(out)) == ["acme.csv"]                          # no part file, no manifest
    assert [r["status"] for r in cdr_requests(sandbox)] == [200, 200, 500]
    assert DEMO_LICENSE not in everything(result)


def test_an_export_killed_mid_way_leaves_dest_as_it_was(play, sandbox, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "acme.csv"
    dest.write_text("the previous export\n")
    manifest = out / "acme.csv.manifest.json"
    manifest.write_text("{}\n")
    args = {"customer": 1001, "from_date": FROM, "to_date": TO, "dest": str(dest)}
    sandbox.admin("POST", "cdr-paging", {"page_size": 5})
    sandbox.set_faults(latency_ms=300)
    process = start_playbook(sandbox, tmp_path, task("Slow export", "cdr_export", args))
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            parts = [name for name in os.listdir(str(out)) if name.endswith(".part")]
            if parts and len(cdr_requests(sandbox)) >= 4:            # several pages written to the part file
                break
            assert process.poll() is None, "the export ended before it could be interrupted"
            time.sleep(0.1)
        else:
            pytest.fail("the export never got going")
        kill_tree(process.pid)                                          # the job is killed, module and all
    finally:
        process.wait(30)
    assert dest.read_text() == "the previous export\n"
    assert manifest.read_text() == "{}\n"
    assert [name for name in os.listdir(str(out)) if name.endswith(".part")]   # it was killed while writing

    sandbox.clear_faults()
    sandbox.admin("POST", "cdr-paging", {"page_size": 1000})
    result = play(task("Export again", "cdr_export", args))
    assert result.rc == 0, result.output
    assert result.task("Export again")["changed"] is True
    assert len(read_export(str(dest), "csv")) == result.task("Export again")["records"] > 50
    assert sorted(os.listdir(str(out))) == ["acme.csv", "acme.csv.manifest.json"]   # the stale part is gone
