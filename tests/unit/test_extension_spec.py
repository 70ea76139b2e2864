"""Unit tests of ExtensionSpec (pure logic): mapping, validation messages, ordering of moves.

A fake client plays the API in memory. It enforces what the server would (unique numbers,
one extension per account, accounts of the same customer) and refuses the same path values
the real client refuses, so an ordering or validation mistake shows up as a failed call.
"""
import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils import extension as ext
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import FORMAT_SUFFIXES, NotFoundError
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import Engine, InputError, run_single

CUSTOMER = 1001
ACCOUNTS = {
    5001: ("441632960001", "Alice", "Archer"),
    5002: ("441632960002", "Bob", "Baker"),
    5003: ("441632960003", "Carol", "Cole"),
}
OTHER_CUSTOMERS_ACCOUNT = "441632960101"


class FakeApi:
    """The CustomerExtension and GetAccounts routes of one customer, in memory."""

    def __init__(self, extensions=None):
        self.extensions = dict((rec["i_c_ext"], dict(rec)) for rec in (extensions or [
            {"i_c_ext": 7001, "id": "101", "name": "Reception", "i_account": 5001},
            {"i_c_ext": 7002, "id": "102", "name": "Sales", "i_account": 5002},
        ]))
        self.calls = []
        self.next_record = 7100

    def writes(self):
        return [(op, path) for op, path in self.calls if op.startswith(("Add", "Update", "Delete"))]

    def ops(self):
        return [op for op, _path in self.calls]

    def call(self, route, path=None, body=None, query=None, action=None):
        op = route.template.split("/")[1]
        path = dict(path or {})
        self.calls.append((op, path))
        assert path.pop("ICustomer") == CUSTOMER
        for name, value in path.items():  # what the real client refuses to render
            text = u"%s" % value
            assert text and "/" not in text and not text.lower().endswith(FORMAT_SUFFIXES), (name, value)
        if op == "GetAccounts":
            return {"Accounts": [{"IAccount": i, "AccountId": a, "FirstName": f, "LastName": l}
                                 for i, (a, f, l) in sorted(ACCOUNTS.items())]}
        if op == "GetCustomerExtensions":
            return {"ExtensionLst": [self.record(rec) for rec in self.extensions.values()]}
        if op == "AddCustomerExtension":
            self.check(None, path["Id"], int(path["IAccount"]))
            self.next_record += 1
            self.extensions[self.next_record] = {"i_c_ext": self.next_record, "id": path["Id"],
                                                 "name": path["Name"], "i_account": int(path["IAccount"])}
            return {"Extension": self.record(self.extensions[self.next_record])}
        if op == "UpdateCustomerExtension":
            record = self.extensions[int(path["ExtensionRecordId"])]
            self.check(record["i_c_ext"], path["Id"], int(path["IAccount"]))
            record.update(id=path["Id"], name=path["Name"], i_account=int(path["IAccount"]))
            return {"Extension": self.record(record)}
        if op == "DeleteCustomerExtension":
            if int(path["ExtensionRecordId"]) not in self.extensions:
                raise NotFoundError("not found")
            del self.extensions[int(path["ExtensionRecordId"])]
            return {"ExtensionDeleted": True}
        raise AssertionError("unexpected route %s" % route.template)

    def check(self, record_id, number, i_account):
        others = [rec for rec in self.extensions.values() if rec["i_c_ext"] != record_id]
        assert number.isdigit() and all(rec["id"] != number for rec in others), "number %s in use" % number
        assert i_account == 0 or i_account in ACCOUNTS, "account %s not of this customer" % i_account
        moving = record_id is None or self.extensions[record_id]["i_account"] != i_account
        assert not (i_account and moving) or all(rec["i_account"] != i_account for rec in others), \
            "account %s already bound" % i_account

    @staticmethod
    def record(rec):
        account_id, first, last = ACCOUNTS.get(rec["i_account"], ("", "", ""))
        return dict(rec, account_id=account_id, firstname=first, lastname=last, Note="", ProductName="", PhoneNumber="")

    def by_number(self):
        return dict((rec["id"], rec) for rec in self.extensions.values())


def run(api, config, state="merged", **kwargs):
    return Engine(ext.ExtensionSpec(api, CUSTOMER)).run(config, state, **kwargs)


