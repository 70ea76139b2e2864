"""Requests of the customer module on a fresh customer (seed `empty`, customer 1001), from the sandbox's log.

Issue 21's targets: a first run of N accounts, each with an extension and an add-on, sends at most 6 requests,
a no-op re-run at most 3. New account IDs are looked up across the License only in a plan to review (check
mode) or when CreateAccounts refuses one (A35): an ID another customer holds is still refused, naming it.
"""
import json
import os
import shutil
import urllib.request

import pytest
import yaml

from tests.ansible_cli import Ansible, during, play_text
from tests.collection_path import REPO
from tests.integration.conftest import PlayResult
from portaplus_sandbox.testing import SandboxServer

ACCOUNTS = 20
EXAMPLES = os.path.join(REPO, "examples", "customers")
LICENSE_WIDE_LOOKUP = "/GetAccountsByAccountIDs"


@pytest.fixture(scope="module")
def empty_sandbox():
    with SandboxServer(seed="empty") as server:
        yield server


def customer_file(customer, first, count, extension_base):
    accounts, extensions = [], []
    for n in range(first, first + count):
        account_id = "4416329%05d" % n
        accounts.append({"account_id": account_id, "product": 2, "first_name": "Bench", "last_name": "User %d" % n,
                         "addons": [11]})
        extensions.append({"number": str(extension_base + n), "name": "Bench User %d" % n, "account_id": account_id})
    return {"customer": customer, "name": "Bench", "accounts": accounts, "extensions": extensions}


def test_first_run_six_requests_no_op_three_and_an_id_of_another_customer_is_still_refused(empty_sandbox, tmp_path):
    server = empty_sandbox
    server.reset()
    acme = customer_file(1001, 0, ACCOUNTS, 10000)
    globex = customer_file(1002, 500, 1, 20000)
    # an account ID customer 1002 holds, added to 1001's file: refused by CreateAccounts, then named
    taken = globex["accounts"][0]["account_id"]
    acme_taken = dict(acme, accounts=acme["accounts"] + [
        dict(globex["accounts"][0], last_name="Taken"),
        {"account_id": "441632999999", "product": 2, "first_name": "New", "addons": [11]}])
    files = {"acme.yml": acme, "globex.yml": globex, "acme-taken.yml": acme_taken}
    for name, data in files.items():
        (tmp_path / name).write_text(yaml.safe_dump(data, sort_keys=False))

    def apply(name, path, source="acme.yml", **keywords):
        """A step: the customer module on the file at `path`, named customers/<source> in messages."""
        text = "- name: %s\n  portaplus.softswitch.customer:\n    src: %s\n    source: customers/%s\n" % (
            name, tmp_path / path, source)
        return text + "".join("  %s: %s\n" % (key, json.dumps(value)) for key, value in keywords.items())

    # One run of seven steps; each step's requests are those sent while it ran (test_accounts.during).
    run = Ansible(server.url, tmp_path / "ansible", run_class=PlayResult).playbook(play_text(
        apply("Plan", "acme.yml", check_mode=True) + apply("First", "acme.yml") + apply("No-op", "acme.yml")
        + apply("Globex", "globex.yml", source="globex.yml")
        + apply("Refused in check mode", "acme-taken.yml", check_mode=True, ignore_errors=True)
        + apply("Refused", "acme-taken.yml", ignore_errors=True)
        + apply("Again", "acme.yml")), timeout=600, cwd=tmp_path)
    assert run.rc == 0, run.output
    requests = server.requests()

    def step(name):
        return [request["route"].split("/{")[0] for request in during(requests, run, name)]

    def step_writes(name):
        return [request["route"].split("/{")[0] for request in during(requests, run, name) if request["write"]]

    assert run.task("Plan")["plan"]["counts"]["create"] == 2 * ACCOUNTS, run.output
    assert step_writes("Plan") == []
    assert LICENSE_WIDE_LOOKUP in step("Plan")          # a plan to review checks new IDs across the License

    assert run.task("First")["changed"] is True, run.output
    assert 0 < len(step("First")) <= 6, step("First")
    assert LICENSE_WIDE_LOOKUP not in step("First")

    assert run.task("No-op")["changed"] is False, run.output
    assert 0 < len(step("No-op")) <= 3, step("No-op")

    assert run.task("Globex")["changed"] is True, run.output
    message = ("customers/acme.yml: accounts[%d].account_id: account %s exists in customer 1002, not in customer 1001"
               % (ACCOUNTS, taken))
    for name, expected_writes in (("Refused in check mode", []), ("Refused", ["/CreateAccounts"])):
        assert [t["status"] for t in run.tasks if t["task"] == name] == ["failed"], name
        assert message in run.task(name)["msg"], run.task(name)
        assert step_writes(name) == expected_writes
    again = run.task("Again")
    assert again["changed"] is False, run.output   # the refused create wrote nothing


