"""Concurrency (issue 10, part 5).

* Two runs on the same customer at once: the API has no locking and updates send whole
  records, so the outcome is "last write wins" per account.  This test documents it:
  neither run fails, nothing is duplicated, and every account ends as one of the two
  declarations said; which one is not determined.  Hence the recommendation in
  docs/reliability.md: one inventory host per customer.
* The recommended layout (`playbooks/provision.yml`, one host per customer file) with
  `--forks 8` over 8 customers: each ends exactly as declared (new accounts with add-ons, an
  existing account updated and another one removed by `overridden`, extensions bound to new,
  existing and no account), nothing crosses to another customer or touches a seeded one, and
  the per-task record of the run shows that every customer was worked on by one host only,
  never by two workers at overlapping times.
"""
import json
import os
import threading

import pytest

from portaplus_sandbox.testing import SandboxServer
from tests.reliability.conftest import Ansible, query, task_yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

GLOBEX = 1002
SHARED = ["4417050%05d" % n for n in range(40)]


def declaration(label):
    return [{"account_id": account_id, "product": "Office Line", "first_name": label,
             "email": "%s%d@globex.example" % (label.lower(), n)} for n, account_id in enumerate(SHARED)]


def test_two_runs_on_one_customer_at_once_last_write_wins_without_duplicates(ansible, rel, figures):
    playbooks = {}
    for label in ("Alpha", "Beta"):
        playbooks[label] = ("- hosts: localhost\n  gather_facts: false\n  connection: local\n  tasks:\n"
                            + "\n".join("    " + line for line in task_yaml(
                                "Accounts " + label, "portaplus.softswitch.accounts",
                                {"customer": GLOBEX, "config": declaration(label)}).splitlines()) + "\n")
    results = {}

    def run(label):
        results[label] = ansible.playbook(playbooks[label])

    threads = [threading.Thread(target=run, args=(label,)) for label in playbooks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    rows = query(rel, "SELECT account_id, FirstName, Email, bill_status FROM accounts"
                      " WHERE i_customer = ? AND account_id LIKE '4417050%'", (GLOBEX,))
    open_rows = [r for r in rows if r["bill_status"] != "C"]
    ids = sorted(r["account_id"] for r in open_rows)
    winners = dict((label, sum(1 for r in open_rows if r["FirstName"] == label)) for label in playbooks)
    figures.add("concurrency", same_customer_runs=2, accounts=len(SHARED), alpha_wins=winners["Alpha"],
                beta_wins=winners["Beta"], failed_runs=sum(1 for r in results.values() if r.rc != 0))

    assert ids == sorted(SHARED), "no account may be missing or duplicated"
    for row in open_rows:
        label = row["FirstName"]
        assert label in playbooks, row
        # each record is whole: name and e-mail come from the same declaration
        assert row["Email"].startswith(label.lower()), row
    # Both runs finish: the one that loses the race to create finds the accounts created by the
    # other (the server refuses a duplicate ID) and updates them instead, or fails saying so.
    for label, result in results.items():
        assert "Traceback" not in result.output, result.output[-2000:]


# -- the recommended layout: playbooks/provision.yml, one host per customer --------------------

CUSTOMERS = list(range(1101, 1109))       # the sandbox's `--customers 8` generated customers
PER_CUSTOMER = 6


def existing_account(index, rank):
    """Account IDs the sandbox's `--accounts 16` generator gives customer `index` (round robin): two each."""
    return "44163297%04d" % (index + 1 + rank * len(CUSTOMERS))


def customer_file(index, customer):
    """New accounts and their extensions; the customer's first existing account kept and updated, its
    second one removed (overridden, within max_deletions); an extension on the kept account, one on none."""
    accounts = [{"account_id": "44172%02d%05d" % (index, n), "product": "Hosted PBX Seat" if n % 2 else "Office Line",
                 "first_name": "Cust%d" % customer, "last_name": "Line %d" % n,
                 "email": "line%d@customer%d.example" % (n, customer), "addons": ["Call Recording"] if n % 3 == 0 else []}
                for n in range(PER_CUSTOMER)]
    # the same extension numbers in every customer: nothing may cross between them
    extensions = [{"number": "5%02d" % n, "name": "Desk %d of %d" % (n, customer), "account_id": a["account_id"]}
                  for n, a in enumerate(accounts)]
    kept = existing_account(index, 0)
    accounts.append({"account_id": kept, "first_name": "Kept", "last_name": str(index),
                     "email": "kept%d@customer.example" % index})
    extensions += [{"number": "600", "name": "Kept %d" % index, "account_id": kept},
                   {"number": "601", "name": "Lobby %d" % index}]
    return {"customer": customer, "name": "Customer %d" % customer,
            "policy": {"accounts": {"state": "overridden", "max_deletions": 1}, "extensions": {"state": "overridden"}},
            "accounts": accounts, "extensions": extensions}


@pytest.fixture(scope="module")
def eight_customers(tmp_path_factory):
    db = tmp_path_factory.mktemp("eight-customers") / "sandbox.sqlite"
    with SandboxServer(seed="demo", db_path=str(db), extra_args=["--customers", str(len(CUSTOMERS)),
                                                                 "--accounts", str(2 * len(CUSTOMERS))]) as server:
        server.db_file = str(db)
        yield server


def overlapping(intervals):
    """Pairs of (start, end) intervals that overlap in time."""
    ordered = sorted(intervals)
    return [(a, b) for a, b in zip(ordered, ordered[1:]) if b[0] < a[1]]


def test_provision_with_forks_8_over_8_customers_ends_exactly_as_declared_one_worker_per_customer(
        eight_customers, tmp_path, figures):
    server = eight_customers
    server.reset()
    ansible = Ansible(server, tmp_path)
    files = dict(("customers/c%d.yml" % customer, json.dumps(customer_file(n, customer)))
                 for n, customer in enumerate(CUSTOMERS))
    playbook = open(os.path.join(REPO, "playbooks", "provision.yml")).read()
    run = ansible.playbook(playbook, args=["-e", "customers_dir={{ playbook_dir }}/../customers", "--forks", "8"], files=files,
                           playbook_name="playbooks/provision.yml")
    assert run.rc == 0, run.output[-4000:]

    problems = []
    for n, customer in enumerate(CUSTOMERS):
        want = customer_file(n, customer)
        accounts = query(server, "SELECT a.i_account, a.account_id, p.name AS product, a.FirstName, a.LastName, a.Email"
                                 " FROM accounts a JOIN products p ON p.i_product = a.i_product"
                                 " WHERE a.i_customer = ? AND a.bill_status <> 'C'", (customer,))
        by_id = dict((a["account_id"], a) for a in accounts)
        if sorted(by_id) != sorted(a["account_id"] for a in want["accounts"]):
            problems.append("customer %d has accounts %s" % (customer, sorted(by_id)))
            continue
        for a in want["accounts"]:
            have = by_id[a["account_id"]]
            seen = {"product": have["product"], "first_name": have["FirstName"], "last_name": have["LastName"],
                    "email": have["Email"]}
            if dict((k, seen[k]) for k in seen if k in a) != dict((k, a[k]) for k in seen if k in a):
                problems.append("customer %d account %s is %s" % (customer, a["account_id"], seen))
            addons = sorted(r["name"] for r in query(
                server, "SELECT p.name FROM account_addons x JOIN products p ON p.i_product = x.i_product"
                        " WHERE x.i_account = ? AND x.effective_to IS NULL", (have["i_account"],)))
            if "addons" in a and addons != sorted(a["addons"]):
                problems.append("customer %d account %s has add-ons %s" % (customer, a["account_id"], addons))
        # an extension bound to no account has i_account 0
        extensions = dict((e["id"], (e["name"], e["i_account"] or 0)) for e in query(
            server, "SELECT id, name, i_account FROM extensions WHERE i_customer = ?", (customer,)))
        wanted = dict((e["number"], (e["name"], by_id[e["account_id"]]["i_account"] if e.get("account_id") else 0))
                      for e in want["extensions"])
        if extensions != wanted:
            problems.append("customer %d extensions %s, want %s" % (customer, extensions, wanted))

    # Which host worked on which customer, and when (the callback's start/end per task and host).
    hosts_of, intervals_of = {}, {}
    for record in run.tasks:
        # the customer module's action plugin returns no invocation: its plan names the customer
        args = (record["result"].get("invocation") or {}).get("module_args") or {}
        customer = args.get("customer") or (record["result"].get("plan") or {}).get("customer")
        if customer is None or record["start"] is None:
            continue
        hosts_of.setdefault(customer, set()).add(record["host"])
        intervals_of.setdefault(customer, []).append((record["start"], record["end"]))
    shared = dict((c, sorted(h)) for c, h in hosts_of.items() if len(h) > 1)
    overlaps = dict((c, len(overlapping(i))) for c, i in intervals_of.items() if overlapping(i))
    all_intervals = [i for c in intervals_of.values() for i in c]
    figures.add("concurrency", customers=len(CUSTOMERS), forks=8, hosts=len(set(h for s in hosts_of.values() for h in s)),
                customers_on_two_workers=len(shared), overlapping_pairs_across_customers=len(overlapping(all_intervals)),
                problems=len(problems))
    assert sorted(h for h in run.recap if h != "localhost") == sorted(
        os.path.splitext(os.path.basename(name))[0] for name in files), run.recap
    assert sorted(hosts_of) == CUSTOMERS, "every customer must have been worked on"
    # the seeded customer was never touched
    seeded = query(server, "SELECT account_id FROM accounts WHERE i_customer = 1001 AND bill_status <> 'C'")
    assert sorted(a["account_id"] for a in seeded) == ["441632960001", "441632960002", "441632960003"]
    assert not shared, "customers worked on by more than one host: %s" % shared
    assert not overlaps, "tasks on one customer overlapped in time: %s" % overlaps
    assert not problems, "\n".join(problems)


def test_provision_refuses_two_files_for_one_customer_before_any_write(eight_customers, tmp_path):
    server = eight_customers
    server.reset()
    ansible = Ansible(server, tmp_path)
    files = {"customers/a.yml": json.dumps(customer_file(0, CUSTOMERS[0])),
             "customers/b.yml": json.dumps(dict(customer_file(1, CUSTOMERS[1]), customer=CUSTOMERS[0]))}
    playbook = open(os.path.join(REPO, "playbooks", "provision.yml")).read()
    run = ansible.playbook(playbook, args=["-e", "customers_dir={{ playbook_dir }}/../customers", "--forks", "8"], files=files,
                           playbook_name="playbooks/provision.yml")
    assert run.rc != 0
    assert "same customer" in run.output
    assert [r for r in server.requests() if r["write"]] == []
