# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CDR logic: ranges and relative dates, paging rules (against the in-process sandbox), the record schema,
export files."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import datetime
import gzip
import io
import json
import os
import subprocess
import sys
import time

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr import export as cdr_export, records as cdr_records
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.export import ExportFile
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import CdrInputError, check_selection, resolve_range
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.records import COLUMNS, CdrQuery, IncompleteCdrsError, Summary, cdr_record, iter_pages
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 3, 15, 10, 30, 45, 123456, tzinfo=UTC)


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def rng(from_date, to_date, timezone="UTC", now=NOW):
    return resolve_range(from_date, to_date, timezone, now=now)


# -- ranges ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("from_date, to_date, expected", [
    ("2026-03-01", "2026-03-01", (utc(2026, 3, 1), utc(2026, 3, 2))),            # a day as an end covers the day
    ("2026-02", "2026-02", (utc(2026, 2, 1), utc(2026, 3, 1))),                  # a month
    ("-7d", "now", (utc(2026, 3, 8, 10, 30, 45), utc(2026, 3, 15, 10, 30, 45))),  # whole seconds
    ("-24h", "-30m", (utc(2026, 3, 14, 10, 30, 45), utc(2026, 3, 15, 10, 0, 45))),
    ("-2w", "+1d", (utc(2026, 3, 1, 10, 30, 45), utc(2026, 3, 16, 10, 30, 45))),
    ("today", "today", (utc(2026, 3, 15), utc(2026, 3, 16))),
    ("yesterday", "yesterday", (utc(2026, 3, 14), utc(2026, 3, 15))),
    ("this_month", "this_month", (utc(2026, 3, 1), utc(2026, 4, 1))),
    ("last_month", "last_month", (utc(2026, 2, 1), utc(2026, 3, 1))),
    ("-7d", "today", (utc(2026, 3, 8, 10, 30, 45), utc(2026, 3, 16))),
    ("2026-03-01T08:00:00+02:00", "2026-03-01T09:00:00Z", (utc(2026, 3, 1, 6), utc(2026, 3, 1, 9))),
    ("2026-03-01 08:00", "2026-03-01T08:00:01", (utc(2026, 3, 1, 8), utc(2026, 3, 1, 8, 0, 1))),
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1), (utc(2026, 3, 1), utc(2026, 3, 2))),
])
def test_range_forms(from_date, to_date, expected):
    assert rng(from_date, to_date) == expected


def test_last_month_in_january_is_december():
    assert rng("last_month", "last_month", now=utc(2026, 1, 10)) == (utc(2025, 12, 1), utc(2026, 1, 1))


def test_timezone_moves_days_and_keeps_instants():
    # London is on GMT+1 from 29 March 2026: a day there starts at 23:00 UTC the day before
    assert rng("2026-04-01", "2026-04-01", "Europe/London") == (utc(2026, 3, 31, 23), utc(2026, 4, 1, 23))
    # the day the clocks change is 23 hours long
    assert rng("2026-03-29", "2026-03-29", "Europe/London") == (utc(2026, 3, 29), utc(2026, 3, 29, 23))
    # a date-time without a zone is local; one with a zone ignores the option
    assert rng("2026-04-01T09:00", "2026-04-01T10:00:00Z", "Europe/London") == (utc(2026, 4, 1, 8), utc(2026, 4, 1, 10))
    # "today" is the zone's today: 11:30 UTC on 15 March is already the 16th in Auckland (UTC+13)
    auckland_today = (utc(2026, 3, 15, 11), utc(2026, 3, 16, 11))
    assert rng("today", "today", "Pacific/Auckland", now=utc(2026, 3, 15, 11, 30)) == auckland_today
    assert rng("today", "today", "+02:00") == (utc(2026, 3, 14, 22), utc(2026, 3, 15, 22))
    assert rng("today", "today", "UTC-05:30") == (utc(2026, 3, 15, 5, 30), utc(2026, 3, 16, 5, 30))


