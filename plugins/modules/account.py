#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: account
short_description: Manage one account of a Porta Plus 2 customer and its add-ons
version_added: 0.1.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Creates, changes, blocks or terminates one account of a customer and assigns its product add-ons.
  - The account is identified by O(account_id). Only the options you supply are compared and changed.
  - Every value is checked before the first change is sent; a bad value fails the task with a message that
    names the option and the value (never a password), and nothing is changed.
  - To manage many accounts, use M(portaplus.softswitch.accounts), which needs the same few requests for
    one account or five hundred.
  - O(state=absent) B(terminates) the account. Termination cannot be undone; the account disappears from every
    list and its account ID can be used again for a new account.
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
  state:
    description:
      - V(present) creates the account if it does not exist and changes the options you supplied if it does.
      - V(absent) terminates the account if it exists (irreversible).
    type: str
    choices: [present, absent]
    default: present
  update_password:
    description:
      - V(always) sets O(password) on a new account, and on an existing account whose password differs.
      - V(on_create) sets O(password) only when this task creates the account.
    type: str
    choices: [always, on_create]
    default: always
  purge_addons:
    description:
      - V(false) adds the add-ons listed in O(addons) and keeps the others the account has.
      - V(true) makes O(addons) the complete set, removing add-ons that are not listed.
    type: bool
    default: false
  # BEGIN GENERATED account.options (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
  account_id:
    description:
      - The account ID, for example a phone number (V(441632960001)) or a SIP user name. It identifies the account.
      - Quote it in YAML (C("441632960001")) so it is read as text.
      - A new account ID may contain only the ASCII letters, the digits and C(.), C(_), C(@), C(+), C(-), must not
        end in C(.json), C(.xml), C(.jsv), C(.csv) or C(.html), and may be at most 64 characters long.
    type: str
    required: true
  product:
    description:
      - The main product of the account, by name (V(Hosted PBX Seat)) or by id (V(2)).
      - A name is matched exactly first, then ignoring case. An unknown name fails the task and lists close matches;
        naming an add-on here fails too.
      - Required to create an account. Changing it moves an existing account to another main product.
    type: raw
  first_name:
    description:
      - First name of the account holder.
      - Letters of any script; at most 100 characters, no control characters.
    type: str
  last_name:
    description:
      - Last name of the account holder.
      - Letters of any script; at most 100 characters, no control characters.
    type: str
  email:
    description:
      - E-mail address of the account holder, in the form C(name@domain.example); at most 254 characters. Internationalised
        addresses are fine.
      - V("") means no address.
    type: str
  extension:
    description:
      - The extension number (digits C(0-9), at most 16) the account gets when it is created.
      - It must not be the extension of another account of the customer.
      - The API sets it only on creation. For an existing account it must match the current extension, or the task
        fails; change extensions with M(portaplus.softswitch.extensions).
    type: str
  password:
    description:
      - The SIP (VoIP) password of the account; at most 64 characters, no control characters.
      - Never returned by a read, so results never carry it; diffs show C(********) and, when it changes, C(********
        (changed)).
      - A mask copied from output (C(********), C(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER)) is refused before any change.
      - See O(update_password) for when it is set.
    type: str
  credit_limit:
    description:
      - The credit limit of the account, a number from V(0) to V(1000000000) in the customer's currency.
      - A boolean (V(true)) is refused, not read as V(1); a number in quotes (V("50")) is fine.
    type: raw
  blocked:
    description:
      - V(true) blocks the account (no calls), V(false) unblocks it.
    type: bool
  unified_messaging:
    description:
      - V(true) turns on the account's unified messaging service (voicemail box, C(UMEnabled) in the API), V(false)
        turns it off.
    type: bool
  addons:
    description:
      - Product add-ons of the account, each by name (V(Call Recording)) or id (V(11)).
      - Names are matched like O(product).
      - See O(purge_addons) for whether add-ons that are not listed are removed. To add or remove one add-on without
        naming the others, M(portaplus.softswitch.account_addon) is simpler.
      - An add-on already assigned keeps its effective date; dates are reported in C(addon_details) and cannot be
        set.
    type: list
    elements: raw
  # END GENERATED account.options
notes:
  - The customer's accounts are read with one request at the start and one after a change, to report RV(account).
seealso:
  - module: portaplus.softswitch.accounts
  - module: portaplus.softswitch.account_info
  - module: portaplus.softswitch.account_addon
  - module: portaplus.softswitch.product_info
'''

EXAMPLES = r'''
- name: A PBX seat with call recording
  portaplus.softswitch.account:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
    customer: 1001
    account_id: "441632960010"
    product: Hosted PBX Seat
    first_name: Dana
    last_name: Dorsey
    email: dana@acme.example
    extension: "210"
    password: "{{ vault_sip_password }}"
    update_password: on_create
    credit_limit: 50
    blocked: false
    unified_messaging: true
    addons: [Call Recording]
    purge_addons: true
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 10
    retries: 2
  register: seat

- name: Block the account, leaving everything else as it is
  portaplus.softswitch.account:
    customer: 1001
    account_id: "441632960010"
    blocked: true

- name: Terminate the account (irreversible)
  portaplus.softswitch.account:
    customer: 1001
    account_id: "441632960010"
    state: absent
'''

RETURN = r'''
changed:
  description: Whether the account was (or, in check mode, would be) created, changed or terminated.
  returned: always
  type: bool
  sample: true
existed:
  description: Whether the account existed before the task.
  returned: always
  type: bool
  sample: false
account:
  description:
    - The account after the task, read back from the API; V({}) after O(state=absent). Passwords masked.
    - In check mode, the predicted account (a new one has no RV(account.i_account) yet).
  returned: always
  type: dict
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
diff:
  description:
    - One entry per account that changes, headed by its name; before and after are YAML text keyed by it.
    - Passwords show as C(********), or C(******** (changed)) when they change.
  returned: in diff mode
  type: list
  elements: dict
  sample: [{"before_header": "account 441632960010", "after_header": "account 441632960010 (changed)",
            "before": "", "after": "\"441632960010\":\n  product: \"Hosted PBX Seat\"\n"}]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import (
    ACCOUNT_OPTIONS, ACCOUNT_SCOPE_OPTIONS, AccountSpec)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import run_resource_module, single_argument_spec


def build_spec(client, params):
    return AccountSpec(client, params["customer"], update_password=params["update_password"],
                       purge_addons=params["purge_addons"], single=True)


def main():
    module = AnsibleModule(
        argument_spec=single_argument_spec(ACCOUNT_OPTIONS, **ACCOUNT_SCOPE_OPTIONS),
        supports_check_mode=True,
    )
    run_resource_module(module, build_spec, single=True)


if __name__ == "__main__":
    main()
