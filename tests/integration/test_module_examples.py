"""Every module's EXAMPLES run, as written, against the sandbox's demo data.

Options that only make sense against a real server carry the comment ``# real server only``
on their line (the example server URL, a CA bundle path); those lines are dropped, and the
connection comes from PORTAPLUS_URL / PORTAPLUS_LICENSE. The variables the examples take
from a vault are given below. Each module's examples run in order as one play, from a fresh
demo seed, so a later example sees what an earlier one registered or created. Each task runs
first under ``--check --diff`` (``check_mode``/``diff`` on a copy of the task), then for real.
"""
import ast
import glob
import os
import shutil

import pytest
import yaml

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


def runnable(examples, scratch):
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
    return yaml.safe_dump(steps, sort_keys=False, allow_unicode=True)


def test_every_module_has_examples():
    modules = glob.glob(os.path.join(REPO, "plugins", "modules", "*.py"))
    assert len(EXAMPLES) == len(modules) > 0


def test_marked_options_are_only_server_specific():
    # The mark may hide the server's URL and TLS files, nothing a reader needs to try the example.
    for param in EXAMPLES:
        for line in param.values[0].splitlines():
            if MARK in line:
                assert line.strip().split(":", 1)[0] in ("url", "ca_path", "validate_certs"), (param.id, line)


@pytest.mark.parametrize("examples", EXAMPLES)
def test_module_examples_run_against_the_sandbox(examples, play, tmp_path):
    # Examples read customer files from customers/ beside the playbook, as in a GitOps repository.
    shutil.copytree(os.path.join(REPO, "examples", "customers"), str(tmp_path / "customers"))
    result = play(runnable(examples, tmp_path), vars_text=VAULT_VARS)
    failed = [task for task in result.tasks if task["result"].get("failed")]
    assert result.rc == 0 and not failed, result.output
    assert any(task["task"].endswith("(--check --diff)") for task in result.tasks), result.output
