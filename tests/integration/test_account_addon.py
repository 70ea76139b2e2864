"""account_addon: one add-on on one account, against the sandbox."""
from tests.integration.conftest import writes
from tests.ansible_cli import copies, during, names, task_output
from tests.integration.test_accounts import ACME, everything, failed, routes, task

TASKS = (
    task("Before", "account_info", {"customer": ACME, "account_id": "441632960001"})
    + task("Assign to Bob", "account_addon", {"customer": ACME, "account_id": "441632960002", "addon": "voicemail to email"})
    + task("Add one to Alice", "account_addon", {"customer": ACME, "account_id": "441632960001", "addon": 13})
    + task("Between", "account_info", {"customer": ACME, "account_id": "441632960001"})
    + task("Remove from Carol", "account_addon", {"customer": ACME, "account_id": "441632960003", "addon": "Call Recording",
                                                  "state": "absent"})
    + task("Alice loses recording", "account_addon", {"customer": ACME, "account_id": "441632960001",
                                                      "addon": "Call Recording", "state": "absent"})
    + task("After", "account_info", {"customer": ACME})
)
# Tasks do not depend on each other, so check mode can predict every one of them.
EXPECTED_CHANGES = {"Before": False, "Assign to Bob": True, "Add one to Alice": True,
                    "Between": False, "Remove from Carol": False, "Alice loses recording": True, "After": False}


BAD_CASES = [
    ("Unknown add-on", {"addon": "Call Recordings"},
     "addon: unknown add-on; did you mean 'Call Recording' (id 11)? (got 'Call Recordings')"),
    ("A main product", {"addon": "Office Line"}, "addon: 'Office Line' (id 1) is a main product, not an add-on"),
    ("Another License's add-on id", {"addon": 31}, "addon: unknown add-on"),
    ("Wrong type", {"addon": ["Call Recording"]}, "addon: must be the name or the id of an add-on, not a list"),
    ("Unknown account", {"addon": 11, "account_id": "449999999999"},
     "account_id: no open account with this id in customer 1001 (got '449999999999')"),
    ("Unknown account, absent", {"addon": 11, "account_id": "449999999999", "state": "absent"},
     "account_id: no open account with this id in customer 1001"),
    ("Another customer's account", {"addon": 11, "account_id": "441632960101"},
     "account_id: account 441632960101 belongs to customer 1002, not to customer 1001"),
]
BAD = "".join(task(name, "account_addon", dict({"customer": ACME, "account_id": "441632960002"}, **args),
                   ignore_errors=True) for name, args, _expected in BAD_CASES)


def test_addons_are_assigned_and_removed_idempotently_and_bad_input_fails_before_any_write(play, sandbox):
    # One --diff run: the tasks in check mode, for real, again (now a no-op), then every bad input (failing, ignored).
    checked, again = copies(TASKS, " (check)", check_mode=True), copies(TASKS, " (again)")
    result = play(checked + TASKS + again + BAD, diff=True)
    assert result.rc == 0, result.output
    requests = sandbox.requests()

    def changes(suffix):
        return dict((name, result.task(name + suffix)["changed"]) for name in EXPECTED_CHANGES)
    assert changes(" (check)") == EXPECTED_CHANGES
    assert [r for r in during(requests, result, *names(checked)) if r["write"]] == []
    assert changes("") == EXPECTED_CHANGES
    assert routes(r for r in during(requests, result, *names(TASKS)) if r["write"]) == [
        "/UpdateAccountByProductAddons/{License}"] * 3

    bob = result.task("Assign to Bob")
    assert (bob["existed"], bob["addon"]["addon"], bob["addon"]["addon_id"]) == (False, "Voicemail to Email", 12)
    assert bob["addon"]["effective_from"] and bob["addon"]["effective_to"] is None
    # the add-on diff names the account (H9)
    assert [(d["before_header"], d["after_header"]) for d in bob["diff"]] == [
        ("add-on Voicemail to Email of account 441632960002",
         "add-on Voicemail to Email of account 441632960002 (created)")]
    assert "+++ after: add-on Voicemail to Email of account 441632960002 (created)" in task_output(
        result.stdout, "Assign to Bob")
    assert result.task("Alice loses recording")["addon"] == {}

    # A kept add-on keeps its effective date (A10): adding International Calling left Call Recording's alone.
    before = result.task("Before")["accounts"][0]["addon_details"]
    between = result.task("Between")["accounts"][0]["addon_details"]
    assert [a["name"] for a in before] == ["Call Recording"]
    assert [a["name"] for a in between] == ["Call Recording", "International Calling"]
    assert between[0]["effective_from"] == before[0]["effective_from"]
    assert between[1]["effective_from"] > before[0]["effective_from"]
    accounts = dict((a["account_id"], a) for a in result.task("After")["accounts"])
    assert accounts["441632960001"]["addons"] == ["International Calling"]
    assert accounts["441632960002"]["addons"] == ["Voicemail to Email"]
    assert result.task("Add one to Alice")["addon"]["effective_from"] == between[1]["effective_from"]

    # now every add-on is already as wanted, by name or by id
    assert set(changes(" (again)").values()) == {False}
    assert result.task("Add one to Alice (again)")["existed"] is True
    assert result.task("Add one to Alice (again)")["addon"]["addon"] == "International Calling"
    assert [r for r in during(requests, result, *names(again)) if r["write"]] == []

    for name, _args, expected in BAD_CASES:
        outcome = result.task(name)
        assert failed(result, name) and expected in outcome["msg"], (name, outcome["msg"])
    assert "DEMO-LICENSE" not in everything(result)
    assert [r for r in during(requests, result, *names(BAD)) if r["write"]] == []
    assert routes(writes(sandbox)) == ["/UpdateAccountByProductAddons/{License}"] * 3     # the run's only writes