# Counts, in every Python process of a run (controller, forks, modules), the opens of the files named in
# PORTAPLUS_TEST_WATCH, one line each in PORTAPLUS_TEST_OPENS: how often a customer file is read.
OPEN_COUNTER = '''
import os, sys, threading
_watched = set(os.environ.get("PORTAPLUS_TEST_WATCH", "").split(os.pathsep)) - {""}
_log = os.environ.get("PORTAPLUS_TEST_OPENS")
_busy = threading.local()
def _hook(event, args):
    if event != "open" or getattr(_busy, "on", False) or not args or not isinstance(args[0], str):
        return
    if args[0].endswith(".yml") and os.path.realpath(args[0]) in _watched:
        _busy.on = True
        try:
            with open(_log, "a") as handle:
                handle.write(os.path.realpath(args[0]) + "\\n")
        finally:
            _busy.on = False
if _watched and _log:
    sys.addaudithook(_hook)
'''


def test_provision_reads_each_customer_file_once_and_vault_values_still_work(sandbox, tmp_path):
    from ansible.parsing.vault import VaultLib, VaultSecret   # the test encrypts as ansible-vault would
    cipher = VaultLib([("default", VaultSecret(b"vault-pw-for-tests"))]).encrypt("Vaulted-Sip-Pw-9").decode()
    directory = tmp_path / "customers"
    shutil.copytree(EXAMPLES, directory)
    acme = (directory / "acme.yml").read_text().replace(
        '    first_name: Alice\n', '    first_name: Alice\n    password: !vault |\n%s\n'
        % "\n".join("      " + line for line in cipher.splitlines()), 1)
    (directory / "acme.yml").write_text(acme)
    (tmp_path / "vault-pass").write_text("vault-pw-for-tests")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(OPEN_COUNTER)
    files = sorted(str(path.resolve()) for path in directory.glob("*.yml"))
    opens = tmp_path / "opens.log"
    env = {"ANSIBLE_VAULT_PASSWORD_FILE": str(tmp_path / "vault-pass"), "PYTHONPATH": str(tmp_path / "site"),
           "PORTAPLUS_TEST_WATCH": os.pathsep.join(files), "PORTAPLUS_TEST_OPENS": str(opens)}

    run = Ansible(sandbox.url, tmp_path / "ansible").playbook(
        path=os.path.join(REPO, "playbooks", "provision.yml"), args=["-e", "customers_dir=%s" % directory],
        extra_env=env, cwd=tmp_path)
    assert run.rc == 0, run.stdout[-3000:]
    read = opens.read_text().splitlines()
    assert sorted(read) == files, read           # each file once: checked, then applied from what the check read
    with urllib.request.urlopen("%s/GetAccounts/DEMO-LICENSE/1001?format=json" % sandbox.url) as answer:
        alice = [a for a in json.load(answer)["Accounts"] if a["AccountId"] == "441632960001"][0]
    assert alice["VoipPassword"] == "Vaulted-Sip-Pw-9"     # decrypted with the play's vault secret
    assert "Vaulted-Sip-Pw-9" not in run.stdout + run.stderr
