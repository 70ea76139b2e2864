"""ServiceStack wire formats for the sandbox: JSON, XML, JSV, CSV, SOAP 1.1/1.2 and JSONP.

Rendering walks the schema in ``dtos.DTOS``: every declared member is visited in wire order,
missing value-type members get their defaults (0, false, DateTime.MinValue, the first enum
member, or the constructor default the schema records), and each format only decides how a
scalar, a list, a dictionary and an object look.

Parsing turns every format into the same "raw tree" first (text leaves, lists, dicts; ``None``
for null) and then binds it against the schema with ServiceStack's scalar rules
(API_FACTS.md §C.4), so the conversion rules exist once.  Member names are matched
case-insensitively; unknown members are ignored; members absent from the body are absent
from the result (the server needs to tell "absent" from "default", assumption A5).

Handlers give ``render`` plain dicts keyed by declared member names; datetimes are
timezone-aware (naive ones are taken as UTC); money is ``Decimal`` or ``float``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator
from xml.sax.saxutils import escape as _xml_escape

from .dtos import DTOS, ENUMS, NS_ARRAYS, NS_XSI, OPEN_ENUMS, Dto, TypeRef, parse_type

__all__ = [
    "BindingError", "UnknownOperationError", "MIN_DATE", "CONTENT_TYPES",
    "render", "render_error", "render_soap", "render_soap_fault", "wrap_jsonp",
    "parse_body", "parse_form", "parse_soap", "coerce", "member_name",
    "to_json_date", "parse_json_date", "parse_date",
]

NS_XSD = "http://www.w3.org/2001/XMLSchema"
_NS_SERIALIZATION = "http://schemas.microsoft.com/2003/10/Serialization/"

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "application/xml",
    "jsv": "text/jsv",
    "csv": "text/csv",
}


class BindingError(ValueError):
    """A request value ServiceStack would refuse while binding the DTO (-> HTTP 400).

    ``field`` and ``value`` name the offending member when there is one, so the server can
    fill ``ResponseStatus.Errors``.
    """

    def __init__(self, message: str, field: str | None = None, value: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value


class UnknownOperationError(BindingError):
    """A SOAP body names an operation the sandbox does not know (ServiceStack: 405)."""


# --------------------------------------------------------------------------- schema access

def _dto(name: str) -> Dto:
    try:
        return DTOS[name]
    except KeyError:
        raise ValueError(f"unknown DTO {name!r}") from None


@lru_cache(maxsize=None)
def _ref(spec: str) -> TypeRef:
    return parse_type(spec)


@lru_cache(maxsize=None)
def _lower_names(dto_name: str) -> dict[str, str]:
    return {name.lower(): name for name, _ in _dto(dto_name).members}


def member_name(dto_name: str, name: str) -> str | None:
    """The declared spelling of ``name`` on ``dto_name`` (case-insensitive), or None."""
    return _lower_names(dto_name).get(name.lower())


def _member_ref(dto: Dto, member: str) -> TypeRef:
    return _ref(dict(dto.members)[member])


# --------------------------------------------------------------------------- dates

UTC = timezone.utc
MIN_DATE = datetime(1, 1, 1, tzinfo=UTC)      # DateTime.MinValue: "no date"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN_DATE_JSON = "/Date(-62135596800000-0000)/"   # MinValue is DateTimeKind.Unspecified


def _as_utc(value: datetime | date | None) -> datetime | None:
    """UTC-aware datetime, or None for MinValue/None."""
    if value is None:
        return None
    if not isinstance(value, datetime):                      # a bare date: midnight UTC
        value = datetime(value.year, value.month, value.day)
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None if value == MIN_DATE else value


def to_json_date(value: datetime | date | None) -> str:
    """ServiceStack's JSON date as a JSON parser sees it: ``/Date(<ms since epoch, UTC>)/``.

    MinValue/None gives ``/Date(-62135596800000-0000)/``.  The JSON writer escapes the
    slashes (``"\\/Date(...)\\/"``)."""
    utc = _as_utc(value)
    if utc is None:
        return _MIN_DATE_JSON
    delta = utc - _EPOCH
    ms = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    return f"/Date({ms})/"


_JSON_DATE = re.compile(r"^\\?/Date\((-?\d+)([+-]\d{4})?\)\\?/$")
_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_json_date(text: str) -> datetime:
    """``/Date(ms[±hhmm])/`` (slashes escaped or not) -> aware UTC datetime.

    The milliseconds are UTC whatever the offset says (the offset only records the
    sender's zone), so the offset is not applied."""
    match = _JSON_DATE.match(text.strip())
    if not match:
        raise ValueError(f"not a JSON date: {text!r}")
    return _EPOCH + timedelta(milliseconds=int(match.group(1)))


def parse_date(text: str) -> datetime:
    """Any DateTime text ServiceStack writes or reads: ``/Date()/``, ``YYYY-MM-DD``,
    ``YYYY-MM-DD[T ]HH:MM[:SS[.fffffff]]`` with optional ``Z``/offset.  Naive -> UTC."""
    text = text.strip()
    if "Date(" in text:
        return parse_json_date(text)
    match = _ISO_DATE.match(text)
    if not match:
        raise ValueError(f"not a date: {text!r}")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0").ljust(7, "0")[:6])
    result = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                      int(second or 0), micro, tzinfo=UTC)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        result = result.replace(tzinfo=timezone(sign * offset)).astimezone(UTC)
    return result


