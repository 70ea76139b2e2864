"""Fail when plugins/ or roles/ changed without a changelog fragment.

The base is the commit to compare with:

* ``CHANGELOG_BASE`` (a ref or commit) when CI knows the target branch, e.g. ``origin/main``;
  the merge base with HEAD is used, so only this branch's changes count;
* otherwise the last release: the newest commit that changed ``changelogs/changelog.yaml``
  (``antsibull-changelog release`` rewrites it and removes the fragments it consumed). This
  needs no branch or remote, so it works on a fresh clone of main in CI.

Changes are those between the base and the work tree (committed, staged, unstaged and new
files), so the check gives the same answer before and after ``git commit``. A change passes
when at least one fragment was added or changed since the base; fragments themselves are
checked by ``antsibull-changelog lint`` and yamllint.
"""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHANGELOG = "changelogs/changelog.yaml"
FRAGMENTS = "changelogs/fragments/"
NEEDS_FRAGMENT = ("plugins/", "roles/")


def git(*args):
    result = subprocess.run(("git",) + args, cwd=REPO, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit("git %s failed: %s" % (" ".join(args), result.stderr.strip()))
    return result.stdout


def base_commit():
    wanted = os.environ.get("CHANGELOG_BASE")
    if wanted:
        return git("merge-base", wanted, "HEAD").strip(), "merge base with %s" % wanted
    if git("rev-parse", "--is-shallow-repository").strip() == "true":
        raise SystemExit("The clone is shallow: the last release commit may be missing. "
                         "Clone with full history, or set CHANGELOG_BASE to the target branch.")
    release = git("log", "-1", "--format=%H", "--", CHANGELOG).strip()
    if not release:
        raise SystemExit("%s has no history: cut a first release with antsibull-changelog." % CHANGELOG)
    return release, "last release commit %s" % release[:12]


def changed_since(base):
    tracked = git("diff", "--name-only", "--no-renames", base).split()
    untracked = git("ls-files", "--others", "--exclude-standard").split()
    return sorted(set(tracked) | set(untracked))


def main():
    base, described = base_commit()
    changed = changed_since(base)
    code = [path for path in changed if path.startswith(NEEDS_FRAGMENT)]
    fragments = [path for path in changed if path.startswith(FRAGMENTS) and path.endswith((".yml", ".yaml"))
                 and os.path.exists(os.path.join(REPO, path))]
    if code and not fragments:
        print("These files changed since the %s, but no changelog fragment was added:" % described)
        for path in code:
            print("  " + path)
        print("Add changelogs/fragments/<branch>.yml (see changelogs/config.yaml for the sections; "
              "use 'trivial:' for changes users do not see).")
        return 1
    print("changelog fragments: %d plugin/role file(s) changed since the %s, %d fragment(s) added"
          % (len(code), described, len(fragments)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
