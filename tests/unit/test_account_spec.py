"""Unit tests of the account and add-on specs and the product catalogue.

The sandbox answers in-process (tests/unit/sandbox_api.py; demo seed: customer 1001 has accounts
441632960001-3), so the tests check field mapping, validation messages, desired-state computation
and how writes are batched against the server's own rules; its fault injection plays the failures.
"""
import datetime

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import (
    AccountAddonSpec, AccountSpec, account_from_api, check_new_account_id)
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer import GET_CUSTOMER_ACCOUNTS
from ansible_collections.portaplus.softswitch.plugins.module_utils.product import Catalogue, product_from_api
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import Engine, InputError, run_single
from tests.unit.sandbox_api import InProcessSandbox

PRODUCTS = [
    {"IProduct": 1, "Name": "Office Line", "addon_priority": 0},
    {"IProduct": 2, "Name": "Hosted PBX Seat", "addon_priority": 0},
    {"IProduct": 3, "Name": "SIP Trunk", "addon_priority": 0},
    {"IProduct": 11, "Name": "Call Recording", "addon_priority": 10},
    {"IProduct": 12, "Name": "Voicemail to Email", "addon_priority": 10},
    {"IProduct": 13, "Name": "International Calling", "addon_priority": 20},
]
NAMES = dict((p["IProduct"], p["Name"]) for p in PRODUCTS)


def record(i_account, account_id, product, first="", last="", email="", blocked=False, credit=0.0,
           password="secret-%d", addons=(), extension=None, um=False):
    """A ProductAccount as GET /GetAccounts returns it (null members left out, C.5)."""
    rec = {"AccountId": account_id, "IAccount": i_account, "ICustomer": 1001, "IProduct": product,
           "ProductName": NAMES[product], "Blocked": blocked, "Blockedfield": "Y" if blocked else "N",
           "CreditLimit": credit, "UMEnabled": "Y" if um else "N", "VoipPassword": password % i_account if "%d" in password else password,
           "ActiveAddons": [{"IProduct": a, "Name": NAMES[a], "effective_from": "2024-01-01T00:00:00Z",
                             "effective_to": None} for a in addons]}
    for member, value in (("FirstName", first), ("LastName", last), ("Email", email), ("ExtensionNumber", extension)):
        if value:
            rec[member] = value
    return rec


@pytest.fixture
def api(demo):
    return demo.client()


def records(demo):
    """The accounts of customer 1001 as the sandbox has them now, by AccountId (read with a client of its own)."""
    accounts = demo.client().call(GET_CUSTOMER_ACCOUNTS, {"ICustomer": 1001})["Accounts"]
    return dict((rec["AccountId"], rec) for rec in accounts)


def addon_names(demo, account_id):
    return sorted(addon["Name"] for addon in records(demo)[account_id].get("ActiveAddons") or [])


def run(api, config, state="merged", check_mode=False, max_deletions=None, **spec_options):
    return Engine(AccountSpec(api, 1001, **spec_options)).run(config, state, check_mode=check_mode, max_deletions=max_deletions)


def failure_of(api, config, state="merged", **spec_options):
    with pytest.raises(InputError) as info:
        run(api, config, state, **spec_options)
    assert api.writes() == [], "bad input must fail before any write"
    return str(info.value)


# -- field mapping API <-> options ----------------------------------------------------------

def test_account_from_api_maps_every_managed_field():
    item = account_from_api(record(5001, "441632960001", 2, "Zoë", "Łukasiewicz", "zoe@acme.example",
                                   credit=50, addons=[12, 11], extension="101", um=True))
    assert item["account_id"] == "441632960001"
    assert item["i_account"] == 5001
    assert (item["product"], item["product_id"]) == ("Hosted PBX Seat", 2)
    assert (item["first_name"], item["last_name"], item["email"]) == ("Zoë", "Łukasiewicz", "zoe@acme.example")
    assert item["extension"] == "101"
    assert item["password"] == "secret-5001"
    assert item["credit_limit"] == 50.0
    assert item["blocked"] is False
    assert item["unified_messaging"] is True          # "Y" in a ProductAccount
    assert item["addons"] == ["Call Recording", "Voicemail to Email"]   # sorted by name
    assert item["addon_details"][0] == {"name": "Call Recording", "id": 11,
                                        "effective_from": "2024-01-01T00:00:00Z", "effective_to": None}


