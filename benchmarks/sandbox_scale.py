"""Sandbox at scale: seeding a million CDRs, and whether paging through them stays flat.

A client walks the pages in order, following NextOffset. Paging is indexed when the last
pages of that walk cost about what the first ones cost; a scan per page would make them
many times slower. We walk a customer's whole range and report the ratio of the last ten
pages to the first ten, measured in the same run. A jump straight to a deep Offset never
served before is the sandbox's slow path (an indexed LIMIT/OFFSET), reported beside it.
No test asserts on these numbers. Usage: `make bench` or `python benchmarks/sandbox_scale.py`.
"""
import argparse
import datetime
import json
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import table, write_section  # noqa: E402
from portaplus_sandbox.testing import SandboxServer  # noqa: E402

PAGED = ("{url}/getCustomerAccountCDRSWithOffset/DEMO-LICENSE/1001/{start}/{end}/true/false/true/"
         "{offset}/false/UTC/false")
# The paged routes take at most 366 days (C1); the seeded CDRs span the last 90.
START = (datetime.date.today() - datetime.timedelta(days=100)).isoformat()
END = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()


def fetch_page(url, offset):
    started = time.monotonic()
    with urllib.request.urlopen(PAGED.format(url=url, offset=offset, start=START, end=END), timeout=120) as response:
        page = json.loads(response.read())
    return time.monotonic() - started, page


def walk(url):
    """Seconds per page of a walk that follows NextOffset from 0, and the walk's TotalCalls."""
    times, offset = [], 0
    while True:
        elapsed, page = fetch_page(url, offset)
        times.append(elapsed)
        offset = page.get("NextOffset") or 0
        if not offset:
            return times, page["TotalCalls"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cdrs", type=int, default=int(os.environ.get("BENCH_SCALE_CDRS") or 1000000),
                        help="CDRs to seed (BENCH_SCALE_CDRS, default 1,000,000)")
    args = parser.parse_args()

    started = time.monotonic()
    with SandboxServer(seed="demo", extra_args=["--cdrs", str(args.cdrs), "--random-seed", "1"]) as server:
        seeded = time.monotonic() - started
        times, total = walk(server.url)
    with SandboxServer(seed="demo", extra_args=["--cdrs", str(args.cdrs), "--random-seed", "1"]) as server:
        first_jump = fetch_page(server.url, 0)[0]
        deep_jump = fetch_page(server.url, max(0, total - 1000))[0]

    head, tail = sum(times[:10]) / len(times[:10]), sum(times[-10:]) / len(times[-10:])
    result = {"cdrs": args.cdrs, "seed_seconds": round(seeded, 2), "customer_cdrs": total, "pages": len(times),
              "walk_seconds": round(sum(times), 2), "first_pages_s": round(head, 4), "last_pages_s": round(tail, 4),
              "walk_ratio": round(tail / head, 2), "deep_jump_ratio": round(deep_jump / first_jump, 2)}
    text = "## Sandbox at scale\n\n" + __doc__.split("\n\n")[1] + "\n\n" + table(["measure", "value"], [
        ["CDRs seeded (and server started)", "%d in %.1f s" % (args.cdrs, seeded)],
        ["customer 1001's CDRs walked", "%d in %d pages, %.1f s" % (total, len(times), sum(times))],
        ["one page, first ten", "%.3f s" % head],
        ["one page, last ten", "%.3f s" % tail],
        ["last ten / first ten (about 1: no scan per page)", "%.2fx" % result["walk_ratio"]],
        ["jump to a never-served deep Offset / first page", "%.2fx" % result["deep_jump_ratio"]],
    ])
    print(text)
    with open(write_section("sandbox_scale", text)[:-3] + ".json", "w") as handle:
        json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
