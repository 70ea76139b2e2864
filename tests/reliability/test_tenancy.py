"""Tenancy (issue 10, part 4): OTHER-LICENSE can neither read nor change DEMO-LICENSE's objects.

Each row names a plugin call twice: once aimed at an object DEMO-LICENSE's reseller has,
once at one that exists nowhere.  Run with OTHER-LICENSE, both must fail, with a clear
message naming the option, and the two messages must be the same once the object's own
identifier is taken out: our messages must not tell "exists elsewhere" from "does not exist".
Nothing may be written, and DEMO-LICENSE's data must be untouched.  The same run reads the product
catalogue with OTHER-LICENSE: its own products, none of DEMO-LICENSE's.
"""
import json
import re

from tests.reliability.conftest import OTHER_LICENSE, plugin_exists, query

ACME = 1001                  # DEMO-LICENSE's customer
INITECH = 2001               # OTHER-LICENSE's own customer
NO_CUSTOMER = 987654
ACME_ACCOUNT = "441632960001"
NO_ACCOUNT = "441699999999"

# (plugin, arguments aimed at DEMO's object, the same aimed at a missing object, option the
# failure must name, or "empty:<key>" for a read that must succeed with an empty <key>)
ROWS = [
    ("module:account_info", {"customer": ACME}, {"customer": NO_CUSTOMER}, "customer"),
    ("module:account_info", {"customer": ACME, "account_id": ACME_ACCOUNT},
     {"customer": NO_CUSTOMER, "account_id": ACME_ACCOUNT}, "customer"),
    # a filter on the License's own customer: an empty answer either way
    ("module:account_info", {"customer": INITECH, "account_id": ACME_ACCOUNT},
     {"customer": INITECH, "account_id": NO_ACCOUNT}, "empty:accounts"),
    ("module:accounts", {"customer": ACME, "config": [{"account_id": ACME_ACCOUNT, "email": "x@evil.example"}]},
     {"customer": NO_CUSTOMER, "config": [{"account_id": ACME_ACCOUNT, "email": "x@evil.example"}]}, "customer"),
    ("module:accounts", {"customer": ACME, "state": "gathered"}, {"customer": NO_CUSTOMER, "state": "gathered"},
     "customer"),
    ("module:account", {"customer": ACME, "account_id": ACME_ACCOUNT, "blocked": True},
     {"customer": NO_CUSTOMER, "account_id": ACME_ACCOUNT, "blocked": True}, "customer"),
    ("module:account", {"customer": ACME, "account_id": ACME_ACCOUNT, "state": "absent"},
     {"customer": NO_CUSTOMER, "account_id": ACME_ACCOUNT, "state": "absent"}, "customer"),
    ("module:account_addon", {"customer": ACME, "account_id": ACME_ACCOUNT, "addon": "Call Recording"},
     {"customer": NO_CUSTOMER, "account_id": ACME_ACCOUNT, "addon": "Call Recording"}, "customer"),
    ("module:account_addon", {"customer": INITECH, "account_id": ACME_ACCOUNT, "addon": "Call Recording"},
     {"customer": INITECH, "account_id": NO_ACCOUNT, "addon": "Call Recording"}, "account_id"),
    ("module:extension", {"customer": ACME, "number": "101", "name": "Owned"},
     {"customer": NO_CUSTOMER, "number": "101", "name": "Owned"}, "customer"),
    ("module:extension", {"customer": INITECH, "number": "109", "account_id": ACME_ACCOUNT},
     {"customer": INITECH, "number": "109", "account_id": NO_ACCOUNT}, "account_id"),
    ("module:extensions", {"customer": ACME, "state": "overridden", "config": [{"number": "101"}], "max_deletions": 10},
     {"customer": NO_CUSTOMER, "state": "overridden", "config": [{"number": "101"}], "max_deletions": 10}, "customer"),
    ("module:extensions", {"customer": ACME, "state": "gathered"}, {"customer": NO_CUSTOMER, "state": "gathered"},
     "customer"),
    ("module:extension_info", {"customer": ACME}, {"customer": NO_CUSTOMER}, "customer"),
    # plugins of other branches: rows are used once the plugin exists
    ("module:customer_info", {"customer": ACME}, {"customer": NO_CUSTOMER}, "customer"),
    ("module:cdr_export", {"customer": ACME, "dest": "{{ playbook_dir }}/export.csv", "from_date": "-30d"},
     {"customer": NO_CUSTOMER, "dest": "{{ playbook_dir }}/export.csv", "from_date": "-30d"}, "customer"),
    ("lookup:cdrs", {"customer": ACME, "from_date": "-30d"}, {"customer": NO_CUSTOMER, "from_date": "-30d"}, "customer"),
    ("lookup:cdrs", {"account": ACME_ACCOUNT, "from_date": "-30d"}, {"account": NO_ACCOUNT, "from_date": "-30d"},
     "account"),
    ("lookup:active_calls", {"customer": ACME}, {"customer": NO_CUSTOMER}, "customer"),
    ("lookup:active_calls", {"account": ACME_ACCOUNT}, {"account": NO_ACCOUNT}, "account"),
]
PRESENT = [row for row in ROWS if plugin_exists(*row[0].split(":"))]


