"""Unit tests of the customer planner (pure logic, no Ansible): one customer file, both resources together.

The sandbox plays the API in-process (tests/unit/sandbox_api.py; demo seed: customer 1001 "Acme Ltd"
has accounts 441632960001-3 - Alice and Bob on Hosted PBX Seat, Alice with Call Recording, Carol
blocked on Office Line - and extensions 101 "Reception" on Alice, 102 "Sales" on Bob). It enforces
the server's rules (one extension per account, a number in use, account IDs unique) and creates the
extension of a new account that CreateAccounts carries (A29), named after the holder; the client
records what was sent, and the sandbox's request log the order in which it arrived.
"""
import json

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils import customer_plan
from ansible_collections.portaplus.softswitch.plugins.module_utils import extension as ext
from ansible_collections.portaplus.softswitch.plugins.module_utils.account import AccountSpec
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer import GET_CUSTOMER_ACCOUNTS
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_plan import (
    CustomerPlanner, GuardError, run_customer)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import Engine
from tests.unit.sandbox_api import InProcessSandbox

SOURCE = "customers/acme.yml"
EXTENSION_WRITES = ("AddCustomerExtension", "UpdateCustomerExtension", "DeleteCustomerExtension")


@pytest.fixture
def api(demo):
    return demo.client()


def write_ops(api):
    """The writes the client sent, in order: (route name, what it carried)."""
    ops = []
    for call in api.calls:
        if not call.route.write:
            continue
        name = call.route.template.split("/")[1]
        if name in EXTENSION_WRITES:
            ops.append((name, call.path.get("Id") or call.path.get("ExtensionRecordId")))
        else:
            entries = call.body.get("Accounts") or call.body["AccountRequest"]["AccountsToCreate"]
            kind = "terminate" if any(e.get("BillStatus") == "C" for e in entries) else name
            ops.append((kind, sorted(e.get("Id") or e.get("AcntId") for e in entries)))
    return ops


def server_writes(demo):
    """(method, route) of each write the sandbox received, in the order they arrived."""
    return [(entry["method"], entry["route"]) for entry in demo.requests() if entry["write"]]


def accounts_of(sandbox):
    """Customer 1001's open accounts as the sandbox has them now, by AccountId."""
    found = sandbox.client().call(GET_CUSTOMER_ACCOUNTS, {"ICustomer": 1001})["Accounts"]
    return dict((rec["AccountId"], rec) for rec in found)


def extensions_of(sandbox):
    """Customer 1001's extensions as the sandbox has them now, by number."""
    return dict((item["number"], item) for item in ext.extension_info(sandbox.client(), 1001)["extensions"])


def sql(demo, statement, *params):
    """Change the sandbox behind the API's back (another tool, or time passing)."""
    with demo.store.session() as db:
        db.conn.execute(statement, params)


ALICE = {"account_id": "441632960001", "product": "Hosted PBX Seat", "first_name": "Alice", "last_name": "Archer",
         "email": "alice@acme.example", "credit_limit": 50, "addons": ["Call Recording"]}
BOB = {"account_id": "441632960002", "product": "Hosted PBX Seat", "first_name": "Bob", "last_name": "Baker",
       "email": "bob@acme.example", "credit_limit": 50}
CAROL = {"account_id": "441632960003", "product": "Office Line", "first_name": "Carol", "last_name": "Cole",
         "email": "carol@acme.example", "credit_limit": 20, "blocked": True}
DANA = {"account_id": "441632960020", "product": "Hosted PBX Seat", "first_name": "Dana", "last_name": "Dorsey",
        "password": "Dana-sip-Pw1"}


def content(accounts=(ALICE, BOB, CAROL), extensions=None, accounts_policy=None, extensions_policy=None):
    data = {"customer": 1001, "name": "Acme Ltd",
            "policy": {"accounts": dict({"state": "overridden", "max_deletions": 0}, **(accounts_policy or {})),
                       "extensions": dict({"state": "overridden", "max_deletions": 0}, **(extensions_policy or {}))},
            "accounts": [dict(a) for a in accounts]}
    data["extensions"] = [dict(e) for e in (extensions if extensions is not None else [
        {"number": "101", "name": "Reception", "account_id": "441632960001"},
        {"number": "102", "name": "Sales", "account_id": "441632960002"}])]
    return data


