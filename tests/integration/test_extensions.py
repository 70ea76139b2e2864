"""Extensions end to end: real ansible-playbook runs of the extension modules against the sandbox.

Demo data (customer 1001 of DEMO-LICENSE): 101 "Reception" (record 7001) on 441632960001
(Alice, i_account 5001), 102 "Sales" (7002) on 441632960002 (Bob, 5002); 441632960003
(Carol, 5003) has none. Customer 1002: 201 "Front Desk" (7003) on 441632960101 (5004), which
is also how "an account of another customer" is tested. Alice and Dan (5004) are in a call.
"""
import json

from tests.integration.conftest import DEMO_LICENSE, writes
from tests.ansible_cli import copies, during, names, task_output

ALICE, BOB, CAROL, DAN = "441632960001", "441632960002", "441632960003", "441632960101"


def op_of(request):
    return request["path"].split("/")[1]


def by_number(items):
    return dict((item["number"], item) for item in items)


def failure(result, name):
    """The result of task ``name``, which must have failed (its errors were ignored)."""
    statuses = [task["status"] for task in result.tasks if task["task"] == name]
    assert statuses == ["failed"], (name, statuses, result.stdout)
    return result.task(name)


def path_values(request):
    """The values after the License and the customer in a logged request path."""
    return request["path"].split("/")[4:]


CONVERGE = """
- name: converge
  portaplus.softswitch.extensions:
    customer: 1001
    config:
      - number: "101"
        name: Front Desk
      - number: "102"
        account_id: "441632960003"
      - number: "103"
        name: Support
  register: converge
"""


def test_check_then_real_then_idempotent_with_field_level_diff(play, sandbox):
    # One --diff run: converge in check mode (the task keyword), for real, then again (nothing left to do).
    result = play(copies(CONVERGE, " (check)", check_mode=True) + CONVERGE + copies(CONVERGE, " (again)"), diff=True)
    assert result.rc == 0, result.output
    requests = sandbox.requests()
    assert [r for r in during(requests, result, "converge (check)") if r["write"]] == []
    check = result.task("converge (check)")
    assert check["changed"] is True
    assert (check["created"], sorted(check["updated"]), check["deleted"]) == (["103"], ["101", "102"], [])
    # one diff per changed extension, headed by its number, YAML text keyed by it (H9)
    assert [(d["before_header"], d["after_header"]) for d in check["diff"]] == [
        ("extension 101", "extension 101 (changed)"), ("extension 102", "extension 102 (changed)"),
        ("extension 103", "extension 103 (created)")]
    assert check["diff"][0]["before"] == '"101":\n  name: "Reception"\n  account_id: "%s"\n' % ALICE
    assert check["diff"][1]["after"] == '"102":\n  name: "Sales"\n  account_id: "%s"\n' % CAROL
    assert check["diff"][2]["before"] == "" and check["diff"][2]["after"] == '"103":\n  name: "Support"\n  account_id: ""\n'
    predicted = task_output(result.stdout, "converge (check)")
    assert '--- before: extension 101\n+++ after: extension 101 (changed)\n' in predicted
    assert '-  name: "Reception"' in predicted
    assert '+  name: "Front Desk"' in predicted
    assert '-  account_id: "441632960002"' in predicted

    applied = result.task("converge")
    assert (applied["changed"], applied["created"], sorted(applied["updated"]), applied["deleted"]) == \
        (check["changed"], check["created"], sorted(check["updated"]), check["deleted"])
    assert applied["diff"] == check["diff"]
    assert [item for item in check["after"] if item["number"] != "103"] == \
        [item for item in applied["after"] if item["number"] != "103"]
    # rename and move update the existing records in place: one request each, no delete/add for them
    real = during(requests, result, "converge")
    assert [(op_of(r), path_values(r)[0]) for r in real if r["write"]] == [
        ("UpdateCustomerExtension", "7001"), ("UpdateCustomerExtension", "7002"), ("AddCustomerExtension", "Support")]
    after = by_number(applied["after"])
    assert (after["101"]["record_id"], after["101"]["name"], after["101"]["account_id"]) == (7001, "Front Desk", ALICE)
    assert (after["102"]["record_id"], after["102"]["name"], after["102"]["account_id"]) == (7002, "Sales", CAROL)
    assert after["102"]["first_name"] == "Carol"
    assert (after["103"]["name"], after["103"]["account_id"], after["103"]["i_account"]) == ("Support", "", 0)
    assert [op_of(r) for r in real].count("GetCustomerExtensions") == 2  # the read, and the read-back after writing
    assert [op_of(r) for r in real].count("GetAccounts") == 1  # 102 moves to an account it was not on: resolved once

    assert result.task("converge (again)")["changed"] is False
    assert [op_of(r) for r in during(requests, result, "converge (again)")] == ["GetCustomerExtensions"]
    assert len(writes(sandbox)) == 3            # the real step's, no other


