"""Run the collection's own playbooks (playbooks/*.yml) with real ansible-playbook (the one harness)."""
import os
import tempfile
from pathlib import Path

from tests.ansible_cli import DEMO_LICENSE, Ansible
from tests.collection_path import REPO


def run_playbook(url, playbook, *args, license=DEMO_LICENSE, cwd=None, tmp_path=None, timeout=600):
    """A Run (rc, output, recap) of playbooks/<playbook> in `cwd` (default: the checkout)."""
    tmp = Path(tmp_path) if tmp_path is not None else Path(tempfile.mkdtemp(prefix="portaplus-playbook-"))
    return Ansible(url, tmp / "ansible").playbook(path=os.path.join(REPO, "playbooks", playbook), args=args,
                                                  license=license, cwd=cwd or REPO, timeout=timeout)