def refused(api, data, **kwargs):
    with pytest.raises(InputError) as caught:
        run_customer(api, data, SOURCE, **kwargs)
    assert write_ops(api) == [], "refused before any write"
    return str(caught.value)


# -- references across the two resources -------------------------------------------------------

def test_an_extension_bound_to_an_account_the_plan_terminates_is_refused_naming_the_file_path(api, demo):
    data = content(accounts=(ALICE, CAROL), accounts_policy={"max_deletions": 1})   # Bob goes, 102 still rings him
    message = refused(api, data)
    assert message.startswith("customers/acme.yml: extensions[1].account_id: account 441632960002 is terminated by "
                              "this plan (it is not in accounts, and policy.accounts.state is overridden)"), message
    # in check mode as well
    assert refused(demo.client(), data, check_mode=True) == message
    assert server_writes(demo) == [] and "441632960002" in accounts_of(demo)


def test_an_extension_bound_to_an_account_nobody_has_is_refused(api, demo):
    data = content(extensions=[{"number": "101", "name": "Reception", "account_id": "441632960001"},
                               {"number": "102", "name": "Sales", "account_id": "441632960099"}])
    assert refused(api, data) == ("customers/acme.yml: extensions[1].account_id: account 441632960099 is neither in "
                                  "accounts of this file nor an account of customer 1001")
    # an account of another customer of the reseller (Globex's 441632960101) is not one of Acme's either
    data["extensions"][1]["account_id"] = "441632960101"
    assert refused(demo.client(), data) == (
        "customers/acme.yml: extensions[1].account_id: account 441632960101 is neither in "
        "accounts of this file nor an account of customer 1001")
    assert server_writes(demo) == []


def test_an_extension_the_file_keeps_implicitly_may_not_ring_a_terminated_account(api, demo):
    # extensions merged and 102 left out: it stays, bound to Bob, whom the plan terminates
    data = content(accounts=(ALICE, CAROL), accounts_policy={"max_deletions": 1},
                   extensions=[{"number": "101", "name": "Reception", "account_id": "441632960001"}],
                   extensions_policy={"state": "merged"})
    message = refused(api, data)
    assert message.startswith("customers/acme.yml: accounts: terminating account 441632960002 would leave extension "
                              "102 bound to it"), message
    # the same file without extensions at all is refused the same way
    data.pop("extensions")
    assert "would leave extension 102 bound to it" in refused(demo.client(), data)
    # (the sandbox would not refuse: terminating an account releases its extension; the planner must)
    assert server_writes(demo) == [] and extensions_of(demo)["102"]["account_id"] == "441632960002"


def test_removing_the_account_and_its_extension_together_applies_in_the_safe_order(api, demo):
    data = content(accounts=(dict(ALICE, email="alice@new.example"), CAROL, DANA),
                   accounts_policy={"max_deletions": 1}, extensions_policy={"max_deletions": 1},
                   extensions=[{"number": "101", "name": "Reception", "account_id": "441632960001"},
                               {"number": "120", "name": "Dana Dorsey", "account_id": "441632960020"}])
    result = run_customer(api, data, SOURCE)
    assert result["changed"] is True
    ops = write_ops(api)
    assert ops == [("UpdateAccount", ["441632960001"]), ("CreateAccounts", ["441632960020"]),
                   ("DeleteCustomerExtension", 7002), ("terminate", ["441632960002"])], ops
    # the server received them in that order: the extension is gone before its account is terminated
    assert server_writes(demo) == [
        ("POST", "/UpdateAccount"), ("POST", "/CreateAccounts"),
        ("GET", "/DeleteCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}"), ("POST", "/UpdateAccount")]
    now = extensions_of(demo)
    assert sorted(now) == ["101", "120"] and now["120"]["account_id"] == "441632960020"
    assert sorted(accounts_of(demo)) == ["441632960001", "441632960003", "441632960020"]
    assert accounts_of(demo)["441632960001"]["Email"] == "alice@new.example"
    # and the next plan of the same file is empty
    again = demo.client()
    assert run_customer(again, data, SOURCE)["plan"]["counts"] == {"create": 0, "update": 0, "delete": 0}
    assert write_ops(again) == []


# -- bundling (A29) --------------------------------------------------------------------------

