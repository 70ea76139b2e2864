#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: customer_file
short_description: Check a customer file of the customer role before anything is sent to the API
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Checks the content of one customer file (one customer's accounts and extensions, the input of the
    C(portaplus.softswitch.customer) role) against a schema and returns it with defaults applied.
  - >-
    Reports every problem at once, each naming the file and the path inside it, for example
    C(customers/acme.yml: accounts[3].email: must be text, got 42 (int)).
  - Finds unknown keys (with the closest known key), missing required keys, values of the wrong type or outside
    their choices, and an account ID or extension number that appears twice.
  - Text values must be written as text; an account ID or extension number written without quotes is an error,
    because YAML may change it (C(0101) is read as the number 65).
  - Makes no request to the API; the role runs it before any other task.
  - Runs on the controller (an action plugin), where the file is read once; C(playbooks/provision.yml) applies the
    checked RV(content), so a customer file is parsed once per run.
options:
  path:
    description:
      - The customer file to read and check (YAML).
      - Syntax errors are reported with their line and column. Values encrypted with C(ansible-vault encrypt_string)
        (C(!vault)) are decrypted with the play's vault secrets, as M(portaplus.softswitch.customer) reads them.
      - The file is data - UTF-8, at most 10 MB, each key once per mapping, few YAML aliases - and a Jinja template in a
        value is refused unless O(templating=true).
      - One of O(path) and O(data) is required.
    type: path
  data:
    description:
      - The parsed content of a customer file, instead of O(path).
    type: raw
  schema:
    description:
      - The schema, in the shape of the C(options) of a role argument spec (C(type), C(required), C(default),
        C(choices), C(elements), C(options), C(no_log)).
      - Defaults to the format of a customer file, as M(portaplus.softswitch.customer) takes it (built from the
        account and extension field tables; the C(customer_file) entry point of the C(portaplus.softswitch.customer)
        role documents it).
    type: dict
  source:
    description:
      - The name of the file, used at the start of every message.
      - Defaults to O(path), or to V(customer file) with O(data).
    type: str
  templating:
    description:
      - Render Jinja templates in the values of the file at O(path), as the C(templating) option of
        M(portaplus.softswitch.customer) does. Off by default - customer files are data.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: The module only reads the file and its options, so check mode changes nothing.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
notes:
  - Values of options marked C(no_log) in the schema (passwords) never appear in messages or in the result.
seealso:
  - module: portaplus.softswitch.accounts
  - module: portaplus.softswitch.extensions
'''

EXAMPLES = r'''
- name: Check customers/acme.yml, beside the playbook, as the customer module reads it
  portaplus.softswitch.customer_file:
    path: "{{ playbook_dir }}/customers/acme.yml"
    source: customers/acme.yml
  register: acme

- name: A small schema of our own
  portaplus.softswitch.customer_file:
    data: {customer: 1001, accounts: [{account_id: "441632960001"}]}
    schema:
      customer: {type: int, required: true}
      accounts:
        type: list
        elements: dict
        default: []
        options:
          account_id: {type: str, required: true}
    source: inline
'''

RETURN = r'''
customer:
  description:
    - The checked content with the schema's defaults filled in.
    - Options marked C(no_log) in the schema (passwords) are left out; take them from the file itself.
  returned: success
  type: dict
  sample: {"customer": 1001, "name": "Acme Ltd", "accounts": [{"account_id": "441632960001"}], "extensions": []}
content:
  description:
    - The checked content with defaults filled in, passwords and decrypted C(!vault) values included - what
      M(portaplus.softswitch.customer) takes as its options.
    - A successful result is marked C(no_log) (it is shown censored); only a registered variable holds it.
  returned: success
  type: dict
  sample: {"customer": 1001, "name": "Acme Ltd", "accounts": [{"account_id": "441632960001"}]}
problems:
  description: One line per problem, each starting with the file name and the path inside it.
  returned: failure
  type: list
  elements: str
  sample: ["customers/acme.yml: accounts[3].email: must be text, got 42 (int)"]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_file import (
    CHECK_ARGUMENT_SPEC, CHECK_MUTUALLY_EXCLUSIVE, CHECK_REQUIRED_ONE_OF)


def main():
    # The action plugin reads and checks the file on the controller (vault secrets, one parse); this runs only
    # if something bypasses it, and says so.
    module = AnsibleModule(argument_spec=CHECK_ARGUMENT_SPEC, mutually_exclusive=CHECK_MUTUALLY_EXCLUSIVE,
                           required_one_of=CHECK_REQUIRED_ONE_OF, supports_check_mode=True)
    module.fail_json(msg="portaplus.softswitch.customer_file runs in its action plugin on the controller; this module "
                         "was run without it")


if __name__ == "__main__":
    main()
