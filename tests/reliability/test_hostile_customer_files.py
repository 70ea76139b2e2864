"""Hostile customer files (issue 22), against the documented behaviour of the GitOps entry point:

    ansible-playbook portaplus.softswitch.provision -e customers_dir=DIR

refuses a file that is not UTF-8, larger than the size limit, holds duplicate keys or YAML aliases
beyond a small bound, or holds `{{ ... }}` (customer files are data unless templating is opted in),
with a message that names the file and the problem, within a bounded time, and writes nothing; a
customer file that is a symbolic link to a file is followed, not skipped.

The loader is built by another part of the work on issue 22 (plugins/module_utils/customer_file.py
and its action plugin); until it is merged these tests fail, which is what they are for.
"""
import json
import os
import subprocess

import pytest

from tests.ansible_cli import BIN

VALID = ('customer: 1001\nname: Acme Ltd\naccounts:\n  - account_id: "441632960001"\n'
         '    product: Hosted PBX Seat\n')
ALIAS_BOMB_ACCOUNTS = ("customer: 1001\n"
                       "a: &a [x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                       "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                       "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                       "accounts: [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n")
ALIAS_BOMB_LIST = ("customer: 1001\nname: &n Acme\naccounts:\n"
                   "  - &one {account_id: \"441632960001\", product: Hosted PBX Seat, first_name: *n}\n"
                   + "  - *one\n" * 200)
MARKER = "pipe-ran.marker"

# case -> (file name, file bytes, words the message must hold besides the file's name)
CASES = {
    "latin-1": ("latin1.yml", VALID.replace("Acme Ltd", "Acm\u00e9 Ltd").encode("latin-1"), ("utf-8",)),
    "utf-16 with BOM": ("utf16.yml", b"\xff\xfe" + VALID.encode("utf-16-le"), ("utf-8",)),
    "11 MB": ("big.yml", VALID.encode("utf-8") + b"# " + b"x" * (11 * 1024 * 1024) + b"\n", ("10 MB",)),
    "alias bomb in accounts": ("bomb_accounts.yml", ALIAS_BOMB_ACCOUNTS.encode("utf-8"), ("alias",)),
    "alias bomb in a list": ("bomb_list.yml", ALIAS_BOMB_LIST.encode("utf-8"), ("alias",)),
    "two accounts keys": ("two_accounts.yml", (VALID + 'accounts:\n  - account_id: "441632960002"\n').encode("utf-8"),
                          ("given twice", "lines 3 and 6", "accounts")),
    "two email keys": ("two_emails.yml", (VALID + "    email: a@acme.example\n    email: b@acme.example\n").encode("utf-8"),
                       ("given twice", "lines 6 and 7", "email")),
    "pipe lookup": ("pipe.yml", (VALID + "    first_name: \"{{ lookup('pipe', 'touch %s') }}\"\n" % MARKER).encode("utf-8"),
                    ("{{",)),
}
RUN_TIMEOUT = 180       # a hang (an alias bomb expanding) fails the case instead of the suite


def provision(ansible, customers_dir, check=False):
    env = ansible.env()
    command = [os.path.join(BIN, "ansible-playbook"), "portaplus.softswitch.provision",
               "-e", "customers_dir=%s" % customers_dir] + (["--check"] if check else [])
    return subprocess.run(command, env=env, cwd=str(customers_dir), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, check=False, stdin=subprocess.DEVNULL)


def test_every_hostile_customer_file_is_refused_naming_file_and_problem(ansible, rel, tmp_path, figures):
    """All the hostile files in one customers_dir, one run: each becomes a host of its own, whose check fails
    alone (a failed host leaves the play, the others go on), so each file's own refusal is read from its
    host's failed task; and the run as a whole sends no write."""
    folder = tmp_path / "customers"
    folder.mkdir()
    for name, content, _words in CASES.values():
        (folder / name).write_bytes(content)
    before = rel.counters()["writes"]
    try:
        run = ansible.playbook(path="portaplus.softswitch.provision", args=["-e", "customers_dir=%s" % folder],
                               cwd=folder, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail("provision did not end within %d s" % RUN_TIMEOUT)
    writes = rel.counters()["writes"] - before
    wrong = []
    for case, (name, _content, words) in sorted(CASES.items()):
        host = name[:-len(".yml")]
        failed = [t for t in run.tasks if t["host"] == host and t["status"] == "failed"]
        message = json.dumps([t["result"] for t in failed], ensure_ascii=False)
        if not failed:
            wrong.append("%s: %s was not refused" % (case, name))
        elif name not in message or not all(word.lower() in message.lower() for word in words):
            wrong.append("%s: the message does not name %s and %s: %s" % (case, name, words, message[:600]))
    figures.add("bad-input", plugin="customer-files", files=len(CASES), rc=run.rc, refused=len(CASES) - len(wrong),
                writes=writes)
    assert run.rc != 0, run.output[-3000:]
    assert "Traceback (most recent call last)" not in run.output
    assert not wrong, "\n".join(wrong) + "\n" + run.output[-3000:]
    assert writes == 0
    assert not (folder / MARKER).exists() and not (tmp_path / MARKER).exists()


def test_a_customer_file_that_is_a_symbolic_link_is_followed(ansible, rel, tmp_path):
    real = tmp_path / "repository"
    real.mkdir()
    (real / "acme.yml").write_text(VALID)
    folder = tmp_path / "customers"
    folder.mkdir()
    os.symlink(str(real / "acme.yml"), str(folder / "acme.yml"))
    proc = provision(ansible, folder, check=True)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert "no hosts matched" not in output and "acme" in output
