# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A CDR export (the CSV of ``cdr_export``) as one self-contained HTML page operators act on.

:func:`read_cdr_csv` streams the CSV into :class:`~.stats.CdrStats` (one pass, constant
memory); :func:`render_html` lays the figures out - headline tiles with the change against the
previous period, incoming vs outgoing, ASR and ACD per day, failure causes, destinations by
country, accounts, a day-of-week x hour heat map - with inline CSS and inline SVG: no script,
no font, nothing fetched (a Content-Security-Policy forbids both), so the file can be mailed,
archived and printed as it is.  Every chart has its numbers in a table inside its figure, and
every headline carries its exact value in ``data-value``.  :func:`render_overview` is the
reseller's page: a row per customer, linking to each customer's report.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import datetime
import json
import os
from decimal import Decimal
from html import escape

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import CdrReportError
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.export import manifest_path, restore
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import UTC, CdrInputError, resolve_zone
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.stats import (
    WEEKDAYS, CdrStats, Destinations, parse_amount, parse_duration, plain, zone_label)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import check_path, check_text

#: the columns of a cdr_export CSV that the report reads
REQUIRED_COLUMNS = ("connect_time", "account_id", "cld", "duration", "charged_amount", "failed",
                    "disconnect_cause", "call_type")
#: The longest title, period or currency the page shows (a line of a heading, not a document).
TEXT_MAX_LENGTH = 300
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; "
       "connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'")


def check_report_options(params):
    """The module's paths and texts, before any file is read: ``InputError`` names the option."""
    for name in ("src", "dest", "previous_src"):
        if params.get(name) is not None:
            check_path(name, params[name])
    for name in ("title", "period", "currency"):
        if params.get(name) is not None:
            check_text(name, params[name], TEXT_MAX_LENGTH)
    for name in ("top", "destination_digits"):
        if params.get(name) is not None and params[name] < 1:
            raise CdrInputError(name, "must be at least 1", params[name])
    dest = params.get("dest")
    if dest:
        path = os.path.abspath(dest)
        if os.path.isdir(path) or dest.endswith(os.sep):
            raise CdrInputError("dest", "must be a file name, not a directory", dest)
        if not os.path.isdir(os.path.dirname(path)):
            raise CdrInputError("dest", "its directory %s does not exist" % os.path.dirname(path), dest)


# -- reading ---------------------------------------------------------------------------------------

def read_context(src):
    """The manifest cdr_export wrote beside ``src``, or None: the range, the currency, account names."""
    try:
        with open(manifest_path(src), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("export"), dict):
        return None
    context = manifest.get("context") if isinstance(manifest.get("context"), dict) else {}
    export = manifest["export"]
    accounts = context.get("accounts") if isinstance(context.get("accounts"), dict) else {}
    return {"start": _utc(export.get("from")), "end": _utc(export.get("to")),
            "currency": context.get("currency") if isinstance(context.get("currency"), str) else None,
            "customer": context.get("customer"), "customer_name": context.get("customer_name"),
            "accounts": dict((str(key), str(value)) for key, value in accounts.items() if value),
            "neutralised": export.get("csv_formulas") == "neutralise"}


