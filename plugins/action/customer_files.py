# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the customer_files module with its relative paths resolved where the user runs ansible-playbook."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_files import from_controller_cwd, shown_path

PATH_OPTIONS = ("path", "plan_file")


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result.update(self._execute_module(module_name="portaplus.softswitch.customer_files",
                                           module_args=from_controller_cwd(self._task.args, PATH_OPTIONS),
                                           task_vars=task_vars))
        for item in result.get("files") or []:
            item["source"] = shown_path(item["path"])   # what messages call the file: customers/acme.yml
        return result
