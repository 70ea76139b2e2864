"""Read the figures back out of a rendered CDR report, and recompute them from the CSV.

The recomputation is written independently of plugins/module_utils/cdr/report.py (plain
csv, fractions and sorting), so a test comparing the two catches a wrong sum, a lost
record, a wrong day or hour, or a table that does not match its chart.
"""
import csv
import random
from datetime import datetime, timezone as fixed_zone
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser

COLUMNS = ("connect_time,disconnect_time,account_id,cli,cld,duration,charged_amount,disconnect_cause,"
           "failed,call_type,service,call_id,id,i_account,customer").split(",")
CHART_IDS = ("chart-calls-per-day", "chart-minutes-per-day", "chart-top-accounts-minutes",
             "chart-top-accounts-cost", "chart-top-destinations", "chart-busiest-hours")


class _Report(HTMLParser):
    def __init__(self):
        super().__init__()
        self.totals, self.tables, self.bars = {}, {}, {}
        self._table = self._row = self._cell = self._figure = None
        self.scripts = 0
        self.external = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if attrs.get(name):
                self.external.append(attrs[name])
        if "data-metric" in attrs:
            self.totals[attrs["data-metric"]] = attrs["data-value"]
        if tag == "table":
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td",) and self._row is not None:
            self._cell = ""
        elif tag == "figure":
            self._figure = attrs["id"]
            self.bars[self._figure] = []
        elif tag == "rect" and self._figure:
            self.bars[self._figure].append(float(attrs["height" if "busiest" in self._figure or "per-day" in self._figure
                                                       else "width"]))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "figure":
            self._figure = None


def parse_report(html):
    parser = _Report()
    parser.feed(html)
    return parser


def _minutes(seconds):
    return "%.1f" % round(Fraction(seconds, 60), 1)


def _money(amount):
    return "%.2f" % round(Fraction(amount), 2)


def expected_from_csv(path, top=10, digits=4, tzinfo=fixed_zone.utc):
    """The report's figures, recomputed from the CSV with the standard library only."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for r in rows:   # ISO 8601 UTC ("...Z") to the report's time zone
        r["local"] = datetime.fromisoformat(r["connect_time"].replace("Z", "+00:00")).astimezone(tzinfo)
    seconds = sum(int(r["duration"]) for r in rows)
    cost = sum((Decimal(r["charged_amount"]) for r in rows), Decimal(0))
    failed = sum(1 for r in rows if r["failed"] == "true")
    per_day, per_account, per_prefix, per_hour = {}, {}, {}, [0] * 24
    for r in rows:
        for table, key in ((per_day, r["local"].date().isoformat()), (per_account, r["account_id"]),
                           (per_prefix, r["cld"][:digits])):
            calls, secs, money = table.get(key, (0, 0, Decimal(0)))
            table[key] = (calls + 1, secs + int(r["duration"]), money + Decimal(r["charged_amount"]))
        per_hour[r["local"].hour] += 1
    by_minutes = sorted(per_account.items(), key=lambda kv: (-kv[1][1], kv[0]))[:top]
    by_cost = sorted(per_account.items(), key=lambda kv: (-kv[1][2], kv[0]))[:top]
    by_calls = sorted(per_prefix.items(), key=lambda kv: (-kv[1][0], kv[0]))[:top]
    return {
        "totals": {"calls": str(len(rows)), "minutes": _minutes(seconds), "cost": str(cost),
                   "failed_share": "%.1f" % round(Fraction(100 * failed, len(rows)), 1) if rows else "0.0"},
        "table-per-day": [[day, str(c), _minutes(s), _money(m)] for day, (c, s, m) in sorted(per_day.items())],
        "table-top-accounts-minutes": [[a, str(c), _minutes(s)] for a, (c, s, m) in by_minutes if s > 0],
        "table-top-accounts-cost": [[a, str(c), _money(m)] for a, (c, s, m) in by_cost if m > 0],
        "table-top-destinations": [[p, str(c), _minutes(s), _money(m)] for p, (c, s, m) in by_calls],
        "busiest-hours": per_hour,
    }


def assert_report_matches_csv(html, csv_path, top=10, digits=4, tzinfo=fixed_zone.utc):
    report = parse_report(html)
    expected = expected_from_csv(csv_path, top=top, digits=digits, tzinfo=tzinfo)
    # the exact totals in data-value; cost is compared as a number (trailing zeros may differ)
    assert report.totals["calls"] == expected["totals"]["calls"]
    assert report.totals["minutes"] == expected["totals"]["minutes"]
    assert Decimal(report.totals["cost"]) == Decimal(expected["totals"]["cost"])
    assert report.totals["failed_share"] == expected["totals"]["failed_share"]
    for table in ("table-per-day", "table-top-accounts-minutes", "table-top-accounts-cost", "table-top-destinations"):
        assert report.tables[table] == expected[table], table
    # each chart has one bar per table row, and the tallest bar is the largest value
    assert len(report.bars["chart-calls-per-day"]) == len(expected["table-per-day"])
    hours = expected["busiest-hours"]
    if any(hours):
        bars = report.bars["chart-busiest-hours"]
        assert len(bars) == 24
        assert bars.index(max(bars)) == hours.index(max(hours))
        assert [b == 0 for b in bars] == [h == 0 for h in hours]
    assert report.scripts == 0 and report.external == [], "the report must not load or run anything"
    return report


def write_sample_csv(path, records=300, seed=7, days=30):
    """A cdr_export-shaped CSV with a known spread of days, hours, accounts, prefixes and failures."""
    rng = random.Random(seed)
    accounts = ["4416329600%02d" % n for n in range(1, 13)]
    prefixes = ["4420", "447", "44161", "1", "33", "49"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(records):
            day = 1 + rng.randrange(days)
            hour = min(23, max(0, int(rng.gauss(13, 4))))
            failed = rng.random() < 0.1
            duration = 0 if failed else rng.randrange(1, 1800)
            prefix = rng.choice(prefixes)
            cld = prefix + "".join(str(rng.randrange(10)) for _digit in range(12 - len(prefix)))
            start = "2026-10-%02dT%02d:%02d:%02dZ" % (day, hour, rng.randrange(60), rng.randrange(60))
            charged = "%.4f" % (duration * 0.03 / 60) if rng.random() < 0.6 else "0.0"
            writer.writerow([start, start, rng.choice(accounts), "441632960001", cld, duration, charged,
                             17 if failed else 16, "true" if failed else "false", "outgoing", "Voice Calls",
                             "call-%d" % n, n + 1, 5000 + n % 12, 1001])
