# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""portaplus.softswitch.active_calls: an Event-Driven Ansible source of calls as they start and end.

Polls the calls in progress of the License's reseller, or of one customer, every ``interval``
seconds (one request a poll) and puts on the queue:

* ``{"type": "call_started", "call": {...}}`` when a call first shows up,
* ``{"type": "call_ended", "call": {...}}`` when it has gone,
* ``{"type": "concurrent_calls", "concurrent_calls": {...}}`` when an account's counts change.

A call has ``call_id``, ``account_id``, ``i_account``, ``customer``, ``cli``, ``cld``,
``direction``, ``destination_country`` (ISO 3166-1 alpha-2), ``destination_code``,
``international``, ``premium``, ``start_time`` (UTC ISO 8601) and ``duration`` (seconds so far;
at the end, up to the poll that found it gone, plus ``end_time``). The counts have ``calls``,
``international``, ``premium`` and ``in_progress`` (the calls). See docs/events.md.

Arguments:
  url / license / validate_certs / ca_path / timeout / retries:
      the collection's connection options; url and license default to the environment
      variables PORTAPLUS_URL and PORTAPLUS_LICENSE. The License is never logged or emitted.
  customer: watch this customer's calls only (default: the whole reseller).
  interval: seconds from the start of one poll to the start of the next (default 10).
  home_country: ISO 3166-1 alpha-2 country whose destinations are not international
      (default: the country of each account's own number).
  premium_prefixes: number prefixes (e.g. ['882', '881', '53']) that mark a call ``premium``.

Server faults and lost connections are retried at the next interval and never end the source;
a refused License or a wrong URL ends it at once with a message that holds no secret.

Example:
  sources:
    - portaplus.softswitch.active_calls:
        interval: 5
        premium_prefixes: ["882", "881"]
"""

import asyncio
import importlib
import logging
import os
import sys
import time

try:
    importlib.import_module("ansible_collections.portaplus.softswitch")
except ImportError:
    # ansible-rulebook loads a source by its path and puts no collection on sys.path: this file is
    # <root>/ansible_collections/portaplus/softswitch/extensions/eda/plugins/event_source/.
    sys.path.append(os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 7)))

from ansible_collections.portaplus.softswitch.plugins.module_utils.calls import read_active_calls
from ansible_collections.portaplus.softswitch.plugins.module_utils.events import (
    FAILED, CallTracker, Poller, source_settings, until_next_poll)

LOGGER = logging.getLogger("portaplus.softswitch.active_calls")


def _read(client, customer):
    return read_active_calls(client, customer=customer)


async def main(queue, args):
    settings = source_settings(args, "active_calls")
    client = settings["client"]
    tracker = CallTracker(settings["home_country"], settings["premium_prefixes"])
    poller = Poller(client, "active_calls", LOGGER)
    try:
        while True:
            started = time.monotonic()
            # The client blocks (requests); a thread keeps the event loop and the rules running.
            calls = await asyncio.to_thread(poller.attempt, _read, settings["customer"])
            if calls is not FAILED:
                for event in tracker.update(calls):
                    await queue.put(event)
            await asyncio.sleep(until_next_poll(started, settings["interval"]))
    finally:
        client.session.close()


if __name__ == "__main__":
    # A quick look from a shell: python active_calls.py (prints the events of a few polls).
    class _Printer:
        async def put(self, event):
            print(event)

    asyncio.run(main(_Printer(), {"interval": 2}))
