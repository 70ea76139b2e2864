"""Running the real Ansible command-line tools with this collection against a sandbox, as a
user would: the environment of the run and how to read what the tools print.

Both the tests and the benchmarks (`benchmarks/`, with the checkout on sys.path) import it, so
the two measure and check the same kind of run.
"""
import os
import sys

from tests.collection_path import ensure

DEMO_LICENSE = "DEMO-LICENSE"


def playbook_env(url, extra=None, license=DEMO_LICENSE):
    """The environment of a user's ansible-playbook run against the sandbox at `url`: this
    collection on the collections path, this interpreter for modules, no colour or
    localhost warnings in the output, and the connection options in PORTAPLUS_*."""
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": ensure(),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "PORTAPLUS_URL": url,
        "PORTAPLUS_LICENSE": license,
    })
    env.update(extra or {})
    return env


def plain(value):
    """ansible-inventory 2.19 writes strings from plugins (not trusted as templates) as
    {"__ansible_unsafe": text}; the value is the text."""
    if isinstance(value, dict):
        if list(value) == ["__ansible_unsafe"]:
            return value["__ansible_unsafe"]
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
