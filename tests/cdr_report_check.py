"""Read the figures back out of a rendered CDR report, and recompute them from the CSV.

The recomputation is written independently of plugins/module_utils/cdr/ (plain csv,
fractions, sorting, and phonenumbers called directly), so a test comparing the two catches a
wrong sum, a lost record, a wrong day, hour, direction, country or cause, or a table that
does not match its chart.
"""
import csv
import datetime
import random
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser

import phonenumbers

COLUMNS = ("connect_time,disconnect_time,account_id,cli,cld,duration,charged_amount,disconnect_cause,"
           "failed,call_type,service,call_id,id,i_account,customer").split(",")
CHART_IDS = ("chart-directions", "chart-per-day", "chart-causes",
             "chart-destinations", "chart-accounts", "chart-heat-map")
#: charts that draw several marks per row of their table: the heat map (a row per hour, a mark per day of
#: the week) and the per-day figure (calls, ASR and ACD of each day)
MARKS_PER_ROW = {"chart-heat-map": 7, "chart-per-day": 3}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class _Report(HTMLParser):
    def __init__(self):
        super().__init__()
        self.totals, self.tables, self.bars, self.table_chart = {}, {}, {}, {}
        self._table = self._row = self._cell = self._figure = None
        self.scripts = 0
        self.external = []
        self.csp = None
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs["content"]
        if attrs.get("src"):
            self.external.append(attrs["src"])
        if tag == "a":
            self.links.append(attrs.get("href"))
        if "data-metric" in attrs:
            self.totals[attrs["data-metric"]] = attrs["data-value"]
        if tag == "table":
            self._table = self.tables.setdefault(attrs["id"], [])
            if attrs.get("data-chart"):
                self.table_chart[attrs["id"]] = attrs["data-chart"]
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = ""
        elif tag == "figure":
            self._figure = attrs["id"]
            self.bars[self._figure] = []
        elif tag == "rect" and self._figure:
            self.bars[self._figure].append(Decimal(attrs["data-value"]))

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


# -- the independent recomputation -------------------------------------------------------------

def _round(fraction, places):
    rounded = round(Fraction(fraction), places)      # half to even, exactly
    return "{:,}".format((Decimal(rounded.numerator) / Decimal(rounded.denominator)).quantize(Decimal(10) ** -places))


def _minutes(seconds):
    return _round(Fraction(seconds, 60), 1)


def _money(amount):
    return _round(Fraction(amount), 2)


def _asr(answered, calls):
    return "-" if not calls else "%.1f %%" % round(Fraction(100 * answered, calls), 1)


