"""Write the docs that restate the field tables, from the tables (make docs-gen).

ansible-test and ansible-doc read DOCUMENTATION and RETURN as literal strings, so the docs cannot be
assembled when a module is loaded. Instead this script rewrites, inside the files, the text between

    # BEGIN GENERATED <block> ...
    # END GENERATED <block>

comment lines (in the style of the cisco.ios resource modules' generated argspecs) with what the
tables say: the options and RETURN members of the account and extension modules, the accounts and extensions of a
customer file (the customer module's options and the customer role's file schema), and the inventory's
host variables. Everything outside the
markers is hand-written.

    python tools/generate_docs.py           rewrite the blocks
    python tools/generate_docs.py --check   list stale blocks and exit 1 (the gate in make test)

Other tables (a new resource's) use the same functions: ``render_options``, ``render_contains`` and
``sample_item`` render a table; add a ``Block`` to ``BLOCKS`` naming where its text goes.
"""
import argparse
import os
import re
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from tests.collection_path import ensure  # noqa: E402  (the collection's import path comes first)

sys.path.insert(0, ensure())

from ansible_collections.portaplus.softswitch.plugins.module_utils import account, extension, inventory  # noqa: E402

MARKER = re.compile(r"^(?P<indent> *)# (?P<edge>BEGIN|END) GENERATED (?P<name>[\w.-]+)")
BEGIN_NOTE = "(tools/generate_docs.py from the field table; edit the table, then run make docs-gen)"
#: Option references are written in the list modules' form; the single-object modules drop ``config[].``.
LIST_ITEM_REFERENCE = "O(config[]."


# -- rendering a table ----------------------------------------------------------------------

class Table:
    """What the generator needs of one resource: its key (name, option, doc), fields and facts."""

    def __init__(self, key, key_option, key_doc, fields, facts):
        self.key = key
        self.key_option = key_option
        self.key_doc = key_doc
        self.fields = fields
        self.facts = facts

    def documented(self):
        """(name, option type or None, doc, field or None) for the key and every field."""
        yield self.key, self.key_option, self.key_doc, None
        for name, field in self.fields.items():
            yield name, field.option, field.doc, field


ACCOUNT = Table(account.AccountSpec.key, account.ACCOUNT_KEY_OPTION, account.ACCOUNT_KEY_DOC, account.ACCOUNT_FIELDS,
                account.ACCOUNT_FACTS)
EXTENSION = Table(extension.ExtensionSpec.key, extension.EXTENSION_KEY_OPTION, extension.EXTENSION_KEY_DOC, extension.EXTENSION_FIELDS,
                  extension.EXTENSION_FACTS)

#: Forms of the options: ``list`` (a list module's config[] items), ``single`` (a single-object module's
#: options), ``file`` (a data file's schema, e.g. the customer role's; descriptions are the first line only,
#: as the other lines name module options), ``file-docs`` (the same in a module's DOCUMENTATION, e.g. the
#: customer module's, which has no ``no_log`` key).
FORMS = ("list", "single", "file", "file-docs")


def option_type(option, field, form):
    """The documented type: the option's own (a file is checked against the customer module's options,
    where a number field is ``raw`` so that its check sees the value before ansible-core converts it)."""
    return option.get("type", "str")


def render_options(table, form, leave_out=()):
    """The options of one table as a docs ``options`` / ``suboptions`` mapping."""
    if form not in FORMS:
        raise ValueError("form must be one of %s" % ", ".join(FORMS))
    options = {}
    for name, option, doc, field in table.documented():
        if name in leave_out:
            continue
        if doc is None:
            raise ValueError("%s has no Doc in its table" % name)
        if form in ("file", "file-docs"):
            entry = {"description": doc.description}
        else:
            lines = [doc.description] + doc.details + (doc.listed if form == "list" else doc.single)
            if form == "single":
                lines = [line.replace(LIST_ITEM_REFERENCE, "O(") for line in lines]
            entry = {"description": lines}
        entry["type"] = option_type(option, field, form)
        if option.get("elements"):
            entry["elements"] = option["elements"]
        if field is None:
            entry["required"] = True
        if option.get("no_log") and form == "file":
            entry["no_log"] = True  # an argument spec; module docs have no such key
        options[name] = entry
    return options


