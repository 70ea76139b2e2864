"""Integration harness: real ansible-playbook runs against a real sandbox process.

The sandbox fixtures (`sandbox_server`, `sandbox`) come from the portaplus_sandbox pytest
plugin. `play` writes a playbook, runs ansible-playbook as a subprocess with the collection
on ANSIBLE_COLLECTIONS_PATH, and returns every task result recorded by the test callback.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.ansible_cli import playbook_env

HERE = os.path.dirname(os.path.abspath(__file__))
CALLBACK_PLUGINS = os.path.join(os.path.dirname(HERE), "callback_plugins")
DEMO_LICENSE = "DEMO-LICENSE"
OTHER_LICENSE = "OTHER-LICENSE"


class PlayResult:
    def __init__(self, rc, stdout, stderr, tasks):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.tasks = tasks

    def task(self, name):
        matches = [t for t in self.tasks if t["task"] == name]
        assert matches, "no task named %r; tasks: %s\n%s" % (name, [t["task"] for t in self.tasks], self.stdout)
        return matches[-1]["result"]

    @property
    def output(self):
        return self.stdout + self.stderr


def pytest_collection_modifyitems(items):
    for item in items:
        if str(item.fspath).startswith(HERE):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def play(sandbox, tmp_path):
    """Run a playbook given as a list of tasks (YAML text) against the sandbox."""
    def run(tasks, check=False, diff=False, verbosity=0, license=DEMO_LICENSE, extra_env=None, vars_text=""):
        counter = len(list(tmp_path.glob("play*.yml")))
        playbook = tmp_path / ("play%d.yml" % counter)
        results = tmp_path / ("results%d.jsonl" % counter)
        playbook.write_text(
            "- hosts: localhost\n  gather_facts: false\n  connection: local\n"
            + ("  vars:\n" + textwrap.indent(textwrap.dedent(vars_text), "    ") if vars_text else "")
            + "  tasks:\n" + textwrap.indent(textwrap.dedent(tasks), "    "))
        env = playbook_env(sandbox.url, license=license, extra={
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACK_PLUGINS,
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
            "PORTAPLUS_TEST_RESULTS": str(results),
        })
        env.update(extra_env or {})
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), str(playbook)]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        tasks = []
        if results.exists():
            tasks = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
        return PlayResult(proc.returncode, proc.stdout, proc.stderr, tasks)

    return run


def writes(sandbox):
    """Write requests the sandbox received since its log was last cleared."""
    return [r for r in sandbox.requests() if r["write"]]
