# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A CDR export (the CSV of ``cdr_export``) summarised as one self-contained HTML page.

``summarize`` reduces the records to figures; ``render_html`` lays them out with inline CSS
and inline SVG bar charts: no script, no font, no image, nothing fetched, so the file can be
mailed, archived and printed as it is. Every figure is also in a table beside its chart,
and every total carries its exact value in ``data-value`` for machines (and tests).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import re
from collections import OrderedDict
from datetime import datetime, timedelta, timezone as fixed_zone
from decimal import Decimal, InvalidOperation
from html import escape

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import CdrReportError
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import check_path, check_text

#: the columns of a cdr_export CSV that the report reads
REQUIRED_COLUMNS = ("connect_time", "account_id", "cld", "duration", "charged_amount", "failed")


#: The longest title, period or currency the page shows (a line of a heading, not a document).
TEXT_MAX_LENGTH = 300


def check_report_options(params):
    """The module's paths and texts, before any file is read: ``InputError`` names the option."""
    for name in ("src", "dest"):
        check_path(name, params[name])
    for name in ("title", "period", "currency"):
        check_text(name, params[name], TEXT_MAX_LENGTH)


def zone(name):
    """A tzinfo for ``UTC``, a fixed offset (``+02:00``) or an IANA name (``Europe/London``)."""
    if name in ("UTC", "Z", ""):
        return fixed_zone.utc
    offset = re.match(r"^([+-])(\d{2}):?(\d{2})$", name)
    if offset:
        minutes = int(offset.group(2)) * 60 + int(offset.group(3))
        return fixed_zone(timedelta(minutes=-minutes if offset.group(1) == "-" else minutes))
    try:
        from zoneinfo import ZoneInfo  # Python 3.9+
        return ZoneInfo(name)
    except (ImportError, ValueError, KeyError, OSError):
        raise CdrReportError("timezone: unknown time zone %r (use an IANA name such as Europe/London, UTC or an "
                             "offset such as +02:00)" % name)


