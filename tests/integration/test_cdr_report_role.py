"""The cdr_report role and playbook against the sandbox: the CSVs it exports and the HTML beside them,
whose figures are recomputed from the CSV; the time zones cdr_export takes; force; the reseller
overview; and the cdr_stats lookup in a playbook assert."""
import datetime
import json
import os
import re
from zoneinfo import ZoneInfo

from tests.cdr_report_check import assert_report_matches_csv, parse_report
from tests.integration.conftest import writes
from tests.integration.playbooks import run_playbook

UTC = datetime.timezone.utc


def report(sandbox, tmp_path, *args):
    # a relative report directory is relative to where ansible-playbook runs (here tmp_path)
    return run_playbook(sandbox.url, "cdr_report.yml", "-e", "customer=1001", "-e", "customer_name='Acme Ltd'",
                        "-e", "report_dir=reports", *args, cwd=str(tmp_path), tmp_path=tmp_path)


def check_page(html_path, tzinfo=UTC):
    """The page against its CSV, over the days of the range its manifest records, with the accounts' names."""
    csv_path = html_path[:-len(".html")] + ".csv"
    with open(csv_path + ".manifest.json") as handle:
        manifest = json.load(handle)
    start, end = (datetime.datetime.strptime(manifest["export"][key], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
                  for key in ("from", "to"))
    days = (start.astimezone(tzinfo).date(), (end - datetime.timedelta(seconds=1)).astimezone(tzinfo).date())
    with open(html_path, encoding="utf-8") as handle:
        html = handle.read()
    page = assert_report_matches_csv(html, csv_path, tzinfo=tzinfo, days=days,
                                     accounts=manifest["context"]["accounts"])
    return page, html, manifest


def test_last_months_report_matches_its_csv_a_rerun_changes_nothing_and_force_redoes_it(sandbox, tmp_path):
    first = report(sandbox, tmp_path)
    assert first.rc == 0, first.output
    html_path = re.search(r'"Report: (\S+\.html)"', first.stdout).group(1)
    csv_path = re.search(r'"CSV:\s+(\S+\.csv)"', first.stdout).group(1)
    assert os.path.dirname(html_path) == str(tmp_path / "reports") == os.path.dirname(csv_path)
    assert re.match(r"acme-ltd-\d{4}-\d{2}\.html$", os.path.basename(html_path))
    assert os.path.exists(csv_path[:-4] + ".previous.csv")
    page, html, manifest = check_page(html_path)
    assert int(page.totals["calls"]) > 0          # the demo data has calls in every month of the last 90 days
    assert manifest["context"]["currency"] == "GBP" and "Amounts in GBP." in html
    assert manifest["context"]["accounts"]["441632960001"] == "Alice Archer"
    assert ["441632960001", "Alice Archer"] in [row[:2] for row in page.tables["table-accounts"]]
    assert "vs previous" in html
    assert writes(sandbox) == []
    second = report(sandbox, tmp_path)
    assert second.rc == 0, second.output
    assert second.recap["localhost"]["changed"] == 0, second.stdout
    forced = report(sandbox, tmp_path, "-e", "force=true")
    assert forced.rc == 0, forced.output
    assert forced.recap["localhost"]["changed"] >= 3, forced.stdout


def test_a_chosen_period_and_an_empty_one(sandbox, tmp_path):
    run = report(sandbox, tmp_path, "-e", "from=2001-01-01", "-e", "to=2001-01-31")
    assert run.rc == 0, run.output
    html_path = re.search(r'"Report: (\S+\.html)"', run.stdout).group(1)
    assert html_path.endswith("acme-ltd-2001-01-01-to-2001-01-31.html")
    page, html, _manifest = check_page(html_path)
    assert "No calls in this period." in html and len(page.tables["table-per-day"]) == 31


ZONES = {"UTC+2": datetime.timezone(datetime.timedelta(hours=2)), "+2": datetime.timezone(datetime.timedelta(hours=2)),
         "utc": UTC, "Europe/London": ZoneInfo("Europe/London")}


def test_overview_of_every_customer_every_time_zone_cdr_export_takes_and_cdr_stats_in_an_assert(
        play, sandbox, tmp_path):
    run = run_playbook(sandbox.url, "cdr_report.yml", "-e", "overview=true", "-e", "report_dir=reports",
                       cwd=str(tmp_path), tmp_path=tmp_path)
    assert run.rc == 0, run.output
    overview = re.search(r'"Overview: (\S+\.html)"', run.stdout).group(1)
    with open(overview, encoding="utf-8") as handle:
        page = parse_report(handle.read())
    rows = page.tables["table-customers"]
    assert [row[:2] for row in rows] == [["Acme Ltd", "1001"], ["Globex", "1002"]]     # what DEMO-LICENSE sees
    for link in page.links:
        customer_page, _html, _manifest = check_page(os.path.join(os.path.dirname(overview), link))
        assert customer_page.totals["calls"] in [row[2].replace(",", "") for row in rows]
    acme = json.loads(open(os.path.join(os.path.dirname(overview), page.links[0])[:-5] + ".csv.manifest.json").read())
    # One play (one ansible-playbook start): the role in every time zone cdr_export takes, then the cdr_stats
    # lookup, whose figures equal the overview's for the same range, in the asserts a playbook alerts with.
    zones = "".join("""
        - name: Report in %(zone)s
          ansible.builtin.include_role:
            name: portaplus.softswitch.cdr_report
          vars:
            cdr_report_customer: 1001
            cdr_report_name: Acme Ltd
            cdr_report_timezone: "%(zone)s"
            cdr_report_basename: zone-%(index)d
            cdr_report_dir: %(dir)s
    """ % {"zone": zone, "index": index, "dir": tmp_path / "zones"} for index, zone in enumerate(ZONES))
    result = play(zones + """
        - name: Figures of customer 1001
          ansible.builtin.set_fact:
            figures: "{{ lookup('portaplus.softswitch.cdr_stats', customer=1001, from_date='%s', to_date='%s') }}"
        - name: ASR below 40 %% fails
          ansible.builtin.assert:
            that: figures.totals.asr < 40
            fail_msg: "ASR of customer 1001: {{ figures.totals.asr }} %%"
          ignore_errors: true
          register: low
        - name: A customer given as a term is refused, not ignored
          ansible.builtin.set_fact:
            refused: "{{ lookup('portaplus.softswitch.cdr_stats', 1001, from_date='%s', to_date='%s') }}"
          ignore_errors: true
        - name: ASR check as an operator writes it
          ansible.builtin.assert:
            that:
              - figures.totals.asr >= 40
              - figures.by_direction.outgoing.calls + figures.by_direction.incoming.calls == figures.totals.calls
              - figures.by_day | length >= 28
    """ % ((acme["export"]["from"], acme["export"]["to"]) * 2))
    assert result.rc == 0, result.stdout + result.stderr
    figures = result.task("Figures of customer 1001")["ansible_facts"]["figures"]
    assert "customer: give the customer with customer=" in result.task(
        "A customer given as a term is refused, not ignored")["msg"]
    assert "ASR of customer 1001: %s %%" % figures["totals"]["asr"] in result.task("ASR below 40 % fails")["msg"]
    assert str(figures["totals"]["calls"]) == rows[0][2].replace(",", "")
    assert "%s %%" % figures["totals"]["asr"] == rows[0][4]
    for index, (name, tzinfo) in enumerate(ZONES.items()):
        _page, html, _manifest = check_page(str(tmp_path / "zones" / ("zone-%d.html" % index)), tzinfo)
        label = {"UTC+2": "UTC+02:00", "+2": "UTC+02:00", "utc": "UTC"}.get(name, name)
        assert html.count("All times are in %s." % label) == 1, name
    assert "timezone: unknown" not in result.stdout
