#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: accounts
short_description: Manage the accounts of a Porta Plus 2 customer and their add-ons as one declarative list
version_added: 0.1.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Creates, changes, blocks and terminates the accounts of one customer, and assigns their product add-ons,
    so that they match O(config).
  - An account is identified by its account ID, O(config[].account_id).
  - "The number of requests does not grow with the number of accounts: the customer's accounts are read with
    one request (plus one request for the product catalogue when products or add-ons are named); all missing
    accounts are created with one request per distinct product; all changed accounts are updated with one
    request, plus one request for all add-on changes; all terminations are one request."
  - Only the fields you supply are compared and changed. Text, numbers and add-on lists are normalised first,
    so V(100) and V(100.0), or add-ons in another order, are no change.
  - Every value is checked before the first change is sent; a bad value fails the task with a message that
    names the option (for example C(config[2].email)) and the value (never a password), and nothing is changed.
  - Removing an account (O(state=overridden) or O(state=deleted)) B(terminates) it. Termination cannot be undone;
    the account disappears from every list and its account ID can be used again for a new account.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.resource_states
options:
  customer:
    description:
      - The customer (its C(i_customer) id) whose accounts are managed.
      - A customer the License cannot see fails the task.
    type: int
    required: true
  update_password:
    description:
      - V(always) sets O(config[].password) on new accounts and on existing accounts whose password differs.
      - V(on_create) sets O(config[].password) only on accounts this task creates; existing accounts keep theirs.
    type: str
    choices: [always, on_create]
    default: always
  purge_addons:
    description:
      - Only used with O(state=merged).
      - V(false) adds the add-ons listed in O(config[].addons) and keeps the others an account has.
      - V(true) makes O(config[].addons) the complete set, removing add-ons that are not listed.
      - With O(state=replaced) and O(state=overridden) the list is always the complete set, and an account
        whose O(config[].addons) is omitted loses all its add-ons.
    type: bool
    default: false
  config:
    description:
      - The accounts the customer should have.
      - Required unless O(state=deleted) or O(state=gathered).
      - With O(state=deleted), only O(config[].account_id) is used.
    type: list
    elements: dict
    suboptions:
      # BEGIN GENERATED account.options (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
      account_id:
        description:
          - The account ID, for example a phone number (V(441632960001)) or a SIP user name. It identifies the account.
          - Quote it in YAML (C("441632960001")) so it is read as text.
          - A new account ID may contain only the ASCII letters, the digits and C(.), C(_), C(@), C(+), C(-), must not
            end in C(.json), C(.xml), C(.jsv), C(.csv) or C(.html), and may be at most 64 characters long.
          - An account ID listed twice fails the task.
        type: str
        required: true
      product:
        description:
          - The main product of the account, by name (V(Hosted PBX Seat)) or by id (V(2)).
          - A name is matched exactly first, then ignoring case. An unknown name fails the task and lists close matches;
            naming an add-on here fails too.
          - Required to create an account. Changing it moves an existing account to another main product.
          - Accounts are created with one request per distinct product.
        type: raw
      first_name:
        description:
          - First name of the account holder.
          - Letters of any script; at most 100 characters, no control characters.
          - O(state=replaced) and O(state=overridden) set an omitted first name to V("").
        type: str
      last_name:
        description:
          - Last name of the account holder.
          - Letters of any script; at most 100 characters, no control characters.
          - O(state=replaced) and O(state=overridden) set an omitted last name to V("").
        type: str
      email:
        description:
          - E-mail address of the account holder, in the form C(name@domain.example); at most 254 characters. Internationalised
            addresses are fine.
          - V("") means no address.
          - O(state=replaced) and O(state=overridden) set an omitted address to V("").
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
          - When omitted, an existing account keeps its credit limit whatever O(state); a new one gets the API's default
            (V(0) in the sandbox).
        type: raw
      blocked:
        description:
          - V(true) blocks the account (no calls), V(false) unblocks it.
          - O(state=replaced) and O(state=overridden) unblock an account whose O(config[].blocked) is omitted.
        type: bool
      unified_messaging:
        description:
          - V(true) turns on the account's unified messaging service (voicemail box, C(UMEnabled) in the API), V(false)
            turns it off.
          - When omitted, an existing account keeps its setting whatever O(state); a new one gets it off.
        type: bool
      addons:
        description:
          - Product add-ons of the account, each by name (V(Call Recording)) or id (V(11)).
          - Names are matched like O(config[].product).
          - See O(purge_addons) for whether add-ons that are not listed are removed. To add or remove one add-on without
            naming the others, M(portaplus.softswitch.account_addon) is simpler.
          - An add-on already assigned keeps its effective date; dates are reported in C(addon_details) and cannot be
            set.
        type: list
        elements: raw
      # END GENERATED account.options
