"""Run the collection's own playbooks (playbooks/*.yml) with real ansible-playbook."""
import os
import re
import subprocess
import sys

from tests.ansible_cli import playbook_env
from tests.collection_path import REPO

RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)", re.M)


class Run:
    def __init__(self, proc):
        self.rc, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr
        self.output = proc.stdout + proc.stderr
        self.recap = dict((host, {"ok": int(ok), "changed": int(changed), "unreachable": int(unreachable),
                                  "failed": int(failed), "skipped": int(skipped)})
                          for host, ok, changed, unreachable, failed, skipped in RECAP.findall(proc.stdout))


def run_playbook(url, playbook, *args, license="DEMO-LICENSE", cwd=None, tmp_path=None, timeout=600):
    bin_dir = os.path.dirname(sys.executable)
    env = playbook_env(url, license=license)
    if tmp_path is not None:
        env["ANSIBLE_LOCAL_TEMP"] = str(tmp_path / "ansible-tmp")
    command = [os.path.join(bin_dir, "ansible-playbook"), os.path.join(REPO, "playbooks", playbook)] + list(args)
    return Run(subprocess.run(command, env=env, cwd=cwd or REPO, capture_output=True, text=True,
                              timeout=timeout, check=False))
