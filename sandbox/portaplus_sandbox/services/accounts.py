"""Operations on accounts: CreateAccount (§2.1), UpdateAccount (§2.2), GetAccount (§2.3)
and PortaAccountInfo (§2.4).

Writes validate every item first and write nothing when one is bad (A8); then they write
in one transaction.  Under the `partial` fault only the first half of the items is
committed before the request fails with 500.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from decimal import Decimal
from typing import Any

from ..errors import ApiError, FieldError, bad_request, invalid, not_found
from ..store import ACCOUNT_TEXT_MEMBERS
from .base import Call, parse_day_or_time
from .records import account_customer_details, account_record, available_balance

DEFAULT_BILLING_MODEL = "CreditAccount"      # A20
_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_.@+-]{1,64}$")
_EXTENSION = re.compile(r"^\d{1,16}$")


def _partial_failure(done: int, total: int, what: str) -> ApiError:
    return ApiError(500, "Exception",
                    f"Injected partial failure: {done} of {total} {what} committed")


def _committed_share(call: Call, total: int) -> int:
    return total // 2 if call.partial else total


def _money(value: Any) -> float:
    return float(Decimal(value))


# -- CreateAccount ----------------------------------------------------------------------------


def create_accounts(call: Call) -> dict:
    """POST /CreateAccounts: every AccountsToCreate entry with the DefaultValues (A8).  The
    single CreateAccountResponse describes the last account created."""
    request = call.request.get("AccountRequest") or {}
    defaults = request.get("DefaultValues") or {}
    i_customer = int(request.get("ICustomer") or 0)
    if not i_customer:
        raise invalid([("NotEmpty", "AccountRequest.ICustomer", "ICustomer is required")])
    customer = call.customer(i_customer)
    created = []
    with call.db.transaction():         # validate inside it: no other write can interleave
        product, plans = _plan_creates(call, request, i_customer)
        for entry, account_id, activated in plans[:_committed_share(call, len(plans))]:
            created.append(_insert_account(call, customer, product, defaults, entry,
                                           account_id, activated))
    if call.partial:
        raise _partial_failure(len(created), len(plans), "accounts")
    return created[-1]


def _plan_creates(call: Call, request: dict, i_customer: int):
    """Validate every entry (A8): (main product, [(entry, account ID, activation time)])."""
    defaults = request.get("DefaultValues") or {}
    entries = request.get("AccountsToCreate") or []
    errors: list[FieldError] = []
    if not entries:
        errors.append(("NotEmpty", "AccountRequest.AccountsToCreate",
                       "AccountsToCreate must name at least one account"))
    product_id = int(defaults.get("ProductId") or 0)
    product = call.db.product(call.i_reseller, product_id)
    if product is None or product["addon_priority"] != 0:
        errors.append(("InvalidProduct", "AccountRequest.DefaultValues.ProductId",
                       f"ProductId {product_id} is not a main product of this reseller"))
    taken_ids: set[str] = set()
    taken_extensions = {row["id"] for row in call.db.extensions(i_customer)}
    plans = []
    for index, entry in enumerate(entries):
        where = f"AccountRequest.AccountsToCreate[{index}]"
        account_id = entry.get("AcntId") or _generated_account_id(call, request, taken_ids)
        if not account_id:
            errors.append(("NotEmpty", f"{where}.AcntId", "AcntId is required"))
        elif not _ACCOUNT_ID.match(account_id):
            errors.append(("InvalidAccountId", f"{where}.AcntId",
                           f"Account ID '{account_id}' has characters an account ID cannot have"))
        elif account_id in taken_ids or call.db.open_account_id_exists(account_id):
            errors.append(("Duplicate", f"{where}.AcntId",
                           f"Account ID '{account_id}' already exists"))
        taken_ids.add(account_id)
        email = entry.get("Email") or ""
        if email and "@" not in email:
            errors.append(("Email", f"{where}.Email", f"'{email}' is not an email address"))
        extension = entry.get("Extension") or ""
        if extension:
            if not _EXTENSION.match(extension):
                errors.append(("InvalidExtension", f"{where}.Extension",
                               f"Extension '{extension}' must be digits only"))
            elif extension in taken_extensions:
                errors.append(("Duplicate", f"{where}.Extension",
                               f"Extension '{extension}' is already used by this customer"))
            taken_extensions.add(extension)
        try:
            activated = parse_day_or_time("ActivationDate", entry.get("ActivationDate") or "")
        except ApiError as exc:
            errors.append(("FormatException", f"{where}.ActivationDate", exc.message))
            activated = None
        plans.append((entry, account_id, activated or call.now))
    if errors:
        raise invalid(errors)
    return product, plans


def _generated_account_id(call: Call, request: dict, taken: set[str]) -> str:
    """AccountPrefix + AccountRandomDigitLength digits, the first number not in use."""
    prefix = request.get("AccountPrefix") or ""
    if not prefix:
        return ""
    width = int(request.get("AccountRandomDigitLength") or 4)
    number = 1
    while True:
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken and not call.db.open_account_id_exists(candidate):
            return candidate
        number += 1


def _insert_account(call: Call, customer: sqlite3.Row, product: sqlite3.Row, defaults: dict,
                    entry: dict, account_id: str, activated: int) -> dict:
    first, last = entry.get("FirstName") or "", entry.get("LastName") or ""
    voip_password = entry.get("Password") or secrets.token_urlsafe(9)
    ui_password = secrets.token_urlsafe(9)
    i_account = call.db.insert_account({
        "account_id": account_id, "i_customer": customer["i_customer"],
        "i_product": product["i_product"],
        "billing_model": defaults.get("BillingModel") or DEFAULT_BILLING_MODEL,
        "credit_limit": _money(defaults.get("CreditLimit") or 0),
        "voip_password": voip_password, "ui_login": account_id, "ui_password": ui_password,
        "um_enabled": int(bool(defaults.get("UmEnabled"))),
        "follow_me_enabled": "Y" if defaults.get("FollowMeEnabled") else "F",
        "service_flags": defaults.get("ServiceFlags"),
        "i_routing_plan": int(defaults.get("IRoutingPlan") or 0),
        "batch_name_prefix": defaults.get("BatchNamePrefix"), "label": entry.get("Label"),
        "FirstName": first or None, "LastName": last or None,
        "Name": f"{first} {last}".strip() or None, "Email": entry.get("Email") or None,
        "BCC": defaults.get("BCC"), "activation_date": activated, "issue_date": call.now,
    })
    extension = entry.get("Extension") or ""
    if extension:
        call.db.insert_extension(customer["i_customer"], extension,
                                 f"{first} {last}".strip() or account_id, i_account)
    return {
        "Index": entry.get("Index") or 0, "Extension": extension or None,
        "ISubscription": entry.get("ISubscription") or 0, "Password": voip_password,
        "IAccount": i_account, "ID": account_id, "AccLogin": account_id,
        "AccPassword": ui_password, "FirstName": first or None, "LastName": last or None,
        "Email": entry.get("Email") or None, "Label": entry.get("Label"),
    }


# -- UpdateAccount ----------------------------------------------------------------------------

# PortaAccount members stored in a column of another name (strings are stored verbatim).
_COLUMNS = {
    "UILogin": "ui_login", "Login": "ui_login", "UIPassword": "ui_password",
    "VoipPassword": "voip_password", "Password": "voip_password",      # A12
    "BillingModel": "billing_model", "BatchNamePrefix": "batch_name_prefix",
    "FollowMeEnabled": "follow_me_enabled",
}
_INT_COLUMNS = {"IRoutingPlan": "i_routing_plan", "IBatch": "i_batch"}


def update_accounts(call: Call) -> dict:
    """POST /UpdateAccount, /UpdateAccountByProductAddons/{License}, /UpdateDisplayName (one
    DTO, one behaviour): each Accounts[] entry changes the members it carries (A5) of the
    account named by IAccount (or Id); BillStatus "C" terminates it (A6); assigned_addons
    replaces its add-on set (A10).  AccountInfo {i_account, DisplayName} renames one."""
    entries = call.request.get("Accounts") or []
    display = call.request.get("AccountInfo") or {}
    if not entries and not display.get("i_account"):
        raise invalid([("NotEmpty", "Accounts", "Accounts (or AccountInfo.i_account) is required")])
    done = 0
    with call.db.transaction():         # validate inside it: no other write can interleave
        errors: list[FieldError] = []
        plans = [_plan_update(call, entry, f"Accounts[{index}]", errors)
                 for index, entry in enumerate(entries)]
        if display.get("i_account"):
            account = call.account(int(display["i_account"]))
            plans.append((account, {"Name": display.get("DisplayName") or None}, None, False))
        if errors:
            raise invalid(errors)
        for account, columns, addons, close in plans[:_committed_share(call, len(plans))]:
            call.db.update_account(account["i_account"], columns)
            if addons is not None:
                _replace_addons(call, account["i_account"], addons)
            if close:
                call.db.close_account(account["i_account"], call.now)
            done += 1
    if call.partial:
        raise _partial_failure(done, len(plans), "account updates")
    return {"Success": True}


def _plan_update(call: Call, entry: dict, where: str, errors: list[FieldError]):
    """(account, column changes, add-on set or None, close?) for one Accounts[] entry."""
    i_account = int(entry.get("IAccount") or 0)
    if i_account:
        account = call.account(i_account)
    elif entry.get("Id"):
        account = call.account_by_id(entry["Id"])
    else:
        errors.append(("NotEmpty", f"{where}.IAccount", "IAccount (or Id) is required"))
        return None, {}, None, False

    def present(member: str) -> bool:
        return entry.get(member) is not None

    columns: dict[str, Any] = {m: entry[m] for m in ACCOUNT_TEXT_MEMBERS if present(m)}
    for member, column in _COLUMNS.items():
        if present(member):
            columns[column] = entry[member]
    for member, column in _INT_COLUMNS.items():
        if present(member):
            columns[column] = int(entry[member])
    if present("Blocked"):
        columns["blocked"] = int(bool(entry["Blocked"]))                     # A7
    elif present("MapBlocked"):
        columns["blocked"] = int(entry["MapBlocked"].strip().upper() == "Y")
    if present("UMEnabled"):
        columns["um_enabled"] = int(bool(entry["UMEnabled"]))
    if present("CreditLimit"):
        if entry["CreditLimit"] < 0:
            errors.append(("GreaterThanOrEqual", f"{where}.CreditLimit",
                           "CreditLimit must not be negative"))
        columns["credit_limit"] = _money(entry["CreditLimit"])
    if entry.get("Id") and entry["Id"] != account["account_id"]:
        if call.db.open_account_id_exists(entry["Id"]) or not re.match(_ACCOUNT_ID, entry["Id"]):
            errors.append(("Duplicate", f"{where}.Id",
                           f"Account ID '{entry['Id']}' is invalid or already exists"))
        columns["account_id"] = entry["Id"]
    new_product = int(entry.get("i_product") or entry.get("IProduct") or 0)
    if new_product:
        product = call.db.product(call.i_reseller, new_product)
        if product is None or product["addon_priority"] != 0:
            errors.append(("InvalidProduct", f"{where}.IProduct",
                           f"Product {new_product} is not a main product of this reseller"))
        columns["i_product"] = new_product
    if present("activationDate"):
        try:
            columns["activation_date"] = parse_day_or_time(
                "activationDate", entry["activationDate"]) or account["activation_date"]
        except ApiError as exc:
            errors.append(("FormatException", f"{where}.activationDate", exc.message))
    close = False
    if present("BillStatus"):
        status = entry["BillStatus"].strip().upper()
        if status == "C":
            close = True
        elif status not in ("", "O"):
            errors.append(("InvalidBillStatus", f"{where}.BillStatus",
                           f"BillStatus '{entry['BillStatus']}' is not O (open) or C (closed)"))
    addons = None
    if present("assigned_addons"):
        addons = []
        for position, addon in enumerate(entry["assigned_addons"]):
            i_product = int((addon or {}).get("IProduct") or 0)
            product = call.db.product(call.i_reseller, i_product)
            if product is None or product["addon_priority"] == 0:
                errors.append(("InvalidAddon", f"{where}.assigned_addons[{position}].IProduct",
                               f"Product {i_product} is not an add-on of this reseller"))
            addons.append(i_product)
    return account, columns, addons, close


def _replace_addons(call: Call, i_account: int, wanted: list[int]) -> None:
    """Replace semantics (A10): kept add-ons keep effective_from, new ones start now,
    removed ones end now."""
    current = call.db.account_addons([i_account])[i_account]
    have = {row["i_product"]: row for row in current}
    for i_product, row in have.items():
        if i_product not in wanted:
            call.db.end_addon(row["i_account_addon"], call.now)
    for i_product in dict.fromkeys(wanted):
        if i_product not in have:
            call.db.assign_addon(i_account, i_product, call.now)


# -- GetAccount -------------------------------------------------------------------------------


def _records(call: Call, rows: list[sqlite3.Row]) -> dict:
    addons = call.db.account_addons(row["i_account"] for row in rows)
    return {"Accounts": [account_record(row, addons[row["i_account"]]) for row in rows]}


def account_by_iaccount(call: Call) -> dict:
    return _records(call, [call.account()])


def account_by_account_id(call: Call) -> dict:
    return _records(call, [call.account_by_id(call.text("AccountID"))])


def accounts_of_customer(call: Call) -> dict:
    customer = call.customer()
    return _records(call, call.db.accounts(call.i_reseller, i_customer=customer["i_customer"]))


def accounts_of_customer_products(call: Call) -> dict:
    """IProduct is a string here: a product list (A21)."""
    customer = call.customer()
    ids = call.product_ids(call.text("IProduct"))
    return _records(call, call.db.accounts(call.i_reseller, i_customer=customer["i_customer"],
                                           i_products=ids))


def accounts_of_customer_product_search(call: Call) -> dict:
    customer = call.customer()
    ids = call.product_ids(call.text("ProductSearchterm"))
    return _records(call, call.db.accounts(call.i_reseller, i_customer=customer["i_customer"],
                                           i_products=ids))


def account_by_login(call: Call) -> dict:
    rows = [row for row in call.db.accounts(call.i_reseller, login=call.text("Login"))
            if row["ui_password"] == call.text("Password")]
    if not rows:
        raise not_found("Account with this login and password")
    return _records(call, rows)


def accounts_by_ids(call: Call) -> dict:
    """POST /GetAccountsByAccountIDs: the `accounts` entries (by IAccount or AccountID) that
    exist in the caller's scope, in request order."""
    rows = []
    for details in call.request.get("accounts") or []:
        if details.get("IAccount"):
            found = call.db.accounts(call.i_reseller, i_account=int(details["IAccount"]))
        elif details.get("AccountID"):
            found = call.db.accounts(call.i_reseller, account_id=details["AccountID"])
        else:
            found = []
        rows.extend(found)
    return _records(call, rows)