def _jsv_date(value: datetime | date | None) -> str:
    """ServiceStack.Text ToShortestXsdDateTimeString (JSV and CSV)."""
    utc = _as_utc(value) or MIN_DATE
    text = f"{utc.year:04d}-{utc:%m-%d}"
    if utc.time() == datetime.min.time():
        return text
    text += f"T{utc:%H:%M:%S}"
    if utc.microsecond:
        text += f".{utc.microsecond:06d}0"               # .NET writes 7 fraction digits
    return text + "Z"


def _xml_date(value: datetime | date | None) -> str:
    """DataContractSerializer: MinValue is Unspecified (no zone), others are UTC (``Z``)."""
    utc = _as_utc(value)
    if utc is None:
        return "0001-01-01T00:00:00"
    text = f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}"
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


# --------------------------------------------------------------------------- scalar binding

_INT_RANGES = {"int": 2**31, "long": 2**63}
_INTEGER = re.compile(r"^\s*[+-]?[0-9]+\s*$", re.ASCII)    # NumberStyles.Integer
_DECIMAL = re.compile(r"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)\s*$", re.ASCII)  # no exponent
_TRUE = {"1", "on", "true", "t", "y"}
_FALSE = {"", "0", "off", "false", "f", "n"}


def _field(where: str) -> str:
    """The member name in a binding path such as ``Accounts[0].IAccount`` or ``LstIAccounts[2]``."""
    return re.sub(r"\[.*$", "", where.rsplit(".", 1)[-1])


def _invalid(text: str, where: str) -> BindingError:
    field = _field(where)
    return BindingError(f"'{text}' is an Invalid value for '{field}'", field=field, value=text)


def _scalar(ref: TypeRef, text: str, where: str) -> Any:
    """Text -> Python value by ServiceStack's (invariant culture) parsers, §C.4."""
    kind = ref.name
    if ref.kind == "enum":
        return _enum(ref.name, text, where)
    if kind == "string":
        return text
    if kind in _INT_RANGES:
        if not _INTEGER.match(text):
            raise _invalid(text, where)
        number = int(text)
        if not -_INT_RANGES[kind] <= number < _INT_RANGES[kind]:
            raise _invalid(text, where)                       # OverflowException
        return number
    if kind == "decimal":
        if not _DECIMAL.match(text):
            raise _invalid(text, where)
        try:
            return Decimal(text.strip())
        except InvalidOperation:
            raise _invalid(text, where) from None
    if kind == "bool":
        word = text.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise _invalid(text, where)
    if kind == "DateTime":
        try:
            return parse_date(text)
        except ValueError:
            raise _invalid(text, where) from None
    raise AssertionError(f"unhandled scalar {kind}")


def _enum(enum_name: str, text: str, where: str) -> str:
    text = text.strip()
    members = ENUMS[enum_name]
    for member in members:
        if member.lower() == text.lower():
            return member
    if re.fullmatch(r"[0-9]+", text) and int(text) < len(members):   # the underlying number
        return members[int(text)]
    if enum_name in OPEN_ENUMS and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
        return text                                      # full member list is unknown
    raise _invalid(text, where)


# --------------------------------------------------------------------------- raw tree -> typed

class _Map(dict):
    """A parsed JSV map that remembers its source text (a string member may receive it)."""
    source = ""


class _List(list):
    source = ""


def _bind(ref: TypeRef, raw: Any, where: str) -> Any:
    if raw is None:
        return None
    if ref.kind in ("scalar", "enum"):
        if isinstance(raw, (dict, list)):
            if ref.name == "string" and getattr(raw, "source", ""):
                return raw.source                       # ServiceStack keeps the raw text
            raise BindingError(f"'{where}' expects a single value", field=_field(where))
        return _scalar(ref, raw, where)
    if isinstance(raw, str):                            # JSV text in a CSV cell / form value
        raw = _jsv_parse(raw if ref.kind != "list" or raw.lstrip().startswith("[")
                         else f"[{raw}]", where)
    if ref.kind == "list":
        if not isinstance(raw, list):
            raise BindingError(f"'{where}' expects a list", field=_field(where))
        return [_bind(ref.args[0], item, f"{where}[{i}]") for i, item in enumerate(raw)]
    if not isinstance(raw, dict):
        raise BindingError(f"'{where}' expects an object", field=_field(where))
    if ref.kind == "dict":
        key_ref, value_ref = ref.args
        return {_bind(key_ref, key, where): _bind(value_ref, value, f"{where}[{key}]")
                for key, value in raw.items()}
    return _bind_dto(_dto(ref.name), raw, where)


