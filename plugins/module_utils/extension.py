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

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import PortaPlusError, Route
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer import call_for_customer, read_customer_accounts
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import (
    EXTENSION_NUMBER_MAX_LENGTH, FORMAT_SUFFIXES_DOC, Doc, Field, InputError, check_extension_number, check_path_segment,
    check_text, item_options)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import ResourceSpec

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
NAME_MAX_LENGTH = 64


# -- reading ---------------------------------------------------------------------------

def extension_item(record):
    """One ``CustExt`` record (or an ``ExtensionsActiveCalls`` one) as a module item: the managed
    fields from the table, then the read-only facts."""
    i_account = record.get("i_account") or record.get("IAccount") or 0
    item = {"number": u"%s" % (record.get("id") or "")}
    for name, field in EXTENSION_FIELDS.items():
        item[name] = field.from_record(record)
    if not i_account:
        item["account_id"] = NO_ACCOUNT
    item.update({
        "record_id": record.get("i_c_ext"),
        "i_account": i_account,
        "first_name": record.get("firstname") or "",
        "last_name": record.get("lastname") or "",
    })
    return item


def read_extensions(client, customer):
    """Every extension of ``customer`` as items sorted by number: one request, whatever their number."""
    response = call_for_customer(client, customer, GET_EXTENSIONS, "reading the extensions of customer %s")
    items = [extension_item(record) for record in response.get("ExtensionLst") or []]
    return sorted(items, key=lambda item: item["number"])


# -- the info module's reads (route choices and API member names stay here, H10) ---------------

def product_filter(products):
    """The ``IProducts`` path value: comma-separated product ids (A21), or None for no filter."""
    for index, product in enumerate(products or []):
        if isinstance(product, bool) or not isinstance(product, int) or product <= 0:
            raise InputError("products[%d]" % index, "must be a product id greater than 0", product)
    return ",".join(u"%d" % product for product in products) if products else None


def list_extensions(client, customer, products=(), active_calls=False):
    """The extensions as items; with ``active_calls`` the one read also carries their call status."""
    ids = product_filter(products)
    action = "reading the extensions of customer %s"
    if active_calls:
        path = {"GetActiveCalls": True}
        if ids:
            path["IProducts"] = ids
        route = GET_EXTENSIONS_ACTIVE_CALLS_OF_PRODUCTS if ids else GET_EXTENSIONS_ACTIVE_CALLS
        records = call_for_customer(client, customer, route, action, **path).get("ExtensionsActiveCalls") or []
    elif ids:
        records = call_for_customer(client, customer, GET_EXTENSIONS_OF_PRODUCTS, action, IProducts=ids).get("ExtensionLst") or []
    else:
        records = call_for_customer(client, customer, GET_EXTENSIONS, action).get("ExtensionLst") or []
    items = []
    for record in records:
        item = extension_item(record)
        if active_calls:
            item["active_calls"] = int(record.get("noofcalls") or 0)
            item["in_call"] = item["active_calls"] > 0
        items.append(item)
    return sorted(items, key=lambda item: item["number"])


def online_accounts(client, customer):
    """The ``i_account`` ids the API reports online (A24)."""
    response = call_for_customer(client, customer, GET_ONLINE_ACCOUNTS, "reading the SIP status of customer %s",
                                 GetSipStatus=True)
    return set(record.get("IAccount") for record in response.get("lstportaActiveCalls") or [])


def used_numbers(client, customer):
    response = call_for_customer(client, customer, GET_UNAVAILABLE_EXTENSIONS,
                                 "reading the extension numbers taken in customer %s", isUnavailable=True)
    return sorted(u"%s" % record.get("id") for record in response.get("ExtensionLst") or [])


def extension_info(client, customer, products=(), active_calls=False, sip_status=False, unavailable_numbers=False):
    """What ``extension_info`` returns: the extensions, with call and SIP status, and the numbers taken."""
    result = {"extensions": list_extensions(client, customer, products, active_calls)}
    if sip_status:
        online = online_accounts(client, customer)
        for item in result["extensions"]:
            item["sip_online"] = bool(item["i_account"]) and item["i_account"] in online
    if unavailable_numbers:
        result["unavailable_numbers"] = used_numbers(client, customer)
    return result


# -- checking user input ----------------------------------------------------------------

def check_number(option, value):
    """An extension number (the shared rule); it travels as the ``Id`` path segment."""
    return check_extension_number(option, value)


