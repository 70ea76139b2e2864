"""The CDR report renderer: every figure in the HTML is recomputed from the CSV."""
import pytest

from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.report import (
    TEXT_MAX_LENGTH, CdrReportError, check_report_options, read_csv, render_html, summarize, zone)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError
from tests.cdr_report_check import CHART_IDS, COLUMNS, assert_report_matches_csv, parse_report, write_sample_csv


def render(path, tzinfo=None, **options):
    with open(path, encoding="utf-8") as handle:
        records = read_csv(handle.read(), tzinfo=tzinfo)
    return render_html(summarize(records, **options), "Acme Ltd: calls of 2026-10", "2026-10", currency="GBP")


@pytest.mark.parametrize("records,seed", [(300, 7), (1, 3), (2000, 11)])
def test_every_figure_matches_the_csv(tmp_path, records, seed):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=records, seed=seed)
    report = assert_report_matches_csv(render(csv_path), csv_path)
    assert set(CHART_IDS) <= set(report.bars)


def test_top_lists_are_cut_at_top(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=500)
    report = assert_report_matches_csv(render(csv_path, top=3, destination_digits=2), csv_path, top=3, digits=2)
    assert len(report.tables["table-top-accounts-minutes"]) == 3
    assert len(report.bars["chart-top-accounts-cost"]) == 3


def test_no_calls_gives_a_page_that_says_so(tmp_path):
    csv_path = tmp_path / "calls.csv"
    csv_path.write_text(",".join(COLUMNS) + "\n")
    html = render(csv_path)
    report = assert_report_matches_csv(html, csv_path)
    assert report.totals["calls"] == "0" and report.totals["failed_share"] == "0.0"
    assert html.count("No calls in this period.") == len(CHART_IDS)


def test_text_from_the_csv_is_escaped(tmp_path):
    csv_path = tmp_path / "calls.csv"
    row = ["2026-10-01T08:00:00Z", "2026-10-01T08:01:00Z", "<script>alert(1)</script>", "1", "4420&<", "60",
           "0.5", "16", "false", "outgoing", "Voice", "c1", "1", "5001", "1001"]
    csv_path.write_text(",".join(COLUMNS) + "\n" + ",".join(row) + "\n")
    html = render(csv_path)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert parse_report(html).scripts == 0


def test_a_file_that_is_not_a_cdr_export_is_refused():
    with pytest.raises(CdrReportError, match="no column duration"):
        read_csv("connect_time,account_id,cld,charged_amount,failed\n", source="x.csv")


def test_a_bad_record_names_its_line():
    text = ",".join(COLUMNS) + "\n" + "2026-10-01T08:00:00Z,,a,,1,sixty,0,16,false,,,,1,1,1\n"
    with pytest.raises(CdrReportError, match="x.csv line 2"):
        read_csv(text, source="x.csv")


def test_same_records_give_the_same_page(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=50)
    assert render(csv_path) == render(csv_path)


ZONES = [
    ("Europe/London", ZoneInfo("Europe/London")),
    ("America/New_York", ZoneInfo("America/New_York")),
    ("+05:30", timezone(timedelta(minutes=330))),
    ("UTC", timezone.utc),
]


@pytest.mark.parametrize("name,expected", ZONES)
def test_days_and_hours_follow_the_time_zone(tmp_path, name, expected):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=400)
    tzinfo = zone(name)
    html = render(csv_path, tzinfo=tzinfo)
    assert_report_matches_csv(html, csv_path, tzinfo=expected)


def test_the_utc_hours_differ_from_new_york_hours(tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=400)
    utc = parse_report(render(csv_path)).bars["chart-busiest-hours"]
    new_york = parse_report(render(csv_path, tzinfo=zone("America/New_York"))).bars["chart-busiest-hours"]
    assert utc != new_york and sorted(utc) == sorted(new_york)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(CdrReportError, match="timezone: unknown time zone 'Mars/Olympus'"):
        zone("Mars/Olympus")


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