def _bind_dto(dto: Dto, raw: dict, where: str | None = None) -> dict:
    result: dict[str, Any] = {}
    for key, value in raw.items():
        name = member_name(dto.name, str(key))
        if name is not None:                             # unknown members are ignored
            result[name] = _bind(_member_ref(dto, name), value,
                                 f"{where}.{name}" if where else name)
    return result


def coerce(dto_name: str, member: str, text: str) -> Any:
    """Bind one path/query/form value to ``dto_name.member`` (case-insensitive name).

    Raises BindingError "Could not find property X on Y" for an unknown member, as
    ServiceStack does for a route variable without a matching property (§C.4)."""
    name = member_name(dto_name, member)
    if name is None:
        raise BindingError(f"Could not find property {member} on {dto_name}", field=member)
    return _bind(_member_ref(_dto(dto_name), name), text, name)


def parse_form(pairs: Iterable[tuple[str, str]], dto_name: str) -> dict:
    """Form or query-string pairs -> typed dict.  Later pairs win; unknown keys are ignored;
    strings are verbatim, lists/objects use JSV syntax (``1,2,3`` or ``[1,2,3]``)."""
    result: dict[str, Any] = {}
    for key, text in pairs:
        name = member_name(dto_name, key)
        if name is not None:
            result[name] = coerce(dto_name, name, text)
    return result


def parse_body(fmt: str, body: bytes, dto_name: str) -> dict:
    """A request body in ``fmt`` (json, xml, jsv, csv) -> typed dict keyed by declared names."""
    dto = _dto(dto_name)
    text = _decode(body)
    if not text.strip():
        return {}
    if fmt == "json":
        raw = _json_raw(text)
    elif fmt == "jsv":
        raw = _jsv_parse(text, dto_name)
    elif fmt == "csv":
        raw = _csv_raw(text)
    elif fmt == "xml":
        root = _xml_root(text)
        if _local(root.tag).lower() != dto_name.lower():
            raise BindingError(f"Expecting element '{dto_name}', found '{_local(root.tag)}'")
        raw = _xml_raw(TypeRef("dto", dto_name), root)
    else:
        raise ValueError(f"unsupported body format {fmt!r}")
    if not isinstance(raw, dict):
        raise BindingError(f"Expected an object for {dto_name}")
    return _bind_dto(dto, raw)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BindingError(f"Request body is not UTF-8: {exc}") from None


# --------------------------------------------------------------------------- JSON reading

def _json_raw(text: str) -> Any:
    def reject(name: str) -> None:
        raise BindingError(f"Invalid JSON literal {name}")
    try:
        # numbers stay text so int/decimal rules are the same as for every other format
        data = json.loads(text, parse_int=str, parse_float=str, parse_constant=reject)
    except json.JSONDecodeError as exc:
        raise BindingError(f"Invalid JSON: {exc}") from None

    def normalise(node: Any) -> Any:
        if isinstance(node, bool):
            return "true" if node else "false"
        if isinstance(node, dict):
            return {key: normalise(value) for key, value in node.items()}
        if isinstance(node, list):
            return [normalise(item) for item in node]
        return node
    return normalise(data)


# --------------------------------------------------------------------------- JSV reading

def _jsv_parse(text: str, where: str) -> Any:
    """Parse JSV text (whitespace between tokens allowed, as the metadata samples show)."""
    value, pos = _JsvReader(text, where).value(0)
    if text[pos:].strip():
        raise BindingError(f"Unexpected JSV text after value at {pos} in '{where}'")
    return value


class _JsvReader:
    def __init__(self, text: str, where: str):
        self.text, self.where = text, where

    def _skip(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos].isspace():
            pos += 1
        return pos

    def _fail(self, pos: int, what: str) -> BindingError:
        return BindingError(f"Invalid JSV in '{self.where}' at {pos}: expected {what}")

    def value(self, pos: int) -> tuple[Any, int]:
        pos = self._skip(pos)
        char = self.text[pos:pos + 1]
        if char == "{":
            return self._map(pos)
        if char == "[":
            return self._list(pos)
        if char == '"':
            return self._quoted(pos)
        end = pos
        while end < len(self.text) and self.text[end] not in ",}]":
            end += 1
        bare = self.text[pos:end].rstrip()
        return (bare or None), end                    # an empty bare value is "absent"

    def _quoted(self, pos: int) -> tuple[str, int]:
        out, pos = [], pos + 1
        while True:
            close = self.text.find('"', pos)
            if close < 0:
                raise self._fail(pos, 'closing "')
            out.append(self.text[pos:close])
            if self.text[close + 1:close + 2] == '"':  # "" is an escaped quote
                out.append('"')
                pos = close + 2
                continue
            return "".join(out), close + 1

    def _key(self, pos: int) -> tuple[str, int]:
        pos = self._skip(pos)
        if self.text[pos:pos + 1] == '"':
            key, pos = self._quoted(pos)
        else:
            end = self.text.find(":", pos)
            if end < 0:
                raise self._fail(pos, "':'")
            key, pos = self.text[pos:end].strip(), end
        pos = self._skip(pos)
        if self.text[pos:pos + 1] != ":":
            raise self._fail(pos, "':'")
        return key, pos + 1

    def _items(self, pos: int, close: str, read) -> int:
        pos = self._skip(pos + 1)
        if self.text[pos:pos + 1] == close:
            return pos + 1
        while True:
            pos = self._skip(read(pos))
            char = self.text[pos:pos + 1]
            if char == close:
                return pos + 1
            if char != ",":
                raise self._fail(pos, f"',' or '{close}'")
            pos += 1

    def _map(self, start: int) -> tuple[_Map, int]:
        result = _Map()

        def entry(pos: int) -> int:
            key, pos = self._key(pos)
            result[key], pos = self.value(pos)
            return pos
        end = self._items(start, "}", entry)
        result.source = self.text[start:end]
        return result, end

    def _list(self, start: int) -> tuple[_List, int]:
        result = _List()

        def item(pos: int) -> int:
            value, pos = self.value(pos)
            result.append(value)
            return pos
        end = self._items(start, "]", item)
        result.source = self.text[start:end]
        return result, end


