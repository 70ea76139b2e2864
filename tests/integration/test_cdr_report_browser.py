"""The CDR report in a real browser (headless Chromium, network off) at 1280 px and 375 px, with a
hostile caller ID and a hostile account name put into the sandbox: the CSV cell is neutralised, the
page shows the text, runs nothing, loads nothing, and has the numbers of every chart in a table."""
import csv
import datetime
import os
import time

from tests.browser import Browser
from tests.cdr_report_check import CHART_IDS, MARKS_PER_ROW, assert_report_matches_csv, write_sample_csv
from tests.collection_path import REPO

OUTPUT = os.path.join(REPO, "tests", "output")
HOSTILE_CLI = '=HYPERLINK("http://example.invalid","x")'
HOSTILE_NAME = "<img src=x onerror=alert(1)>"

MEASURE = """
(function () {
  var figures = Array.from(document.querySelectorAll('figure.chart')).map(function (figure) {
    var svg = figure.querySelector('svg'), box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    var marks = figure.querySelectorAll('svg rect').length;
    var table = figure.querySelector('table');
    return {id: figure.id, width: box.width, height: box.height, marks: marks,
            rows: table ? table.querySelectorAll('tbody tr').length : 0,
            cells: table ? table.querySelectorAll('tbody td').length : 0};
  });
  return {figures: figures, scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth, bodyWidth: document.body.scrollWidth,
          images: document.images.length, scripts: document.scripts.length,
          accountNames: Array.from(document.querySelectorAll('#table-accounts td:nth-child(2)')).map(
              function (td) { return td.textContent; })};
})()
"""


def open_at(browser, url, width):
    browser.open(url, width=width)
    return browser.evaluate(MEASURE)


def dialogs(browser):
    return [event for event in browser.events if event.get("method") == "Page.javascriptDialogOpening"]


def check_in_browser(html_path, name):
    os.makedirs(OUTPUT, exist_ok=True)
    measured = {}
    with Browser() as browser:
        for width in (1280, 375):
            measured[width] = open_at(browser, "file://" + html_path, width)
            browser.screenshot(os.path.join(OUTPUT, "%s-%d.png" % (name, width)))
            assert dialogs(browser) == [], "the page opened a dialog"
            assert browser.problems() == []
            assert browser.requested_urls() == ["file://" + html_path], "the report must load nothing else"
        browser.pdf(os.path.join(OUTPUT, "%s.pdf" % name))
    for width, page in measured.items():
        assert page["scripts"] == 0 and page["images"] == 0
        assert sorted(figure["id"] for figure in page["figures"]) == sorted(CHART_IDS)
        for figure in page["figures"]:
            assert figure["rows"] > 0 or figure["marks"] == 0, figure      # every chart has its numbers in a table
            if figure["marks"]:
                assert figure["marks"] == figure["rows"] * MARKS_PER_ROW.get(figure["id"], 1), figure
                assert figure["width"] > 200 and figure["height"] > 40, (width, figure)
    phone = measured[375]
    assert phone["scrollWidth"] <= phone["clientWidth"] and phone["bodyWidth"] <= phone["clientWidth"], phone
    for width in (1280, 375):
        with open(os.path.join(OUTPUT, "%s-%d.png" % (name, width)), "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    return measured


def test_sample_report_and_a_hostile_caller_id_and_account_name_in_chromium_at_desktop_and_phone_width(
        play, sandbox, tmp_path):
    # One play (one ansible-playbook start) renders both pages: a sample CSV of 400 records, and the
    # sandbox's own report of a customer with a hostile caller ID and a hostile account name.
    csv_path = tmp_path / "acme-2026-10.csv"
    write_sample_csv(csv_path, records=400)
    now = int(time.time())
    sandbox.admin("POST", "cdrs", {"i_account": 5001, "remote": HOSTILE_CLI, "outgoing": False,
                                   "connect_time": now - 7200, "duration": 42, "disconnect_cause": 16})
    today = datetime.datetime.fromtimestamp(now - 7200, datetime.timezone.utc).date()
    result = play("""
        - name: Render
          portaplus.softswitch.cdr_report:
            src: %s
            dest: %s
            title: "Acme Ltd: calls of 2026-10"
            timezone: UTC+2
        - name: A hostile name on an account
          portaplus.softswitch.account:
            customer: 1001
            account_id: "441632960001"
            first_name: "%s"
            last_name: ""
        - name: Report
          ansible.builtin.include_role:
            name: portaplus.softswitch.cdr_report
          vars:
            cdr_report_customer: 1001
            cdr_report_name: Acme Ltd
            cdr_report_from: "%s"
            cdr_report_to: "%s"
            cdr_report_basename: hostile
            cdr_report_dir: %s
    """ % (csv_path, tmp_path / "report.html", HOSTILE_NAME, today - datetime.timedelta(days=1), today, tmp_path))
    assert result.rc == 0, result.output
    html_path = result.task("Render")["dest"]
    with open(html_path, encoding="utf-8") as handle:
        assert_report_matches_csv(handle.read(), csv_path, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    check_in_browser(html_path, "cdr_report")

    with open(tmp_path / "hostile.csv", newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if "HYPERLINK" in row["cli"]]
    assert [row["cli"] for row in rows] == ["'" + HOSTILE_CLI]               # a spreadsheet shows it as text
    html = (tmp_path / "hostile.html").read_text(encoding="utf-8")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    measured = check_in_browser(str(tmp_path / "hostile.html"), "cdr_report_hostile")
    assert HOSTILE_NAME in measured[1280]["accountNames"]                    # shown as text, not run
