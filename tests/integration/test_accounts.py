"""Accounts and their add-ons: real ansible-playbook runs against the sandbox.

Each test asserts on what the sandbox received (its request log), not only on what the
module reported: idempotence means zero write requests, batching means a request count
that does not grow with the number of accounts.
"""
import json
import os
import time

from tests.ansible_cli import copies, during, names, task_output
from tests.integration.conftest import DEMO_LICENSE, writes

ACME, GLOBEX, INITECH = 1001, 1002, 2001
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Passwords the sandbox seeds (sip-<i_account>-pw): Ansible does not know them, so only our
# masking keeps them out of the output.
SEEDED_PASSWORDS = ("sip-5001-pw", "sip-5002-pw", "sip-5003-pw")


def task(name, module, args, **keywords):
    """One task as YAML text; arguments as JSON (valid YAML) so any value round-trips."""
    text = "- name: %s\n  portaplus.softswitch.%s: %s\n" % (name, module, json.dumps(args))
    for keyword, value in keywords.items():
        text += "  %s: %s\n" % (keyword, json.dumps(value))
    return text


def routes(requests):
    return [request["route"] for request in requests]


def failed(result, name):
    """Whether the task failed (ansible-core 2.19 callbacks do not put "failed" in the result)."""
    return [t["status"] for t in result.tasks if t["task"] == name][-1] == "failed"


def changed_by_task(result):
    return dict((t["task"], t["result"].get("changed")) for t in result.tasks)


def everything(result):
    """All a user could see of a run: stdout, stderr and every task result."""
    return result.output + json.dumps(result.tasks)


NEW_AND_CHANGED = (
    task("Provision accounts", "accounts", {"customer": ACME, "config": [
        {"account_id": "441632960010", "product": "Hosted PBX Seat", "first_name": "Dana", "last_name": "Dorsey",
         "email": "dana@acme.example", "extension": "210", "password": "Dana-Secret-1", "credit_limit": 75,
         "addons": ["Voicemail to Email", "call recording"]},
        {"account_id": "441632960011", "product": 1, "first_name": u"Zo\u00eb", "last_name": u"\u0141ukasiewicz",
         "email": u"zo\u00eb@b\u00fccher.example", "blocked": True, "unified_messaging": True},
        {"account_id": "441632960002", "email": "robert@acme.example", "password": "Bob-New-Secret"},
        {"account_id": "441632960003", "blocked": False},
    ]}, register="provisioned")
    + task("One more account", "account", {"customer": ACME, "account_id": "441632960012", "product": "SIP Trunk",
                                           "first_name": "Eve", "password": "Eve-Secret-9", "addons": [13]})
    + task("Read back", "account_info", {"customer": ACME})
)


