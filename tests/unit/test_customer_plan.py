"""Unit tests of the customer planner (pure logic, no Ansible): one customer file, both resources together.

A fake client plays the account, product and extension routes in memory (the account routes are
those of test_account_spec's fake), creates the extension of a new account that CreateAccounts
carries (A29) and refuses what the server would (one extension per account, a number in use).
"""
import json

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils import customer_plan
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_plan import (
    CustomerPlanner, GuardError, run_customer)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError
from tests.unit.test_account_spec import FakeApi as AccountApi, record

SOURCE = "customers/acme.yml"


class FakeApi(AccountApi):
    """Accounts (test_account_spec's fake) plus the customer's extensions."""

    def __init__(self, records, extensions):
        super(FakeApi, self).__init__(records)
        self.extensions = dict((number, {"i_c_ext": 7000 + n, "id": number, "name": name, "account_id": account_id})
                               for n, (number, name, account_id) in enumerate(extensions))

    def call(self, route, path=None, body=None, query=None, action=None):
        op = route.template.split("/")[1]
        if op in ("GetCustomerExtensions", "AddCustomerExtension", "UpdateCustomerExtension", "DeleteCustomerExtension"):
            self.calls.append((route.verb, route.template, dict(path or {})))
            return getattr(self, "ext_" + op)(dict(path or {}))
        return super(FakeApi, self).call(route, path, body, query, action)

    def i_account(self, account_id):
        return self.records[account_id]["IAccount"] if account_id else 0

    def account_of(self, i_account):
        return next((r["AccountId"] for r in self.records.values() if r["IAccount"] == i_account), "")

    def ext_GetCustomerExtensions(self, _path):
        return {"ExtensionLst": [{"i_c_ext": e["i_c_ext"], "id": e["id"], "name": e["name"],
                                  "i_account": self.i_account(e["account_id"]), "account_id": e["account_id"]}
                                 for e in self.extensions.values()]}

    def bind(self, number, name, i_account, record_id=None):
        account_id = self.account_of(i_account)
        assert i_account == 0 or account_id, "account %s is not of this customer" % i_account
        assert not account_id or all(e["account_id"] != account_id for e in self.extensions.values()
                                     if e["i_c_ext"] != record_id), "account %s already bound" % account_id
        return account_id

    def ext_AddCustomerExtension(self, path):
        assert path["Id"] not in self.extensions, "number in use"
        account_id = self.bind(path["Id"], path["Name"], int(path["IAccount"]))
        self.extensions[path["Id"]] = {"i_c_ext": 7100 + len(self.extensions), "id": path["Id"], "name": path["Name"],
                                       "account_id": account_id}
        return {}

    def ext_UpdateCustomerExtension(self, path):
        ext = next(e for e in self.extensions.values() if e["i_c_ext"] == int(path["ExtensionRecordId"]))
        ext.update(name=path["Name"], account_id=self.bind(path["Id"], path["Name"], int(path["IAccount"]), ext["i_c_ext"]))
        return {}

    def ext_DeleteCustomerExtension(self, path):
        number = next(n for n, e in self.extensions.items() if e["i_c_ext"] == int(path["ExtensionRecordId"]))
        del self.extensions[number]
        return {}

    def do_CreateAccounts(self, body):
        super(FakeApi, self).do_CreateAccounts(body)
        for entry in body["AccountRequest"]["AccountsToCreate"]:
            if entry.get("Extension"):   # A29: named after the holder
                assert entry["Extension"] not in self.extensions, "number in use"
                name = ("%s %s" % (entry.get("FirstName") or "", entry.get("LastName") or "")).strip() or entry["AcntId"]
                self.extensions[entry["Extension"]] = {"i_c_ext": 7200 + len(self.extensions), "id": entry["Extension"],
                                                       "name": name, "account_id": entry["AcntId"]}
        return {}

    def do_UpdateAccount(self, body):
        for entry in body["Accounts"]:
            if entry.get("BillStatus") == "C":
                assert all(e["account_id"] != entry["Id"] for e in self.extensions.values()), \
                    "account %s terminated while an extension rings it" % entry["Id"]
        return super(FakeApi, self).do_UpdateAccount(body)

    def write_ops(self):
        """The writes in the order sent: (route name, what it carried)."""
        ops = []
        for verb, template, carried in self.calls:
            name = template.split("/")[1]
            if name in ("AddCustomerExtension", "UpdateCustomerExtension", "DeleteCustomerExtension"):
                ops.append((name, carried.get("Id") or carried.get("ExtensionRecordId")))
            elif verb == "POST" and name != "GetAccountsByAccountIDs":
                entries = carried.get("Accounts") or carried["AccountRequest"]["AccountsToCreate"]
                kind = "terminate" if any(e.get("BillStatus") == "C" for e in entries) else name
                ops.append((kind, sorted(e.get("Id") or e.get("AcntId") for e in entries)))
        return ops


