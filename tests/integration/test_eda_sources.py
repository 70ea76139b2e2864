"""The Event-Driven Ansible sources (extensions/eda/plugins/event_source) run directly, as
ansible-rulebook runs them (``main(queue, args)`` in asyncio), against a sandbox process with
live traffic and injected faults; the sandbox's own call log is the truth they are compared with."""
import asyncio
import collections
import json
import os
import stat
import time

import pytest

from portaplus_sandbox.testing import SandboxServer
from tests.integration.conftest import DEMO_LICENSE
from tests.integration.eda_helpers import Recorder, load_source

DEMO_CUSTOMERS = (1001, 1002)
# 60 s of traffic at 120 calls a minute (the 2 minutes at a higher rate, to keep make test
# short): about 120 calls, most of which start and end inside the window. Calls last 15-40 s, longer
# than the worst gap a poll can leave under 20 % faults (four failed attempts and their back-off,
# about 12 s), so every call is in at least one snapshot.
TRAFFIC_S = 60
FAULTY = ["--traffic", "120", "--call-duration-s", "15-40", "--random-seed", "5",
          "--fault-rate", "0.2", "--fault-kinds", "500,reset,timeout", "--fault-hang-s", "1"]


def connection(url, **extra):
    return dict({"url": url, "license": DEMO_LICENSE, "timeout": 3, "retries": 3}, **extra)


