"""CDR report at scale: the report's one streaming pass (module_utils/cdr/stats.py and report.py)
against a plain `csv` + `collections.Counter` script computing the same totals, at 100,000 and
1,000,000 CDRs.

Each side runs in its own process (peak RSS is that process's): the report reads the CSV, computes
every figure (totals, by direction, account, destination country, cause, day, hour, day of week x
hour) and renders the page; the baseline reads the CSV with csv.reader and sums calls, answered
calls, seconds and cost (Decimal) per day, hour, weekday x hour, account, direction, dialled prefix
and cause with Counters. Reported: wall seconds, the baseline/report ratio (target >= 0.7: the
report is at most ~1.4x the plain script) and peak RSS at the largest size over the smallest
(target <= 1.1: memory constant in the number of CDRs).

Usage: .venv/bin/python benchmarks/cdr_report.py   (BENCH_CDR_REPORT_SIZES=100000,1000000)
"""
import csv
import json
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import REPO, ensure, measure, ratio, table, write_section  # noqa: E402

SIZES = [int(size) for size in os.environ.get("BENCH_CDR_REPORT_SIZES", "100000,1000000").split(",") if size]
COLUMNS = ("connect_time,disconnect_time,account_id,cli,cld,duration,charged_amount,disconnect_cause,"
           "failed,call_type,service,call_id,id,i_account,customer").split(",")

REPORT = r"""
import sys, json
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import resolve_zone
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.report import build_stats, render_html
figures = build_stats(sys.argv[1], resolve_zone("Europe/London"), None).figures()
page = render_html(figures, "Benchmark")
print(json.dumps({"calls": figures["totals"]["calls"], "cost": str(figures["totals"]["cost"]),
                  "seconds": figures["totals"]["seconds"], "page": len(page)}))
"""

BASELINE = r"""
import csv, sys, json, datetime
from collections import Counter, defaultdict
from decimal import Decimal
calls, answered, seconds = Counter(), Counter(), Counter()
cost = defaultdict(Decimal)
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    at = dict((name, header.index(name)) for name in header)
    t, a, d, c, f, q, k, n = (at[name] for name in ("connect_time", "account_id", "duration", "charged_amount",
                                                   "failed", "disconnect_cause", "call_type", "cld"))
    for row in reader:
        when = row[t]
        day = when[:10]
        weekday = datetime.date(int(day[:4]), int(day[5:7]), int(day[8:10])).weekday()
        ok = row[f] != "true"
        duration = int(row[d])
        amount = Decimal(row[c])
        for key in (("total",), ("day", day), ("hour", when[11:13]), ("week", weekday, when[11:13]),
                    ("account", row[a]), ("direction", row[k]), ("prefix", row[n][:4]),
                    ("cause", None if ok else row[q])):
            calls[key] += 1
            answered[key] += ok
            seconds[key] += duration
            cost[key] += amount
print(json.dumps({"calls": calls[("total",)], "cost": str(cost[("total",)]), "seconds": seconds[("total",)]}))
"""


def write_csv(path, records, seed=1):
    """A cdr_export-shaped CSV over 30 days: 40 accounts, 12 destinations, 8 % failed, 60 % outgoing."""
    rng = random.Random(seed)
    accounts = ["4416329%05d" % n for n in range(40)]
    prefixes = ["4420", "447", "44161", "1212", "1415", "33", "49", "353", "34", "39", "61", "91"]
    random_, randrange = rng.random, rng.randrange
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in range(records):
            failed = random_() < 0.08
            outgoing = random_() < 0.6
            duration = 0 if failed else int(rng.expovariate(1 / 180.0)) + 1
            prefix = prefixes[int(random_() * len(prefixes))]
            remote = prefix + str(randrange(10 ** (12 - len(prefix)))).zfill(12 - len(prefix))
            account = accounts[int(random_() * len(accounts))]
            start = "2026-10-%02dT%02d:%02d:%02dZ" % (1 + n * 30 // records, randrange(24), randrange(60),
                                                       randrange(60))
            writer.writerow([start, start, account, account if outgoing else remote, remote if outgoing else account,
                             duration, "%.4f" % (duration * 0.02 / 60) if outgoing else "0.0",
                             (17 if random_() < 0.5 else 19) if failed else 16, "true" if failed else "false",
                             "outgoing" if outgoing else "incoming", "Voice Calls", "c%d" % n, n + 1, 5000, 1001])


def run(code, csv_path):
    env = dict(os.environ, PYTHONPATH=ensure())          # the collections root: ansible_collections/...
    result = measure([sys.executable, "-c", code, csv_path], env=env)
    result["out"] = json.loads(result["stdout"])
    return result


def main():
    rows, measured = [], {}
    with tempfile.TemporaryDirectory(prefix="bench-cdr-report-") as work:
        for size in SIZES:
            csv_path = os.path.join(work, "cdrs-%d.csv" % size)
            write_csv(csv_path, size)
            report, baseline = run(REPORT, csv_path), run(BASELINE, csv_path)
            for key in ("calls", "cost", "seconds"):        # the same totals, or the comparison means nothing
                assert report["out"][key] == baseline["out"][key], (key, report["out"], baseline["out"])
            os.unlink(csv_path)
            measured[size] = {"report": report, "baseline": baseline}
            rows.append(["{:,}".format(size), report["wall_s"], baseline["wall_s"],
                         ratio(baseline["wall_s"], report["wall_s"]), report["peak_rss_mb"], baseline["peak_rss_mb"]])
            print("%d CDRs: report %.1f s, baseline %.1f s, report RSS %.0f MB" % (
                size, report["wall_s"], baseline["wall_s"], report["peak_rss_mb"]), flush=True)
    smallest, largest = min(SIZES), max(SIZES)
    rss = ratio(measured[largest]["report"]["peak_rss_mb"], measured[smallest]["report"]["peak_rss_mb"])
    speed = ratio(measured[largest]["baseline"]["wall_s"], measured[largest]["report"]["wall_s"])
    text = ["## CDR report at scale\n",
            "`benchmarks/cdr_report.py`: the cdr_report figures and page (one streaming pass, Europe/London, countries "
            "with phonenumbers) against a plain `csv` + `collections.Counter` script summing the same totals "
            "(per day, hour, weekday x hour, account, direction, prefix, cause). Both in their own process; the "
            "totals are checked equal.\n",
            table(["CDRs", "report wall s", "baseline wall s", "baseline / report", "report peak RSS MB",
                   "baseline peak RSS MB"], rows),
            "\nAt {:,} CDRs the report runs at **{:.2f}x** the plain script's speed (target >= 0.7); its peak RSS is "
            "**{:.2f}x** its RSS at {:,} (target <= 1.1).\n".format(largest, speed, rss, smallest)]
    path = write_section("cdr_report", "\n".join(text))
    print("wrote %s" % os.path.relpath(path, REPO))


if __name__ == "__main__":
    main()
