# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The data of the ``accounts`` inventory: reads, host names, host variables and default groups.

Requests of a run grow with customers, never with accounts (assumptions L1, L7):

* one ``GetCustomersShortInfo`` with the customers' sites (names, and which ids the License sees);
* one ``GetAccounts`` per customer (account, product, add-ons, blocking, bill status, extension, site);
* one ``GetActiveCallsReseller`` for the live calls of every customer at once;
* with ``sip_status``: one ``GetOnlineAccounts`` per customer (SIP registrations, A24);
* with CDR statistics: one ``GetAccountCDRStatistics`` per customer.

Per-customer reads run in a bounded thread pool; each worker thread has its own client (one
HTTP session per thread), made by the caller's ``client_factory``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import datetime
import hashlib
import hmac
import json
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import ACCOUNT_FIELDS, account_from_api
from ansible_collections.portaplus.softswitch.plugins.module_utils.calls import (
    GET_RESELLER_CALLS, calls_from_response, live_calls_by_account)
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import Route, format_path_date
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer import call_for_customer, read_customer_accounts
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer_list import fill_missing_sites, read_customers
from ansible_collections.portaplus.softswitch.plugins.module_utils.extension import GET_ONLINE_ACCOUNTS
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.checks import check_customer_id
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import InputError

GET_CDR_STATISTICS = Route(
    "GET", "/GetAccountCDRStatistics/{License}/{ICustomer}/{FromDate}/{ToDate}/{IncludeAccounts}/{GetOutgoingCalls}"
    "/{GetAccountVoiceCalls}/{getAccountSummary}/{i_product}", "PortaCDR")

MAX_WORKERS_LIMIT = 16
MAX_STATISTICS_DAYS = 366

# Characters host patterns give a meaning to (--limit a,b:c!d&e*, [ranges], ~regex, @file).
_PATTERN_CHARACTERS = re.compile(u"[\\s,:!&*?\\[\\]/\\\\#'\"\u0000-\u001f\u007f]")
_PATTERN_PREFIXES = ("@", "~")
_UTC = datetime.timezone.utc


# -- pure logic ----------------------------------------------------------------------------

def host_name(account_id):
    """The inventory host name of an account ID: the ID itself, with only what host patterns
    would misread replaced by ``_`` (separators, wildcards, a leading ``@`` or ``~``)."""
    name = _PATTERN_CHARACTERS.sub("_", account_id)
    if name.startswith(_PATTERN_PREFIXES):
        name = "_" + name[1:]
    return name or "_"


def check_options(customers=None, max_workers=4, cdr_statistics_days=0):
    """The inventory's own options, checked before any request; returns the customer ids or None."""
    if not isinstance(max_workers, int) or isinstance(max_workers, bool) or not 1 <= max_workers <= MAX_WORKERS_LIMIT:
        raise InputError("max_workers", "must be an integer from 1 to %d" % MAX_WORKERS_LIMIT, max_workers)
    if (not isinstance(cdr_statistics_days, int) or isinstance(cdr_statistics_days, bool)
            or not 0 <= cdr_statistics_days <= MAX_STATISTICS_DAYS):
        raise InputError("cdr_statistics_days", "must be an integer from 0 (off) to %d" % MAX_STATISTICS_DAYS,
                         cdr_statistics_days)
    if customers is None:
        return None
    if not isinstance(customers, (list, tuple)):
        customers = [customers]
    ids = []
    for value in customers:
        number = check_customer_id("customers", value, problem="items must be customer ids (positive integers)")
        if number not in ids:
            ids.append(number)
    if not ids:
        raise InputError("customers", "must list at least one customer id; leave it out for every customer", customers)
    return ids


def statistics_from_api(response, start, end):
    """``{i_account: statistics}`` from a ``GetAccountCDRStatistics`` answer."""
    result = {}
    for rows in (response.get("AccountStatisticsSummary") or {}).values():
        for row in rows or []:
            result[int(row.get("i_account") or 0)] = {
                "from": start, "to": end,
                "calls": int(row.get("total_count") or 0),
                "outgoing_calls": int(row.get("outgoing_count") or 0),
                "incoming_calls": int(row.get("incoming_count") or 0),
                "seconds": int(row.get("total_duration") or 0),
                "outgoing_seconds": int(row.get("outgoing_duration") or 0),
                "incoming_seconds": int(row.get("incoming_duration") or 0),
            }
    return result