def _local(connect_time, tzinfo):
    """``2026-10-01T08:15:00Z`` (the export's UTC time) in ``tzinfo``."""
    moment = datetime.strptime(connect_time[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=fixed_zone.utc)
    return moment.astimezone(tzinfo)


def read_csv(text, source="the CSV file", tzinfo=None):
    """Records of a cdr_export CSV (header line first); days and hours in ``tzinfo`` (UTC by default)."""
    tzinfo = tzinfo or fixed_zone.utc
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise CdrReportError("%s is not a cdr_export CSV: it has no column %s (its header is %s)"
                             % (source, ", ".join(missing), ",".join(reader.fieldnames or []) or "empty"))
    records = []
    for line, row in enumerate(reader, start=2):
        try:
            local = _local(row["connect_time"], tzinfo)
            records.append({
                "connect_time": row["connect_time"],
                "day": local.strftime("%Y-%m-%d"),
                "hour": local.hour,
                "account_id": row["account_id"],
                "cld": row["cld"] or "",
                "duration": int(row["duration"] or 0),
                "charged_amount": Decimal(row["charged_amount"] or "0"),
                "failed": (row["failed"] or "").strip().lower() == "true",
            })
        except (ValueError, InvalidOperation, TypeError) as exc:
            raise CdrReportError("%s line %d: cannot read the record (%s)" % (source, line, exc))
    return records


def _minutes(seconds):
    return (Decimal(seconds) / 60).quantize(Decimal("0.1"))


def _top(groups, key, top):
    ranked = sorted(groups.items(), key=lambda item: (-item[1][key], item[0]))
    return [dict(name=name, **values) for name, values in ranked[:top] if values[key] > 0]


def summarize(records, top=10, destination_digits=4):
    """Totals, per day, per hour of day, top accounts and top destinations (dialled prefixes)."""
    days, hours, accounts, destinations = OrderedDict(), {}, {}, {}
    totals = {"calls": 0, "failed": 0, "seconds": 0, "cost": Decimal("0")}
    for record in sorted(records, key=lambda r: r["connect_time"]):
        seconds, cost = record["duration"], record["charged_amount"]
        totals["calls"] += 1
        totals["failed"] += record["failed"]
        totals["seconds"] += seconds
        totals["cost"] += cost
        prefix = record["cld"][:destination_digits] or "(none)"
        for groups, name in ((days, record["day"]), (hours, record["hour"]),
                             (accounts, record["account_id"]), (destinations, prefix)):
            group = groups.setdefault(name, {"calls": 0, "seconds": 0, "cost": Decimal("0")})
            group["calls"] += 1
            group["seconds"] += seconds
            group["cost"] += cost
    for groups in (days, hours, accounts, destinations):
        for group in groups.values():
            group["minutes"] = _minutes(group["seconds"])
    totals["minutes"] = _minutes(totals["seconds"])
    totals["failed_share"] = (Decimal(100 * totals["failed"]) / totals["calls"]).quantize(Decimal("0.1")) \
        if totals["calls"] else Decimal("0.0")
    return {
        "totals": totals,
        "per_day": [dict(day=day, **values) for day, values in days.items()],
        "per_hour": [dict(hour=hour, **hours.get(hour, {"calls": 0, "seconds": 0, "cost": Decimal("0"),
                                                        "minutes": Decimal("0.0")})) for hour in range(24)],
        "top_accounts_by_minutes": _top(accounts, "seconds", top),
        "top_accounts_by_cost": _top(accounts, "cost", top),
        "top_destinations": _top(destinations, "calls", top),
    }


def _money(value):
    return "%s" % Decimal(value).quantize(Decimal("0.01"))


# -- HTML ------------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d2733;margin:2rem auto;
max-width:60rem;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin:0}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #d5dbe2}
.meta{color:#5b6775;margin:.25rem 0 1.5rem}
.totals{display:flex;flex-wrap:wrap;gap:1rem}
.total{flex:1 1 10rem;border:1px solid #d5dbe2;border-radius:6px;padding:.75rem 1rem}
.total .value{font-size:1.6rem;font-weight:600}.total .label{color:#5b6775;font-size:.9rem}
figure{margin:0 0 1rem;break-inside:avoid;page-break-inside:avoid}
figcaption{font-weight:600;margin:.5rem 0}
svg{max-width:100%;height:auto}svg text{font-size:11px;fill:#1d2733}
.bar{fill:#2f6fae}.bar.alt{fill:#d9822b}.axis{stroke:#8795a5;stroke-width:1}
table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0 1rem}
th,td{padding:.2rem .6rem;border-bottom:1px solid #e3e8ee;text-align:right}
th:first-child,td:first-child{text-align:left}
.pair{display:flex;flex-wrap:wrap;gap:2rem}.pair>section{flex:1 1 24rem}
.empty{color:#5b6775;font-style:italic}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}.total{border-color:#999}}
"""


def _bar_chart(chart_id, caption, labels, values, css_class="bar", unit=""):
    """Vertical bars (per day, per hour) as inline SVG; a title on each bar gives its value."""
    width, height, left, bottom, top_pad = 720, 220, 40, 40, 10
    peak = max([float(v) for v in values] or [0]) or 1.0
    slot = (width - left - 10) / float(max(len(values), 1))
    parts = ['<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>' % (left, height - bottom, width - 5, height - bottom)]
    every = max(1, int(len(labels) / 16.0 + 0.999))
    for index, (label, value) in enumerate(zip(labels, values)):
        bar_height = (height - bottom - top_pad) * float(value) / peak
        x = left + index * slot + slot * 0.1
        parts.append('<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s%s</title></rect>'
                     % (css_class, x, height - bottom - bar_height, slot * 0.8, bar_height, escape(str(label)), value, unit))
        if index % every == 0:
            parts.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                         % (x + slot * 0.4, height - bottom + 14, escape(str(label))))
    parts.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 4, top_pad + 8, _short(peak)))
    parts.append('<text x="%d" y="%d" text-anchor="end">0</text>' % (left - 4, height - bottom))
    return _figure(chart_id, caption, width, height, parts)


def _hbar_chart(chart_id, caption, labels, values, css_class="bar", unit="", width=720):
    """Horizontal bars (top lists) as inline SVG."""
    row, label_width = 22, 110
    height = max(len(values), 1) * row + 10
    peak = max([float(v) for v in values] or [0]) or 1.0
    parts = []
    for index, (label, value) in enumerate(zip(labels, values)):
        length = (width - label_width - 70) * float(value) / peak
        y = 5 + index * row
        parts.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (label_width - 6, y + 14, escape(str(label))))
        parts.append('<rect class="%s" x="%d" y="%d" width="%.1f" height="%d"><title>%s: %s%s</title></rect>'
                     % (css_class, label_width, y + 2, length, row - 6, escape(str(label)), value, unit))
        parts.append('<text x="%.1f" y="%d">%s%s</text>' % (label_width + length + 4, y + 14, value, unit))
    return _figure(chart_id, caption, width, height, parts)


def _short(number):
    return ("%.0f" % number) if number >= 10 else ("%.1f" % number)


def _figure(chart_id, caption, width, height, parts):
    if not parts or all(part.startswith('<line') or part.startswith('<text') for part in parts):
        return ('<figure class="chart" id="%s"><figcaption>%s</figcaption><p class="empty">No calls in this period.</p>'
                '</figure>' % (chart_id, escape(caption)))
    return ('<figure class="chart" id="%s"><figcaption>%s</figcaption>'
            '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d">%s</svg>'
            '</figure>' % (chart_id, escape(caption), escape(caption), width, height, width, height, "".join(parts)))


def _table(table_id, headers, rows):
    head = "".join("<th>%s</th>" % escape(h) for h in headers)
    body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % escape(str(cell)) for cell in cells) for cells in rows)
    return '<table id="%s"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>' % (table_id, head, body)


def _total(metric, label, shown, exact):
    return ('<div class="total"><div class="value" data-metric="%s" data-value="%s">%s</div>'
            '<div class="label">%s</div></div>' % (metric, escape(str(exact)), escape(shown), escape(label)))


def render_html(summary, title, period, currency="", csv_name="", timezone="UTC"):
    """The whole page as text. ``period`` is shown as given (for example ``2026-10-01 to 2026-10-31``)."""
    totals = summary["totals"]
    money = (" " + currency) if currency else ""
    days = summary["per_day"]
    hours = summary["per_hour"] if totals["calls"] else []
    by_minutes, by_cost = summary["top_accounts_by_minutes"], summary["top_accounts_by_cost"]
    destinations = summary["top_destinations"]
    html = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>%s</title><style>%s</style></head><body>" % (escape(title), _STYLE),
        "<header><h1>%s</h1><p class=\"meta\">%s%s</p></header>" % (
            escape(title), escape(period),
            (" &middot; records: %s" % escape(csv_name)) if csv_name else ""),
        '<section id="totals"><h2>Totals</h2><div class="totals">',
        _total("calls", "calls", "{:,}".format(totals["calls"]), totals["calls"]),
        _total("minutes", "minutes", "{:,}".format(totals["minutes"]), totals["minutes"]),
        _total("cost", "cost" + money, _money(totals["cost"]) + money, totals["cost"]),
        _total("failed_share", "failed calls (%d)" % totals["failed"], "%s %%" % totals["failed_share"],
               totals["failed_share"]),
        "</div></section>",
        '<section id="per-day"><h2>Calls and minutes per day (%s)</h2>' % escape(timezone),
        _bar_chart("chart-calls-per-day", "Calls per day", [d["day"][5:] for d in days], [d["calls"] for d in days]),
        _bar_chart("chart-minutes-per-day", "Minutes per day", [d["day"][5:] for d in days],
                   [d["minutes"] for d in days], css_class="bar alt", unit=" min"),
        _table("table-per-day", ["Day", "Calls", "Minutes", "Cost" + money],
               [(d["day"], d["calls"], d["minutes"], _money(d["cost"])) for d in days]),
        "</section>",
        '<div class="pair"><section id="top-accounts-minutes"><h2>Top accounts by minutes</h2>',
        _hbar_chart("chart-top-accounts-minutes", "Minutes per account", [a["name"] for a in by_minutes],
                    [a["minutes"] for a in by_minutes], unit=" min", width=440),
        _table("table-top-accounts-minutes", ["Account", "Calls", "Minutes"],
               [(a["name"], a["calls"], a["minutes"]) for a in by_minutes]),
        '</section><section id="top-accounts-cost"><h2>Top accounts by cost</h2>',
        _hbar_chart("chart-top-accounts-cost", "Cost per account" + money, [a["name"] for a in by_cost],
                    [_money(a["cost"]) for a in by_cost], css_class="bar alt", width=440),
        _table("table-top-accounts-cost", ["Account", "Calls", "Cost" + money],
               [(a["name"], a["calls"], _money(a["cost"])) for a in by_cost]),
        "</section></div>",
        '<section id="top-destinations"><h2>Top destinations (dialled prefix)</h2>',
        _hbar_chart("chart-top-destinations", "Calls per dialled prefix",
                    [d["name"] + "\u2026" for d in destinations], [d["calls"] for d in destinations]),
        _table("table-top-destinations", ["Prefix", "Calls", "Minutes", "Cost" + money],
               [(d["name"], d["calls"], d["minutes"], _money(d["cost"])) for d in destinations]),
        "</section>",
        '<section id="busiest-hours"><h2>Busiest hours (%s)</h2>' % escape(timezone),
        _bar_chart("chart-busiest-hours", "Calls per hour of the day (%s)" % timezone, ["%02d" % h["hour"] for h in hours],
                   [h["calls"] for h in hours]),
        "</section>",
        "</body></html>",
    ]
    return "\n".join(html) + "\n"


def plain_totals(summary):
    """The totals as JSON-friendly numbers, for a task result."""
    totals = summary["totals"]
    return {"calls": totals["calls"], "failed": totals["failed"], "failed_share": float(totals["failed_share"]),
            "minutes": float(totals["minutes"]), "cost": float(totals["cost"].quantize(Decimal("0.0001")))}
