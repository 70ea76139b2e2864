# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side of portaplus.softswitch.customer: read ``src`` once, as data, then run the module.

The file is read here, not by the module, so that ``!vault`` values are decrypted with the play's vault
secrets, and so that it is parsed once (with libyaml) instead of being loaded as variables first. The
reading rules (UTF-8, size, duplicate keys, aliases, templates) live in module_utils/customer_file.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_file import (
    CustomerFileError, check_customer_file, load_customer_file)
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_plan import CUSTOMER_FILE_OPTIONS, FILE_KEYS

try:  # ansible-core 2.19 renders only values marked as templates
    from ansible.template import trust_as_template
except ImportError:  # older ansible-core renders any string
    def trust_as_template(value):
        return value


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        src = args.pop("src", None)
        templating = boolean(args.pop("templating", False), strict=False)
        try:
            if src is not None:
                given = [name for name in FILE_KEYS if args.get(name) is not None]
                if given:
                    return dict(result, failed=True, msg="src: the file gives %s; do not set %s on the task as well"
                                % (", ".join(given), ", ".join(given)))
                source = args.get("source") or to_text(src)
                content = self.read_customer_file(src, source, templating)
                args["source"] = source
            else:
                source = args.get("source") or "task options"
                content = dict((name, args[name]) for name in FILE_KEYS if name in args)
            # types, unknown keys and duplicates, each named by its path in the file, before any request
            content = check_customer_file(content, CUSTOMER_FILE_OPTIONS, source)
        except CustomerFileError as exc:
            return dict(result, failed=True, msg=str(exc), problems=["%s: %s" % (exc.source, p) for p in exc.problems])
        args.update(content)
        result.update(self._execute_module(module_name="portaplus.softswitch.customer", module_args=args,
                                           task_vars=task_vars))
        # the arguments are the whole file: a thousand accounts do not belong in every task result
        result.pop("invocation", None)
        return result

    def read_customer_file(self, path, source, templating):
        """The file as data, on the controller: vault values decrypted, templates refused unless ``templating``."""
        path = os.path.abspath(os.path.expanduser(to_text(path)))
        return load_customer_file(path, source, decrypt=self._decrypt, template=self._template if templating else None)

    def _decrypt(self, ciphertext):
        return to_text(self._loader._vault.decrypt(ciphertext))  # pylint: disable=protected-access

    def _template(self, value):
        return self._templar.template(trust_as_template(value))
