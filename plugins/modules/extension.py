#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: extension
short_description: Manage one extension of a Porta Plus 2 customer
version_added: 0.1.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Creates, renames, moves to another account or removes one extension of a customer.
  - The extension is identified by O(number). An existing extension is updated in place (same extension record),
    never deleted and created again; only the fields you supply are changed.
  - Costs one request to read the customer's extensions, plus one to change the extension if it differs.
  - To manage many extensions of a customer at once, use M(portaplus.softswitch.extensions).
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.resource_states.single
options:
  customer:
    description:
      - The customer (its C(i_customer) id) the extension belongs to.
      - A customer the License cannot see fails the task.
    type: int
    required: true
  state:
    description:
      - V(present) creates the extension or changes the fields you supplied.
      - V(absent) removes the extension if it exists.
    type: str
    choices: [present, absent]
    default: present
  # BEGIN GENERATED extension.options (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
  number:
    description:
      - The extension number, up to 16 digits C(0-9) (for example V(101)). It identifies the extension.
      - Quote it in YAML (C("0101")) so leading zeros are kept.
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
      - When omitted, an existing extension keeps its account and a new one has none.
    type: str
  # END GENERATED extension.options
seealso:
  - module: portaplus.softswitch.extensions
  - module: portaplus.softswitch.extension_info
'''

EXAMPLES = r'''
- name: Extension 101 rings Alice's account
  portaplus.softswitch.extension:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
    customer: 1001
    number: "101"
    name: Reception
    account_id: "441632960001"

- name: Rename 102, keep its account
  portaplus.softswitch.extension:
    customer: 1001
    number: "102"
    name: "Sales #2"

- name: Unbind 102 from its account
  portaplus.softswitch.extension:
    customer: 1001
    number: "102"
    account_id: ""

- name: Remove extension 150
  portaplus.softswitch.extension:
    customer: 1001
    number: "150"
    state: absent
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 10
    retries: 2
'''

RETURN = r'''
changed:
  description: Whether the extension was (or, in check mode, would be) created, changed or removed.
  returned: always
  type: bool
  sample: true
existed:
  description: Whether the extension existed before the run.
  returned: always
  type: bool
  sample: true
extension:
  description:
    - The extension after the run, read back from the API; V({}) when it does not exist (O(state=absent)).
    - In check mode, the predicted extension (a new one has no RV(extension.record_id) yet).
  returned: always
  type: dict
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
diff:
  description:
    - One entry per extension that changes, headed by its name; before and after are YAML text keyed by it.
    - Passwords show as C(********), or C(******** (changed)) when they change.
  returned: in diff mode
  type: list
  elements: dict
  sample: [{"before_header": "extension 102", "after_header": "extension 102 (changed)",
            "before": "\"102\":\n  name: \"Sales\"\n", "after": "\"102\":\n  name: \"Sales #2\"\n"}]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.extension import EXTENSION_OPTIONS, ExtensionSpec
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import run_resource_module, single_argument_spec


def build_spec(client, params):
    return ExtensionSpec(client, params["customer"], single=True)


def main():
    module = AnsibleModule(
        argument_spec=single_argument_spec(EXTENSION_OPTIONS, customer=dict(type="int", required=True)),
        supports_check_mode=True,
    )
    run_resource_module(module, build_spec, single=True)


if __name__ == "__main__":
    main()
