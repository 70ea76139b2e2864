#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: extension_info
short_description: List the extensions of a Porta Plus 2 customer, with call and SIP status
version_added: 0.1.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Returns every extension of one customer, sorted by number, in the form the
    M(portaplus.softswitch.extensions) module uses, optionally with the call and SIP status of the bound
    accounts and the numbers that are no longer free.
  - One request lists the extensions (with their call status when O(active_calls=true)); O(sip_status) and
    O(unavailable_numbers) add one request each.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.resource_states.info
options:
  customer:
    description:
      - The customer (its C(i_customer) id) whose extensions are listed.
      - A customer the License cannot see fails the task.
    type: int
    required: true
  products:
    description:
      - Only list the extensions bound to accounts on these products (product ids, as
        M(portaplus.softswitch.product_info) returns them).
      - An empty list means no filter. Extensions bound to no account are left out when a filter is given.
    type: list
    elements: int
    default: []
  active_calls:
    description:
      - Add the call status of each extension's account (RV(extensions[].active_calls), RV(extensions[].in_call)).
    type: bool
    default: false
  sip_status:
    description:
      - Add whether each extension's account is online (RV(extensions[].sip_online)), as the API's online
        accounts report it.
    type: bool
    default: false
  unavailable_numbers:
    description:
      - Also return RV(unavailable_numbers), the extension numbers of the customer that are already taken.
    type: bool
    default: false
seealso:
  - module: portaplus.softswitch.extensions
  - module: portaplus.softswitch.extension
'''

EXAMPLES = r'''
- name: List the extensions of Acme Ltd
  portaplus.softswitch.extension_info:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
    customer: 1001
  register: acme

- name: Who is on the phone, and who is online
  portaplus.softswitch.extension_info:
    customer: 1001
    active_calls: true
    sip_status: true
  register: status

- name: Extensions of Hosted PBX seats only, and the numbers already taken
  portaplus.softswitch.extension_info:
    customer: 1001
    products: [2]
    unavailable_numbers: true
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 10
    retries: 2
  register: seats
'''

RETURN = r'''
extensions:
  description: The customer's extensions (those on O(products) when given), sorted by number.
  returned: always
  type: list
  elements: dict
  contains:
    # BEGIN GENERATED extension.contains (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
    number:
      description: The extension number.
      type: str
      sample: '101'
    name:
      description: The extension name.
      type: str
      sample: Reception
    account_id:
      description: The account ID the extension is bound to; V("") when it is bound to no account.
      type: str
      sample: '441632960001'
    record_id:
      description: The API's id of the extension record (C(i_c_ext)); stays the same when the extension is renamed or
        moved.
      type: int
      sample: 7001
    i_account:
      description: The API's id of the bound account (C(i_account)); V(0) when there is none.
      type: int
      sample: 5001
    first_name:
      description: First name on the bound account.
      type: str
      sample: Alice
    last_name:
      description: Last name on the bound account.
      type: str
      sample: Archer
    # END GENERATED extension.contains
    active_calls:
      description: How many calls the bound account has in progress.
      returned: when O(active_calls=true)
      type: int
      sample: 1
    in_call:
      description: Whether the bound account has a call in progress.
      returned: when O(active_calls=true)
      type: bool
      sample: true
    sip_online:
      description: Whether the bound account is online; always V(false) for an extension bound to no account.
      returned: when O(sip_status=true)
      type: bool
      sample: true
unavailable_numbers:
  description: The extension numbers the customer already uses, sorted; a new extension needs another number.
  returned: when O(unavailable_numbers=true)
  type: list
  elements: str
  sample: ["101", "102"]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.extension import extension_info
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import info_argument_spec, run_info_module


def main():
    module = AnsibleModule(
        argument_spec=info_argument_spec(
            customer=dict(type="int", required=True),
            products=dict(type="list", elements="int", default=[]),
            active_calls=dict(type="bool", default=False),
            sip_status=dict(type="bool", default=False),
            unavailable_numbers=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    run_info_module(module, lambda client, params: extension_info(
        client, params["customer"], params["products"], params["active_calls"], params["sip_status"],
        params["unavailable_numbers"]))


if __name__ == "__main__":
    main()