# --------------------------------------------------------------------------- CSV reading

def _csv_raw(text: str) -> dict:
    """Header row + first data row.  Empty cells are absent; cells of list/object members
    hold JSV text, which ``_bind`` parses."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) < 2:
        return {}
    return {name: cell for name, cell in zip(rows[0], rows[1]) if cell != ""}


# --------------------------------------------------------------------------- XML reading

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_root(text: str) -> ET.Element:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:           # DCS refuses DTDs as well
        raise BindingError("DTDs are not allowed in XML requests")
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise BindingError(f"Invalid XML: {exc}") from None


def _is_nil(elem: ET.Element) -> bool:
    return elem.get(f"{{{NS_XSI}}}nil", "").lower() == "true"


def _xml_raw(ref: TypeRef, elem: ET.Element) -> Any:
    """Element -> raw tree, guided by the schema (namespaces and item names are ignored)."""
    if _is_nil(elem):
        return None
    if ref.kind in ("scalar", "enum"):
        return elem.text or ""
    if ref.kind == "list":
        return [_xml_raw(ref.args[0], child) for child in elem]
    if ref.kind == "dict":
        result = {}
        for pair in elem:
            parts = {_local(child.tag).lower(): child for child in pair}
            if "key" in parts:
                value = parts.get("value")
                result[parts["key"].text or ""] = (None if value is None
                                                   else _xml_raw(ref.args[1], value))
        return result
    dto = _dto(ref.name)
    result = {}
    for child in elem:
        name = member_name(dto.name, _local(child.tag))
        if name is not None:
            result[name] = _xml_raw(_member_ref(dto, name), child)
    return result


# --------------------------------------------------------------------------- rendering: shared

_VALUE_TYPE_DEFAULTS = {"int": 0, "long": 0, "decimal": 0, "bool": False, "DateTime": MIN_DATE}


def _default(dto: Dto, name: str, ref: TypeRef) -> Any:
    """Constructor default, else the .NET default (null for strings and reference types)."""
    if name in dto.defaults:
        return dto.defaults[name]
    if ref.kind == "enum":
        return ENUMS[ref.name][0]          # the zero member, as the samples show (§C.9)
    return _VALUE_TYPE_DEFAULTS.get(ref.name) if ref.kind == "scalar" else None


@lru_cache(maxsize=None)
def _member_plan(dto_name: str, xml: bool) -> tuple[tuple[str, TypeRef, Any], ...]:
    """(name, type, default) of every member in wire order, worked out once per DTO."""
    dto = _dto(dto_name)
    plan = []
    for name, spec in (dto.xml_members if xml else dto.members):
        ref = _ref(spec)
        plan.append((name, ref, _default(dto, name, ref)))
    return tuple(plan)


@lru_cache(maxsize=None)
def _member_names(dto_name: str) -> frozenset[str]:
    return frozenset(name for name, _ in _dto(dto_name).members)


def _fields(dto: Dto, value: dict | None, xml: bool = False) -> Iterator[tuple[str, TypeRef, Any]]:
    """Every member in wire order with its value; value-type members never come out None."""
    value = value or {}
    if not _member_names(dto.name).issuperset(value):
        # a handler bug: fail loudly instead of silently dropping data
        raise ValueError(f"{dto.name} has no member(s) {sorted(set(value) - _member_names(dto.name))}")
    for name, ref, default in _member_plan(dto.name, xml):
        member_value = value.get(name)
        yield name, ref, default if member_value is None else member_value


def _bool(value: Any) -> bool:
    if isinstance(value, int):                  # bool, or 0/1 from SQLite
        return bool(value)
    raise TypeError(f"expected a bool, got {value!r}")


def _number(value: Any, kind: str) -> str:
    if kind in _INT_RANGES:
        return str(int(value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return format(Decimal(value), "f")


class _TextWriter:
    """Renders a value as text by walking the schema; subclasses choose the syntax.
    ``rename`` maps DTO member names for ServiceStack's ``?jsconfig=TextCase:...``; keys of
    dictionaries are data and keep their case."""

    def __init__(self, rename: Callable[[str], str] | None = None):
        self.rename = rename

    def value(self, ref: TypeRef, value: Any) -> str:
        if value is None:
            return self.null()
        if ref.kind == "list":
            return self.array([self.value(ref.args[0], item) for item in value])
        if ref.kind == "dict":
            key_ref, value_ref = ref.args
            return self.mapping([(self.key(key_ref, key), self.value(value_ref, item))
                                 for key, item in value.items()])
        if ref.kind == "dto":
            dto = _dto(ref.name)
            rename = self.rename
            return self.mapping([(rename(name) if rename else name, self.value(member_ref, member_value))
                                 for name, member_ref, member_value in _fields(dto, value)
                                 if member_value is not None])   # null members are omitted
        if ref.kind == "enum" or ref.name == "string":
            return self.string(str(value))
        if ref.name == "bool":
            return self.boolean(_bool(value))
        if ref.name == "DateTime":
            return self.date(value)
        return _number(value, ref.name)

    def key(self, ref: TypeRef, key: Any) -> str:
        return self.string(str(key))


# json.dumps(text, ensure_ascii=False) without its per-call set-up: large pages of records
# (thousands of accounts or CDRs) spend most of their time quoting short strings.
_json_quote = json.encoder.encode_basestring


class _JsonWriter(_TextWriter):
    def null(self) -> str:
        return "null"

    def array(self, items: list[str]) -> str:
        return "[" + ",".join(items) + "]"

    def mapping(self, entries: list[tuple[str, str]]) -> str:
        return "{" + ",".join(_json_quote(name) + ":" + text for name, text in entries) + "}"

    def key(self, ref: TypeRef, key: Any) -> str:
        return str(key)                                 # mapping() quotes it

    def string(self, text: str) -> str:
        return _json_quote(text)

    def boolean(self, value: bool) -> str:
        return "true" if value else "false"

    def date(self, value: Any) -> str:
        return '"' + to_json_date(value).replace("/", "\\/") + '"'


_JSV_ESCAPE = re.compile(r'[":,{}\[\]\r\n]')


def _jsv_string(text: str) -> str:
    """ServiceStack.Text EncodeJsv: quote when a JSV special char occurs; we also quote
    leading/trailing whitespace because readers skip whitespace between tokens."""
    if text == "":
        return '""'
    if _JSV_ESCAPE.search(text) or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


class _JsvWriter(_TextWriter):
    def null(self) -> str:
        return ""

    def array(self, items: list[str]) -> str:
        return "[" + ",".join(items) + "]"

    def mapping(self, entries: list[tuple[str, str]]) -> str:
        return "{" + ",".join(f"{name}:{text}" for name, text in entries) + "}"

    def string(self, text: str) -> str:
        return _jsv_string(text)

    def boolean(self, value: bool) -> str:
        return "True" if value else "False"

    def date(self, value: Any) -> str:
        return _jsv_date(value)


_JSON, _JSV = _JsonWriter(), _JsvWriter()


# Large pages (a thousand CDRs of 33 members) spend most of their time walking the schema per
# value; a DTO's JSON is instead rendered by a function built once from its member plan.  The
# output is the generic writer's, byte for byte (sandbox/tests/test_wire.py checks both).

def _json_formatter(ref: TypeRef) -> Callable[[Any], str]:
    """value (not None) -> JSON text, for one member type."""
    if ref.kind == "dto":                              # looked up per call: DTOs may nest themselves
        name = ref.name
        return lambda value: _json_dto_renderer(name)(value)
    if ref.kind == "list":
        item = _json_formatter(ref.args[0])
        return lambda items: "[" + ",".join("null" if i is None else item(i) for i in items) + "]"
    if ref.kind == "enum" or ref.name == "string":
        return lambda value: _json_quote(value if isinstance(value, str) else str(value))
    if ref.kind == "scalar" and ref.name == "bool":
        return lambda value: "true" if _bool(value) else "false"
    if ref.kind == "scalar" and ref.name == "DateTime":
        return _JSON.date
    if ref.kind == "scalar" and ref.name in _INT_RANGES:
        return lambda value: str(int(value))
    if ref.kind == "scalar":
        kind = ref.name
        return lambda value: _number(value, kind)
    return lambda value: _JSON.value(ref, value)


@lru_cache(maxsize=None)
def _json_dto_renderer(dto_name: str) -> Callable[[Any], str]:
    dto = _dto(dto_name)
    names = _member_names(dto_name)
    plan = tuple((name, _json_quote(name) + ":", _json_formatter(ref), default)
                 for name, ref, default in _member_plan(dto_name, False))

    def render(value: dict | None) -> str:
        value = value or {}
        if not names.issuperset(value):
            list(_fields(dto, value))                  # raises the generic writer's error
        get = value.get
        parts = []
        for name, prefix, formatter, default in plan:
            member_value = get(name)
            if member_value is None:
                member_value = default
                if member_value is None:
                    continue                           # null members are omitted
            parts.append(prefix + formatter(member_value))
        return "{" + ",".join(parts) + "}"

    return render


# --------------------------------------------------------------------------- ?jsconfig= text case

def camel_case(name: str) -> str:
    """ServiceStack.Text's ToCamelCase: the leading run of capitals is lowered, except the
    last one when a lower-case letter follows (ICustomer -> iCustomer, URL -> url)."""
    chars = list(name)
    for i, char in enumerate(chars):
        following = chars[i + 1] if i + 1 < len(chars) else "A"
        if char.isupper() and char.isascii() and (i == 0 or (following.isupper() and following.isascii())):
            chars[i] = char.lower()
        else:
            break
    return "".join(chars)


def snake_case(name: str) -> str:
    """ServiceStack.Text's ToLowercaseUnderscore: camelCase, then `_` + lower-case before
    every other character that is not a lower-case letter, a digit or `_`."""
    return "".join(char if char.isdigit() or char.islower() or char == "_" else "_" + char.lower()
                   for char in camel_case(name))


TEXT_CASES = {"camelcase": camel_case, "snakecase": snake_case}
_CASED_WRITERS = {(fmt, case): writer_class(rename)
                  for case, rename in TEXT_CASES.items()
                  for fmt, writer_class in (("json", _JsonWriter), ("jsv", _JsvWriter))}
_JSCONFIG_KEYS = {"textcase": "textcase", "tc": "textcase",
                  "emitcamelcasenames": "camelcase", "eccn": "camelcase",
                  "emitlowercaseunderscorenames": "snakecase", "elun": "snakecase"}
_TEXT_CASE_VALUES = {"camelcase": "camelcase", "cc": "camelcase", "snakecase": "snakecase", "sc": "snakecase",
                     "pascalcase": None, "pc": None, "default": None}


def text_case_of(jsconfig: str | None) -> str | None:
    """The member-name case a ``?jsconfig=`` value asks for: "camelcase", "snakecase" or None.

    ServiceStack reads comma-separated ``Name:value`` pairs, names case-insensitive with
    short aliases; a bare name means ``true``: ``TextCase:CamelCase``, ``tc:cc``,
    ``EmitCamelCaseNames:true``, ``emitCamelCaseNames``, ``EmitLowercaseUnderscoreNames``.
    Other settings are accepted and ignored."""
    case = None
    for item in (jsconfig or "").split(","):
        name, _, value = item.partition(":")
        setting = _JSCONFIG_KEYS.get(name.strip().lower())
        value = value.strip().lower() or "true"
        if setting == "textcase":
            case = _TEXT_CASE_VALUES.get(value, case)
        elif setting and value in ("true", "1"):
            case = setting
        elif setting and case == setting:          # EmitCamelCaseNames:false
            case = None
    return case


def _render_json(dto: Dto, value: dict | None) -> str:
    return _json_dto_renderer(dto.name)(value or {})


def _render_jsv(dto: Dto, value: dict | None) -> str:
    return _JSV.value(TypeRef("dto", dto.name), value or {})


def _csv_cell(text: str) -> str:
    if text and (re.search(r'[",\r\n]', text) or text[0] in "[{"):
        return '"' + text.replace('"', '""') + '"'
    return text


def _render_csv(dto: Dto, value: dict | None) -> str:
    """Header row + one data row, CRLF; strings verbatim, everything else as JSV text."""
    header, row = [], []
    for name, ref, member_value in _fields(dto, value):
        header.append(_csv_cell(name))
        if member_value is None:
            row.append("")
        elif ref.kind == "scalar" and ref.name == "string":
            row.append(_csv_cell(str(member_value)))
        else:
            row.append(_csv_cell(_JSV.value(ref, member_value)))
    return ",".join(header) + "\r\n" + ",".join(row) + "\r\n"


# --------------------------------------------------------------------------- rendering: XML

_XSD_NAMES = {"string": "string", "int": "int", "long": "long", "decimal": "decimal",
              "bool": "boolean", "DateTime": "dateTime"}


@lru_cache(maxsize=None)
def _namespaces_digest(namespaces: str) -> str:
    """DataContract.GetNamespacesDigest: base64 of the first 6 MD5 bytes, '/'->'_S', '+'->'_P'
    (reproduces the seed's ``KeyValueOfstringArrayOfstringty7Ep6D1``)."""
    digest = base64.b64encode(hashlib.md5(namespaces.encode()).digest()[:6]).decode()
    return digest.rstrip("=").replace("/", "_S").replace("+", "_P")


def _stable_name(ref: TypeRef) -> tuple[str, str]:
    """(data contract name, namespace) of a type, as DataContractSerializer names it."""
    if ref.kind == "scalar":
        return _XSD_NAMES[ref.name], NS_XSD
    if ref.kind in ("dto", "enum"):
        return ref.name, _dto(ref.name).namespace if ref.kind == "dto" else NS_ARRAYS
    if ref.kind == "list":
        item_name, item_ns = _stable_name(ref.args[0])
        return "ArrayOf" + item_name, item_ns if ref.args[0].kind == "dto" else NS_ARRAYS
    return "ArrayOf" + _key_value_name(ref), NS_ARRAYS


def _key_value_name(ref: TypeRef) -> str:
    (key_name, key_ns), (value_name, value_ns) = map(_stable_name, ref.args)
    name = f"KeyValueOf{key_name}{value_name}"
    if {key_ns, value_ns} - {NS_XSD, _NS_SERIALIZATION}:   # not all built-in: add the digest
        name += _namespaces_digest(f" 2 {key_ns} {value_ns}")
    return name


def _content_namespace(ref: TypeRef) -> str | None:
    """Namespace of the child elements written inside a member of this type."""
    if ref.kind == "dto":
        return _dto(ref.name).namespace
    if ref.kind == "list":
        return _stable_name(ref)[1]
    if ref.kind == "dict":
        return NS_ARRAYS
    return None


def _xml_scalar(ref: TypeRef, value: Any) -> str:
    if ref.kind == "enum" or ref.name == "string":
        return _xml_escape(str(value), {"\r": "&#xD;"})
    if ref.name == "bool":
        return "true" if _bool(value) else "false"
    if ref.name == "DateTime":
        return _xml_date(value)
    return _number(value, ref.name)


def _xml_element(out: list[str], name: str, ns: str, ref: TypeRef, value: Any,
                 scope: dict[str, str], depth: int) -> None:
    """Write one element named ``name`` in namespace ``ns``.  Like DCS, a namespace its
    content needs is declared on the element as ``d<depth>p1`` unless already in scope."""
    prefix = scope[ns]
    tag = f"{prefix}:{name}" if prefix else name
    if value is None:
        out.append(f'<{tag} i:nil="true"/>')
        return
    if ref.kind in ("scalar", "enum"):
        out.append(f"<{tag}>{_xml_scalar(ref, value)}</{tag}>")
        return
    content_ns = _content_namespace(ref)
    declaration = ""
    if content_ns not in scope:
        scope = {**scope, content_ns: f"d{depth}p1"}
        declaration = f' xmlns:d{depth}p1="{content_ns}"'
    children: list[str] = []
    if ref.kind == "dto":
        for member, member_ref, member_value in _fields(_dto(ref.name), value, xml=True):
            _xml_element(children, member, content_ns, member_ref, member_value, scope, depth + 1)
    elif ref.kind == "list":
        item_ref = ref.args[0]
        item_name = _stable_name(item_ref)[0]
        for item in value:
            _xml_element(children, item_name, content_ns, item_ref, item, scope, depth + 1)
    else:
        pair_name = _key_value_name(ref)
        key_ref, value_ref = ref.args
        for key, item in value.items():
            pair: list[str] = []
            _xml_element(pair, "Key", NS_ARRAYS, key_ref, key, scope, depth + 2)
            _xml_element(pair, "Value", NS_ARRAYS, value_ref, item, scope, depth + 2)
            pair_tag = f"{scope[NS_ARRAYS]}:{pair_name}" if scope[NS_ARRAYS] else pair_name
            children.append(f"<{pair_tag}>{''.join(pair)}</{pair_tag}>")
    if children:
        out.append(f"<{tag}{declaration}>{''.join(children)}</{tag}>")
    else:
        out.append(f"<{tag}{declaration}/>")


def _render_xml_element(dto: Dto, value: dict | None) -> str:
    """The DTO as DataContractSerializer writes it (no XML declaration)."""
    children: list[str] = []
    scope = {dto.namespace: ""}
    for member, ref, member_value in _fields(dto, value, xml=True):
        _xml_element(children, member, dto.namespace, ref, member_value, scope, 2)
    return (f'<{dto.name} xmlns:i="{NS_XSI}" xmlns="{dto.namespace}">'
            + "".join(children) + f"</{dto.name}>")


def _render_xml(dto: Dto, value: dict | None) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>' + _render_xml_element(dto, value)


# --------------------------------------------------------------------------- SOAP

_SOAP = {  # version -> (prefix, envelope namespace, content type)
    "11": ("soap", "http://schemas.xmlsoap.org/soap/envelope/", "text/xml; charset=utf-8"),
    "12": ("soap12", "http://www.w3.org/2003/05/soap-envelope",
           "application/soap+xml; charset=utf-8"),
}


def _soap_version(version: str) -> tuple[str, str, str]:
    try:
        return _SOAP[str(version).replace("soap", "")]
    except KeyError:
        raise ValueError(f"unknown SOAP version {version!r}") from None


def _envelope(version: str, body_xml: str) -> bytes:
    """The envelope exactly as the ActiveCalls soap11 seed lays it out."""
    prefix, ns, _ = _soap_version(version)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<{prefix}:Envelope xmlns:xsi="{NS_XSI}" xmlns:xsd="{NS_XSD}" '
            f'xmlns:{prefix}="{ns}">\n'
            f"    <{prefix}:Body>\n\n{body_xml}\n\n    </{prefix}:Body>\n"
            f"</{prefix}:Envelope>").encode("utf-8")