def test_account_from_api_reads_omitted_text_as_empty_and_blockedfield_when_blocked_is_missing():
    rec = record(5003, "441632960003", 1, blocked=True)
    del rec["Blocked"]                      # A7: only Blockedfield
    item = account_from_api(rec)
    assert item["blocked"] is True
    assert (item["first_name"], item["last_name"], item["email"], item["extension"]) == ("", "", "", "")


def test_account_from_api_skips_add_ons_that_have_ended():
    rec = record(5001, "441632960001", 2, addons=[11, 12])
    rec["ActiveAddons"][1]["effective_to"] = "2000-01-01T00:00:00Z"
    assert account_from_api(rec)["addons"] == ["Call Recording"]


def test_update_sends_the_complete_managed_field_set_of_each_account(api, demo):
    run(api, [{"account_id": "441632960002", "email": "robert@acme.example"}])
    (template, body), = api.writes()
    assert template == "/UpdateAccount"
    assert body == {"Accounts": [{
        "IAccount": 5002, "Id": "441632960002", "ICustomer": 1001, "IProduct": 2, "FirstName": "Bob",
        "LastName": "Baker", "Email": "robert@acme.example", "CreditLimit": 50.0, "Blocked": False,
        "UMEnabled": False, "Password": "sip-5002-pw"}]}   # A5: current values merged with the desired one


def test_product_change_sends_the_new_product_id(api, demo):
    run(api, [{"account_id": "441632960003", "product": "sip trunk"}])
    (template, body), = api.writes()
    assert body["Accounts"][0]["IProduct"] == 3
    assert records(demo)["441632960003"]["ProductName"] == "SIP Trunk"


def test_terminate_is_one_update_with_bill_status_closed(api, demo):
    result = run(api, [{"account_id": "441632960001"}, {"account_id": "441632960003"}], "deleted", max_deletions=2)
    assert result["deleted"] == ["441632960001", "441632960003"]
    (template, body), = api.writes()
    assert template == "/UpdateAccount"
    assert [(e["IAccount"], e["BillStatus"]) for e in body["Accounts"]] == [(5001, "C"), (5003, "C")]


def test_max_deletions_message_says_termination_is_irreversible(api, demo):
    message = failure_of(api, [{"account_id": "441632960001", "product": "Hosted PBX Seat"}], "overridden", max_deletions=1)
    assert "irreversibly terminate 2 accounts (441632960002, 441632960003)" in message
    assert "max_deletions=1" in message


# -- validation messages -------------------------------------------------------------------

@pytest.mark.parametrize("field, value, expected", [
    ("email", "not-an-email", "config[1].email: is not a valid e-mail address"),
    ("email", "a@b", "config[1].email: is not a valid e-mail address"),
    ("email", "two@@acme.example", "config[1].email: is not a valid e-mail address"),
    ("email", "x" * 250 + "@a.example", "config[1].email: must be at most 254 characters long"),
    ("first_name", "N" * 101, "config[1].first_name: must be at most 100 characters long, got 101"),
    ("last_name", "Line\nbreak", "config[1].last_name: must not contain control characters"),
    ("extension", "12a", "config[1].extension: must be an extension number of 1 to 16 digits"),
    ("credit_limit", -1.0, "config[1].credit_limit: must be a number from 0 to"),
    ("credit_limit", float("nan"), "config[1].credit_limit: must be a number from 0 to"),
    ("blocked", "maybe", "config[1].blocked: must be true or false"),
    ("product", "Hosted PBX Sweat", "config[1].product: unknown main product; did you mean 'Hosted PBX Seat' (id 2)?"),
    ("product", "Call Recording", "config[1].product: 'Call Recording' (id 11) is an add-on, not a main product"),
    ("product", 99, "config[1].product: unknown main product"),
    ("product", ["Office Line"], "config[1].product: must be the name or the id of a main product, not a list"),
    ("addons", ["Call Recording", "Voicemail to Mail"],
     "config[1].addons[1]: unknown add-on; did you mean 'Voicemail to Email' (id 12)?"),
    ("addons", ["Office Line"], "config[1].addons[0]: 'Office Line' (id 1) is a main product, not an add-on"),
])
def test_bad_values_fail_before_any_write_naming_the_option_and_value(field, value, expected, api, demo):
    config = [{"account_id": "441632960001", "first_name": "Alice"},
              {"account_id": "441632960099", "product": "Office Line", field: value}]
    message = failure_of(api, config)
    assert message.startswith(expected), message