def task_for(plugin, key):
    kind, name = plugin.split(":")
    if kind == "module":
        return ("    - name: %s\n      portaplus.softswitch.%s: \"{{ rows['%s'] }}\"\n"
                "      ignore_errors: true\n" % (key, name, key))
    return ("    - name: %s\n      ansible.builtin.set_fact:\n"
            "        looked_up: \"{{ lookup('portaplus.softswitch.%s', **rows['%s']) }}\"\n"
            "      ignore_errors: true\n" % (key, name, key))


def without_identifiers(message):
    """The message with the object's identifiers taken out, so two calls compare."""
    for value in (str(ACME), str(NO_CUSTOMER), ACME_ACCOUNT, NO_ACCOUNT):
        message = message.replace(value, "<id>")
    return re.sub(r"\s+", " ", message)


def demo_snapshot(server):
    return (query(server, "SELECT * FROM accounts WHERE i_customer IN (1001, 1002) ORDER BY i_account"),
            query(server, "SELECT * FROM extensions WHERE i_customer IN (1001, 1002) ORDER BY i_c_ext"),
            query(server, "SELECT * FROM account_addons ORDER BY i_account_addon"))


def test_other_license_can_neither_read_nor_change_demo_objects_and_gets_no_existence_oracle(ansible, rel, figures):
    before = demo_snapshot(rel)
    rows, plugins = {}, {}
    for n, (plugin, existing, missing, _option) in enumerate(PRESENT):
        rows["t%02d-existing" % n], rows["t%02d-missing" % n] = existing, missing
        plugins["t%02d-existing" % n] = plugins["t%02d-missing" % n] = plugin
    text = ("- hosts: localhost\n  gather_facts: false\n  connection: local\n"
            "  vars_files: [rows.json]\n  tasks:\n"
            + "".join(task_for(plugins[key], key) for key in sorted(rows))
            + "    - name: Catalogue\n      portaplus.softswitch.product_info: {}\n")
    run = ansible.playbook(text, license=OTHER_LICENSE, files={"rows.json": json.dumps({"rows": rows})},
                           extra_env={"ANSIBLE_PIPELINING": "1"})
    assert run.rc == 0, run.output[-3000:]
    recorded = dict((t["task"], t) for t in run.tasks)

    problems = []
    for n, (plugin, existing, _missing, option) in enumerate(PRESENT):
        outcome = {}
        for side in ("existing", "missing"):
            record = recorded.get("t%02d-%s" % (n, side))
            if record is None:
                problems.append("%s %s: no result" % (plugin, side))
                continue
            message = record["result"].get("msg") or ""
            if option.startswith("empty:"):
                found = record["result"].get(option[len("empty:"):])
                if record["status"] != "ok" or found != []:
                    problems.append("%s %s %s: expected an empty %s, got %s %s" % (
                        plugin, side, json.dumps(existing), option, record["status"], message or found))
                outcome[side] = json.dumps(found)
                continue
            if record["status"] != "failed":
                problems.append("%s %s %s: did not fail" % (plugin, side, json.dumps(existing)))
            elif option not in message:
                problems.append("%s %s: message does not name %r: %s" % (plugin, side, option, message[:300]))
            outcome[side] = without_identifiers(message)
        if len(outcome) == 2 and outcome["existing"] != outcome["missing"]:
            problems.append("%s %s: existence oracle, messages differ:\n  existing: %s\n  missing:  %s" % (
                plugin, json.dumps(existing), outcome["existing"][:300], outcome["missing"][:300]))
    writes = [r["route"] for r in rel.requests() if r["write"]]
    figures.add("tenancy", calls=len(rows), plugins=len(set(row[0] for row in PRESENT)),
                problems=len(problems), writes=len(writes))
    assert not problems, "\n".join(problems)
    assert writes == [], "OTHER-LICENSE's calls sent writes: %s" % writes
    assert demo_snapshot(rel) == before

    # the catalogue (same run): OTHER-LICENSE's own products, none of DEMO-LICENSE's anywhere in the run
    names = set(p["name"] for p in run.task("Catalogue")["result"]["products"])
    assert "Basic Line" in names
    for demo_only in ("Office Line", "Hosted PBX Seat", "SIP Trunk", "Voicemail to Email", "International Calling"):
        assert demo_only not in run.everything()
