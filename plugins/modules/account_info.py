#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: account_info
short_description: Read the accounts of a Porta Plus 2 customer, or one account by its ID
version_added: 0.1.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Returns the open accounts of a customer (one request, whatever their number), or the one account with a
    given account ID, with their product, add-ons and effective dates.
  - The results can be narrowed by product, blocking and a search text.
  - Passwords are never returned. The module only reads; nothing is changed.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.resource_states.info
options:
  customer:
    description:
      - The customer (its C(i_customer) id) whose accounts are read.
      - A customer the License cannot see fails the task.
      - At least one of O(customer) and O(account_id) is required.
    type: int
  account_id:
    description:
      - Only the account with this account ID.
      - Without O(customer), the account is looked up in every customer of the License (one request);
        an account ID containing C(/) or ending in C(.json), C(.xml), C(.jsv), C(.csv) or C(.html) cannot be
        looked up that way and fails the task.
      - An account that does not exist (or was terminated) gives an empty RV(accounts).
    type: str
  product:
    description:
      - Only accounts whose main product is this one, by name (V(Hosted PBX Seat)) or by id (V(2)).
      - A name is matched exactly first, then ignoring case; an unknown name fails the task and lists close matches.
        Reading the catalogue to check it costs one more request.
    type: raw
  blocked:
    description:
      - V(true) returns only blocked accounts, V(false) only accounts that are not blocked.
      - When omitted, both.
    type: bool
  search:
    description:
      - Only accounts whose account ID, first name, last name, e-mail address or extension contains this text,
        ignoring case.
    type: str
seealso:
  - module: portaplus.softswitch.accounts
  - module: portaplus.softswitch.product_info
'''

EXAMPLES = r'''
- name: Every account of Acme
  portaplus.softswitch.account_info:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
    customer: 1001
  register: acme

- name: Blocked PBX seats whose name or e-mail mentions "archer"
  portaplus.softswitch.account_info:
    customer: 1001
    product: Hosted PBX Seat
    blocked: true
    search: archer
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 10
    retries: 2

- name: One account, wherever it is
  portaplus.softswitch.account_info:
    account_id: "441632960001"
  register: alice

- name: Show Alice's add-ons and since when she has them
  ansible.builtin.debug:
    msg: "{{ alice.accounts[0].addon_details }}"
'''

RETURN = r'''
accounts:
  description: The accounts that match, sorted by account ID.
  returned: always
  type: list
  elements: dict
  contains:
    # BEGIN GENERATED account.contains (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
    account_id:
      description: The account ID.
      type: str
      sample: '441632960001'
    product:
      description: Name of the account's main product.
      type: str
      sample: Hosted PBX Seat
    first_name:
      description: First name of the account holder.
      type: str
      sample: Alice
    last_name:
      description: Last name of the account holder.
      type: str
      sample: Archer
    email:
      description: E-mail address; V("") when there is none.
      type: str
      sample: alice@acme.example
    extension:
      description: The extension number bound to the account; V("") when there is none.
      type: str
      sample: '201'
    credit_limit:
      description: The credit limit.
      type: float
      sample: 50.0
    blocked:
      description: Whether the account is blocked.
      type: bool
      sample: false
    unified_messaging:
      description: Whether the account's unified messaging service (voicemail box) is on.
      type: bool
      sample: false
    addons:
      description: Names of the add-ons assigned to the account, sorted.
      type: list
      elements: str
      sample: [Call Recording]
    i_account:
      description: The API's id of the account (C(i_account)).
      type: int
      sample: 5001
    customer:
      description: The customer's id.
      type: int
      sample: 1001
    product_id:
      description: Id of the account's main product.
      type: int
      sample: 2
    addon_details:
      description: The assigned add-ons with their ids and effective dates (ISO 8601, UTC).
      type: list
      elements: dict
      sample: [{name: Call Recording, id: 11, effective_from: '2024-01-01T00:00:00Z', effective_to: null}]
    balance:
      description: The account's balance.
      type: float
      sample: 0.0
    currency:
      description: The account's currency (ISO 4217).
      type: str
      sample: GBP
    billing_model:
      description: The account's billing model.
      type: str
      sample: CreditAccount
    activation_date:
      description: When the account was activated (ISO 8601, UTC).
      type: str
      sample: '2024-01-01T00:00:00Z'
    # END GENERATED account.contains
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import find_accounts
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import info_argument_spec, run_info_module


def main():
    module = AnsibleModule(
        argument_spec=info_argument_spec(
            customer=dict(type="int"),
            account_id=dict(type="str"),
            product=dict(type="raw"),
            blocked=dict(type="bool"),
            search=dict(type="str"),
        ),
        required_one_of=[("customer", "account_id")],
        supports_check_mode=True,
    )
    run_info_module(module, lambda client, params: {"accounts": find_accounts(
        client, params["customer"], params["account_id"], params["product"], params["blocked"], params["search"])})


if __name__ == "__main__":
    main()
