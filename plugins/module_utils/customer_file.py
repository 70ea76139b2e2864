# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a customer file (the input of the ``customer`` role) against its schema.

The schema is the role's ``meta/argument_specs.yml`` (entry point ``customer_file``), in
Ansible's argument-spec shape (``type``, ``required``, ``default``, ``choices``,
``elements``, ``options``, ``no_log``). Ansible's own validator names neither the list
index nor the file, so this walks the data itself and reports every problem at once as
``customers/acme.yml: accounts[3].email: ...``. Scalars are strict: an account ID or an
extension number written without quotes is an error rather than a silently changed value
(YAML reads ``0101`` as the octal number 65).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import os
import stat

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import CustomerFileError

try:
    import yaml
except ImportError:  # ansible-core depends on PyYAML, so this only happens on unusual hosts
    yaml = None

#: list key -> the field that must be unique among its items
UNIQUE_FIELDS = {"accounts": "account_id", "extensions": "number"}


def _join(path, key):
    return "%s.%s" % (path, key) if path else key


def _kind(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def _shown(value, secret):
    return "(hidden)" if secret else "%r (%s)" % (value, _kind(value))


def _scalar_problem(value, wanted):
    """None when ``value`` has type ``wanted``; otherwise what is wrong."""
    is_bool = isinstance(value, bool)
    if wanted == "str":
        ok = isinstance(value, str)
        hint = "; quote it in YAML" if isinstance(value, (int, float)) and not is_bool else ""
        return None if ok else "must be text%s" % hint
    if wanted == "int":
        return None if isinstance(value, int) and not is_bool else "must be a whole number"
    if wanted == "float":
        return None if isinstance(value, (int, float)) and not is_bool else "must be a number"
    if wanted == "bool":
        return None if is_bool else "must be true or false"
    if wanted == "raw":
        return None if isinstance(value, (str, int, float)) and not is_bool else "must be a name or an id"
    return None


def _check(value, option, path, problems):
    """Check ``value`` against one option of the spec; return it with defaults applied."""
    wanted = option.get("type", "str")
    secret = bool(option.get("no_log"))
    if wanted == "list":
        if not isinstance(value, list):
            problems.append("%s: must be a list, got %s" % (path, _shown(value, secret)))
            return value
        element = dict(option, type=option.get("elements", "str"))
        element.pop("elements", None)
        return [_check(item, element, "%s[%d]" % (path, index), problems) for index, item in enumerate(value)]
    if wanted == "dict":
        if not isinstance(value, dict):
            problems.append("%s: must be a mapping of keys to values, got %s" % (path, _shown(value, secret)))
            return value
        return check_mapping(value, option.get("options") or {}, path, problems)
    problem = _scalar_problem(value, wanted)
    if problem:
        problems.append("%s: %s, got %s" % (path, problem, _shown(value, secret)))
        return value
    choices = option.get("choices")
    if choices and value not in choices:
        problems.append("%s: must be one of %s, got %s" % (path, ", ".join(str(c) for c in choices),
                                                           _shown(value, secret)))
    return value


def check_mapping(data, options, path, problems):
    """Check a mapping against ``options``; unknown keys, missing required keys and types."""
    result = {}
    for key in data:
        if key not in options:
            close = difflib.get_close_matches(str(key), list(options), n=1)
            hint = "did you mean %r? " % close[0] if close else ""
            problems.append("%s: unknown key; %sexpected one of: %s" % (_join(path, key), hint, ", ".join(sorted(options))))
    for name, option in options.items():
        value = data.get(name)
        if value is None:
            if option.get("required"):
                problems.append("%s: is required but missing" % _join(path, name))
            elif "default" in option:
                result[name] = option["default"]
            elif option.get("type") == "dict" and option.get("options"):
                # an omitted section gets its defaults, so users of the result need no fallbacks
                result[name] = check_mapping({}, option["options"], _join(path, name), problems)
            continue
        result[name] = _check(value, option, _join(path, name), problems)
    return result


def check_unique(data, problems):
    """An account ID or an extension number may appear only once in the file."""
    for list_key, field in UNIQUE_FIELDS.items():
        seen = {}
        items = data.get(list_key)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict) or item.get(field) is None:
                continue
            value = item[field]
            if value in seen:
                problems.append("%s[%d].%s: %r is already used by %s[%d]"
                                % (list_key, index, field, value, list_key, seen[value]))
            else:
                seen[value] = index


#: The options of the customer_file module (its action plugin does the work on the controller).
CHECK_ARGUMENT_SPEC = dict(
    path=dict(type="path"),
    data=dict(type="raw"),
    schema=dict(type="dict"),
    source=dict(type="str"),
    templating=dict(type="bool", default=False),
)
CHECK_MUTUALLY_EXCLUSIVE = [("path", "data")]
CHECK_REQUIRED_ONE_OF = [("path", "data")]


