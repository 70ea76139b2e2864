"""playbooks/cdr_report.yml: cdr_export's CSV and the HTML beside it, whose figures match it."""
import os
import re

from tests.cdr_report_check import assert_report_matches_csv
from tests.integration.conftest import writes
from tests.integration.playbooks import run_playbook


def report(sandbox, tmp_path, *args):
    # a relative report directory is relative to where ansible-playbook runs (here tmp_path)
    return run_playbook(sandbox.url, "cdr_report.yml", "-e", "customer=1001", "-e", "customer_name='Acme Ltd'",
                        "-e", "report_dir=reports", *args, cwd=str(tmp_path), tmp_path=tmp_path)


def test_last_months_report_matches_its_csv_and_a_rerun_changes_nothing(sandbox, tmp_path):
    first = report(sandbox, tmp_path)
    assert first.rc == 0, first.output
    html_path = re.search(r'"Report: (\S+\.html)"', first.stdout).group(1)
    csv_path = re.search(r'"CSV:\s+(\S+\.csv)"', first.stdout).group(1)
    assert os.path.dirname(html_path) == str(tmp_path / "reports") == os.path.dirname(csv_path)
    assert re.match(r"acme-ltd-\d{4}-\d{2}\.html$", os.path.basename(html_path))
    with open(html_path, encoding="utf-8") as handle:
        page = assert_report_matches_csv(handle.read(), csv_path)
    assert int(page.totals["calls"]) > 0          # the demo data has calls in every month of the last 90 days
    assert writes(sandbox) == []
    second = report(sandbox, tmp_path)
    assert second.rc == 0, second.output
    assert second.recap["localhost"]["changed"] == 0, second.stdout


def test_a_chosen_period_and_an_empty_one(sandbox, tmp_path):
    run = report(sandbox, tmp_path, "-e", "from=2001-01-01", "-e", "to=2001-01-31")
    assert run.rc == 0, run.output
    html_path = re.search(r'"Report: (\S+\.html)"', run.stdout).group(1)
    assert html_path.endswith("acme-ltd-2001-01-01-to-2001-01-31.html")
    with open(html_path, encoding="utf-8") as handle:
        html = handle.read()
    assert_report_matches_csv(html, html_path[:-5] + ".csv")
    assert "No calls in this period." in html
