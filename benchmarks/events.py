"""Event sources: how many events they sustain, what they cost the API, how fast they see fraud.

The two Event-Driven Ansible sources (extensions/eda) run in-process, as ansible-rulebook runs
them, against sandbox processes with live traffic (`--traffic`):

* throughput: heavy traffic for a while; events per second the sources emit, how long a poll
  takes, and whether they kept up (every call the switch started and ended was seen);
* API load: both sources at their default intervals for a little over a minute; requests per
  minute, per customer, counted in the sandbox's request log;
* detection latency: 100 fraud bursts (6 calls to a premium range from one account, each burst
  on its own account); seconds from the burst to the `concurrent_calls` event that shows it,
  median and max, at the default interval and at a short one. This is the source's part;
* block latency: the fraud guard rulebook under the real ansible-rulebook (started, Java
  included, before anything is timed), one burst at a time on its own account; seconds from the
  burst's POST to the rule's event, and to the block (the sandbox's write, by its request log):
  the difference is ansible-rulebook starting ansible-playbook and the `account` module.

No test asserts on these numbers (the rulebook test asserts only the issue's bound, the block
within interval + 5 s). Usage: `make bench` or `python benchmarks/events.py` (BENCH_EVENTS_BURSTS,
default 100; BENCH_EVENTS_BLOCKS, the guard's bursts, default 20; BENCH_EVENTS_SECONDS, the
throughput run, default 30).
"""
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import LICENSE, table, write_section  # noqa: E402
from portaplus_sandbox.testing import SandboxServer  # noqa: E402
from tests.integration.eda_helpers import FraudGuard, Recorder, incident_received_at, load_source  # noqa: E402

BURSTS = int(os.environ.get("BENCH_EVENTS_BURSTS") or 100)
BLOCKS = int(os.environ.get("BENCH_EVENTS_BLOCKS") or 20)
BLOCK_INTERVAL = 2
THROUGHPUT_S = float(os.environ.get("BENCH_EVENTS_SECONDS") or 30)
CUSTOMERS = (1001, 1002)


def connection(url, **extra):
    return dict({"url": url, "license": LICENSE}, **extra)


async def run_sources(seconds, *jobs):
    tasks = [asyncio.ensure_future(job) for job in jobs]
    done, _pending = await asyncio.wait(tasks, timeout=seconds)
    for task in done:
        raise RuntimeError("a source ended: %r" % (task.exception(),))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def throughput():
    """Heavy traffic (50 calls a second) watched by both sources polling every second."""
    args = ["--traffic", "3000", "--call-duration-s", "5-15", "--random-seed", "3"]
    calls, cdrs = Recorder(), Recorder()
    with SandboxServer(extra_args=args) as server:
        time.sleep(5)                                   # let traffic build up
        started = time.time()
        asyncio.run(run_sources(
            THROUGHPUT_S,
            load_source("active_calls")(calls, connection(server.url, interval=1)),
            load_source("cdrs")(cdrs, connection(server.url, customer=list(CUSTOMERS), interval=1))))
        stopped = time.time()
        log = server.call_log()["calls"]
        polls = [r["ms"] for r in server.requests() if r["op"] == "ActiveCalls"]
        cdr_polls = [r["ms"] for r in server.requests() if r["op"] == "PortaCDR"]
    seen = {e["call"]["call_id"] for e in calls.of_type("call_ended")}
    complete = [c for c in log if c["customer"] in CUSTOMERS and c["ended"]
                and started + 2 <= c["started"] and c["ended"] <= stopped - 2]
    missed = [c for c in complete if c["call_id"] not in seen]
    call_events = len(calls.events)
    return [
        ["active_calls", round(call_events / THROUGHPUT_S, 1), len(polls), statistics.median(polls),
         max(polls), "%d of %d" % (len(complete) - len(missed), len(complete))],
        ["cdrs", round(len(cdrs.events) / THROUGHPUT_S, 1), len(cdr_polls), statistics.median(cdr_polls),
         max(cdr_polls), "-"],
    ]


def api_load():
    """Both sources at their default intervals for a minute after their first poll: requests per
    minute (the start-up round, one request per scope, is left out), per customer."""
    seconds = 60.5
    with SandboxServer(extra_args=["--traffic", "30", "--random-seed", "4"]) as server:
        server.clear_log()
        asyncio.run(run_sources(
            seconds,
            load_source("active_calls")(Recorder(), connection(server.url)),
            load_source("active_calls")(Recorder(), connection(server.url, customer=1001)),
            load_source("cdrs")(Recorder(), connection(server.url, customer=list(CUSTOMERS)))))
        requests = server.requests()
    minutes = 1.0
    reseller = len([r for r in requests if r["route"] == "/GetActiveCallsReseller/{License}"]) - 1
    customer = len([r for r in requests if r["route"] == "/GetActiveCallsCustomer/{License}/{ICustomer}"]) - 1
    billed = len([r for r in requests if r["op"] == "PortaCDR"]) - len(CUSTOMERS)
    return [
        ["active_calls, the whole reseller", "10 s", reseller / minutes,
         "%.1f (one request covers all %d customers)" % (reseller / minutes / len(CUSTOMERS), len(CUSTOMERS))],
        ["active_calls, one customer", "10 s", customer / minutes, "%.1f" % (customer / minutes)],
        ["cdrs, %d customers" % len(CUSTOMERS), "60 s", billed / minutes,
         "%.1f" % (billed / minutes / len(CUSTOMERS))],
    ]