#: A customer file larger than this is refused before it is parsed (a customer of 10,000 accounts is ~2 MB).
MAX_FILE_BYTES = 10 * 1024 * 1024
#: YAML aliases (``*name``) a customer file may use, and the nodes its content may expand to: an alias
#: bomb ("billion laughs") is a few lines that expand to billions of values once anything walks them.
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 2000000
#: What marks a Jinja template in a value: refused unless the task opts in to templating.
TEMPLATE_MARKS = ("{{", "{%")

_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


class VaultValue:
    """A ``!vault`` value as written: its ciphertext, decrypted (or not) once the file is loaded."""

    def __init__(self, ciphertext, line):
        self.ciphertext = ciphertext
        self.line = line


class UnsafeText(str):
    """A ``!unsafe`` value: text as written, never templated."""


def _vault_value(loader, node):
    return VaultValue(loader.construct_scalar(node), node.start_mark.line + 1)


def _unsafe_value(loader, node):
    return UnsafeText(loader.construct_scalar(node))


if yaml is not None:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    # libyaml's parser where PyYAML has it: ten times faster on a customer of thousands of accounts.
    class StrictLoader(_BaseLoader):  # pylint: disable=too-many-ancestors
        """The safe loader that refuses a key given twice in one mapping, naming both lines.

        ``!vault`` values become ``VaultValue`` (decrypted after loading), ``!unsafe`` ones ``UnsafeText``.
        """

        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                lines = {}
                for key_node, _value_node in node.value:
                    if key_node.tag == u"tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=True)
                    try:
                        first = lines.setdefault(key, key_node.start_mark.line + 1)
                    except TypeError:  # an unhashable key: SafeConstructor refuses it with its own message
                        continue
                    if first != key_node.start_mark.line + 1:
                        raise DuplicateKeyError(key, first, key_node.start_mark.line + 1)
            return super(StrictLoader, self).construct_mapping(node, deep=deep)

    StrictLoader.add_constructor("!vault", _vault_value)
    StrictLoader.add_constructor("!unsafe", _unsafe_value)


class DuplicateKeyError(Exception):
    def __init__(self, key, first, second):
        self.problem = "line %d: key %r is given twice, on lines %d and %d; a key may appear once in a mapping " \
                       "(is one of them a merge accident?)" % (second, key, first, second)
        super(DuplicateKeyError, self).__init__(self.problem)


def _yaml_problem(exc):
    mark = getattr(exc, "problem_mark", None)
    where = "line %d, column %d: " % (mark.line + 1, mark.column + 1) if mark else ""
    return "%sis not valid YAML: %s" % (where, getattr(exc, "problem", None) or exc)


def check_aliases(node, source):
    """Refuse more than MAX_ALIASES aliases, content that expands beyond MAX_EXPANDED_NODES, and cycles.

    Counts each node once (memoised), so the check is linear in the size of the file, bomb or not.
    """
    expanded = {}
    aliases = [0]

    def size(current):
        expanded[id(current)] = None  # in progress: meeting it again below is a cycle
        total = 1
        if isinstance(current, yaml.SequenceNode):
            children = current.value
        elif isinstance(current, yaml.MappingNode):
            children = [child for pair in current.value for child in pair]
        else:
            children = ()
        for child in children:
            if id(child) in expanded:
                aliases[0] += 1
                if expanded[id(child)] is None:
                    raise CustomerFileError(source, ["line %d: an alias refers to the value that contains it; write "
                                                     "the value out" % (current.start_mark.line + 1)])
                if aliases[0] > MAX_ALIASES:
                    raise CustomerFileError(source, ["line %d: uses more than %d YAML aliases (*name); a customer file "
                                                     "is data: write the values out"
                                                     % (current.start_mark.line + 1, MAX_ALIASES)])
                total += expanded[id(child)]
            else:
                total += size(child)
            if total > MAX_EXPANDED_NODES:
                raise CustomerFileError(source, ["line %d: its aliases (*name) expand to more than %d values; a "
                                                 "customer file is data: write the values out"
                                                 % (current.start_mark.line + 1, MAX_EXPANDED_NODES)])
        expanded[id(current)] = total
        return total

    try:
        size(node)
    except RecursionError:
        raise CustomerFileError(source, ["nests lists and mappings too deeply to be a customer file"]) from None


