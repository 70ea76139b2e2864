"""Module side of a no-op run: where `accounts` and `extensions` spend their time at N = 1,000.

The customer is provisioned first (with the same variables as provisioning.py's variant c).
Then each module's main() runs in this process, exactly as AnsiballZ would run it (module
arguments through AnsibleModule, the real client, a real sandbox): first three times
unprofiled, reporting the CPU time of this process (the sandbox's work is not in it) split
into argument validation, API calls (transfer, JSON decoding, date conversion), the engine's
own work, and exit_json (Ansible's no_log filtering and JSON encoding of the result); then
once under cProfile, listing the functions with the most cumulative time. The cost of
starting Python and importing the module is not in these figures.

Usage: `python benchmarks/module_profile.py --accounts 1000` (BENCH_PROFILE_ACCOUNTS).
"""
import argparse
import contextlib
import cProfile
import functools
import io
import json
import os
import pstats
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import provisioning  # noqa: E402
from _common import LICENSE, ensure, table, write_section  # noqa: E402
from portaplus_sandbox.testing import SandboxServer  # noqa: E402

sys.path.insert(0, ensure())

from ansible.module_utils import basic  # noqa: E402
from ansible.module_utils.common.text.converters import to_bytes  # noqa: E402

TOP = 12
PARTS = ("argument validation", "API calls", "engine", "exit_json")


def cpu_split():
    """Wrap the four parts of a module run with CPU timers; returns the dict they add to."""
    spent = dict((part, 0.0) for part in PARTS)
    client = __import__("ansible_collections.portaplus.softswitch.plugins.module_utils.api.client", fromlist=["x"])
    resource = __import__("ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource", fromlist=["x"])
    targets = ((basic.AnsibleModule, "__init__", "argument validation"), (basic.AnsibleModule, "exit_json", "exit_json"),
               (client.PortaPlusClient, "call", "API calls"), (resource.Engine, "run", "engine"))
    for owner, name, part in targets:
        def timed(original, part):
            @functools.wraps(original)
            def wrapper(*args, **kwargs):
                started = time.process_time()
                try:
                    return original(*args, **kwargs)
                finally:
                    spent[part] += time.process_time() - started
            return wrapper
        setattr(owner, name, timed(getattr(owner, name), part))
    return spent


def run_module(name, args, profile=None):
    """main() of portaplus.softswitch.<name> with `args`: (result dict, JSON bytes, seconds)."""
    module = __import__("ansible_collections.portaplus.softswitch.plugins.modules." + name, fromlist=["main"])
    basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    basic._ANSIBLE_PROFILE = "legacy"          # what ansible-core 2.19 sends to a collection module
    output = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(output):
        try:
            if profile:
                profile.runcall(module.main)
            else:
                module.main()
        except SystemExit:
            pass
    seconds = time.perf_counter() - started
    text = output.getvalue()
    return json.loads(text), len(text.encode()), seconds


def top_functions(profile):
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream)
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in sorted(
            stats.stats.items(), key=lambda entry: -entry[1][3])[:TOP * 3]:
        where = filename.split("ansible_collections/portaplus/softswitch/")[-1].split("site-packages/")[-1]
        if where.startswith("~") or function.startswith("<"):
            continue
        rows.append(["%s:%d %s" % (where, line, function), calls, cumulative, own])
    return rows[:TOP]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=int(os.environ.get("BENCH_PROFILE_ACCOUNTS") or 1000))
    args = parser.parse_args()
    wanted = provisioning.desired_state(args.accounts)
    text = ["## Module side of a no-op run\n\n" + "\n\n".join(__doc__.split("\n\n")[1:2]) + "\n"]
    with SandboxServer(seed="empty") as server:
        connection = {"url": server.url, "license": LICENSE}
        calls = [("accounts", dict(connection, customer=wanted["customer"], state="merged", config=wanted["accounts"])),
                 ("extensions", dict(connection, customer=wanted["customer"], state="merged",
                                     config=wanted["extensions"]))]
        for name, module_args in calls:      # provision, so the measured runs change nothing
            result, _, _ = run_module(name, module_args)
            if result.get("failed"):
                raise SystemExit("%s failed: %s" % (name, result.get("msg")))
        summary = []
        spent = cpu_split()
        for name, module_args in calls:
            runs = []
            for _ in range(3):
                for part in PARTS:
                    spent[part] = 0.0
                server.clear_log()
                started = time.process_time()
                result, size, _ = run_module(name, module_args)
                runs.append((time.process_time() - started, dict(spent)))
                if result.get("changed") or result.get("failed"):
                    raise SystemExit("%s was not a no-op: %s" % (name, result.get("msg") or "changed"))
            cpu, parts = sorted(runs, key=lambda run: run[0])[1]          # the median run
            parts["engine"] -= parts["API calls"]                         # the engine's run() makes the calls
            summary.append([name, cpu] + [parts[part] for part in PARTS]
                           + ["%.0f" % (size / 1024.0), server.counters()["requests"], ", ".join(sorted(result))])
            profile = cProfile.Profile()
            run_module(name, module_args, profile)
            text.append("### `%s`, %d items, no change, under cProfile: the %d functions with most cumulative time\n\n"
                        % (name, args.accounts, TOP)
                        + table(["function", "calls", "cumulative s", "own s"], top_functions(profile)))
    text.insert(1, table(["module", "CPU s in main()"] + ["of which %s" % part for part in PARTS]
                         + ["result KiB", "requests", "result keys"], summary))
    path = write_section("module_profile", "\n".join(text))
    print(open(path).read())


if __name__ == "__main__":
    main()
