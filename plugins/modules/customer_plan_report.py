#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: customer_plan_report
short_description: Write the plans of many customers as plan.json and plan.md, and tell drift from no drift
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Takes the results of M(portaplus.softswitch.customer) run in check mode, one per customer file, as
    C(playbooks/plan.yml) does, and writes two files to O(plan_dir).
  - C(plan.json) - every customer's plan in one versioned document (C(format_version), C(customers), C(errors),
    C(totals)). C(ansible-playbook portaplus.softswitch.provision -e plan_file=plan.json) applies exactly these plans.
  - C(plan.md) - Markdown for a pull-request comment. One section per customer that would change, with a table naming
    each object and field (before and after, passwords masked), the guards that would stop the apply, the customers
    that could not be planned, and one line for the customers in sync.
  - Each file is replaced atomically and only when its content differs, so C(changed) says whether the plan changed.
    A symbolic link in O(plan_dir) is replaced by the file, never written through.
  - With O(fail_on_changes), fails when any customer would change, after writing both files, with a message that starts
    with C(Drift:) and names the customers; C(drift) is true in the result.
  - Fails, after writing both files, with a message that starts with C(Error:) when a customer could not be planned (a
    failed result) or a guard blocks its plan, whatever O(fail_on_changes) says.
  - Makes no request to the API.
options:
  hosts:
    description: The inventory hosts, one per customer file.
    type: list
    elements: str
    required: true
  results:
    description:
      - The registered result of M(portaplus.softswitch.customer) of each host, in the order of O(hosts).
      - A failed result is reported as "not planned", unless it holds a plan a guard blocks; an empty one (the host did
        not run, for example outside C(--limit)) is left out.
    type: list
    elements: dict
    required: true
  sources:
    description: The customer file of each host, in the order of O(hosts), to name the customers that could not be planned.
    type: list
    elements: str
    default: []
  plan_dir:
    description:
      - The directory to write C(plan.json) and C(plan.md) to; made if it does not exist.
      - A relative path is relative to the directory C(ansible-playbook) runs in.
    type: path
    required: true
  fail_on_changes:
    description: Fail (with C(drift=true)) when any customer would change, as a drift check or CI does.
    type: bool
    default: false
  max_rows:
    description: Table rows per customer in C(plan.md); the rest are counted. C(plan.json) has every change.
    type: int
    default: 50
attributes:
  check_mode:
    support: full
    description: Reports whether the files would change; writes nothing.
  diff_mode:
    support: none
    description: The files are the report.
seealso:
  - module: portaplus.softswitch.customer
'''

EXAMPLES = r'''
- name: Plan Acme Ltd (check mode, nothing is written)
  portaplus.softswitch.customer:
    src: "{{ playbook_dir }}/customers/acme.yml"
  check_mode: true
  register: acme_plan

- name: Write the plan for a pull-request comment
  portaplus.softswitch.customer_plan_report:
    hosts: [acme]
    results: ["{{ acme_plan }}"]
    sources: ["{{ playbook_dir }}/customers/acme.yml"]
    plan_dir: "{{ playbook_dir }}/plan"
'''

RETURN = r'''
plan_json:
  description: The path of C(plan.json).
  returned: always
  type: str
  sample: /srv/gitops/plan/plan.json
plan_md:
  description: The path of C(plan.md).
  returned: always
  type: str
  sample: /srv/gitops/plan/plan.md
totals:
  description: Customers planned, with changes, in sync, blocked, not planned, and the changes by action.
  returned: always
  type: dict
  sample: {"customers": 2, "changed": 1, "in_sync": 1, "blocked": 0, "errors": 0, "create": 2, "update": 1, "delete": 0}
drifted:
  description: The customers that would change, as C(Name (id)).
  returned: always
  type: list
  elements: str
  sample: ["Acme Ltd (1001)"]
drift:
  description: True when any customer would change.
  returned: always
  type: bool
  sample: true
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_files import write_file
from ansible_collections.portaplus.softswitch.plugins.module_utils.plan_report import (
    drifted, merge_plans, problems, render_markdown, split_results, to_json)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            hosts=dict(type="list", elements="str", required=True),
            results=dict(type="list", elements="dict", required=True),
            sources=dict(type="list", elements="str", default=[]),
            plan_dir=dict(type="path", required=True),
            fail_on_changes=dict(type="bool", default=False),
            max_rows=dict(type="int", default=50),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if len(params["results"]) != len(params["hosts"]):
        module.fail_json(msg="results: must have one entry per host (%d hosts, %d results)"
                         % (len(params["hosts"]), len(params["results"])))
    if params["max_rows"] < 1:
        module.fail_json(msg="max_rows: must be at least 1 (got %d)" % params["max_rows"])
    plans, errors = split_results(params["hosts"], params["results"], params["sources"])
    if not plans and not errors:
        module.fail_json(msg="No customer was planned (hosts: %s); nothing to report" % ", ".join(params["hosts"]))
    document = merge_plans(plans, errors)
    plan_dir = params["plan_dir"]
    paths = dict(plan_json=os.path.join(plan_dir, "plan.json"), plan_md=os.path.join(plan_dir, "plan.md"))
    changed = False
    try:
        if not os.path.isdir(plan_dir) and not module.check_mode:
            os.makedirs(plan_dir)
        changed = write_file(paths["plan_json"], to_json(document).encode("utf-8"), module.check_mode) or changed
        changed = write_file(paths["plan_md"], render_markdown(document, params["max_rows"]).encode("utf-8"),
                             module.check_mode) or changed
    except (IOError, OSError) as exc:
        module.fail_json(msg="plan_dir: could not write the plan to %s: %s" % (plan_dir, exc), changed=changed)
    names = drifted(document)
    result = dict(changed=changed, totals=document["totals"], drifted=names, drift=bool(names), **paths)
    problem = problems(document)
    if problem:
        module.fail_json(msg="%s. The plan is in %s." % (problem, paths["plan_md"]), **result)
    if params["fail_on_changes"] and names:
        module.fail_json(msg="Drift: %d of %d customers would change: %s. The plan is in %s."
                         % (len(names), len(plans), ", ".join(names), paths["plan_md"]), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
