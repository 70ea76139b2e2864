"""Benchmarks: the collection against what users do today, measured side by side in one run.

Today an operations engineer provisions accounts with a loop of raw `ansible.builtin.uri`
calls: one POST per account, and one GET per account to check it afterwards. The baseline
playbook does exactly that against the same sandbox; the collection's `accounts` module
does the same job declaratively. We report wall time and HTTP requests of each, and their
ratios, for creating N accounts and for re-checking them (the idempotent second run).

Timings depend on the machine, so only ratios measured in the same run are meaningful; no
test asserts on them. Usage: `make bench` (or `python benchmarks/run.py --accounts 500`).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from portaplus_sandbox.testing import SandboxServer  # noqa: E402
from tests.collection_path import ensure  # noqa: E402

CUSTOMER = 1002
PRODUCT_ID = 3
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")

HEADER = """- hosts: localhost
  gather_facts: false
  connection: local
  tasks:
"""

BASELINE_CREATE = HEADER + """
    - name: One CreateAccounts request per account, as a uri loop does today
      ansible.builtin.uri:
        url: "{{ lookup('env', 'PORTAPLUS_URL') }}/CreateAccounts"
        method: POST
        body_format: json
        body:
          License: "{{ lookup('env', 'PORTAPLUS_LICENSE') }}"
          AccountRequest:
            ICustomer: "{{ customer }}"
            DefaultValues: {ProductId: "{{ product }}"}
            AccountsToCreate: [{AcntId: "{{ item.account_id }}", FirstName: "{{ item.first_name }}", LastName: "{{ item.last_name }}"}]
      loop: "{{ accounts }}"
      no_log: true
"""

BASELINE_CHECK = HEADER + """
    - name: One GetAccountInfoByAccountId request per account to verify it
      ansible.builtin.uri:
        url: "{{ lookup('env', 'PORTAPLUS_URL') }}/GetAccountInfoByAccountId/{{ lookup('env', 'PORTAPLUS_LICENSE') }}/{{ item.account_id }}"
      loop: "{{ accounts }}"
      no_log: true
"""

COLLECTION = HEADER + """
    - name: All accounts declared at once
      portaplus.softswitch.accounts:
        customer: "{{ customer }}"
        state: merged
        config: "{{ accounts }}"
"""


def write_vars(workdir, count):
    """The same N accounts for both sides, as an extra-vars file."""
    accounts = [{"account_id": "44163299%04d" % n, "product": PRODUCT_ID, "first_name": "Bench",
                 "last_name": "Number %d" % n} for n in range(count)]
    path = os.path.join(workdir, "vars.json")
    with open(path, "w") as handle:
        json.dump({"customer": CUSTOMER, "product": PRODUCT_ID, "accounts": accounts}, handle)
    return path


def run_playbook(text, server, vars_file, workdir, name):
    path = os.path.join(workdir, name + ".yml")
    with open(path, "w") as handle:
        handle.write(text)
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": ensure(),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "PORTAPLUS_URL": server.url,
        "PORTAPLUS_LICENSE": "DEMO-LICENSE",
    })
    server.clear_log()
    started = time.monotonic()
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), path,
                           "-e", "@" + vars_file], env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit("%s failed:\n%s\n%s" % (name, proc.stdout[-3000:], proc.stderr[-3000:]))
    return {"seconds": round(elapsed, 2), "requests": server.counters()["requests"]}


def measure(count):
    rows = {}
    with tempfile.TemporaryDirectory() as workdir:
        vars_file = write_vars(workdir, count)
        for label, playbooks in (("baseline (uri loop)", (BASELINE_CREATE, BASELINE_CHECK)),
                                 ("collection (accounts)", (COLLECTION, COLLECTION))):
            with SandboxServer(seed="demo") as server:
                create = run_playbook(playbooks[0], server, vars_file, workdir, "create")
                recheck = run_playbook(playbooks[1], server, vars_file, workdir, "recheck")
            rows[label] = {"create": create, "recheck": recheck}
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100, help="accounts to provision (default 100)")
    args = parser.parse_args()
    rows = measure(args.accounts)
    base, ours = rows["baseline (uri loop)"], rows["collection (accounts)"]
    print("%d accounts for customer %d, sandbox on loopback" % (args.accounts, CUSTOMER))
    print("%-24s %12s %10s %12s %10s" % ("", "create s", "requests", "re-check s", "requests"))
    for label, row in rows.items():
        print("%-24s %12.2f %10d %12.2f %10d" % (label, row["create"]["seconds"], row["create"]["requests"],
                                                 row["recheck"]["seconds"], row["recheck"]["requests"]))
    ratios = dict((phase, {
        "speedup": round(base[phase]["seconds"] / max(ours[phase]["seconds"], 1e-9), 1),
        "fewer_requests": round(base[phase]["requests"] / max(ours[phase]["requests"], 1), 1),
    }) for phase in ("create", "recheck"))
    for phase, ratio in ratios.items():
        print("%s: collection is %.1fx faster with %.1fx fewer requests than the baseline"
              % (phase, ratio["speedup"], ratio["fewer_requests"]))
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "latest.json"), "w") as handle:
        json.dump({"accounts": args.accounts, "rows": rows, "ratios": ratios}, handle, indent=2)


if __name__ == "__main__":
    main()
