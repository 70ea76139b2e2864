# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Field tables and the validators they share.

Every resource declares each of its fields ONCE, as a ``Field`` in its table: option type,
API members, secret or not, the check of user input, and whether it can change after creation.
The modules' argument specs (``item_options``), the API mapping, the comparison, the diff and the
``gathered`` output are all derived from the table, so adding a field touches one place (H1).

The rules several resources share (text without control characters, extension numbers, path
segments) are written here once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.checks import CONTROL_CHARACTERS
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import (
    FORMAT_SUFFIXES, MASK, InputError, path_segment_problem)

#: How diffs show a secret the run changes (``MASK`` when it does not).
MASK_CHANGED = MASK + " (changed)"
#: Values that are a mask, not a secret: ours, and what Ansible prints for no_log values (H3).
MASKS = (MASK, MASK_CHANGED, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER")

DIGITS = re.compile(r"^[0-9]+$")
#: Extension numbers: digits only (A15), at most 16 (A23), for accounts and extensions alike.
EXTENSION_NUMBER_MAX_LENGTH = 16
#: The format suffixes a path value must not end in, as the docs list them.
FORMAT_SUFFIXES_DOC = "%s or C(%s)" % (", ".join("C(%s)" % suffix for suffix in FORMAT_SUFFIXES[:-1]), FORMAT_SUFFIXES[-1])

_NOTHING = object()


class Doc:
    """How a field (or a read-only fact) is documented, declared beside it in its table.

    ``tools/generate_docs.py`` writes the modules' options and RETURN blocks, the customer role's
    file schema and the inventory's host variables from these, so no copy is kept by hand.

    description  the option's first line, and (unless ``result`` is given) the result's description.
    details      further lines of the option's description.
    listed       lines only the list modules (``config[]``) show, e.g. what O(state=replaced) does.
    single       lines only the single-object modules show.
    result       the description of the value in results, when it differs from ``description``.
    sample       a typical value in results (secrets have none: they are never returned).
    type         the value's type in results, for facts (a field's comes from its kind).
    elements     the type of a list's elements, for facts.

    Option references are written in the list modules' form, ``O(config[].name)``; the single-object
    modules' docs drop the ``config[].``.
    """

    def __init__(self, description, *details, **extra):
        self.description = description
        self.details = list(details)
        self.listed = list(extra.pop("listed", ()))
        self.single = list(extra.pop("single", ()))
        self.result = extra.pop("result", None) or description
        self.sample = extra.pop("sample", None)
        self.type = extra.pop("type", None)
        self.elements = extra.pop("elements", None)
        if extra:
            raise TypeError("unknown Doc arguments: %s" % ", ".join(sorted(extra)))


class Field:
    """One user-managed field of a resource, declared once.

    kind       how values are normalised before comparing: str, int, float, bool, set (an
               unordered list of scalars) or raw (compared as given).
    option     the argument spec entry (``type`` etc.); defaults from ``kind``.
    read       the API members a read may carry it in, first found wins (``None``: the spec maps it).
    write      the API member updates send it in (``None``: the spec sends it its own way, or not at all).
    create     the API member a create request's entry carries it in (``None``: not there).
    secret     never returned by a read, masked in diffs, ``no_log`` as an option.
    check      ``check(option, value) -> value``: validates and normalises user input, before any write.
    updatable  whether an existing object can change it; if not, a different value fails before any write.
    reset      the value ``replaced``/``overridden`` give a field the user left out; leave it
               unset for fields that keep their value (e.g. a product that must always exist).
    doc        its documentation (a ``Doc``), from which every doc that names the field is generated.
    """

    def __init__(self, kind="str", secret=False, reset=_NOTHING, option=None, read=None, write=None, create=None,
                 check=None, updatable=True, doc=None):
        self.kind = kind
        self.secret = secret
        self.reset = reset
        self.option = dict(option or {"type": {"set": "list", "raw": "raw"}.get(kind, kind)})
        if kind == "set" and "elements" not in self.option:
            self.option["elements"] = "str"
        if secret:
            self.option["no_log"] = True
        self.read = tuple(read) if isinstance(read, (list, tuple)) else ((read,) if read else ())
        self.write = write
        self.create = create
        self.check = check
        self.updatable = updatable
        self.doc = doc

    @property
    def result_type(self):
        """The type of the field's value in results (the option's may be ``raw`` to see input as given)."""
        return {"set": "list"}.get(self.kind, self.kind)

    @property
    def has_reset(self):
        return self.reset is not _NOTHING

    def normalise(self, value):
        if value is None:
            return None
        if self.kind == "str":
            return u"%s" % value
        if self.kind == "int":
            return int(value)
        if self.kind == "float":
            return round(float(value), 6)
        if self.kind == "bool":
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "y", "on", "t")
            return bool(value)
        if self.kind == "set":
            return sorted(set(u"%s" % v for v in value))
        return value

    def from_record(self, record):
        """The field's value in an API record (first member present), normalised.

        The API omits null members (C.5), so an absent one reads as the empty value of its kind ("" for
        text, so a field set to "" compares equal to it); a secret reads as None.
        """
        for member in self.read:
            value = record.get(member)
            if value is not None and value != "":
                return self.normalise(flag(value) if self.kind == "bool" else value)
        return None if self.secret else self.empty()

    def empty(self):
        """The value an absent member stands for."""
        return {"str": u"", "int": 0, "float": 0.0, "bool": False, "set": []}.get(self.kind)


