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
  - Runs where the file is, normally on the controller with a local connection.
options:
  path:
    description:
      - The customer file to read and check (YAML).
      - Syntax errors are reported with their line and column. Values encrypted with C(ansible-vault encrypt_string)
        (C(!vault)) are checked as text; this module never decrypts them.
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
attributes:
  check_mode:
    support: full
    description: The module only reads its options, so check mode changes nothing.
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
problems:
  description: One line per problem, each starting with the file name and the path inside it.
  returned: failure
  type: list
  elements: str
  sample: ["customers/acme.yml: accounts[3].email: must be text, got 42 (int)"]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_plan import CUSTOMER_FILE_OPTIONS
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_file import (
    CustomerFileError, check_customer_file, decode_text, load_yaml, read_bytes, secret_values, without_secrets)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path"),
            data=dict(type="raw"),
            schema=dict(type="dict"),
            source=dict(type="str"),
        ),
        mutually_exclusive=[("path", "data")],
        required_one_of=[("path", "data")],
        supports_check_mode=True,
    )
    params = module.params
    schema = params["schema"] or CUSTOMER_FILE_OPTIONS
    source = params["source"] or params["path"] or "customer file"
    try:
        if params["path"] is not None:
            data = load_yaml(decode_text(read_bytes(params["path"], source), source), source)
        else:
            data = params["data"]
        module.no_log_values.update(secret_values(data, schema))
        customer = check_customer_file(data, schema, source)
    except CustomerFileError as exc:
        module.fail_json(msg=str(exc), problems=["%s: %s" % (source, problem) for problem in exc.problems])
    module.exit_json(changed=False, customer=without_secrets(customer, schema))


if __name__ == "__main__":
    main()