def api():
    return FakeApi([
        record(5001, "441632960001", 2, "Alice", "Archer", "alice@acme.example", addons=[11], credit=50, extension="101"),
        record(5002, "441632960002", 2, "Bob", "Baker", "bob@acme.example", credit=50, extension="102"),
        record(5003, "441632960003", 1, "Carol", "Cole", "carol@acme.example", blocked=True, credit=20),
    ], [("101", "Reception", "441632960001"), ("102", "Sales", "441632960002")])


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


def refused(fake, data, **kwargs):
    with pytest.raises(InputError) as caught:
        run_customer(fake, data, SOURCE, **kwargs)
    assert fake.write_ops() == [], "refused before any write"
    return str(caught.value)


# -- references across the two resources -------------------------------------------------------

def test_an_extension_bound_to_an_account_the_plan_terminates_is_refused_naming_the_file_path():
    fake = api()
    data = content(accounts=(ALICE, CAROL), accounts_policy={"max_deletions": 1})   # Bob goes, 102 still rings him
    message = refused(fake, data)
    assert message.startswith("customers/acme.yml: extensions[1].account_id: account 441632960002 is terminated by "
                              "this plan (it is not in accounts, and policy.accounts.state is overridden)"), message
    # in check mode as well
    assert refused(api(), data, check_mode=True) == message


def test_an_extension_bound_to_an_account_nobody_has_is_refused():
    data = content(extensions=[{"number": "101", "name": "Reception", "account_id": "441632960001"},
                               {"number": "102", "name": "Sales", "account_id": "441632960099"}])
    assert refused(api(), data) == ("customers/acme.yml: extensions[1].account_id: account 441632960099 is neither in "
                                    "accounts of this file nor an account of customer 1001")


def test_an_extension_the_file_keeps_implicitly_may_not_ring_a_terminated_account():
    # extensions merged and 102 left out: it stays, bound to Bob, whom the plan terminates
    data = content(accounts=(ALICE, CAROL), accounts_policy={"max_deletions": 1},
                   extensions=[{"number": "101", "name": "Reception", "account_id": "441632960001"}],
                   extensions_policy={"state": "merged"})
    message = refused(api(), data)
    assert message.startswith("customers/acme.yml: accounts: terminating account 441632960002 would leave extension "
                              "102 bound to it"), message
    # the same file without extensions at all is refused the same way
    data.pop("extensions")
    assert "would leave extension 102 bound to it" in refused(api(), data)


def test_removing_the_account_and_its_extension_together_applies_in_the_safe_order():
    fake = api()
    data = content(accounts=(dict(ALICE, email="alice@new.example"), CAROL, DANA),
                   accounts_policy={"max_deletions": 1}, extensions_policy={"max_deletions": 1},
                   extensions=[{"number": "101", "name": "Reception", "account_id": "441632960001"},
                               {"number": "120", "name": "Dana Dorsey", "account_id": "441632960020"}])
    result = run_customer(fake, data, SOURCE)
    assert result["changed"] is True
    ops = fake.write_ops()
    assert ops == [("UpdateAccount", ["441632960001"]), ("CreateAccounts", ["441632960020"]),
                   ("DeleteCustomerExtension", 7001), ("terminate", ["441632960002"])], ops
    assert sorted(fake.extensions) == ["101", "120"] and "441632960002" not in fake.records
    # and the next plan of the same file is empty
    again = FakeApi([], [])
    again.records, again.extensions = fake.records, fake.extensions
    assert run_customer(again, data, SOURCE)["plan"]["counts"] == {"create": 0, "update": 0, "delete": 0}
    assert again.write_ops() == []


# -- bundling (A29) --------------------------------------------------------------------------

def test_a_new_extension_of_a_new_account_rides_in_create_accounts():
    fake = api()
    data = content(accounts=(ALICE, BOB, CAROL, DANA),
                   extensions=content()["extensions"] + [{"number": "120", "name": "Dana Dorsey",
                                                          "account_id": "441632960020"}])
    result = run_customer(fake, data, SOURCE)
    creates = [body for _verb, template, body in fake.calls if template == "/CreateAccounts"]
    assert [e.get("Extension") for e in creates[0]["AccountRequest"]["AccountsToCreate"]] == ["120"]
    assert fake.write_ops() == [("CreateAccounts", ["441632960020"])]          # no AddCustomerExtension
    assert result["plan"]["changes"]["extensions"]["create"] == [
        {"key": "120", "after": {"name": "Dana Dorsey", "account_id": "441632960020"}}]


