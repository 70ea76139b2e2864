# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of user input that several features share, written once.

A customer id (the CDR lookup and export, the active_calls lookup, the inventory's customers), an
account ID that selects what to read (the CDR lookup and export, active_calls) and the characters
no text may hold. Each check raises the ``InputError`` (or subclass) its caller
passes, so every feature keeps its messages.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import InputError, path_segment_problem

#: Characters no text the collection sends may hold: C0 and C1 controls, DEL.
CONTROL_CHARACTERS = re.compile(u"[\u0000-\u001f\u007f-\u009f]")
CUSTOMER_ID_PROBLEM = "must be a customer id (a positive integer)"
#: The longest account ID (docs/api-assumptions.md), for accounts the modules create and those a read names.
ACCOUNT_ID_MAX_LENGTH = 64


def customer_id(value):
    """The customer id ``value`` gives (an integer, or its digits as text), or None when it gives none:
    a boolean, zero or a negative number is not a customer id, although Python reads true as 1."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number > 0 else None


def check_customer_id(option, value, error=InputError, problem=CUSTOMER_ID_PROBLEM):
    """``value`` as a customer id, or ``error(option, problem, value)``."""
    number = customer_id(value)
    if number is None:
        raise error(option, problem, value)
    return number


def account_id_problem(text):
    """Why ``text`` cannot be the account ID a read is scoped to (it travels as one path segment), or None."""
    problem = path_segment_problem(text)
    if not problem and len(text) > ACCOUNT_ID_MAX_LENGTH:
        problem = "must be at most %d characters" % ACCOUNT_ID_MAX_LENGTH
    if not problem and CONTROL_CHARACTERS.search(text):
        problem = "must not contain control characters"
    return problem