def _utc(text):
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def read_cdr_csv(path, stats, option="src", neutralised=False):
    """Stream a cdr_export CSV into ``stats``.  Anything unreadable is a CdrReportError naming the option,
    the file and the line: not UTF-8, an over-long field, NaN or infinite amounts, a directory."""
    if os.path.isdir(path):
        raise CdrReportError("%s: %s is a directory, not a cdr_export CSV file" % (option, path))
    try:
        handle = open(path, encoding="utf-8", newline="")
    except (IOError, OSError) as exc:
        raise CdrReportError("%s: cannot read %s: %s" % (option, path, exc.strerror or exc))
    reader = csv.reader(handle)
    with handle:
        try:
            header = next(reader, None) or []
            missing = [column for column in REQUIRED_COLUMNS if column not in header]
            if missing:
                raise CdrReportError("%s: %s is not a cdr_export CSV: it has no column %s (its header is %s)" % (
                    option, path, ", ".join(missing), ",".join(header)[:200] or "empty"))
            _stream(reader, header, stats, neutralised)
        except UnicodeDecodeError as exc:
            raise CdrReportError("%s: %s line %d is not UTF-8 text (byte 0x%02x): cdr_export writes UTF-8" % (
                option, path, reader.line_num + 1, exc.object[exc.start]))
        except csv.Error as exc:
            raise CdrReportError("%s: %s line %d: %s" % (option, path, reader.line_num, exc))
        except ValueError as exc:
            raise CdrReportError("%s: %s line %d: %s" % (option, path, reader.line_num, exc))
    return stats


def _stream(reader, header, stats, neutralised):
    """The hot loop: one row at a time into ``stats`` (local names for speed)."""
    index = dict((column, header.index(column)) for column in REQUIRED_COLUMNS)
    c_time, c_account, c_cld, c_duration, c_amount, c_failed, c_cause, c_type = (
        index[column] for column in REQUIRED_COLUMNS)
    width = max(index.values()) + 1
    add, amount_of, duration_of = stats.add, parse_amount, parse_duration
    amounts, causes = {}, {}
    for row in reader:
        if len(row) < width:
            if not row:
                continue
            raise ValueError("has %d fields, the header %d" % (len(row), len(header)))
        amount = row[c_amount]
        cost = amounts.get(amount)
        if cost is None:
            cost = amount_of(amount)
            if len(amounts) < 4096:
                amounts[amount] = cost
        cause_text = row[c_cause]
        cause = causes.get(cause_text, False)
        if cause is False:
            try:
                cause = int(cause_text) if cause_text else None
            except ValueError:
                raise ValueError("disconnect_cause %r is not a number" % cause_text[:40])
            if len(causes) < 4096:
                causes[cause_text] = cause
        account, cld = row[c_account], row[c_cld]
        if neutralised:
            account, cld = restore(account), restore(cld)
        add(row[c_time], account, cld, duration_of(row[c_duration]), cost, row[c_failed] == "true", cause,
            row[c_type])


def build_stats(src, tzinfo, context, destination_digits=4, option="src", use_phonenumbers=True):
    """One CSV's figures, over the period its manifest records (else its first to last call)."""
    context = context or {}
    stats = CdrStats(tzinfo, context.get("start"), context.get("end"),
                     Destinations(destination_digits, use_phonenumbers=use_phonenumbers))
    read_cdr_csv(src, stats, option=option, neutralised=bool(context.get("neutralised")))
    return stats


def check_currency(option_value, context):
    """The amounts' currency: the export's (the customer's); ``currency`` only checks it."""
    known = (context or {}).get("currency")
    if option_value:
        if not known:
            raise CdrInputError("currency", "cannot be checked: src has no cdr_export manifest recording the "
                                            "customer's currency (export it again with cdr_export)", option_value)
        if option_value.strip().upper() != known.upper():
            raise CdrInputError("currency", "the amounts are in %s (the customer's currency), not in %s"
                                % (known, option_value), option_value)
    return known


# -- numbers as text -------------------------------------------------------------------------------

def _money(value):
    return "{:,}".format(Decimal(value).quantize(Decimal("0.01")))


def _num(value):
    return "{:,}".format(value)


def _pct(value):
    return "-" if value is None else "%s %%" % value