@pytest.mark.parametrize("account_id, expected", [
    ("4416/32960099", "must not contain '/'"),
    ("441632960099.json", "must not end in .json/.xml/.jsv/.csv/.html"),
    ("x" * 65, "must be at most 64 characters long"),
    ("Zoë", "may contain only the ASCII letters"),
    (" 4416", "must not start or end with blanks"),
    ("", "is required"),
])
def test_bad_new_account_ids_fail_before_any_write(account_id, expected, api, demo):
    message = failure_of(api, [{"account_id": account_id, "product": "Office Line"}])
    assert message.startswith("config[0].account_id: " + expected), message


def test_password_is_never_in_a_message(api, demo):
    message = failure_of(api, [{"account_id": "441632960099", "product": 1, "password": "hunter2\t" + "x" * 70}])
    assert message == "config[0].password: must be at most 64 characters long, got 78"
    message = failure_of(api, [{"account_id": "441632960099", "product": 1, "password": "hunter2\n"}])
    assert "hunter2" not in message and message.startswith("config[0].password: must not contain control characters")


def test_product_is_required_to_create_and_single_module_options_have_no_prefix(api):
    message = failure_of(api, [{"account_id": "441632960099", "first_name": "New"}])
    assert message == "config[0].product: is required to create account 441632960099 (it does not exist in customer 1001)"
    with pytest.raises(InputError) as info:
        run_single(AccountSpec(api, 1001, single=True), {"account_id": "441632960099", "email": "nope"}, "present")
    assert str(info.value).startswith("email: is not a valid e-mail address")
    assert str(info.value).endswith("(got 'nope')")


def test_unicode_names_and_addresses_are_accepted_and_sent_as_is(api, demo):
    run(api, [{"account_id": "441632960099", "product": "Office Line", "first_name": "Zoë",
               "last_name": "Łukasiewicz-Ångström", "email": "zoë@bücher.example"}])
    created = api.writes()[0][1]["AccountRequest"]["AccountsToCreate"][0]
    assert (created["FirstName"], created["LastName"], created["Email"]) == ("Zoë", "Łukasiewicz-Ångström", "zoë@bücher.example")
    assert run(api, [{"account_id": "441632960099", "first_name": "Zoë"}])["changed"] is False


def test_extension_of_an_existing_account_cannot_change(api):
    message = failure_of(api, [{"account_id": "441632960001", "extension": "102"}])
    assert message.startswith("config[0].extension: can only be set when an account is created; "
                              "account 441632960001 has extension '101'")
    assert run(api, [{"account_id": "441632960001", "extension": "101"}])["changed"] is False


def test_a_new_account_cannot_take_an_extension_in_use_or_claimed_twice(api):
    message = failure_of(api, [{"account_id": "441632960099", "product": 1, "extension": "101"}])
    assert message == "config[0].extension: is already the extension of account 441632960001 (got '101')"
    message = failure_of(api, [{"account_id": "441632960098", "product": 1, "extension": "150"},
                               {"account_id": "441632960099", "product": 1, "extension": "150"}])
    assert message == "config[1].extension: is already the extension of account 441632960098 (got '150')"


def test_new_account_id_rules():
    assert check_new_account_id("x", "sip.user-1+test@pbx") == "sip.user-1+test@pbx"


# -- desired state ---------------------------------------------------------------------------