def failure(api, config, state="merged", **kwargs):
    with pytest.raises(InputError) as err:
        run(api, config, state, **kwargs)
    assert api.writes() == [], "an input error must come before any write"
    return str(err.value)


# -- mapping -------------------------------------------------------------------------------

def test_records_map_to_items_and_unbound_means_empty_account_id():
    item = ext.extension_item({"i_c_ext": 7001, "id": "101", "name": "Reception", "i_account": 5001,
                               "account_id": "441632960001", "firstname": "Alice", "lastname": "Archer"})
    assert item == {"number": "101", "name": "Reception", "account_id": "441632960001", "record_id": 7001,
                    "i_account": 5001, "first_name": "Alice", "last_name": "Archer"}
    unbound = ext.extension_item({"i_c_ext": 7005, "id": "105", "name": "Lobby", "i_account": 0})
    assert unbound["account_id"] == "" and unbound["i_account"] == 0


def test_gathered_is_one_read_sorted_by_number():
    api = FakeApi()
    result = run(api, None, "gathered")
    assert [item["number"] for item in result["gathered"]] == ["101", "102"]
    assert result["gathered"][0]["account_id"] == "441632960001"
    assert api.ops() == ["GetCustomerExtensions"]


def test_unchanged_config_costs_one_read_and_no_account_lookup():
    api = FakeApi()
    result = run(api, [{"number": "101", "name": "Reception", "account_id": "441632960001"},
                       {"number": "102", "name": "Sales"}])
    assert result["changed"] is False
    assert api.ops() == ["GetCustomerExtensions"]


# -- creating, renaming, moving -------------------------------------------------------------

def test_create_binds_the_resolved_account_with_one_request():
    api = FakeApi()
    result = run(api, [{"number": "103", "name": "Support", "account_id": "441632960003"}])
    assert result["created"] == ["103"]
    assert api.writes() == [("AddCustomerExtension", {"Name": "Support", "Id": "103", "IAccount": 5003})]
    assert api.ops() == ["GetCustomerExtensions", "GetAccounts", "AddCustomerExtension", "GetCustomerExtensions"]


def test_create_without_account_is_unbound():
    api = FakeApi()
    run(api, [{"number": "150", "name": "Lobby"}])
    assert api.writes() == [("AddCustomerExtension", {"Name": "Lobby", "Id": "150", "IAccount": 0})]
    assert "GetAccounts" not in api.ops()


def test_rename_and_move_update_the_existing_record_in_place():
    api = FakeApi()
    result = run(api, [{"number": "101", "name": "Front Desk", "account_id": "441632960003"}])
    assert result["updated"] == ["101"]
    assert api.writes() == [("UpdateCustomerExtension", {"ExtensionRecordId": 7001, "Name": "Front Desk",
                                                         "Id": "101", "IAccount": 5003})]
    assert api.by_number()["101"]["i_c_ext"] == 7001
    assert result["diff"] == [{
        "before_header": "extension 101", "after_header": "extension 101 (changed)",
        "before": '"101":\n  name: "Reception"\n  account_id: "441632960001"\n',
        "after": '"101":\n  name: "Front Desk"\n  account_id: "441632960003"\n'}]


def test_rename_only_keeps_the_account_without_reading_accounts():
    api = FakeApi()
    run(api, [{"number": "102", "name": "Sales & Support"}])
    assert api.writes() == [("UpdateCustomerExtension", {"ExtensionRecordId": 7002, "Name": "Sales & Support",
                                                         "Id": "102", "IAccount": 5002})]
    assert "GetAccounts" not in api.ops()


def test_empty_account_id_unbinds():
    api = FakeApi()
    run(api, [{"number": "101", "account_id": ""}])
    assert api.writes() == [("UpdateCustomerExtension", {"ExtensionRecordId": 7001, "Name": "Reception",
                                                         "Id": "101", "IAccount": 0})]


def test_replaced_without_account_id_unbinds_but_keeps_the_name():
    api = FakeApi()
    result = run(api, [{"number": "101"}], "replaced")
    assert result["updated"] == ["101"]
    assert api.by_number()["101"]["i_account"] == 0
    assert api.by_number()["101"]["name"] == "Reception"
    assert api.by_number()["102"]["i_account"] == 5002  # not listed: replaced leaves it alone