def render_soap(version: str, dto_name: str, value: dict | None) -> tuple[bytes, str]:
    """``version`` '11' or '12'.  Content type text/xml (1.1) or application/soap+xml (1.2)."""
    body = _render_xml_element(_dto(dto_name), value)
    return _envelope(version, body), _soap_version(version)[2]


def render_soap_fault(version: str, status_code: int, error_code: str, message: str,
                      field_errors: Iterable[tuple[str, str, str]] = ()) -> tuple[bytes, str]:
    """A SOAP Fault (Client/Sender for 4xx, Server/Receiver otherwise) whose detail is the
    generic ErrorResponse."""
    prefix, _, content_type = _soap_version(version)
    detail = _render_xml_element(_dto("ErrorResponse"),
                                 _error_value(error_code, message, field_errors))
    text = _xml_escape(message or "")
    client = 400 <= int(status_code) < 500
    if prefix == "soap":
        fault = (f"<soap:Fault><faultcode>soap:{'Client' if client else 'Server'}</faultcode>"
                 f"<faultstring>{text}</faultstring><detail>{detail}</detail></soap:Fault>")
    else:
        fault = (f"<soap12:Fault><soap12:Code><soap12:Value>"
                 f"soap12:{'Sender' if client else 'Receiver'}</soap12:Value></soap12:Code>"
                 f'<soap12:Reason><soap12:Text xml:lang="en">{text}</soap12:Text>'
                 f"</soap12:Reason><soap12:Detail>{detail}</soap12:Detail></soap12:Fault>")
    return _envelope(version, fault), content_type


