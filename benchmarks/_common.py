"""What every benchmark script shares: measuring a command, running a playbook, writing tables.

Benchmark scripts are `benchmarks/<name>.py`; each writes its markdown section to
`$BENCH_RESULTS/<name>.md` (default `benchmarks/results/`), and `benchmarks/harness.py` assembles
them into `latest.md`. Files whose name starts with `_` are helpers, not benchmarks.
"""
import os
import subprocess
import sys
import tempfile
import time

BENCHMARKS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCHMARKS)
# The harness sets BENCH_RESULTS for every script it runs (a temp dir in the smoke tests).
RESULTS = os.environ.get("BENCH_RESULTS") or os.path.join(BENCHMARKS, "results")
LICENSE = "DEMO-LICENSE"

if REPO not in sys.path:
    sys.path.insert(0, REPO)

from tests.ansible_cli import playbook_env  # noqa: E402,F401  (shared with the tests; scripts import it from here)
from tests.collection_path import ensure  # noqa: E402,F401  (needs REPO on sys.path; scripts import it from here)


class CommandFailed(RuntimeError):
    pass


def measure(command, env=None, cwd=None):
    """Run `command` to completion: wall seconds, CPU seconds (user + system) and peak RSS of it
    and every descendant it waited for, and its output.

    os.wait4 returns the child's own usage plus that of the processes it reaped, so the
    ansible-playbook process, its forked workers and every module process are all counted,
    and the sandbox server (not a descendant) is not. Peak RSS is the largest single process
    of that tree, not their sum.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise CommandFailed("%s exited %d:\n%s\n%s" % (" ".join(command[:2]), proc.returncode,
                                                       stdout[-4000:], stderr[-4000:]))
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024.0, "stdout": stdout}


def ansible_command(name):
    """ansible-playbook, ansible-inventory, ... of the interpreter running the benchmark."""
    return os.path.join(os.path.dirname(sys.executable), name)


def recap(stdout):
    """The PLAY RECAP counters of localhost: {'ok': 2, 'changed': 1, ...}."""
    for line in stdout.splitlines():
        if line.startswith("localhost") and "ok=" in line:
            return dict((key, int(value)) for key, value in
                        (item.split("=") for item in line.split(":", 1)[1].split()))
    raise CommandFailed("no PLAY RECAP line for localhost in:\n" + stdout[-2000:])


def table(header, rows):
    """A markdown table; numbers are right-aligned."""
    def align(cell):
        return "---:" if isinstance(cell, (int, float)) else "---"
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(align(cell) for cell in rows[0]) + "|" if rows else "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def fmt(value):
    if isinstance(value, float):
        return "%.2f" % value if value < 100 else "%.0f" % value
    return str(value)


def ratio(numerator, denominator):
    return numerator / denominator if denominator else float("nan")


def write_section(name, text, results_dir=None):
    """Write the script's markdown section where the harness picks it up; returns the path."""
    results_dir = results_dir or RESULTS
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, name + ".md")
    with open(path, "w") as handle:
        handle.write(text.rstrip() + "\n")
    return path