#: The read-only facts of an account item that hosts carry, besides every field of the account table
#: that is not a secret (so a field added to the table becomes a host variable too).
ACCOUNT_FACTS_OF_HOSTS = ("i_account", "product_id", "balance", "currency")
#: The host variables the inventory adds: the customer and site, bill status and live state.
INVENTORY_VARIABLES = ("customer", "customer_name", "bill_status", "site", "site_id", "sip_registered", "live_calls",
                       "online")


def host_variable_names():
    """Every host variable but the optional ``cdr_statistics``, in the order the docs list them."""
    fields = [name for name, field in ACCOUNT_FIELDS.items() if not field.secret]
    return ["account_id"] + fields + list(ACCOUNT_FACTS_OF_HOSTS) + list(INVENTORY_VARIABLES)


def account_hostvars(record, customer, live_calls, online_accounts=None, statistics=None):
    """The host variables of one account (``ProductAccount`` record); never a password.

    ``customer`` is the customer item with ``sites``; ``online_accounts`` the set of
    ``IAccount`` registered over SIP, or None when it was not read; ``statistics`` the
    per-account CDR statistics, or None when off.
    """
    item = account_from_api(record)
    site_id = int(record.get("ICustomerSite") or 0)
    sites = dict((site["id"], site["name"]) for site in customer.get("sites") or [])
    calls = live_calls.get(item["i_account"], 0)
    registered = None if online_accounts is None else item["i_account"] in online_accounts
    hostvars = dict((name, item[name]) for name in host_variable_names() if name not in INVENTORY_VARIABLES)
    hostvars.update({
        "customer": customer["id"],
        "customer_name": customer["name"],
        "bill_status": record.get("BillStatus") or "",
        "site": sites.get(site_id, ""),
        "site_id": site_id,
        "sip_registered": registered,
        "live_calls": calls,
        "online": bool(registered) or calls > 0,
    })
    if statistics is not None:
        hostvars["cdr_statistics"] = statistics.get(item["i_account"]) or {
            "from": None, "to": None, "calls": 0, "outgoing_calls": 0, "incoming_calls": 0,
            "seconds": 0, "outgoing_seconds": 0, "incoming_seconds": 0}
    return hostvars


def default_groups(hostvars):
    """The groups every account joins: by customer, product and site, plus blocked and online.
    Names are raw here; the plugin makes them safe group names."""
    groups = ["customer_%s" % hostvars["customer"]]
    if hostvars["product"]:
        groups.append("product_%s" % hostvars["product"])
    if hostvars["site"]:
        groups.append("site_%s_%s" % (hostvars["customer"], hostvars["site"]))
    if hostvars["blocked"]:
        groups.append("blocked")
    if hostvars["online"]:
        groups.append("online")
    return groups


def build_hosts(accounts_by_customer, customers, live_calls, online_by_customer=None, statistics_by_customer=None):
    """``{host name: hostvars}`` for every account, in customer then account ID order.

    Two account IDs that sanitise to the same name keep them apart with ``_<i_account>``.
    """
    hosts = {}
    for customer in customers:
        online = None if online_by_customer is None else online_by_customer.get(customer["id"], set())
        statistics = None if statistics_by_customer is None else statistics_by_customer.get(customer["id"], {})
        records = sorted(accounts_by_customer.get(customer["id"]) or [],
                         key=lambda record: u"%s" % (record.get("AccountId") or record.get("Id") or ""))
        for record in records:
            hostvars = account_hostvars(record, customer, live_calls, online, statistics)
            name = host_name(hostvars["account_id"])
            if name in hosts:
                name = "%s_%s" % (name, hostvars["i_account"])
            hosts[name] = hostvars
    return hosts


# -- reads ---------------------------------------------------------------------------------

def _online_accounts(client, customer):
    response = call_for_customer(client, customer, GET_ONLINE_ACCOUNTS, GetSipStatus=True)
    return set(int(row.get("IAccount") or 0) for row in response.get("lstportaActiveCalls") or [])


