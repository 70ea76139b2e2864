# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customer extensions as a declarative resource, and the extension reads the info module shares.

Scope: one customer. Identity: the extension number (the API's ``Id``). Managed fields:
``name`` and ``account_id`` (the account the extension rings, ``""`` for none). The API has
no batch call for extensions, so every changed extension costs one request and an unchanged
one costs none; the whole list is read with one request (assumptions A13-A15).

An account can be bound to one extension only (A22), so moves are ordered: an extension
whose new account is still held by another changing extension waits until that one has
moved, and a cycle (two extensions exchanging accounts) is broken by parking one extension
on "no account" first. Every value sent in a path is checked here first, so nothing is sent
that ServiceStack would bind to a different operation or truncate (A14).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.portaplus.softswitch.plugins.module_utils.client import Route, path_segment_problem
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer import call_for_customer, read_customer_accounts
from ansible_collections.portaplus.softswitch.plugins.module_utils.resource import Field, InputError, ResourceSpec

OP = "CustomerExtension"
GET_EXTENSIONS = Route("GET", "/GetCustomerExtensions/{License}/{ICustomer}", OP)
GET_EXTENSIONS_OF_PRODUCTS = Route("GET", "/GetCustomerExtensions/{License}/{ICustomer}/{IProducts}", OP)
GET_EXTENSIONS_ACTIVE_CALLS = Route("GET", "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}", OP)
GET_EXTENSIONS_ACTIVE_CALLS_OF_PRODUCTS = Route(
    "GET", "/GetCustomerExtensionsActiveCalls/{License}/{ICustomer}/{GetActiveCalls}/{IProducts}", OP)
GET_ONLINE_ACCOUNTS = Route("GET", "/GetOnlineAccounts/{License}/{ICustomer}/{GetSipStatus}", OP)
GET_UNAVAILABLE_EXTENSIONS = Route("GET", "/GetUnavailableExtensions/{License}/{ICustomer}/{isUnavailable}", OP)
# GET routes that change state (A13): the client never retries them blindly.
ADD_EXTENSION = Route("GET", "/AddCustomerExtension/{License}/{ICustomer}/{Name}/{Id}/{IAccount}", OP, write=True)
UPDATE_EXTENSION = Route(
    "GET", "/UpdateCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}/{Name}/{Id}/{IAccount}", OP, write=True)
DELETE_EXTENSION = Route("GET", "/DeleteCustomerExtension/{License}/{ICustomer}/{ExtensionRecordId}", OP, write=True)

#: ``account_id`` of an extension bound to no account (the API's ``IAccount`` 0, A15).
NO_ACCOUNT = ""
NUMBER_MAX_LENGTH = 16
NAME_MAX_LENGTH = 64
_DIGITS = re.compile(r"^[0-9]+$")
_CONTROL_CHARACTERS = re.compile(u"[\u0000-\u001f\u007f]")


# -- reading ---------------------------------------------------------------------------

def extension_item(record):
    """One ``CustExt`` record (or an ``ExtensionsActiveCalls`` one) as a module item."""
    i_account = record.get("i_account") or record.get("IAccount") or 0
    return {
        "number": u"%s" % (record.get("id") or ""),
        "name": record.get("name") or "",
        "account_id": (record.get("account_id") or NO_ACCOUNT) if i_account else NO_ACCOUNT,
        "record_id": record.get("i_c_ext"),
        "i_account": i_account,
        "first_name": record.get("firstname") or "",
        "last_name": record.get("lastname") or "",
    }


def read_extensions(client, customer):
    """Every extension of ``customer`` as items sorted by number: one request, whatever their number."""
    response = call_for_customer(client, customer, GET_EXTENSIONS)
    items = [extension_item(record) for record in response.get("ExtensionLst") or []]
    return sorted(items, key=lambda item: item["number"])


# -- checking user input ----------------------------------------------------------------

def check_number(option, value):
    """An extension number: digits only (A15), at most 16 of them (A23); it travels as the ``Id`` path segment."""
    text = u"" if value is None else u"%s" % value
    if not text:
        raise InputError(option, "is required and must not be empty")
    if not _DIGITS.match(text):
        raise InputError(option, "must be an extension number made of the digits 0-9 only", text)
    if len(text) > NUMBER_MAX_LENGTH:
        raise InputError(option, "must be at most %d digits long" % NUMBER_MAX_LENGTH, text)
    return text


def check_name(option, value):
    """An extension name: it travels as one URL path segment (``Name``), so some values cannot be sent (A14, A23)."""
    text = u"%s" % value
    if not text.strip():
        raise InputError(option, "must not be empty or blank", text)
    if len(text) > NAME_MAX_LENGTH:
        raise InputError(option, "must be at most %d characters long, got %d" % (NAME_MAX_LENGTH, len(text)), text)
    problem = path_segment_problem(text)
    if problem:
        raise InputError(option, "%s: the API takes the name as one URL path segment" % problem, text)
    if _CONTROL_CHARACTERS.search(text):
        raise InputError(option, "must not contain control characters (tab, newline, ...)", text)
    return text


# -- ordering account moves --------------------------------------------------------------

def order_updates(pairs):
    """Order (desired, have) updates so that no account is ever bound to two extensions at once.

    Returns steps ``(desired, have, i_account)``: one per pair, in config order where nothing
    waits; an update whose new account is still held by another changing extension goes after
    it; in a cycle (extensions exchanging accounts) the first one waiting is parked on no
    account (``i_account`` 0) by an extra step and bound at the end.
    """
    current = dict((have["number"], have.get("i_account") or 0) for _desired, have in pairs)
    pending = list(pairs)
    steps = []
    while pending:
        progressed = False
        for pair in list(pending):
            desired, have = pair
            target = desired.get("i_account") or 0
            moving = target and target != current[have["number"]]
            if moving and any(current[other["number"]] == target for _d, other in pending if other is not have):
                continue
            steps.append((desired, have, target))
            current[have["number"]] = target
            pending.remove(pair)
            progressed = True
        if not progressed:
            # everyone left waits for another: a cycle; parking one member on no account frees its account
            parked = [pair for pair in pending if current[pair[1]["number"]]]
            if not parked:
                steps.extend((desired, have, desired.get("i_account") or 0) for desired, have in pending)
                break
            desired, have = parked[0]
            steps.append((desired, have, 0))
            current[have["number"]] = 0
    return steps


# -- the resource ------------------------------------------------------------------------

class ExtensionSpec(ResourceSpec):
    """The extensions of one customer, keyed by number.

    ``account_id`` names the bound account by its account ID; it is resolved to ``IAccount``
    through the customer's accounts, read once and only when some item binds an extension to
    an account it is not bound to yet. Under ``replaced``/``overridden`` an omitted
    ``account_id`` means "bound to no account"; ``name`` has no default and is kept.
    """

    noun = "extension"
    plural = "extensions"
    key = "number"
    fields = {
        "name": Field("str"),
        "account_id": Field("str", reset=NO_ACCOUNT),
    }

    def __init__(self, client, customer, single=False):
        self.client = client
        self.customer = customer
        self.single = single
        self._current = {}
        self._accounts = None

    def option(self, index, name):
        """The option a message names: ``name`` for the single module, ``config[i].name`` for the list one."""
        return name if self.single else "config[%d].%s" % (index, name)

    # -- reading and resolving --

    def read_all(self):
        items = read_extensions(self.client, self.customer)
        self._current = dict((item["number"], item) for item in items)
        return items

    def accounts(self):
        """The customer's accounts by account ID (one request, made the first time it is needed)."""
        if self._accounts is None:
            records = read_customer_accounts(self.client, self.customer)
            self._accounts = dict((u"%s" % record.get("AccountId"), record) for record in records)
        return self._accounts

    def prepare(self, items, state):
        prepared = []
        for index, item in enumerate(items):
            item = dict(item)
            item["number"] = check_number(self.option(index, "number"), item.get("number"))
            if state != "deleted":
                if item.get("name") is not None:
                    item["name"] = check_name(self.option(index, "name"), item["name"])
                if item.get("account_id") is not None:
                    item["account_id"] = self.check_account(index, item)
            prepared.append(item)
        if state != "deleted":
            self.check_one_extension_per_account(prepared, state)
        return prepared

    def check_account(self, index, item):
        account_id = u"%s" % item["account_id"]
        bound_now = self._current.get(item["number"], {}).get("account_id")
        if account_id == NO_ACCOUNT or account_id == bound_now:
            return account_id  # nothing to resolve: the server already holds this binding
        if account_id not in self.accounts():
            raise InputError(self.option(index, "account_id"),
                             "is not an account of customer %s (it does not exist or belongs to another customer)"
                             % self.customer, account_id)
        return account_id

    def check_one_extension_per_account(self, items, state):
        """Fail before any write if the end state would bind one account to two extensions (A22)."""
        final, index_of = {}, {}
        if state != "overridden":
            for number, have in self._current.items():
                final[number] = have["account_id"]
        for index, item in enumerate(items):
            number = item["number"]
            account_id = item.get("account_id")
            if account_id is None:
                keeps = state == "merged" and number in self._current
                account_id = self._current[number]["account_id"] if keeps else NO_ACCOUNT
            final[number], index_of[number] = account_id, index
        holders = {}
        for number, account_id in final.items():
            if account_id != NO_ACCOUNT:
                holders.setdefault(account_id, []).append(number)
        conflicts = []
        for account_id, numbers in holders.items():
            # only a binding this run makes counts: two extensions already sharing an account are left as they are
            newly_bound = sorted((index_of[number], number) for number in numbers
                                 if number in index_of and self._current.get(number, {}).get("account_id") != account_id)
            if len(numbers) > 1 and newly_bound:
                conflicts.append((newly_bound[-1], account_id, sorted(numbers)))
        if not conflicts:
            return
        (index, number), account_id, numbers = min(conflicts)
        unlisted = [other for other in numbers if other not in index_of]
        if unlisted and self.single:
            note = "; it is bound to extension %s now: move that extension first" % ", ".join(unlisted)
        elif unlisted:
            note = "; extension %s is not in config, so it keeps that account with state=%s" % (", ".join(unlisted), state)
        else:
            note = ""
        raise InputError(self.option(index, "account_id"),
                         "account %s would be bound to extensions %s at once, but an account can be bound to one "
                         "extension only%s" % (account_id, " and ".join(numbers), note), show_value=False)

    def desired(self, want, have, state):
        result = super(ExtensionSpec, self).desired(want, have, state)
        account_id = result.get("account_id") or NO_ACCOUNT
        if account_id != (have.get("account_id") or NO_ACCOUNT) or "i_account" not in result:
            # a new binding: the account-derived attributes follow the account
            account = self.accounts()[account_id] if account_id else {}
            result["account_id"] = account_id
            result["i_account"] = account.get("IAccount") or 0
            result["first_name"] = account.get("FirstName") or ""
            result["last_name"] = account.get("LastName") or ""
        return result

    def check_create(self, item, index):
        if not item.get("name"):
            raise InputError(self.option(index, "name"),
                             "is required to create extension %s, which does not exist yet" % item["number"],
                             show_value=False)

    # -- writing: one request per changed extension (the API has no batch call) --

    def create(self, items):
        for item in items:
            self.client.call(ADD_EXTENSION, path={
                "ICustomer": self.customer, "Name": item["name"], "Id": item["number"], "IAccount": item["i_account"]})

    def update(self, pairs):
        for desired, have, i_account in order_updates(pairs):
            # the existing record is updated in place: rename and move never delete and re-create
            self.client.call(UPDATE_EXTENSION, path={
                "ICustomer": self.customer, "ExtensionRecordId": have["record_id"],
                "Name": desired["name"], "Id": have["number"], "IAccount": i_account})

    def delete(self, items):
        for item in items:
            self.client.call(DELETE_EXTENSION, path={"ICustomer": self.customer, "ExtensionRecordId": item["record_id"]})
