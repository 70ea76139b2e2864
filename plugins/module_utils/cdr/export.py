# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Call detail records: the export file and its manifest, for the ``cdr_export`` module.

:class:`ExportFile` writes records as CSV or JSON lines (optionally gzip) to a temporary file
beside ``dest`` and renames it into place, so ``dest`` is never left half-written;
:func:`export_cdrs` is the module's work.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import datetime
import gzip
import hashlib
import io
import json
import os
import re

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import read_account_by_id, read_accounts
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_list import read_customers
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import check_path
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.files import (  # noqa: F401 pylint: disable=unused-import
    TempFile, check_dest as check_file_dest, default_mode, remove_stale_parts, temp_path, write_file)
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import CdrInputError, UTC, check_selection, format_utc, resolve_range
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.records import COLUMNS, CdrQuery, Summary, fetch_page, iter_cdrs, resolve_account

FORMATS = ("csv", "jsonl")
#: How CSV cells a spreadsheet would evaluate are written: with a leading ``'``, or as they are.
CSV_FORMULAS = ("neutralise", "raw")


# -- export files ----------------------------------------------------------------------------------

def csv_value(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        text = repr(value)
        return ("%.6f" % value).rstrip("0").rstrip(".") if "e" in text else text
    return value


# A cell a spreadsheet reads as a formula starts with one of these (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "@", "\t", "\r", "+", "-")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_E164 = re.compile(r"^\+[1-9]\d{1,14}$")


def is_formula(text):
    """Whether a spreadsheet would evaluate ``text``; a number or an E.164 number (+441632960001) is data."""
    if not text or text[0] not in _FORMULA_STARTS:
        return False
    if text[0] in "+-":
        return not (_NUMBER.match(text) or _E164.match(text))
    return True


def neutralise(value):
    """A cell written so that no spreadsheet evaluates it: a formula gets a leading ``'``."""
    return "'" + value if isinstance(value, str) and is_formula(value) else value


def restore(text):
    """The value of a cell :func:`neutralise` wrote (for readers of a neutralised CSV)."""
    return text[1:] if text[:1] == "'" and is_formula(text[1:]) else text


class _HashingWriter(io.RawIOBase):
    """A binary file that hashes what goes through it (the sha256 recorded in the manifest)."""

    def __init__(self, handle):
        super().__init__()
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)
        return self.handle.write(data)


def manifest_path(dest):
    return dest + ".manifest.json"


def has_manifest(dest):
    """Whether a manifest beside ``dest`` says the collection wrote it (what ``force`` is needed to override)."""
    return read_manifest(dest) is not None


class ExportFile:
    """Records streamed to a temporary file beside ``dest``; :meth:`commit` renames it into place.

    Leaving the ``with`` block without ``commit`` (an error, an interrupt) removes the temporary
    file, and a killed process leaves only a ``.<name>.<pid>.part`` file, never a short ``dest``.
    """

    def __init__(self, dest, fmt="csv", compress=False, csv_formulas="neutralise", force=True):
        if fmt not in FORMATS:
            raise CdrInputError("format", "must be one of %s" % ", ".join(FORMATS), fmt)
        self.dest = dest
        self.format = fmt
        self.compress = compress
        self.cell = (lambda value: neutralise(csv_value(value))) if csv_formulas == "neutralise" else csv_value
        # checked again just before the rename: never through a link, never over a special file
        self._temp = TempFile(dest, "dest", force=force, written_by_us=has_manifest)
        self._raw = None
        self._hashing = None
        self._gzip = None
        self._text = None
        self._csv = None
        self.sha256 = None
        self.size = None

    @property
    def path(self):
        """The temporary file (None once committed)."""
        return self._temp.path

    def __enter__(self):
        self._raw = self._temp.__enter__().file
        self._hashing = _HashingWriter(self._raw)
        sink = io.BufferedWriter(self._hashing, buffer_size=1 << 20)
        if self.compress:
            self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=sink, compresslevel=6, mtime=0)
            self._text = io.TextIOWrapper(self._gzip, encoding="utf-8", newline="", write_through=False)
            self._sink = sink
        else:
            self._text = io.TextIOWrapper(sink, encoding="utf-8", newline="")
        if self.format == "csv":
            self._csv = csv.writer(self._text, lineterminator="\n")
            self._csv.writerow(COLUMNS)
        return self

    def write(self, records):
        if self._csv is not None:
            cell = self.cell
            self._csv.writerows([cell(record[column]) for column in COLUMNS] for record in records)
        else:
            dumps = json.dumps
            self._text.write("".join(dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
                                     for record in records))

    def finish(self):
        """Complete the temporary file: ``sha256`` and ``size`` are then known (for the manifest)."""
        if self.sha256 is not None:
            return
        self._text.flush()
        if self._gzip is not None:
            self._text.detach()
            self._gzip.close()
            self._sink.flush()
            self._sink.detach()
        else:
            self._text.detach().flush()
        self._temp.finish()
        self.sha256 = self._hashing.sha256.hexdigest()
        self.size = self._hashing.size

    def commit(self, mode=None):
        """Finish the file and rename it to ``dest`` (atomic on one file system)."""
        self.finish()
        self._temp.commit(mode)

    def __exit__(self, exc_type, exc, traceback):
        if self.path is not None:
            for stream in (self._text, self._raw):      # the wrappers first, or they flush into a closed file later
                try:
                    if stream is not None and not stream.closed:
                        stream.close()
                except (OSError, ValueError):
                    pass
        return self._temp.__exit__(exc_type, exc, traceback)


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(dest, manifest):
    """The manifest beside ``dest``, written the safe way like the export itself (a manifest is ours by its name)."""
    data = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    write_file(manifest_path(dest), data, option="dest", force=True, mode=default_mode(dest))


