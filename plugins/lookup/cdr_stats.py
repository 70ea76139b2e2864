# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: cdr_stats
short_description: Call metrics (ASR, ACD, minutes, cost...) of a Porta Plus 2 customer or account for a date range
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Reads the CDRs of a customer or of one account for a range of dates, page by page, and returns their metrics
    without keeping the records - memory stays the same whatever the number of calls - so a playbook can check or
    alert on them, for example "the ASR of customer 1001 yesterday is below 40 %".
  - The same figures as the report of M(portaplus.softswitch.cdr_report), from the same code - totals and groups by
    direction, account, destination country, failure cause (Q.850), day (every day of the range, in O(timezone)),
    hour and day of week x hour. Each group has C(calls), C(answered), C(failed), C(asr) (answered / calls, in %,
    null without calls), C(minutes), C(acd) (average minutes of an answered call, null without one), C(cost) and
    C(seconds).
  - Destination countries need the Python package C(phonenumbers) on the controller; without it they are dialled
    prefixes of O(destination_digits) digits and C(notes) says so.
  - A lookup rather than a filter - a filter would need every record in memory first (the
    C(portaplus.softswitch.cdrs) lookup stops at C(max_records)); this one streams them.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.connection.plugins
  - portaplus.softswitch.cdr_range
options:
  destination_digits:
    description:
      - How many leading digits of the dialled number make a destination when C(phonenumbers) is not installed.
    type: int
    default: 4
seealso:
  - plugin: portaplus.softswitch.cdrs
    plugin_type: lookup
  - module: portaplus.softswitch.cdr_report
notes:
  - The License is taken from O(license) or E(PORTAPLUS_LICENSE) and never appears in results or messages.
'''

EXAMPLES = r'''
- name: Yesterday's figures of customer 1001
  ansible.builtin.set_fact:
    yesterday: "{{ lookup('portaplus.softswitch.cdr_stats', customer=1001, from_date='yesterday', to_date='yesterday') }}"

- name: Alert when fewer than 40 % of its calls were answered
  ansible.builtin.assert:
    that: yesterday.totals.calls == 0 or yesterday.totals.asr >= 40
    fail_msg: "ASR of customer 1001 yesterday: {{ yesterday.totals.asr }} %"

- name: One account's outgoing calls of October in London time, by country
  ansible.builtin.debug:
    msg: "{{ lookup('portaplus.softswitch.cdr_stats', account='441632960001', from_date='2026-10', to_date='2026-10',
                    timezone='Europe/London', outgoing_only=true, include_accounts=true, destination_digits=3,
                    url='https://api.example.com', license=vault_portaplus_license, validate_certs=true,
                    timeout=60, retries=3).by_country }}"
'''

RETURN = r'''
_raw:
  description: One dictionary of figures (a one-element list for C(query())).
  type: list
  elements: dict
  contains:
    zone:
      description: The time zone of days and hours.
      type: str
      sample: Europe/London
    records:
      description: How many CDRs were read.
      type: int
      sample: 1520
    totals:
      description: The figures of every call.
      type: dict
      sample: {"calls": 1520, "answered": 1400, "failed": 120, "asr": 92.1, "minutes": 4212.4, "acd": 3.01,
               "cost": 74.2311, "seconds": 252744}
    by_direction:
      description: Figures by C(outgoing) and C(incoming) (and C(unknown) when a call has no type).
      type: dict
    by_account:
      description: Figures by account ID.
      type: dict
    by_country:
      description: Figures of the calls that are not incoming, by ISO 3166 country code, each with C(name).
      type: dict
    by_cause:
      description: Failed calls by Q.850 cause, each with C(name).
      type: dict
    by_day:
      description: A list with every day of the range, in order, each with C(day) (zeros for days without calls).
      type: list
    by_hour:
      description: A list of 24, each with C(hour).
      type: list
    by_weekday_hour:
      description: Seven lists (Monday first) of 24.
      type: list
    destinations_by:
      description: C(country), or C(prefix) without C(phonenumbers).
      type: str
    notes:
      description: What the figures cannot say (for example destinations by prefix only).
      type: list
      elements: str
'''

from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import PortaPlusError
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import (
    CdrInputError, check_selection, resolve_range, resolve_zone)
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.records import CdrQuery, iter_cdrs, resolve_account
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.stats import CdrStats, Destinations, plain
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import ConnectionOptionError, client_from_plugin


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        try:
            client = client_from_plugin(self, given=kwargs)
        except ConnectionOptionError as exc:
            raise AnsibleError("portaplus.softswitch.cdr_stats: %s" % exc)
        try:
            if [term for term in terms or [] if term not in (None, "")]:
                raise CdrInputError("customer", "give the customer with customer= (or account=), not as a term")
            with client:
                return [self._figures(client)]
        except (CdrInputError, PortaPlusError) as exc:
            raise AnsibleLookupError("portaplus.softswitch.cdr_stats: %s" % client.redact(str(exc)))

    def _figures(self, client):
        digits = self.get_option("destination_digits")
        if digits is None or digits < 1:
            raise CdrInputError("destination_digits", "must be at least 1", digits)
        zone = resolve_zone(self.get_option("timezone"))
        start, end = resolve_range(self.get_option("from_date"), self.get_option("to_date"), self.get_option("timezone"))
        customer, account = check_selection(self.get_option("customer"), self.get_option("account"))
        i_account = resolve_account(client, account, customer)[0] if account is not None else None
        query = CdrQuery(start, end, customer=customer, i_account=i_account, account=account,
                         include_accounts=self.get_option("include_accounts"),
                         outgoing_only=self.get_option("outgoing_only"))
        stats = CdrStats(zone, start, end, Destinations(digits))
        add = stats.add_record
        for records in iter_cdrs(client, query, prefetch=True):
            for record in records:
                add(record)
        return plain(stats.figures())
