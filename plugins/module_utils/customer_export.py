# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A customer's live accounts and extensions as a customer file (``customer_export``).

The text is written here, not by a YAML library's dumper, so that it reads like the files
people write (docs/customers.md): IDs and numbers in double quotes, text as it is (no ``\\u``
escapes), one account per block in a stable order, so that exporting twice gives the same
bytes and a re-export shows in ``git diff`` as what changed. No password of any kind is written;
a comment says where a vault value goes. The policy is the default (``merged``,
``max_deletions: 0``), so applying an exported file never removes anything.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

try:
    import yaml
except ImportError:  # ansible-core depends on PyYAML
    yaml = None

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import ACCOUNT_FIELDS, read_accounts
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_files import export_path, write_file
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_list import read_customers
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.checks import check_customer_id
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError
from ansible_collections.portaplus.softswitch.plugins.module_utils.extension import EXTENSION_FIELDS, NO_ACCOUNT, read_extensions

#: Account fields a customer file carries: the field table's, less secrets (never exported) and
#: ``extension`` (a customer file declares extensions in ``extensions:`` only).
ACCOUNT_FILE_FIELDS = tuple(name for name, field in ACCOUNT_FIELDS.items() if not field.secret and name != "extension")
EXTENSION_FILE_FIELDS = tuple(EXTENSION_FIELDS)
#: Values that are identifiers or numbers written as text: always quoted, whatever they look like.
ID_FIELDS = ("account_id", "number")
#: The default policy of a customer file, written out in full so the reader sees what applies.
DEFAULT_POLICY = (
    ("accounts", (("state", "merged"), ("max_deletions", 0), ("update_password", "always"))),
    ("extensions", (("state", "merged"), ("max_deletions", 0))),
)

# Characters YAML takes as they are inside double quotes (its printable set, less line breaks).
_PRINTABLE = re.compile(u"^[\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")
_ESCAPES = {u'"': u'\\"', u"\\": u"\\\\", u"\n": u"\\n", u"\t": u"\\t", u"\r": u"\\r", u"\u0085": u"\\N",
            u"\u2028": u"\\L", u"\u2029": u"\\P"}
_TEMPLATE_MARKERS = (u"{{", u"{%", u"{#")


