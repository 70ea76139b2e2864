#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: product_info
short_description: List the main products and add-ons a Porta Plus 2 License can use
version_added: 0.1.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Reads the product catalogue of the License with one request and returns it split into main products
    (RV(products)) and add-ons (RV(addons)).
  - A product whose C(addon_priority) is V(0) is a main product; one with a higher priority is an add-on.
  - These are the names and ids the O(portaplus.softswitch.accounts#module:config[].product) and
    O(portaplus.softswitch.accounts#module:config[].addons) options of the account modules accept.
  - The module only reads; nothing is changed.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.resource_states.info
options:
  currency:
    description:
      - Only products priced in this currency, as an ISO 4217 code (V(GBP)).
      - When omitted, the products of every currency.
    type: str
  search:
    description:
      - Only products whose name, end-user name or description contains this text, ignoring case.
    type: str
seealso:
  - module: portaplus.softswitch.accounts
  - module: portaplus.softswitch.account_addon
'''

EXAMPLES = r'''
- name: The whole catalogue
  portaplus.softswitch.product_info:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
  register: catalogue

- name: Names of the add-ons
  ansible.builtin.debug:
    msg: "{{ catalogue.addons | map(attribute='name') | list }}"

- name: Products in pounds whose name mentions "call"
  portaplus.softswitch.product_info:
    currency: GBP
    search: call
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 10
    retries: 2
  register: calling
'''

RETURN = r'''
products:
  description: The main products, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The product id (C(i_product)); the account modules accept it instead of the name.
      type: int
      sample: 2
    name:
      description: The product name.
      type: str
      sample: Hosted PBX Seat
    description:
      description: The product description.
      type: str
      sample: A seat on the hosted PBX
    end_user_name:
      description: The name end users see.
      type: str
      sample: Hosted PBX Seat
    maintenance_fee:
      description: The periodic maintenance fee.
      type: float
      sample: 15.0
    product_group_id:
      description: The id of the product group.
      type: int
      sample: 1
    addon_priority:
      description: V(0) for a main product; the priority of an add-on otherwise.
      type: int
      sample: 0
    kind:
      description: V(main) or V(addon).
      type: str
      sample: main
addons:
  description: The add-ons, sorted by name, in the form of RV(products).
  returned: always
  type: list
  elements: dict
  sample: [{"id": 11, "name": "Call Recording", "description": "Record calls", "end_user_name": "Call Recording",
            "maintenance_fee": 3.0, "product_group_id": 2, "addon_priority": 10, "kind": "addon"}]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import info_argument_spec, run_info_module
from ansible_collections.portaplus.softswitch.plugins.module_utils.product import read_catalogue


def main():
    module = AnsibleModule(
        argument_spec=info_argument_spec(currency=dict(type="str"), search=dict(type="str")),
        supports_check_mode=True,
    )
    run_info_module(module, lambda client, params: read_catalogue(client, params["currency"], params["search"]))


if __name__ == "__main__":
    main()
