#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: customer_export
short_description: Write a Porta Plus 2 customer's live accounts and extensions as a customer file
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Reads one customer's open accounts (with their add-ons) and extensions, and writes them as a customer file in the
    format of docs/customers.md, the input of C(playbooks/provision.yml) and C(playbooks/plan.yml). This is the way
    in from an existing deployment; C(playbooks/export.yml) exports every customer the License sees.
  - Applying the file changes nothing, and a plan of it has no change. Exporting twice gives the same bytes.
  - IDs and numbers are quoted; text is written as it is (no C(\u) escapes); accounts are sorted by account ID and
    extensions by number.
  - No password of any kind is written (the API does not return them anyway); a comment in the file says where a
    vault value goes.
  - The policy written is the default, C(merged) with C(max_deletions=0), so applying the file never removes
    anything.
  - The file is replaced atomically, and only when its bytes differ (C(changed=false) otherwise). A symbolic link at
    O(dest) is replaced by the file, never written through.
  - "Requests: one C(GetAccounts) and one C(GetCustomerExtensions), plus one C(GetCustomersShortInfo) when O(name) is
    not given."
extends_documentation_fragment:
  - portaplus.softswitch.connection
attributes:
  check_mode:
    description: Reads the customer and reports whether the file would change; writes nothing.
    support: full
  diff_mode:
    description: Shows the file's text before and after.
    support: full
options:
  customer:
    description: The customer's id (C(i_customer)).
    type: int
    required: true
  name:
    description:
      - The customer's name, written as C(name:) in the file.
      - Read from the API when not given.
    type: str
  dest:
    description:
      - The file to write.
      - An existing directory instead - the file is C(<name>.yml) in it, the customer's name in lower case with
        hyphens (C(Acme Ltd) becomes C(acme-ltd.yml)), with the customer id added when that file holds another
        customer.
    type: path
    required: true
seealso:
  - module: portaplus.softswitch.customer_files
'''

EXAMPLES = r'''
- name: Acme Ltd as a customer file
  portaplus.softswitch.customer_export:
    customer: 1001
    dest: "{{ playbook_dir }}/customers/acme.yml"
  register: acme

- name: Globex into a directory, named after the customer (globex.yml)
  portaplus.softswitch.customer_export:
    customer: 1002
    name: Globex
    dest: "{{ playbook_dir }}/customers"
'''

RETURN = r'''
dest:
  description: The file written (or that would be written in check mode).
  returned: success
  type: str
  sample: /srv/gitops/customers/acme-ltd.yml
customer:
  description: The customer id.
  returned: success
  type: int
  sample: 1001
name:
  description: The customer's name.
  returned: success
  type: str
  sample: Acme Ltd
accounts:
  description: How many accounts the file lists.
  returned: success
  type: int
  sample: 3
extensions:
  description: How many extensions the file lists.
  returned: success
  type: int
  sample: 2
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_export import export_customer
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import connection_argument_spec
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import run_file_module


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        customer=dict(type="int", required=True),
        name=dict(type="str"),
        dest=dict(type="path", required=True),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_file_module(module, lambda client, params, check_mode: export_customer(
        client, params, check_mode, diff=module._diff))


if __name__ == "__main__":
    main()
