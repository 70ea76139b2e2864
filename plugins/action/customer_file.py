# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""portaplus.softswitch.customer_file, all on the controller: read the file once, as the customer module does, and check it.

playbooks/provision.yml checks every customer file before it changes any customer, then applies the checked
``content`` this returns, so each file is parsed once (with libyaml) per run. ``content`` holds the decrypted
``!vault`` values and passwords: a successful result is marked no_log, so only the registered variable holds it
(callbacks, -v output and AWX job events see it censored). A failure is shown as usual: it names the file and
the path of every problem, never a secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.text.converters import to_text
from ansible.errors import AnsibleActionFail

from ansible_collections.portaplus.softswitch.plugins.action.customer import ActionModule as CustomerAction
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import MASK
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_file import (
    CHECK_ARGUMENT_SPEC, CHECK_MUTUALLY_EXCLUSIVE, CHECK_REQUIRED_ONE_OF, CustomerFileError, check_customer_file,
    secret_values, without_secrets)
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_plan import CUSTOMER_FILE_OPTIONS


class ActionModule(CustomerAction):

    def run(self, tmp=None, task_vars=None):
        result = super(CustomerAction, self).run(tmp, task_vars)  # ActionBase's: this plugin runs no module
        try:
            _spec, params = self.validate_argument_spec(argument_spec=CHECK_ARGUMENT_SPEC,
                                                        mutually_exclusive=CHECK_MUTUALLY_EXCLUSIVE,
                                                        required_one_of=CHECK_REQUIRED_ONE_OF)
        except AnsibleActionFail as exc:
            return dict(result, failed=True, msg=to_text(exc))
        schema = params["schema"] or CUSTOMER_FILE_OPTIONS
        source = params["source"] or params["path"] or "customer file"
        data = None
        try:
            if params["path"] is not None:
                data = self.read_customer_file(params["path"], source, params["templating"])
            else:
                data = params["data"]
            content = check_customer_file(data, schema, source)
        except CustomerFileError as exc:
            secrets = [value for value in secret_values(data, schema) if value]

            def hidden(text):  # as a module hides its no_log values: a password never reaches a message
                for value in secrets:
                    text = text.replace(value, MASK)
                return text
            return dict(result, failed=True, msg=hidden(str(exc)),
                        problems=[hidden("%s: %s" % (source, problem)) for problem in exc.problems])
        return dict(result, changed=False, customer=without_secrets(content, schema), content=content,
                    _ansible_no_log=True)
