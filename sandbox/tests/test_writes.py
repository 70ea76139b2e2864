"""What the write routes do to the data (assumptions A5-A8, A10, A12, A13, A15)."""

from __future__ import annotations

from sandbox_helpers import LICENSE


def accounts(api, customer: int = 1001) -> dict[str, dict]:
    reply = api.get(f"/GetAccounts/{LICENSE}/{customer}")
    assert reply.status == 200
    return {a["AccountId"]: a for a in reply.json()["Accounts"]}


def create(api, *entries, product: int = 1, customer: int = 1001, **defaults):
    return api.post("/CreateAccounts", {"License": LICENSE, "AccountRequest": {
        "ICustomer": customer, "DefaultValues": {"ProductId": product, **defaults},
        "AccountsToCreate": list(entries)}})


def update(api, *entries, route: str = "/UpdateAccount"):
    return api.post(route, {"License": LICENSE, "Accounts": list(entries)})


# -- CreateAccounts (A8) ----------------------------------------------------------------------


def test_create_several_accounts(api, sandbox):
    reply = create(api,
                   {"AcntId": "441632960501", "FirstName": "Ann", "LastName": "One",
                    "Email": "ann@acme.example", "Extension": "301", "Password": "pw-ann-1"},
                   {"AcntId": "441632960502", "FirstName": "Ben", "LastName": "Two"},
                   product=2, CreditLimit=75, BillingModel="DebitAccount")
    assert reply.status == 200, reply.body
    last = reply.json()
    assert last["ID"] == "441632960502" and last["IAccount"] == 5103   # next IDs, in order
    after = accounts(api)
    ann = after["441632960501"]
    assert ann["IAccount"] == 5102 and ann["IProduct"] == 2
    assert ann["ProductName"] == "Hosted PBX Seat" and ann["CreditLimit"] == 75
    assert ann["BillingModel"] == "DebitAccount" and ann["ExtensionNumber"] == "301"
    assert ann["VoipPassword"] == ann["SIPPassword"] == "pw-ann-1"              # A12
    assert after["441632960502"]["BillStatus"] == "O"
    assert sandbox.counters() == {"requests": 2, "writes": 1, "committed_writes": 1}


def test_create_with_a_duplicate_writes_nothing(api, sandbox):
    reply = create(api, {"AcntId": "441632960601"}, {"AcntId": "441632960002"})
    assert reply.status == 400
    errors = reply.json()["ResponseStatus"]["Errors"]
    assert errors[0]["FieldName"] == "AccountRequest.AccountsToCreate[1].AcntId"
    assert "441632960601" not in accounts(api)
    assert sandbox.counters()["committed_writes"] == 0
    assert create(api, {"AcntId": "441632960601"}, {"AcntId": "441632960601"}).status == 400


def test_create_for_another_resellers_customer_is_404(api):
    assert create(api, {"AcntId": "441632960701"}, customer=2001).status == 404


# -- UpdateAccount (A5, A6, A7, A10) ----------------------------------------------------------


def test_update_changes_only_the_members_sent(api):
    before = accounts(api)["441632960002"]
    reply = update(api, {"IAccount": 5002, "Email": "robert@acme.example", "CreditLimit": 80})
    assert reply.status == 200 and reply.json() == {"Success": True, "ContentId": 0}   # A4
    after = accounts(api)["441632960002"]
    assert after["Email"] == "robert@acme.example" and after["CreditLimit"] == 80
    unchanged = {k: v for k, v in before.items() if k not in ("Email", "CreditLimit",
                                                                "availableBalance")}
    assert {k: after[k] for k in unchanged} == unchanged


def test_block_and_unblock(api):
    update(api, {"IAccount": 5001, "Blocked": True})
    assert accounts(api)["441632960001"]["Blocked"] is True
    assert accounts(api)["441632960001"]["Blockedfield"] == "Y"
    update(api, {"IAccount": 5001, "Blocked": False})
    assert accounts(api)["441632960001"]["Blocked"] is False


def test_terminate_is_final_and_frees_the_id(api):
    assert update(api, {"IAccount": 5002, "BillStatus": "C"}).status == 200
    assert "441632960002" not in accounts(api)
    assert api.get(f"/GetAccountInfoByIAccount/{LICENSE}/5002").status == 404
    assert update(api, {"IAccount": 5002, "BillStatus": "O"}).status == 404
    extensions = api.get(f"/GetCustomerExtensions/{LICENSE}/1001").json()["ExtensionLst"]
    assert [e["i_account"] for e in extensions if e["id"] == "102"] == [0]   # released
    reply = create(api, {"AcntId": "441632960002", "FirstName": "Bob", "LastName": "Again"})
    assert reply.status == 200 and reply.json()["IAccount"] == 5102


