"""The ecosystem's gates, run as tests so `make test`'s closing line counts them.

Each test runs one Makefile target (the same command a contributor runs by hand) and fails
with the target's output. The targets cover whatever the repository holds when they run:
ansible-lint and yamllint the whole tree, the tarball is whatever galaxy.yml builds, the
docs lint every plugin and every page that docs/docsite/extra-docs.yml lists.
"""
import fnmatch
import glob
import os
import re
import subprocess
import sys
import tarfile

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, ".build")


def make(target, timeout=900, env=None):
    proc = subprocess.run(["make", "--no-print-directory", "-s", target], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False,
                          env=dict(os.environ, **(env or {})))
    assert proc.returncode == 0, "make %s failed (rc %d):\n%s\n%s" % (target, proc.returncode, proc.stdout, proc.stderr)
    return proc.stdout + proc.stderr


def git_files():
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                         capture_output=True, check=True).stdout.decode()
    return sorted(path for path in out.split("\0") if path and os.path.isfile(os.path.join(REPO, path)))


def test_ansible_test_sanity():
    make("sanity", timeout=1800)


def test_ansible_lint_production_profile():
    make("lint")


def test_antsibull_docs_lint():
    make("docs-lint")


def test_docs_generated_from_the_field_tables_are_current():
    make("docs-gen-check")


def test_markdown_structure_of_the_readme_and_docs():
    make("docs-markdown")


# docs/accounts.md before the fix: text glued to the closing fence made the rest of the page code.
GLUED_FENCE = """# Passwords

```
config[1].password: is '********', a mask that results and diffs show in place of a secret
``` Keep the License and passwords out of playbook
text (use a vault or the environment).

## Checks before anything is written

```yaml
- account_id: "441632960001"
```
"""
UNCLOSED_FENCE = "# Page\n\n```yaml\n- account_id: one\n\nThe rest of the page.\n"


