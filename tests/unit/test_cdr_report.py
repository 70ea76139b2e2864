"""The CDR report and its metrics: every figure is recomputed independently from the CSV
(tests/cdr_report_check.py), hostile files give clear messages, text from the records is escaped."""
import datetime
import json
import os
from datetime import timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import UTC, CdrInputError, resolve_zone
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.report import (
    TEXT_MAX_LENGTH, CdrReportError, build_stats, check_currency, check_report_options, period_of, read_context,
    render_html, render_overview, report_figures)
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.stats import CdrStats, Destinations, plain
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError
from tests.cdr_report_check import CHART_IDS, COLUMNS, assert_report_matches_csv, parse_report, write_sample_csv

OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


def write_manifest(csv_path, start="2026-10-01T00:00:00Z", end="2026-11-01T00:00:00Z", currency="GBP", accounts=None,
                   neutralised=True):
    manifest = {"export": {"from": start, "to": end, "csv_formulas": "neutralise" if neutralised else "raw"},
                "context": {"customer": 1001, "customer_name": "Acme Ltd", "currency": currency,
                            "accounts": accounts or {}}}
    with open(str(csv_path) + ".manifest.json", "w") as handle:
        json.dump(manifest, handle)


def render(path, zone="UTC", previous_src=None, **params):
    params = dict(src=str(path), timezone=zone, previous_src=previous_src, **params)
    _tz, context, currency, figures, previous = report_figures(params)
    return render_html(figures, "Acme Ltd: calls of 2026-10", period_of(figures), currency=currency, previous=previous,
                       accounts=(context or {}).get("accounts"), top=params.get("top", 10))


@pytest.mark.parametrize("records,seed", [(300, 7), (1, 3), (2000, 11)])
def test_every_figure_matches_the_csv(tmp_path, records, seed):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=records, seed=seed)
    report = assert_report_matches_csv(render(csv_path), csv_path)
    assert set(report.bars) == set(CHART_IDS)


def test_the_month_of_the_manifest_has_every_day_even_empty_ones(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=200, skip_days=(3, 4, 5, 17))
    write_manifest(csv_path)
    report = assert_report_matches_csv(render(csv_path), csv_path, days=OCTOBER)
    days = report.tables["table-per-day"]
    assert len(days) == 31 and days[-1][0] == "2026-10-31"
    assert [row[1] for row in days if row[0] in ("2026-10-03", "2026-10-17")] == ["0", "0"]
    assert len(report.bars["chart-per-day"]) == 3 * 31 and report.bars["chart-per-day"][2] == 0


def test_a_period_without_calls(tmp_path):
    csv_path = tmp_path / "calls.csv"
    csv_path.write_text(",".join(COLUMNS) + "\n")
    write_manifest(csv_path, start="2001-01-01T00:00:00Z", end="2001-02-01T00:00:00Z")
    html = render(csv_path)
    report = assert_report_matches_csv(html, csv_path, days=(datetime.date(2001, 1, 1), datetime.date(2001, 1, 31)))
    assert report.totals["calls"] == "0" and report.totals["asr"] == "" and report.totals["acd"] == ""
    assert len(report.tables["table-per-day"]) == 31
    assert html.count("No calls in this period.") == len(CHART_IDS)


def test_a_period_with_only_failed_calls(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=60, failed_share=1.0)
    report = assert_report_matches_csv(render(csv_path), csv_path)
    assert report.totals["asr"] == "0.0" and report.totals["acd"] == "" and report.totals["minutes"] == "0.0"
    assert {row[1] for row in report.tables["table-causes"]} <= {
        "User busy", "No answer from user (user alerted)", "No circuit/channel available"}
    assert sum(int(row[2]) for row in report.tables["table-causes"]) == 60