def parse_soap(body: bytes, version: str) -> tuple[str, dict]:
    """SOAP envelope -> (operation name, typed request dict).  The operation is the local
    name of the first element inside Body."""
    _, envelope_ns, _ = _soap_version(version)
    root = _xml_root(_decode(body))
    if root.tag != f"{{{envelope_ns}}}Envelope":
        raise BindingError(f"Expected a SOAP {version[-2:]} Envelope, found '{root.tag}'")
    soap_body = root.find(f"{{{envelope_ns}}}Body")
    request = next(iter(soap_body), None) if soap_body is not None else None
    if request is None:
        raise BindingError("SOAP Body is empty")
    op_name = _local(request.tag)
    if op_name not in DTOS:
        raise UnknownOperationError(
            f"The operation '{op_name}' does not exist for this service", value=op_name)
    return op_name, _bind_dto(DTOS[op_name], _xml_raw(TypeRef("dto", op_name), request))


# --------------------------------------------------------------------------- entry points

_RENDER = {"json": _render_json, "xml": _render_xml, "jsv": _render_jsv, "csv": _render_csv}


def render(fmt: str, dto_name: str, value: dict | None, text_case: str | None = None) -> tuple[bytes, str]:
    """Serialise ``value`` as ``dto_name`` in ``fmt`` (json, xml, jsv, csv, soap11, soap12).

    ``text_case`` ("camelcase", "snakecase", see ``text_case_of``) renames the members in
    JSON and JSV, as ServiceStack.Text does; XML, CSV and SOAP keep the declared names.
    Unknown keys in ``value`` raise ValueError (a handler bug, not a client error)."""
    if fmt in ("soap11", "soap12"):
        return render_soap(fmt[-2:], dto_name, value)
    cased = _CASED_WRITERS.get((fmt, text_case)) if text_case else None
    if cased is not None:
        return cased.value(TypeRef("dto", dto_name), value or {}).encode("utf-8"), CONTENT_TYPES[fmt]
    try:
        writer = _RENDER[fmt]
    except KeyError:
        raise ValueError(f"unsupported format {fmt!r}") from None
    return writer(_dto(dto_name), value).encode("utf-8"), CONTENT_TYPES[fmt]


