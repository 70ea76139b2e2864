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
import time
import urllib.request

from portaplus_sandbox.testing import SandboxServer

PAGED = ("{url}/getCustomerAccountCDRSWithOffset/DEMO-LICENSE/1001/{start}/{end}/true/false/true/"
         "{offset}/false/UTC/false")
# The paged routes take at most 366 days (C1); the seeded CDRs span the last 90.
START = (datetime.date.today() - datetime.timedelta(days=100)).isoformat()
END = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


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
    parser.add_argument("--cdrs", type=int, default=1000000, help="CDRs to seed (default 1,000,000)")
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
    print("seeded %d CDRs and started the server in %.1f s" % (args.cdrs, seeded))
    print("walked customer 1001's %d CDRs in %d pages of 1000: %.1f s" % (total, len(times), sum(times)))
    print("last ten pages %.3f s each vs first ten %.3f s: ratio %.2f (about 1: indexed, no scan per page)"
          % (tail, head, result["walk_ratio"]))
    print("jump to a never-served deep Offset: %.2f x the first page (LIMIT/OFFSET fallback)" % result["deep_jump_ratio"])
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "sandbox_scale.json"), "w") as handle:
        json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