async def run_for(seconds, *jobs):
    """Run source mains for ``seconds``, then cancel them as ansible-rulebook does at shutdown."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    done, _pending = await asyncio.wait(tasks, timeout=seconds)
    for task in done:                       # a source that ended by itself failed the test
        raise AssertionError("a source ended: %r" % (task.exception() or task.result(),))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory):
    """One 60 s run of both sources (the cdrs one restarted half-way) under 20 % faults."""
    state_file = str(tmp_path_factory.mktemp("eda") / "cdrs-state.json")
    active_calls, cdrs = load_source("active_calls"), load_source("cdrs")
    calls, first_cdrs, second_cdrs = Recorder(), Recorder(), Recorder()
    with SandboxServer(extra_args=FAULTY) as server:
        started = time.time()

        async def scenario():
            watcher = active_calls(calls, connection(server.url, interval=1))
            half = TRAFFIC_S / 2
            await asyncio.gather(
                run_for(TRAFFIC_S, watcher),
                run_for(half, cdrs(first_cdrs, connection(server.url, customer=list(DEMO_CUSTOMERS), interval=2,
                                                          state_file=state_file))))

        # the second cdrs source starts from the state file the first one left at its shutdown
        async def restart():
            await asyncio.sleep(TRAFFIC_S / 2 + 1)
            await run_for(TRAFFIC_S / 2 + 4, cdrs(second_cdrs, connection(
                server.url, customer=list(DEMO_CUSTOMERS), interval=2, state_file=state_file)))

        async def both():
            await asyncio.gather(scenario(), restart())
        asyncio.run(both())
        stopped = time.time()
        log = server.call_log()
        faults = server.faults()
    return {"calls": calls, "cdrs": first_cdrs.of_type("cdr") + second_cdrs.of_type("cdr"),
            "first": first_cdrs, "second": second_cdrs, "log": log, "faults": faults,
            "started": started, "stopped": stopped, "state_file": state_file}


def every_call_is_started_and_ended_exactly_once_under_faults(faulty_run):
    assert faulty_run["faults"]["injected"] >= 20, "the run must really have been faulted"
    events = faulty_run["calls"]
    started = collections.Counter(e["call"]["call_id"] for e in events.of_type("call_started"))
    ended = collections.Counter(e["call"]["call_id"] for e in events.of_type("call_ended"))
    assert started and max(started.values()) == 1 and max(ended.values()) == 1
    # every demo-reseller call the switch started after the first poll and ended before the last
    window = (faulty_run["started"] + 3, faulty_run["started"] + TRAFFIC_S - 5)
    complete = [c for c in faulty_run["log"]["calls"] if c["customer"] in DEMO_CUSTOMERS
                and c["ended"] and window[0] <= c["started"] and c["ended"] <= window[1]]
    assert len(complete) >= 30, "too little traffic to show anything: %d calls" % len(complete)
    missing = [c["call_id"] for c in complete if started[c["call_id"]] != 1 or ended[c["call_id"]] != 1]
    assert not missing
    # nothing emitted that the switch did not do, nor another reseller's calls
    known = {c["call_id"]: c for c in faulty_run["log"]["calls"]}
    for event in events.of_type("call_started"):
        call = event["call"]
        assert known[call["call_id"]]["account_id"] == call["account_id"]
        assert call["customer"] in DEMO_CUSTOMERS
    for event in events.of_type("call_ended"):
        entry = known[event["call"]["call_id"]]
        assert entry["ended"] is not None and entry["ended"] <= faulty_run["stopped"]


def concurrent_counts_follow_the_calls(faulty_run):
    """Replaying the events gives, per account, the count each concurrent_calls event states."""
    live = collections.defaultdict(set)
    for _at, event in faulty_run["calls"].events:
        if event["type"] == "call_started":
            live[event["call"]["i_account"]].add(event["call"]["call_id"])
        elif event["type"] == "call_ended":
            live[event["call"]["i_account"]].discard(event["call"]["call_id"])
        else:
            counts = event["concurrent_calls"]
            assert counts["calls"] == len(live[counts["i_account"]])
            assert {c["call_id"] for c in counts["in_progress"]} == live[counts["i_account"]]
            assert counts["international"] == sum(c["international"] for c in counts["in_progress"])


def every_new_cdr_is_emitted_once_across_a_restart(faulty_run):
    ids = [event["cdr"]["id"] for event in faulty_run["cdrs"]]
    assert len(ids) == len(set(ids)), "a CDR was emitted twice"
    assert faulty_run["first"].of_type("cdr") and faulty_run["second"].of_type("cdr")
    # every CDR of a demo-reseller call that ended after the first poll and before the last one
    window = (faulty_run["started"] + 2, faulty_run["stopped"] - 6)
    expected = {c["cdr_id"] for c in faulty_run["log"]["calls"] if c["customer"] in DEMO_CUSTOMERS
                and c["cdr_id"] and window[0] <= c["ended"] <= window[1]}
    assert len(expected) >= 30
    assert expected <= set(ids), "CDRs never emitted: %s" % sorted(expected - set(ids))
    live = {c["cdr_id"] for c in faulty_run["log"]["calls"] if c["cdr_id"]}
    assert set(ids) <= live, "only CDRs of calls that ended while the source ran"
    for event in faulty_run["cdrs"]:
        assert event["cdr"]["customer"] in DEMO_CUSTOMERS and event["cdr"]["disconnect_time"]


def the_state_file_is_private_and_holds_no_secret(faulty_run):
    path = faulty_run["state_file"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = open(path).read()
    assert DEMO_LICENSE not in text
    state = json.loads(text)
    assert set(state["customers"]) == {"1001", "1002"}
    assert not [name for name in os.listdir(os.path.dirname(path)) if name != os.path.basename(path)]


def no_event_holds_the_license(faulty_run):
    everything = json.dumps([e for _at, e in faulty_run["calls"].events] + faulty_run["cdrs"])
    assert DEMO_LICENSE not in everything


#: What one faulty run shows. They share one test: as tests of their own, pytest-xdist handed them to
#: different workers, and each worker made its own 60 s run for them.
FAULTY_RUN_CHECKS = (
    every_call_is_started_and_ended_exactly_once_under_faults,
    concurrent_counts_follow_the_calls,
    every_new_cdr_is_emitted_once_across_a_restart,
    the_state_file_is_private_and_holds_no_secret,
    no_event_holds_the_license,
)


def test_one_faulty_run_of_both_sources_shows_every_event_once_and_no_secret(faulty_run):
    failed = []
    for check in FAULTY_RUN_CHECKS:
        try:
            check(faulty_run)
        except AssertionError as error:     # run every check, then report each that failed
            failed.append("%s: %s" % (check.__name__, error))
    assert not failed, "\n\n".join(failed)


# -- what ends a source, and what does not -----------------------------------------------------

async def _outcome(main, args, seconds=20):
    queue = Recorder()
    started = time.monotonic()
    try:
        await asyncio.wait_for(main(queue, args), seconds)
    except asyncio.TimeoutError:
        return None, time.monotonic() - started
    except Exception as exc:                # the source ended: ansible-rulebook reports this
        return exc, time.monotonic() - started
    return "returned", time.monotonic() - started


@pytest.mark.parametrize("name, extra", [("active_calls", {}), ("cdrs", {"customer": 1001})])
def test_a_wrong_license_or_url_ends_the_source_at_once_without_the_secret(sandbox, name, extra):
    main = load_source(name)
    secret = "WRONG-LICENSE-abc123"
    exc, took = asyncio.run(_outcome(main, dict(extra, url=sandbox.url, license=secret)))
    assert exc is not None and exc != "returned" and took < 10
    assert "401" in str(exc) and secret not in str(exc)
    assert secret not in repr(exc.args)
    # a port nothing listens on (the sandbox's, after it stopped) is a wrong URL
    with SandboxServer() as gone:
        url = gone.url
    exc, took = asyncio.run(_outcome(main, dict(extra, url=url, license=DEMO_LICENSE, retries=1)))
    assert exc not in (None, "returned") and took < 10
    assert "connection refused" in str(exc) and DEMO_LICENSE not in str(exc)


@pytest.mark.parametrize("name, args, words", [
    ("active_calls", {"interval": 0}, "interval"),
    ("active_calls", {"premium_prefixes": ["88x"]}, "premium_prefixes"),
    ("active_calls", {"home_country": "Britain"}, "home_country"),
    ("active_calls", {"intervall": 5}, "intervall"),
    ("cdrs", {}, "customer"),
    ("cdrs", {"customer": 1001, "state_file": "/nonexistent/dir/state.json"}, "state_file"),
    ("cdrs", {"customer": "acme"}, "customer"),
])
def test_bad_arguments_end_the_source_before_any_request(sandbox, name, args, words):
    sandbox.clear_log()
    exc, _took = asyncio.run(_outcome(load_source(name), dict(args, url=sandbox.url, license=DEMO_LICENSE)))
    assert isinstance(exc, ValueError) and words in str(exc)
    assert sandbox.requests() == []


def test_an_unknown_customer_ends_the_cdrs_source(sandbox):
    exc, _took = asyncio.run(_outcome(load_source("cdrs"), {"url": sandbox.url, "license": DEMO_LICENSE,
                                                            "customer": 2001}))
    assert exc not in (None, "returned") and "customer" in str(exc) and "2001" in str(exc)


def test_the_event_loop_runs_while_a_poll_waits(sandbox):
    """A poll blocked on a slow server (a hanging request) must not block the loop the rules run on."""
    sandbox.set_faults(fault_rate=1.0, kinds=["timeout"], hang_s=3)
    ticks = []

    async def ticker():
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.1)

    async def scenario():
        source = asyncio.ensure_future(load_source("active_calls")(Recorder(), {
            "url": sandbox.url, "license": DEMO_LICENSE, "timeout": 5, "retries": 0, "interval": 1}))
        clock = asyncio.ensure_future(ticker())
        await asyncio.sleep(2.5)
        assert not source.done(), "a timed-out poll must not end the source"
        source.cancel()
        clock.cancel()
        await asyncio.gather(source, clock, return_exceptions=True)
    asyncio.run(scenario())
    assert len(ticks) >= 15 and max(b - a for a, b in zip(ticks, ticks[1:])) < 0.5