def item_options(key, key_option, fields):
    """The argument spec of one config item (or a single-object module's options), from the field table."""
    options = {key: dict(key_option, required=True)}
    for name, field in fields.items():
        options[name] = dict(field.option)
    return options


def flag(value):
    """A flag the API writes as a bool or as "Y"/"N" depending on the DTO (UMEnabled, Blockedfield)."""
    if isinstance(value, str):
        return value.strip().upper() in ("Y", "TRUE", "1")
    return bool(value)


def masked_value_problem(value):
    """Why a secret value is output copied back as input, or None (H3)."""
    text = u"%s" % value
    if text.strip() in MASKS or (text.startswith(MASK) and set(text.strip()) <= set("*")):
        return ("is %r, a mask that results and diffs show in place of a secret, not the secret itself; "
                "give the real value (for example from a vault) or omit the option" % text)
    return None


# -- shared validators: check(option, value) -> normalised value, or InputError naming the option -----

def check_text(option, value, max_length, secret=False):
    """A free-text value: any script, no control characters, at most ``max_length`` characters."""
    if isinstance(value, (bool, dict, list)):
        raise InputError(option, "must be text, not a %s" % type(value).__name__, None if secret else value)
    text = u"%s" % value
    if len(text) > max_length:
        raise InputError(option, "must be at most %d characters long, got %d" % (max_length, len(text)),
                         text, show_value=not secret)
    if CONTROL_CHARACTERS.search(text):
        raise InputError(option, "must not contain control characters (tab, newline, ...)", text, show_value=not secret)
    return text


def text_check(max_length, secret=False, required=False):
    """A ``check`` for a free-text field."""
    def check(option, value):
        text = check_text(option, value, max_length, secret)
        if required and not text:
            raise InputError(option, "must not be empty")
        return text
    return check


def check_extension_number(option, value, allow_empty=False):
    """An extension number: digits 0-9 only (A15), 1 to 16 of them (A23); ``""`` means none where allowed."""
    text = u"" if value is None else u"%s" % value
    if not text:
        if allow_empty:
            return text
        raise InputError(option, "is required and must not be empty")
    if not DIGITS.match(text) or len(text) > EXTENSION_NUMBER_MAX_LENGTH:
        raise InputError(option, "must be an extension number of 1 to %d digits 0-9%s"
                         % (EXTENSION_NUMBER_MAX_LENGTH, " (or \"\" for none)" if allow_empty else ""), text)
    return text


def check_path_segment(option, text, why=""):
    """A value that travels as one URL path segment (A14)."""
    problem = path_segment_problem(text)
    if problem:
        raise InputError(option, problem + why, text)
    return text


def check_number(option, value, minimum, maximum):
    """A number: booleans are refused, although YAML and Python treat true as 1 (H8)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputError(option, "must be a number, not %s" % type(value).__name__, value)
    try:
        number = float(value)
    except ValueError:
        raise InputError(option, "must be a number", value) from None
    if math.isnan(number) or math.isinf(number) or number < minimum or number > maximum:
        raise InputError(option, "must be a number from %d to %d" % (minimum, maximum), value)
    return number


def check_bool(option, value):
    if not isinstance(value, bool):
        raise InputError(option, "must be true or false", value)
    return value


def check_path(option, value):
    """A local file path: the operating system cannot take a NUL character in one."""
    text = u"" if value is None else u"%s" % value
    if u"\u0000" in text:
        raise InputError(option, "must not contain a NUL character", text)
    return text


#: Option types (as ansible-core spells them) that take a number, and those that take a boolean.
NUMBER_TYPES = ("int", "integer", "float")
BOOLEAN_TYPES = ("bool", "boolean")


def check_option_type(option, option_type, value):
    """A plugin option's value as given, before ansible-core's lenient conversion turns true into 1
    and any list into false: a boolean for a number, or anything but a boolean for a boolean, fails."""
    if value is None:
        return value
    if option_type in NUMBER_TYPES and isinstance(value, bool):
        raise InputError(option, "must be a number, not a boolean", value)
    if option_type in BOOLEAN_TYPES:
        try:
            return boolean(value, strict=True)
        except TypeError:
            raise InputError(option, "must be true or false", value) from None
    return value