def test_one_read_per_run_whatever_the_number_of_extensions(play, sandbox):
    config = "".join('\n      - number: "%d"\n        name: Desk %d' % (400 + n, n) for n in range(50))
    tasks = """
- name: fifty
  portaplus.softswitch.extensions:
    customer: 1001
    config:%s
""" % config
    result = play(tasks + copies(tasks, " again"))
    assert result.rc == 0, result.output
    requests = sandbox.requests()
    first = [op_of(r) for r in during(requests, result, "fifty")]
    assert len(result.task("fifty")["created"]) == 50
    assert first.count("AddCustomerExtension") == 50
    assert first.count("GetCustomerExtensions") == 2
    assert "GetAccounts" not in first  # nobody is bound to an account: nothing to resolve

    assert result.task("fifty again")["changed"] is False
    assert len(result.task("fifty again")["before"]) == 52
    assert [op_of(r) for r in during(requests, result, "fifty again")] == ["GetCustomerExtensions"]


SPECIAL_NAMES = ["Q? & A", "#1 Desk", "100% Sales", "  Two  spaces  ", u"Caf\u00e9 \u65e5\u672c \u260e", "a+b=c;d,e", "v1.2.htm"]


def test_names_round_trip_and_bad_input_fails_before_any_write(play, sandbox):
    good = "".join('\n      - number: "%d"\n        name: %s' % (300 + n, json.dumps(name))
                   for n, name in enumerate(SPECIAL_NAMES))
    # An unknown account, a number not of digits or empty, and the single module given another License's
    # customer: tests/reliability/test_bad_inputs.py has each (module, option, kind of value) as a row that must
    # fail naming the option before any write, all this test asked of them; they are not repeated here.
    bad_cases = [
        ("number twice", '[{number: "150", name: A}, {number: "150", name: B}]', "config: number '150' is listed twice"),
        ("account of another customer", '[{number: "150", name: A, account_id: "%s"}]' % DAN, "config[0].account_id:"),
        ("account of an unlisted extension", '[{number: "150", name: A, account_id: "%s"}]' % BOB, "config[0].account_id:"),
        ("name with slash", '[{number: "150", name: "Sales/Support"}]', "config[0].name:"),
        ("name with format suffix", '[{number: "150", name: "menu.json"}]', "config[0].name:"),
        ("blank name", '[{number: "101", name: "  "}]', "config[0].name:"),
        ("missing name", '[{number: "150"}]', "config[0].name:"),
    ]
    bad = "".join("""
- name: "bad: %s"
  portaplus.softswitch.extensions:
    customer: 1001
    config: %s
  ignore_errors: true
""" % (label, config) for label, config, _message in bad_cases)
    result = play("""
- name: special names
  portaplus.softswitch.extensions:
    customer: 1001
    config:%s
%s
- name: "bad single: slash"
  portaplus.softswitch.extension:
    customer: 1001
    number: "150"
    name: "a/b"
  ignore_errors: true
- name: read back
  portaplus.softswitch.extension_info:
    customer: 1001
""" % (good, bad))
    assert result.rc == 0, result.output
    created = by_number(result.task("read back")["extensions"])
    for n, name in enumerate(SPECIAL_NAMES):
        assert created[str(300 + n)]["name"] == name  # exactly, spaces and all
    for label, _config, message in bad_cases:
        failed = failure(result, "bad: %s" % label)
        assert failed["changed"] is False, label
        assert failed["msg"].startswith(message), (label, failed["msg"])
    assert failure(result, "bad single: slash")["msg"].startswith("name:")
    # only the good names were written: every bad input failed before its first write
    assert [op_of(r) for r in writes(sandbox)] == ["AddCustomerExtension"] * len(SPECIAL_NAMES)


