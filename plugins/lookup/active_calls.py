# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: active_calls
short_description: The calls in progress of a Porta Plus 2 reseller, customer or account
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Returns the calls in progress right now, oldest first, with one request (C(ActiveCalls)). By default these are
    every call of the License's reseller; O(customer) selects one customer's calls and O(account) one account's.
  - Each call has its caller, callee, account, extension, start time (ISO 8601, UTC) and the whole seconds it
    has lasted so far.
  - Use C(query()) or C(lookup(..., wantlist=true)) so that a single call still gives a list, as with every lookup
    that returns several items.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.connection.plugins
options:
  customer:
    description:
      - Only the calls of this customer (its id).
      - Fails, naming this option, when the License does not see the customer.
    type: int
  account:
    description:
      - Only the calls of this account, given by its account ID (for example V(441632960001)).
      - Costs one more request, to find the account. With O(customer) too, the account must belong to that customer.
    type: str
  exclude_accounts:
    description:
      - Leave out the calls of these account IDs.
    type: list
    elements: str
    default: []
  exclude_destinations:
    description:
      - Leave out the calls whose remote number starts with one of these prefixes (for example V(44800)).
    type: list
    elements: str
    default: []
seealso:
  - plugin: portaplus.softswitch.accounts
    plugin_type: inventory
'''

EXAMPLES = r'''
- name: Who is on a call now, in the whole reseller
  ansible.builtin.debug:
    msg: "{{ item.account_id }} ({{ item.extension }}) {{ item.caller }} -> {{ item.callee }} for {{ item.duration }} s"
  loop: "{{ query('portaplus.softswitch.active_calls') }}"
  environment:
    PORTAPLUS_URL: https://api.example.com

- name: Number of calls in progress for customer 1001
  ansible.builtin.debug:
    msg: "{{ query('portaplus.softswitch.active_calls', customer=1001) | length }}"

- name: Calls of one account, with explicit connection options
  ansible.builtin.set_fact:
    account_calls: "{{ query('portaplus.softswitch.active_calls', account='441632960001',
                             url='https://api.example.com', license=vault_portaplus_license,
                             validate_certs=true, ca_path='/etc/ssl/certs/internal-ca.pem',
                             timeout=10, retries=2) }}"

- name: Calls of customer 1001 except the test account and free-phone numbers
  ansible.builtin.set_fact:
    real_calls: "{{ query('portaplus.softswitch.active_calls', customer=1001,
                          exclude_accounts=['441632960003'], exclude_destinations=['44800']) }}"
'''

RETURN = r'''
_raw:
  description: The calls in progress, oldest first.
  type: list
  elements: dict
  contains:
    call_id:
      description: The call's id on the switch.
      type: str
      sample: sandbox-call-1
    caller:
      description: The calling number (CLI).
      type: str
      sample: "441632960001"
    callee:
      description: The called number (CLD).
      type: str
      sample: "442071234567"
    account_id:
      description: The account ID of the account on the call.
      type: str
      sample: "441632960001"
    i_account:
      description: The internal id of that account.
      type: int
      sample: 5001
    customer:
      description: The id of the account's customer.
      type: int
      sample: 1001
    extension:
      description: The account's extension number, V("") when it has none.
      type: str
      sample: "101"
    start_time:
      description: When the call connected, ISO 8601 in UTC.
      type: str
      sample: "2026-11-30T20:41:05Z"
    duration:
      description: Whole seconds since the call connected.
      type: int
      sample: 125
    direction:
      description: V(outgoing) or V(incoming), seen from the account.
      type: str
      sample: outgoing
    product:
      description: The account's main product.
      type: str
      sample: Hosted PBX Seat
    subscriber:
      description: The account holder's name.
      type: str
      sample: Alice Archer
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import read_account_by_id
from ansible_collections.portaplus.softswitch.plugins.module_utils.calls import read_active_calls
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import check_known_options, client_from_plugin
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.plugin_errors import plugin_errors


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError("active_calls takes no positional terms; use customer= or account=")
        with plugin_errors(AnsibleLookupError, "active_calls"):
            # before set_options(), which would drop an unknown (misspelt) filter silently
            check_known_options(self.option_definitions, kwargs)
            self.set_options(var_options=variables, direct=kwargs)
            client = client_from_plugin(self, given=kwargs)
        with plugin_errors(AnsibleLookupError, "active_calls", client.redact), client:
            calls = read_active_calls(
                client, customer=self.get_option("customer"), account=self.get_option("account"),
                exclude_accounts=self.get_option("exclude_accounts"),
                exclude_destinations=self.get_option("exclude_destinations"),
                resolve_account=read_account_by_id)
        return calls