def detection(interval):
    """BURSTS bursts, one every 0.5 s, each of 6 premium calls from its own account."""
    events = Recorder()
    with SandboxServer(extra_args=["--accounts", str(BURSTS), "--traffic", "30", "--random-seed", "6"]) as server:
        accounts = ["44163297%04d" % n for n in range(1, BURSTS + 1)]
        posted = {}

        async def bursts():
            loop = asyncio.get_running_loop()
            await asyncio.sleep(interval + 1)              # the source's first poll is done
            for account in accounts:
                await asyncio.to_thread(lambda a=account: [
                    server.start_call(a, "882160000%02d" % n, duration_s=300) for n in range(6)])
                posted[account] = loop.time()
                await asyncio.sleep(0.5)

        async def scenario():
            source = asyncio.ensure_future(load_source("active_calls")(events, connection(
                server.url, interval=interval, premium_prefixes=["882"])))
            await bursts()
            await asyncio.sleep(interval + 3)
            source.cancel()
            await asyncio.gather(source, return_exceptions=True)
        asyncio.run(scenario())
    seen = {}
    for at, event in events.events:
        counts = event.get("concurrent_calls")
        if counts and counts["premium"] and counts["account_id"] in posted and counts["account_id"] not in seen:
            seen[counts["account_id"]] = at - posted[counts["account_id"]]
    latencies = sorted(seen.values())
    return [["%d s" % interval, "%d of %d" % (len(latencies), len(accounts)), statistics.median(latencies),
             max(latencies)]]


def block_latency():
    """BLOCKS bursts under the fraud guard, one at a time (the next once the last one's audit line is
    written, so no burst waits for another's playbook), each at a random point of the poll cycle."""
    pause = random.Random(8)
    accounts = ["44163297%04d" % n for n in range(1, BLOCKS + 1)]
    posted, blocked_at = {}, {}
    with tempfile.TemporaryDirectory(prefix="bench-guard-") as folder, \
            SandboxServer(extra_args=["--accounts", str(BLOCKS), "--traffic", "30", "--random-seed", "7"]) as server, \
            FraudGuard(server, folder, BLOCK_INTERVAL, premium_prefixes=["882"]) as guard:
        for number, account in enumerate(accounts, 1):
            time.sleep(pause.uniform(0, BLOCK_INTERVAL))
            posted[account] = time.time()
            for n in range(6):
                server.start_call(account, "882160000%02d" % n, duration_s=300)
            blocked_at[account] = guard.wait_for(lambda: guard.committed_updates()[number - 1:], 120, "block %d" % number,
                                                 pause=0.2)[0]["at"]
            guard.wait_for(lambda: os.path.exists(guard.audit_file) and len(open(guard.audit_file).readlines()) >= number,
                           120, "audit line %d" % number, pause=0.2)
        output = guard.output()
    rows = []
    received = dict((account, incident_received_at(output, account)) for account in accounts)
    if None in received.values():
        raise RuntimeError("no rule event found in ansible-rulebook's output for %s" % sorted(
            account for account, at in received.items() if at is None))
    detected = [received[account] - posted[account] for account in accounts]
    block = [blocked_at[account] - posted[account] for account in accounts]
    action = [b - d for b, d in zip(block, detected)]
    for name, values in (("calls' POST -> the rule's event", detected), ("the rule's event -> the block", action),
                         ("calls' POST -> the block (the issue's bound: interval + 5 s = %d s)" % (BLOCK_INTERVAL + 5),
                          block)):
        rows.append([name, statistics.median(values), max(values)])
    return rows


def main():
    rows_throughput = throughput()
    rows_load = api_load()
    rows_detection = detection(10) + detection(2)
    rows_block = block_latency()
    text = "## Event sources (extensions/eda)\n\n" + __doc__.split("\n\n", 1)[1].split("No test asserts")[0]
    text += ("\n### Throughput: %d s of 3,000 calls a minute, both sources polling every second\n\n" % THROUGHPUT_S
             + table(["source", "events/s emitted", "polls", "poll median (ms)", "poll max (ms)",
                      "calls started and ended that were seen"], rows_throughput))
    text += ("\n### API load at the default intervals (the minute after the first poll, counted by the sandbox)\n\n"
             + table(["source", "interval", "requests/min", "requests/min per customer"], rows_load))
    text += ("\n### Detection latency: %d fraud bursts (6 calls to 882 from one account)\n\n" % BURSTS
             + table(["interval", "bursts seen", "median (s)", "max (s)"], rows_detection))
    text += ("\n### Block latency: the fraud guard under ansible-rulebook, %d bursts one at a time, interval %d s\n\n"
             % (BLOCKS, BLOCK_INTERVAL) + table(["from -> to", "median (s)", "max (s)"], rows_block))
    print(text)
    write_section("events", text)


if __name__ == "__main__":
    main()
