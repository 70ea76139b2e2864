"""The CDR report in a real browser: headless Chromium with the network switched off."""
import os

from tests.browser import Browser
from tests.cdr_report_check import CHART_IDS, assert_report_matches_csv, write_sample_csv
from tests.collection_path import REPO

OUTPUT = os.path.join(REPO, "tests", "output")

MEASURE_CHARTS = """
Array.from(document.querySelectorAll('figure.chart')).map(function (figure) {
  var svg = figure.querySelector('svg'), box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  var marks = svg ? Array.from(svg.querySelectorAll('rect')).filter(function (rect) {
    var r = rect.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length : 0;
  return {id: figure.id, width: box.width, height: box.height, marks: marks};
})
"""


def render_in_playbook(play, tmp_path, csv_path):
    result = play("""
        - name: Render
          portaplus.softswitch.cdr_report:
            src: %s
            dest: %s
            title: "Acme Ltd: calls of 2026-10"
            period: "2026-10"
            currency: GBP
    """ % (csv_path, tmp_path / "report.html"))
    assert result.rc == 0, result.output
    return result.task("Render")


def test_report_renders_in_chromium_offline_with_every_chart(play, tmp_path):
    csv_path = tmp_path / "acme-2026-10.csv"
    write_sample_csv(csv_path, records=400)
    rendered = render_in_playbook(play, tmp_path, csv_path)
    html_path = rendered["dest"]
    with open(html_path, encoding="utf-8") as handle:
        assert_report_matches_csv(handle.read(), csv_path)
    os.makedirs(OUTPUT, exist_ok=True)
    with Browser() as browser:
        browser.open("file://" + html_path)
        charts = browser.evaluate(MEASURE_CHARTS)
        title = browser.evaluate("document.title")
        calls = browser.evaluate("document.querySelector('[data-metric=calls]').textContent")
        browser.screenshot(os.path.join(OUTPUT, "cdr_report.png"))
        browser.pdf(os.path.join(OUTPUT, "cdr_report.pdf"))
        problems, urls = browser.problems(), browser.requested_urls()
    assert problems == []
    assert urls == ["file://" + html_path], "the report must load nothing else: %s" % urls
    assert title == "Acme Ltd: calls of 2026-10" and calls == "400"
    assert sorted(chart["id"] for chart in charts) == sorted(CHART_IDS)
    for chart in charts:
        assert chart["width"] > 200 and chart["height"] > 100 and chart["marks"] > 0, chart
    with open(os.path.join(OUTPUT, "cdr_report.png"), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(os.path.join(OUTPUT, "cdr_report.pdf"), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_second_render_of_the_same_csv_changes_nothing(play, tmp_path):
    csv_path = tmp_path / "calls.csv"
    write_sample_csv(csv_path, records=50)
    assert render_in_playbook(play, tmp_path, csv_path)["changed"] is True
    assert render_in_playbook(play, tmp_path, csv_path)["changed"] is False
