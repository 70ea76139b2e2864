# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: provision_hosts
short_description: The hosts of the play that finds the customer files, or an error that says why a --limit skips it
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - C(playbooks/provision.yml) and C(playbooks/plan.yml) make one inventory host per customer file in a first play on
    V(localhost). ansible-core applies C(--limit) to every play, so C(--limit acme) without an inventory that lists the
    customers would skip that play and, with it, every customer, and exit 0 having done nothing.
  - This filter returns V(localhost) for the first play's C(hosts), and fails instead, saying to write
    C(--limit localhost,acme), when the limit leaves localhost out and the inventory's group C(customers) is empty.
options:
  _input:
    description: The C(groups) magic variable.
    type: dict
    required: true
  limit:
    description: The C(ansible_limit) magic variable (the C(--limit) given), or empty.
    type: str
    default: ""
  always:
    description: Localhost has work in this playbook even when the inventory lists the customers (plan.yml, plan_file).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: One host per customer file
  hosts: "{{ groups | portaplus.softswitch.provision_hosts(ansible_limit | default('')) }}"
  gather_facts: false
  tasks: []
'''

RETURN = r'''
_value:
  description: V(localhost).
  type: str
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_files import limit_problem


def provision_hosts(groups, limit="", always=False):
    problem = limit_problem(groups, limit, always=always)
    if problem:
        raise AnsibleFilterError(problem)
    return "localhost"


class FilterModule(object):
    def filters(self):
        return {"provision_hosts": provision_hosts}
