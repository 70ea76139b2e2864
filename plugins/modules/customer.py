#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: customer
short_description: Make one Porta Plus 2 customer's accounts and extensions match its customer file
version_added: 0.3.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Plans and applies one whole customer file (see C(docs/customers.md)) - the customer's accounts (with add-ons)
    and extensions together - in one task.
  - Reads the customer's accounts, extensions and (when the file names products) the product catalogue once,
    plans both resources, and checks the references between them before any write - an extension bound to an
    account the plan terminates, or to an account that neither the file nor the customer has, is refused.
  - Applies in the safe order - accounts are created and changed first (a new extension of a new account travels
    in the same CreateAccounts request), then extensions are created, changed and removed, and accounts are
    terminated last.
  - Returns the plan as a versioned document (RV(plan)) with a digest of the live state it was made from;
    O(saved_plan) applies exactly such a plan, or fails if the state moved since.
  - >-
    Every message about the file names the file and the path inside it, for example
    C(customers/acme.yml: extensions[5].account_id: account 442030000005 is terminated by this plan ...).
  - With O(src), an action plugin reads the file once on the controller, as data (see O(src)), and fills the
    other options from it.
extends_documentation_fragment:
  - portaplus.softswitch.connection
options:
  src:
    description:
      - A customer file to apply, read on the controller - absolute, or relative to the directory ansible-playbook
        runs in. A symlink is followed.
      - The file fills O(customer), O(name), O(policy), O(accounts), O(extensions) and (unless given) O(source);
        do not give those with O(src).
      - The file is read as data - it must be UTF-8, at most 10 MB, a key may appear once per mapping (a
        duplicate fails naming both lines) and YAML aliases are limited (no alias bombs). C(!vault) values are
        decrypted with the play's vault secrets.
      - A value holding a Jinja template (C({{) or C({%)) is refused, naming the file and path, unless
        O(templating=true).
    type: path
  templating:
    description:
      - With O(src), render Jinja templates in the file's values (with the play's variables), as a vars file would.
      - Off by default - customer files arrive by pull request and plans run in CI, so a template in a file would run
        code on the controller, next to the License, for whoever can open a pull request. Turn it on only for a
        repository whose every writer you trust. C(!unsafe) values and C(!vault) values are never templated.
    type: bool
    default: false
  customer:
    description: The customer (its C(i_customer) id) the file describes.
    type: int
    required: true
  name:
    description: The customer's name, shown in messages and in RV(plan). Not sent to the API.
    type: str
  source:
    description:
      - The file's path as people know it (for example V(customers/acme.yml)), used only to name it in messages
        and in RV(plan). Defaults to O(src).
    type: str
  policy:
    description: How each resource is applied. The defaults never remove anything.
    type: dict
    suboptions:
      accounts:
        description: Policy for O(accounts).
        type: dict
        suboptions:
          state:
            description:
              - V(merged) creates and changes the listed accounts in the fields written and leaves the others alone.
              - V(replaced) makes the listed accounts exactly as written (omitted names, e-mail, blocking and
                add-ons are reset) and leaves the others alone.
              - V(overridden) is V(replaced), and B(terminates) the customer's other accounts (irreversible), at
                most O(policy.accounts.max_deletions) of them.
            type: str
            choices: [merged, replaced, overridden]
            default: merged
          max_deletions:
            description:
              - The most accounts one run may terminate. A plan that would terminate more is blocked (C(blocked) in RV(plan))
                and the task fails before any write, in check mode too.
            type: int
            default: 0
          update_password:
            description: V(always) sets passwords that differ; V(on_create) sets them on new accounts only.
            type: str
            choices: [always, on_create]
            default: always
      extensions:
        description: Policy for O(extensions).
        type: dict
        suboptions:
          state:
            description:
              - V(merged) creates and changes the listed extensions and leaves the others alone.
              - V(replaced) makes the listed extensions exactly as written (an omitted C(account_id) unbinds).
              - V(overridden) is V(replaced), and removes the customer's other extensions, at most
                O(policy.extensions.max_deletions) of them.
            type: str
            choices: [merged, replaced, overridden]
            default: merged
          max_deletions:
            description: The most extensions one run may remove; more blocks the plan, as for accounts.
            type: int
            default: 0
  accounts:
    description:
      - The customer's accounts, as in the C(config) of M(portaplus.softswitch.accounts), without C(extension)
        (extensions are declared in O(extensions) only).
      - Omitted, the accounts are left alone. An empty list with O(policy.accounts.state=overridden) is refused.
      - Quote account IDs (C("441632960001")); a new account needs a C(product). Passwords are never shown (C(********)
        in plans and diffs); keep them in a vault.
    type: list
    elements: dict
    suboptions:
      # BEGIN GENERATED account.file-options (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
      account_id:
        description: The account ID, for example a phone number (V(441632960001)) or a SIP user name. It identifies the
          account.
        type: str
        required: true
      product:
        description: The main product of the account, by name (V(Hosted PBX Seat)) or by id (V(2)).
        type: raw
      first_name:
        description: First name of the account holder.
        type: str
      last_name:
        description: Last name of the account holder.
        type: str
      email:
        description: E-mail address of the account holder, in the form C(name@domain.example); at most 254 characters.
          Internationalised addresses are fine.
        type: str
      password:
        description: The SIP (VoIP) password of the account; at most 64 characters, no control characters.
        type: str
      credit_limit:
        description: The credit limit of the account, a number from V(0) to V(1000000000) in the customer's currency.
        type: raw
      blocked:
        description: V(true) blocks the account (no calls), V(false) unblocks it.
        type: bool
      unified_messaging:
        description: V(true) turns on the account's unified messaging service (voicemail box, C(UMEnabled) in the API),
          V(false) turns it off.
        type: bool
      addons:
        description: Product add-ons of the account, each by name (V(Call Recording)) or id (V(11)).
        type: list
        elements: raw
      # END GENERATED account.file-options
  extensions:
    description:
      - The customer's extensions, as in the C(config) of M(portaplus.softswitch.extensions).
      - Omitted, the extensions are left alone. An empty list with O(policy.extensions.state=overridden) is refused.
      - Quote numbers (C("101")). An extension's C(account_id) names one of O(accounts) or an account the customer has
        and the plan keeps; V("") binds it to none.
    type: list
    elements: dict
    suboptions:
      # BEGIN GENERATED extension.file-options (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
      number:
        description: The extension number, up to 16 digits C(0-9) (for example V(101)). It identifies the extension.
        type: str
        required: true
      name:
        description: The name of the extension. Required to create an extension.
        type: str
      account_id:
        description: The account ID (for example V(441632960001)) of the account the extension rings.
        type: str
      # END GENERATED extension.file-options
  saved_plan:
    description:
      - A plan an earlier run returned (RV(plan)), to apply exactly that plan.
      - The live state is read again; if its digest differs from the C(digest) of O(saved_plan), the task fails before any write
        with C(the state of <name> (<id>) changed since the plan was made; plan again). If the file now makes a
        different plan, the task fails the same way.
    type: dict
attributes:
  check_mode:
    support: full
    description:
      - Only the plan is made; nothing is written. C(changed) says whether a real run would change something.
      - A plan blocked by a guard (O(policy.accounts.max_deletions)) fails the task in check mode too, with
        RV(plan) and its C(blocked) true, so CI sees it.
  diff_mode:
    support: full
    description: Field diffs of every object that changes, in check mode and in real runs, passwords masked.
  action:
    support: full
    description: An action plugin reads O(src) on the controller, as data, and runs the module with its content.
notes:
  - A no-op returns only the plan (a few hundred bytes), not the objects; M(portaplus.softswitch.accounts) with
    C(state=gathered) returns the objects.
  - Requests of a run - 2 reads (accounts, extensions) plus 1 (the catalogue) when the file names a product or add-on
    that none of the customer's accounts carries, or names one by id; creating accounts costs one CreateAccounts per
    product (carrying the new extensions of new accounts), one read back and one add-on request, plus a lookup of
    the new IDs across the License in check mode, for several products, or after CreateAccounts refuses an ID
    another customer has; changes and terminations one UpdateAccount each; each other extension change one request.
seealso:
  - module: portaplus.softswitch.accounts
  - module: portaplus.softswitch.extensions
'''

EXAMPLES = r'''
- name: Apply customers/acme.yml, beside the playbook
  portaplus.softswitch.customer:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
    src: "{{ playbook_dir }}/customers/acme.yml"
    source: customers/acme.yml
  register: acme

- name: Plan a customer given inline, without applying it (check mode), with field diffs
  portaplus.softswitch.customer:
    customer: 1002
    name: Globex
    policy:
      accounts: {state: merged}
      extensions: {state: merged, max_deletions: 0}
    accounts:
      - account_id: "441632960101"
        product: SIP Trunk
        first_name: Dan
        last_name: Dale
        credit_limit: 200
        password: "{{ vault_sip_password }}"
    extensions:
      - number: "201"
        name: Front Desk
        account_id: "441632960101"
  check_mode: true
  diff: true
  register: globex_plan

- name: Apply exactly the plan made above, or fail if Globex changed since
  portaplus.softswitch.customer:
    customer: 1002
    name: Globex
    accounts:
      - account_id: "441632960101"
        product: SIP Trunk
        first_name: Dan
        last_name: Dale
        credit_limit: 200
        password: "{{ vault_sip_password }}"
    extensions:
      - number: "201"
        name: Front Desk
        account_id: "441632960101"
    saved_plan: "{{ globex_plan.plan }}"

- name: A trusted repository whose files use Jinja (templating is off by default)
  portaplus.softswitch.customer:
    src: "{{ playbook_dir }}/customers/globex.yml"
    templating: true
'''

RETURN = r'''
plan:
  description:
    - The plan, a versioned document (C(format_version) V(1.0)) that can be saved as JSON and given back as
      O(saved_plan).
    - C(changes) holds, per resource (C(accounts), C(extensions)), the objects to C(create) (C(key), C(after)),
      C(update) (C(key), C(fields) with C(before)/C(after) per changed field) and C(delete) (C(key), C(before));
      passwords show as C(********).
    - C(counts) sums them; C(guards) lists what a guard refused (C(resource), C(message)); C(blocked) is true when a
      guard stops the plan; C(digest) is the SHA-256 of the live state the plan was made from.
  returned: always, also when a guard blocks the plan
  type: dict
  sample:
    format_version: "1.0"
    customer: 1001
    name: Acme Ltd
    source: customers/acme.yml
    digest: "sha256:9f2c..."
    changes:
      accounts:
        create: [{key: "441632960020", after: {product: Hosted PBX Seat, first_name: Dana, password: "********"}}]
        update: [{key: "441632960002", fields: {email: {before: bob@acme.example, after: robert@acme.example}}}]
        delete: []
      extensions: {create: [{key: "120", after: {name: Dana Dorsey, account_id: "441632960020"}}], update: [], delete: []}
    counts: {create: 2, update: 1, delete: 0}
    guards: []
    blocked: false
msg:
  description: >-
    The plan in one line, for example C(Acme Ltd (1001) from customers/acme.yml: in sync, nothing to change).
  returned: always
  type: str
diff:
  description: One diff per object that changes (with C(--diff)), passwords masked.
  returned: when diff mode is on
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_plan import CUSTOMER_MODULE_OPTIONS, run_customer_module
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import info_argument_spec


def main():
    module = AnsibleModule(argument_spec=info_argument_spec(**CUSTOMER_MODULE_OPTIONS), supports_check_mode=True)
    run_customer_module(module)


if __name__ == "__main__":
    main()
