"""The toll-fraud guard (extensions/eda/rulebooks/fraud_guard.yml) run by the real ansible-rulebook
(Java's Drools engine included) against a sandbox with live traffic: calls to a premium range get
their account blocked within the interval and 5 seconds, with one audit line; domestic calls do
not; the License shows nowhere."""
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from portaplus_sandbox.testing import SandboxServer
from tests.ansible_cli import playbook_env
from tests.integration.conftest import DEMO_LICENSE
from tests.integration.eda_helpers import FraudGuard, incident_received_at

INTERVAL = 1                                        # the shortest the source takes: the test's wait is 3 of them
BLOCK_WITHIN_S = INTERVAL + 5                       # the issue's bound, from the calls' POST to the block
FRAUDSTER, FRAUDSTER_I = "441632960002", 5002       # customer 1001
DOMESTIC, DOMESTIC_I = "441632960101", 5004         # customer 1002
WAIT_S = 120                                        # for the block and the audit line before failing (no bound)

# The bound is the issue's, for a guard with a machine to itself: each block starts an ansible-playbook
# (about 1.4 s of CPU), which under make test's three workers on two cores can wait its turn for seconds.
# make test runs the tests marked `alone` (the ones that use that run) after the others, one at a time.
ALONE = pytest.mark.alone


@pytest.fixture(scope="module")
def guard_run(tmp_path_factory):
    """One guard run shared by the tests: ansible-rulebook (and Java) started and polling before
    anything is timed; then 2 domestic calls of one account and 6 premium calls of another."""
    folder = tmp_path_factory.mktemp("guard")
    with SandboxServer(extra_args=["--traffic", "6", "--call-duration-s", "20-60", "--random-seed", "11"]) as server:
        with FraudGuard(server, folder, INTERVAL) as guard:
            posted = [server.start_call(DOMESTIC, "441619460200", duration_s=120) for _call in range(2)]
            posted_at = time.time()
            fraud = [server.start_call(FRAUDSTER, "882160000%02d" % n, duration_s=120) for n in range(6)]
            block = guard.wait_for(guard.committed_updates, WAIT_S, "the block")[0]
            guard.wait_for(lambda: os.path.exists(guard.audit_file), WAIT_S, "the audit line")
            # let the guard see a few more polls of the same incident (it must not act again)
            time.sleep(3 * INTERVAL + 2)
            with open(guard.audit_file) as audit:
                result = {"posted_at": posted_at, "blocked_at": block["at"],
                          "domestic_blocked": blocked(server, DOMESTIC_I),
                          "fraudster_blocked": blocked(server, FRAUDSTER_I),
                          "fraud_ids": [c["call_id"] for c in fraud], "domestic_ids": [c["call_id"] for c in posted],
                          "requests": server.requests(), "audit": audit.read(),
                          "audit_mode": os.stat(guard.audit_file).st_mode & 0o777}
        result["output"] = guard.output()
    return result


def blocked(server, i_account):
    with urllib.request.urlopen("%s/GetAccountByIAccount/%s/%d" % (server.url, DEMO_LICENSE, i_account),
                                timeout=10) as reply:
        return json.loads(reply.read())["Accounts"][0]["Blocked"]


@ALONE
def test_premium_calls_get_the_account_blocked_within_the_interval_plus_5_s(guard_run):
    """The issue's bound, the one timing assertion of the suite: from the POST of the premium calls
    to the sandbox's write of the block (by the sandbox's own log). The rulebook, Java and the
    source were running before the calls; what is timed is a poll, the rule, and ansible-playbook."""
    assert guard_run["fraudster_blocked"] is True
    took = guard_run["blocked_at"] - guard_run["posted_at"]
    detected = incident_received_at(guard_run["output"], FRAUDSTER)
    timeline = "blocked %.1f s after the calls (the rule's event came after %s s)" % (
        took, "%.1f" % (detected - guard_run["posted_at"]) if detected else "?")
    print(timeline)                         # shown by pytest -rP: the figure docs/events.md quotes
    assert took <= BLOCK_WITHIN_S, timeline


@ALONE
def test_domestic_calls_do_not_block(guard_run):
    assert guard_run["domestic_blocked"] is False


@ALONE
def test_one_audit_line_says_who_when_why_and_which_calls(guard_run):
    lines = [json.loads(line) for line in guard_run["audit"].splitlines() if line.strip()]
    assert len(lines) == 1, guard_run["audit"]
    [line] = lines
    assert line["account_id"] == FRAUDSTER and line["customer"] == 1001 and line["action"] == "blocked"
    assert "fraud" in line["who"] and line["when"].endswith("Z")
    assert line["why"]["premium_calls"] >= 1 and line["why"]["max_international_calls"] == 3
    premium = [call["call_id"] for call in line["calls"] if call["premium"]]
    assert premium and set(premium) <= set(guard_run["fraud_ids"])
    assert all(call["cld"].startswith("882") for call in line["calls"] if call["premium"])
    assert guard_run["audit_mode"] == 0o600


@ALONE
def test_the_account_is_blocked_once_for_one_incident(guard_run):
    updates = [r for r in guard_run["requests"] if r["route"] == "/UpdateAccount" and r["committed"]]
    assert len(updates) == 1


@ALONE
def test_the_license_is_in_no_event_log_line_or_audit_line(guard_run):
    assert "call_started" in guard_run["output"] and "concurrent_calls" in guard_run["output"]
    assert DEMO_LICENSE not in guard_run["output"]
    assert DEMO_LICENSE not in guard_run["audit"]


def test_the_asr_summary_is_written_only_below_the_threshold(sandbox, tmp_path):
    """The ASR watch's playbook, run as its rulebook would with a failed call's CDR event."""
    for _call in range(2):                  # ended in the second they started: failed (0 s) calls
        sandbox.end_call(sandbox.start_call("441632960001", "442071234567", duration_s=60)["call_id"])
    answered = sandbox.start_call("441632960001", "33123456789", duration_s=1)
    deadline = time.monotonic() + 15
    while not [c for c in sandbox.call_log()["calls"] if c["call_id"] == answered["call_id"] and c["cdr_id"]]:
        assert time.monotonic() < deadline, "the answered call got no CDR within 15 s"
        time.sleep(0.2)
    summary = tmp_path / "asr.jsonl"
    event = {"ansible_eda": {"event": {"type": "cdr", "cdr": {"customer": 1001, "failed": True}}},
             "summary_file": str(summary)}

    def run(min_asr):
        extra = dict(event, min_asr=min_asr)
        return subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
                               "portaplus.softswitch.asr_summary", "-e", json.dumps(extra)],
                              env=playbook_env(sandbox.url), capture_output=True, text=True, timeout=300, check=False)
    above = run(1.01)                       # an ASR is never above 1: a summary
    assert above.returncode == 0, above.stdout + above.stderr
    [line] = [json.loads(text) for text in summary.read_text().splitlines()]
    assert line["customer"] == 1001 and line["calls"] >= 3 and line["min_asr"] == 1.01
    assert line["answered"] < line["calls"] and line["asr"] == round(line["answered"] / line["calls"], 3)
    below = run(0)                          # nothing is below 0: no new line
    assert below.returncode == 0, below.stdout + below.stderr
    assert len(summary.read_text().splitlines()) == 1
    assert DEMO_LICENSE not in above.stdout + below.stdout + summary.read_text()