def _statistics(client, customer, start, end):
    response = call_for_customer(
        client, customer, GET_CDR_STATISTICS, FromDate=format_path_date(start), ToDate=format_path_date(end),
        IncludeAccounts=True, GetOutgoingCalls=False, GetAccountVoiceCalls=False, getAccountSummary=True,
        i_product="0")
    return statistics_from_api(response, start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ"))


def read_inventory(client_factory, customers=None, sip_status=False, cdr_statistics_days=0, max_workers=4,
                   now=None):
    """Every account of ``customers`` (ids; None: all the License sees) as ``{host name: hostvars}``.

    ``client_factory()`` returns a new client; one is made per worker thread and closed at the end.
    """
    wanted = check_options(customers, max_workers, cdr_statistics_days)
    now = now or datetime.datetime.now(_UTC)
    clients = []
    local = threading.local()
    lock = threading.Lock()

    def client():
        if getattr(local, "client", None) is None:
            local.client = client_factory()
            with lock:
                clients.append(local.client)
        return local.client

    try:
        visible = read_customers(client(), sites=True)
        by_id = dict((customer["id"], customer) for customer in visible)
        if wanted is None:
            selected = visible
        else:
            unknown = [number for number in wanted if number not in by_id]
            if unknown:
                raise InputError("customers", "no customer with id %s is visible to the License"
                                 % ", ".join(str(number) for number in unknown), unknown if len(unknown) > 1 else unknown[0])
            selected = [by_id[number] for number in wanted]
        start = now - datetime.timedelta(days=cdr_statistics_days)

        def read_customer(customer):
            number = customer["id"]
            result = {"accounts": read_customer_accounts(client(), number)}
            if sip_status:
                result["online"] = _online_accounts(client(), number)
            if cdr_statistics_days:
                result["statistics"] = _statistics(client(), number, start, now)
            if customer.get("sites") is None:
                fill_missing_sites(client(), [customer])
            return result

        def read_calls():
            return calls_from_response(client().call(GET_RESELLER_CALLS), now)

        workers = max(1, min(max_workers, len(selected) + 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            calls_future = pool.submit(read_calls)
            futures = [(customer, pool.submit(read_customer, customer)) for customer in selected]
            results = dict((customer["id"], future.result()) for customer, future in futures)
            calls = calls_future.result()
    finally:
        for each in clients:
            each.close()
    return build_hosts(
        dict((number, result["accounts"]) for number, result in results.items()), selected,
        live_calls_by_account(calls),
        dict((number, result["online"]) for number, result in results.items()) if sip_status else None,
        dict((number, result["statistics"]) for number, result in results.items()) if cdr_statistics_days else None)


# -- cache keys --------------------------------------------------------------------------------------

#: The file, beside the cache, that holds the random key of the cache names' digests.
CACHE_KEY_FILE = ".portaplus-cache-key"
_CACHE_KEY_BYTES = 32


def cache_key_secret(directory):
    """The random key of ``directory``'s cache names: read from ``CACHE_KEY_FILE`` there, or created once
    (``O_EXCL``, ``O_NOFOLLOW``, 0600). ``OSError`` or ``ValueError`` when it cannot be read or made."""
    path = os.path.join(directory, CACHE_KEY_FILE)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
    except FileExistsError:
        descriptor = None
    if descriptor is not None:
        key = os.urandom(_CACHE_KEY_BYTES)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(binascii.hexlify(key).decode("ascii"))
        return key
    with os.fdopen(os.open(path, os.O_RDONLY | nofollow)) as handle:
        text = handle.read(_CACHE_KEY_BYTES * 2 + 1).strip()
    try:
        key = binascii.unhexlify(text)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != _CACHE_KEY_BYTES:
        raise ValueError("%s is not a cache key written by portaplus.softswitch (remove it to make a new one)" % path)
    return key


def cache_digest(key, settings):
    """A keyed digest (HMAC-SHA256) of the settings that decide the inventory (the License among them): the
    cache name tells another License's cache apart, and without the key no guess can be checked against it."""
    message = json.dumps(settings, sort_keys=True, default=str).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]