def test_overridden_removes_only_unlisted_extensions_of_that_customer_within_max_deletions(play, sandbox):
    result = play("""
- name: over the limit
  portaplus.softswitch.extensions:
    customer: 1001
    state: overridden
    config: [{number: "101", name: Reception, account_id: "441632960001"}]
  ignore_errors: true
- name: within the limit
  portaplus.softswitch.extensions:
    customer: 1001
    state: overridden
    max_deletions: 1
    config: [{number: "101", name: Reception, account_id: "441632960001"}]
- name: the other customer
  portaplus.softswitch.extension_info:
    customer: 1002
""")
    assert result.rc == 0, result.output
    refused = failure(result, "over the limit")
    assert refused["msg"].startswith("max_deletions:") and "(102)" in refused["msg"]
    done = result.task("within the limit")
    assert (done["deleted"], done["created"], done["updated"]) == (["102"], [], [])
    assert [item["number"] for item in done["after"]] == ["101"]
    assert [r["path"] for r in writes(sandbox)] == ["/DeleteCustomerExtension/***/1001/7002"]
    other = result.task("the other customer")["extensions"]
    assert [(e["number"], e["name"], e["account_id"], e["record_id"]) for e in other] == [("201", "Front Desk", DAN, 7003)]


INFO = """
- name: plain
  portaplus.softswitch.extension_info: {customer: 1001}
- name: everything
  portaplus.softswitch.extension_info:
    customer: 1001
    active_calls: true
    sip_status: true
    unavailable_numbers: true
- name: hosted pbx seats
  portaplus.softswitch.extension_info: {customer: 1001, products: [2, 3], active_calls: true}
- name: office lines
  portaplus.softswitch.extension_info: {customer: 1001, products: [1]}
- name: gathered
  portaplus.softswitch.extensions: {customer: 1001, state: gathered}
"""
SWAP = """
- name: swap
  portaplus.softswitch.extensions:
    customer: 1001
    config:
      - number: "101"
        account_id: "441632960002"
      - number: "102"
        account_id: "441632960001"
  register: swap
"""
LIFECYCLE = """
- name: create
  portaplus.softswitch.extension: {customer: 1001, number: "150", name: Lobby, account_id: "441632960003"}
- name: create again
  portaplus.softswitch.extension: {customer: 1001, number: "150", name: Lobby, account_id: "441632960003"}
- name: rename
  portaplus.softswitch.extension: {customer: 1001, number: "150", name: Lobby East}
- name: unbind
  portaplus.softswitch.extension: {customer: 1001, number: "150", account_id: ""}
- name: predict removal
  portaplus.softswitch.extension: {customer: 1001, number: "150", state: absent}
  check_mode: true
- name: remove
  portaplus.softswitch.extension: {customer: 1001, number: "150", state: absent}
- name: remove again
  portaplus.softswitch.extension: {customer: 1001, number: "150", state: absent}
"""


def test_info_swap_and_the_single_module_lifecycle(play, sandbox):
    """One run, each part's requests told apart by task (test_accounts.during): the info reads in check mode on
    the demo data as seeded, then the swap of 101's and 102's accounts, then extension 150's lifecycle."""
    result = play(copies(INFO, "", check_mode=True) + SWAP + LIFECYCLE)
    assert result.rc == 0, result.output
    requests = sandbox.requests()
    check_info(result, during(requests, result, *names(INFO)))
    check_swap(result, [r for r in during(requests, result, "swap") if r["write"]])
    check_lifecycle(result, [r for r in during(requests, result, *names(LIFECYCLE)) if r["write"]])
    assert len(writes(sandbox)) == 3 + 4       # the swap's and the lifecycle's, no other


def check_swap(result, swap_writes):
    after = by_number(result.task("swap")["after"])
    assert (after["101"]["record_id"], after["101"]["account_id"]) == (7001, BOB)
    assert (after["102"]["record_id"], after["102"]["account_id"]) == (7002, ALICE)
    # 101 is parked on no account first, so no account ever has two extensions
    assert [path_values(r) for r in swap_writes] == [
        ["7001", "Reception", "101", "0"], ["7002", "Sales", "102", "5001"], ["7001", "Reception", "101", "5002"]]
    assert all(op_of(r) == "UpdateCustomerExtension" for r in swap_writes)


def check_lifecycle(result, lifecycle_writes):
    created = result.task("create")
    assert created["changed"] is True and created["existed"] is False
    assert (created["extension"]["name"], created["extension"]["account_id"]) == ("Lobby", CAROL)
    record_id = created["extension"]["record_id"]
    assert result.task("create again")["changed"] is False
    renamed = result.task("rename")["extension"]
    assert (renamed["record_id"], renamed["name"], renamed["account_id"]) == (record_id, "Lobby East", CAROL)
    unbound = result.task("unbind")["extension"]
    assert (unbound["record_id"], unbound["account_id"], unbound["i_account"]) == (record_id, "", 0)
    assert result.task("predict removal")["changed"] is True
    assert result.task("remove")["changed"] is True and result.task("remove")["extension"] == {}
    assert result.task("remove again")["changed"] is False and result.task("remove again")["existed"] is False
    assert [op_of(r) for r in lifecycle_writes] == [
        "AddCustomerExtension", "UpdateCustomerExtension", "UpdateCustomerExtension", "DeleteCustomerExtension"]


