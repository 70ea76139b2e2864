"""CDR export: the cdr_export module against a plain `requests` script, measured in the same run.

For each size (default 100,000 and 1,000,000 CDRs of customer 1001) a sandbox is seeded, then
  * the baseline, a plain Python script that pages getCustomerAccountCDRSWithOffset with one
    requests.Session and writes the same CSV columns, and
  * `ansible-playbook` running portaplus.softswitch.cdr_export (the whole run: Ansible start-up
    included)
export the same range, one after the other. Reported: records/s of each and their ratio (target
>= 0.8), and peak RSS (VmHWM) of the process that does the work - the module's process, not
ansible-playbook - at each size, with the 1M/100k ratio (target <= 1.1). Both outputs are checked
to hold the same records. Nothing here is a test; no figure is asserted.

Usage: python benchmarks/cdr_export.py [--sizes 100000 1000000] [--page-size 1000]
Writes the table to $BENCH_RESULTS/cdr_export.md (default benchmarks/results/).
"""
import argparse
import csv
import datetime
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

from _common import write_section
from portaplus_sandbox.testing import SandboxServer, process_tree

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)
from tests.collection_path import ensure  # noqa: E402  (the repo root is only on sys.path from here)

CUSTOMER_SHARE = 0.6      # the demo seed gives customer 1001 three of its five accounts

BASELINE = textwrap.dedent('''
    import csv, sys, time, requests
    url, start, end, dest = sys.argv[1:5]
    COLUMNS = ["connect_time", "disconnect_time", "account_id", "cli", "cld", "duration", "charged_amount",
               "disconnect_cause", "failed", "call_type", "service", "call_id", "id", "i_account", "customer"]

    def iso(value):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(value[6:value.index(")")].split("+")[0]) // 1000))

    session = requests.Session()
    offset, count = 0, 0
    with open(dest, "w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\\n")
        out.writerow(COLUMNS)
        while True:
            page = session.get("%s/getCustomerAccountCDRSWithOffset/DEMO-LICENSE/1001/%s/%s/true/false/true/%d/false/UTC/false"
                               % (url, start, end, offset), headers={"Accept": "application/json"}, timeout=120).json()
            rows = page["lstPortaCustomerAccountCDRS"]
            out.writerows([iso(r["Connect_time"]), iso(r["Disconnect_time"]), r["AccountID"], r["CLI"], r["CLD"],
                           r["CallTime"], r["Charged_Amount"], r["DisconnectCause"],
                           "true" if r["CallTime"] == 0 else "false", r["CallType"].lower(), r["ServiceName"],
                           r["CallId"], r["ID"], r["IAccount"], r["ICustomer"]] for r in rows)
            count += len(rows)
            offset = page.get("NextOffset") or 0
            if not offset:
                break
    print(count)
''')


class PeakRss:
    """Samples VmHWM (peak RSS) of a process tree; keeps the peak of the processes whose command
    line contains ``marker`` (the module's), and of the whole tree's largest process."""

    def __init__(self, root_pid, marker=None, interval=0.05):
        self.root_pid, self.marker, self.interval = root_pid, marker, interval
        self.peak_kb, self.tree_peak_kb = 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            for pid in process_tree(self.root_pid):
                try:
                    with open("/proc/%d/status" % pid) as handle:
                        hwm = next((int(line.split()[1]) for line in handle if line.startswith("VmHWM:")), 0)
                    with open("/proc/%d/cmdline" % pid, "rb") as handle:
                        command = handle.read().decode("utf-8", "replace")
                except OSError:
                    continue
                self.tree_peak_kb = max(self.tree_peak_kb, hwm)
                if self.marker is None or self.marker in command:
                    self.peak_kb = max(self.peak_kb, hwm)
            self._stop.wait(self.interval)


def run_measured(command, env=None, marker=None):
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with PeakRss(process.pid, marker) as rss:
        output, _ = process.communicate()
    elapsed = time.monotonic() - started
    if process.returncode:
        raise SystemExit("failed (%d): %s\n%s" % (process.returncode, " ".join(command), output[-3000:]))
    return elapsed, rss.peak_kb, output