def get_account(call: Call) -> dict:
    """POST /GetAccount: by whichever key the body carries."""
    if call.int("IAccount"):
        return account_by_iaccount(call)
    if call.text("AccountID"):
        return account_by_account_id(call)
    if call.text("Login"):
        return account_by_login(call)
    if call.request.get("accounts"):
        return accounts_by_ids(call)
    if call.int("ICustomer"):
        return accounts_of_customer(call)
    raise bad_request("One of IAccount, AccountID, Login, accounts or ICustomer is required")


# -- PortaAccountInfo -------------------------------------------------------------------------


def _account_info(call: Call, account: sqlite3.Row) -> dict:
    customer = call.customer(account["i_customer"])
    return {"AvailableBalance": available_balance(account),
            "AccountCustomerDetails": account_customer_details(account, customer)}


def account_balance(call: Call) -> dict:
    return _account_info(call, call.account())


def account_details(call: Call) -> dict:
    return _account_info(call, call.account_by_id(call.text("AccountID")))


HANDLERS = {
    "/CreateAccounts": create_accounts,
    "/UpdateAccount": update_accounts,
    "/UpdateAccountByProductAddons/{License}": update_accounts,
    "/UpdateDisplayName": update_accounts,
    "/GetAccountByIAccount/{License}/{IAccount}": account_by_iaccount,
    "/GetAccountsByAccountIDs": accounts_by_ids,
    "/GetAccountByICustomer/{License}/{ICustomer}": accounts_of_customer,
    "/GetAccountByICustomerIProduct/{License}/{ICustomer}/{IProduct}/{getbyIprod}":
        accounts_of_customer_products,
    "/GetAccountByICustomerProductSS/{License}/{ICustomer}/{ProductSearchterm}/{getbySearchTerm}":
        accounts_of_customer_product_search,
    "/GetAccountByAccountLogin/{License}/{Login}/{Password}": account_by_login,
    "/GetAccount": get_account,
    "/GetAccountByAccountID/{License}/{AccountID}": account_by_account_id,
    "/GetAccountByICustomer/{License}/{ICustomer}/{forHuntgroups}": accounts_of_customer,
    "/GetAccountBalance/{License}/{IAccount}": account_balance,
    "/GetAccountDetails/{License}/{AccountID}": account_details,
    "/GetAccountDetailsByIaccount/{License}/{IAccount}": account_balance,
}
