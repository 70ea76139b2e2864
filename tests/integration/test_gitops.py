"""The GitOps loop with the collection's playbooks, run by name as users run them
(`ansible-playbook portaplus.softswitch.export|plan|provision`) from their own directory, with
relative paths, against real sandbox processes: export round trip, reviewed plans applied
exactly (or refused when stale), drift exit codes, and the loud failures of provision.yml."""
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from portaplus_sandbox.testing import SandboxServer

from tests.ansible_cli import Run, playbook_env
from tests.collection_path import REPO
from tests.integration.conftest import writes

GENERATED = [1101, 1102, 1103]          # the sandbox's --customers 3, with --accounts 900: 300 accounts each
EXAMPLES = os.path.join(REPO, "examples", "customers")


def ansible_playbook(url, cwd, playbook, *args):
    """`ansible-playbook portaplus.softswitch.<playbook> ...` run in `cwd`, as a user types it."""
    env = playbook_env(url, extra={"ANSIBLE_LOCAL_TEMP": os.path.join(str(cwd), ".ansible-tmp")})
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
               "portaplus.softswitch.%s" % playbook] + list(args)
    proc = subprocess.run(command, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=900, check=False)
    return Run(command, proc.returncode, proc.stdout, proc.stderr, [], [])


def get(server, route):
    with urllib.request.urlopen("%s/%s?format=json" % (server.url, urllib.parse.quote(route))) as answer:
        return json.load(answer)


def account_ids(server, customer):
    return sorted(a["AccountId"] for a in get(server, "GetAccounts/DEMO-LICENSE/%d" % customer)["Accounts"])


def add_extension(server, customer, number, name, i_account=0):
    get(server, "AddCustomerExtension/DEMO-LICENSE/%d/%s/%s/%d" % (customer, name, number, i_account))


def tree(directory):
    return dict((name, (directory / name).read_bytes()) for name in sorted(os.listdir(str(directory))))


@pytest.fixture(scope="module")
def big_sandbox():
    """The demo data plus three generated customers of 300 accounts each."""
    with SandboxServer(seed="demo", extra_args=["--customers", "3", "--accounts", "900", "--cdrs", "0"]) as server:
        yield server


def test_export_round_trip_on_the_demo_data_and_three_customers_of_300_accounts(big_sandbox, tmp_path):
    server = big_sandbox
    # text a file must keep as it is, and extensions bound and unbound
    first = get(server, "GetAccounts/DEMO-LICENSE/1101")["Accounts"][0]
    add_extension(server, 1101, "100", u"Zoë Ångström 日本", first["IAccount"])
    add_extension(server, 1102, "0200", "Lobby: {{ not a template }}")

    export = ansible_playbook(server.url, tmp_path, "export", "-e", "customers_dir=customers")
    assert export.rc == 0, export.output
    files = tree(tmp_path / "customers")
    assert sorted(files) == ["acme-ltd.yml", "customer-001.yml", "customer-002.yml", "customer-003.yml", "globex.yml"]
    text = files["customer-001.yml"].decode("utf-8")
    assert u'name: Zoë Ångström 日本' in text and "\\u" not in text
    assert text.count("- account_id: ") == 300 and not re.search(r"^[ -]*password:", text, re.M)
    assert '- number: "0200"' in files["customer-002.yml"].decode("utf-8")

    plan = ansible_playbook(server.url, tmp_path, "plan", "-e", "customers_dir=customers", "-e", "plan_dir=plan",
                            "-e", "fail_on_changes=true")
    assert plan.rc == 0, plan.output
    document = json.loads((tmp_path / "plan" / "plan.json").read_text())
    assert document["totals"]["customers"] == 5 and document["totals"]["changed"] == 0, document["totals"]
    assert "In sync, nothing to change: Acme Ltd (1001), Globex (1002), Customer 001 (1101)" in (
        tmp_path / "plan" / "plan.md").read_text()

    server.clear_log()
    provision = ansible_playbook(server.url, tmp_path, "provision", "-e", "customers_dir=customers", "--forks", "4")
    assert provision.rc == 0, provision.output
    assert all(host["changed"] == 0 and host["failed"] == 0 for host in provision.recap.values()), provision.recap
    assert sorted(provision.recap) == ["acme-ltd", "customer-001", "customer-002", "customer-003", "globex", "localhost"]
    assert writes(server) == []

    again = ansible_playbook(server.url, tmp_path, "export", "-e", "customers_dir=customers", "-e", "customers=[1101]")
    assert again.rc == 0 and again.recap["localhost"]["changed"] == 0, again.output
    assert tree(tmp_path / "customers") == files


