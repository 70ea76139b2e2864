"""Unit tests of ExtensionSpec: mapping, validation messages, ordering of moves.

The sandbox plays the API in-process (tests/unit/sandbox_api.py, demo seed: customer 1001 has
extensions 101 on account 5001 and 102 on 5002, and account 5003 free). It enforces what the
server would (unique numbers, one extension per account, accounts of the same customer), so an
ordering or validation mistake shows up as a failed call; the client records what was sent.
"""
import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils import extension as ext
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import Engine, InputError, run_single

CUSTOMER = 1001
OTHER_CUSTOMERS_ACCOUNT = "441632960101"


@pytest.fixture
def api(demo):
    return demo.client()


def run(api, config, state="merged", **kwargs):
    return Engine(ext.ExtensionSpec(api, CUSTOMER)).run(config, state, **kwargs)


def failure(api, config, state="merged", **kwargs):
    with pytest.raises(InputError) as err:
        run(api, config, state, **kwargs)
    assert api.writes() == [], "an input error must come before any write"
    return str(err.value)


def by_number(demo):
    """The customer's extensions as the sandbox has them now (read with a client of its own)."""
    return dict((item["number"], item) for item in ext.extension_info(demo.client(), CUSTOMER)["extensions"])


# -- mapping -------------------------------------------------------------------------------

def test_records_map_to_items_and_unbound_means_empty_account_id():
    item = ext.extension_item({"i_c_ext": 7001, "id": "101", "name": "Reception", "i_account": 5001,
                               "account_id": "441632960001", "firstname": "Alice", "lastname": "Archer"})
    assert item == {"number": "101", "name": "Reception", "account_id": "441632960001", "record_id": 7001,
                    "i_account": 5001, "first_name": "Alice", "last_name": "Archer"}
    unbound = ext.extension_item({"i_c_ext": 7005, "id": "105", "name": "Lobby", "i_account": 0})
    assert unbound["account_id"] == "" and unbound["i_account"] == 0


def test_gathered_is_one_read_sorted_by_number(api):
    result = run(api, None, "gathered")
    assert [item["number"] for item in result["gathered"]] == ["101", "102"]
    assert result["gathered"][0]["account_id"] == "441632960001"
    assert api.ops() == ["GetCustomerExtensions"]


def test_unchanged_config_costs_one_read_and_no_account_lookup(api):
    result = run(api, [{"number": "101", "name": "Reception", "account_id": "441632960001"},
                       {"number": "102", "name": "Sales"}])
    assert result["changed"] is False
    assert api.ops() == ["GetCustomerExtensions"]


# -- creating, renaming, moving -------------------------------------------------------------

def test_create_binds_the_resolved_account_with_one_request(api, demo):
    result = run(api, [{"number": "103", "name": "Support", "account_id": "441632960003"}])
    assert result["created"] == ["103"]
    assert api.write_paths() == [("AddCustomerExtension", {"Name": "Support", "Id": "103", "IAccount": 5003})]
    assert by_number(demo)["103"]["i_account"] == 5003
    assert api.ops() == ["GetCustomerExtensions", "GetAccounts", "AddCustomerExtension", "GetCustomerExtensions"]


def test_create_without_account_is_unbound(api):
    run(api, [{"number": "150", "name": "Lobby"}])
    assert api.write_paths() == [("AddCustomerExtension", {"Name": "Lobby", "Id": "150", "IAccount": 0})]
    assert "GetAccounts" not in api.ops()


def test_rename_and_move_update_the_existing_record_in_place(api, demo):
    result = run(api, [{"number": "101", "name": "Front Desk", "account_id": "441632960003"}])
    assert result["updated"] == ["101"]
    assert api.write_paths() == [("UpdateCustomerExtension", {"ExtensionRecordId": 7001, "Name": "Front Desk",
                                                              "Id": "101", "IAccount": 5003})]
    assert by_number(demo)["101"]["record_id"] == 7001
    assert result["diff"] == [{
        "before_header": "extension 101", "after_header": "extension 101 (changed)",
        "before": '"101":\n  name: "Reception"\n  account_id: "441632960001"\n',
        "after": '"101":\n  name: "Front Desk"\n  account_id: "441632960003"\n'}]


def test_rename_only_keeps_the_account_without_reading_accounts(api):
    run(api, [{"number": "102", "name": "Sales & Support"}])
    assert api.write_paths() == [("UpdateCustomerExtension", {"ExtensionRecordId": 7002, "Name": "Sales & Support",
                                                              "Id": "102", "IAccount": 5002})]
    assert "GetAccounts" not in api.ops()


def test_empty_account_id_unbinds(api):
    run(api, [{"number": "101", "account_id": ""}])
    assert api.write_paths() == [("UpdateCustomerExtension", {"ExtensionRecordId": 7001, "Name": "Reception",
                                                              "Id": "101", "IAccount": 0})]


def test_replaced_without_account_id_unbinds_but_keeps_the_name(api, demo):
    result = run(api, [{"number": "101"}], "replaced")
    assert result["updated"] == ["101"]
    now = by_number(demo)
    assert now["101"]["i_account"] == 0
    assert now["101"]["name"] == "Reception"
    assert now["102"]["i_account"] == 5002  # not listed: replaced leaves it alone


def test_check_mode_predicts_without_writing(api, demo):
    config = [{"number": "101", "account_id": "441632960003"}, {"number": "104", "name": "New", "account_id": ""}]
    predicted = run(api, config, check_mode=True)
    assert api.writes() == [] and [r for r in demo.requests() if r["write"]] == []
    real = run(demo.client(), config)
    assert (predicted["changed"], predicted["created"], predicted["updated"]) == \
        (real["changed"], real["created"], real["updated"])
    predicted_after = dict((item["number"], item) for item in predicted["after"])
    assert predicted_after["101"]["i_account"] == 5003
    assert predicted_after["101"]["first_name"] == "Carol"


