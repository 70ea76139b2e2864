# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Calls in progress (operation ``ActiveCalls``): reads, options and the record mapping.

One request whatever the number of calls: ``GetActiveCallsReseller`` for the whole reseller,
``GetActiveCallsCustomer`` for a customer, ``GetActiveCallsAccount`` for an account (plus one
read to turn an account ID into its ``IAccount``). The exclusion filters travel as members of
the request DTO in the query string (assumption L5); they never hold a secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import NotFoundError, Route, parse_date
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.checks import account_id_problem, check_customer_id
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import InputError

OP = "ActiveCalls"
GET_RESELLER_CALLS = Route("GET", "/GetActiveCallsReseller/{License}", OP)
GET_CUSTOMER_CALLS = Route("GET", "/GetActiveCallsCustomer/{License}/{ICustomer}", OP)
GET_ACCOUNT_CALLS = Route("GET", "/GetActiveCallsAccount/{License}/{IAccount}", OP)

#: The keys of one call, in the order the docs list them.
CALL_KEYS = ("call_id", "caller", "callee", "account_id", "i_account", "customer", "extension",
             "start_time", "duration", "direction", "product", "subscriber")

_UTC = datetime.timezone.utc
#: Account IDs are SIP user names of at most 64 characters (A26).


def _utc_text(moment):
    return moment.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def call_from_api(record, now):
    """One ``PortaActiveCalls`` / ``AccountActiveCalls`` record as a call.

    ``now`` (an aware datetime) gives ``duration``, the whole seconds since the call connected;
    the API's ``DurationMins`` is only minutes, so it is the fallback when the start is unknown.
    """
    try:
        started = parse_date(record.get("Connect_time") or record.get("ConnectTime"))
    except ValueError:  # an unreadable start: fall back to DurationMins
        started = None
    if started is not None:
        duration = max(0, int((now - started).total_seconds()))
    else:
        try:
            duration = int(float(record.get("DurationMins") or 0) * 60)
        except ValueError:
            duration = 0
    names = (record.get("SubscriberFName") or "", record.get("SubscriberLName") or "")
    return {
        "call_id": record.get("CallId") or record.get("call_id") or "",
        "caller": record.get("CLI") or "",
        "callee": record.get("CLD") or "",
        "account_id": record.get("AccountID") or "",
        "i_account": int(record.get("IAccount") or 0),
        "customer": int(record.get("ICustomer") or 0),
        "extension": record.get("ExtensionNumber") or "",
        "start_time": _utc_text(started) if started is not None else None,
        "duration": duration,
        "direction": (record.get("CallType") or "").lower(),
        "product": record.get("product") or "",
        "subscriber": " ".join(name for name in names if name),
    }


def calls_from_response(response, now):
    """Every call of an ``ActiveCallsResponse`` (either list), oldest first."""
    records = list(response.get("lstActiveCalls") or []) + list(response.get("lstAccountActiveCalls") or [])
    calls = [call_from_api(record, now) for record in records]
    calls.sort(key=lambda call: (call["start_time"] or "", call["call_id"]))
    return calls


def live_calls_by_account(calls):
    """``{i_account: number of calls in progress}``."""
    counts = {}
    for call in calls:
        counts[call["i_account"]] = counts.get(call["i_account"], 0) + 1
    return counts


def _text_list(option, value):
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise InputError(option, "must be a list of strings", value)
    items = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int)) or not str(item).strip() or "," in str(item):
            raise InputError(option, "items must be non-empty strings without ','", item)
        items.append(str(item).strip())
    return items


def check_scope(customer=None, account=None):
    """The lookup's scope options, checked before any request: ``(customer, account)``."""
    if customer is not None:
        customer = check_customer_id("customer", customer)
    if account is not None:
        account = str(account).strip()
        problem = account_id_problem(account)
        if problem:
            raise InputError("account", "must be an account ID: %s" % problem, account if len(account) <= 100 else None)
    return customer, account


def exclusion_query(exclude_accounts=None, exclude_destinations=None):
    """The ``ActiveCalls`` exclusion members as query parameters (JSV lists, L5)."""
    accounts = _text_list("exclude_accounts", exclude_accounts)
    destinations = _text_list("exclude_destinations", exclude_destinations)
    query = {}
    if accounts:
        query["ExcludeAccountIDS"] = ",".join(accounts)
    if destinations:
        query["ExcludeDestinationIDS"] = ",".join(destinations)
    return query


def read_active_calls(client, customer=None, account=None, exclude_accounts=None, exclude_destinations=None,
                      resolve_account=None, now=None):
    """The calls in progress of the reseller, of ``customer`` or of ``account`` (an account ID).

    ``resolve_account(client, account_id)`` returns the account item (with ``i_account`` and
    ``customer``) or None; an account of another customer than ``customer`` is bad input.
    """
    customer, account = check_scope(customer, account)
    query = exclusion_query(exclude_accounts, exclude_destinations)
    now = now or datetime.datetime.now(_UTC)
    if account is not None:
        item = resolve_account(client, account)
        if item is None:
            raise InputError("account", "no open account with this ID is visible to the License", account)
        if customer is not None and int(item.get("customer") or 0) != customer:
            raise InputError("account", "belongs to customer %s, not to customer %s" % (item.get("customer"), customer),
                             account)
        route, path = GET_ACCOUNT_CALLS, {"IAccount": int(item["i_account"])}
    elif customer is not None:
        route, path = GET_CUSTOMER_CALLS, {"ICustomer": customer}
    else:
        route, path = GET_RESELLER_CALLS, {}
    try:
        response = client.call(route, path=path, query=query or None)
    except NotFoundError:
        # Only a scoped read's 404 is about the scope; a 404 of the reseller route is the server's.
        if account is not None:
            raise InputError("account", "no open account with this ID is visible to the License", account)
        if customer is not None:
            raise InputError("customer", "no customer with this id is visible to the License", customer)
        raise
    return calls_from_response(response, now)