def test_reviewed_plans_drift_exit_codes_and_a_stale_plan_refused(sandbox, tmp_path):
    shutil.copytree(EXAMPLES, str(tmp_path / "customers"))

    drift = ansible_playbook(sandbox.url, tmp_path, "plan", "-e", "customers_dir=customers", "-e", "plan_dir=plan",
                             "-e", "fail_on_changes=true")
    assert drift.rc != 0
    assert "Drift: 2 of 2 customers would change: Acme Ltd (1001), Globex (1002)" in drift.output
    page = (tmp_path / "plan" / "plan.md").read_text()
    for named in ("account `441632960020`", "| update | extension `102` | name | Sales | Sales & Support |",
                  "extension `150`", "account `441632960102`", "from `customers/acme.yml`"):
        assert named in page, page
    assert writes(sandbox) == []

    # Acme moves after the review (someone renames extension 101 by hand); Globex does not
    get(sandbox, "UpdateCustomerExtension/DEMO-LICENSE/1001/7001/Front door/101/5001")
    sandbox.clear_log()
    stale = ansible_playbook(sandbox.url, tmp_path, "provision", "-e", "customers_dir=customers",
                             "-e", "plan_file=plan/plan.json")
    assert stale.rc != 0
    assert "the state of Acme Ltd (1001) changed since the plan was made; plan again" in stale.output
    assert stale.recap["acme"]["failed"] == 1 and stale.recap["globex"]["failed"] == 0, stale.recap
    assert not [r for r in writes(sandbox) if "/1001/" in r["path"]]
    assert "441632960020" not in account_ids(sandbox, 1001)      # nothing of Acme's plan was applied
    assert "441632960102" in account_ids(sandbox, 1002)          # the other customer went ahead

    # plan again, review, apply: exactly that, then nothing is left to do
    assert ansible_playbook(sandbox.url, tmp_path, "plan", "-e", "customers_dir=customers",
                            "-e", "plan_dir=plan").rc == 0
    fresh = ansible_playbook(sandbox.url, tmp_path, "provision", "-e", "customers_dir=customers",
                             "-e", "plan_file=plan/plan.json")
    assert fresh.rc == 0, fresh.output
    assert "441632960020" in account_ids(sandbox, 1001)
    in_sync = ansible_playbook(sandbox.url, tmp_path, "plan", "-e", "customers_dir=customers", "-e", "plan_dir=plan",
                               "-e", "fail_on_changes=true")
    assert in_sync.rc == 0, in_sync.output


def test_provision_fails_loudly_instead_of_doing_nothing(sandbox, tmp_path):
    (tmp_path / "empty").mkdir()
    clash = tmp_path / "clash"
    clash.mkdir()
    shutil.copy(os.path.join(EXAMPLES, "acme.yml"), str(clash / "acme.yml"))
    shutil.copy(os.path.join(EXAMPLES, "globex.yml"), str(clash / "acme.yaml"))
    cases = [
        ([], "customers_dir: is required"),
        (["-e", "customers_dir=missing"], "customers_dir: the directory missing (%s/missing) does not exist" % tmp_path),
        (["-e", "customers_dir=empty"], "customers_dir: the directory empty (%s/empty) holds no customer file" % tmp_path),
        (["-e", "customers_dir=clash"], "%s/acme.yaml and %s/acme.yml would all become the host acme" % (clash, clash)),
        (["-e", "customers_dir=clash", "--limit", "acme"], "Add localhost to the limit: --limit localhost,acme"),
    ]
    for args, message in cases:
        run = ansible_playbook(sandbox.url, tmp_path, "provision", *args)
        assert run.rc != 0 and message in " ".join(run.output.split()), (args, run.output)

    # an error in a drift check is not drift: another message, and plan.md says which customer was not planned
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.yml").write_text('customer: 1001\naccounts:\n  - account_id: "441632960001"\n    emial: x@y.example\n')
    error = ansible_playbook(sandbox.url, tmp_path, "plan", "-e", "customers_dir=broken", "-e", "plan_dir=plan",
                             "-e", "fail_on_changes=true")
    assert error.rc != 0 and "Drift:" not in error.output and "accounts[0].emial" in error.output, error.output
    assert "### Not planned: bad" in (tmp_path / "plan" / "plan.md").read_text()
    assert sandbox.requests() == []

    # a limit that includes localhost picks one customer without an inventory; a linked file is followed
    linked = tmp_path / "linked"
    linked.mkdir()
    os.symlink(os.path.join(EXAMPLES, "acme.yml"), str(linked / "acme.yml"))
    shutil.copy(os.path.join(EXAMPLES, "globex.yml"), str(linked / "globex.yml"))
    one = ansible_playbook(sandbox.url, tmp_path, "provision", "-e", "customers_dir=linked", "--limit", "localhost,acme")
    assert one.rc == 0, one.output
    assert sorted(one.recap) == ["acme", "localhost"] and one.recap["acme"]["changed"] >= 1
    assert "441632960020" in account_ids(sandbox, 1001) and "441632960102" not in account_ids(sandbox, 1002)