def _returned(table):
    """(name, doc, type, elements) of every value results carry: the key, the non-secret fields, the facts."""
    yield table.key, table.key_doc, table.key_option.get("type", "str"), None
    for name, field in table.fields.items():
        if not field.secret:
            yield name, field.doc, field.result_type, "str" if field.kind == "set" else None
    for name, doc in table.facts.items():
        yield name, doc, doc.type, doc.elements


def render_contains(table):
    """A RETURN ``contains`` mapping: one member per value of a result item."""
    contains = {}
    for name, doc, value_type, elements in _returned(table):
        entry = {"description": doc.result, "type": value_type}
        if elements:
            entry["elements"] = elements
        entry["sample"] = flow(doc.sample)
        contains[name] = entry
    return contains


def sample_item(table, part="all"):
    """One result item made of the samples: ``all`` values, the ``config`` shape (what ``gathered`` gives)
    or the ``facts`` only."""
    names = {
        "all": [name for name, _d, _t, _e in _returned(table)],
        "config": [table.key] + [name for name, field in table.fields.items() if not field.secret],
        "facts": list(table.facts),
    }[part]
    samples = dict((name, doc.sample) for name, doc, _t, _e in _returned(table))
    return dict((name, samples[name]) for name in names)


def host_variables_line():
    """The inventory's sentence naming its host variables, from inventory.host_variable_names()."""
    names = ["C(%s)" % name for name in inventory.host_variable_names()]
    return ("Host variables are %s, and C(cdr_statistics) when O(cdr_statistics_days) is set. Passwords and the "
            "License are never among them." % ", ".join(names))


# -- writing YAML between markers -------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Block style with indented sequences, as the hand-written docs are."""

    def increase_indent(self, flow=False, indentless=False):
        return super(_Dumper, self).increase_indent(flow, False)


class Flow(object):
    """A sample written in flow style (``[{"a": 1}]``), as compact as the hand-written ones were."""

    def __init__(self, value):
        self.value = value


def _represent_flow(dumper, flow):
    value = flow.value
    if isinstance(value, dict):
        return dumper.represent_mapping("tag:yaml.org,2002:map", list(value.items()), flow_style=True)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(Flow, _represent_flow)


def flow(value):
    """``value`` marked for flow style when it is a list or a mapping."""
    return Flow(value) if isinstance(value, (list, dict)) else value


def dump(data, indent):
    text = yaml.dump(data, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True, width=110)
    return "".join(" " * indent + line if line.strip() else line for line in text.splitlines(True))


class Block:
    """Where one generated text goes: a file, the name on its markers, and what renders it."""

    def __init__(self, path, name, render):
        self.path = path
        self.name = name
        self.render = render


def _key_sample(table):
    return table.key_doc.sample


