"""Expose this checkout as ansible_collections/portaplus/softswitch.

ansible-playbook and `import ansible_collections.portaplus.softswitch` need the collection
under that path: a symlink in a temp dir (outside the checkout, so no tool walking the tree
loops) gives it to them. Run as a script it prints that collections root.

ansible-test resolves the real working directory, so a symlink will not do for it:
`--sanity-copy` copies the files git tracks (plus new, not ignored ones) into a fresh tree
and prints the collection directory there. It leaves out what is not collection content:
the sandbox (its own package, with its own tests) and the benchmarks, neither of which galaxy.yml's manifest ships.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOT_COLLECTION_CONTENT = ("sandbox/", "benchmarks/")


def collections_root():
    tag = hashlib.sha1(REPO.encode()).hexdigest()[:10]
    return os.path.join(tempfile.gettempdir(), "portaplus-softswitch-" + tag)


def collection_dir():
    return os.path.join(collections_root(), "ansible_collections", "portaplus", "softswitch")


def ensure():
    link = collection_dir()
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.realpath(link) != REPO:
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(REPO, link)
    return collections_root()


def sanity_copy():
    target = os.path.join(collections_root() + "-sanity", "ansible_collections", "portaplus", "softswitch")
    shutil.rmtree(target, ignore_errors=True)
    listing = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                             cwd=REPO, check=True, capture_output=True).stdout.decode()
    for relative in filter(None, listing.split("\0")):
        source = os.path.join(REPO, relative)
        if not os.path.isfile(source) or relative.startswith(NOT_COLLECTION_CONTENT):
            continue  # deleted in the work tree but still in the index, or not collection content
        destination = os.path.join(target, relative)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(source, destination)
    return target


if __name__ == "__main__":
    print(sanity_copy() if sys.argv[1:] == ["--sanity-copy"] else ensure())