def quoted(text):
    """``text`` as a YAML double-quoted scalar: characters as they are, escapes only where YAML needs them."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _PRINTABLE.match(char):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(u"\\x%02x" % ord(char))
        elif ord(char) < 0x10000:
            out.append(u"\\u%04x" % ord(char))
        else:
            out.append(u"\\U%08x" % ord(char))
    return u'"%s"' % u"".join(out)


def _reads_back(text, in_list):
    """True when ``text`` written plain reads back as the same text (not a number, a date, null, ...)."""
    document = u"[%s]" % text if in_list else u"key: %s" % text
    try:
        value = yaml.safe_load(document)
    except yaml.YAMLError:
        return False
    value = value[0] if in_list and isinstance(value, list) and len(value) == 1 else (
        value.get("key") if isinstance(value, dict) and len(value) == 1 else None)
    return value == text and isinstance(value, type(text))


def text(value, in_list=False, always_quote=False):
    """A text value: plain where that reads back exactly, double-quoted otherwise.

    Text that Ansible would take for a template (``{{``) is marked ``!unsafe`` so that it stays
    as it is when Ansible loads the file.
    """
    value = u"%s" % value
    if any(marker in value for marker in _TEMPLATE_MARKERS):
        return u"!unsafe %s" % quoted(value)
    plain = (not always_quote and value and value == value.strip() and _PRINTABLE.match(value)
             and u" #" not in value and yaml is not None and _reads_back(value, in_list))
    return value if plain else quoted(value)


def scalar(name, value):
    if isinstance(value, bool):
        return u"true" if value else u"false"
    if isinstance(value, float):
        return u"%d" % value if value.is_integer() else repr(value)
    if isinstance(value, int):
        return u"%d" % value
    if isinstance(value, (list, tuple)):
        return u"[%s]" % u", ".join(text(item, in_list=True) for item in sorted(value))
    return text(value, always_quote=name in ID_FIELDS)


def _item(fields, item):
    lines = []
    for name in fields:
        if name not in item or item[name] is None:
            continue
        lines.append(u"%s%s: %s" % (u"  - " if not lines else u"    ", name, scalar(name, item[name])))
    return lines


def account_entry(account):
    """The entry of one live account (as ``account.read_accounts`` returns it)."""
    return dict((name, account.get(name)) for name in ("account_id",) + ACCOUNT_FILE_FIELDS)


def extension_entry(extension):
    """The entry of one live extension; ``account_id`` only when it is bound to an account."""
    entry = dict((name, extension.get(name)) for name in ("number",) + EXTENSION_FILE_FIELDS)
    if (entry.get("account_id") or NO_ACCOUNT) == NO_ACCOUNT:
        entry.pop("account_id", None)
    return entry


def render_customer_file(customer, name, accounts, extensions):
    """The customer file of ``customer`` (its id), ``name``, and its live ``accounts`` and
    ``extensions`` (items of ``read_accounts`` and ``read_extensions``), as text.

    Accounts are sorted by account ID and extensions by number; equal input gives equal text.
    """
    title = u" ".join((u"%s" % (name or u"")).split()) or u"Customer"
    lines = [
        u"---",
        u"# %s (customer %d), exported from Porta Plus 2 by portaplus.softswitch.customer_export." % (
            title if _PRINTABLE.match(title) else quoted(title), customer),
        u"# Passwords are never exported. To manage an account's SIP password, add to the account",
        u"#   password: !vault |",
        u"#     $ANSIBLE_VAULT;1.1;AES256 ...   (from: ansible-vault encrypt_string --name password)",
        u"# The policy is the default: listed accounts and extensions are created and changed, nothing is removed.",
        u"customer: %d" % customer,
        u"name: %s" % text(name or u""),
        u"policy:",
    ]
    for resource, settings in DEFAULT_POLICY:
        lines.append(u"  %s:" % resource)
        lines.extend(u"    %s: %s" % (key, scalar(key, value)) for key, value in settings)
    for key, fields, entries in (
            (u"accounts", ("account_id",) + ACCOUNT_FILE_FIELDS,
             [account_entry(item) for item in sorted(accounts, key=lambda item: item["account_id"])]),
            (u"extensions", ("number",) + EXTENSION_FILE_FIELDS,
             [extension_entry(item) for item in sorted(extensions, key=lambda item: item["number"])])):
        if not entries:
            lines.append(u"%s: []" % key)
            continue
        lines.append(u"%s:" % key)
        for entry in entries:
            lines.extend(_item(fields, entry))
    return u"\n".join(lines) + u"\n"


def export_customer(client, params, check_mode, diff=False):
    customer = check_customer_id("customer", params["customer"])
    dest = params["dest"]
    name = params.get("name")
    if name is None:
        found = [item for item in read_customers(client) if item["id"] == customer]
        if not found:
            raise InputError("customer", "no customer with this id is visible to the License", customer)
        name = found[0]["name"]
    if os.path.isdir(dest):
        dest = export_path(dest, customer, name)
    elif not os.path.isdir(os.path.dirname(os.path.abspath(dest))):
        raise InputError("dest", "the directory of %s does not exist" % dest)
    accounts = read_accounts(client, customer)
    extensions = read_extensions(client, customer)
    content = render_customer_file(customer, name, accounts, extensions)
    before = None
    if diff and not os.path.islink(dest) and os.path.isfile(dest):
        with open(dest, encoding="utf-8", errors="replace") as handle:
            before = handle.read()
    changed = write_file(dest, content.encode("utf-8"), check_mode=check_mode)
    result = dict(changed=changed, dest=os.path.abspath(dest), customer=customer, name=name,
                  accounts=len(accounts), extensions=len(extensions))
    if diff and changed:
        result["diff"] = dict(before=before or "", after=content, before_header=dest, after_header=dest)
    return result
