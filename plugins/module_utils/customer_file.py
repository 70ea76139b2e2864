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


def _as_tag_text(loader, node):
    return "(%s)" % node.tag


if yaml is not None:
    # libyaml's loader where PyYAML has it: ten times faster on a customer of thousands of accounts.
    class CustomerFileLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        """The safe loader, reading Ansible's ``!vault`` and ``!unsafe`` values as text."""

    for _tag in ("!vault", "!unsafe"):
        CustomerFileLoader.add_constructor(_tag, _as_tag_text)


def load_yaml(text, source):
    """Parse a customer file. A vault-encrypted value (``!vault``) stands in as text: it is
    checked as text here and decrypted only where Ansible itself loads the file."""
    if yaml is None:
        raise CustomerFileError(source, ["cannot be read: the Python module yaml (PyYAML) is not installed"])
    try:
        return yaml.load(text, Loader=CustomerFileLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = "line %d, column %d: " % (mark.line + 1, mark.column + 1) if mark else ""
        raise CustomerFileError(source, ["%sis not valid YAML: %s" % (where, getattr(exc, "problem", None) or exc)])


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