def _error_value(error_code: str, message: str,
                 field_errors: Iterable[tuple[str, str, str]]) -> dict:
    return {"ResponseStatus": {
        "ErrorCode": error_code, "Message": message, "StackTrace": None,
        "Errors": [{"ErrorCode": code, "FieldName": field, "Message": text}
                   for code, field, text in field_errors]}}


def render_error(fmt: str, status_code: int, error_code: str, message: str,
                 field_errors: Iterable[tuple[str, str, str]] = (),
                 text_case: str | None = None) -> tuple[bytes, str]:
    """The generic ``ErrorResponse{ResponseStatus}`` (§C.6) in ``fmt``.

    ``field_errors`` are (ErrorCode, FieldName, Message).  The status code is not part of
    the body except for SOAP (Client vs Server fault).  CSV writes the single
    ``ResponseStatus`` member as the row (ServiceStack's rule for [DataContract] DTOs)."""
    if fmt in ("soap11", "soap12"):
        return render_soap_fault(fmt[-2:], status_code, error_code, message, field_errors)
    value = _error_value(error_code, message, field_errors)
    if fmt == "csv":
        return render("csv", "ResponseStatus", value["ResponseStatus"])
    return render(fmt, "ErrorResponse", value, text_case)


def wrap_jsonp(callback: str, body: bytes) -> tuple[bytes, str]:
    """``callback(<json>)`` as ServiceStack answers ``?callback=`` (§C.8)."""
    return callback.encode("utf-8") + b"(" + body + b")", "application/javascript"