def test_merged_adds_addons_and_keeps_others_unless_purge(api, demo):
    result = run(api, [{"account_id": "441632960001", "addons": ["Voicemail to Email"]}])
    assert addon_names(demo, "441632960001") == ["Call Recording", "Voicemail to Email"]
    assert result["updated"] == ["441632960001"]
    (template, body), = api.writes()
    assert template == "/UpdateAccountByProductAddons/{License}"       # add-ons only: no UpdateAccount
    assert body["Accounts"][0]["assigned_addons"] == [
        {"IProduct": 11, "Name": "Call Recording"}, {"IProduct": 12, "Name": "Voicemail to Email"}]
    assert run(api, [{"account_id": "441632960001", "addons": [12]}])["changed"] is False

    demo.reset()
    run(demo.client(), [{"account_id": "441632960001", "addons": ["voicemail to email"]}], purge_addons=True)
    assert addon_names(demo, "441632960001") == ["Voicemail to Email"]


def test_replaced_resets_omitted_fields_and_addons_but_keeps_product_credit_and_password(api):
    spec = AccountSpec(api, 1001)
    have = spec.read_all()[0]
    desired = spec.desired({"account_id": "441632960001", "first_name": "Alice"}, have, "replaced")
    assert desired["last_name"] == "" and desired["email"] == "" and desired["blocked"] is False
    assert desired["addons"] == []
    assert (desired["product"], desired["credit_limit"], desired["password"]) == ("Hosted PBX Seat", 50.0, "sip-5001-pw")


def test_update_password_on_create_keeps_existing_passwords_and_always_changes_them(api, demo):
    config = [{"account_id": "441632960002", "password": "new-pass"},
              {"account_id": "441632960098", "product": "Office Line", "password": "first-pass"}]
    result = run(api, config, update_password="on_create")
    assert result["created"] == ["441632960098"] and result["updated"] == []
    assert records(demo)["441632960098"]["VoipPassword"] == "first-pass"
    assert records(demo)["441632960002"]["VoipPassword"] == "sip-5002-pw"

    result = run(api, config)   # default: always
    assert result["updated"] == ["441632960002"]
    assert records(demo)["441632960002"]["VoipPassword"] == "new-pass"
    assert '  password: "********"' in result["diff"][0]["before"]
    assert '  password: "******** (changed)"' in result["diff"][0]["after"]
    assert run(api, config)["changed"] is False


def test_results_and_diffs_never_hold_a_password(api, demo):
    result = run(api, [{"account_id": "441632960001", "password": "brand-new"},
                       {"account_id": "441632960097", "product": 1, "password": "another"}])
    text = repr(result)
    for secret in ("sip-5001-pw", "sip-5002-pw", "brand-new", "another"):
        assert secret not in text
    created = [entry for entry in result["diff"] if entry["after_header"] == "account 441632960097 (created)"][0]
    assert '  password: "********"\n' in created["after"]
    assert all("password" not in item for item in result["after"] + result["before"])   # reads never return it (H3)


def test_check_mode_plans_the_same_change_without_writing(api, demo):
    config = [{"account_id": "441632960002", "blocked": True}, {"account_id": "441632960096", "product": 3}]
    checked = run(api, config, check_mode=True)
    assert api.writes() == []
    assert checked["changed"] is True and checked["created"] == ["441632960096"]
    real = run(api, config)
    assert (real["changed"], real["created"], real["updated"]) == (True, checked["created"], checked["updated"])


# -- batching --------------------------------------------------------------------------------

