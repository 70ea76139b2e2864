#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: extensions
short_description: Manage the extensions of a Porta Plus 2 customer as one declarative list
version_added: 0.1.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Creates, renames, moves and removes the extensions of one customer so that they match O(config).
  - An extension is identified by its O(config[].number). A number that already exists is updated in place
    (same extension record), never deleted and created again.
  - The customer's extensions are read with one request, whatever their number. The API has no batch call
    for extensions, so each extension that changes costs one request and an unchanged one costs none.
  - An account can be bound to one extension only. Moves are ordered so that this holds at every step;
    two extensions exchanging their accounts cost one extra request, which parks one of them on no account first.
  - Every value is checked before the first change is sent; a bad value fails the task with a message that
    names the option, and nothing is changed.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.resource_states
options:
  customer:
    description:
      - The customer (its C(i_customer) id) whose extensions are managed.
      - A customer the License cannot see fails the task.
    type: int
    required: true
  config:
    description:
      - The extensions the customer should have.
      - Required unless O(state=deleted) or O(state=gathered).
      - With O(state=deleted), only O(config[].number) is used.
    type: list
    elements: dict
    suboptions:
      # BEGIN GENERATED extension.options (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
      number:
        description:
          - The extension number, up to 16 digits C(0-9) (for example V(101)). It identifies the extension.
          - Quote it in YAML (C("0101")) so leading zeros are kept.
          - A number listed twice fails the task.
        type: str
        required: true
      name:
        description:
          - The name of the extension. Required to create an extension.
          - Spaces, C(?), C(#), C(%), C(&) and non-ASCII letters are fine.
          - Must not be blank, contain C(/) or control characters, end in C(.json), C(.xml), C(.jsv), C(.csv) or C(.html),
            or be longer than 64 characters, because the API takes it as one URL path segment.
          - When omitted, an existing extension keeps its name, whatever O(state).
        type: str
      account_id:
        description:
          - The account ID (for example V(441632960001)) of the account the extension rings.
          - The account must be an open account of O(customer), and not be bound to another extension that keeps it.
          - V("") means the extension is bound to no account.
          - When omitted, O(state=merged) keeps the current account (none for a new extension), while O(state=replaced)
            and O(state=overridden) unbind the extension.
        type: str
      # END GENERATED extension.options
notes:
  - The whole list of the customer's extensions is read once at the start and once after changes, to report
    RV(after).
seealso:
  - module: portaplus.softswitch.extension
  - module: portaplus.softswitch.extension_info
'''

EXAMPLES = r'''
- name: Make sure reception and sales exist and ring the right accounts
  portaplus.softswitch.extensions:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
    customer: 1001
    config:
      - number: "101"
        name: Reception
        account_id: "441632960001"
      - number: "102"
        name: Sales & Support
        account_id: "441632960002"

- name: Swap the accounts of 101 and 102 (ordered safely)
  portaplus.softswitch.extensions:
    customer: 1001
    config:
      - number: "101"
        account_id: "441632960002"
      - number: "102"
        account_id: "441632960001"

- name: Make 103 exactly this; an omitted account_id means no account
  portaplus.softswitch.extensions:
    customer: 1001
    state: replaced
    config:
      - number: "103"
        name: Lobby phone

- name: The customer has exactly these extensions; allow removing at most two others
  portaplus.softswitch.extensions:
    customer: 1001
    state: overridden
    max_deletions: 2
    config:
      - number: "101"
        name: Reception
        account_id: "441632960001"
      - number: "150"
        name: "Café #1"
        account_id: ""

- name: Remove extension 150
  portaplus.softswitch.extensions:
    customer: 1001
    state: deleted
    max_deletions: 1
    config:
      - number: "150"

- name: Read the customer's extensions in the shape config takes
  portaplus.softswitch.extensions:
    customer: 1001
    state: gathered
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 10
    retries: 2
  register: current

- name: Feeding them back changes nothing
  portaplus.softswitch.extensions:
    customer: 1001
    state: overridden
    config: "{{ current.gathered }}"

- name: Remove every extension of the customer (config omitted on purpose; an empty list would remove none)
  portaplus.softswitch.extensions:
    customer: 1001
    state: deleted
    max_deletions: 20
'''

RETURN = r'''
changed:
  description: Whether any extension was (or, in check mode, would be) created, changed or removed.
  returned: always
  type: bool
  sample: true
before:
  description: The customer's extensions before the run, sorted by number.
  returned: unless O(state=gathered)
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
after:
  description:
    - The customer's extensions after the run, read back from the API, in the form of RV(before).
    - Left out when nothing changed, as it would equal RV(before).
    - In check mode, the predicted list (a new extension has no C(record_id) yet).
  returned: when changed
  type: list
  elements: dict
  # BEGIN GENERATED extension.after.sample (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
  sample: [{number: '101', name: Reception, account_id: '441632960001', record_id: 7001, i_account: 5001, first_name: Alice,
      last_name: Archer}]
  # END GENERATED extension.after.sample
created:
  description: Numbers of the extensions created.
  returned: unless O(state=gathered)
  type: list
  elements: str
  sample: ["103"]
updated:
  description: Numbers of the extensions renamed or moved to another account.
  returned: unless O(state=gathered)
  type: list
  elements: str
  sample: ["101"]
deleted:
  description: Numbers of the extensions removed.
  returned: unless O(state=gathered)
  type: list
  elements: str
  sample: ["150"]
gathered:
  description:
    - With O(state=gathered), the customer's extensions in exactly the shape O(config) takes, sorted by number.
      Fed back as O(config), with any O(state), they change nothing.
  returned: when O(state=gathered)
  type: list
  elements: dict
  # BEGIN GENERATED extension.gathered.sample (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
  sample: [{number: '101', name: Reception, account_id: '441632960001'}]
  # END GENERATED extension.gathered.sample
facts:
  description:
    - With O(state=gathered), the read-only facts of every extension, keyed by number (the record id, and the ids and
      names of the bound account).
  returned: when O(state=gathered)
  type: dict
  # BEGIN GENERATED extension.facts.sample (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
  sample: {'101': {record_id: 7001, i_account: 5001, first_name: Alice, last_name: Archer}}
  # END GENERATED extension.facts.sample
diff:
  description:
    - One entry per extension that changes, headed by its name; before and after are YAML text keyed by it.
    - Passwords show as C(********), or C(******** (changed)) when they change.
  returned: in diff mode, unless O(state=gathered)
  type: list
  elements: dict
  sample: [{"before_header": "extension 101", "after_header": "extension 101 (changed)",
            "before": "\"101\":\n  name: \"Reception\"\n", "after": "\"101\":\n  name: \"Front Desk\"\n"}]
'''

from ansible_collections.portaplus.softswitch.plugins.module_utils.extension import EXTENSION_OPTIONS, ExtensionSpec
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import (
    list_argument_spec, list_module, run_resource_module)


def build_spec(client, params):
    return ExtensionSpec(client, params["customer"])


def main():
    module = list_module(list_argument_spec(EXTENSION_OPTIONS, customer=dict(type="int", required=True)))
    run_resource_module(module, build_spec)


if __name__ == "__main__":
    main()
