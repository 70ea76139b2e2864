"""Expose this checkout as ansible_collections/portaplus/softswitch.

ansible-test, ansible-playbook and `import ansible_collections.portaplus.softswitch` all need
the collection under that path. A symlink in a temp dir (outside the checkout, so no tool
walking the tree loops) gives it to them without copying. Run as a script it prints the
collections root (for ANSIBLE_COLLECTIONS_PATH); imported, `ensure()` returns it.
"""
import hashlib
import os
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


if __name__ == "__main__":
    print(ensure())