def test_accounts_converge_with_check_mode_diff_and_no_writes_on_the_second_run(play, sandbox):
    # One run with --diff: the tasks in check mode, for real, then both again (nothing left to do).
    check, real = copies(NEW_AND_CHANGED, " (check)", check_mode=True), NEW_AND_CHANGED
    check_again, again = copies(NEW_AND_CHANGED, " (again, check)", check_mode=True), copies(NEW_AND_CHANGED, " (again)")
    result = play(check + real + check_again + again, diff=True)
    assert result.rc == 0, result.output
    requests = sandbox.requests()
    assert [r for r in during(requests, result, *names(check)) if r["write"]] == [], "check mode must not write"

    changed = changed_by_task(result)
    expected = {"Provision accounts": True, "One more account": True, "Read back": False}
    assert dict((name, changed[name + " (check)"]) for name in expected) == expected
    assert dict((name, changed[name]) for name in expected) == expected
    provisioned = result.task("Provision accounts")
    assert provisioned["created"] == ["441632960010", "441632960011"]
    assert sorted(provisioned["updated"]) == ["441632960002", "441632960003"]
    # Updates first (one request), then one create per product, a read-back, one follow-up and one add-on request.
    assert routes(r for r in during(requests, result, *names(real)) if r["write"])[:4] == [
        "/UpdateAccount", "/CreateAccounts", "/CreateAccounts", "/UpdateAccount"]

    accounts = dict((a["account_id"], a) for a in result.task("Read back")["accounts"])
    dana, zoe = accounts["441632960010"], accounts["441632960011"]
    assert (dana["product"], dana["extension"], dana["credit_limit"]) == ("Hosted PBX Seat", "210", 75.0)
    assert dana["addons"] == ["Call Recording", "Voicemail to Email"]
    assert all(addon["effective_from"] for addon in dana["addon_details"])
    assert (zoe["first_name"], zoe["last_name"], zoe["email"]) == (u"Zo\u00eb", u"\u0141ukasiewicz", u"zo\u00eb@b\u00fccher.example")
    assert (zoe["product"], zoe["blocked"], zoe["unified_messaging"]) == ("Office Line", True, True)
    assert accounts["441632960002"]["email"] == "robert@acme.example"
    assert accounts["441632960003"]["blocked"] is False
    assert accounts["441632960012"]["addons"] == ["International Calling"]
    assert "password" not in dana

    # --diff: one diff per account headed by its ID, YAML text, passwords masked, non-ASCII as itself (H9).
    printed = task_output(result.stdout, *names(real))
    assert '--- before: account 441632960002\n+++ after: account 441632960002 (changed)\n' in printed
    assert '-  email: "bob@acme.example"' in printed
    assert '+  email: "robert@acme.example"' in printed
    assert '+  password: "******** (changed)"' in printed
    assert u'+  first_name: "Zo\u00eb"' in printed and "\\u00eb" not in result.stdout
    every_hunk_is_named(result.stdout)
    diffs = dict((d["after_header"], d) for d in provisioned["diff"])
    assert '  blocked: true' in diffs["account 441632960003 (changed)"]["before"]
    assert '  blocked: false' in diffs["account 441632960003 (changed)"]["after"]
    assert '  password: "********"' in diffs["account 441632960010 (created)"]["after"]
    for secret in SEEDED_PASSWORDS + ("Dana-Secret-1", "Bob-New-Secret", "Eve-Secret-9"):
        assert secret not in everything(result)

    assert set(changed[name] for name in names(check_again) + names(again)) == {False}
    assert [r for r in during(requests, result, *(names(check_again) + names(again))) if r["write"]] == []


def every_hunk_is_named(stdout):
    """Every hunk of a --diff output sits under a header that names its object (H9)."""
    header = None
    hunks = 0
    for line in stdout.splitlines():
        if line.startswith("--- ") or line.startswith("+++ "):
            header = line
        elif line.startswith("@@"):
            assert header and (" account " in header or " extension " in header or "add-on" in header), line
            hunks += 1
        elif line.startswith("TASK ["):
            header = None
    assert hunks, stdout


def bulk_config(count, prefix):
    return [{"account_id": "%s%04d" % (prefix, n), "product": "Office Line", "first_name": "User",
             "last_name": "No %d" % n, "email": "user%d@example.com" % n, "addons": ["Call Recording"],
             "blocked": n % 100 == 1} for n in range(count)]


def test_500_accounts_are_created_in_as_many_requests_as_5_and_3_changes_are_one_request(play, sandbox):
    # One run: 5 new accounts, 500 new accounts, the 500 again (no-op), then 3 of them changed.
    config = bulk_config(500, "44170002")
    three = json.loads(json.dumps(config))
    for n in (7, 250, 499):
        three[n]["email"] = "changed%d@example.com" % n
    result = play(task("Small", "accounts", {"customer": ACME, "config": "{{ small }}"})
                  + task("Big", "accounts", {"customer": GLOBEX, "config": "{{ big }}"})
                  + task("Same", "accounts", {"customer": GLOBEX, "config": "{{ big }}"})
                  + task("Three", "accounts", {"customer": GLOBEX, "config": "{{ three }}"}),
                  vars_text="small: %s\nbig: %s\nthree: %s\n" % (
                      json.dumps(bulk_config(5, "44170001")), json.dumps(config), json.dumps(three)))
    assert result.rc == 0, result.output
    requests = sandbox.requests()
    assert len(result.task("Big")["created"]) == 500
    assert routes(during(requests, result, "Big")) == routes(during(requests, result, "Small")) == [
        "/GetAccounts/{License}/{ICustomer}", "/GetProducts/{License}",
        "/GetAccountsByAccountIDs",       # where the new IDs are in use, one read for all of them (H5)
        "/CreateAccounts", "/GetAccounts/{License}/{ICustomer}",
        "/UpdateAccount", "/UpdateAccountByProductAddons/{License}",   # blocked ones; add-ons of all
        "/GetAccounts/{License}/{ICustomer}",
    ]
    after = dict((a["account_id"], a) for a in result.task("Big")["after"])
    assert after["441700020001"]["blocked"] is True and after["441700020002"]["blocked"] is False
    assert after["441700020499"]["addons"] == ["Call Recording"]

    same = during(requests, result, "Same")
    assert result.task("Same")["changed"] is False
    assert [r for r in same if r["write"]] == [] and len(same) == 2

    assert sorted(result.task("Three")["updated"]) == ["441700020007", "441700020250", "441700020499"]
    assert routes(r for r in during(requests, result, "Three") if r["write"]) == ["/UpdateAccount"]


