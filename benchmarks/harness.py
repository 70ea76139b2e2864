"""`make bench`: run every benchmark script in benchmarks/ and assemble results/latest.md.

A benchmark is any `benchmarks/<name>.py` except this file and helpers named `_*.py`. Each
writes its markdown section to `$BENCH_RESULTS/<name>.md` (default benchmarks/results); this script runs them one after the
other (never in parallel: they would measure each other), then writes `<results>/latest.md`:
the machine's facts, then every section in order. A script that fails is reported in
latest.md with the end of its output, and the harness exits non-zero after assembling.

Usage: `python benchmarks/harness.py [--only provisioning,inventory] [--results DIR]`.
The BENCH_* variables (benchmarks/README.md) pass through to the scripts.
"""
import argparse
import datetime
import glob
import os
import platform
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import BENCHMARKS, REPO, RESULTS  # noqa: E402

# Sections read best in this order; scripts not named here follow alphabetically.
PREFERRED_ORDER = ("provisioning", "module_profile", "inventory", "cdr_export", "sandbox_scale", "events")


def discover():
    names = [os.path.splitext(os.path.basename(path))[0] for path in glob.glob(os.path.join(BENCHMARKS, "*.py"))]
    names = [name for name in names if not name.startswith("_") and name != "harness"]
    return sorted(names, key=lambda name: (PREFERRED_ORDER.index(name) if name in PREFERRED_ORDER
                                           else len(PREFERRED_ORDER), name))


def first_line(path, prefix):
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine_facts():
    try:
        from ansible.release import __version__ as ansible_core
    except ImportError:
        ansible_core = "not installed"
    memory_kb = first_line("/proc/meminfo", "MemTotal").split()[0]
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True,
                            text=True, check=False).stdout.strip() or "unknown"
    return [
        ("date (UTC)", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")),
        ("commit", commit),
        ("CPU", first_line("/proc/cpuinfo", "model name")),
        ("cores", str(os.cpu_count())),
        ("memory", "%.1f GiB" % (int(memory_kb) / 1048576.0) if memory_kb.isdigit() else "unknown"),
        ("load average at start (1, 5, 15 min)", "%.2f, %.2f, %.2f" % os.getloadavg()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("ansible-core", ansible_core),
    ] + ([("note", os.environ["BENCH_NOTE"])] if os.environ.get("BENCH_NOTE") else [])


def run(name, results):
    """Run one benchmark; returns (ok, note, seconds)."""
    section = os.path.join(results, name + ".md")
    if os.path.exists(section):
        os.unlink(section)              # never assemble a stale section from an earlier run
    command = [sys.executable, os.path.join(BENCHMARKS, name + ".py")]
    print("== %s" % " ".join(command[1:]), flush=True)
    started, wall_start = time.monotonic(), time.time()
    proc = subprocess.run(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          check=False, env=dict(os.environ, BENCH_RESULTS=results))
    seconds = time.monotonic() - started
    print(proc.stdout, flush=True)
    if proc.returncode != 0:
        return False, "`%s` exited %d after %.0f s; the end of its output:\n\n```\n%s\n```\n" % (
            name, proc.returncode, seconds, proc.stdout[-3000:].strip()), seconds
    fallback = os.path.join(RESULTS, name + ".md")
    if not os.path.exists(section) and os.path.exists(fallback) and os.path.getmtime(fallback) >= wall_start:
        shutil.copy(fallback, section)  # a script that writes only to benchmarks/results/
    if not os.path.exists(section):
        return False, "`%s` ran (%.0f s) but wrote no %s.md.\n" % (name, seconds, name), seconds
    return True, "", seconds


def assemble(results, outcomes, facts, pending=()):
    lines = ["# Benchmark results\n",
             "Written by `make bench` (benchmarks/harness.py); how to read it: benchmarks/README.md. "
             "Timings depend on the machine and its load; compare only ratios measured in the same run.\n",
             "| machine | |", "|---|---|"]
    lines += ["| %s | %s |" % fact for fact in facts]
    if any(seconds for _, _, seconds in outcomes.values()):
        lines.append("| benchmarks (seconds each) | %s |" % ", ".join(
            "%s %.0f%s" % (name, seconds, "" if ok else " (failed)") for name, (ok, _, seconds) in outcomes.items()))
    lines.append("")
    for name, (ok, note, _) in outcomes.items():
        if ok:
            with open(os.path.join(results, name + ".md")) as handle:
                lines.append(handle.read().rstrip() + "\n")
        else:
            lines.append("## %s: failed\n\n%s" % (name, note))
    if pending:
        lines.append("Still running when this was written: %s.\n" % ", ".join(pending))
    path = os.path.join(results, "latest.md")
    with open(path, "w") as handle:
        handle.write("\n".join(lines).rstrip() + "\n")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""),
                        help="comma-separated benchmark names (BENCH_ONLY; default: all found)")
    parser.add_argument("--results", default=RESULTS, help="directory for the sections and latest.md")
    parser.add_argument("--assemble", action="store_true",
                        help="run nothing: assemble latest.md from the sections already in the results directory "
                             "(a run done in parts, or one that was stopped)")
    args = parser.parse_args()
    found = discover()
    wanted = [name.strip() for name in args.only.split(",") if name.strip()] or found
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        sys.exit("--only: no benchmark named %s; found: %s" % (", ".join(unknown), ", ".join(found)))
    results = os.path.abspath(args.results)
    os.makedirs(results, exist_ok=True)
    facts = machine_facts()
    if args.assemble:
        outcomes = dict((name, (True, "", 0.0)) for name in wanted
                        if os.path.exists(os.path.join(results, name + ".md")))
        facts.append(("assembled", "from sections measured separately (--assemble): %s" % ", ".join(outcomes)))
        print("wrote %s" % assemble(results, outcomes, facts))
        return
    outcomes = {}
    for name in wanted:
        outcomes[name] = run(name, results)
        path = assemble(results, outcomes, facts, pending=wanted[len(outcomes):])
    print("wrote %s" % os.path.relpath(path, REPO))
    failed = [name for name, (ok, _, _) in outcomes.items() if not ok]
    if failed:
        sys.exit("failed: %s" % ", ".join(failed))


if __name__ == "__main__":
    main()
