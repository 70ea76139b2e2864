# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way lookups and the inventory turn the collection's errors into Ansible's.

Modules fail through ``engine/runner.py``; plugins that run on the controller raise the error class
Ansible expects of them (``AnsibleLookupError``, ``AnsibleParserError``), which the plugin passes in:
module_utils cannot import ``ansible.errors``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import PortaPlusError


@contextlib.contextmanager
def plugin_errors(error_class, prefix, redact=None):
    """Raise ``error_class("<prefix>: <message>")`` for bad input (``InputError`` and every other
    ``ValueError``) and API errors, the message passed through ``redact`` (a client's) when given."""
    try:
        yield
    except (PortaPlusError, ValueError) as exc:
        text = str(exc)
        raise error_class("%s: %s" % (prefix, redact(text) if redact else text))
