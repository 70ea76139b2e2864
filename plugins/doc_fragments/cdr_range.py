# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which CDRs to read and over which range: the options the cdrs lookup and cdr_export share, documented once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # extends_documentation_fragment: [portaplus.softswitch.cdr_range] (the cdrs lookup and the cdr_export module)
    DOCUMENTATION = r'''
options:
  customer:
    description:
      - The customer (C(i_customer)) whose CDRs to read.
      - One of O(customer) or O(account) is required.
    type: int
  account:
    description:
      - The account ID (for example V(441632960001)) of the one account whose CDRs to read, instead of a customer's.
      - With O(customer) as well, the account must belong to that customer.
    type: str
  include_accounts:
    description:
      - With O(customer), include the CDRs of the customer's accounts (the calls), not only customer-level records.
    type: bool
    default: true
  from_date:
    description:
      - Start of the range (inclusive).
      - A date (V(2026-10-01)) or a month (V(2026-10)) starts at its first midnight in O(timezone).
      - A date-time with a zone (V(2026-10-01T08:00:00+02:00), V(2026-10-01T06:00:00Z)) is that instant; without a
        zone it is read in O(timezone).
      - An offset from now, V(-7d), V(-24h), V(-30m), V(-2w); or V(now), V(today), V(yesterday), V(this_month),
        V(last_month) (the start of that period in O(timezone)).
    type: str
    required: true
  to_date:
    description:
      - End of the range, in the forms of O(from_date).
      - A date, a month or a named period ends the range at the B(end) of that period, so V(from_date=last_month,
        to_date=last_month) is the whole of last month and V(to_date=today) includes today's calls.
      - A date-time or an offset is an exclusive instant.
      - The range may span at most 366 days.
    type: str
    default: now
  timezone:
    description:
      - The time zone in which dates, months, named periods and date-times without a zone are read, as an IANA name
        (V(Europe/London)), V(UTC) or a fixed offset (V(+02:00)).
      - The times in the records are always UTC.
    type: str
    default: UTC
  outgoing_only:
    description:
      - Only outgoing calls.
    type: bool
    default: false
'''