def check_name(option, value):
    """An extension name: it travels as one URL path segment (``Name``), so some values cannot be sent (A14, A23)."""
    text = check_text(option, value, NAME_MAX_LENGTH)
    if not text.strip():
        raise InputError(option, "must not be empty or blank", text)
    return check_path_segment(option, text, ": the API takes the name as one URL path segment")


#: THE extension field table (H1): options, API mapping, comparison, diff, ``gathered`` and every doc
#: that names a field (tools/generate_docs.py) come from it.
#: ``account_id`` is resolved to ``IAccount`` through the customer's accounts by the spec.
EXTENSION_KEY_OPTION = dict(type="str")
EXTENSION_KEY_DOC = Doc(
    "The extension number, up to %d digits C(0-9) (for example V(101)). It identifies the extension."
    % EXTENSION_NUMBER_MAX_LENGTH,
    'Quote it in YAML (C("0101")) so leading zeros are kept.',
    listed=["A number listed twice fails the task."],
    result="The extension number.", sample="101")
EXTENSION_FIELDS = {
    "name": Field(
        "str", read="name", check=check_name,
        doc=Doc("The name of the extension. Required to create an extension.",
                "Spaces, C(?), C(#), C(%), C(&) and non-ASCII letters are fine.",
                "Must not be blank, contain C(/) or control characters, end in %s, or be longer than %d characters, "
                "because the API takes it as one URL path segment." % (FORMAT_SUFFIXES_DOC, NAME_MAX_LENGTH),
                "When omitted, an existing extension keeps its name, whatever O(state).",
                result="The extension name.", sample="Reception")),
    "account_id": Field(
        "str", reset=NO_ACCOUNT, read="account_id",
        doc=Doc("The account ID (for example V(441632960001)) of the account the extension rings.",
                "The account must be an open account of O(customer), and not be bound to another extension that "
                "keeps it.",
                'V("") means the extension is bound to no account.',
                listed=["When omitted, O(state=merged) keeps the current account (none for a new extension), while "
                        "O(state=replaced) and O(state=overridden) unbind the extension."],
                single=["When omitted, an existing extension keeps its account and a new one has none."],
                result='The account ID the extension is bound to; V("") when it is bound to no account.',
                sample="441632960001")),
}
#: The read-only facts ``extension_item`` adds to the fields (results and ``facts``).
EXTENSION_FACTS = {
    "record_id": Doc("The API's id of the extension record (C(i_c_ext)); stays the same when the extension is "
                     "renamed or moved.", type="int", sample=7001),
    "i_account": Doc('The API\'s id of the bound account (C(i_account)); V(0) when there is none.', type="int",
                     sample=5001),
    "first_name": Doc("First name on the bound account.", type="str", sample="Alice"),
    "last_name": Doc("Last name on the bound account.", type="str", sample="Archer"),
}
EXTENSION_OPTIONS = item_options("number", EXTENSION_KEY_OPTION, EXTENSION_FIELDS)


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
    fields = EXTENSION_FIELDS

    def __init__(self, client, customer, single=False):
        self.client = client
        self.customer = customer
        self.single = single
        self._current = {}
        self._accounts = None

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
                    item["name"] = self.fields["name"].check(self.option(index, "name"), item["name"])
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

    # Each write is independent of the others: one that fails does not stop the rest (H6); the first
    # failure is raised at the end and the engine reads back to see what is left.

    def _each(self, steps):
        failure = None
        for route, path, action in steps:
            path = dict(path, ICustomer=self.customer)
            try:
                self.client.call(route, path=path, action=action)
            except PortaPlusError as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def create(self, items):
        self._each((ADD_EXTENSION, {"Name": item["name"], "Id": item["number"], "IAccount": item["i_account"]},
                    "adding extension %s to customer %s" % (item["number"], self.customer)) for item in items)

    def update(self, pairs):
        # the existing record is updated in place: rename and move never delete and re-create
        self._each((UPDATE_EXTENSION, {"ExtensionRecordId": have["record_id"], "Name": desired["name"], "Id": have["number"],
                                       "IAccount": i_account},
                    "changing extension %s of customer %s" % (have["number"], self.customer))
                   for desired, have, i_account in order_updates(pairs))

    def delete(self, items):
        self._each((DELETE_EXTENSION, {"ExtensionRecordId": item["record_id"]},
                    "removing extension %s of customer %s" % (item["number"], self.customer)) for item in items)