def check_info(result, info_requests):
    plain = result.task("plain")
    assert plain["changed"] is False
    assert [(e["number"], e["name"], e["account_id"], e["record_id"], e["i_account"], e["first_name"])
            for e in plain["extensions"]] == [("101", "Reception", ALICE, 7001, 5001, "Alice"),
                                              ("102", "Sales", BOB, 7002, 5002, "Bob")]
    gathered = result.task("gathered")
    assert [dict((k, e[k]) for k in ("number", "name", "account_id")) for e in plain["extensions"]] == gathered["gathered"]
    assert all(set(item) == {"number", "name", "account_id"} for item in gathered["gathered"])   # the config shape (H2)
    assert gathered["facts"]["101"] == {"record_id": 7001, "i_account": 5001, "first_name": "Alice", "last_name": "Archer"}
    status = by_number(result.task("everything")["extensions"])
    assert (status["101"]["in_call"], status["101"]["active_calls"], status["101"]["sip_online"]) == (True, 1, True)
    assert (status["102"]["in_call"], status["102"]["active_calls"], status["102"]["sip_online"]) == (False, 0, False)
    assert result.task("everything")["unavailable_numbers"] == ["101", "102"]
    assert [e["number"] for e in result.task("hosted pbx seats")["extensions"]] == ["101", "102"]
    assert result.task("office lines")["extensions"] == []
    assert [op_of(r) for r in info_requests] == [
        "GetCustomerExtensions",
        "GetCustomerExtensionsActiveCalls", "GetOnlineAccounts", "GetUnavailableExtensions",
        "GetCustomerExtensionsActiveCalls",
        "GetCustomerExtensions",
        "GetCustomerExtensions"]
    assert [r["path"] for r in info_requests][4:6] == [
        "/GetCustomerExtensionsActiveCalls/***/1001/True/2,3", "/GetCustomerExtensions/***/1001/1"]


def test_license_never_appears_in_any_output(play, sandbox):
    # Deletes answer 500, so one task fails on the server side after its write was sent.
    sandbox.set_faults(fault_rate=1.0, kinds=["500"], routes=["/DeleteCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}"])
    # ansible-core itself quotes the playbook lines around a failed task, so the failing tasks
    # (first) template the License in; the later ones pass it literally.
    tasks = """
- name: refused input
  portaplus.softswitch.extensions:
    license: "{{{{ lookup('env', 'PORTAPLUS_LICENSE') }}}}"
    customer: 1001
    config: [{{number: "170", name: A, account_id: "999999"}}]
  ignore_errors: true
- name: server error
  portaplus.softswitch.extension: {{license: "{{{{ lookup('env', 'PORTAPLUS_LICENSE') }}}}", customer: 1001, number: "102", state: absent}}
  ignore_errors: true
- name: foreign customer
  portaplus.softswitch.extension_info: {{license: "{{{{ lookup('env', 'PORTAPLUS_LICENSE') }}}}", customer: 2001}}
  ignore_errors: true
- name: change with an explicit license
  portaplus.softswitch.extensions:
    license: "{0}"
    customer: 1001
    config: [{{number: "101", name: Reception desk}}, {{number: "160", name: Lobby, account_id: "441632960003"}}]
- name: single with an explicit license
  portaplus.softswitch.extension: {{license: "{0}", customer: 1001, number: "160", name: "Lobby 2"}}
- name: info with an explicit license
  portaplus.softswitch.extension_info: {{license: "{0}", customer: 1001, active_calls: true, sip_status: true,
                                        unavailable_numbers: true, products: [2]}}
""".format(DEMO_LICENSE)
    result = play(tasks, diff=True, verbosity=4)
    assert result.rc == 0, result.output
    assert failure(result, "refused input")["msg"].startswith("config[0].account_id:")
    server_error = failure(result, "server error")
    assert "500" in server_error["msg"] and "delete 102" in server_error["msg"]
    assert failure(result, "foreign customer")["msg"].startswith("customer:")
    assert result.task("change with an explicit license")["changed"] is True
    assert result.task("single with an explicit license")["changed"] is True
    assert "/DeleteCustomerExtension/***/1001/7002" in [r["path"] for r in writes(sandbox)]
    assert DEMO_LICENSE not in result.output
    assert DEMO_LICENSE not in json.dumps(result.tasks)