def test_check_mode_predicts_without_writing():
    config = [{"number": "101", "account_id": "441632960003"}, {"number": "104", "name": "New", "account_id": ""}]
    api = FakeApi()
    predicted = run(api, config, check_mode=True)
    assert api.writes() == []
    real = run(FakeApi(), config)
    assert (predicted["changed"], predicted["created"], predicted["updated"]) == \
        (real["changed"], real["created"], real["updated"])
    predicted_after = dict((item["number"], item) for item in predicted["after"])
    assert predicted_after["101"]["i_account"] == 5003
    assert predicted_after["101"]["first_name"] == "Carol"


# -- ordering of moves ---------------------------------------------------------------------

def test_swap_of_accounts_parks_one_extension_first():
    api = FakeApi()
    result = run(api, [{"number": "101", "account_id": "441632960002"},
                       {"number": "102", "account_id": "441632960001"}])
    assert sorted(result["updated"]) == ["101", "102"]
    assert [(path["Id"], path["IAccount"]) for _op, path in api.writes()] == [("101", 0), ("102", 5001), ("101", 5002)]
    assert api.by_number()["101"]["i_account"] == 5002 and api.by_number()["102"]["i_account"] == 5001
    assert sorted(rec["i_c_ext"] for rec in api.extensions.values()) == [7001, 7002]


def test_chain_of_moves_needs_no_parking():
    api = FakeApi()
    # 102 takes 101's account, 101 takes the free one: 101 must move first.
    run(api, [{"number": "102", "account_id": "441632960001"}, {"number": "101", "account_id": "441632960003"}])
    assert [(path["Id"], path["IAccount"]) for _op, path in api.writes()] == [("101", 5003), ("102", 5001)]


def test_order_updates_rotation_of_three():
    def pair(number, have_account, want_account):
        return ({"number": number, "i_account": want_account}, {"number": number, "i_account": have_account})
    steps = ext.order_updates([pair("1", 10, 20), pair("2", 20, 30), pair("3", 30, 10)])
    assert [(desired["number"], i_account) for desired, _have, i_account in steps] == \
        [("1", 0), ("3", 10), ("2", 30), ("1", 20)]
    steps = ext.order_updates([pair("1", 10, 10), pair("2", 0, 0)])  # renames only: config order, no extra step
    assert [(desired["number"], i_account) for desired, _have, i_account in steps] == [("1", 10), ("2", 0)]
    # two extensions already sharing an account (another tool did it) are renamed without parking
    steps = ext.order_updates([pair("1", 10, 10), pair("2", 10, 10)])
    assert [(desired["number"], i_account) for desired, _have, i_account in steps] == [("1", 10), ("2", 10)]


def test_an_account_already_shared_on_the_server_does_not_block_a_rename():
    api = FakeApi([{"i_c_ext": 7001, "id": "101", "name": "Reception", "i_account": 5001},
                   {"i_c_ext": 7002, "id": "102", "name": "Sales", "i_account": 5001}])
    run(api, [{"number": "101", "name": "Front Desk", "account_id": "441632960001"}])
    assert [path["IAccount"] for _op, path in api.writes()] == [5001]


def test_overridden_deletes_first_so_a_freed_account_and_number_can_be_reused():
    api = FakeApi()
    result = run(api, [{"number": "101", "name": "Reception", "account_id": "441632960001"},
                       {"number": "103", "name": "Takes Bob", "account_id": "441632960002"}],
                 "overridden", max_deletions=1)
    assert result["deleted"] == ["102"] and result["created"] == ["103"]
    assert api.ops()[2:] == ["DeleteCustomerExtension", "AddCustomerExtension", "GetCustomerExtensions"]


def test_overridden_guard_fails_before_writing():
    api = FakeApi()
    message = failure(api, [{"number": "101"}], "overridden", max_deletions=0)
    assert "max_deletions" in message and "102" in message


# -- validation ----------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["", "10a", "１０１", "1 01", "+101", "-1", "10.1", "1" * (16 + 1)])
def test_numbers_must_be_digits(number):
    message = failure(FakeApi(), [{"number": "101", "name": "Reception"}, {"number": number, "name": "X"}])
    assert message.startswith("config[1].number:")


