"""Operation `CustomerExtension` (§2.6): a customer's extensions (short numbers bound to
accounts).  Add, update and delete are GET routes that write (A13); their rules are A15."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict

from ..errors import FieldError, invalid, not_found
from .base import Call
from .records import active_call, cust_ext, extension_active_calls

_NUMBER = re.compile(r"^\d{1,16}$")


def _extensions(call: Call, with_product_filter: bool = False) -> list[sqlite3.Row]:
    customer = call.customer()
    ids = call.product_ids(call.text("IProducts")) if with_product_filter else None
    return call.db.extensions(customer["i_customer"], i_products=ids)


def _calls_by_account(call: Call) -> dict[int, list[sqlite3.Row]]:
    calls = defaultdict(list)
    for row in call.db.active_calls(call.i_reseller, call.now, i_customer=call.int("ICustomer")):
        calls[row["i_account"]].append(row)
    return calls


def _extension(call: Call, i_customer: int) -> sqlite3.Row:
    rows = call.db.extensions(i_customer, i_c_ext=call.int("ExtensionRecordId"))
    if not rows:
        raise not_found(f"Extension {call.int('ExtensionRecordId')}")
    return rows[0]


def _validate(call: Call, i_customer: int, i_c_ext: int | None = None) -> None:
    """A15: Id digits only and unique within the customer; IAccount 0 (unbound) or an open
    account of the same customer without another extension (A22); a Name (A23)."""
    errors: list[FieldError] = []
    number, name, i_account = call.text("Id"), call.text("Name"), call.int("IAccount")
    if not _NUMBER.match(number):
        errors.append(("InvalidExtension", "Id", f"Extension number '{number}' must be digits"))
    else:
        clash = call.db.extensions(i_customer, number=number)
        if clash and clash[0]["i_c_ext"] != i_c_ext:
            errors.append(("Duplicate", "Id",
                           f"Extension number '{number}' is already used by this customer"))
    if not name.strip():
        errors.append(("NotEmpty", "Name", "Name is required"))
    if i_account:
        account = call.db.account(call.i_reseller, i_account)
        if account is None or account["i_customer"] != i_customer:
            errors.append(("InvalidAccount", "IAccount",
                           f"Account {i_account} is not an open account of customer {i_customer}"))
        elif account["i_c_ext"] and account["i_c_ext"] != i_c_ext:         # one each (A22)
            errors.append(("Duplicate", "IAccount",
                           f"Account {i_account} already has extension "
                           f"'{account['extension_number']}'"))
    if errors:
        raise invalid(errors)


# -- reads ----------------------------------------------------------------------------------------


def list_extensions(call: Call) -> dict:
    return {"ExtensionLst": [cust_ext(row) for row in _extensions(call)]}


def list_extensions_of_products(call: Call) -> dict:
    """Extensions bound to accounts on the products IProducts names (A21)."""
    return {"ExtensionLst": [cust_ext(row) for row in _extensions(call, True)]}


def extensions_with_calls(call: Call, with_product_filter: bool = False) -> dict:
    """Each extension with its account's calls in progress, plus the customer's calls."""
    extensions = _extensions(call, with_product_filter)
    calls = _calls_by_account(call)
    return {
        "ExtensionsActiveCalls": [extension_active_calls(row, calls.get(row["i_account"], []))
                                  for row in extensions],
        "lstportaActiveCalls": [active_call(c, call.now) for rows in calls.values() for c in rows],
    }


def extensions_with_calls_of_products(call: Call) -> dict:
    return extensions_with_calls(call, with_product_filter=True)


def online_accounts(call: Call) -> dict:
    """No SIP registrations are modelled: "online" accounts are those in a call."""
    call.customer()
    calls = _calls_by_account(call)
    return {"lstportaActiveCalls": [active_call(c, call.now) for rows in calls.values()
                                    for c in rows]}


def extension_by_number(call: Call) -> dict:
    """AddCustomerExtenGetIdentitysion (meaning unknown, read-only here): the extension with
    number Id, if the customer has one."""
    customer = call.customer()
    rows = call.db.extensions(customer["i_customer"], number=call.text("Id"))
    return {"Extension": cust_ext(rows[0])} if rows else {}


# -- writes ---------------------------------------------------------------------------------------


def add_extension(call: Call) -> dict:
    customer = call.customer()
    with call.db.transaction():
        _validate(call, customer["i_customer"])
        i_c_ext = call.db.insert_extension(customer["i_customer"], call.text("Id"),
                                           call.text("Name"), call.int("IAccount"))
    row = call.db.extensions(customer["i_customer"], i_c_ext=i_c_ext)[0]
    return {"Extension": cust_ext(row)}


def update_extension(call: Call) -> dict:
    customer = call.customer()
    with call.db.transaction():
        extension = _extension(call, customer["i_customer"])
        _validate(call, customer["i_customer"], extension["i_c_ext"])
        call.db.update_extension(extension["i_c_ext"], call.text("Id"), call.text("Name"),
                                 call.int("IAccount"))
    row = call.db.extensions(customer["i_customer"], i_c_ext=extension["i_c_ext"])[0]
    return {"Extension": cust_ext(row)}


def delete_extension(call: Call) -> dict:
    customer = call.customer()
    with call.db.transaction():
        extension = _extension(call, customer["i_customer"])
        call.db.delete_extension(extension["i_c_ext"])
    return {"ExtensionDeleted": True}


HANDLERS = {
    "/GetUnavailableExtensions/{License}/{ICustomer}/{isUnavailable}": list_extensions,
    "/GetCustomerExtensions/{License}/{ICustomer}": list_extensions,
    "/GetCustomerExtensions/{License}/{ICustomer}/{IProducts}": list_extensions_of_products,
    "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}":
        extensions_with_calls,
    "/GetFilteringData/{License}/{ICustomer}/{IsFiltering}": list_extensions,
    "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}/{IProducts}":
        extensions_with_calls_of_products,
    "/DeleteCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}": delete_extension,
    "/AddCustomerExtension/{License}/{ICustomer}/{Name}/{Id}/{IAccount}": add_extension,
    "/GetOnlineAccounts/{License}/{ICustomer}/{GetSipStatus}": online_accounts,
    "/AddCustomerExtenGetIdentitysion/{License}/{ICustomer}/{Name}/{Id}/{IAccount}":
        extension_by_number,
    "/UpdateCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}/{Name}/{Id}/{IAccount}":
        update_extension,
}
