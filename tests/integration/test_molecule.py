"""The molecule scenario of the customer role runs inside `make test`.

`molecule test -s customer` (extensions/molecule/customer) starts a real sandbox process,
converges two customer files, converges again expecting no change, verifies the sandbox
against the files and stops the sandbox.
"""
import os
import re
import subprocess
import sys

from tests.ansible_cli import playbook_env
from tests.collection_path import REPO

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_customer_role_scenario_converges_idempotently_and_verifies(tmp_path):
    bin_dir = os.path.dirname(sys.executable)
    env = playbook_env(None, extra={     # the scenario starts a sandbox of its own
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "NO_COLOR": "1",
    })
    proc = subprocess.run([os.path.join(bin_dir, "molecule"), "test", "-s", "customer"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    output = ANSI.sub("", proc.stdout + proc.stderr)
    assert proc.returncode == 0, output[-6000:]
    for step in ("create", "converge", "idempotence", "verify", "destroy"):
        assert re.search(r"customer \S+ %s: Executed: Successful" % step, output), (step, output[-3000:])
    # the converge really changed the sandbox, and the idempotence run found nothing left to do
    assert re.search(r"acme\s+: ok=\d+\s+changed=[1-9]", output), output[-3000:]
    assert "Idempotence completed successfully" in output or "idempotence: Executed: Successful" in output