def _acd(seconds, answered):
    if not answered:
        return "-"
    minutes = round(Fraction(seconds, 60 * answered), 2)
    total = int(round(minutes * 60))
    return "%d:%02d" % (total // 60, total % 60)


def country_of(cld):
    digits = cld.lstrip("+")
    try:
        number = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return "??"
    return phonenumbers.region_code_for_number(number) or phonenumbers.region_code_for_country_code(number.country_code)


class Group:
    def __init__(self):
        self.calls = self.answered = self.seconds = self.answered_seconds = 0
        self.cost = Decimal(0)

    def add(self, row):
        self.calls += 1
        self.seconds += int(row["duration"])
        self.cost += Decimal(row["charged_amount"])
        if row["failed"] != "true":
            self.answered += 1
            self.answered_seconds += int(row["duration"])

    def cells(self):
        return ["{:,}".format(self.calls), "{:,}".format(self.answered), _asr(self.answered, self.calls),
                _minutes(self.seconds), _acd(self.answered_seconds, self.answered), _money(self.cost)]


def _day_cells(day, group):
    calls, answered, _asr_text, minutes, acd, cost = group.cells()
    return [day.isoformat(), calls, answered, "{:,}".format(group.calls - group.answered), _asr_text, minutes, acd,
            cost]


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def expected_from_csv(path, tzinfo=datetime.timezone.utc, days=None, top=10, accounts=None):
    """The report's tables, recomputed from the CSV. ``days``: the period's local days (first, last)."""
    rows = read_rows(path)
    accounts = accounts or {}
    total, directions, per_day, causes, countries, per_account = Group(), {}, {}, {}, {}, {}
    week = [[0] * 24 for _day in range(7)]
    for row in rows:
        local = datetime.datetime.fromisoformat(row["connect_time"].replace("Z", "+00:00")).astimezone(tzinfo)
        total.add(row)
        direction = row["call_type"] if row["call_type"] in ("outgoing", "incoming") else "unknown"
        directions.setdefault(direction, Group()).add(row)
        per_day.setdefault(local.date(), Group()).add(row)
        per_account.setdefault(row["account_id"], Group()).add(row)
        if direction != "incoming":
            countries.setdefault(country_of(row["cld"]), Group()).add(row)
        if row["failed"] == "true":
            causes[int(row["disconnect_cause"])] = causes.get(int(row["disconnect_cause"]), 0) + 1
        week[local.weekday()][local.hour] += 1
    if days is None and per_day:
        days = (min(per_day), max(per_day))
    axis = []
    if days:
        day = days[0]
        while day <= days[1]:
            axis.append(day)
            day += datetime.timedelta(days=1)
    for name in ("outgoing", "incoming"):
        directions.setdefault(name, Group())
    failed = total.calls - total.answered
    ranked_countries = sorted(countries.items(), key=lambda kv: (-kv[1].calls, kv[0]))[:top]
    ranked_accounts = sorted(per_account.items(), key=lambda kv: (-kv[1].seconds, kv[0]))
    return {
        "totals": total,
        "table-directions": [[name] + directions[name].cells() for name in sorted(directions)],
        "table-per-day": [_day_cells(d, per_day.get(d, Group())) for d in axis],
        "table-causes": [[str(cause), None, "{:,}".format(count), "%.1f %%" % round(Fraction(100 * count, failed), 1)]
                         for cause, count in sorted(causes.items(), key=lambda kv: (-kv[1], str(kv[0])))],
        "table-destinations": [[code] + group.cells() for code, group in ranked_countries],
        "table-accounts": [[account, accounts.get(account, "")] + group.cells() for account, group in ranked_accounts],
        "table-heat-map": [["%02d" % hour] + ["{:,}".format(week[day][hour]) for day in range(7)] for hour in range(24)],
    }


def assert_report_matches_csv(html, csv_path, tzinfo=datetime.timezone.utc, days=None, top=10, accounts=None):
    report = parse_report(html)
    expected = expected_from_csv(csv_path, tzinfo, days, top, accounts)
    total = expected["totals"]
    assert int(report.totals["calls"]) == total.calls
    assert int(report.totals["failed"]) == total.calls - total.answered
    assert Decimal(report.totals["cost"]) == total.cost
    assert report.totals["minutes"] == _minutes(total.seconds).replace(",", "")
    if total.calls:
        assert report.totals["asr"] + " %" == _asr(total.answered, total.calls)
    for table in ("table-directions", "table-per-day", "table-accounts", "table-heat-map"):
        assert report.tables.get(table, []) == expected[table], table
    causes = [[row[0], row[2], row[3]] for row in report.tables.get("table-causes", [])]
    assert causes == [[row[0], row[2], row[3]] for row in expected["table-causes"]]
    destinations = [row[1:] for row in report.tables.get("table-destinations", [])]
    assert destinations == expected["table-destinations"]
    # every chart has a table of its numbers, one row per mark
    for table_id, chart in report.table_chart.items():
        if chart in report.bars and report.bars[chart]:
            assert len(report.bars[chart]) == len(report.tables[table_id]) * MARKS_PER_ROW.get(chart, 1), table_id
    assert report.scripts == 0 and report.external == [], "the report must not load or run anything"
    assert "script-src 'none'" in report.csp and "default-src 'none'" in report.csp
    return report


def write_sample_csv(path, records=300, seed=7, days=30, month="2026-10", failed_share=0.1, skip_days=()):
    """A cdr_export-shaped CSV with a known spread of days, hours, directions, accounts, countries and causes."""
    rng = random.Random(seed)
    accounts = ["4416329600%02d" % n for n in range(1, 13)]
    prefixes = ["4420", "447", "44161", "1212", "33", "49", "353"]
    choices = [day for day in range(1, days + 1) if day not in skip_days]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in range(records):
            day = rng.choice(choices)
            hour = min(23, max(0, int(rng.gauss(13, 4))))
            failed = rng.random() < failed_share
            outgoing = rng.random() < 0.7
            duration = 0 if failed else rng.randrange(1, 1800)
            prefix = rng.choice(prefixes)
            remote = prefix + "".join(str(rng.randrange(10)) for _digit in range(12 - len(prefix)))
            account = rng.choice(accounts)
            start = "%s-%02dT%02d:%02d:%02dZ" % (month, day, hour, rng.randrange(60), rng.randrange(60))
            charged = "%.4f" % (duration * 0.03 / 60) if outgoing and rng.random() < 0.8 else "0.0"
            writer.writerow([start, start, account, account if outgoing else remote, remote if outgoing else account,
                             duration, charged, rng.choice((17, 19, 34)) if failed else 16,
                             "true" if failed else "false", "outgoing" if outgoing else "incoming", "Voice Calls",
                             "call-%d" % n, n + 1, 5000 + n % 12, 1001])