@pytest.mark.parametrize("from_date, to_date, timezone, option, words", [
    ("2026-03-02", "2026-03-01", "UTC", "to_date", "must be after from_date"),
    ("2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z", "UTC", "to_date", "must be after from_date"),
    ("2025-01-01", "2026-01-02", "UTC", "to_date", "at most 366 days"),
    ("2026-02-30", "today", "UTC", "from_date", "not a valid date"),
    ("01/03/2026", "today", "UTC", "from_date", "must be a date"),
    ("last_week", "today", "UTC", "from_date", "must be a date"),
    ("-7x", "today", "UTC", "from_date", "must be a date"),
    ("-7d", "2026-13-01", "UTC", "to_date", "not a valid date"),
    ("", "today", "UTC", "from_date", "is required"),
    ("-7d", "today", "Mars/Olympus", "timezone", "not a known time zone"),
    ("-7d", "today", "+15:00", "timezone", "at most 14 hours"),
])
def test_bad_ranges_name_the_option(from_date, to_date, timezone, option, words):
    with pytest.raises(CdrInputError) as caught:
        rng(from_date, to_date, timezone)
    assert str(caught.value).startswith(option + ": ")
    assert caught.value.option == option
    assert words in str(caught.value)


def test_longest_range_is_366_days():
    assert rng("2024-01-01", "2024-12-31") == (utc(2024, 1, 1), utc(2025, 1, 1))   # a leap year, whole


@pytest.mark.parametrize("customer, account, expected", [
    (1001, None, (1001, None)), ("1001", None, (1001, None)), (None, " 4416 ", (None, "4416")),
    (1001, "4416", (1001, "4416")),
])
def test_selection(customer, account, expected):
    assert check_selection(customer, account) == expected


@pytest.mark.parametrize("customer, account, option", [
    (None, None, "customer"), (0, None, "customer"), ("abc", None, "customer"), (True, None, "customer"),
    (None, "", "account"), (None, "a/b", "account"),
])
def test_bad_selection(customer, account, option):
    with pytest.raises(CdrInputError) as caught:
        check_selection(customer, account)
    assert caught.value.option == option


def test_query_paths_send_utc_without_zone():
    query = CdrQuery(utc(2026, 3, 1, 6), utc(2026, 3, 2), customer=1001, outgoing_only=True)
    route, path = query.route_and_path(2000)
    assert route is cdr_records.CUSTOMER_CDR_PAGES
    assert path["FromDate"] == "2026-03-01T06:00:00" and path["ToDate"] == "2026-03-02T00:00:00"
    assert path["Offset"] == 2000 and path["FetchRecordsUsingOffset"] is True and path["GetOutgoingCalls"] is True
    route, path = CdrQuery(utc(2026, 3, 1), utc(2026, 3, 2), i_account=5001, account="4416").route_and_path(0)
    assert route is cdr_records.ACCOUNT_CDR_PAGES and path["IAccount"] == 5001 and "ICustomer" not in path


# -- records -----------------------------------------------------------------------------------------

API_RECORD = {
    "Rank": 3, "ID": 1234, "CLI": "441632960001", "CLD": "442079460123", "AccountID": "441632960001",
    "Connect_time": "/Date(1790842500000)/", "Disconnect_time": "/Date(1790842687000+0000)/",
    "connect_datetime": "2026-10-01 08:15:00", "ICustomer": 1001, "Charged_Amount": 0.0312,
    "CallId": "abc@host", "IAccount": 5001, "ServiceName": "Voice Calls", "DisconnectCause": 16,
    "CallType": "Outgoing", "CallTime": 187, "Used_Quantity": 187,
}


def test_record_schema():
    record = cdr_record(API_RECORD)
    assert list(record) == list(COLUMNS)
    assert record == {
        "connect_time": "2026-10-01T08:15:00Z", "disconnect_time": "2026-10-01T08:18:07Z",
        "account_id": "441632960001", "cli": "441632960001", "cld": "442079460123", "duration": 187,
        "charged_amount": 0.0312, "disconnect_cause": 16, "failed": False, "call_type": "outgoing",
        "service": "Voice Calls", "call_id": "abc@host", "id": 1234, "i_account": 5001, "customer": 1001,
    }


def test_record_fallbacks_and_raw():
    api = dict(API_RECORD, Connect_time="2026-10-01T08:15:00Z", Disconnect_time="2026-10-01T08:15:00Z",
               CallTime=None, Used_Quantity=None, Charged_Amount=None)
    record = cdr_record(api, raw=True)
    assert record["duration"] == 0 and record["failed"] is True and record["charged_amount"] == 0.0
    assert record["raw"]["Rank"] == 3 and record["raw"]["Connect_time"] == "2026-10-01T08:15:00Z"
    assert cdr_record(dict(API_RECORD, failed=True))["failed"] is True          # PortaAccountCDRS has `failed`
    assert cdr_record(dict(API_RECORD, Connect_time="/Date(-62135596800000)/"))["connect_time"] is None


