# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""portaplus.softswitch.cdrs: an Event-Driven Ansible source of new CDRs, each emitted once.

Every ``interval`` seconds reads, per customer, the CDRs billed (ended) since a high-water mark
(one request a customer) and puts each new one on the queue as
``{"type": "cdr", "cdr": {...}}`` with the collection's CDR record (``connect_time``,
``disconnect_time``, ``account_id``, ``cli``, ``cld``, ``duration``, ``charged_amount``,
``disconnect_cause``, ``failed``, ``call_type``, ``service``, ``call_id``, ``id``, ``i_account``,
``customer``), oldest first. See docs/events.md.

Arguments:
  url / license / validate_certs / ca_path / timeout / retries:
      the collection's connection options; url and license default to the environment
      variables PORTAPLUS_URL and PORTAPLUS_LICENSE. The License is never logged or emitted.
  customer: the customer id, or a list of ids, whose CDRs to watch (required).
  interval: seconds between polls (default 60).
  state_file: where to keep the position (written atomically, mode 0600, no secret in it), so
      that a restart neither repeats nor skips a CDR. Without it a start begins from now.
  lookback: on a start without a state file, also emit the CDRs billed this many seconds
      before (default 0).
  overlap: seconds below the mark each read goes back, for CDRs written late (default 300).

Server faults and lost connections are retried at the next interval and never end the source;
a refused License, a wrong URL or an unknown customer ends it at once with a message that holds
no secret.

Example:
  sources:
    - portaplus.softswitch.cdrs:
        customer: 1001
        interval: 60
        state_file: /var/lib/eda/portaplus-cdrs-1001.json
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

from ansible_collections.portaplus.softswitch.plugins.module_utils.events import (
    FAILED, Poller, cdr_event, load_state, read_billed_cdrs, save_state, source_settings, until_next_poll)

LOGGER = logging.getLogger("portaplus.softswitch.cdrs")


async def main(queue, args):
    settings = source_settings(args, "cdrs")
    client = settings["client"]
    state_file = settings["state_file"]
    marks = load_state(state_file, settings["customers"], client.url, settings["overlap"],
                       int(time.time()) - settings["lookback"])
    save_state(state_file, client.url, marks)       # a bad path fails now, not after the first CDR
    poller = Poller(client, "cdrs", LOGGER)
    try:
        while True:
            started = time.monotonic()
            for customer, mark in marks.items():
                records = await asyncio.to_thread(poller.attempt, read_billed_cdrs, customer, mark.since())
                if records is FAILED:
                    continue
                for record in mark.fresh(records):
                    await queue.put(cdr_event(record))
                    mark.emitted(record)
                save_state(state_file, client.url, marks)
            await asyncio.sleep(until_next_poll(started, settings["interval"]))
    finally:
        # also on cancellation (ansible-rulebook's shutdown): the marks hold exactly what was emitted
        save_state(state_file, client.url, marks)
        client.session.close()


if __name__ == "__main__":
    class _Printer:
        async def put(self, event):
            print(event)

    asyncio.run(main(_Printer(), {"interval": 5, "customer": 1001}))