def test_a_new_extension_of_a_new_account_rides_in_create_accounts(api, demo):
    data = content(accounts=(ALICE, BOB, CAROL, DANA),
                   extensions=content()["extensions"] + [{"number": "120", "name": "Dana Dorsey",
                                                          "account_id": "441632960020"}])
    result = run_customer(api, data, SOURCE)
    creates = [body for template, body in api.writes() if template == "/CreateAccounts"]
    assert [e.get("Extension") for e in creates[0]["AccountRequest"]["AccountsToCreate"]] == ["120"]
    assert write_ops(api) == [("CreateAccounts", ["441632960020"])]          # no AddCustomerExtension
    assert server_writes(demo) == [("POST", "/CreateAccounts")]
    assert result["plan"]["changes"]["extensions"]["create"] == [
        {"key": "120", "after": {"name": "Dana Dorsey", "account_id": "441632960020"}}]
    assert (extensions_of(demo)["120"]["name"], extensions_of(demo)["120"]["account_id"]) == (
        "Dana Dorsey", "441632960020")                                       # the server named it after Dana


def test_a_bundled_extension_named_otherwise_is_renamed_after_the_create(api, demo):
    data = content(accounts=(ALICE, BOB, CAROL, DANA),
                   extensions=content()["extensions"] + [{"number": "120", "name": "Lobby",
                                                          "account_id": "441632960020"}])
    run_customer(api, data, SOURCE)
    assert write_ops(api) == [("CreateAccounts", ["441632960020"]), ("UpdateCustomerExtension", "120")]
    now = extensions_of(demo)["120"]
    assert now["name"] == "Lobby" and now["account_id"] == "441632960020"


def test_an_existing_extension_moves_to_a_new_account_after_it_exists(api, demo):
    data = content(accounts=(ALICE, BOB, CAROL, DANA), extensions=[
        {"number": "101", "name": "Reception", "account_id": "441632960001"},
        {"number": "102", "name": "Sales", "account_id": "441632960020"}])
    run_customer(api, data, SOURCE)
    assert write_ops(api) == [("CreateAccounts", ["441632960020"]), ("UpdateCustomerExtension", "102")]
    assert extensions_of(demo)["102"]["account_id"] == "441632960020"
    assert extensions_of(demo)["102"]["record_id"] == 7002                   # moved in place, not re-created


# -- guards ---------------------------------------------------------------------------------

def test_a_guard_blocks_the_plan_before_any_write_and_returns_it(api, demo):
    reception = {"number": "101", "name": "Reception", "account_id": "441632960001"}
    data = content(accounts=(ALICE, CAROL), extensions=[reception], extensions_policy={"max_deletions": 1})
    for check_mode in (False, True):
        with pytest.raises(GuardError) as caught:
            run_customer(api, data, SOURCE, check_mode=check_mode)
        plan = caught.value.result["plan"]
        assert plan["blocked"] is True
        assert plan["guards"] == [{"resource": "accounts", "message": (
            "customers/acme.yml: policy.accounts.max_deletions: state=overridden would irreversibly terminate 1 account "
            "(441632960002), more than max_deletions=0 allows; nothing was changed. Set max_deletions to at least 1 "
            "to allow it.")}]
        assert str(caught.value) == plan["guards"][0]["message"]
    assert write_ops(api) == [] and server_writes(demo) == []


def test_an_empty_list_under_overridden_is_refused_before_anything_is_read(api, demo):
    message = refused(api, content(accounts=()))
    assert message.startswith("customers/acme.yml: accounts: is an empty list with policy.accounts.state overridden")
    assert api.calls == [] and demo.requests() == []


def test_bad_values_are_named_by_file_and_path_before_anything_is_read(api, demo):
    assert refused(api, content(accounts_policy={"max_deletions": -1})) == (
        "customers/acme.yml: policy.accounts.max_deletions: must be a whole number, 0 or more (got -1)")
    message = refused(api, content(accounts=(ALICE, dict(BOB, email="not-an-address"), CAROL)))
    assert message.startswith("customers/acme.yml: accounts[1].email: is not a valid e-mail address"), message
    message = refused(api, content(extensions=[{"number": "1x", "name": "Reception"}]))
    assert message.startswith("customers/acme.yml: extensions[0].number: must be an extension number"), message
    assert api.calls == [] and demo.requests() == []


def test_plan_time_errors_name_the_file_path_not_config(api, demo):
    message = refused(api, content(accounts=(ALICE, BOB, CAROL, dict(DANA, product="Hosted PBX Sat"))))
    assert message.startswith("customers/acme.yml: accounts[3].product: unknown main product"), message
    message = refused(demo.client(), content(extensions=[{"number": "101", "account_id": "441632960002"},
                                                         {"number": "102", "account_id": "441632960002"}]))
    assert message.startswith("customers/acme.yml: extensions[") and "config[" not in message, message
    assert server_writes(demo) == []