@pytest.mark.parametrize("page, expected", [
    (GLUED_FENCE, ":5: a fence inside the code block opened on line 3: text glued to a closing fence"),
    (UNCLOSED_FENCE, ":3: a code fence never closed"),
])
def test_markdown_check_fails_on_a_glued_or_unclosed_fence(tmp_path, page, expected):
    path = tmp_path / "page.md"
    path.write_text(page, encoding="utf-8")
    proc = subprocess.run(["make", "--no-print-directory", "-s", "docs-markdown", "MARKDOWN_PAGES=%s" % path],
                          cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode != 0 and str(path) + expected in proc.stdout, proc.stdout + proc.stderr


def test_role_entry_point_summaries_are_plain_text():
    # ansible-core names the argument validation task after short_description, and ansible-doc shows it
    # as written: markup such as C(check) would appear raw in every run's output.
    raw = []
    for path in sorted(glob.glob(os.path.join(REPO, "roles", "*", "meta", "argument_specs.yml"))):
        with open(path, encoding="utf-8") as handle:
            specs = yaml.safe_load(handle)["argument_specs"]
        raw.extend("%s %s: %s" % (os.path.relpath(path, REPO), name, spec["short_description"])
                   for name, spec in specs.items() if re.search(r"\b[A-Z]{1,2}\(", spec.get("short_description", "")))
    assert not raw, raw


def test_runtime_requirements_have_no_upper_bounds():
    # Automation Hub refuses upper bounds (and pins) in a collection's requirements.txt.
    with open(os.path.join(REPO, "requirements.txt"), encoding="utf-8") as handle:
        lines = [line.split("#", 1)[0].strip() for line in handle]
    requirements = [line for line in lines if line]
    assert requirements and not [line for line in requirements if re.search(r"<|==|~=", line)], requirements


def test_changelog_fragments():
    make("changelog-check")


# What the collection is, said here independently of galaxy.yml's manifest directives: the
# tarball must hold exactly these of the repository's files, plus Galaxy's MANIFEST.json and FILES.json.
SHIPPED_FILES = {"README.md", "CHANGELOG.md", "COPYING", "requirements.txt", "changelogs/changelog.yaml",
                 "changelogs/config.yaml"}
SHIPPED_TREES = ("plugins/", "roles/", "playbooks/", "meta/", "extensions/eda/", "examples/")
# Pages about the repository (the sandbox, the layout, the reliability tests) and the demo's script.
REPO_ONLY = {"docs/sandbox.md", "docs/architecture.md", "docs/reliability.md", "examples/demo.sh"}


def collection_files(paths):
    return sorted(path for path in paths if path not in REPO_ONLY and (
        path in SHIPPED_FILES or path.startswith(SHIPPED_TREES) or re.fullmatch(r"docs/[^/]+\.md", path)))


def tarball_files(tarball):
    with tarfile.open(tarball) as archive:
        return sorted(member.name for member in archive.getmembers() if member.isfile())


def assert_exactly_the_collection(shipped, repository_files):
    expected = collection_files(repository_files) + ["FILES.json", "MANIFEST.json"]
    extra = sorted(set(shipped) - set(expected))
    missing = sorted(set(expected) - set(shipped))
    assert not extra and not missing, "tarball: not collection content %s; collection files missing %s" % (
        extra, missing)


def test_galaxy_importer_passes_and_the_tarball_holds_exactly_the_collection():
    # A tool cache in the tree (ansible-lint leaves .ansible/) must not reach the tarball.
    os.makedirs(os.path.join(REPO, ".ansible", "gate-canary"), exist_ok=True)
    with open(os.path.join(REPO, ".ansible", "gate-canary", "cache.txt"), "w", encoding="utf-8") as handle:
        handle.write("a tool cache\n")
    # The importer's own ansible-lint run only logs warnings (it fails the import on a crash alone), over
    # a subset of what test_ansible_lint_production_profile lints with the same profile and no skipped
    # rules; that gate fails on any finding, so here the importer leaves it out (its documented override).
    # Its flake8 runs with --exit-zero, one process per plugin file, and only logs warnings, so it can fail
    # nothing (~9 CPU-s); test_ansible_test_sanity's pep8 and pylint fail on those findings.
    output = make("galaxy", env={"GALAXY_IMPORTER_RUN_ANSIBLE_LINT": "false", "GALAXY_IMPORTER_RUN_FLAKE8": "false"})
    assert "Importer processing completed successfully" in output, output

    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        galaxy = yaml.safe_load(handle)
    shipped = tarball_files(os.path.join(BUILD, "galaxy", "portaplus-softswitch-%s.tar.gz" % galaxy["version"]))
    assert_exactly_the_collection(shipped, git_files())

    # Shipped pages only link to files that are shipped too.
    broken = []
    for name in shipped:
        if name.endswith(".md"):
            with open(os.path.join(REPO, name), encoding="utf-8") as handle:
                text = handle.read()
            for target in _relative_links(text):
                resolved = os.path.normpath(os.path.join(os.path.dirname(name), target))
                if resolved not in shipped:
                    broken.append("%s -> %s" % (name, target))
    assert not broken, "shipped pages link to files the tarball does not have: %s" % broken


def test_make_demo_then_the_tarball_holds_exactly_the_collection(tmp_path):
    """What a new user does on a fresh clone: the demo, then the README's build command."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", REPO, str(clone)], check=True)
    # The clone uses this checkout's venv (-o venv: not reinstalled), so only the demo's cost counts.
    demo = subprocess.run(["make", "--no-print-directory", "-s", "demo", "BIN=" + os.path.dirname(sys.executable),
                           "-o", "venv"], cwd=clone, capture_output=True, text=True, timeout=900,
                          stdin=subprocess.DEVNULL, check=False)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    reports = sorted(os.listdir(clone / ".build" / "reports"))
    assert any(name.endswith(".html") for name in reports), reports
    # Whatever else the tree grows: a new top-level folder, a page in it, a stray report.
    (clone / "scratch").mkdir()
    (clone / "scratch" / "notes.md").write_text("# notes\n")
    (clone / "reports").mkdir()
    (clone / "reports" / "calls.csv").write_text("account,duration\n")

    subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-galaxy"), "collection", "build",
                    "--force", "--output-path", str(tmp_path / "dist")], cwd=clone, check=True, capture_output=True)
    (tarball,) = (tmp_path / "dist").glob("portaplus-softswitch-*.tar.gz")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=clone, capture_output=True, check=True).stdout.decode()
    assert_exactly_the_collection(tarball_files(str(tarball)), [path for path in tracked.split("\0") if path])


def _relative_links(markdown):
    for target in re.findall(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)", markdown):
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not target.startswith("#"):
            yield target.split("#", 1)[0]


def test_execution_environment_build_context_installs_the_collection_and_requests(tmp_path):
    make("ee")
    context = os.path.join(BUILD, "ee")
    with open(os.path.join(context, "Containerfile"), encoding="utf-8") as handle:
        containerfile = handle.read()
    assert "ansible-galaxy collection install" in containerfile
    with open(os.path.join(context, "_build", "requirements.yml"), encoding="utf-8") as handle:
        requirements = yaml.safe_load(handle)
    source = requirements["collections"][0]["name"]
    tarball = os.path.join(context, "_build", source)
    assert os.path.isfile(tarball), "the galaxy requirement %s is not in the build context" % source

    # What the image build does next: install the tarball, then introspect its Python needs.
    collections = tmp_path / "collections"
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-galaxy"), "collection", "install",
                    "--offline", "-p", str(collections), tarball], check=True, capture_output=True)
    introspect = subprocess.run([sys.executable, os.path.join(context, "_build", "scripts", "introspect.py"),
                                 "introspect", str(collections)], check=True, capture_output=True, text=True)
    python_needs = yaml.safe_load(introspect.stdout)["python"]
    assert any(fnmatch.fnmatch(line, "requests*") for line in python_needs), introspect.stdout


def test_no_file_refers_to_the_shared_reference_folder():
    proc = subprocess.run(["git", "grep", "-n", r"\.\./shared", "--", "."], cwd=REPO, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 1, "files refer to the reference folder beside the checkout:\n" + proc.stdout


GIT_IDENTITY = ["-c", "user.name=gate", "-c", "user.email=gate@example.invalid"]


@pytest.mark.parametrize("changed_file", ["plugins/modules/account.py", "roles/customer/tasks/main.yml"])
def test_fragment_check_fails_without_a_fragment_and_passes_with_one(tmp_path, changed_file):
    """On a fresh clone with no branch to compare with, the base is the last release commit."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", REPO, str(clone)], check=True)
    # A release, as antsibull-changelog makes it: changelog.yaml rewritten, fragments consumed.
    fragments = clone / "changelogs" / "fragments"
    for fragment in fragments.glob("*.y*ml"):
        fragment.unlink()
    with open(clone / "changelogs" / "changelog.yaml", "a", encoding="utf-8") as handle:
        handle.write("# released\n")
    subprocess.run(["git"] + GIT_IDENTITY + ["commit", "-qam", "Release"], cwd=clone, check=True)

    target = clone / changed_file
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write("\n# a change users may notice\n")
    subprocess.run(["git"] + GIT_IDENTITY + ["add", "-A"], cwd=clone, check=True)
    subprocess.run(["git"] + GIT_IDENTITY + ["commit", "-qm", "A change"], cwd=clone, check=True)
    env = {key: value for key, value in os.environ.items() if key != "CHANGELOG_BASE"}
    check = [sys.executable, os.path.join("tools", "check_fragments.py")]

    without = subprocess.run(check, cwd=clone, capture_output=True, text=True, env=env, check=False)
    assert without.returncode == 1 and changed_file in without.stdout, without.stdout + without.stderr

    (fragments / "a-change.yml").write_text("minor_changes:\n  - account - a change.\n")
    with_fragment = subprocess.run(check, cwd=clone, capture_output=True, text=True, env=env, check=False)
    assert with_fragment.returncode == 0, with_fragment.stdout + with_fragment.stderr


def test_fragment_check_compares_with_the_target_branch_when_told(tmp_path):
    """CHANGELOG_BASE=<branch>: only changes since the merge base count, and need a fragment."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", REPO, str(clone)], check=True)
    subprocess.run(["git", "branch", "target"], cwd=clone, check=True)
    with open(clone / "plugins" / "modules" / "account.py", "a", encoding="utf-8") as handle:
        handle.write("\n# a change\n")
    env = dict(os.environ, CHANGELOG_BASE="target")
    without = subprocess.run([sys.executable, "tools/check_fragments.py"], cwd=clone, capture_output=True,
                             text=True, env=env, check=False)
    assert without.returncode == 1 and "plugins/modules/account.py" in without.stdout, without.stdout
