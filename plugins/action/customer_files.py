# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the customer_files module with relative paths taken from where the user runs ansible-playbook.

With a local connection a module runs in the playbook's directory, so the action plugin tells it the
directory of the controller process (``cwd``), unless the task sets ``cwd`` itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

import os

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_files import shown_path


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result.update(self._execute_module(module_name="portaplus.softswitch.customer_files",
                                           module_args=dict(self._task.args, cwd=self._task.args.get("cwd") or os.getcwd()),
                                           task_vars=task_vars))
        for item in result.get("files") or []:
            item["source"] = shown_path(item["path"])   # what messages call the file: customers/acme.yml
        return result