def test_metrics_by_direction_country_and_cause_against_hand_counts(tmp_path):
    """A CSV small enough to count by hand: ASR 2/3 outgoing, ACD (60+120)/2 s, two countries, one cause."""
    csv_path = tmp_path / "calls.csv"
    rows = [("2026-10-01T08:00:00Z", "A", "442079460001", 60, "0.10", 16, "false", "outgoing"),
            ("2026-10-01T09:00:00Z", "A", "33123456789", 120, "0.25", 16, "false", "outgoing"),
            ("2026-10-02T10:00:00Z", "B", "12125550100", 0, "0", 17, "true", "outgoing"),
            ("2026-10-02T10:30:00Z", "B", "441632960002", 30, "0", 16, "false", "incoming")]
    csv_path.write_text(",".join(COLUMNS) + "\n" + "".join(
        "%s,%s,%s,x,%s,%s,%s,%s,%s,%s,Voice,c,%d,1,1\n" % (t, t, a, cld, d, amount, cause, failed, kind, n)
        for n, (t, a, cld, d, amount, cause, failed, kind) in enumerate(rows)))
    stats = build_stats(str(csv_path), UTC, None)
    figures = stats.figures()
    out = figures["by_direction"]["outgoing"]
    assert (out["calls"], out["answered"], out["asr"], out["acd"], out["cost"]) == (
        3, 2, Decimal("66.7"), Decimal("1.50"), Decimal("0.35"))
    assert figures["by_direction"]["incoming"]["calls"] == 1
    assert {key: value["calls"] for key, value in figures["by_country"].items()} == {"GB": 1, "FR": 1, "US": 1}
    assert figures["by_country"]["FR"]["name"] == "France"
    assert list(figures["by_cause"]) == [17] and figures["by_cause"][17]["name"] == "User busy"
    assert figures["totals"]["acd"] == Decimal("1.17")        # (60 + 120 + 30) / 3 answered = 70 s
    assert [d["calls"] for d in figures["by_day"]] == [2, 2]
    assert figures["by_weekday_hour"][3][8]["calls"] == 1      # 2026-10-01 is a Thursday
    assert plain(figures)["by_cause"]["17"]["calls"] == 1


def test_without_phonenumbers_destinations_are_prefixes_and_the_page_says_so(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=100)
    stats = build_stats(str(csv_path), UTC, None, destination_digits=3, use_phonenumbers=False)
    figures = stats.figures()
    assert all(key.startswith("+") and len(key) == 4 for key in figures["by_country"])
    html = render_html(figures, "t")
    assert "need the Python package phonenumbers" in html and "dialled prefix" in html


ZONES = [("Europe/London", ZoneInfo("Europe/London")), ("America/New_York", ZoneInfo("America/New_York")),
         ("+05:30", timezone(timedelta(minutes=330))), ("UTC", timezone.utc), ("UTC+2", timezone(timedelta(hours=2))),
         ("+2", timezone(timedelta(hours=2))), ("utc", timezone.utc)]


@pytest.mark.parametrize("name,expected", ZONES)
def test_days_and_hours_follow_the_time_zone(tmp_path, name, expected):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=400)
    html = render(csv_path, zone=name)
    assert_report_matches_csv(html, csv_path, tzinfo=expected)
    label = "UTC" if name.lower() == "utc" else ("UTC+02:00" if name in ("UTC+2", "+2") else None)
    if label:
        assert html.count("All times are in %s." % label) == 1


def test_an_unknown_time_zone_is_refused_like_cdr_export_refuses_it(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=5)
    with pytest.raises(CdrInputError, match="timezone: not a known time zone") as caught:
        render(csv_path, zone="Mars/Olympus")
    with pytest.raises(CdrInputError) as export_refusal:
        resolve_zone("Mars/Olympus")
    assert str(caught.value) == str(export_refusal.value)


def test_previous_period_deltas(tmp_path):
    current, previous = tmp_path / "now.csv", tmp_path / "before.csv"
    write_sample_csv(current, records=200, seed=1)
    write_sample_csv(previous, records=100, seed=2, month="2026-09")
    html = render(current, previous_src=str(previous))
    assert "+100.0 %" in html and "vs previous (100)" in html
    assert "No previous period" in render(current)


def test_text_from_the_records_is_escaped_and_nothing_runs(tmp_path):
    csv_path = tmp_path / "calls.csv"
    row = ["2026-10-01T08:00:00Z", "2026-10-01T08:01:00Z", "441632960001", '=HYPERLINK("http://example.invalid","x")',
           "<script>alert(1)</script>", "60", "0.5", "16", "false", "outgoing", "Voice", "c1", "1", "5001", "1001"]
    csv_path.write_text(",".join(COLUMNS) + "\n" + ",".join('"%s"' % cell.replace('"', '""') for cell in row) + "\n")
    write_manifest(csv_path, accounts={"441632960001": "<img src=x onerror=alert(1)>"})
    html = render(csv_path)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html
    report = parse_report(html)
    assert report.scripts == 0 and report.external == []
    assert report.tables["table-accounts"][0][1] == "<img src=x onerror=alert(1)>"


HOSTILE = [
    ("non-UTF-8", b"\xff\xfe" + b"x" * 10 + b"\n", "line 1 is not UTF-8 text (byte 0xff)"),
    ("huge field", "\n" + "a" * 140000 + "\n", "field larger than field limit"),
    ("NaN", "NaN", "charged_amount 'NaN' is not a finite amount"),
    ("Infinity", "Infinity", "charged_amount 'Infinity' is not a finite amount"),
    ("1e999999", "1e999999", "charged_amount '1e999999' is not a finite amount"),
    ("words", "lots", "charged_amount 'lots' is not a number"),
    ("duration", "-5", "duration '-5' is not between 0"),
]


