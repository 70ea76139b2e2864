#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: customer_info
short_description: List the customers a Porta Plus 2 License sees, optionally with their sites
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Reads the customers of the License's reseller with one request (C(GetCustomersShortInfo)) and returns them
    as RV(customers), sorted by id.
  - With O(search), only the customers whose id is the search text, or whose name, contact name or e-mail
    contains it (ignoring case).
  - With O(sites=true), each customer also lists its sites; the list still takes one request.
  - These ids are what the O(portaplus.softswitch.accounts#module:customer) option of the account modules and
    the C(customers) option of the P(portaplus.softswitch.accounts#inventory) inventory take.
  - The module only reads; nothing is changed.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.resource_states.info
options:
  search:
    description:
      - Only customers whose id equals this text, or whose name, contact name or e-mail contains it, ignoring case.
      - It travels in the URL path, so it must not contain C(/) nor end in C(.json), C(.xml), C(.jsv), C(.csv)
        or C(.html); at most 100 characters.
    type: str
  customer:
    description:
      - Only this customer (its id). Fails, naming this option, when the License does not see it.
    type: int
  sites:
    description:
      - Also return each customer's sites in RV(customers[].sites).
    type: bool
    default: false
seealso:
  - module: portaplus.softswitch.accounts
  - plugin: portaplus.softswitch.accounts
    plugin_type: inventory
'''

EXAMPLES = r'''
- name: Every customer of the License
  portaplus.softswitch.customer_info:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
  register: everyone

- name: Their ids and names
  ansible.builtin.debug:
    msg: "{{ everyone.customers | items2dict(key_name='id', value_name='name') }}"

- name: Customers whose name or e-mail mentions "acme", with their sites
  portaplus.softswitch.customer_info:
    search: acme
    sites: true
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 10
    retries: 2
  register: acme

- name: One customer (fails clearly if the License does not see it)
  portaplus.softswitch.customer_info:
    customer: 1001
  register: one
'''

RETURN = r'''
customers:
  description: The customers, sorted by id.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The customer id (C(ICustomer)).
      type: int
      sample: 1001
    name:
      description: The customer's name.
      type: str
      sample: Acme Ltd
    first_name:
      description: First name of the contact.
      type: str
      sample: Ada
    last_name:
      description: Last name of the contact.
      type: str
      sample: Acme
    email:
      description: The customer's e-mail address.
      type: str
      sample: billing@acme.example
    phone:
      description: The customer's phone number.
      type: str
      sample: "442079460100"
    city:
      description: The customer's city.
      type: str
      sample: London
    country:
      description: The customer's country code.
      type: str
      sample: GB
    currency:
      description: The customer's currency, an ISO 4217 code.
      type: str
      sample: GBP
    balance:
      description: The balance the customer owes.
      type: float
      sample: 120.5
    credit_limit:
      description: The customer's credit limit.
      type: float
      sample: 1000
    available_balance:
      description: What is left of the credit limit (credit limit minus balance).
      type: float
      sample: 879.5
    sites:
      description: The customer's sites, sorted by id.
      returned: when O(sites=true)
      type: list
      elements: dict
      contains:
        id:
          description: The site id (C(i_customer_site)).
          type: int
          sample: 301
        name:
          description: The site name.
          type: str
          sample: London HQ
        accounts:
          description: How many accounts are on the site.
          type: int
          sample: 2
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_list import read_customer_info
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import info_argument_spec, run_info_module


def main():
    module = AnsibleModule(
        argument_spec=info_argument_spec(search=dict(type="str"), customer=dict(type="int"),
                                         sites=dict(type="bool", default=False)),
        supports_check_mode=True,
    )
    run_info_module(module, read_customer_info)


if __name__ == "__main__":
    main()
