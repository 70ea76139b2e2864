# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: append every task result as one JSON line to $PORTAPLUS_TEST_RESULTS."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: record_results
type: aggregate
short_description: Record task results for the integration tests
description: Writes each task result as a JSON line to the file named by E(PORTAPLUS_TEST_RESULTS).
'''

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, status):
        path = os.environ.get("PORTAPLUS_TEST_RESULTS")
        if not path:
            return
        payload = getattr(result, "result", None)
        if payload is None:
            payload = result._result
        task = getattr(result, "task", None) or result._task
        line = {"task": task.get_name(), "status": status, "result": payload}
        with open(path, "a") as handle:
            handle.write(json.dumps(line, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")
