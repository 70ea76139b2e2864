"""Integration harness: real ansible-playbook runs against a real sandbox process.

The sandbox fixtures (`sandbox_server`, `sandbox`) come from the portaplus_sandbox pytest
plugin. `play` runs a list of tasks with the one harness of tests/ansible_cli.py (real
ansible-playbook, the collection on ANSIBLE_COLLECTIONS_PATH) and returns every task result
recorded by the test callback.
"""
import os

import pytest

from tests.ansible_cli import DEMO_LICENSE, Ansible, Run, play_text

HERE = os.path.dirname(os.path.abspath(__file__))
OTHER_LICENSE = "OTHER-LICENSE"


class PlayResult(Run):
    """A run of the one harness (tests/ansible_cli.py); here `task(name)` is the task's result."""

    def task(self, name):
        return self.result(name)


# The integration runs `make check` keeps (marker `smoke`): one per surface a user meets first,
# modules with check mode, diff and a second run, the inventory, the CDR export and the role.
SMOKE = (
    "test_accounts.py::test_accounts_converge_with_check_mode_diff_and_no_writes_on_the_second_run",
    "test_extensions.py::test_check_then_real_then_idempotent_with_field_level_diff",
    "test_inventory.py::test_example_lists_accounts_and_second_run_is_served_from_cache",
    "test_cdrs.py::test_export_is_idempotent_and_check_mode_writes_nothing",
    "test_customer_role.py::test_second_provision_changes_nothing_and_writes_nothing",
)


def pytest_collection_modifyitems(items):
    files, smoke = set(), set()
    for item in items:
        if str(item.fspath).startswith(HERE):
            item.add_marker(pytest.mark.integration)
            name = "%s::%s" % (os.path.basename(str(item.fspath)), item.originalname)
            files.add(os.path.basename(str(item.fspath)))
            if name in SMOKE:
                item.add_marker(pytest.mark.smoke)
                smoke.add(name)
    lost = [name for name in SMOKE if name.split("::", maxsplit=1)[0] in files and name not in smoke]
    if lost:
        raise pytest.UsageError("tests/integration/conftest.py SMOKE names tests that do not exist: %s" % lost)


@pytest.fixture
def play(sandbox, tmp_path):
    """Run a playbook given as a list of tasks (YAML text) against the sandbox. The playbook is
    written to tmp_path (play0.yml, play1.yml, ...) and runs there, so files a test puts there are beside it."""
    ansible = Ansible(sandbox.url, tmp_path / "ansible", run_class=PlayResult)

    def run(tasks, check=False, diff=False, verbosity=0, license=DEMO_LICENSE, extra_env=None, vars_text=""):
        playbook = tmp_path / ("play%d.yml" % ansible.count)
        playbook.write_text(play_text(tasks, vars_text))
        args = (["--check"] if check else []) + (["--diff"] if diff else []) + (["-" + "v" * verbosity] if verbosity else [])
        # run beside the playbook, as a user does: relative paths (customers/acme.yml) mean the same to both
        return ansible.playbook(path=str(playbook), args=args, license=license, extra_env=extra_env, timeout=600,
                                cwd=tmp_path)

    return run


def writes(sandbox):
    """Write requests the sandbox received since its log was last cleared."""
    return [r for r in sandbox.requests() if r["write"]]