def module_export(url, start, end, dest, workdir):
    playbook = os.path.join(workdir, "export.yml")
    with open(playbook, "w") as handle:
        handle.write(textwrap.dedent('''
            - hosts: localhost
              gather_facts: false
              connection: local
              tasks:
                - name: Export
                  portaplus.softswitch.cdr_export:
                    customer: 1001
                    from_date: "%s"
                    to_date: "%s"
                    dest: "%s"
                    force: true
        ''' % (start, end, dest)))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=ensure(), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
               PORTAPLUS_URL=url, PORTAPLUS_LICENSE="DEMO-LICENSE", ANSIBLE_NOCOLOR="1")
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), playbook]
    return run_measured(command, env, marker="AnsiballZ_cdr_export")


def baseline_export(url, start, end, dest, workdir):
    script = os.path.join(workdir, "baseline.py")
    with open(script, "w") as handle:
        handle.write(BASELINE)
    return run_measured([sys.executable, script, url, start, end, dest])


def ids(path):
    with open(path, newline="") as handle:
        return [row["id"] for row in csv.DictReader(handle)]


def measure(size, page_size, workdir):
    today = datetime.date.today()
    start, end = (today - datetime.timedelta(days=100)).isoformat(), (today + datetime.timedelta(days=1)).isoformat()
    seeded = int(size / CUSTOMER_SHARE)
    server = SandboxServer(seed="demo", extra_args=["--cdrs", str(seeded), "--random-seed", "5",
                                                    "--cdr-page-size", str(page_size)])
    server.start(timeout=900)              # seeding millions of CDRs on a busy machine takes a while
    try:
        base_dest, module_dest = os.path.join(workdir, "baseline.csv"), os.path.join(workdir, "module.csv")
        # the baseline runs first, then the module: the server serves the same pages to both
        base_s, base_kb, base_out = baseline_export(server.url, start, end, base_dest, workdir)
        module_s, module_kb, _ = module_export(server.url, start, end, module_dest, workdir)
    finally:
        server.stop()
    records = int(base_out.strip().splitlines()[-1])
    same = ids(base_dest) == ids(module_dest)
    for path in (base_dest, module_dest, module_dest + ".manifest.json"):
        if os.path.exists(path):
            os.remove(path)
    return {"size": size, "records": records, "same_records": same,
            "baseline_s": base_s, "baseline_rps": records / base_s, "baseline_rss_mb": base_kb / 1024.0,
            "module_s": module_s, "module_rps": records / module_s, "module_rss_mb": module_kb / 1024.0}


def table(rows):
    lines = ["| CDRs | baseline s | baseline rec/s | module s | module rec/s | ratio (target >= 0.8) | "
             "baseline peak RSS MB | module peak RSS MB | same records |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append("| %s | %.1f | %.0f | %.1f | %.0f | **%.2f** | %.1f | %.1f | %s |" % (
            "{:,}".format(row["records"]), row["baseline_s"], row["baseline_rps"], row["module_s"], row["module_rps"],
            row["module_rps"] / row["baseline_rps"], row["baseline_rss_mb"], row["module_rss_mb"],
            "yes" if row["same_records"] else "NO"))
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        lines.append("")
        lines.append("Peak RSS of the module at %s vs %s CDRs: **%.2fx** (target <= 1.1); baseline: %.2fx." % (
            "{:,}".format(large["records"]), "{:,}".format(small["records"]),
            large["module_rss_mb"] / small["module_rss_mb"], large["baseline_rss_mb"] / small["baseline_rss_mb"]))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100000, 1000000],
                        help="CDRs of customer 1001 per measurement (default 100000 1000000)")
    parser.add_argument("--page-size", type=int, default=1000, help="the sandbox's CDR page size (default 1000)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="cdr-export-bench-") as workdir:
        for size in args.sizes:
            print("measuring %d CDRs ..." % size, flush=True)
            rows.append(measure(size, args.page_size, workdir))
            print(table(rows[-1:]), flush=True)
    text = "## CDR export (`benchmarks/cdr_export.py`)\n\n%s\n\nMeasured %s on %d CPU(s), sandbox page size %d; " \
           "module time is the whole `ansible-playbook` run. Records/s = CDRs / wall seconds.\n" % (
               table(rows), datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               os.cpu_count() or 1, args.page_size)
    print(text)
    write_section("cdr_export", text)


if __name__ == "__main__":
    main()
