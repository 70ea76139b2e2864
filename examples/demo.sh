#!/usr/bin/env bash
# The GitOps walkthrough of the README, step by step. `make demo` runs it inside
# `portaplus-sandbox run`, which starts a sandbox with the demo data, sets PORTAPLUS_URL and
# PORTAPLUS_LICENSE, and stops the sandbox afterwards. Against your own sandbox:
#   PORTAPLUS_URL=http://127.0.0.1:8089 PORTAPLUS_LICENSE=DEMO-LICENSE examples/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n===== %s\n\n' "$*"; }

step "1/6 Provision every customer file in examples/customers (one host per customer)"
ansible-playbook playbooks/provision.yml --diff -e customers_dir=examples/customers

step "2/6 Provision again: the sandbox already matches the files, so changed=0"
ansible-playbook playbooks/provision.yml -e customers_dir=examples/customers

step "3/6 Edit a customer file and review the plan with --check --diff (nothing is written)"
edited="$(mktemp -d)"
trap 'rm -rf "$edited"' EXIT
# Bob gets a new e-mail address and a conference room extension is added.
sed -e 's/bob@acme.example/robert@acme.example/' examples/customers/acme.yml > "$edited/acme.yml"
printf '  - number: "130"\n    name: Conference room\n' >> "$edited/acme.yml"
diff -u examples/customers/acme.yml "$edited/acme.yml" || true
ansible-playbook playbooks/provision.yml --check --diff -e "customers_dir=$edited"

# The reports go under .build/ with the other build output, never into the collection's tree.
step "4/6 Last month's CDR report of Acme Ltd (CSV and HTML in .build/reports)"
ansible-playbook playbooks/cdr_report.yml -e customer=1001 -e "customer_name='Acme Ltd'" -e report_dir=.build/reports

step "5/6 Who is on a call right now, and each customer's extensions"
ansible-playbook playbooks/demo.yml

step "6/6 The accounts as an Ansible inventory (grouped by customer, product, site, ...)"
ansible-inventory -i examples/inventory/portaplus.yml --graph --flush-cache
