"""Smoke runs of `make bench`: the harness runs real benchmark scripts against real sandboxes
and assembles latest.md. Tiny sizes; only shapes and request counts are asserted, never times.
The customer role's variant is left out (BENCH_VARIANTS): it takes the same code path as the list
modules' variant c, and the role is the customer module plus a debug task (variant m runs that module).
The scale-out table runs at --forks 4 only (BENCH_SCALE_FORKS): --forks 1 takes the same loop."""
import json
import os
import subprocess
import sys

BENCHMARKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "benchmarks")
sys.path.insert(0, BENCHMARKS)

import harness  # noqa: E402

ACCOUNTS = 2


def run_harness(results, only, **env):
    command = [sys.executable, os.path.join(BENCHMARKS, "harness.py"), "--only", only, "--results", str(results)]
    return subprocess.run(command, env=dict(os.environ, **env), capture_output=True, text=True, timeout=900,
                          check=False)


def test_make_bench_writes_the_provisioning_table_with_request_counts(tmp_path):
    proc = run_harness(tmp_path, "provisioning,module_profile,sandbox_scale", BENCH_SIZES=str(ACCOUNTS),
                       BENCH_LATENCY_MS="0", BENCH_BASELINES="A=%d,B=%d" % (ACCOUNTS, ACCOUNTS), BENCH_REPEAT="1",
                       BENCH_VARIANTS="c,m", BENCH_SCALE_FORKS="4",
                       BENCH_SCALE_CDRS="2000", BENCH_PROFILE_ACCOUNTS=str(ACCOUNTS),
                       BENCH_SCALE_FILES="2", BENCH_SCALE_ACCOUNTS=str(ACCOUNTS))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    latest = (tmp_path / "latest.md").read_text()
    for fact in ("| cores |", "| memory |", "| CPU |", "| Python |", "| ansible-core |", "| date (UTC) |"):
        assert fact in latest
    assert latest.index("## Provisioning") < latest.index("## Module side") < latest.index("## Sandbox at scale")
    assert "| accounts |" in latest and "| extensions |" in latest
    for label in ("A: uri loops", "B: single-object modules in loops", "c: list modules (accounts, extensions)",
                  "d: floor, 2 x ansible.builtin.ping"):
        assert "| %s | first run |" % label in latest
        assert "| %s | no-op re-run |" % label in latest
    for ratio in ("| A/c |", "| B/c |", "| c/d |"):
        assert ratio in latest

    [measured] = json.loads((tmp_path / "provisioning.json").read_text())
    rows = measured["rows"]
    assert "c: customer role" not in latest and "r" not in rows and "dr" not in rows     # BENCH_VARIANTS
    # A: read accounts, one create per account, read again, read extensions, one extension and one
    # add-on request per account; its re-run only reads.
    assert (rows["A"]["first"]["requests"], rows["A"]["first"]["writes"]) == (3 * ACCOUNTS + 3, 3 * ACCOUNTS)
    assert (rows["A"]["noop"]["requests"], rows["A"]["noop"]["writes"]) == (3, 0)
    assert rows["B"]["first"]["writes"] == 3 * ACCOUNTS and rows["B"]["noop"]["writes"] == 0
    # The list modules: one create and one add-on request for every account at once (the
    # extensions come with the create), and a re-run that only reads.
    assert rows["c"]["first"]["writes"] == 2
    assert rows["c"]["noop"]["requests"] <= 3 and rows["c"]["noop"]["writes"] == 0
    assert rows["c"]["noop"]["changed"] == rows["B"]["noop"]["changed"] == 0
    assert rows["d"]["first"]["requests"] == 0 and rows["d"]["first"]["tasks"] == 2
    # The customer module: one task, beside one ping task that loads the same customer file; its
    # no-op re-run only reads and returns the plan, not the objects.
    for label in ("c: customer module", "d: floor of the module, 1 x ansible.builtin.ping, customer file as vars_files"):
        assert "| %s | no-op re-run |" % label in latest
    assert "| module/its floor |" in latest and "The customer module's task result:" in latest
    assert rows["m"]["first"]["writes"] >= 1 and rows["m"]["noop"]["writes"] == 0 and rows["m"]["noop"]["changed"] == 0
    assert rows["m"]["noop"]["tasks"] == rows["dm"]["noop"]["tasks"] == 1 and rows["dm"]["first"]["requests"] == 0
    assert 0 < rows["m"]["noop"]["result_kib"] < rows["m"]["first"]["result_kib"] + 4
    # Many customers, one host each, with --forks 4 (BENCH_SCALE_FORKS; make bench adds --forks 1 through the
    # same loop): the no-op re-run writes nothing.
    assert "### 2 customer files of %d accounts each" % ACCOUNTS in latest
    scale = json.loads((tmp_path / "provisioning-scale.json").read_text())
    assert [row[:2] for row in scale["rows"]] == [["--forks 4", "first run"], ["--forks 4", "no-op re-run"]]
    assert all(row[6] == 0 and row[7] == 0 for row in scale["rows"] if row[1] == "no-op re-run")
    assert all(row[6] > 0 and row[7] == 2 for row in scale["rows"] if row[1] == "first run")


def test_harness_finds_every_benchmark_script_but_not_helpers():
    found = harness.discover()
    assert found[0] == "provisioning"
    assert "sandbox_scale" in found
    assert "harness" not in found and not [name for name in found if name.startswith("_")]


def test_a_failing_benchmark_is_reported_in_latest_md_and_fails_the_harness(tmp_path):
    outcomes = {"provisioning": (False, "`provisioning` exited 1 after 3 s", 3.0)}
    path = harness.assemble(str(tmp_path), outcomes, harness.machine_facts())
    text = open(path).read()
    assert "## provisioning: failed" in text and "exited 1" in text
    proc = run_harness(tmp_path, "no_such_benchmark")
    assert proc.returncode != 0 and "no benchmark named no_such_benchmark" in proc.stderr
