#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: account_addon
short_description: Assign or remove one product add-on of a Porta Plus 2 account
version_added: 0.1.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Makes sure one account has, or does not have, one product add-on. The account's other add-ons are kept.
  - The add-on is named like in the product catalogue (V(Call Recording)) or by id (V(11));
    see M(portaplus.softswitch.product_info).
  - An add-on already assigned keeps its effective date. A new one starts now; a removed one ends now.
    The API does not let a client choose these dates, so the module reports them but cannot set them.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.resource_states.single
options:
  customer:
    description:
      - The customer (its C(i_customer) id) the account belongs to.
      - A customer the License cannot see fails the task.
    type: int
    required: true
  account_id:
    description:
      - The account ID of an open account of O(customer), for example V(441632960001).
      - An account that does not exist fails the task, also with O(state=absent).
    type: str
    required: true
  addon:
    description:
      - The add-on, by name (V(Call Recording)) or by id (V(11)).
      - A name is matched exactly first, then ignoring case. An unknown name fails the task and lists close matches;
        naming a main product fails too.
    type: raw
    required: true
  state:
    description:
      - V(present) assigns the add-on if the account does not have it.
      - V(absent) removes it if the account has it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Two requests when nothing changes (the catalogue and the customer's accounts); one write and one more read when
    something does.
seealso:
  - module: portaplus.softswitch.account
  - module: portaplus.softswitch.accounts
  - module: portaplus.softswitch.product_info
'''

EXAMPLES = r'''
- name: Give Alice voicemail to e-mail
  portaplus.softswitch.account_addon:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
    customer: 1001
    account_id: "441632960001"
    addon: Voicemail to Email
  register: voicemail

- name: Show since when it applies (under --check a new add-on has no date yet)
  ansible.builtin.debug:
    msg: "Voicemail to e-mail since {{ voicemail.addon.effective_from or 'the run that assigns it' }}"

- name: Take international calling away from Bob (add-on id 13)
  portaplus.softswitch.account_addon:
    customer: 1001
    account_id: "441632960002"
    addon: 13
    state: absent
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 10
    retries: 2
'''

RETURN = r'''
changed:
  description: Whether the add-on was (or, in check mode, would be) assigned or removed.
  returned: always
  type: bool
  sample: true
existed:
  description: Whether the account had the add-on before the task.
  returned: always
  type: bool
  sample: false
addon:
  description:
    - The add-on as the account has it after the task; V({}) when it does not have it.
    - In check mode, the predicted add-on, with the same keys; one the task would assign has no dates yet
      (V(effective_from) and V(effective_to) are V(null)).
  returned: always
  type: dict
  contains:
    addon:
      description: The add-on's name in the catalogue.
      type: str
      sample: Call Recording
    addon_id:
      description: The add-on's product id.
      type: int
      sample: 11
    account_id:
      description: The account ID.
      type: str
      sample: "441632960001"
    effective_from:
      description:
        - Since when the add-on applies (ISO 8601, UTC).
        - V(null) in check mode for an add-on the task would assign (the server sets it when it assigns it).
      type: str
      sample: "2024-05-01T09:30:00Z"
    effective_to:
      description: Until when the add-on applies (ISO 8601, UTC); V(null) while it is assigned without an end.
      type: str
      sample: null
diff:
  description:
    - One entry per add-on that changes, headed by its name; before and after are YAML text keyed by it.
    - Passwords show as C(********), or C(******** (changed)) when they change.
  returned: in diff mode
  type: list
  elements: dict
  sample: [{"before_header": "add-on Call Recording of account 441632960001", "after_header": "add-on Call Recording of account 441632960001 (changed)",
            "before": "", "after": "\"Call Recording\":\n  account_id: \"441632960001\"\n"}]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import AccountAddonSpec
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import run_resource_module, single_argument_spec

ITEM_OPTIONS = dict(
    addon=dict(type="raw", required=True),
)


def build_spec(client, params):
    return AccountAddonSpec(client, params["customer"], params["account_id"])


def main():
    module = AnsibleModule(
        argument_spec=single_argument_spec(
            ITEM_OPTIONS, customer=dict(type="int", required=True), account_id=dict(type="str", required=True)),
        supports_check_mode=True,
    )
    run_resource_module(module, build_spec, single=True)


if __name__ == "__main__":
    main()
