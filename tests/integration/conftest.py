"""Integration harness: real ansible-playbook runs against a real sandbox process.

The sandbox fixtures (`sandbox_server`, `sandbox`) come from the portaplus_sandbox pytest
plugin. `play` runs a list of tasks with the one harness of tests/ansible_cli.py (real
ansible-playbook, the collection on ANSIBLE_COLLECTIONS_PATH) and returns every task result
recorded by the test callback.
"""
import os

import pytest

from tests.ansible_cli import DEMO_LICENSE, Ansible, Run

HERE = os.path.dirname(os.path.abspath(__file__))
OTHER_LICENSE = "OTHER-LICENSE"


class PlayResult(Run):
    """A run of the one harness (tests/ansible_cli.py); here `task(name)` is the task's result."""

    def task(self, name):
        return self.result(name)


def pytest_collection_modifyitems(items):
    for item in items:
        if str(item.fspath).startswith(HERE):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def play(sandbox, tmp_path):
    """Run a playbook given as a list of tasks (YAML text) against the sandbox."""
    ansible = Ansible(sandbox.url, tmp_path / "ansible", run_class=PlayResult)

    def run(tasks, check=False, diff=False, verbosity=0, license=DEMO_LICENSE, extra_env=None, vars_text=""):
        return ansible.tasks(tasks, check=check, diff=diff, verbosity=verbosity, license=license,
                             extra_env=extra_env, vars_text=vars_text, timeout=600)

    return run


def writes(sandbox):
    """Write requests the sandbox received since its log was last cleared."""
    return [r for r in sandbox.requests() if r["write"]]