def test_bad_bill_status_is_400(api):
    reply = update(api, {"IAccount": 5002, "BillStatus": "X"})
    assert reply.status == 400
    assert reply.json()["ResponseStatus"]["Errors"][0]["FieldName"] == "Accounts[0].BillStatus"


def test_update_validates_every_entry_before_writing(api, sandbox):
    reply = update(api, {"IAccount": 5001, "Note": "first"},
                   {"IAccount": 5002, "IProduct": 11})          # an add-on as main product
    assert reply.status == 400
    assert "Note" not in accounts(api)["441632960001"]
    assert sandbox.counters()["committed_writes"] == 0


def test_addons_are_replaced(api):
    route = f"/UpdateAccountByProductAddons/{LICENSE}"
    kept_from = accounts(api)["441632960001"]["ActiveAddons"][0]["effective_from"]
    reply = update(api, {"IAccount": 5001, "assigned_addons": [{"IProduct": 11},
                                                               {"IProduct": 13}]}, route=route)
    assert reply.status == 200
    addons = {a["IProduct"]: a for a in accounts(api)["441632960001"]["ActiveAddons"]}
    assert set(addons) == {11, 13}
    assert addons[11]["effective_from"] == kept_from
    update(api, {"IAccount": 5001, "assigned_addons": [{"IProduct": 13}]}, route=route)
    assert [a["IProduct"] for a in accounts(api)["441632960001"]["ActiveAddons"]] == [13]
    purchased = api.get(f"/GetPurchasedProductAddons/{LICENSE}/5001").json()["ProductAddonsInfo"]
    ended = [a for a in purchased if a["IProduct"] == 11]
    assert ended and ended[0]["effective_to"] != "/Date(-62135596800000-0000)/"
    current = api.get(f"/GetCurrentActiveProductAddons/{LICENSE}/5001/true").json()
    assert [a["IProduct"] for a in current["ProductAddonsInfo"]] == [13]
    multi = api.post("/GetProductAddOnsForMultipleAccounts",
                     {"License": LICENSE, "LstIAccounts": [5001, 5002]}).json()
    assert [(a["IAccount"], a["IProduct"]) for a in multi["ProductAddonsInfo"]] == [(5001, 13)]


def test_main_product_addon_is_refused_as_addon(api):
    reply = update(api, {"IAccount": 5001, "assigned_addons": [{"IProduct": 2}]})
    assert reply.status == 400


def test_update_display_name(api):
    reply = api.post("/UpdateDisplayName", {"License": LICENSE,
                                            "AccountInfo": {"i_account": 5001,
                                                            "DisplayName": "Reception Desk"}})
    assert reply.status == 200
    assert accounts(api)["441632960001"]["Name"] == "Reception Desk"


# -- extensions (A13, A15) --------------------------------------------------------------------


def test_extension_lifecycle(api, sandbox):
    added = api.get(f"/AddCustomerExtension/{LICENSE}/1001/Lobby%20Phone/150/5003")
    assert added.status == 200, added.body
    extension = added.json()["Extension"]
    assert extension["i_c_ext"] == 7102 and extension["id"] == "150"
    assert extension["name"] == "Lobby Phone" and extension["account_id"] == "441632960003"
    updated = api.get(f"/UpdateCustomerExtension/{LICENSE}/1001/7102/Lobby/151/0").json()
    assert updated["Extension"]["id"] == "151" and updated["Extension"]["i_account"] == 0
    deleted = api.get(f"/DeleteCustomerExtension/{LICENSE}/1001/7102").json()
    assert deleted["ExtensionDeleted"] is True
    numbers = [e["id"] for e in
               api.get(f"/GetCustomerExtensions/{LICENSE}/1001").json()["ExtensionLst"]]
    assert numbers == ["101", "102"]
    assert api.get(f"/DeleteCustomerExtension/{LICENSE}/1001/7102").status == 404
    counters = sandbox.counters()
    assert counters["writes"] == 4 and counters["committed_writes"] == 3


def test_extension_rules(api):
    base = f"/AddCustomerExtension/{LICENSE}/1001"
    assert api.get(f"{base}/Dup/101/0").status == 400            # number taken
    assert api.get(f"{base}/Letters/12a/0").status == 400        # digits only
    assert api.get(f"{base}/Foreign/160/5004").status == 400     # another customer's account
    taken = api.get(f"{base}/Second/160/5001")                     # 5001 has 101 (A22)
    assert taken.status == 400
    assert taken.json()["ResponseStatus"]["Errors"][0]["FieldName"] == "IAccount"
    moved = api.get(f"/UpdateCustomerExtension/{LICENSE}/1001/7001/Reception/101/5001")
    assert moved.status == 200                                     # its own account is fine
    assert api.get(f"{base}/Unbound/160/0").status == 200
    assert api.get(f"/AddCustomerExtension/{LICENSE}/1002/Same/101/0").status == 200
