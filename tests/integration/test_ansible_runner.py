"""Playbooks through ansible-runner, the engine AWX and Automation Platform run jobs with.

The jobs run as AWX runs them: a private data directory with an inventory and env/ files,
the project directory holding the playbook, the collection found on ANSIBLE_COLLECTIONS_PATH
(an execution environment installs it there), against the sandbox.

PLAYBOOK is the repository's main job, playbooks/provision.yml, applying the example
customer files.
"""
import os
import sys

import ansible_runner
import pytest
import yaml

from tests.collection_path import ensure

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(REPO, "playbooks", "provision.yml")
PLAYBOOK_VARS = {"customers_dir": os.path.join(REPO, "examples", "customers")}

# One inventory host per customer, forks over customers (README: "Running in AWX").
CUSTOMERS_PLAYBOOK = """\
- name: Provision every customer in the inventory, several at once
  hosts: customers
  gather_facts: false
  connection: local
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Accounts of this customer
      portaplus.softswitch.accounts:
        customer: "{{ customer_id }}"
        state: merged
        config: "{{ accounts }}"
"""
CUSTOMERS_INVENTORY = {
    "all": {"children": {"customers": {"hosts": {
        "acme": {"customer_id": 1001, "accounts": [
            {"account_id": "441632960050", "product": "Hosted PBX Seat", "first_name": "Runner", "last_name": "One"},
            {"account_id": "441632960051", "product": "Office Line", "addons": ["Call Recording"]}]},
        "globex": {"customer_id": 1002, "accounts": [
            {"account_id": "441632960150", "product": "SIP Trunk", "blocked": True}]},
    }}}}
}


@pytest.fixture
def run_job(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))

    def run(project_dir, playbook, inventory=None, extravars=None):
        private = tmp_path / ("job%d" % len(list(tmp_path.glob("job*"))))
        (private / "env").mkdir(parents=True)
        # How AWX passes settings: env/envvars, not the worker's own environment.
        (private / "env" / "envvars").write_text(yaml.safe_dump({
            "ANSIBLE_COLLECTIONS_PATH": ensure(),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "PORTAPLUS_URL": sandbox.url,
            "PORTAPLUS_LICENSE": "DEMO-LICENSE",
        }))
        if inventory:
            (private / "inventory").mkdir()
            (private / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory))
        return ansible_runner.run(private_data_dir=str(private), project_dir=str(project_dir), playbook=playbook,
                                  extravars=extravars or {}, forks=2, quiet=True)

    return run


def changed_hosts(result):
    return sorted(host for host, count in result.stats["changed"].items() if count)


def test_main_job_runs_through_ansible_runner(run_job, sandbox):
    result = run_job(os.path.dirname(PLAYBOOK), os.path.basename(PLAYBOOK), extravars=PLAYBOOK_VARS)
    output = result.stdout.read()
    assert (result.status, result.rc) == ("successful", 0), output
    assert result.stats["failures"] == {} and changed_hosts(result), output
    assert [r for r in sandbox.requests() if r["committed"]], "the job wrote nothing to the sandbox"

    again = run_job(os.path.dirname(PLAYBOOK), os.path.basename(PLAYBOOK), extravars=PLAYBOOK_VARS)
    assert (again.status, again.rc) == ("successful", 0), again.stdout.read()
    assert changed_hosts(again) == [], "the second run changed something"


def test_customers_as_inventory_hosts_run_with_forks(run_job, sandbox, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "customers.yml").write_text(CUSTOMERS_PLAYBOOK)
    result = run_job(project, "customers.yml", inventory=CUSTOMERS_INVENTORY)
    assert (result.status, result.rc) == ("successful", 0), result.stdout.read()
    assert changed_hosts(result) == ["acme", "globex"]

    created = {}
    for event in result.events:
        data = event.get("event_data", {})
        if event["event"] == "runner_on_ok" and data.get("task") == "Accounts of this customer":
            created[data["host"]] = sorted(data["res"]["created"])
    assert created == {"acme": ["441632960050", "441632960051"], "globex": ["441632960150"]}, created
    # No second run here: a job's re-run reporting no change through ansible-runner is
    # test_main_job_runs_through_ansible_runner's, and the accounts module's no-op re-run (blocked
    # accounts and add-ons included) is test_accounts.py's "Same" task.