def _acd(value):
    """ACD in minutes as m:ss."""
    if value is None:
        return "-"
    seconds = int((value * 60).to_integral_value())
    return "%d:%02d" % (seconds // 60, seconds % 60)


def period_of(figures):
    """``2026-10-01 to 2026-10-31``: the first and last day of the figures' axis."""
    days = figures["by_day"]
    if not days:
        return ""
    return days[0]["day"] if len(days) == 1 else "%s to %s" % (days[0]["day"], days[-1]["day"])


# -- HTML pieces -----------------------------------------------------------------------------------

_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d2733;margin:1.5rem auto;
max-width:64rem;padding:0 1rem;line-height:1.4;overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #d5dbe2}
.meta{color:#4a5563;margin:.25rem 0 1rem}.note{color:#8a4b00;background:#fff6e5;padding:.4rem .6rem;border-radius:4px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.75rem}
.tile{border:1px solid #d5dbe2;border-radius:6px;padding:.6rem .8rem}
.tile .value{font-size:1.45rem;font-weight:600}.tile .label{color:#4a5563;font-size:.85rem}
.delta{font-size:.8rem;color:#4a5563}.up{color:#1a7f37}.down{color:#b42318}
figure{margin:0 0 1.5rem;break-inside:avoid;page-break-inside:avoid}
figcaption{font-weight:600;margin:.5rem 0}
svg{display:block;width:100%;max-width:46rem;height:auto}svg text{font-size:11px;fill:#1d2733}
.bar{fill:#2f6fae}.bar.alt{fill:#d9822b}.bar.in{fill:#6b8e23}.axis{stroke:#8795a5;stroke-width:1}
.wrap{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1rem;width:100%}
th,td{padding:.2rem .4rem;border-bottom:1px solid #e3e8ee;text-align:right;vertical-align:top;overflow-wrap:normal}
th:first-child,td:first-child{text-align:left}
td.name{text-align:left}
.empty{color:#4a5563;font-style:italic}
@media (max-width:40rem){body{margin:.75rem auto;padding:0 .5rem}table{font-size:.72rem}th,td{padding:.15rem .2rem}
.tile .value{font-size:1.2rem}}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}.tile{border-color:#999}.wrap{overflow:visible}}
"""


def _table(headers, rows, table_id=None, chart=None):
    head = "".join("<th scope=\"col\">%s</th>" % escape(h) for h in headers)
    body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % escape(str(cell)) for cell in cells) for cells in rows)
    attributes = (' id="%s"' % table_id if table_id else "") + (' data-chart="%s"' % chart if chart else "")
    return '<div class="wrap"><table%s><thead><tr>%s</tr></thead><tbody>%s</tbody></table></div>' % (
        attributes, head, body)


def _figure(chart_id, caption, svg, table):
    """A chart and the table of its numbers, together (the table is what a screen reader and a test read)."""
    if svg is None:
        return ('<figure class="chart" id="%s"><figcaption>%s</figcaption><p class="empty">No calls in this '
                'period.</p>%s</figure>' % (chart_id, escape(caption), table))
    return '<figure class="chart" id="%s"><figcaption>%s</figcaption>%s%s</figure>' % (
        chart_id, escape(caption), svg, table)


def _svg(caption, width, height, parts):
    return ('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="%s" viewBox="0 0 %d %d" '
            'preserveAspectRatio="xMinYMin meet">%s</svg>' % (escape(caption), width, height, "".join(parts)))


def _columns(caption, labels, values, unit="", css="bar", label_every=None, zeros=False):
    """Vertical bars, one per label (every day of the period, every hour), zeros included; all zeros
    give no chart unless ``zeros`` (an ASR of 0 % on days with calls is a figure, not an absence)."""
    if not labels or not (zeros or any(values)):
        return None
    width, height, left, bottom, top = 480, 180, 40, 30, 10
    peak = float(max(values)) or 1.0
    slot = (width - left - 6) / float(len(values))
    every = label_every or max(1, -(-len(labels) // 10))
    parts = ['<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>' % (left, height - bottom, width - 4, height - bottom)]
    for index, (label, value) in enumerate(zip(labels, values)):
        tall = (height - bottom - top) * float(value) / peak
        x = left + index * slot + slot * 0.12
        parts.append('<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-value="%s"><title>%s: %s%s'
                     '</title></rect>' % (css, x, height - bottom - tall, slot * 0.76, tall, escape(str(value)),
                                          escape(label), escape(str(value)), escape(unit)))
        if index % every == 0:
            parts.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (
                x + slot * 0.38, height - bottom + 14, escape(label)))
    parts.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 4, top + 8, escape(_short(peak))))
    parts.append('<text x="%d" y="%d" text-anchor="end">0</text>' % (left - 4, height - bottom))
    return _svg(caption, width, height, parts)


def _bars(caption, labels, values, unit="", css="bar"):
    """Horizontal bars for ranked lists (countries, causes, accounts, directions)."""
    if not any(values):
        return None
    row, label_width, width = 28, 150, 440
    height = max(len(values), 2) * row + 12
    peak = float(max(values)) or 1.0
    parts = []
    for index, (label, value) in enumerate(zip(labels, values)):
        length = (width - label_width - 70) * float(value) / peak
        y = 6 + index * row
        shown = label if len(label) <= 24 else label[:23] + "\u2026"
        parts.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (label_width - 6, y + 15, escape(shown)))
        parts.append('<rect class="%s" x="%d" y="%d" width="%.1f" height="%d" data-value="%s"><title>%s: %s%s</title>'
                     '</rect>' % (css, label_width, y + 3, length, row - 8, escape(str(value)), escape(label),
                                  escape(str(value)), escape(unit)))
        parts.append('<text x="%.1f" y="%d">%s%s</text>' % (label_width + length + 4, y + 15, escape(str(value)),
                                                            escape(unit)))
    return _svg(caption, width, height, parts)


def _heat_map(caption, week):
    """Day of week x hour as shaded squares; the table beside it has every number."""
    if not any(cell["calls"] for row in week for cell in row):
        return None
    left, top, size = 30, 16, 18
    width, height = left + 24 * size + 4, top + 7 * size + 4
    peak = max(cell["calls"] for row in week for cell in row) or 1
    parts = []
    for hour in range(0, 24, 2):
        parts.append('<text x="%d" y="%d" text-anchor="middle">%02d</text>' % (left + hour * size + size // 2, 12, hour))
    for day, cells in enumerate(week):
        parts.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                     % (left - 4, top + day * size + 13, WEEKDAYS[day]))
        for hour, cell in enumerate(cells):
            share = cell["calls"] / float(peak)
            parts.append('<rect x="%d" y="%d" width="%d" height="%d" fill="rgb(%d,%d,%d)" data-value="%d">'
                         '<title>%s %02d:00: %d calls</title></rect>' % (
                             left + hour * size, top + day * size, size - 2, size - 2,
                             int(238 - 191 * share), int(243 - 132 * share), int(248 - 74 * share),
                             cell["calls"], WEEKDAYS[day], hour, cell["calls"]))
    return _svg(caption, width, height, parts)


def _short(number):
    return ("%.0f" % number) if number >= 10 else ("%.1f" % number)


def _tile(metric, label, shown, exact, delta=""):
    return ('<div class="tile"><div class="value" data-metric="%s" data-value="%s">%s</div>'
            '<div class="label">%s</div>%s</div>' % (metric, escape(str(exact)), escape(shown), escape(label), delta))


def _delta(current, previous, points=False, shown=str):
    """The change against the previous period: percent for counts and amounts, points for ASR;
    ``shown`` writes the previous value as the tile writes the current one."""
    if previous is None:
        return ""
    if current is None or (not points and not previous):
        return '<div class="delta">previous: %s</div>' % escape(shown(previous))
    change = Decimal(current) - Decimal(previous)
    if points:
        text = "%+.1f pts" % change
    else:
        text = "%+.1f %%" % (change * 100 / Decimal(previous))
    css = "up" if change > 0 else ("down" if change < 0 else "")
    return '<div class="delta"><span class="%s">%s</span> vs previous (%s)</div>' % (
        css, escape(text), escape(shown(previous)))


_METRIC_HEADERS = ["Calls", "Answered", "ASR", "Minutes", "ACD", "Cost"]


def _metric_cells(figures):
    return [_num(figures["calls"]), _num(figures["answered"]), _pct(figures["asr"]), _num(figures["minutes"]),
            _acd(figures["acd"]), _money(figures["cost"])]


def _head(title, extra_style=""):
    return ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" content="%s">' % CSP,
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            "<title>%s</title><style>%s%s</style></head><body>" % (escape(title), _STYLE, extra_style)]


def render_html(figures, title, period="", currency=None, csv_name="", previous=None, accounts=None, top=10,
                notes=()):
    """The customer's page as text.  ``figures`` come from :meth:`CdrStats.figures`; ``previous`` are the
    previous period's (or None); ``accounts`` maps account IDs to names."""
    accounts = accounts or {}
    totals = figures["totals"]
    before = previous["totals"] if previous else None
    unit = (" " + currency) if currency else ""
    zone = figures["zone"]
    days = figures["by_day"]
    html = _head(title)
    meta = [escape(period or "")] if period else []
    meta.append("All times are in %s." % escape(zone))
    meta.append("Amounts in %s." % escape(currency) if currency else "Currency not recorded with these records.")
    if csv_name:
        meta.append("Records: %s." % escape(csv_name))
    html.append('<header><h1>%s</h1><p class="meta">%s</p></header>' % (escape(title), " &middot; ".join(meta)))
    for note in list(figures["notes"]) + list(notes):
        html.append('<p class="note">%s</p>' % escape(note))

    def prev(key):
        return before[key] if before else None

    html += [
        '<section id="totals"><h2>Headlines</h2>',
        '<p class="meta">%s</p>' % ("Change against the previous period of the same length." if previous else
                                    "No previous period to compare with."),
        '<div class="tiles">',
        _tile("calls", "calls", _num(totals["calls"]), totals["calls"],
              _delta(totals["calls"], prev("calls"), shown=_num)),
        _tile("asr", "ASR (answered / calls)", _pct(totals["asr"]), "" if totals["asr"] is None else totals["asr"],
              _delta(totals["asr"], prev("asr"), points=True, shown=_pct)),
        _tile("minutes", "minutes", _num(totals["minutes"]), totals["minutes"],
              _delta(totals["minutes"], prev("minutes"), shown=_num)),
        _tile("acd", "ACD (min:s per answered call)", _acd(totals["acd"]),
              "" if totals["acd"] is None else totals["acd"], _delta(totals["acd"], prev("acd"), shown=_acd)),
        _tile("cost", "cost" + unit, _money(totals["cost"]) + unit, totals["cost"],
              _delta(totals["cost"], prev("cost"), shown=_money)),
        _tile("failed", "failed calls", _num(totals["failed"]), totals["failed"],
              _delta(totals["failed"], prev("failed"), shown=_num)),
        "</div></section>",
    ]

    directions = [(name, figures["by_direction"][name]) for name in sorted(figures["by_direction"])]
    html += ['<section id="directions"><h2>Incoming and outgoing</h2>',
             _figure("chart-directions", "Calls by direction",
                     _bars("Calls by direction", [name for name, _f in directions],
                           [f["calls"] for _n, f in directions], css="bar in"),
                     _table(["Direction"] + _METRIC_HEADERS[:5] + ["Cost" + unit],
                            [[name] + _metric_cells(f) for name, f in directions], "table-directions",
                            "chart-directions")),
             "</section>"]

    day_labels = [d["day"][5:] for d in days]
    per_day = [_columns("Calls per day", day_labels, [d["calls"] for d in days]),
               _columns("ASR per day", day_labels, [d["asr"] or 0 for d in days], unit=" %", css="bar alt", zeros=True),
               _columns("ACD per day", day_labels, [d["acd"] or 0 for d in days], unit=" min", css="bar in",
                        zeros=True)]
    charts = None
    if per_day[0] is not None:
        charts = "".join('<h3>%s</h3>%s' % (escape(caption), svg) for caption, svg in zip(
            ("Calls", "ASR (%)", "ACD (minutes per answered call)"), per_day))
    html += ['<section id="per-day"><h2>Per day</h2>',
             _figure("chart-per-day", "Calls, ASR and ACD on every day of the period", charts,
                     _table(["Day", "Calls", "Answered", "Failed", "ASR", "Minutes", "ACD", "Cost" + unit],
                            [[d["day"], _num(d["calls"]), _num(d["answered"]), _num(d["failed"]), _pct(d["asr"]),
                              _num(d["minutes"]), _acd(d["acd"]), _money(d["cost"])] for d in days],
                            "table-per-day", "chart-per-day")),
             "</section>"]

    causes = sorted(figures["by_cause"].items(), key=lambda item: (-item[1]["calls"], str(item[0])))
    failed = totals["failed"]
    html += ['<section id="failures"><h2>Failed calls by cause (Q.850)</h2>',
             _figure("chart-causes", "Failed calls by cause",
                     _bars("Failed calls by cause", [c["name"] for _k, c in causes], [c["calls"] for _k, c in causes],
                           css="bar alt"),
                     _table(["Cause", "Name", "Calls", "Share of failed"],
                            [["-" if key is None else key, c["name"], _num(c["calls"]),
                              "%s %%" % (Decimal(100 * c["calls"]) / failed).quantize(Decimal("0.1"))]
                             for key, c in causes], "table-causes", "chart-causes")),
             "</section>"]

    countries = sorted(figures["by_country"].items(), key=lambda item: (-item[1]["calls"], item[0]))[:top]
    by_country = figures["destinations_by"] == "country"
    heading = "Top outgoing destinations by %s" % ("country" if by_country else "dialled prefix")
    html += ['<section id="destinations"><h2>%s</h2>' % heading,
             _figure("chart-destinations", "Outgoing calls by destination",
                     _bars("Outgoing calls by destination", ["%s (%s)" % (c["name"], k) if by_country else c["name"]
                                                             for k, c in countries],
                           [c["calls"] for _k, c in countries]),
                     _table(["Destination", "Code"] + _METRIC_HEADERS[:5] + ["Cost" + unit],
                            [[c["name"], key] + _metric_cells(c) for key, c in countries], "table-destinations",
                            "chart-destinations")),
             "</section>"]

    ranked = sorted(figures["by_account"].items(), key=lambda item: (-item[1]["seconds"], item[0]))
    html += ['<section id="accounts"><h2>Accounts</h2>',
             _figure("chart-accounts", "Minutes per account (top %d)" % top,
                     _bars("Minutes per account", ["%s (%s)" % (accounts[k], k) if accounts.get(k) else k
                                                   for k, _a in ranked[:top]],
                           [a["minutes"] for _k, a in ranked[:top]], unit=" min"),
                     _table(["Account", "Name", "Minutes"],
                            [[key, accounts.get(key, ""), _num(a["minutes"])] for key, a in ranked[:top]],
                            "table-accounts-top", "chart-accounts")),
             "<h3>Every account</h3>",
             _table(["Account", "Name"] + _METRIC_HEADERS[:5] + ["Cost" + unit],
                    [[key, accounts.get(key, "")] + _metric_cells(a) for key, a in ranked], "table-accounts"),
             "</section>"]

    week = figures["by_weekday_hour"]
    html += ['<section id="busy-hours"><h2>Busy hours: calls by day of week and hour</h2>',
             _figure("chart-heat-map", "Calls by day of week and hour of the day",
                     _heat_map("Calls by day of week and hour", week),
                     _table(["Hour"] + list(WEEKDAYS),
                            [["%02d" % hour] + [_num(week[day][hour]["calls"]) for day in range(7)]
                             for hour in range(24)], "table-heat-map", "chart-heat-map")),
             "</section>",
             "</body></html>"]
    return "\n".join(html) + "\n"


def render_overview(title, rows, period="", zone="UTC"):
    """The reseller's page: one row per customer (``name``, ``customer``, ``report`` link, ``figures``, ``currency``)."""
    html = _head(title)
    html.append('<header><h1>%s</h1><p class="meta">%s</p></header>' % (
        escape(title), " &middot; ".join(([escape(period)] if period else []) + ["All times are in %s." % escape(zone)])))
    body = []
    for row in rows:
        totals = row["figures"]["totals"]
        link = '<a href="%s">%s</a>' % (escape(row["report"], quote=True), escape(row["name"])) if row.get("report") \
            else escape(row["name"])
        cells = [link, escape(str(row["customer"]))] + [escape(cell) for cell in _metric_cells(totals)[:5]]
        cells.append(escape("%s %s" % (_money(totals["cost"]), row.get("currency") or "")).strip())
        body.append("<tr data-customer=\"%s\">%s</tr>"
                    % (escape(str(row["customer"])), "".join("<td>%s</td>" % cell for cell in cells)))
    head = "".join("<th scope=\"col\">%s</th>" % escape(h) for h in ["Customer", "ID"] + _METRIC_HEADERS)
    html.append('<section id="customers"><h2>Customers</h2><div class="wrap"><table id="table-customers"><thead><tr>%s'
                '</tr></thead><tbody>%s</tbody></table></div></section>' % (head, "".join(body)))
    if not rows:
        html.append('<p class="empty">No customer is visible to the License.</p>')
    html.append("</body></html>")
    return "\n".join(html) + "\n"


def plain_totals(figures):
    """The headline figures as JSON-friendly numbers, for a task result."""
    return plain(figures["totals"])


def report_figures(params):
    """The module's work up to the page: the zone, the context, this period's and the previous period's figures."""
    tzinfo = resolve_zone(params.get("timezone") or "UTC")
    context = read_context(params["src"])
    currency = check_currency(params.get("currency"), context)
    digits = params.get("destination_digits") or 4
    figures = build_stats(params["src"], tzinfo, context, digits).figures()
    previous = None
    if params.get("previous_src"):
        previous_context = read_context(params["previous_src"])
        previous = build_stats(params["previous_src"], tzinfo, previous_context, digits,
                               option="previous_src").figures()
    return tzinfo, context, currency, figures, previous


# -- the module's two pages --------------------------------------------------------------------------

def customer_page(params):
    _tzinfo, context, currency, figures, previous = report_figures(params)
    period = params["period"] or period_of(figures)
    page = render_html(figures, params["title"], period, currency=currency, csv_name=os.path.basename(params["src"]),
                       previous=previous, accounts=(context or {}).get("accounts"), top=params["top"])
    return page, {"totals": plain_totals(figures), "currency": currency}


def overview_page(params):
    tzinfo = resolve_zone(params.get("timezone") or "UTC")
    rows, customers = [], {}
    for index, item in enumerate(params["overview"]):
        option = "overview[%d].src" % index
        check_path(option, item["src"])
        check_text("overview[%d].name" % index, item["name"], TEXT_MAX_LENGTH)
        context = read_context(item["src"])
        figures = build_stats(item["src"], tzinfo, context, params["destination_digits"], option=option).figures()
        rows.append(dict(item, figures=figures, currency=(context or {}).get("currency")))
        customers[str(item["customer"])] = plain_totals(figures)
    page = render_overview(params["title"], rows, params["period"] or "", zone=zone_label(tzinfo))
    totals = dict((key, sum(c[key] for c in customers.values())) for key in ("calls", "answered", "failed", "seconds"))
    return page, {"totals": totals, "customers": customers}