PARTIAL_CONFIG = [{"account_id": "4416329602%02d" % n, "product": "Office Line", "first_name": "Part",
                   "last_name": str(n), "addons": ["Call Recording"]} for n in range(6)]
CONVERGE = (task("Create six", "accounts", {"customer": GLOBEX, "config": PARTIAL_CONFIG, "timeout": 2}, ignore_errors=True)
            + task("Read back", "account_info", {"customer": GLOBEX, "search": "44163296020"}))


def test_a_create_batch_that_fails_half_way_is_read_back_and_only_the_missing_half_is_sent_again(play, sandbox):
    sandbox.set_faults(fault_rate=1.0, kinds=["partial"], routes=["/CreateAccounts"], max_faults=1)
    run = play(CONVERGE + copies(CONVERGE, " (again)"))       # the one fault is spent by the first create
    assert run.rc == 0, run.output
    requests = sandbox.requests()
    assert run.task("Create six")["changed"] is True
    creates = [r for r in during(requests, run, "Create six") if r["route"] == "/CreateAccounts"]
    assert len(creates) == 2                              # the first committed half, then only the missing half (H6)
    final = [a["account_id"] for a in run.task("Read back")["accounts"]]
    assert sorted(final) == sorted(a["account_id"] for a in PARTIAL_CONFIG)   # none missing, none twice
    assert all(a["addons"] == ["Call Recording"] for a in run.task("Read back")["accounts"])

    assert run.task("Create six (again)")["changed"] is False
    assert [r for r in during(requests, run, *names(copies(CONVERGE, " (again)"))) if r["write"]] == []