def test_summary_totals_are_exact():
    summary = Summary()
    summary.add([{"connect_time": "a", "charged_amount": 0.1, "duration": 30}] * 3)
    summary.add([])
    summary.add([{"connect_time": "b", "charged_amount": 0.2, "duration": 45}])
    assert summary.as_dict() == {"records": 4, "total_charged": 0.5, "total_minutes": 2.25,
                                 "first_call": "a", "last_call": "b"}


# -- paging ------------------------------------------------------------------------------------------

# The sandbox serves the pages in-process (tests/unit/sandbox_api.py): the demo seed's CDRs of
# customer 1001 over the last 90 days, in pages of the size a test sets.
RECENT = CdrQuery(datetime.datetime.now(UTC) - datetime.timedelta(days=91),
                  datetime.datetime.now(UTC) + datetime.timedelta(days=1), customer=1001)
NONE_THEN = CdrQuery(utc(2020, 1, 1), utc(2020, 2, 1), customer=1001)


def customer_cdr_ids(sandbox, i_customer=1001):
    """The IDs the walk must give, from the sandbox's own database, in (connect time, ID) order."""
    with sandbox.store.session() as db:
        rows = db.conn.execute("SELECT id FROM cdrs WHERE i_customer = ? ORDER BY connect_time, id", (i_customer,))
        return [row[0] for row in rows]


def offsets(api):
    return [call.path["Offset"] for call in api.calls]


class Misbehaving:
    """The sandbox's real pages, each changed as a misbehaving server would (the sandbox behaves)."""

    def __init__(self, api, change):
        self.api, self.change = api, change

    def call(self, route, path=None, convert=True):
        return self.change(self.api, route, dict(path), convert)


def walk(api, query=RECENT, **kwargs):
    return [record["ID"] for page in iter_pages(api, query, **kwargs) for record in page]


@pytest.mark.parametrize("page_size, query", [(1000, RECENT), (1000, NONE_THEN), (None, RECENT), ("one short", RECENT),
                                              (7, RECENT), (1, RECENT)])
