"""Retries that converge (issue 13, point 6), against a sandbox started with 20% faults of every kind.

Each seed starts its own sandbox process with ``--fault-rate 0.2 --fault-kinds 500,503,reset,timeout,partial``
on every route. 120 accounts with add-ons and 30 extensions must converge in at most 2 runs of a real
``ansible-playbook``, exactly as configured and with no duplicate; a third run, faults off, must change nothing.
The seeds are fixed, so a failure reproduces; ``--fault-hang-s`` and the module ``timeout`` are small, so a
seed takes seconds. Each seed prints one line: runs needed and faults injected.

The seeds run at once: a run mostly waits out back-offs and hung requests, and each sandbox draws its faults
in the order of its own requests (the modules send them one at a time), as when a seed runs alone.
"""
import json
from concurrent.futures import ThreadPoolExecutor

from portaplus_sandbox.testing import SandboxServer

from tests.ansible_cli import Ansible, play_text
from tests.integration.conftest import PlayResult, writes

SEEDS = (11, 23, 37)
FAULT_KINDS = "500,503,reset,timeout,partial"
MAX_RUNS = 2
CUSTOMER = 1001

ACCOUNTS = [{
    "account_id": "4417100%05d" % n,
    "product": "Hosted PBX Seat" if n % 2 else "Office Line",
    "first_name": "User",
    "last_name": u"N\u00b0 %d" % n,
    "email": "user%d@acme.example" % n,
    "credit_limit": float(10 + n % 3),
    "blocked": n % 10 == 3,
    "addons": ["Call Recording", "Voicemail to Email"] if n % 2 else ["Call Recording"],
} for n in range(120)]
EXTENSIONS = [{
    "number": str(3000 + n),
    "name": "Desk %d" % n,
    "account_id": ACCOUNTS[n]["account_id"] if n < 10 else "",
} for n in range(30)]

TASKS = """
- name: Accounts
  portaplus.softswitch.accounts:
    customer: 1001
    timeout: 2
    retries: 3
    config: "{{ accounts }}"
  ignore_errors: true
- name: Extensions
  portaplus.softswitch.extensions:
    customer: 1001
    timeout: 2
    retries: 3
    config: "{{ extensions }}"
  ignore_errors: true
"""
READS = """
- name: Read accounts
  portaplus.softswitch.accounts:
    customer: 1001
    state: gathered
  ignore_errors: true
- name: Read extensions
  portaplus.softswitch.extensions:
    customer: 1001
    state: gathered
  ignore_errors: true
"""
VARS = "accounts: %s\nextensions: %s\n" % (json.dumps(ACCOUNTS), json.dumps(EXTENSIONS))


def faulty_sandbox(seed):
    """A sandbox of its own for the seed, started with faults on every route."""
    return SandboxServer(seed="demo", extra_args=[
        "--fault-rate", "0.2", "--fault-kinds", FAULT_KINDS, "--fault-hang-s", "0.3", "--random-seed", str(seed)])


def statuses(result):
    return dict((task["task"], task["status"]) for task in result.tasks)


def test_120_accounts_and_30_extensions_converge_in_two_runs_under_20_percent_faults(tmp_path):
    with ThreadPoolExecutor(max_workers=len(SEEDS)) as pool:
        outcomes = [(seed, pool.submit(converge, seed, tmp_path / ("seed%d" % seed))) for seed in SEEDS]
    failures = ["seed %d: %s" % (seed, future.exception()) for seed, future in outcomes if future.exception()]
    assert not failures, "\n\n".join(failures)


def converge(seed, folder):
    with faulty_sandbox(seed) as sandbox:
        check_convergence(sandbox, seed, Ansible(sandbox.url, folder, run_class=PlayResult))


def check_convergence(sandbox, seed, ansible):
    def play(tasks):
        return ansible.playbook(play_text(tasks, VARS), timeout=600)

    runs = 0
    for runs in range(1, MAX_RUNS + 1):
        result = play(TASKS)          # only the two writing tasks: the reads come after
        assert result.rc == 0, result.output          # every task's errors are ignored: a failure shows in its status
        if statuses(result)["Accounts"] != "failed" and statuses(result)["Extensions"] != "failed":
            break
    injected = sandbox.faults()["injected"]
    print("fault convergence: seed %d: %d run(s), %d fault(s) injected" % (seed, runs, injected))
    assert statuses(result)["Accounts"] != "failed", result.task("Accounts")
    assert statuses(result)["Extensions"] != "failed", result.task("Extensions")
    assert injected > 0

    sandbox.set_faults(fault_rate=0.0)
    sandbox.clear_log()
    check = play(TASKS + READS)
    assert statuses(check) == {"Accounts": "ok", "Extensions": "ok", "Read accounts": "ok", "Read extensions": "ok"}
    assert writes(sandbox) == []                       # converged exactly: nothing left to write
    accounts = check.task("Read accounts")["gathered"]
    ids = [account["account_id"] for account in accounts]
    assert len(ids) == len(set(ids)), "an account was created twice"
    by_id = dict((account["account_id"], account) for account in accounts)
    for wanted in ACCOUNTS:
        have = by_id[wanted["account_id"]]
        assert dict((name, have[name]) for name in wanted) == dict(wanted, addons=sorted(wanted["addons"]))
    extensions = dict((item["number"], item) for item in check.task("Read extensions")["gathered"])
    numbers = [item["number"] for item in check.task("Read extensions")["gathered"]]
    assert len(numbers) == len(set(numbers)), "an extension was added twice"
    for wanted in EXTENSIONS:
        assert extensions[wanted["number"]] == wanted