def test_a_number_listed_twice_is_a_duplicate():
    message = failure(FakeApi(), [{"number": "103", "name": "A"}, {"number": "103", "name": "B"}])
    assert "listed twice" in message and "items 0 and 1" in message


@pytest.mark.parametrize("name, reason", [
    ("", "empty"),
    ("   ", "blank"),
    ("Sales/Support", "'/'"),
    ("report.json", ".json"),
    ("REPORT.CSV", ".csv"),
    ("..", "'.'"),
    ("tab\there", "control characters"),
    ("x" * (ext.NAME_MAX_LENGTH + 1), "at most %d" % ext.NAME_MAX_LENGTH),
])
def test_names_that_cannot_travel_in_a_path_fail_naming_the_option(name, reason):
    message = failure(FakeApi(), [{"number": "101", "name": name}])
    assert message.startswith("config[0].name:") and reason in message


@pytest.mark.parametrize("name", ["Q? & A", "#1 Desk", "100% Sales", "Sales Team", u"Caf\u00e9 \u65e5\u672c", "a.b.c", "x.htm"])
def test_names_with_special_characters_are_accepted(name):
    api = FakeApi()
    run(api, [{"number": "101", "name": name}])
    assert api.by_number()["101"]["name"] == name


def test_unknown_or_foreign_account_fails_naming_the_option():
    for account_id in ("999999", OTHER_CUSTOMERS_ACCOUNT):
        api = FakeApi()
        message = failure(api, [{"number": "103", "name": "X", "account_id": account_id}])
        assert message.startswith("config[0].account_id:")
        assert "not an account of customer 1001" in message and account_id in message


def test_name_is_required_to_create():
    message = failure(FakeApi(), [{"number": "103", "account_id": "441632960003"}])
    assert message.startswith("config[0].name:") and "create extension 103" in message


def test_two_extensions_on_one_account_fail_before_writing():
    message = failure(FakeApi(), [{"number": "101", "account_id": "441632960003"},
                                  {"number": "103", "name": "X", "account_id": "441632960003"}])
    assert message.startswith("config[1].account_id:") and "101 and 103" in message


def test_taking_the_account_of_an_unlisted_extension_fails_with_merged_but_not_overridden():
    config = [{"number": "103", "name": "X", "account_id": "441632960002"}]
    message = failure(FakeApi(), config)
    assert message.startswith("config[0].account_id:")
    assert "extension 102 is not in config" in message
    api = FakeApi()
    result = run(api, config + [{"number": "101", "name": "Reception", "account_id": "441632960001"}],
                 "overridden", max_deletions=1)
    assert result["deleted"] == ["102"] and api.by_number()["103"]["i_account"] == 5002


def test_deleted_checks_numbers_but_not_names():
    api = FakeApi()
    result = run(api, [{"number": "102", "name": "whatever/ignored"}], "deleted", max_deletions=1)
    assert result["deleted"] == ["102"]
    assert api.writes() == [("DeleteCustomerExtension", {"ExtensionRecordId": 7002})]
    assert failure(FakeApi(), [{"number": "x"}], "deleted", max_deletions=1).startswith("config[0].number:")


def test_unknown_customer_is_bad_input_on_customer():
    class NoCustomer(FakeApi):
        def call(self, route, path=None, body=None, query=None, action=None):
            raise NotFoundError("404")
    with pytest.raises(InputError) as err:
        Engine(ext.ExtensionSpec(NoCustomer(), 4242)).run(None, "gathered")
    assert str(err.value).startswith("customer:") and "4242" in str(err.value)


# -- the single-object form ------------------------------------------------------------------

def test_single_messages_name_the_plain_option():
    api = FakeApi()
    spec = ext.ExtensionSpec(api, CUSTOMER, single=True)
    with pytest.raises(InputError) as err:
        run_single(spec, {"number": "103", "name": "X", "account_id": "441632960001"}, "present")
    assert str(err.value).startswith("account_id:") and "bound to extension 101 now" in str(err.value)
    with pytest.raises(InputError) as err:
        run_single(spec, {"number": "103", "name": "a/b", "account_id": None}, "present")
    assert str(err.value).startswith("name:")
    assert api.writes() == []
    result = run_single(spec, {"number": "101", "name": None, "account_id": None}, "absent")
    assert result["changed"] is True and result["existed"] is True and result["extension"] == {}
