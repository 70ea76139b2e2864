"""Commands in the README and docs/ work when pasted.

A fenced ``console`` or ``sh`` block right after a ``<!-- doc-test -->`` line is run as
written (``$ `` prompts removed), all its lines in one bash, in the repository root, with the
development venv first on PATH (as after ``source .venv/bin/activate``), the collection
installed (ANSIBLE_COLLECTIONS_PATH: this checkout, as tests/collection_path.py lays it out)
and PORTAPLUS_URL / PORTAPLUS_LICENSE pointing at a sandbox. Every other ``console`` block
says why it is not run (``<!-- not-run: reason -->``: Galaxy, a container engine, a server
that never stops, a command make demo runs).
"""
import glob
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKER = "<!-- doc-test -->"
BLOCK = re.compile(re.escape(MARKER) + r"\s*\n```(console|sh|bash)\n(.*?)\n```", re.S)
# A page's YAML block that starts with "# NAME.yml" is a file its commands use (ansible-playbook NAME.yml).
NAMED_FILE = re.compile(r"```yaml\n# ([\w.-]+\.ya?ml)\n(.*?)\n```", re.S)
NOT_RUN = re.compile(r"^\s*<!-- not-run: \S.* -->$")
PAGES = [os.path.join(REPO, "README.md")] + sorted(glob.glob(os.path.join(REPO, "docs", "*.md")))


def marked_blocks():
    for page in PAGES:
        with open(page, encoding="utf-8") as handle:
            text = handle.read()
        files = dict((name, body + "\n") for name, body in NAMED_FILE.findall(text))
        for number, match in enumerate(BLOCK.finditer(text), 1):
            lines = match.group(2).splitlines()
            if match.group(1) == "console" and any(line.startswith("$ ") for line in lines):
                lines = [line[2:] for line in lines if line.startswith("$ ")]
            yield pytest.param("\n".join(lines), files, id="%s#%d" % (os.path.relpath(page, REPO), number))


BLOCKS = list(marked_blocks())
COLLECTIONS_PATH = subprocess.run([sys.executable, os.path.join(REPO, "tests", "collection_path.py")],
                                  capture_output=True, text=True, check=True).stdout.strip()


def test_every_console_block_runs_or_says_why_not():
    unmarked = []
    for page in PAGES:
        with open(page, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        for number, line in enumerate(lines):
            if line.strip() != "```console":
                continue
            before = [text for text in lines[:number] if text.strip()]
            if not before or not (before[-1].strip() == MARKER or NOT_RUN.match(before[-1])):
                unmarked.append("%s:%d" % (os.path.relpath(page, REPO), number + 1))
    assert not unmarked, "console blocks neither run (%s) nor marked <!-- not-run: reason -->: %s" % (
        MARKER, unmarked)


def test_the_docs_have_marked_blocks():
    # The README's install and checkout blocks and the sandbox page's demo command, at least.
    assert len(BLOCKS) >= 3, [block.id for block in BLOCKS]


@pytest.mark.parametrize("script, files", BLOCKS)
def test_marked_doc_block_runs(script, files, sandbox, tmp_path):
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
               PORTAPLUS_URL=sandbox.url, PORTAPLUS_LICENSE="DEMO-LICENSE", ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH)
    cwd = REPO
    if files:
        # The page's files beside the repository's own entries, as in a checkout where they were saved.
        cwd = str(tmp_path / "checkout")
        os.mkdir(cwd)
        for entry in os.listdir(REPO):
            if entry != ".git":
                os.symlink(os.path.join(REPO, entry), os.path.join(cwd, entry))
        for name, body in files.items():
            with open(os.path.join(cwd, name), "w", encoding="utf-8") as handle:
                handle.write(body)
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode == 0, "%s\n--- rc %d\n%s\n%s" % (script, proc.returncode, proc.stdout, proc.stderr)
    # Quiet: a normal command prints no deprecation warning of a library (CryptographyDeprecationWarning ...).
    assert "DeprecationWarning" not in proc.stderr, proc.stderr
