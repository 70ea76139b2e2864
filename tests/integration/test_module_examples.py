"""Every module's EXAMPLES run, as written, against the sandbox's demo data.

Options that only make sense against a real server carry the comment ``# real server only``
on their line (the example server URL, a CA bundle path); those lines are dropped, and the
connection comes from PORTAPLUS_URL / PORTAPLUS_LICENSE. The variables the examples take
from a vault are given below. Each module's examples run in order as one play, from a fresh
demo seed, so a later example sees what an earlier one registered or created. Each task runs
first under ``--check --diff`` (``check_mode``/``diff`` on a copy of the task), then for real.
All the plays are one ansible-playbook run (one start-up instead of one per module); each
play's first task puts the sandbox back to its seed, as the `sandbox` fixture does between tests.
"""
import ast
import glob
import json
import os
import shutil

import pytest
import yaml

from tests.ansible_cli import Ansible, play_text

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARK = "# real server only"
COLLECTION = "portaplus.softswitch."
# What the examples read from a vault.
VAULT_VARS = """\
vault_portaplus_license: DEMO-LICENSE
vault_sip_password: Example-sip-pw-1
vault_sip_passwords:
  "441632960010": Example-sip-pw-10
  "441632960011": Example-sip-pw-11
  "441632960012": Example-sip-pw-12
"""


def module_examples():
    for path in sorted(glob.glob(os.path.join(REPO, "plugins", "modules", "*.py"))):
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        for node in tree.body:
            if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["EXAMPLES"]:
                yield pytest.param(node.value.value, id=os.path.basename(path)[:-3])


EXAMPLES = list(module_examples())


def runnable(examples, scratch, module):
    """The examples as tasks, their files under ``scratch`` rather than the machine's shared /tmp (where an
    earlier or a parallel run's file, not written by this collection, would be refused as a destination). Each module task and the tasks after it that use its
    result (up to the next module task) run first under ``--check --diff``, as the docs tell users to start, on the
    state the examples before them left; then for real."""
    kept = [line.replace(" /tmp/", " %s/" % scratch) for line in examples.splitlines() if MARK not in line]
    tasks = yaml.safe_load("\n".join(kept))
    assert isinstance(tasks, list) and tasks, "EXAMPLES is not a list of tasks"
    groups = []
    for task in tasks:
        if not groups or any(name.startswith(COLLECTION) for name in task):
            groups.append([])
        groups[-1].append(task)
    steps = []
    for group in groups:
        steps.extend(dict(task, name="%s (--check --diff)" % task["name"], check_mode=True, diff=True)
                     for task in group)
        steps.extend(group)
    # the module's name leads each task's, so a result tells whose example it is; copies share no part, so the
    # YAML has no anchors (one playbook holds every module's plays, and an anchor name may not be used twice)
    steps = json.loads(json.dumps([dict(step, name="%s: %s" % (module, step["name"])) for step in steps]))
    return yaml.safe_dump([FRESH_SEED] + steps, sort_keys=False, allow_unicode=True, width=1000)


# Each play starts from the demo seed: the sandbox's admin reset, sent from the controller (no module process).
FRESH_SEED = {"name": "Sandbox back to its demo seed", "ansible.builtin.set_fact": {
    "sandbox_reset": "{{ lookup('ansible.builtin.pipe', 'curl -sf -X POST ' ~ lookup('ansible.builtin.env', "
                     "'PORTAPLUS_URL') ~ '/__sandbox/reset') }}"}}


def writes_beside_the_playbook(examples):
    """Examples that write into customers/ beside the playbook (customer_export) would change the files the
    other modules' examples read there: their play runs last."""
    return 'dest: "{{ playbook_dir }}/customers' in examples


def test_every_module_has_examples():
    modules = glob.glob(os.path.join(REPO, "plugins", "modules", "*.py"))
    assert len(EXAMPLES) == len(modules) > 0


def test_marked_options_are_only_server_specific():
    # The mark may hide the server's URL and TLS files, nothing a reader needs to try the example.
    for param in EXAMPLES:
        for line in param.values[0].splitlines():
            if MARK in line:
                assert line.strip().split(":", 1)[0] in ("url", "ca_path", "validate_certs"), (param.id, line)


def test_every_modules_examples_run_against_the_sandbox(sandbox, tmp_path):
    # Examples read customer files from customers/ beside the playbook, as in a GitOps repository.
    shutil.copytree(os.path.join(REPO, "examples", "customers"), str(tmp_path / "customers"))
    ordered = sorted(EXAMPLES, key=lambda param: writes_beside_the_playbook(param.values[0]))
    plays = []
    for param in ordered:
        scratch = tmp_path / "scratch" / param.id
        scratch.mkdir(parents=True)
        plays.append(play_text(runnable(param.values[0], scratch, param.id), VAULT_VARS))
    playbook = tmp_path / "examples.yml"
    playbook.write_text("".join(plays))
    # run beside the playbook, as a user does: relative paths mean the same to both
    result = Ansible(sandbox.url, tmp_path / "ansible").playbook(path=str(playbook), timeout=900, cwd=tmp_path)
    assert not [t for t in result.tasks if t["status"] == "failed"] and result.rc == 0, result.output[-6000:]
    for param in EXAMPLES:
        names = [t["task"] for t in result.tasks if t["task"].startswith(param.id + ": ")]
        assert names, "the examples of %s did not run\n%s" % (param.id, result.output[-6000:])
        assert any(name.endswith("(--check --diff)") for name in names), param.id
        assert any(not name.endswith("(--check --diff)") for name in names), param.id