def decode_text(data, source):
    """The file's bytes as text: UTF-8 (a UTF-8 byte order mark is fine), or an error naming the offset."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            raise CustomerFileError(source, ["is %s text (it starts with a %s byte order mark); save it as UTF-8"
                                             % (encoding, encoding)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CustomerFileError(source, ["is not UTF-8 text: byte 0x%02x at offset %d (line %d) is not valid UTF-8; "
                                         "save the file as UTF-8" % (data[exc.start], exc.start, line)]) from None


def read_bytes(path, source):
    """The bytes of a customer file (a symlink is followed), refusing what is not a file or too large."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise CustomerFileError(source, ["is not a regular file"])
        if info.st_size > MAX_FILE_BYTES:
            raise CustomerFileError(source, ["is %d bytes, more than the %d MB a customer file may have"
                                             % (info.st_size, MAX_FILE_BYTES // (1024 * 1024))])
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (IOError, OSError) as exc:
        raise CustomerFileError(source, ["cannot be read: %s" % (exc.strerror or exc)]) from None
    if len(data) > MAX_FILE_BYTES:
        raise CustomerFileError(source, ["is more than the %d MB a customer file may have" % (MAX_FILE_BYTES // (1024 * 1024))])
    return data


def parse_strict(text, source):
    """YAML text as data: duplicate keys and alias bombs refused; ``!vault`` values left as VaultValue."""
    if yaml is None:
        raise CustomerFileError(source, ["cannot be read: the Python module yaml (PyYAML) is not installed"])
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_aliases(node, source)
        return loader.construct_document(node)
    except DuplicateKeyError as exc:
        raise CustomerFileError(source, [exc.problem]) from None
    except yaml.YAMLError as exc:
        raise CustomerFileError(source, [_yaml_problem(exc)]) from None
    finally:
        loader.dispose()


def _walk(data, path, visit):
    """Call ``visit(value, path)`` for each scalar; it returns the value to keep (containers are rebuilt)."""
    if isinstance(data, dict):
        return dict((key, _walk(value, _join(path, key), visit)) for key, value in data.items())
    if isinstance(data, list):
        return [_walk(value, "%s[%d]" % (path, index), visit) for index, value in enumerate(data)]
    return visit(data, path)


def finish_values(data, source, decrypt=None, template=None):
    """Decrypt ``!vault`` values, and refuse (or, with ``template``, render) Jinja templates in the others.

    ``decrypt(ciphertext) -> text`` comes from the play's vault secrets; without it a vault value reads as
    ``(!vault)`` (checking only). ``template(text) -> value`` is given only when the task opts in to templating;
    ``!unsafe`` and vault values are never templated. Returns plain data (str, int, ... in dicts and lists).
    """
    problems = []

    def visit(value, path):
        if isinstance(value, VaultValue):
            if decrypt is None:
                return "(!vault)"
            try:
                return decrypt(value.ciphertext)
            except Exception as exc:  # pylint: disable=broad-except
                problems.append("%s: the !vault value on line %d cannot be decrypted: %s"
                                % (path, value.line, exc.__class__.__name__ if "\n" in str(exc) else exc))
                return None
        if isinstance(value, UnsafeText):
            return str(value)
        if isinstance(value, str) and any(mark in value for mark in TEMPLATE_MARKS):
            if template is not None:
                return template(value)
            problems.append("%s: holds a Jinja template ({{ or {%%}); customer files are data, so templates are "
                            "refused (they would run on the controller). Write the value out, mark it !unsafe to "
                            "keep it as text, or set templating: true on the task for a trusted repository" % path)
        return value

    result = _walk(data, "", visit)
    if problems:
        raise CustomerFileError(source, problems)
    return result


def load_customer_file(path, source=None, decrypt=None, template=None):
    """Read one customer file as data: size, UTF-8, strict YAML, vault values, templates (see finish_values)."""
    source = source or path
    return finish_values(parse_strict(decode_text(read_bytes(path, source), source), source), source, decrypt, template)


def load_yaml(text, source):
    """Parse a customer file's text for checking only: a ``!vault`` value reads as ``(!vault)``, a template as written."""
    return finish_values(parse_strict(text, source), source, template=lambda value: value)


def check_customer_file(data, options, source):
    """Return ``data`` with defaults applied, or raise CustomerFileError listing every problem."""
    problems = []
    if not isinstance(data, dict):
        problems.append("the file must be a mapping of keys to values (customer:, accounts:, extensions:), got %s"
                        % _kind(data))
        raise CustomerFileError(source, problems)
    result = check_mapping(data, options, "", problems)
    check_unique(data, problems)
    if problems:
        raise CustomerFileError(source, problems)
    return result


def secret_values(data, options):
    """Every value of a ``no_log`` option in ``data`` (to hide from the task's output)."""
    found = []
    if isinstance(data, list):
        for item in data:
            found.extend(secret_values(item, options))
    elif isinstance(data, dict):
        for name, value in data.items():
            option = options.get(name) or {}
            if option.get("no_log") and value is not None:
                found.append(str(value))
            elif option.get("options"):
                found.extend(secret_values(value, option["options"]))
    return found


def without_secrets(data, options):
    """``data`` without the values of ``no_log`` options (they must not reach a task result)."""
    if isinstance(data, list):
        return [without_secrets(item, options) for item in data]
    if not isinstance(data, dict):
        return data
    result = {}
    for name, value in data.items():
        option = options.get(name) or {}
        if option.get("no_log"):
            continue
        result[name] = without_secrets(value, option.get("options") or {}) if option.get("options") else value
    return result
