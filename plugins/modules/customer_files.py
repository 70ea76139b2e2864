#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: customer_files
short_description: Find the customer files of a directory, one inventory host each
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Lists the customer files (C(*.yml), C(*.yaml)) of a directory with the inventory host each becomes, the file name
    without its ending (C(customers/acme.yml) becomes C(acme)). C(playbooks/provision.yml) and C(playbooks/plan.yml)
    feed it to M(ansible.builtin.add_host), so that C(--forks) works on several customers at once.
  - Fails, naming the directory or the files, instead of finding nothing - when the directory does not exist, when it
    holds no customer file, when a symbolic link leads nowhere, and when two files would become the same host
    (C(acme.yml) and C(acme.yaml)).
  - Hidden files are skipped. A symbolic link to a file counts as that file, named after the link.
  - Makes no request to the API. Runs where the files are, normally on the controller with a local connection, so a
    relative O(path) is relative to the directory C(ansible-playbook) runs in.
options:
  path:
    description:
      - The directory of the customer files. A relative path is relative to O(cwd).
      - Required unless O(plan_file) is given; a missing value fails naming O(option), so a playbook can pass its
        variable as it is.
    type: path
  plan_file:
    description:
      - A C(plan.json) written by C(playbooks/plan.yml) (M(portaplus.softswitch.customer_plan_report)), to return its
        plans by customer id in RV(plans), as C(playbooks/provision.yml -e plan_file=...) does.
      - A relative path is relative to O(cwd).
    type: path
  cwd:
    description:
      - The directory relative paths are relative to.
      - Defaults to the directory C(ansible-playbook) runs in (the module's action plugin sets it on the controller;
        a module alone would run in the playbook's directory).
    type: path
  option:
    description:
      - The name the messages give O(path), for example the playbook variable that holds it.
    type: str
    default: path
  read_customers:
    description:
      - Also read the C(customer) id each file names (C(null) for a file that cannot be read; the customer role's
        checks report why).
    type: bool
    default: false
  allow_empty:
    description:
      - Succeed with no file found, instead of failing, for a directory that is to be filled (as
        C(playbooks/export.yml) does).
    type: bool
    default: false
  create:
    description:
      - Make the directory (and its parents, mode 0777 less the umask) when it does not exist, as
        C(playbooks/export.yml) does; C(changed) is then true. Implies O(allow_empty).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Nothing is written, except the directory with O(create), which check mode does not make.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
seealso:
  - module: portaplus.softswitch.customer_file
'''

EXAMPLES = r'''
- name: The customer files beside the playbook
  portaplus.softswitch.customer_files:
    path: "{{ playbook_dir }}/customers"
    read_customers: true
  register: found

- name: One host per customer file
  ansible.builtin.add_host:
    name: "{{ item.host }}"
    groups: customers
    customer_file: "{{ item.path }}"
  loop: "{{ found.files }}"
  changed_when: false
'''

RETURN = r'''
path:
  description: The directory, as an absolute path.
  returned: success
  type: str
  sample: /srv/gitops/customers
files:
  description: The customer files, sorted by host.
  returned: success
  type: list
  elements: dict
  contains:
    path:
      description: The file's absolute path (of the link, for a symbolic link).
      type: str
    source:
      description: The file as messages name it, relative to the directory the task runs in when it is inside it.
      type: str
    host:
      description: The inventory host it becomes.
      type: str
    customer:
      description: The customer id the file names; only with O(read_customers).
      type: int
  sample: [{"path": "/srv/gitops/customers/acme.yml", "source": "customers/acme.yml", "host": "acme", "customer": 1001}]
plans:
  description: With O(plan_file), its plans by customer id (as text).
  returned: success
  type: dict
  sample: {"1001": {"format_version": "1.0", "customer": 1001, "digest": "sha256:9f2c..."}}
by_customer:
  description: With O(read_customers), the file of each customer id (as text), the first one when two name it.
  returned: success
  type: dict
  sample: {"1001": "/srv/gitops/customers/acme.yml"}
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_files import customer_named_in, find_customer_files
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError
from ansible_collections.portaplus.softswitch.plugins.module_utils.plan_report import PlanFormatError, read_plan_file


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path"),
            option=dict(type="str", default="path"),
            read_customers=dict(type="bool", default=False),
            allow_empty=dict(type="bool", default=False),
            create=dict(type="bool", default=False),
            plan_file=dict(type="path"),
            cwd=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    cwd = params["cwd"] or os.getcwd()
    result = dict(changed=False)
    if params["plan_file"]:
        try:
            result["plans"] = read_plan_file(os.path.join(cwd, params["plan_file"]))
        except PlanFormatError as exc:
            module.fail_json(msg=str(exc))
        if not params["path"]:
            module.exit_json(**result)
    directory = os.path.normpath(os.path.join(cwd, params["path"] or ""))
    created = False
    try:
        if params["create"] and params["path"] and not os.path.isdir(directory):
            created = True
            if module.check_mode:
                module.exit_json(changed=True, path=directory, files=[], by_customer={})
            os.makedirs(directory)
        files = find_customer_files(params["path"], params["option"], cwd=cwd,
                                    allow_empty=params["allow_empty"] or params["create"])
    except (InputError, OSError) as exc:
        module.fail_json(msg="%s: %s" % (params["option"], exc) if isinstance(exc, OSError) else str(exc),
                         changed=created)
    result.update(changed=created, path=directory, files=files)
    if params["read_customers"]:
        result["by_customer"] = {}
        for item in files:
            item["customer"] = customer_named_in(item["path"])
            if item["customer"] is not None:
                result["by_customer"].setdefault(str(item["customer"]), item["path"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