def test_a_bundled_extension_named_otherwise_is_renamed_after_the_create():
    fake = api()
    data = content(accounts=(ALICE, BOB, CAROL, DANA),
                   extensions=content()["extensions"] + [{"number": "120", "name": "Lobby",
                                                          "account_id": "441632960020"}])
    run_customer(fake, data, SOURCE)
    assert fake.write_ops() == [("CreateAccounts", ["441632960020"]), ("UpdateCustomerExtension", "120")]
    assert fake.extensions["120"]["name"] == "Lobby" and fake.extensions["120"]["account_id"] == "441632960020"


def test_an_existing_extension_moves_to_a_new_account_after_it_exists():
    fake = api()
    data = content(accounts=(ALICE, BOB, CAROL, DANA), extensions=[
        {"number": "101", "name": "Reception", "account_id": "441632960001"},
        {"number": "102", "name": "Sales", "account_id": "441632960020"}])
    run_customer(fake, data, SOURCE)
    assert fake.write_ops() == [("CreateAccounts", ["441632960020"]), ("UpdateCustomerExtension", "102")]
    assert fake.extensions["102"]["account_id"] == "441632960020"


# -- guards ---------------------------------------------------------------------------------

def test_a_guard_blocks_the_plan_before_any_write_and_returns_it():
    fake = api()
    reception = {"number": "101", "name": "Reception", "account_id": "441632960001"}
    data = content(accounts=(ALICE, CAROL), extensions=[reception], extensions_policy={"max_deletions": 1})
    for check_mode in (False, True):
        with pytest.raises(GuardError) as caught:
            run_customer(fake, data, SOURCE, check_mode=check_mode)
        plan = caught.value.result["plan"]
        assert plan["blocked"] is True
        assert plan["guards"] == [{"resource": "accounts", "message": (
            "customers/acme.yml: policy.accounts.max_deletions: state=overridden would irreversibly terminate 1 account "
            "(441632960002), more than max_deletions=0 allows; nothing was changed. Set max_deletions to at least 1 "
            "to allow it.")}]
        assert str(caught.value) == plan["guards"][0]["message"]
    assert fake.write_ops() == []


def test_an_empty_list_under_overridden_is_refused_before_anything_is_read():
    fake = api()
    message = refused(fake, content(accounts=()))
    assert message.startswith("customers/acme.yml: accounts: is an empty list with policy.accounts.state overridden")
    assert fake.calls == []


def test_bad_values_are_named_by_file_and_path_before_anything_is_read():
    fake = api()
    assert refused(fake, content(accounts_policy={"max_deletions": -1})) == (
        "customers/acme.yml: policy.accounts.max_deletions: must be a whole number, 0 or more (got -1)")
    message = refused(fake, content(accounts=(ALICE, dict(BOB, email="not-an-address"), CAROL)))
    assert message.startswith("customers/acme.yml: accounts[1].email: is not a valid e-mail address"), message
    message = refused(fake, content(extensions=[{"number": "1x", "name": "Reception"}]))
    assert message.startswith("customers/acme.yml: extensions[0].number: must be an extension number"), message
    assert fake.calls == []


def test_plan_time_errors_name_the_file_path_not_config():
    fake = api()
    message = refused(fake, content(accounts=(ALICE, BOB, CAROL, dict(DANA, product="Hosted PBX Sat"))))
    assert message.startswith("customers/acme.yml: accounts[3].product: unknown main product"), message
    message = refused(api(), content(extensions=[{"number": "101", "account_id": "441632960002"},
                                                 {"number": "102", "account_id": "441632960002"}]))
    assert message.startswith("customers/acme.yml: extensions[") and "config[" not in message, message


# -- the plan document -------------------------------------------------------------------------

def test_the_plan_document_has_the_documented_keys_and_masks_secrets():
    fake = api()
    data = content(accounts=(ALICE, dict(BOB, email="robert@acme.example", password="New-Pw-99"), CAROL, DANA),
                   extensions=content()["extensions"] + [{"number": "120", "name": "Dana Dorsey",
                                                          "account_id": "441632960020"}])
    result = run_customer(fake, data, SOURCE, check_mode=True, want_diff=True)
    plan = result["plan"]
    text = json.dumps(plan)
    assert "Dana-sip-Pw1" not in text and "New-Pw-99" not in text
    assert "Dana-sip-Pw1" not in json.dumps(result["diff"]) and "New-Pw-99" not in json.dumps(result["diff"])
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
    assert result["changed"] is True and fake.write_ops() == []            # check mode writes nothing
    assert {entry["before_header"] for entry in result["diff"]} == {
        "account 441632960002", "account 441632960020", "extension 120"}


