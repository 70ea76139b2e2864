"""Database rows -> the nested DTOs of the responses (plain dicts keyed by member names).

`wire.render` fills every member left out with its default, so these set what the data
knows and nothing else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache

from ..dtos import DTOS
from ..store import ACCOUNT_TEXT_MEMBERS
from .base import text_time, utc

IENV = 1                    # the one PortaBilling environment the sandbox simulates
VOICE_SERVICE_NAME = "Voice Calls"


def _yes_no(value: int) -> str:
    return "Y" if value else "N"


@lru_cache(maxsize=None)
def _shared_text_members(dto_name: str) -> tuple[str, ...]:
    declared = {name for name, _ in DTOS[dto_name].members}
    return tuple(m for m in ACCOUNT_TEXT_MEMBERS if m in declared)


def _text_members(dto_name: str, account: sqlite3.Row) -> dict:
    """The stored PortaAccount strings that `dto_name` also declares (empty ones left out)."""
    return {m: account[m] for m in _shared_text_members(dto_name) if account[m]}


def _full_name(account: sqlite3.Row) -> str:
    return " ".join(p for p in (account["FirstName"], account["LastName"]) if p)


def available_balance(account: sqlite3.Row) -> float:
    """Post-paid: what is left of the credit limit after the balance owed."""
    return round(account["credit_limit"] - account["balance"], 4)


# -- products and add-ons ---------------------------------------------------------------------

def product_info(product: sqlite3.Row) -> dict:
    return {
        "IProduct": product["i_product"], "Name": product["name"],
        "MaintanenceFee": product["maintenance_fee"], "IProductGroup": product["i_product_group"],
        "Description": product["description"], "EndUserProductName": product["end_user_name"],
        "addon_priority": product["addon_priority"],
    }


def addon_info(product: sqlite3.Row) -> dict:
    """An add-on product of the catalogue (not assigned to an account)."""
    return {
        "IProduct": product["i_product"], "Name": product["name"],
        "MaintanenceFee": product["maintenance_fee"], "IProductGroup": product["i_product_group"],
        "Description": product["description"], "i_subscription": product["i_subscription"],
        "Subscription_Fees": product["subscription_fee"], "Currency": product["currency"],
        "Product_Group_Name": product["product_group_name"],
        "IAddonProduct": product["i_product"], "ProductAddon": product["name"],
    }


def assigned_addon(assignment: sqlite3.Row) -> dict:
    """An add-on as assigned to an account, with its effective dates (A10)."""
    result = addon_info(assignment)
    effective_from, effective_to = utc(assignment["effective_from"]), utc(assignment["effective_to"])
    result.update({
        "IAccount": assignment["i_account"], "IAccountProductAddOn": assignment["i_account_addon"],
        "effective_from": effective_from, "effective_to": effective_to,
        "effective_from_ProductAddon": effective_from, "effective_to_ProductAddon": effective_to,
    })
    return result


# -- accounts ---------------------------------------------------------------------------------

def product_account(account: sqlite3.Row, addons: Sequence[sqlite3.Row],
                    with_features: bool = False) -> dict:
    """ProductResponse.Accounts[] / AccountInfo (A11)."""
    result = _text_members("ProductAccount", account)
    full_name = _full_name(account)
    result.update({
        "AccountId": account["account_id"], "IAccount": account["i_account"],
        "i_c_ext": account["i_c_ext"] or 0, "ICustomer": account["i_customer"],
        "BillingModel": account["billing_model"], "ISO4217": account["currency"],
        "Balance": account["balance"], "Blockedfield": _yes_no(account["blocked"]),
        "Blocked": bool(account["blocked"]), "UMEnabled": _yes_no(account["um_enabled"]),
        "UILogin": account["ui_login"], "UIPassword": account["ui_password"],
        "VoipPassword": account["voip_password"], "SIPPassword": account["voip_password"],
        "CreditLimit": account["credit_limit"], "IProduct": account["i_product"],
        "BatchNamePrefix": account["batch_name_prefix"], "IBatch": account["i_batch"],
        "IRoutingPlan": account["i_routing_plan"], "IEnv": IENV,
        "BillStatus": account["bill_status"], "FollowMeEnabled": account["follow_me_enabled"],
        "ServiceFlags": account["service_flags"], "subscribername": full_name,
        "SubscriberFName": account["FirstName"], "SubscriberLName": account["LastName"],
        "availableBalance": available_balance(account),
        "DefaultValidIdentity": account["account_id"], "ProductName": account["product_name"],
        "Type": "Account", "ExtensionNumber": account["extension_number"], "fullname": full_name,
        "ActiveAddons": [assigned_addon(a) for a in addons],
        "MainProductName": account["product_name"],
        "ICustomerSite": account["i_customer_site"],
        "activation_date": utc(account["activation_date"]),
        "issue_date": utc(account["issue_date"]),
    })
    if with_features:
        result["ServiceFeatures"] = []          # service features are not modelled
    return result


def account_record(account: sqlite3.Row, addons: Sequence[sqlite3.Row]) -> dict:
    """GetAccountResponse.Accounts[]."""
    result = _text_members("AccountRecord", account)
    result.update({
        "Id": account["account_id"], "AccountId": account["account_id"],
        "IAccount": account["i_account"], "ICustomer": account["i_customer"],
        "active": _yes_no(not account["blocked"]), "account_dr_active": "N",
        "BillingModel": account["billing_model"], "ISO4217": account["currency"],
        "Balance": account["balance"], "Blockedfield": _yes_no(account["blocked"]),
        "Blocked": bool(account["blocked"]), "UMEnabledfield": _yes_no(account["um_enabled"]),
        "UMEnabled": bool(account["um_enabled"]), "UILogin": account["ui_login"],
        "UIPassword": account["ui_password"], "VoipPassword": account["voip_password"],
        "CreditLimit": account["credit_limit"], "IProduct": account["i_product"],
        "BatchNamePrefix": account["batch_name_prefix"], "IBatch": account["i_batch"],
        "IRoutingPlan": account["i_routing_plan"], "IEnv": IENV,
        "BillStatus": account["bill_status"], "FollowMeEnabled": account["follow_me_enabled"],
        "ServiceFlags": account["service_flags"],
        "ActiveAddons": [assigned_addon(a) for a in addons],
        "ProductName": account["product_name"], "ExtensionNumber": account["extension_number"],
    })
    return result


def account_customer_details(account: sqlite3.Row, customer: sqlite3.Row) -> dict:
    """PortaAccountInfoResponse.AccountCustomerDetails."""
    return {
        "CustomerName": customer["name"], "CustomerFirstName": customer["first_name"],
        "CustomerLastName": customer["last_name"], "CustomerAddress": customer["address1"],
        "CustomerAddress1": customer["address1"], "CustomerCity": customer["city"],
        "CustomerPostcode": customer["postcode"], "CustomerCompany": customer["name"],
        "CustomerCountry": customer["country"], "CustomerEmail": customer["email"],
        "CustomerPhoneNo": customer["phone"],
        "AccountName": account["Name"], "AccountFirstName": account["FirstName"],
        "AccountLastName": account["LastName"], "AccountAddress": account["Address"],
        "AccountAddress1": account["Address1"], "AccountAddress2": account["Address2"],
        "AccountAddress3": account["Address3"], "AccountCity": account["City"],
        "AccountPostcode": account["Postcode"], "AccountSalutation": account["Salutation"],
        "AccountEmail": account["Email"], "AccountLogin": account["ui_login"],
        "AccountPassword": account["ui_password"], "AccountCompany": account["Company"],
        "AccountCountry": account["Country"], "AccountContact1": account["Contact1"],
        "AccountContact2": account["Contact2"], "AccountBCC": account["BCC"],
        "AccountPhoneNo1": account["Phone1"], "AccountPhoneNo2": account["Phone2"],
        "AccountFax": account["Fax"], "IEnv": IENV,
        "AccountState": "blocked" if account["blocked"] else "open",
        "Note": account["Note"], "ICustomer": customer["i_customer"],
    }


# -- customers and sites ----------------------------------------------------------------------

def customer_site(site: sqlite3.Row) -> dict:
    """CustomerSiteInfo (service features are not modelled: an empty list)."""
    return {"i_customer_site": site["i_customer_site"], "name": site["name"],
            "i_customer": site["i_customer"], "service_features": [], "used": site["used"],
            "usedSpecified": True}


def customer_short_info(customer: sqlite3.Row, sites: Sequence[sqlite3.Row] | None) -> dict:
    """One CustomersShortInfo entry (its shape is ours, L1); `sites` None leaves them out."""
    result = {
        "ICustomer": customer["i_customer"], "Name": customer["name"],
        "FirstName": customer["first_name"], "LastName": customer["last_name"],
        "Email": customer["email"], "Phone1": customer["phone"], "City": customer["city"],
        "Country": customer["country"], "Currency": customer["currency"],
        "Balance": customer["balance"], "CreditLimit": customer["credit_limit"],
        "availableBalance": round(customer["credit_limit"] - customer["balance"], 4),
    }
    if sites is not None:
        result["sites"] = [customer_site(site) for site in sites]
    return result


# -- extensions -------------------------------------------------------------------------------

def cust_ext(extension: sqlite3.Row) -> dict:
    bound = extension["account_id"] is not None
    return {
        "i_c_ext": extension["i_c_ext"], "id": extension["id"], "name": extension["name"],
        "i_account": extension["i_account"] if bound else 0,
        "account_id": extension["account_id"], "firstname": extension["first_name"],
        "lastname": extension["last_name"], "Note": extension["note"],
        "ProductName": extension["product_name"], "PhoneNumber": extension["account_id"],
    }


def extension_active_calls(extension: sqlite3.Row, calls: Sequence[sqlite3.Row]) -> dict:
    bound = extension["account_id"] is not None
    current = calls[0] if calls else None
    return {
        "i_c_ext": extension["i_c_ext"], "id": extension["id"], "name": extension["name"],
        "i_account": extension["i_account"] if bound else 0,
        "account_id": extension["account_id"], "firstname": extension["first_name"],
        "lastname": extension["last_name"], "noofcalls": len(calls), "activecall": bool(calls),
        "note": extension["note"], "IAccount": extension["i_account"] if bound else 0,
        "Email": extension["email"], "i_customer": extension["i_customer"],
        "CLI": _cli(current) if current else None, "CLD": _cld(current) if current else None,
        "DefaultValidIdentity": extension["account_id"],
    }


# -- active calls -----------------------------------------------------------------------------

def _cli(call: sqlite3.Row) -> str:
    return call["account_id"] if call["outgoing"] else call["remote"]


def _cld(call: sqlite3.Row) -> str:
    return call["remote"] if call["outgoing"] else call["account_id"]


def _call_type(outgoing: int) -> str:
    return "Outgoing" if outgoing else "Incoming"


def active_call(call: sqlite3.Row, now: int, show_vendors: bool = False) -> dict:
    """PortaActiveCalls: a call in progress (no disconnect time yet)."""
    result = {
        "IEnv": IENV, "CLI": _cli(call), "CLD": _cld(call), "AccountID": call["account_id"],
        "Connect_time": utc(call["connect_time"]), "ICustomer": call["i_customer"],
        "CallId": f"sandbox-call-{call['i_call']}", "IAccount": call["i_account"],
        "noofcalls": 1, "DurationMins": str((now - call["connect_time"]) // 60),
        "CallType": _call_type(call["outgoing"]), "product": call["product_name"],
        "Note": call["note"], "SubscriberFName": call["first_name"],
        "SubscriberLName": call["last_name"], "ExtensionNumber": call["extension_number"],
    }
    if show_vendors:
        result.update({"VendorId": 1, "VendorName": "Sandbox Carrier",
                       "ConnectionName": "sandbox-trunk", "IConnection": 1,
                       "GatewayId": "127.0.0.1"})
    return result


def account_active_call(call: sqlite3.Row, now: int) -> dict:
    result = active_call(call, now)
    result.update({"ConnectTime": text_time(call["connect_time"]), "DisconnectTime": "",
                   "call_id": result["CallId"]})
    return result


# -- CDRs -------------------------------------------------------------------------------------

def _cdr_common(cdr: sqlite3.Row) -> dict:
    outgoing = cdr["outgoing"]
    account_number, remote = cdr["account_id"], cdr["remote"]
    return {
        "ID": cdr["id"], "IEnv": IENV,
        "CLI": account_number if outgoing else remote,
        "CLD": remote if outgoing else account_number,
        "Connect_time": utc(cdr["connect_time"]), "Disconnect_time": utc(cdr["disconnect_time"]),
        "Bill_time": utc(cdr["disconnect_time"]), "ICustomer": cdr["i_customer"],
        "IDest": cdr["i_dest"], "Charged_Quantity": cdr["duration"],
        "Charged_Amount": cdr["charged_amount"], "CallId": f"sandbox-cdr-{cdr['id']}",
        "IService": cdr["i_service"],
    }


def customer_cdr(cdr: sqlite3.Row) -> dict:
    return _cdr_common(cdr)


def account_cdr(cdr: sqlite3.Row) -> dict:
    result = _cdr_common(cdr)
    result.update({
        "AccountID": cdr["account_id"], "IAccount": cdr["i_account"],
        "Ratting_Pattern": cdr["dest_name"], "CallType": _call_type(cdr["outgoing"]),
        "h323_conf_id": _conf_id(cdr), "Used_Quantity": cdr["duration"],
        "failed": cdr["duration"] == 0,
    })
    return result


def cust_acct_cdr(cdr: sqlite3.Row, rank: int) -> dict:
    result = _cdr_common(cdr)
    result.update({
        "Rank": rank, "h323_conf_id": _conf_id(cdr), "h323_incoming_conf_id": _conf_id(cdr),
        "AccountID": cdr["account_id"], "connect_datetime": text_time(cdr["connect_time"]),
        "disconnect_datetime": text_time(cdr["disconnect_time"]), "IAccount": cdr["i_account"],
        "ServiceName": VOICE_SERVICE_NAME, "DisconnectCause": cdr["disconnect_cause"],
        "CallType": _call_type(cdr["outgoing"]), "RatingPattern": cdr["dest_name"],
        "Used_Quantity": cdr["duration"], "CallTime": cdr["duration"], "HoldTime": "0",
    })
    return result


def xdr_info(cdr: sqlite3.Row) -> dict:
    outgoing = cdr["outgoing"]
    connect, disconnect = cdr["connect_time"], cdr["disconnect_time"]
    values = {
        "i_xdr": cdr["id"], "i_service": cdr["i_service"], "i_dest": cdr["i_dest"],
        "account_id": cdr["account_id"],
        "CLI": cdr["account_id"] if outgoing else cdr["remote"],
        "CLD": cdr["remote"] if outgoing else cdr["account_id"],
        "charged_amount": cdr["charged_amount"], "charged_quantity": cdr["duration"],
        "connect_time": utc(connect), "unix_connect_time": connect,
        "disconnect_time": utc(disconnect), "unix_disconnect_time": disconnect,
        "bill_time": utc(disconnect), "i_rate": cdr["i_dest"],
    }
    specified = {f"{name}Specified": True for name in (
        "i_xdr", "i_service", "i_dest", "charged_amount", "charged_quantity", "connect_time",
        "unix_connect_time", "disconnect_time", "unix_disconnect_time", "bill_time",
        "bit_flags", "i_rate")}
    values.update(specified)
    values.update({
        "country": cdr["dest_country"], "description": cdr["dest_name"],
        "disconnect_cause": str(cdr["disconnect_cause"]), "bill_status": "",
        "disconnect_reason": "", "bit_flags": 0, "cr_download_links": [],
        "h323_conf_id": _conf_id(cdr), "h323_incoming_conf_id": _conf_id(cdr),
        "xdr_type": "Call", "service": VOICE_SERVICE_NAME, "destination": cdr["remote"],
        "iso_3166_1_a3": cdr["dest_iso"],
    })
    return values


def _conf_id(cdr: sqlite3.Row) -> str:
    return f"{cdr['id']:032X}"
