# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback of the integration and reliability suites: one JSON line per task result.

Where PORTAPLUS_SANDBOX_ADMIN names the sandbox admin API (the reliability suite), the line
also holds the sandbox's request counters (requests, writes), read right after the result, so
a bulk playbook of many cases can tell which case sent a write. Without it no request is sent
and the counters are null.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: record_results
type: aggregate
short_description: Record task results (and sandbox request counters) for the tests
description:
  - Writes each task result as a JSON line to the file named by E(PORTAPLUS_TEST_RESULTS), with the host,
    when the task started and ended on that host, and the request counters of the sandbox whose admin
    API E(PORTAPLUS_SANDBOX_ADMIN) names (null when it is not set).
'''

import json
import os
import time

try:
    from urllib.request import urlopen
except ImportError:  # pragma: no cover
    urlopen = None

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._started = {}

    def v2_runner_on_start(self, host, task):
        self._started[(host.get_name(), task._uuid)] = time.time()

    def _counters(self):
        admin = os.environ.get("PORTAPLUS_SANDBOX_ADMIN")
        if not admin:
            return None
        try:
            with urlopen(admin + "/requests", timeout=30) as response:
                return json.loads(response.read())["counters"]
        except Exception as exc:  # the test sees the missing counters and fails there
            return {"error": str(exc)}

    def _record(self, result, status):
        path = os.environ.get("PORTAPLUS_TEST_RESULTS")
        if not path:
            return
        payload = getattr(result, "result", None)
        if payload is None:
            payload = result._result
        task = getattr(result, "task", None) or result._task
        host = getattr(result, "host", None) or result._host
        line = {"task": task.get_name(), "host": host.get_name(), "status": status,
                "result": payload, "counters": self._counters(),
                "start": self._started.get((host.get_name(), task._uuid)), "end": time.time()}
        with open(path, "a") as handle:
            handle.write(json.dumps(line, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")
