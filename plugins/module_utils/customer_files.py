# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A directory of customer files as inventory hosts, and local files written safely.

``playbooks/provision.yml`` and ``plan.yml`` make one inventory host per customer file, named
after the file, so ``--forks`` works on several customers at once. Finding the files, naming
the hosts and refusing what would be silently wrong (a directory that is missing or holds no
customer file, two files that would become one host, a ``--limit`` that leaves out the play
that finds the files) happen here, where unit tests reach them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_file import CustomerFileError, load_yaml
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine import files
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError

#: Endings of customer files, as docs/customers.md describes them.
CUSTOMER_FILE_SUFFIXES = (".yml", ".yaml")
#: The group provision.yml and plan.yml put the customer hosts in (also the inventory's group).
CUSTOMERS_GROUP = "customers"
#: The host that finds the files; a customer host of that name would be mistaken for it.
CONTROLLER_HOSTS = ("localhost", "127.0.0.1")


def from_controller_cwd(args, names, cwd=None):
    """``args`` with the relative paths among ``names`` made absolute against ``cwd`` (default: this process's).

    Run by action plugins on the controller, where the process's directory is the one the user runs
    ansible-playbook in. A module cannot do this itself: with a local connection it runs in the
    playbook's directory, so ``-e customers_dir=customers`` would name a directory beside the
    playbook (inside the installed collection) instead of the user's.
    """
    args = dict(args)
    for name in names:
        value = args.get(name)
        if isinstance(value, str) and value and not os.path.isabs(os.path.expanduser(value)):
            args[name] = os.path.normpath(os.path.join(cwd or os.getcwd(), value))
    return args


def shown_path(path, cwd=None):
    """``path`` as the user would write it: relative to ``cwd`` when it is inside it (for messages)."""
    cwd = cwd or os.getcwd()
    if path.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(path, cwd)
    return path


def host_name(path):
    """The inventory host of a customer file: its name without the ending (``acme.yml`` -> ``acme``)."""
    return os.path.splitext(os.path.basename(path))[0]


def find_customer_files(directory, option="customers_dir", cwd=None, allow_empty=False):
    """The customer files of ``directory`` as ``[{"path", "host"}]``, sorted by host.

    A relative ``directory`` is relative to ``cwd`` (the directory the user runs in). Hidden files
    are skipped; a symbolic link to a file counts as the file (named after the link). Fails, naming
    the directory or the files, when the directory is missing or (unless ``allow_empty``) holds no
    customer file, when a link
    leads nowhere, and when two files would become the same host.
    """
    if directory is None or not u"%s" % directory:
        raise InputError(option, "is required: the directory of the customer files (one *.yml file per customer)")
    given = u"%s" % directory
    path = os.path.normpath(os.path.join(cwd or os.getcwd(), os.path.expanduser(given)))
    shown = given if given == path else "%s (%s)" % (given, path)
    if not os.path.exists(path):
        raise InputError(option, "the directory %s does not exist" % shown)
    if not os.path.isdir(path):
        raise InputError(option, "%s is not a directory" % shown)
    files, broken = [], []
    for name in sorted(os.listdir(path)):
        if name.startswith(".") or not name.endswith(CUSTOMER_FILE_SUFFIXES):
            continue
        full = os.path.join(path, name)
        if os.path.islink(full) and not os.path.exists(full):
            broken.append(full)
        elif os.path.isfile(full):
            files.append({"path": full, "host": host_name(full)})
    if broken:
        raise InputError(option, "%s: symbolic link to a file that does not exist: %s" % (shown, ", ".join(broken)))
    if not files and not allow_empty:
        raise InputError(option, "the directory %s holds no customer file (*%s); nothing to do"
                         % (shown, ", *".join(CUSTOMER_FILE_SUFFIXES)))
    check_hosts(files, option)
    return sorted(files, key=lambda item: item["host"])


def check_hosts(files, option="customers_dir"):
    """Fail when two files would become one host (the second would be silently dropped)."""
    by_host = {}
    for item in files:
        by_host.setdefault(item["host"], []).append(item["path"])
    problems = []
    for host, paths in sorted(by_host.items()):
        if len(paths) > 1:
            problems.append("%s would all become the host %s; rename all but one" % (" and ".join(paths), host))
        if host in CONTROLLER_HOSTS:
            problems.append("%s would become the host %s, which runs the playbook itself; rename it" % (paths[0], host))
    if problems:
        raise InputError(option, "; ".join(problems) + ". Nothing was sent to the API")


def limit_problem(groups, limit, always=False):
    """Why ``--limit`` would make provision.yml or plan.yml silently skip work, or None.

    Without an inventory that lists the customers, the customer hosts are made by a play on
    localhost from the files; a limit that leaves localhost out skips that play and, with it,
    every customer. ansible-core applies ``--limit`` to every play, so this cannot be worked
    around in the playbook: the user is told what to write instead. ``always``: localhost has
    work to do even with such an inventory (writing plan.md, reading plan_file).
    """
    if not limit or (not always and (groups or {}).get(CUSTOMERS_GROUP)):
        return None
    patterns = [pattern.strip() for pattern in re.split(r"[:,]", limit) if pattern.strip()]
    if any(pattern in CONTROLLER_HOSTS + ("all",) for pattern in patterns):
        return None
    why = ("the plan is read and written on localhost" if always else
           "without an inventory that lists the customers, the customer hosts are made from the files of "
           "customers_dir by a first play on localhost")
    return ("--limit %s: %s, and this limit leaves localhost out, so the work would be skipped without a word. "
            "Add localhost to the limit: --limit localhost,%s" % (limit, why, limit))


def customer_named_in(path):
    """The customer id the customer file ``path`` names, or None when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = load_yaml(handle.read(), path)
    except (IOError, OSError, UnicodeDecodeError, CustomerFileError):
        return None
    customer = data.get("customer") if isinstance(data, dict) else None
    return customer if isinstance(customer, int) and not isinstance(customer, bool) else None


def export_path(directory, customer, name):
    """Where to export ``customer`` in ``directory``: ``<name>.yml`` (see ``export_file_name``), unless
    that file holds another customer."""
    path = os.path.join(directory, export_file_name(customer, name, ()))
    if os.path.lexists(path) and customer_named_in(path) != customer:
        path = os.path.join(directory, export_file_name(customer, name, (os.path.basename(path),)))
    return path


def export_file_name(customer, name, taken):
    """The file name of an exported customer: its name as a host name (``Acme Ltd`` -> ``acme-ltd.yml``),
    with the customer id added when another customer's file has that name already, or when the
    name has no letter or digit."""
    slug = re.sub(r"[^a-z0-9]+", "-", (name or u"").lower()).strip("-")
    candidate = "%s.yml" % slug if slug else "customer-%s.yml" % customer
    if candidate in taken or host_name(candidate) in CONTROLLER_HOSTS:
        candidate = "%s-%s.yml" % (slug or "customer", customer)
    return candidate


def write_file(path, data, check_mode=False, option="dest"):
    """Make the file ``path`` hold the bytes ``data``; return True when it did not already.

    The collection's one safe write (``engine/files.py``): created beside ``path`` and renamed over
    it, so a reader sees the old file or the new one; never through a link or over a special file
    (refused, naming the path); a file replaced keeps its mode. Nothing is written in check mode.
    """
    files.check_dest(option, path, force=True)
    if os.path.isfile(path) and files.file_content(path) == data:
        return False
    if not check_mode:
        files.write_file(path, data, option=option, force=True, mode=files.default_mode(path))
    return True