def test_creates_are_one_request_per_product_then_one_read_back_and_one_follow_up_each(api, demo):
    config = [
        {"account_id": "441632960111", "product": "Hosted PBX Seat", "credit_limit": 10, "addons": ["Call Recording"]},
        {"account_id": "441632960112", "product": "Office Line", "credit_limit": 25, "blocked": True},
        {"account_id": "441632960113", "product": 2, "credit_limit": 10, "email": "c@acme.example",
         "unified_messaging": True},
        {"account_id": "441632960114", "product": "office line", "credit_limit": 30},
    ]
    result = run(api, config)                           # (441632960101 is customer 1002's, so 111-114 here)
    assert result["created"] == ["441632960111", "441632960112", "441632960113", "441632960114"]
    assert api.templates() == [
        "/GetAccounts/{License}/{ICustomer}", "/GetProducts/{License}",
        "/GetAccountsByAccountIDs",                     # where the new account IDs are in use, one read (H5)
        "/CreateAccounts", "/CreateAccounts",           # one per distinct product, config order
        "/GetAccounts/{License}/{ICustomer}",           # read-back: CreateAccounts names one account only (A8)
        "/UpdateAccount", "/UpdateAccountByProductAddons/{License}",
        "/GetAccounts/{License}/{ICustomer}",           # after
    ]
    seat, office = api.writes()[0][1]["AccountRequest"], api.writes()[1][1]["AccountRequest"]
    assert [e["AcntId"] for e in seat["AccountsToCreate"]] == ["441632960111", "441632960113"]
    assert seat["DefaultValues"] == {"ProductId": 2, "BillingModel": "CreditAccount", "CreditLimit": 10}
    assert office["DefaultValues"] == {"ProductId": 1, "BillingModel": "CreditAccount"}   # differing limits follow
    follow_up = api.writes()[2][1]["Accounts"]
    assert sorted((e["Id"], e["CreditLimit"], e["Blocked"], e["UMEnabled"]) for e in follow_up) == [
        ("441632960112", 25, True, False), ("441632960113", 10, False, True), ("441632960114", 30, False, False)]
    assert run(api, config)["changed"] is False


def test_changing_three_of_many_accounts_is_one_update_request():
    many = InProcessSandbox("demo", accounts=300)       # 441632970001-0300 in customer 1001, first name "User"
    try:
        api = many.client()
        config = [{"account_id": "44163297%04d" % n, "first_name": "User"} for n in range(1, 301)]
        for n in (5, 150, 299):
            config[n]["first_name"] = "Changed"
        result = run(api, config)
        assert len(result["updated"]) == 3
        assert [t for t, _b in api.writes()] == ["/UpdateAccount"]
        assert len(api.writes()[0][1]["Accounts"]) == 3
        assert sum(rec["FirstName"] == "Changed" for rec in records(many).values()) == 3
    finally:
        many.close()


def test_a_create_that_timed_out_is_read_back_not_sent_again(api, demo):
    demo.set_faults(fault_rate=1, kinds=["timeout"], max_faults=1, routes=["/CreateAccounts"])  # committed, no answer
    config = [{"account_id": "441632960201", "product": 1, "blocked": True},
              {"account_id": "441632960202", "product": 1}]
    result = run(api, config)
    assert result["created"] == ["441632960201", "441632960202"]
    assert api.templates().count("/CreateAccounts") == 1
    assert records(demo)["441632960201"]["Blocked"] is True                     # follow-up still applied


def test_a_failed_create_applies_follow_ups_to_what_exists_and_reports_the_rest(api, demo):
    demo.set_faults(fault_rate=1, kinds=["500"], max_faults=1, routes=["/CreateAccounts"])    # not applied
    config = [{"account_id": "441632960301", "product": 1}, {"account_id": "441632960302", "product": 2}]
    result = run(api, config)
    # the other product's request is still sent; the read-back shows 301 missing, and only it is sent again (H6)
    creates = [body["AccountRequest"]["AccountsToCreate"] for template, body in api.writes() if template == "/CreateAccounts"]
    assert [[entry["AcntId"] for entry in entries] for entries in creates] == [
        ["441632960301"], ["441632960302"], ["441632960301"]]
    assert result["created"] == ["441632960301", "441632960302"]
    assert run(api, config)["changed"] is False


# -- account_addon ---------------------------------------------------------------------------