notes:
  - The customer's accounts are read once at the start and once after changes, to report RV(after). Creating
    accounts reads them once more in between, to learn what the API created (its answer names only one account).
  - A request that timed out may still have been applied by the server, so it is never sent again blindly. The
    module reads the accounts back and applies or reports only what is left; running the task again completes it.
  - Products and add-ons are matched by name within the License's catalogue; see M(portaplus.softswitch.product_info).
seealso:
  - module: portaplus.softswitch.account
  - module: portaplus.softswitch.account_info
  - module: portaplus.softswitch.account_addon
  - module: portaplus.softswitch.product_info
'''

EXAMPLES = r'''
- name: Two PBX seats with voicemail to e-mail, one trunk that is blocked for now
  portaplus.softswitch.accounts:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
    customer: 1001
    config:
      - account_id: "441632960010"
        product: Hosted PBX Seat
        first_name: Dana
        last_name: Dorsey
        email: dana@acme.example
        extension: "210"
        password: "{{ vault_sip_passwords['441632960010'] }}"
        credit_limit: 50
        unified_messaging: true
        addons:
          - Voicemail to Email
      - account_id: "441632960011"
        product: 2
        first_name: Zoë
        last_name: Łukasiewicz
        email: zoe@acme.example
        addons: [12, Call Recording]
      - account_id: "441632960012"
        product: SIP Trunk
        blocked: true

- name: Set passwords only when accounts are created, and drop add-ons that are not listed
  portaplus.softswitch.accounts:
    customer: 1001
    update_password: on_create
    purge_addons: true
    config:
      - account_id: "441632960010"
        password: "{{ vault_sip_passwords['441632960010'] }}"
        addons: [Voicemail to Email]

- name: Make 441632960011 exactly this (omitted names, e-mail, blocking and add-ons are reset)
  portaplus.softswitch.accounts:
    customer: 1001
    state: replaced
    config:
      - account_id: "441632960011"
        product: Hosted PBX Seat
        first_name: Zoë
        last_name: Łukasiewicz

- name: The customer has exactly these accounts; terminate at most four others (irreversible)
  portaplus.softswitch.accounts:
    customer: 1001
    state: overridden
    max_deletions: 4
    config:
      - account_id: "441632960010"
        product: Hosted PBX Seat
      - account_id: "441632960011"
        product: Hosted PBX Seat

- name: Terminate one account (irreversible)
  portaplus.softswitch.accounts:
    customer: 1001
    state: deleted
    max_deletions: 1
    config:
      - account_id: "441632960012"

- name: Read the customer's accounts in the shape config takes (never their passwords)
  portaplus.softswitch.accounts:
    customer: 1001
    state: gathered
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 10
    retries: 2
  register: current

- name: Show Dana's balance, a read-only fact kept beside the config items
  ansible.builtin.debug:
    msg: "{{ current.facts['441632960010'].balance }}"

- name: Apply customer 1001's accounts as they are; no change, since gathered is exactly the config shape
  portaplus.softswitch.accounts:
    customer: 1001
    state: replaced
    config: "{{ current.gathered }}"

- name: Terminate every account of the customer (config omitted on purpose; an empty list would terminate none)
  portaplus.softswitch.accounts:
    customer: 1001
    state: deleted
    max_deletions: 3
