# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs the customer_plan_report module with its relative plan_dir resolved where the user runs ansible-playbook."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_files import from_controller_cwd

PATH_OPTIONS = ("plan_dir",)


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result.update(self._execute_module(module_name="portaplus.softswitch.customer_plan_report",
                                           module_args=from_controller_cwd(self._task.args, PATH_OPTIONS),
                                           task_vars=task_vars))
        return result