def test_addon_spec_sends_the_complete_set_and_reports_dates(api, demo):
    spec = AccountAddonSpec(api, 1001, "441632960001")
    key = spec.resolve("voicemail TO email")
    assert key == "Voicemail to Email"
    result = run_single(spec, {"addon": key}, "present")
    assert result["changed"] is True and result["existed"] is False
    assert result["addon"]["addon_id"] == 12
    took_effect = datetime.datetime.strptime(result["addon"]["effective_from"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(took_effect - datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)) < datetime.timedelta(minutes=5)     # the sandbox's "now"
    assert api.writes()[-1][1]["Accounts"][0]["assigned_addons"] == [
        {"IProduct": 11, "Name": "Call Recording"}, {"IProduct": 12, "Name": "Voicemail to Email"}]

    result = run_single(AccountAddonSpec(api, 1001, "441632960001"), {"addon": "Call Recording"}, "absent")
    assert result["changed"] is True and result["existed"] is True and result["addon"] == {}
    assert api.writes()[-1][1]["Accounts"][0]["assigned_addons"] == [{"IProduct": 12, "Name": "Voicemail to Email"}]
    writes = len(api.writes())
    assert run_single(AccountAddonSpec(api, 1001, "441632960001"), {"addon": "Call Recording"}, "absent")["changed"] is False
    assert len(api.writes()) == writes


def test_addon_spec_unknown_account_or_main_product_fails_naming_the_option(api):
    with pytest.raises(InputError) as info:
        run_single(AccountAddonSpec(api, 1001, "441699999999"), {"addon": "Call Recording"}, "present")
    assert str(info.value) == "account_id: no open account with this id in customer 1001 (got '441699999999')"
    with pytest.raises(InputError) as info:
        AccountAddonSpec(api, 1001, "441632960001").resolve("Office Line")
    assert str(info.value).startswith("addon: 'Office Line' (id 1) is a main product, not an add-on")


# -- catalogue ------------------------------------------------------------------------------

def test_catalogue_splits_by_addon_priority_and_resolves_names_then_ids():
    catalogue = Catalogue(product_from_api(p) for p in PRODUCTS)
    assert [p["id"] for p in catalogue.mains] == [1, 2, 3]
    assert [p["id"] for p in catalogue.addons] == [11, 12, 13]
    assert catalogue.resolve("Office Line", "o", "main")["id"] == 1
    assert catalogue.resolve("  office LINE ", "o", "main")["id"] == 1
    assert catalogue.resolve(2, "o", "main")["name"] == "Hosted PBX Seat"
    assert catalogue.resolve("13", "o", "addon")["name"] == "International Calling"
    with pytest.raises(InputError) as info:
        catalogue.resolve(True, "o", "main")
    assert "not a bool" in str(info.value)


def test_catalogue_refuses_an_ambiguous_name_and_lists_ids():
    catalogue = Catalogue(product_from_api(p) for p in PRODUCTS + [{"IProduct": 4, "Name": "office line"}])
    assert catalogue.resolve("Office Line", "o", "main")["id"] == 1           # exact name wins
    with pytest.raises(InputError) as info:
        catalogue.resolve("OFFICE LINE", "o", "main")
    assert "names several main products (ids 1, 4); give the id instead" in str(info.value)


def test_locate_on_refusal_saves_the_license_wide_lookup_of_one_create_and_still_names_a_taken_id(api, demo):
    # one product, one CreateAccounts: the API refuses it whole (A35), so the lookup waits for a refusal
    run(api, [{"account_id": "441632960121", "product": 2}], locate_on_refusal=True)
    assert "/GetAccountsByAccountIDs" not in api.templates()
    # two products, two requests: not refused as one, so the IDs are looked up before the first write
    api = demo.client()
    run(api, [{"account_id": "441632960122", "product": 2}, {"account_id": "441632960123", "product": 1}],
        locate_on_refusal=True)
    assert api.templates().index("/GetAccountsByAccountIDs") < api.templates().index("/CreateAccounts")
    # an ID customer 1002 holds: CreateAccounts refuses it, and the message names the holder
    api = demo.client()
    with pytest.raises(InputError) as info:
        run(api, [{"account_id": "441632960124", "product": 2}, {"account_id": "441632960101", "product": 2}],
            locate_on_refusal=True)
    assert str(info.value).startswith("config[1].account_id: account 441632960101 exists in customer 1002, not in "
                                      "customer 1001"), str(info.value)
    assert "441632960124" not in records(demo)       # refused whole: nothing was created