@pytest.mark.parametrize("case,content,message", HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_csv_gives_a_clear_message_naming_the_file(tmp_path, case, content, message):
    csv_path = tmp_path / "calls.csv"
    header = ",".join(COLUMNS) + "\n"
    if isinstance(content, bytes):
        csv_path.write_bytes(content)
    elif case == "huge field":
        csv_path.write_text(header + content)
    else:
        amount, duration = (content, "60") if case != "duration" else ("0.1", content)
        csv_path.write_text(header + "2026-10-01T08:00:00Z,,a,b,c,%s,%s,16,false,outgoing,,,1,1,1\n" % (duration, amount))
    with pytest.raises(CdrReportError) as caught:
        render(csv_path)
    assert str(caught.value).startswith("src: %s" % csv_path)
    assert message in str(caught.value)


def test_a_directory_as_src_or_dest_is_refused(tmp_path):
    with pytest.raises(CdrReportError, match="src: %s is a directory" % tmp_path):
        render(tmp_path)
    with pytest.raises(CdrInputError, match="dest: must be a file name, not a directory"):
        check_report_options({"src": "/tmp/x.csv", "dest": str(tmp_path), "title": "t", "period": ""})


def test_a_file_that_is_not_a_cdr_export_is_refused(tmp_path):
    csv_path = tmp_path / "x.csv"
    csv_path.write_text("connect_time,account_id,cld,charged_amount,failed\n")
    with pytest.raises(CdrReportError, match="has no column duration"):
        render(csv_path)


def test_currency_comes_from_the_export_and_a_mismatch_is_refused(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=10)
    with pytest.raises(CdrInputError, match="currency: cannot be checked"):
        render(csv_path, currency="EUR")
    assert "Currency not recorded" in render(csv_path)
    write_manifest(csv_path, currency="GBP")
    with pytest.raises(CdrInputError, match="currency: the amounts are in GBP"):
        render(csv_path, currency="EUR")
    html = render(csv_path, currency="gbp")
    assert "Amounts in GBP." in html and "EUR" not in html
    assert check_currency(None, read_context(str(csv_path))) == "GBP"


def test_same_records_give_the_same_page(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=50)
    assert render(csv_path) == render(csv_path)


def test_stats_from_lookup_records_equal_stats_from_the_csv(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=300)
    from tests.cdr_report_check import read_rows
    stats = CdrStats(UTC, destinations=Destinations())
    for row in read_rows(csv_path):
        stats.add_record({"connect_time": row["connect_time"], "account_id": row["account_id"], "cld": row["cld"],
                          "duration": int(row["duration"]), "charged_amount": float(row["charged_amount"]),
                          "failed": row["failed"] == "true", "disconnect_cause": int(row["disconnect_cause"]),
                          "call_type": row["call_type"]})
    assert stats.figures() == build_stats(str(csv_path), UTC, None).figures()


def test_overview_links_each_customer_and_escapes_names(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=30)
    figures = build_stats(str(csv_path), UTC, None).figures()
    html = render_overview("All customers", [
        {"customer": 1001, "name": "Acme <b>", "report": "acme ltd.html", "figures": figures, "currency": "GBP"}])
    report = parse_report(html)
    assert report.links == ["acme ltd.html"] and "Acme &lt;b&gt;" in html
    assert report.tables["table-customers"][0][:3] == ["Acme <b>", "1001", "30"]


GOOD_OPTIONS = {"src": "/tmp/cdrs.csv", "dest": "/tmp/report.html", "title": u"Calls of Zo\u00eb's shop", "period": "",
                "currency": "GBP"}


@pytest.mark.parametrize("option, value", [
    ("src", "/tmp/cdrs\u0000.csv"), ("dest", "/tmp/report\u0000.html"), ("title", "Call\u0000report"),
    ("title", "x" * (TEXT_MAX_LENGTH + 1)), ("period", "Oct\u001b[31m"), ("currency", "GBP\n")])
def test_paths_and_texts_are_checked_naming_the_option(option, value):
    with pytest.raises(InputError) as caught:
        check_report_options(dict(GOOD_OPTIONS, **{option: value}))
    assert caught.value.option == option


def test_good_paths_and_texts_pass():
    check_report_options(GOOD_OPTIONS)


def test_the_benchmark_runs_and_checks_its_totals_against_the_plain_script(tmp_path):
    """benchmarks/cdr_report.py at a tiny size: it runs, the totals agree, and it writes its section."""
    import subprocess
    import sys
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run([sys.executable, os.path.join(repo, "benchmarks", "cdr_report.py")], capture_output=True,
                          text=True, timeout=300, check=False,
                          env=dict(os.environ, BENCH_CDR_REPORT_SIZES="300,600", BENCH_RESULTS=str(tmp_path)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    section = (tmp_path / "cdr_report.md").read_text()
    assert "| 600 |" in section and "baseline / report" in section