# -- the plan document -------------------------------------------------------------------------

def test_the_plan_document_has_the_documented_keys_and_masks_secrets(api, demo):
    data = content(accounts=(ALICE, dict(BOB, email="robert@acme.example", password="New-Pw-99"), CAROL, DANA),
                   extensions=content()["extensions"] + [{"number": "120", "name": "Dana Dorsey",
                                                          "account_id": "441632960020"}])
    result = run_customer(api, data, SOURCE, check_mode=True, want_diff=True)
    plan = result["plan"]
    text = json.dumps(plan)
    for secret in ("Dana-sip-Pw1", "New-Pw-99", "sip-5002-pw"):
        assert secret not in text and secret not in json.dumps(result["diff"])
    assert sorted(plan) == ["blocked", "changes", "counts", "customer", "digest", "format_version", "guards", "name",
                            "source"]
    assert (plan["format_version"], plan["customer"], plan["name"], plan["source"]) == ("1.0", 1001, "Acme Ltd", SOURCE)
    assert plan["digest"].startswith("sha256:") and len(plan["digest"]) == len("sha256:") + 64
    accounts = plan["changes"]["accounts"]
    # overridden: what the file leaves out is the reset value (no e-mail, not blocked, no add-ons)
    assert accounts["create"] == [{"key": "441632960020", "after": {
        "product": "Hosted PBX Seat", "first_name": "Dana", "last_name": "Dorsey", "email": "", "password": "********",
        "extension": "120", "blocked": False, "addons": []}}]
    assert accounts["update"] == [{"key": "441632960002", "fields": {
        "email": {"before": "bob@acme.example", "after": "robert@acme.example"},
        "password": {"before": "********", "after": "********"}}}]
    assert accounts["delete"] == []
    dana_extension = {"key": "120", "after": {"name": "Dana Dorsey", "account_id": "441632960020"}}
    assert plan["changes"]["extensions"] == {"create": [dana_extension], "update": [], "delete": []}
    assert plan["counts"] == {"create": 2, "update": 1, "delete": 0}
    assert (plan["guards"], plan["blocked"]) == ([], False)
    assert result["changed"] is True                                        # check mode writes nothing
    assert write_ops(api) == [] and server_writes(demo) == []
    assert {entry["before_header"] for entry in result["diff"]} == {
        "account 441632960002", "account 441632960020", "extension 120"}


def test_a_delete_shows_what_goes(api, demo):
    data = content(accounts=(ALICE, BOB), accounts_policy={"max_deletions": 1})
    plan = run_customer(api, data, SOURCE, check_mode=True)["plan"]
    assert plan["changes"]["accounts"]["delete"] == [{"key": "441632960003", "before": {
        "product": "Office Line", "first_name": "Carol", "last_name": "Cole", "email": "carol@acme.example",
        "extension": "", "credit_limit": 20.0, "blocked": True, "unified_messaging": False, "addons": []}}]
    assert server_writes(demo) == [] and "441632960003" in accounts_of(demo)


def test_a_no_op_plan_is_small_whatever_the_number_of_accounts():
    many = InProcessSandbox("demo", accounts=1000)   # 441632970001-1000 in customer 1001: Office Line, "User" NNNN
    try:
        accounts = [ALICE, BOB, CAROL] + [
            {"account_id": "44163297%04d" % n, "product": "Office Line", "first_name": "User", "last_name": "%04d" % n,
             "email": "user%04d@acme.example" % n, "credit_limit": 10} for n in range(1, 1001)]
        assert len(accounts_of(many)) == 1003
        data = content(accounts=accounts, extensions=[{"number": "9", "name": "x"}], extensions_policy={"state": "merged"})
        first = run_customer(many.client(), data, SOURCE)
        assert first["plan"]["counts"] == {"create": 1, "update": 0, "delete": 0}   # extension 9 only
        api = many.client()
        result = run_customer(api, data, SOURCE)
        assert result["changed"] is False and write_ops(api) == []
        assert len(json.dumps(result)) < 1024, json.dumps(result)
    finally:
        many.close()