def read_manifest(dest):
    try:
        with open(manifest_path(dest)) as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def up_to_date(dest, export):
    """The manifest beside ``dest`` when it records exactly ``export`` (the query, format, compression,
    server) and ``dest`` still has the recorded content; None otherwise."""
    manifest = read_manifest(dest)
    if not manifest or manifest.get("export") != export or not os.path.isfile(dest):
        return None
    if os.path.getsize(dest) != manifest.get("size") or file_sha256(dest) != manifest.get("sha256"):
        return None
    return manifest


# -- the export module ---------------------------------------------------------------------------

def check_dest(dest, force=False):
    """``dest`` as an absolute path in an existing, writable directory, or an input error: never a link, a
    special file, or a file the collection did not write (no manifest) unless ``force``."""
    if not dest:
        raise CdrInputError("dest", "must not be empty")
    check_path("dest", dest)
    path = os.path.abspath(os.path.expanduser(dest))
    directory = os.path.dirname(path)
    if dest.endswith(os.sep) or os.path.isdir(path):
        raise CdrInputError("dest", "must be a file name, not a directory", dest)
    if not os.path.isdir(directory):
        raise CdrInputError("dest", "its directory %s does not exist" % directory, dest)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise CdrInputError("dest", "its directory %s is not writable" % directory, dest)
    check_file_dest("dest", path, force=force, written_by_us=has_manifest)
    check_file_dest("dest", manifest_path(path), force=True)
    return path


def previous_range(start, end):
    """The period of the same length that ends where ``start, end`` begins (for period-over-period figures)."""
    return start - (end - start), start


def read_context(client, customer, account):
    """What a reader of the export needs besides the records: the customer's name and currency (the
    amounts' currency) and the accounts' names by account ID.  Two requests for a customer, one for an account."""
    context = {"customer": customer, "customer_name": None, "currency": None, "accounts": {}}
    if account is not None:
        accounts = [item for item in [read_account_by_id(client, account)] if item]
    else:
        for item in read_customers(client):
            if item["id"] == customer:
                context.update(customer_name=item["name"] or None, currency=item["currency"] or None)
        accounts = read_accounts(client, customer)
    for item in accounts:
        name = " ".join(part for part in (item.get("first_name"), item.get("last_name")) if part)
        context["accounts"][item["account_id"]] = name
        if not context["currency"] and item.get("currency"):
            context["currency"] = item["currency"]
    return context


def export_cdrs(client, params, check_mode=False, now=None):
    """The ``cdr_export`` module's work; returns its result.  Input is checked before any request."""
    now = (now or datetime.datetime.now(UTC)).replace(microsecond=0)
    start, end = resolve_range(params["from_date"], params.get("to_date") or "now", params.get("timezone") or "UTC",
                               now=now)
    if params.get("previous_period"):
        start, end = previous_range(start, end)
    customer, account = check_selection(params.get("customer"), params.get("account"))
    fmt = params.get("format") or "csv"
    if fmt not in FORMATS:
        raise CdrInputError("format", "must be one of %s" % ", ".join(FORMATS), fmt)
    csv_formulas = params.get("csv_formulas") or "neutralise"
    if csv_formulas not in CSV_FORMULAS:
        raise CdrInputError("csv_formulas", "must be one of %s" % ", ".join(CSV_FORMULAS), csv_formulas)
    dest = check_dest(params["dest"], force=bool(params.get("force")))
    compress = bool(params.get("compress"))

    i_account = resolve_account(client, account, customer)[0] if account is not None else None
    query = CdrQuery(start, end, customer=customer, i_account=i_account, account=account,
                     include_accounts=params.get("include_accounts", True), outgoing_only=params.get("outgoing_only"))
    export = dict(query.describe(), format=fmt, compress=compress, url=client.redact(client.url))
    if fmt == "csv":
        export["csv_formulas"] = csv_formulas
    result = {"dest": dest, "manifest": manifest_path(dest), "range": {"from": export["from"], "to": export["to"]}}

    # A period still running gains calls: only an ended one can be reused as it is.
    manifest = None if params.get("force") or end > now else up_to_date(dest, export)
    if manifest is not None:
        result.update(manifest.get("summary") or {})
        result.update(changed=False, sha256=manifest.get("sha256"))
        return result
    first = fetch_page(client, query, 0)
    if check_mode:
        result.update(changed=True, records=first[1] if first[1] is not None else len(first[0]), total_charged=None,
                      total_minutes=None, first_call=None, last_call=None, sha256=None)
        return result

    context = read_context(client, customer, account)
    remove_stale_parts(dest)
    summary = Summary()
    with ExportFile(dest, fmt, compress, csv_formulas, force=bool(params.get("force"))) as out:
        for records in iter_cdrs(client, query, first=first, prefetch=True):
            out.write(records)
            summary.add(records)
        out.finish()
        # the manifest first: a run killed between the two renames leaves a file the next run knows as its own
        write_manifest(dest, {"export": export, "summary": summary.as_dict(), "sha256": out.sha256, "size": out.size,
                              "written": format_utc(datetime.datetime.now(UTC)), "columns": list(COLUMNS),
                              "context": context})
        out.commit()
    result.update(summary.as_dict())
    result.update(changed=True, sha256=out.sha256)
    return result