# -- ordering of moves ---------------------------------------------------------------------

def test_swap_of_accounts_parks_one_extension_first(api, demo):
    result = run(api, [{"number": "101", "account_id": "441632960002"},
                       {"number": "102", "account_id": "441632960001"}])
    assert sorted(result["updated"]) == ["101", "102"]
    assert [(path["Id"], path["IAccount"]) for _op, path in api.write_paths()] == [("101", 0), ("102", 5001), ("101", 5002)]
    now = by_number(demo)
    assert now["101"]["i_account"] == 5002 and now["102"]["i_account"] == 5001
    assert sorted(item["record_id"] for item in now.values()) == [7001, 7002]


def test_chain_of_moves_needs_no_parking(api):
    # 102 takes 101's account, 101 takes the free one: 101 must move first.
    run(api, [{"number": "102", "account_id": "441632960001"}, {"number": "101", "account_id": "441632960003"}])
    assert [(path["Id"], path["IAccount"]) for _op, path in api.write_paths()] == [("101", 5003), ("102", 5001)]


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


def test_an_account_already_shared_on_the_server_does_not_block_a_rename(api, demo):
    with demo.store.session() as db:      # another tool bound 102 to 5001 too (the API refuses to)
        db.conn.execute("UPDATE extensions SET i_account = 5001 WHERE i_c_ext = 7002")
    run(api, [{"number": "101", "name": "Front Desk", "account_id": "441632960001"}])
    assert [path["IAccount"] for _op, path in api.write_paths()] == [5001]


def test_overridden_deletes_first_so_a_freed_account_and_number_can_be_reused(api):
    result = run(api, [{"number": "101", "name": "Reception", "account_id": "441632960001"},
                       {"number": "103", "name": "Takes Bob", "account_id": "441632960002"}],
                 "overridden", max_deletions=1)
    assert result["deleted"] == ["102"] and result["created"] == ["103"]
    assert api.ops()[2:] == ["DeleteCustomerExtension", "AddCustomerExtension", "GetCustomerExtensions"]


def test_overridden_guard_fails_before_writing(api):
    message = failure(api, [{"number": "101"}], "overridden", max_deletions=0)
    assert "max_deletions" in message and "102" in message


# -- validation ----------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["", "10a", "１０１", "1 01", "+101", "-1", "10.1", "1" * (16 + 1)])
def test_numbers_must_be_digits(api, number):
    message = failure(api, [{"number": "101", "name": "Reception"}, {"number": number, "name": "X"}])
    assert message.startswith("config[1].number:")


def test_a_number_listed_twice_is_a_duplicate(api):
    message = failure(api, [{"number": "103", "name": "A"}, {"number": "103", "name": "B"}])
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
def test_names_that_cannot_travel_in_a_path_fail_naming_the_option(api, name, reason):
    message = failure(api, [{"number": "101", "name": name}])
    assert message.startswith("config[0].name:") and reason in message


@pytest.mark.parametrize("name", ["Q? & A", "#1 Desk", "100% Sales", "Sales Team", u"Caf\u00e9 \u65e5\u672c", "a.b.c", "x.htm"])
def test_names_with_special_characters_are_accepted(api, demo, name):
    run(api, [{"number": "101", "name": name}])
    assert by_number(demo)["101"]["name"] == name


def test_unknown_or_foreign_account_fails_naming_the_option(demo):
    for account_id in ("999999", OTHER_CUSTOMERS_ACCOUNT):
        api = demo.client()
        message = failure(api, [{"number": "103", "name": "X", "account_id": account_id}])
        assert message.startswith("config[0].account_id:")
        assert "not an account of customer 1001" in message and account_id in message


def test_name_is_required_to_create(api):
    message = failure(api, [{"number": "103", "account_id": "441632960003"}])
    assert message.startswith("config[0].name:") and "create extension 103" in message


def test_two_extensions_on_one_account_fail_before_writing(api):
    message = failure(api, [{"number": "101", "account_id": "441632960003"},
                            {"number": "103", "name": "X", "account_id": "441632960003"}])
    assert message.startswith("config[1].account_id:") and "101 and 103" in message


def test_taking_the_account_of_an_unlisted_extension_fails_with_merged_but_not_overridden(api, demo):
    config = [{"number": "103", "name": "X", "account_id": "441632960002"}]
    message = failure(api, config)
    assert message.startswith("config[0].account_id:")
    assert "extension 102 is not in config" in message
    result = run(demo.client(), config + [{"number": "101", "name": "Reception", "account_id": "441632960001"}],
                 "overridden", max_deletions=1)
    assert result["deleted"] == ["102"] and by_number(demo)["103"]["i_account"] == 5002


def test_deleted_checks_numbers_but_not_names(api, demo):
    result = run(api, [{"number": "102", "name": "whatever/ignored"}], "deleted", max_deletions=1)
    assert result["deleted"] == ["102"]
    assert api.write_paths() == [("DeleteCustomerExtension", {"ExtensionRecordId": 7002})]
    assert failure(demo.client(), [{"number": "x"}], "deleted", max_deletions=1).startswith("config[0].number:")


def test_unknown_customer_is_bad_input_on_customer(api):
    with pytest.raises(InputError) as err:
        Engine(ext.ExtensionSpec(api, 4242)).run(None, "gathered")
    assert str(err.value).startswith("customer:") and "4242" in str(err.value)


# -- the single-object form ------------------------------------------------------------------

def test_single_messages_name_the_plain_option(api):
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