def test_the_digest_is_stable_and_follows_only_the_managed_state(api, demo):
    def digest(client):
        return CustomerPlanner(client, content(), SOURCE).plan()["digest"]

    first = digest(api)
    assert digest(api) == first and digest(demo.client()) == first
    sql(demo, "UPDATE accounts SET balance = 99.5 WHERE i_account = 5002")    # moves by itself: not part of the state
    assert digest(demo.client()) == first
    sql(demo, "UPDATE accounts SET voip_password = 'changed' WHERE i_account = 5002")   # secrets never enter it
    assert digest(demo.client()) == first
    sql(demo, "UPDATE accounts SET Email = 'someone@else.example' WHERE i_account = 5002")
    assert digest(demo.client()) != first
    demo.reset()
    assert digest(demo.client()) == first
    sql(demo, "UPDATE extensions SET name = 'Renamed' WHERE i_c_ext = 7002")
    assert digest(demo.client()) != first


def test_a_saved_plan_applies_only_while_the_state_is_the_one_planned(api, demo):
    data = content(accounts=(dict(ALICE, first_name="Alicia"), BOB, CAROL))
    saved = json.loads(json.dumps(run_customer(api, data, SOURCE, check_mode=True)["plan"]))
    sql(demo, "UPDATE accounts SET Email = 'moved@acme.example' WHERE i_account = 5002")   # someone changed Bob since
    assert refused(demo.client(), data, saved_plan=saved) == (
        "saved_plan: the state of Acme Ltd (1001) changed since the plan was made; plan again")
    sql(demo, "UPDATE accounts SET Email = 'bob@acme.example' WHERE i_account = 5002")
    changed_file = content(accounts=(dict(ALICE, first_name="Alice"), BOB, CAROL), extensions=[
        {"number": "101", "name": "Front", "account_id": "441632960001"},
        {"number": "102", "name": "Sales", "account_id": "441632960002"}])
    assert "is not the plan customers/acme.yml makes now" in refused(demo.client(), changed_file, saved_plan=saved)
    assert server_writes(demo) == []
    api = demo.client()
    result = run_customer(api, data, SOURCE, saved_plan=saved)
    assert result["changed"] and write_ops(api) == [("UpdateAccount", ["441632960001"])]
    assert accounts_of(demo)["441632960001"]["FirstName"] == "Alicia"


def test_complete_policy_never_removes_by_default():
    assert customer_plan.complete_policy(None) == {
        "accounts": {"state": "merged", "max_deletions": 0, "update_password": "always"},
        "extensions": {"state": "merged", "max_deletions": 0}}


def test_a_no_op_reads_accounts_and_extensions_once_and_nothing_else(api, demo):
    result = run_customer(api, content(), SOURCE)
    assert result["changed"] is False and result["msg"] == "Acme Ltd (1001) from customers/acme.yml: in sync, nothing to change"
    # the product and add-on names are those the accounts carry: no catalogue read
    assert api.templates() == ["/GetAccounts/{License}/{ICustomer}", "/GetCustomerExtensions/{License}/{ICustomer}"]
    assert [entry["route"] for entry in demo.requests()] == api.templates()
    # a name the accounts do not carry (another case) asks the catalogue, once
    api = demo.client()
    assert run_customer(api, content(accounts=(dict(ALICE, product="hosted pbx seat"), BOB, CAROL)), SOURCE)[
        "changed"] is False
    assert api.templates().count("/GetProducts/{License}") == 1


def test_a_create_the_server_refuses_is_sent_once_and_reported(demo):
    from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import IncompleteChangeError
    # Dana's account ID is taken by another reseller's account: invisible to Acme's reseller (so the plan
    # creates it), but account IDs are unique in the whole environment, so the server refuses CreateAccounts.
    other = demo.client(license="OTHER-LICENSE")
    Engine(AccountSpec(other, 2001)).run([{"account_id": DANA["account_id"], "product": "Basic Line"}], "merged")
    demo.app.log.clear()
    api = demo.client()
    with pytest.raises(IncompleteChangeError) as caught:
        run_customer(api, content(accounts=(ALICE, BOB, CAROL, DANA)), SOURCE)
    assert "441632960020" in str(caught.value) and "already exists" in str(caught.value), str(caught.value)
    assert api.templates().count("/CreateAccounts") == 1      # a refusal is not sent again
    assert [entry["status"] for entry in demo.requests() if entry["write"]] == [400]
    assert "441632960020" not in accounts_of(demo)
