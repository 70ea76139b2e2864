# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: cdrs
short_description: Call detail records (CDRs) of a Porta Plus 2 customer or account for a date range
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Returns the CDRs of a customer (with its accounts' CDRs by default) or of one account, for a range of dates,
    as a list of records with documented keys and ISO 8601 UTC times, oldest call first.
  - Pages through C(getCustomerAccountCDRSWithOffset) or C(getAccountCDRSWithOffset) until the server reports the
    last page; every record comes back exactly once, and all pages and terms share one HTTP session.
  - The range is checked before any request is sent; a malformed date, a reversed range or one longer than
    366 days fails with a message that names the option.
  - For large ranges use M(portaplus.softswitch.cdr_export), which streams to a file in constant memory; a lookup
    holds every record it returns in memory, hence O(max_records).
  - Use C(query()) or C(lookup(..., wantlist=true)) so that a range with a single call still gives a list.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.connection.plugins
  - portaplus.softswitch.cdr_range
options:
  _terms:
    description:
      - Customer ids, as an alternative to O(customer); the records of all of them come back merged in time order.
      - One of O(customer), O(account) or a term is required.
    type: list
    elements: int
    required: false
  max_records:
    description:
      - The most records to return, oldest first; the lookup stops fetching pages once it has them and warns when the
        range held more.
      - V(0) returns every record of the range (mind the memory).
    type: int
    default: 10000
  raw:
    description:
      - Add the API record (C(CustAcctCDR), dates as ISO 8601 UTC) to each record under the key C(raw).
    type: bool
    default: false
seealso:
  - module: portaplus.softswitch.cdr_export
notes:
  - The License is taken from O(license) or E(PORTAPLUS_LICENSE) and never appears in results or messages.
'''

EXAMPLES = r'''
- name: Last week's calls of customer 1001, today included
  ansible.builtin.debug:
    msg: "{{ query('portaplus.softswitch.cdrs', customer=1001, from_date='-7d', to_date='today') }}"

- name: Last month's outgoing calls of one account, in London time
  ansible.builtin.set_fact:
    calls: "{{ query('portaplus.softswitch.cdrs', account='441632960001', from_date='last_month',
                     to_date='last_month', timezone='Europe/London', outgoing_only=true) }}"

- name: What a customer spent yesterday
  ansible.builtin.debug:
    msg: "{{ query('portaplus.softswitch.cdrs', customer=1001, from_date='yesterday', to_date='yesterday')
             | map(attribute='charged_amount') | sum }}"

- name: Two customers merged in time order, the first 100 calls, with the API records
  ansible.builtin.debug:
    msg: "{{ query('portaplus.softswitch.cdrs', 1001, 1002, from_date='2026-10-01', to_date='2026-10-31',
                   max_records=100, raw=true, include_accounts=true,
                   url='https://api.example.com', license=vault_portaplus_license,
                   validate_certs=true, timeout=60, retries=3) }}"
'''

RETURN = r'''
_list:
  description: The CDRs, oldest call first (by connect time, then record id).
  type: list
  elements: dict
  contains:
    connect_time:
      description: When the call was connected, ISO 8601 UTC.
      type: str
      sample: "2026-10-01T08:15:00Z"
    disconnect_time:
      description: When the call ended, ISO 8601 UTC.
      type: str
      sample: "2026-10-01T08:18:07Z"
    account_id:
      description: The account ID of the call's account.
      type: str
      sample: "441632960001"
    cli:
      description: The calling number.
      type: str
      sample: "441632960001"
    cld:
      description: The called number.
      type: str
      sample: "442079460123"
    duration:
      description: Call length in whole seconds; V(0) for a call that was not answered.
      type: int
      sample: 187
    charged_amount:
      description: The amount charged, in the customer's currency.
      type: float
      sample: 0.0312
    disconnect_cause:
      description: The Q.850 disconnect cause (V(16) normal clearing, V(17) busy, V(19) no answer).
      type: int
      sample: 16
    failed:
      description: Whether the call failed (was not connected).
      type: bool
      sample: false
    call_type:
      description: V(outgoing) or V(incoming).
      type: str
      sample: outgoing
    service:
      description: The service name.
      type: str
      sample: Voice Calls
    call_id:
      description: The call's SIP Call-ID.
      type: str
      sample: sandbox-cdr-1234
    id:
      description: The CDR's id.
      type: int
      sample: 1234
    i_account:
      description: The account's internal id.
      type: int
      sample: 5001
    customer:
      description: The customer id (C(i_customer)).
      type: int
      sample: 1001
    raw:
      description: The API record, with dates as ISO 8601 UTC.
      type: dict
      returned: when O(raw=true)
'''

import heapq
import itertools
import sys
from collections import OrderedDict

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import CdrInputError, check_selection, resolve_range
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.records import CdrQuery, iter_cdrs, resolve_account
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import check_known_options, client_from_plugin
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.plugin_errors import plugin_errors

display = Display()

#: The most records a lookup can be asked for (islice's limit); 0 means no limit.
MAX_RECORDS = sys.maxsize - 1


def _time_order(record):
    return (record["connect_time"] or "", record["id"] or 0)


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        with plugin_errors(AnsibleLookupError, "portaplus.softswitch.cdrs"):
            # before set_options(), which would drop an unknown (misspelt) filter silently
            check_known_options(self.option_definitions, kwargs)
            self.set_options(var_options=variables, direct=kwargs)
            client = client_from_plugin(self, given=kwargs)
        with plugin_errors(AnsibleLookupError, "portaplus.softswitch.cdrs", client.redact), client:
            return self._records(client, terms)

    def _records(self, client, terms):
        customer, account = self.get_option("customer"), self.get_option("account")
        terms = [term for term in (terms or []) if term not in (None, "")]
        if terms and (customer is not None or account is not None):
            raise CdrInputError("customer", "give customer ids either as terms or with customer/account, not both")
        max_records = self.get_option("max_records")
        if max_records is None or max_records < 0 or max_records > MAX_RECORDS:
            raise CdrInputError("max_records", "must be from 0 (no limit) to %d" % MAX_RECORDS, max_records)
        start, end = resolve_range(self.get_option("from_date"), self.get_option("to_date"), self.get_option("timezone"))
        selections = [check_selection(term, None) for term in terms] or [check_selection(customer, account)]
        # a customer named twice is read once: the docs promise every record once
        selections = list(OrderedDict.fromkeys(selections))
        queries = []
        for customer_id, account_id in selections:
            i_account = resolve_account(client, account_id, customer_id)[0] if account_id is not None else None
            queries.append(CdrQuery(start, end, customer=customer_id, i_account=i_account, account=account_id,
                                    include_accounts=self.get_option("include_accounts"),
                                    outgoing_only=self.get_option("outgoing_only")))
        raw = self.get_option("raw")
        # One query pages ahead of the caller; merged queries take turns on the one session instead.
        prefetch = len(queries) == 1
        streams = [itertools.chain.from_iterable(iter_cdrs(client, query, raw=raw, prefetch=prefetch))
                   for query in queries]
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=_time_order)
        if not max_records:
            return list(merged)
        records = list(itertools.islice(merged, max_records + 1))
        if len(records) > max_records:
            display.warning("portaplus.softswitch.cdrs: returned the first %d records of the range; it holds more "
                            "(raise max_records, or use portaplus.softswitch.cdr_export for large ranges)" % max_records)
            records = records[:max_records]
        return records