BLOCKS = [
    Block("plugins/modules/accounts.py", "account.options", lambda: render_options(ACCOUNT, "list")),
    Block("plugins/modules/accounts.py", "account.contains", lambda: render_contains(ACCOUNT)),
    Block("plugins/modules/accounts.py", "account.after.sample", lambda: {"sample": flow([sample_item(ACCOUNT)])}),
    Block("plugins/modules/accounts.py", "account.gathered.sample",
          lambda: {"sample": flow([sample_item(ACCOUNT, "config")])}),
    Block("plugins/modules/accounts.py", "account.facts.sample",
          lambda: {"sample": flow({_key_sample(ACCOUNT): sample_item(ACCOUNT, "facts")})}),
    Block("plugins/modules/account.py", "account.options", lambda: render_options(ACCOUNT, "single")),
    Block("plugins/modules/account.py", "account.contains", lambda: render_contains(ACCOUNT)),
    Block("plugins/modules/account_info.py", "account.contains", lambda: render_contains(ACCOUNT)),
    Block("plugins/modules/extensions.py", "extension.options", lambda: render_options(EXTENSION, "list")),
    Block("plugins/modules/extensions.py", "extension.contains", lambda: render_contains(EXTENSION)),
    Block("plugins/modules/extensions.py", "extension.after.sample", lambda: {"sample": flow([sample_item(EXTENSION)])}),
    Block("plugins/modules/extensions.py", "extension.gathered.sample",
          lambda: {"sample": flow([sample_item(EXTENSION, "config")])}),
    Block("plugins/modules/extensions.py", "extension.facts.sample",
          lambda: {"sample": flow({_key_sample(EXTENSION): sample_item(EXTENSION, "facts")})}),
    Block("plugins/modules/extension.py", "extension.options", lambda: render_options(EXTENSION, "single")),
    Block("plugins/modules/extension.py", "extension.contains", lambda: render_contains(EXTENSION)),
    Block("plugins/modules/extension_info.py", "extension.contains", lambda: render_contains(EXTENSION)),
    # extensions are declared in the file's own list, not as an account's field
    Block("plugins/modules/customer.py", "account.file-options",
          lambda: render_options(ACCOUNT, "file-docs", leave_out=("extension",))),
    Block("plugins/modules/customer.py", "extension.file-options", lambda: render_options(EXTENSION, "file-docs")),
    Block("roles/customer/meta/argument_specs.yml", "account.file-options",
          lambda: render_options(ACCOUNT, "file", leave_out=("extension",))),
    Block("roles/customer/meta/argument_specs.yml", "extension.file-options",
          lambda: render_options(EXTENSION, "file")),
    Block("plugins/inventory/accounts.py", "inventory.host-variables", lambda: [host_variables_line()]),
]


def regenerate(text, blocks, where):
    """``text`` with every block of ``blocks`` (by name) rewritten; each must be there exactly once."""
    lines = text.splitlines(True)
    out = []
    seen = set()
    index = 0
    while index < len(lines):
        line = lines[index]
        match = MARKER.match(line)
        out.append(line)
        index += 1
        if not match:
            continue
        name = match.group("name")
        if match.group("edge") == "END" or name not in blocks:
            raise ValueError("%s:%d: unexpected marker %s" % (where, index, line.strip()))
        if name in seen:
            raise ValueError("%s: block %s appears twice" % (where, name))
        seen.add(name)
        indent = len(match.group("indent"))
        while index < len(lines) and not MARKER.match(lines[index]):
            index += 1
        end = MARKER.match(lines[index]) if index < len(lines) else None
        if not end or end.group("edge") != "END" or end.group("name") != name:
            raise ValueError("%s: block %s has no END GENERATED %s line after it" % (where, name, name))
        out.append(dump(blocks[name](), indent))
        out.append(lines[index])
        index += 1
    missing = set(blocks) - seen
    if missing:
        raise ValueError("%s: no BEGIN GENERATED marker for %s" % (where, ", ".join(sorted(missing))))
    return "".join(out)


def generate(root=REPO, write=True):
    """Regenerate every file; return the paths whose text was (or, with ``write=False``, would be) changed."""
    changed = []
    by_path = {}
    for block in BLOCKS:
        by_path.setdefault(block.path, {})[block.name] = block.render
    for path, blocks in by_path.items():
        full = os.path.join(root, path)
        with open(full, encoding="utf-8") as handle:
            text = handle.read()
        new = regenerate(text, blocks, path)
        if new != text:
            changed.append(path)
            if write:
                with open(full, "w", encoding="utf-8") as handle:
                    handle.write(new)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--check", action="store_true", help="only report stale files, exit 1 if any")
    parser.add_argument("--root", default=REPO, help="the checkout to work on (default: this one)")
    args = parser.parse_args(argv)
    try:
        changed = generate(args.root, write=not args.check)
    except ValueError as error:
        print("generate_docs: %s" % error, file=sys.stderr)
        return 2
    if args.check and changed:
        print("Generated docs are not current (a hand edit, or a table changed without make docs-gen): %s"
              % ", ".join(changed), file=sys.stderr)
        return 1
    for path in changed:
        print("rewrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
