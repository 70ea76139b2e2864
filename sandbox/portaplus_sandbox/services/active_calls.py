"""Operation `ActiveCalls` (§2.8): calls in progress now, for the reseller, a customer or an
account.  Calls are seeded as sessions with start and end times, so they come and go."""

from __future__ import annotations

from .base import Call
from .records import account_active_call, active_call


def _calls(call: Call, **scope) -> list:
    rows = call.db.active_calls(call.i_reseller, call.now, **scope)
    excluded_accounts = set(call.request.get("ExcludeAccountIDS") or ())
    excluded_numbers = tuple(call.request.get("ExcludeDestinationIDS") or ())
    return [row for row in rows
            if row["account_id"] not in excluded_accounts
            and not (excluded_numbers and row["remote"].startswith(excluded_numbers))]


def reseller_calls(call: Call) -> dict:
    """Every call of the License's reseller; vendor details only with ShowVendors."""
    show_vendors = call.flag("ShowVendors")
    return {"lstActiveCalls": [active_call(row, call.now, show_vendors) for row in _calls(call)]}


def customer_calls(call: Call) -> dict:
    customer = call.customer()
    return {"lstActiveCalls": [active_call(row, call.now)
                               for row in _calls(call, i_customer=customer["i_customer"])]}


def account_calls(call: Call) -> dict:
    account = call.account()
    return {"lstAccountActiveCalls": [account_active_call(row, call.now)
                                      for row in _calls(call, i_account=account["i_account"])]}


HANDLERS = {
    "/GetActiveCallsEnvironment/{License}/{ShowVendors*}": reseller_calls,
    "/GetActiveCallsStemPro/{License}/{FromStemPro}": reseller_calls,
    "/GetActiveCallsStemProCalls": reseller_calls,
    "/GetActiveCallsCustomer/{License}/{ICustomer}": customer_calls,
    "/GetActiveCallsReseller/{License}": reseller_calls,
    "/GetActiveCallsAccount/{License}/{IAccount}": account_calls,
}