def test_every_record_once_in_order(demo, page_size, query):
    expected = customer_cdr_ids(demo) if query is RECENT else []
    assert len(expected) > 50 or query is NONE_THEN
    size = {None: len(expected), "one short": len(expected) - 1}.get(page_size, page_size)
    demo.set_cdr_page_size(size)
    api = demo.client()
    assert walk(api, query) == expected
    assert len(offsets(api)) == max(1, -(-len(expected) // size))


def reserve_two_from_page_three(api, route, path, convert):
    """From the third page on, the server's offsets moved under us: each page starts two records early."""
    asked = path["Offset"]
    if asked >= 20:
        path["Offset"] = asked - 2
    page = api.call(route, path, convert=convert)
    if page.get("NextOffset"):
        page["NextOffset"] = asked + len(page["lstPortaCustomerAccountCDRS"])
    return page


def test_overlapping_pages_are_deduplicated(demo):
    demo.set_cdr_page_size(10)
    assert walk(Misbehaving(demo.client(), reserve_two_from_page_three)) == customer_cdr_ids(demo)


def without_next_offset(api, route, path, convert):
    page = api.call(route, path, convert=convert)
    del page["NextOffset"]
    return page


def test_missing_next_offset_follows_total(demo):
    demo.set_cdr_page_size(10)
    assert walk(Misbehaving(demo.client(), without_next_offset)) == customer_cdr_ids(demo)


def total_fifteen_too_high(api, route, path, convert):
    page = api.call(route, path, convert=convert)
    page["TotalCalls"] += 15
    return page


def test_short_walk_is_an_error(demo):
    demo.set_cdr_page_size(10)
    found = len(customer_cdr_ids(demo))
    with pytest.raises(IncompleteCdrsError) as caught:
        walk(Misbehaving(demo.client(), total_fifteen_too_high))
    assert "%d of %d" % (found, found + 15) in str(caught.value)


def test_paging_that_does_not_advance_is_an_error(demo):
    def stuck(api, route, path, convert):
        page = api.call(route, path, convert=convert)
        page["NextOffset"] = 10 if page["NextOffset"] else 0
        return page

    demo.set_cdr_page_size(10)
    with pytest.raises(IncompleteCdrsError, match="did not advance"):
        walk(Misbehaving(demo.client(), stuck))


def test_pages_are_fetched_lazily(demo):
    demo.set_cdr_page_size(10)
    api = demo.client()
    pages = iter_pages(api, RECENT)
    next(pages)
    assert offsets(api) == [0]


def test_unknown_customer_and_account_name_the_option(demo):
    with pytest.raises(CdrInputError) as caught:
        walk(demo.client(), CdrQuery(RECENT.start, RECENT.end, customer=4242))
    assert caught.value.option == "customer" and "4242" in str(caught.value)
    with pytest.raises(CdrInputError) as caught:
        walk(demo.client(), CdrQuery(RECENT.start, RECENT.end, i_account=5, account="4416"))
    assert caught.value.option == "account" and "4416" in str(caught.value)


# -- export files ------------------------------------------------------------------------------------

RECORDS = [cdr_record(dict(API_RECORD, ID=n, CLI="a,b \"q\"")) for n in (1, 2)]


@pytest.mark.parametrize("fmt, compress", [("csv", False), ("csv", True), ("jsonl", False), ("jsonl", True)])
def test_export_formats(tmp_path, fmt, compress):
    dest = str(tmp_path / "out")
    with ExportFile(dest, fmt, compress) as out:
        out.write(RECORDS[:1])
        out.write(RECORDS[1:])
        out.commit()
    with open(dest, "rb") as handle:
        data = handle.read()
    assert out.sha256 == cdr_export.file_sha256(dest) and out.size == len(data)
    text = (gzip.decompress(data) if compress else data).decode("utf-8")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == list(COLUMNS)
        assert rows[1] == ["2026-10-01T08:15:00Z", "2026-10-01T08:18:07Z", "441632960001", 'a,b "q"', "442079460123",
                           "187", "0.0312", "16", "false", "outgoing", "Voice Calls", "abc@host", "1", "5001", "1001"]
        assert len(rows) == 3
    else:
        assert [json.loads(line) for line in text.splitlines()] == RECORDS
    assert os.listdir(str(tmp_path)) == ["out"]           # no temporary file left


def test_failed_export_leaves_dest_as_it_was(tmp_path):
    dest = tmp_path / "out.csv"
    dest.write_text("the previous export\n")
    with pytest.raises(RuntimeError):
        with ExportFile(str(dest)) as out:
            out.write(RECORDS)
            raise RuntimeError("the server went away")
    assert dest.read_text() == "the previous export\n"
    assert sorted(os.listdir(str(tmp_path))) == ["out.csv"]


def test_export_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    dest = tmp_path / "out.csv"
    dest.write_text("old")
    os.chmod(str(dest), 0o640)
    with ExportFile(str(dest)) as out:
        out.commit()
    assert os.stat(str(dest)).st_mode & 0o777 == 0o640


def test_stale_parts_of_dead_processes_are_removed(tmp_path):
    dest = str(tmp_path / "out.csv")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    stale, live, other = cdr_export.temp_path(dest, int(dead)), cdr_export.temp_path(dest, os.getppid()), str(tmp_path / ".x.1.part")
    for path in (stale, live, other):
        open(path, "w").close()
    assert cdr_export.remove_stale_parts(dest) == [stale]
    assert sorted(os.listdir(str(tmp_path))) == sorted(os.path.basename(p) for p in (live, other))


def test_the_part_of_a_killed_export_left_as_a_zombie_is_stale(tmp_path):
    dest = str(tmp_path / "out.csv")
    child = subprocess.Popen([sys.executable, "-c", "pass"])       # exits, and stays a zombie until waited for
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open("/proc/%d/stat" % child.pid) as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            time.sleep(0.01)
        part = cdr_export.temp_path(dest, child.pid)
        open(part, "w").close()
        assert cdr_export.remove_stale_parts(dest) == [part]
    finally:
        child.wait()


def test_manifest_decides_idempotency(tmp_path):
    dest = str(tmp_path / "out.csv")
    export = {"customer": 1001, "from": "2026-03-01T00:00:00Z"}
    assert cdr_export.up_to_date(dest, export) is None
    with ExportFile(dest) as out:
        out.write(RECORDS)
        out.commit()
    cdr_export.write_manifest(dest, {"export": export, "sha256": out.sha256, "size": out.size, "summary": {"records": 2}})
    assert cdr_export.up_to_date(dest, export)["summary"] == {"records": 2}
    assert cdr_export.up_to_date(dest, dict(export, customer=1002)) is None      # another query
    with open(dest, "a") as handle:
        handle.write("edited\n")
    assert cdr_export.up_to_date(dest, export) is None                            # the file changed
    os.remove(dest)
    assert cdr_export.up_to_date(dest, export) is None


@pytest.mark.parametrize("dest, words", [("", "must not be empty"), ("/nonexistent-dir/x.csv", "does not exist")])
def test_bad_dest(dest, words):
    with pytest.raises(CdrInputError) as caught:
        cdr_export.check_dest(dest)
    assert caught.value.option == "dest" and words in str(caught.value)


def test_dest_with_a_nul_is_refused_naming_dest(tmp_path):
    # os.access and open() would say only "embedded null byte", after the first request
    with pytest.raises(InputError) as caught:
        cdr_export.check_dest(str(tmp_path / "out\u0000.csv"))
    assert caught.value.option == "dest" and "NUL" in str(caught.value)


def test_dest_directory_is_refused(tmp_path):
    with pytest.raises(CdrInputError, match="not a directory"):
        cdr_export.check_dest(str(tmp_path))


@pytest.mark.parametrize("page_size, query", [(10, NONE_THEN), (1000, RECENT), (10, RECENT), ("exact", RECENT)])
def test_prefetching_walk_gives_the_same_records(demo, page_size, query):
    expected = customer_cdr_ids(demo) if query is RECENT else []
    demo.set_cdr_page_size(len(expected) if page_size == "exact" else page_size)
    api = demo.client()
    assert walk(api, query, prefetch=True) == expected
    assert offsets(api) == sorted(set(offsets(api)))                # each page requested once, in order


def test_prefetching_walk_stops_when_abandoned(demo):
    demo.set_cdr_page_size(10)
    api = demo.client()
    pages = iter_pages(api, RECENT, prefetch=True)
    next(pages)
    pages.close()
    assert offsets(api) == [0, 10]                                   # the page fetched ahead, nothing more


def test_prefetch_errors_reach_the_caller(demo):
    demo.set_cdr_page_size(10)
    with pytest.raises(IncompleteCdrsError):
        walk(Misbehaving(demo.client(), total_fifteen_too_high), prefetch=True)


# -- spreadsheet formulas (CSV injection) ------------------------------------------------------------

@pytest.mark.parametrize("text,formula", [
    ('=HYPERLINK("http://example.invalid","x")', True), ("@SUM(A1)", True), ("\tx", True), ("\r=1", True),
    ("+1+cmd", True), ("-2+3", True), ("-", True), ("+", True), ("+441632960001", False), ("-0.5", False),
    ("+12", False), ("1e5", False), ("441632960001", False), ("Alice", False), ("", False), ("a=b", False)])
def test_which_cells_a_spreadsheet_would_evaluate(text, formula):
    assert cdr_export.is_formula(text) is formula
    written = cdr_export.neutralise(text)
    assert written == ("'" + text if formula else text)
    assert cdr_export.restore(written) == text


def export_rows(tmp_path, csv_formulas):
    dest = str(tmp_path / ("%s.csv" % csv_formulas))
    record = dict((column, None) for column in COLUMNS)
    record.update(cli='=HYPERLINK("http://example.invalid","x")', cld="+441632960001", account_id="-1+1",
                  charged_amount=-0.5, duration=60, failed=False)
    with ExportFile(dest, "csv", csv_formulas=csv_formulas) as out:
        out.write([record])
        out.commit()
    with open(dest, newline="") as handle:
        return list(csv.DictReader(handle))[0]


def test_export_neutralises_formula_cells_by_default_and_raw_writes_them_as_they_are(tmp_path):
    row = export_rows(tmp_path, "neutralise")
    assert row["cli"] == '\'=HYPERLINK("http://example.invalid","x")' and row["account_id"] == "'-1+1"
    assert row["cld"] == "+441632960001" and row["charged_amount"] == "-0.5"
    raw = export_rows(tmp_path, "raw")
    assert raw["cli"] == '=HYPERLINK("http://example.invalid","x")' and raw["account_id"] == "-1+1"


def test_previous_period_is_the_same_length_just_before():
    start, end = resolve_range("2026-10", "2026-10")
    assert cdr_export.previous_range(start, end) == (utc(2026, 8, 31), utc(2026, 10, 1))