def test_a_delete_shows_what_goes():
    fake = api()
    data = content(accounts=(ALICE, BOB), accounts_policy={"max_deletions": 1})
    plan = run_customer(fake, data, SOURCE, check_mode=True)["plan"]
    assert plan["changes"]["accounts"]["delete"] == [{"key": "441632960003", "before": {
        "product": "Office Line", "first_name": "Carol", "last_name": "Cole", "email": "carol@acme.example",
        "extension": "", "credit_limit": 20.0, "blocked": True, "unified_messaging": False, "addons": []}}]


def test_a_no_op_plan_is_small_whatever_the_number_of_accounts():
    records = [record(6000 + n, "4420300%05d" % n, 2, "First%d" % n, "Last", credit=10) for n in range(1000)]
    fake = FakeApi(records, [])
    accounts = [{"account_id": "4420300%05d" % n, "product": "Hosted PBX Seat", "first_name": "First%d" % n,
                 "last_name": "Last", "credit_limit": 10} for n in range(1000)]
    result = run_customer(fake, content(accounts=accounts, extensions=[{"number": "9", "name": "x"}],
                                        extensions_policy={"state": "merged"}), SOURCE)
    result = run_customer(fake, content(accounts=accounts, extensions=[{"number": "9", "name": "x"}],
                                        extensions_policy={"state": "merged"}), SOURCE)
    assert result["changed"] is False
    assert len(json.dumps(result)) < 1024, json.dumps(result)


def test_the_digest_is_stable_and_follows_only_the_managed_state():
    def digest(fake):
        return CustomerPlanner(fake, content(), SOURCE).plan()["digest"]

    fake = api()
    first = digest(fake)
    assert digest(fake) == first and digest(api()) == first
    fake.records["441632960002"]["Balance"] = 99.5        # moves by itself: not part of the state
    assert digest(fake) == first
    fake.records["441632960002"]["VoipPassword"] = "changed"   # secrets never enter the digest
    assert digest(fake) == first
    fake.records["441632960002"]["Email"] = "someone@else.example"
    assert digest(fake) != first
    fake = api()
    fake.extensions["102"]["name"] = "Renamed"
    assert digest(fake) != first


def test_a_saved_plan_applies_only_while_the_state_is_the_one_planned():
    fake = api()
    data = content(accounts=(dict(ALICE, first_name="Alicia"), BOB, CAROL))
    saved = json.loads(json.dumps(run_customer(fake, data, SOURCE, check_mode=True)["plan"]))
    fake.records["441632960002"]["Email"] = "moved@acme.example"                  # someone changed Bob since
    assert refused(fake, data, saved_plan=saved) == (
        "saved_plan: the state of Acme Ltd (1001) changed since the plan was made; plan again")
    fake.records["441632960002"]["Email"] = "bob@acme.example"
    changed_file = content(accounts=(dict(ALICE, first_name="Alice"), BOB, CAROL), extensions=[
        {"number": "101", "name": "Front", "account_id": "441632960001"},
        {"number": "102", "name": "Sales", "account_id": "441632960002"}])
    assert "is not the plan customers/acme.yml makes now" in refused(fake, changed_file, saved_plan=saved)
    result = run_customer(fake, data, SOURCE, saved_plan=saved)
    assert result["changed"] and fake.write_ops() == [("UpdateAccount", ["441632960001"])]


def test_complete_policy_never_removes_by_default():
    assert customer_plan.complete_policy(None) == {
        "accounts": {"state": "merged", "max_deletions": 0, "update_password": "always"},
        "extensions": {"state": "merged", "max_deletions": 0}}


def test_a_no_op_reads_accounts_and_extensions_once_and_nothing_else():
    fake = api()
    result = run_customer(fake, content(), SOURCE)
    assert result["changed"] is False and result["msg"] == "Acme Ltd (1001) from customers/acme.yml: in sync, nothing to change"
    # the product and add-on names are those the accounts carry: no catalogue read
    assert fake.templates() == ["/GetAccounts/{License}/{ICustomer}", "/GetCustomerExtensions/{License}/{ICustomer}"]
    # a name the accounts do not carry (another case) asks the catalogue, once
    fake = api()
    assert run_customer(fake, content(accounts=(dict(ALICE, product="hosted pbx seat"), BOB, CAROL)), SOURCE)[
        "changed"] is False
    assert fake.templates().count("/GetProducts/{License}") == 1


def test_a_create_the_server_refuses_is_sent_once_and_reported():
    from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import ValidationError
    from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import IncompleteChangeError
    fake = api()
    fake.fail = {"/CreateAccounts": (ValidationError("AcntId is in use", status=400), False)}
    with pytest.raises(IncompleteChangeError) as caught:
        run_customer(fake, content(accounts=(ALICE, BOB, CAROL, DANA)), SOURCE)
    assert "AcntId is in use" in str(caught.value)
    assert fake.templates().count("/CreateAccounts") == 1      # a refusal is not sent again