'''

RETURN = r'''
changed:
  description: Whether any account was (or, in check mode, would be) created, changed or terminated.
  returned: always
  type: bool
  sample: true
before:
  description: The customer's open accounts before the run, sorted by account ID; passwords are never returned.
  returned: unless O(state=gathered)
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
after:
  description:
    - The customer's open accounts after the run, read back from the API, in the form of RV(before).
    - Left out when nothing changed, as it would equal RV(before).
    - In check mode, the predicted list (a new account has no RV(before[].i_account) yet).
  returned: when changed
  type: list
  elements: dict
  # BEGIN GENERATED account.after.sample (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
  sample: [{account_id: '441632960001', product: Hosted PBX Seat, first_name: Alice, last_name: Archer, email: alice@acme.example,
      extension: '201', credit_limit: 50.0, blocked: false, unified_messaging: false, addons: [Call Recording], i_account: 5001,
      customer: 1001, product_id: 2, addon_details: [{name: Call Recording, id: 11, effective_from: '2024-01-01T00:00:00Z',
          effective_to: null}], balance: 0.0, currency: GBP, billing_model: CreditAccount, activation_date: '2024-01-01T00:00:00Z'}]
  # END GENERATED account.after.sample
created:
  description: Account IDs of the accounts created.
  returned: unless O(state=gathered)
  type: list
  elements: str
  sample: ["441632960010"]
updated:
  description: Account IDs of the accounts changed (fields, blocking or add-ons).
  returned: unless O(state=gathered)
  type: list
  elements: str
  sample: ["441632960001"]
deleted:
  description: Account IDs of the accounts terminated.
  returned: unless O(state=gathered)
  type: list
  elements: str
  sample: ["441632960003"]
gathered:
  description:
    - With O(state=gathered), the customer's open accounts in exactly the shape O(config) takes (passwords are never
      returned), sorted by account ID. Fed back as O(config), with any O(state), they change nothing.
  returned: when O(state=gathered)
  type: list
  elements: dict
  # BEGIN GENERATED account.gathered.sample (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
  sample: [{account_id: '441632960001', product: Hosted PBX Seat, first_name: Alice, last_name: Archer, email: alice@acme.example,
      extension: '201', credit_limit: 50.0, blocked: false, unified_messaging: false, addons: [Call Recording]}]
  # END GENERATED account.gathered.sample
facts:
  description:
    - With O(state=gathered), the read-only facts of every account, keyed by account ID (the fields O(config) does not
      take, in the form of RV(before)).
  returned: when O(state=gathered)
  type: dict
  # BEGIN GENERATED account.facts.sample (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
  sample: {'441632960001': {i_account: 5001, customer: 1001, product_id: 2, addon_details: [{name: Call Recording,
          id: 11, effective_from: '2024-01-01T00:00:00Z', effective_to: null}], balance: 0.0, currency: GBP, billing_model: CreditAccount,
      activation_date: '2024-01-01T00:00:00Z'}}
  # END GENERATED account.facts.sample
diff:
  description:
    - One entry per account that changes, headed by its name; before and after are YAML text keyed by it.
    - Passwords show as C(********), or C(******** (changed)) when they change.
  returned: in diff mode, unless O(state=gathered)
  type: list
  elements: dict
  sample: [{"before_header": "account 441632960002", "after_header": "account 441632960002 (changed)",
            "before": "\"441632960002\":\n  email: \"bob@acme.example\"\n", "after": "\"441632960002\":\n  email: \"robert@acme.example\"\n"}]
'''

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import (
    ACCOUNT_OPTIONS, ACCOUNT_SCOPE_OPTIONS, AccountSpec)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import (
    list_argument_spec, list_module, run_resource_module)


def build_spec(client, params):
    return AccountSpec(client, params["customer"], update_password=params["update_password"],
                       purge_addons=params["purge_addons"])


def main():
    module = list_module(list_argument_spec(ACCOUNT_OPTIONS, **ACCOUNT_SCOPE_OPTIONS))
    run_resource_module(module, build_spec)


if __name__ == "__main__":
    main()