def logged_writes(sandbox, route, timeout=10):
    """Write requests to ``route``; a request the sandbox hangs on is logged only when it ends."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in writes(sandbox) if r["route"] == route]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_create_that_times_out_is_read_back_not_sent_again(play, sandbox):
    # The sandbox commits, then hangs longer than the task's timeout (2 s) before dropping the connection.
    sandbox.set_faults(fault_rate=1.0, kinds=["timeout"], routes=["/CreateAccounts"], max_faults=1, hang_s=3)
    timed_out = play(CONVERGE)
    result = timed_out.task("Create six")
    assert not failed(timed_out, "Create six"), result.get("msg")
    assert result["changed"] is True and len(result["created"]) == 6
    assert len(logged_writes(sandbox, "/CreateAccounts")) == 1
    assert len(timed_out.task("Read back")["accounts"]) == 6
    assert all(a["addons"] == ["Call Recording"] for a in timed_out.task("Read back")["accounts"])

    sandbox.clear_faults()
    sandbox.clear_log()
    assert play(CONVERGE).task("Create six")["changed"] is False
    assert writes(sandbox) == []


def bad(name, module, args, expected):
    return (name, expected, task(name, module, args, ignore_errors=True))


# Rows whose message tests/unit/test_account_spec.py checks word for word, and whose module and option
# tests/reliability/test_bad_inputs.py shows failing before any write, are not repeated here (a malformed
# e-mail, '/', a format suffix or non-ASCII in an ID, an overlong name, a negative credit limit, an extension
# in use): each of these rows is a module task of its own.
BAD_INPUT = [
    bad("Unknown product", "accounts", {"customer": ACME, "config": [
        {"account_id": "441632960050", "product": "Office Line"},
        {"account_id": "441632960051", "product": "Hosted PBX Sweat"}]},
        "config[1].product: unknown main product; did you mean 'Hosted PBX Seat' (id 2)? (got 'Hosted PBX Sweat')"),
    bad("Unknown add-on", "accounts", {"customer": ACME, "config": [
        {"account_id": "441632960001", "addons": ["Call Recordings"]}]},
        "config[0].addons[0]: unknown add-on; did you mean 'Call Recording' (id 11)? (got 'Call Recordings')"),
    bad("Duplicate account_id", "accounts", {"customer": ACME, "config": [
        {"account_id": "441632960050", "product": 1}, {"account_id": "441632960050", "product": 2}]},
        "config: account_id '441632960050' is listed twice (items 0 and 1)"),
    bad("Wrong type of credit_limit", "accounts", {"customer": ACME, "config": [
        {"account_id": "441632960050", "product": 1, "credit_limit": "lots"}]},
        "config[0].credit_limit: must be a number (got 'lots')"),
    bad("Boolean credit_limit", "accounts", {"customer": ACME, "config": [
        {"account_id": "441632960050", "product": 1, "credit_limit": True}]},
        "config[0].credit_limit: must be a number, not bool (got True)"),
    bad("Wrong type of product", "accounts", {"customer": ACME, "config": [
        {"account_id": "441632960050", "product": [1, 2]}]},
        "config[0].product: must be the name or the id of a main product, not a list"),
    bad("Password with a newline", "account", {"customer": ACME, "account_id": "441632960050", "product": 1,
                                               "password": "Secret\nPass"},
        "password: must not contain control characters (tab, newline, ...)"),
    bad("Changing an extension", "account", {"customer": ACME, "account_id": "441632960001", "extension": "555"},
        "extension: can only be set when an account is created; account 441632960001 has extension '101'"),
    bad("Another License's customer", "accounts", {"customer": INITECH, "config": [{"account_id": "x1", "product": 1}]},
        "customer: no customer with this id is visible to the License (got 2001)"),
]


def test_the_license_never_appears_even_at_vvvv(play, sandbox):
    explicit = {"url": sandbox.url, "license": DEMO_LICENSE}
    # Failing tasks take it from a variable: ansible-core shows the source lines of a failed task,
    # and a License written into a playbook is the playbook's leak, not the module's.
    templated = {"url": sandbox.url, "license": "{{ lookup('ansible.builtin.env', 'PORTAPLUS_LICENSE') }}"}
    tasks = (   # failing tasks first, so no source line shown for them holds the explicit License
        task("Foreign customer", "accounts", dict(templated, customer=INITECH, state="gathered"), ignore_errors=True)
        + task("Server error on the add-on route", "account_addon", dict(
            templated, customer=ACME, account_id="441632960002", addon="Call Recording"), ignore_errors=True)
        + task("Server error on a write", "account", dict(
            templated, customer=ACME, account_id="441632960002", email="b@acme.example"), ignore_errors=True)
        + task("Create with an explicit license", "accounts", dict(explicit, customer=ACME, config=[
            {"account_id": "441632960070", "product": "Office Line", "password": "Lic-Test-Pass",
             "addons": ["Call Recording"]}]))
        + task("Read one", "account_info", dict(explicit, account_id="441632960070"))
        + task("Catalogue", "product_info", dict(explicit, search="call"))
    )
    # each failing write is read back and re-sent up to 3 times (H6): 4 faults for each of the two tasks
    sandbox.set_faults(fault_rate=1.0, kinds=["500"], routes=["/UpdateAccountByProductAddons/{License}", "/UpdateAccount"],
                       max_faults=8)
    result = play(tasks, verbosity=4)
    assert result.task("Create with an explicit license")["created"] == ["441632960070"]
    assert failed(result, "Foreign customer")
    assert failed(result, "Server error on the add-on route") and failed(result, "Server error on a write")
    assert "changing the add-ons of account 441632960002 failed: 500" in result.task("Server error on the add-on route")["msg"]
    assert result.task("Read one")["accounts"][0]["account_id"] == "441632960070"
    assert "ESTABLISH LOCAL CONNECTION" in result.stdout          # really -vvvv
    text = everything(result)
    for secret in (DEMO_LICENSE, DEMO_LICENSE.lower(), "Lic-Test-Pass") + SEEDED_PASSWORDS:
        assert secret not in text, secret


# Alice as seeded: overriding with her complete record terminates the others and changes nothing of hers.
ALICE = {"account_id": "441632960001", "product": "Hosted PBX Seat", "first_name": "Alice", "last_name": "Archer",
         "email": "alice@acme.example", "credit_limit": 50, "addons": ["Call Recording"]}


def test_overridden_and_deleted_respect_max_deletions(play, sandbox):
    refused = (
        task("Override without enough allowance", "accounts", {
            "customer": ACME, "state": "overridden", "max_deletions": 1, "config": [ALICE]}, ignore_errors=True)
        + task("Delete everything by default allowance", "accounts", {"customer": GLOBEX, "state": "deleted"},
               ignore_errors=True))
    allowed = (
        task("Override", "accounts", {"customer": ACME, "state": "overridden", "max_deletions": 2, "config": [ALICE]})
        + task("Left", "account_info", {"customer": ACME})
        + task("Reuse a terminated ID", "account", {"customer": ACME, "account_id": "441632960003", "product": 1})
        + task("Terminate Globex's account", "accounts", {"customer": GLOBEX, "state": "deleted", "max_deletions": 1})
        + task("Terminate it again", "account", {"customer": ACME, "account_id": "441632960003", "state": "absent"}))
    result = play(refused + allowed, diff=True)
    assert result.rc == 0, result.output
    message = result.task("Override without enough allowance")["msg"]
    assert "state=overridden would irreversibly terminate 2 accounts (441632960002, 441632960003)" in message
    assert "more than max_deletions=1 allows; nothing was changed" in message
    assert "max_deletions=0" in result.task("Delete everything by default allowance")["msg"]
    requests = sandbox.requests()
    assert [r for r in during(requests, result, *names(refused)) if r["write"]] == []

    assert result.task("Override")["deleted"] == ["441632960002", "441632960003"]
    assert [a["account_id"] for a in result.task("Left")["accounts"]] == ["441632960001"]
    assert result.task("Reuse a terminated ID")["account"]["product"] == "Office Line"      # A6: the ID is free again
    assert result.task("Terminate Globex's account")["deleted"] == ["441632960101"]
    assert result.task("Terminate it again")["existed"] is True
    assert result.task("Terminate it again")["account"] == {}
    assert routes(writes(sandbox)) == ["/UpdateAccount", "/CreateAccounts", "/UpdateAccount", "/UpdateAccount"]


def test_module_defaults_of_the_action_group_supply_the_connection(play, sandbox):
    tasks = """
    - module_defaults:
        group/portaplus.softswitch.api:
          url: "%s"
          license: %s
      block:
    """.rstrip(" ") % (sandbox.url, DEMO_LICENSE)
    body = (task("Accounts", "accounts", {"customer": ACME, "config": [{"account_id": "441632960080", "product": 1}]})
            + task("Account", "account", {"customer": ACME, "account_id": "441632960081", "product": 2})
            + task("Add-on", "account_addon", {"customer": ACME, "account_id": "441632960081", "addon": "Call Recording"})
            + task("Info", "account_info", {"customer": ACME, "search": "4416329600"})
            + task("Products", "product_info", {}))
    # The environment points elsewhere: only module_defaults can make these tasks work.
    result = play(tasks + "\n".join("        " + line for line in body.splitlines()) + "\n",
                  extra_env={"PORTAPLUS_URL": "http://127.0.0.1:9", "PORTAPLUS_LICENSE": "WRONG-LICENSE"})
    assert result.rc == 0, result.output
    assert result.task("Accounts")["created"] == ["441632960080"]
    assert result.task("Add-on")["addon"]["addon_id"] == 11
    assert "441632960081" in [a["account_id"] for a in result.task("Info")["accounts"]]
    assert result.task("Products")["addons"]


def test_demo_playbook_provisions_and_shows_accounts_idempotently(play, sandbox):
    # The tasks file imported twice in one run: the second time it changes and writes nothing.
    tasks = "- ansible.builtin.import_tasks: %s\n" % os.path.join(REPO, "examples", "tasks", "accounts.yml")
    result = play(tasks + tasks)
    assert result.rc == 0, result.output
    half = len(result.tasks) // 2
    first, second = result.tasks[:half], result.tasks[half:]
    assert half and [t["task"] for t in first] == [t["task"] for t in second]
    assert any(t["result"].get("changed") for t in first)
    header = "TASK [%s]" % first[0]["task"]
    printed_first = result.stdout[:result.stdout.index(header, result.stdout.index(header) + 1)]
    assert "441632960020" in printed_first
    assert not any(t["result"].get("changed") for t in second)
    start, end = second[0]["start"], second[-1]["end"]
    assert [r for r in writes(sandbox) if start <= r["at"] <= end] == []
