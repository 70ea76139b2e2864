"""Running the Event-Driven Ansible sources of extensions/eda in-process, as ansible-rulebook
does (runpy, by path, inside ansible_collections/portaplus/softswitch), against a real sandbox
process, and the fraud guard under the real ansible-rulebook: shared by the tests and
benchmarks/events.py."""
import asyncio
import datetime
import json
import os
import re
import runpy
import signal
import subprocess
import sys
import time

from tests.ansible_cli import playbook_env
from tests.collection_path import collection_dir, ensure


def load_source(name):
    """The source's ``main(queue, args)``, loaded the way ansible-rulebook loads a collection's
    source: by its path in the collections tree, with nothing added to sys.path beforehand."""
    ensure()
    return runpy.run_path(os.path.join(collection_dir(), "extensions", "eda", "plugins", "event_source",
                                       name + ".py"))["main"]


class Recorder:
    """A queue that keeps every event with the time it arrived."""

    def __init__(self):
        self.events = []

    async def put(self, event):
        self.events.append((asyncio.get_running_loop().time(), event))

    def of_type(self, kind):
        return [event for _at, event in self.events if event["type"] == kind]


def incident_received_at(output, account_id):
    """When ansible-rulebook received the first concurrent_calls event of ``account_id`` with a
    premium call (epoch seconds, from its --print-events output, which pretty-prints each event as a
    Python dict with meta.received_at), or None."""
    for chunk in re.split(r"\n(?=\{')", output):
        if ("'type': 'concurrent_calls'" in chunk and "'account_id': '%s'," % account_id in chunk
                and re.search(r"'premium': [1-9]\d*\}", chunk)):
            stamp = re.search(r"'received_at': '([^']+)'", chunk).group(1)
            return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=datetime.timezone.utc).timestamp()
    return None


class FraudGuard:
    """The toll-fraud guard rulebook run by the real ansible-rulebook (Java included) against the
    sandbox ``server``, its files in ``folder``: a context manager that returns once the rule engine
    waits and the source has polled, so what follows times a poll, the rule and ansible-playbook,
    never Java's start. Shared by tests/integration/test_eda_rulebook.py and benchmarks/events.py."""

    READY_TIMEOUT_S = 240                   # Java, Drools and the first poll on a busy machine

    def __init__(self, server, folder, interval, premium_prefixes=("881", "882"), max_international_calls=3):
        self.server = server
        self.folder = str(folder)
        self.audit_file = os.path.join(self.folder, "audit.jsonl")
        self.output_path = os.path.join(self.folder, "rulebook.log")
        with open(os.path.join(self.folder, "vars.yml"), "w") as handle:
            handle.write("max_international_calls: %d\npremium_prefixes: %s\nhome_country: GB\npoll_interval: %d\n"
                         "audit_file: %s\n" % (max_international_calls, json.dumps(list(premium_prefixes)), interval,
                                               self.audit_file))
        with open(os.path.join(self.folder, "inventory.yml"), "w") as handle:
            handle.write("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")
        self.process = None

    def output(self):
        with open(self.output_path) as handle:
            return handle.read()

    def wait_for(self, predicate, timeout, what, pause=0.5):
        """``predicate()``'s first true value, polled every ``pause`` s; fails after ``timeout`` s
        with the end of ansible-rulebook's output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = predicate()
            if found:
                return found
            if self.process.poll() is not None:
                raise AssertionError("ansible-rulebook ended (%s) before %s:\n%s" % (
                    self.process.returncode, what, self.output()[-6000:]))
            time.sleep(pause)
        raise AssertionError("%s did not happen within %s s; ansible-rulebook said:\n%s" % (
            what, timeout, self.output()[-6000:]))

    def committed_updates(self):
        """The account writes, by the sandbox's own request log (``at``: when each was answered)."""
        return [r for r in self.server.requests() if r["route"] == "/UpdateAccount" and r["committed"]]

    def __enter__(self):
        bin_dir = os.path.dirname(sys.executable)
        env = playbook_env(self.server.url, extra={"PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")})
        with open(self.output_path, "w") as output:
            self.process = subprocess.Popen(
                [os.path.join(bin_dir, "ansible-rulebook"), "--rulebook", "portaplus.softswitch.fraud_guard",
                 "-i", os.path.join(self.folder, "inventory.yml"), "--vars", os.path.join(self.folder, "vars.yml"),
                 "--print-events", "-v"],
                cwd=self.folder, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            self.wait_for(lambda: "Waiting for events" in self.output() and any(
                r["op"] == "ActiveCalls" and r["status"] == 200 for r in self.server.requests()),
                self.READY_TIMEOUT_S, "the rulebook's first poll")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def __exit__(self, *exc_info):
        self.stop()
