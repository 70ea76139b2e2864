"""Benchmark: the accounts inventory against a static YAML inventory of the same hosts, in one run.

A sandbox with 10,000 accounts spread over 10 customers serves the `portaplus.softswitch.accounts`
inventory. We count its HTTP requests cold (no cache) and cached (a second run, cache enabled), and
time `ansible-inventory --list` for both against `ansible-inventory --list` on a static YAML
inventory holding exactly the hosts, host variables and groups the plugin produced: the cost
Ansible itself puts on an inventory of that size. Only ratios measured in the same run mean
anything; no test asserts on them.

Usage: `python benchmarks/inventory.py [--accounts 10000] [--customers 10] [--repeat 3]`.
Prints a markdown table and writes it to $BENCH_RESULTS/inventory.md (default benchmarks/results/).
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import write_section  # noqa: E402
from portaplus_sandbox.seed import EXTRA_CUSTOMER_START  # noqa: E402
from portaplus_sandbox.testing import SandboxServer  # noqa: E402
from tests.ansible_cli import plain  # noqa: E402
from tests.collection_path import ensure  # noqa: E402

LICENSE = "DEMO-LICENSE"
TARGET_COLD_REQUESTS = 12
TARGET_RATIO = 1.5


def static_inventory(listing):
    """The YAML inventory holding the same hosts, host variables and groups as ``listing``."""
    hostvars = listing["_meta"]["hostvars"]
    groups = {}
    for name, group in listing.items():
        if name in ("_meta", "all", "ungrouped") or not group.get("hosts"):
            continue
        groups[name] = {"hosts": dict((host, None) for host in group["hosts"])}
    grouped = set(host for group in groups.values() for host in group["hosts"])
    all_hosts = dict((host, hostvars[host]) for host in hostvars)
    data = {"all": {"hosts": all_hosts, "children": groups}}
    assert grouped <= set(all_hosts)
    return yaml.safe_dump(data, default_flow_style=False, allow_unicode=True, sort_keys=False)


class Runner:
    def __init__(self, sandbox, workdir):
        self.sandbox = sandbox
        self.env = dict(os.environ)
        self.env.update({
            "ANSIBLE_COLLECTIONS_PATH": ensure(),
            "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true",
            "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "ansible-tmp"),
            "PORTAPLUS_URL": sandbox.url,
            "PORTAPLUS_LICENSE": LICENSE,
        })
        self.binary = os.path.join(os.path.dirname(sys.executable), "ansible-inventory")

    def run(self, source, *args):
        """((wall seconds, CPU seconds of ansible-inventory), requests the sandbox received, --list output).

        CPU time (user + system of the child) is reported beside wall time because the machine
        is shared: other work slows wall time but not the CPU a run needs."""
        self.sandbox.clear_log()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        proc = subprocess.run([self.binary, "-i", source, "--list"] + list(args), env=self.env,
                              capture_output=True, text=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        elapsed = (time.monotonic() - started,
                   after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            raise SystemExit("ansible-inventory failed:\n%s" % proc.stderr[-3000:])
        return elapsed, len(self.sandbox.requests()), plain(json.loads(proc.stdout))


def source_file(workdir, name, customers, cache, sip_status=False):
    lines = ["plugin: portaplus.softswitch.accounts", "customers: %s" % json.dumps(customers),
             "sip_status: %s" % str(sip_status).lower(), "max_workers: 4"]
    if cache:
        lines += ["cache: true", "cache_plugin: ansible.builtin.jsonfile",
                  "cache_connection: %s" % os.path.join(workdir, "cache"), "cache_timeout: 3600"]
    path = os.path.join(workdir, name)
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10000)
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each kind (the median is reported)")
    args = parser.parse_args()
    customers = list(range(EXTRA_CUSTOMER_START, EXTRA_CUSTOMER_START + args.customers))
    workdir = tempfile.mkdtemp(prefix="portaplus-bench-inventory-")
    try:
        times, hosts, cold_requests, cached_requests, sip_requests = measure(args, customers, workdir)
        growth = requests_by_size(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(args, times, hosts, cold_requests, cached_requests, sip_requests, growth)


def requests_by_size(args, workdir):
    """Cold requests with a tenth of the accounts, and with twice the customers: [(accounts, customers, requests)]."""
    growth = []
    for accounts, count in ((args.accounts // 10, args.customers), (args.accounts, args.customers * 2)):
        customers = list(range(EXTRA_CUSTOMER_START, EXTRA_CUSTOMER_START + count))
        with SandboxServer(seed="empty", extra_args=["--customers", str(count), "--accounts", str(accounts)]) as sandbox:
            source = source_file(workdir, "growth_%d_%d_portaplus.yml" % (accounts, count), customers, cache=False)
            growth.append((accounts, count, Runner(sandbox, workdir).run(source)[1]))
    return growth


def measure(args, customers, workdir):
    """Run every inventory; returns (times by kind, hosts, cold, cached and sip_status requests)."""
    with SandboxServer(seed="empty", extra_args=["--customers", str(args.customers),
                                                 "--accounts", str(args.accounts)]) as sandbox:
        runner = Runner(sandbox, workdir)
        cached_source = source_file(workdir, "cached_portaplus.yml", customers, cache=True)
        uncached_source = source_file(workdir, "cold_portaplus.yml", customers, cache=False)
        sip_source = source_file(workdir, "sip_portaplus.yml", customers, cache=False, sip_status=True)

        first_cold, cold_requests, listing = runner.run(cached_source, "--flush-cache")
        hosts = len(listing["_meta"]["hostvars"])
        first_cached, cached_requests, cached_listing = runner.run(cached_source)
        assert cached_listing == listing, "the cached inventory differs from the fresh one"
        _, sip_requests, _ = runner.run(sip_source)

        static_path = os.path.join(workdir, "static.yml")
        with open(static_path, "w") as handle:
            handle.write(static_inventory(listing))
        first_static, static_requests, static_listing = runner.run(static_path)
        assert static_requests == 0
        assert static_listing["_meta"]["hostvars"] == listing["_meta"]["hostvars"], "the baseline holds other data"

        # The checking runs above are the first samples; --repeat adds interleaved ones, so
        # drifting machine load hits all three kinds alike.
        times = {"static": [first_static], "cold": [first_cold], "cached": [first_cached]}
        for _ in range(args.repeat - 1):
            times["static"].append(runner.run(static_path)[0])
            times["cold"].append(runner.run(uncached_source)[0])
            times["cached"].append(runner.run(cached_source)[0])
    return times, hosts, cold_requests, cached_requests, sip_requests


def report(args, times, hosts, cold_requests, cached_requests, sip_requests, growth):
    """Print the markdown table and write it as this benchmark's section."""
    wall = dict((kind, statistics.median(sample[0] for sample in samples)) for kind, samples in times.items())
    cpu = dict((kind, statistics.median(sample[1] for sample in samples)) for kind, samples in times.items())

    def ratios(kind):
        return wall[kind] / wall["static"], cpu[kind] / cpu["static"]

    def verdict(kind, requests_ok):
        return "yes" if requests_ok and max(ratios(kind)) <= TARGET_RATIO else "**no**"

    rows = [("static YAML inventory (baseline)", "static", 0, "", "")]
    for label, kind, requests, requests_ok in (
            ("plugin, cold (no cache)", "cold", cold_requests, cold_requests <= TARGET_COLD_REQUESTS),
            ("plugin, cached", "cached", cached_requests, cached_requests == 0)):
        rows.append((label, kind, requests, "%.2fx / %.2fx" % ratios(kind), verdict(kind, requests_ok)))
    lines = [
        "## Inventory: %d accounts over %d customers" % (hosts, args.customers),
        "",
        "`ansible-inventory --list`, median of %d runs of each kind in one run of `benchmarks/inventory.py`. "
        "Targets: cold at most %d requests, cached 0, time at most %.1fx the static inventory of the same hosts, "
        "host variables and groups. Wall and CPU time (user + system of `ansible-inventory`) are both given: "
        "the machine is shared, which slows wall time but not CPU time."
        % (len(times["static"]), TARGET_COLD_REQUESTS, TARGET_RATIO),
        "",
        "| run | wall time (s) | CPU time (s) | HTTP requests | vs static (wall / CPU) | meets target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, kind, requests, ratio, ok in rows:
        lines.append("| %s | %.2f | %.2f | %d | %s | %s |" % (label, wall[kind], cpu[kind], requests, ratio, ok))
    lines += [
        "",
        "With `sip_status: true` (SIP registrations, one more request per customer) a cold run makes %d requests."
        % sip_requests,
        "",
        "Cold requests grow with customers, not accounts: %s." % "; ".join(
            "%d accounts over %d customers, %d requests" % row
            for row in sorted([(args.accounts, args.customers, cold_requests)] + growth)),
        "",
        "Samples (wall/CPU s): %s." % "; ".join(
            "%s %s" % (kind, ", ".join("%.1f/%.1f" % sample for sample in times[kind]))
            for kind in ("static", "cold", "cached")),
        "",
    ]
    table = "\n".join(lines)
    print(table)
    write_section("inventory", table)


if __name__ == "__main__":
    main()
