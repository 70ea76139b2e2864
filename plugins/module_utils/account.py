# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Accounts and their product add-ons as declarative resources (assumptions A4-A12, A25-A30).

Scope: one customer. Identity: the account ID (the API's ``AccountId`` / ``AcntId``).

Requests of a run, whatever the number of accounts:

* read: one ``GET /GetAccounts/{License}/{ICustomer}`` (A11), plus one ``GET /GetProducts/{License}``
  when products or add-ons must be resolved;
* create: one ``POST /CreateAccounts`` per distinct product (its ``DefaultValues`` carry the
  product, A8), one read-back, then at most one ``POST /UpdateAccount`` for what CreateAccounts
  cannot carry (blocking, credit limits or unified messaging that differ within a product) and
  one add-on request;
* update: one ``POST /UpdateAccount`` with every changed account, each with its complete managed
  field set (A5), plus one ``POST /UpdateAccountByProductAddons/{License}`` with the complete
  add-on set of every account whose add-ons change (A10);
* delete: one ``POST /UpdateAccount`` with ``BillStatus: "C"`` for every account to terminate (A6).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import math
import re

from ansible_collections.portaplus.softswitch.plugins.module_utils.client import (
    NotFoundError, OutcomeUnknownError, PortaPlusError, Route, path_segment_problem)
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer import read_customer_accounts
from ansible_collections.portaplus.softswitch.plugins.module_utils.product import ADDON, MAIN, Catalogue
from ansible_collections.portaplus.softswitch.plugins.module_utils.resource import (
    Engine, Field, IncompleteChangeError, InputError, ResourceSpec)

CREATE_ACCOUNTS = Route("POST", "/CreateAccounts", "CreateAccount")
UPDATE_ACCOUNTS = Route("POST", "/UpdateAccount", "UpdateAccount")
UPDATE_ADDONS = Route("POST", "/UpdateAccountByProductAddons/{License}", "UpdateAccount")
GET_ACCOUNT_BY_ID = Route("GET", "/GetAccountInfoByAccountId/{License}/{AccountID}", "Product")

#: PortaBilling's bill status of a closed (terminated) account (A6).
CLOSED = "C"
#: Billing model of the accounts the collection creates; stated, not left to a server default (A20).
CREATED_BILLING_MODEL = "CreditAccount"

# Limits on user input (recorded in docs/api-assumptions.md); checked before any request writes.
ACCOUNT_ID_MAX_LENGTH = 64
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
EXTENSION_MAX_LENGTH = 16  # as the extension modules (A23)
PASSWORD_MAX_LENGTH = 64
CREDIT_LIMIT_MAX = 1e9

_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9._@+-]+$")
_DIGITS = re.compile(r"^[0-9]+$")
_CONTROL_CHARACTERS = re.compile(u"[\u0000-\u001f\u007f-\u009f]")
# Any characters but blanks and separators around one '@', a dot in the domain; letters of any
# script are fine (internationalised addresses).
_EMAIL = re.compile(u"^[^@\\s,;:<>()\\[\\]\"\\\\]+@[^@\\s,;:<>()\\[\\]\"\\\\.]+(\\.[^@\\s,;:<>()\\[\\]\"\\\\.]+)+$")

# Option definitions shared by the account and accounts modules (they document them).
ACCOUNT_OPTIONS = dict(
    account_id=dict(type="str", required=True),
    product=dict(type="raw"),
    first_name=dict(type="str"),
    last_name=dict(type="str"),
    email=dict(type="str"),
    extension=dict(type="str"),
    password=dict(type="str", no_log=True),
    credit_limit=dict(type="float"),
    blocked=dict(type="bool"),
    unified_messaging=dict(type="bool"),
    addons=dict(type="list", elements="raw"),
)
ACCOUNT_SCOPE_OPTIONS = dict(
    customer=dict(type="int", required=True),
    update_password=dict(type="str", default="always", choices=["always", "on_create"], no_log=False),
    purge_addons=dict(type="bool", default=False),
)

# Fields UpdateAccount carries; add-ons travel separately and an extension only on create.
_UPDATE_ACCOUNT_FIELDS = frozenset(("product", "first_name", "last_name", "email", "password", "credit_limit", "blocked",
                                    "unified_messaging"))


# -- reading ---------------------------------------------------------------------------

def _now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def addon_from_api(info):
    """One ``AddonInfo`` (an entry of ``ActiveAddons``) as the collection shows it."""
    return {
        "name": info.get("Name") or info.get("ProductAddon") or "",
        "id": int(info.get("IProduct") or info.get("IAddonProduct") or 0),
        "effective_from": info.get("effective_from"),
        "effective_to": info.get("effective_to"),
    }


def _flag(value):
    """A flag the API writes as a bool or as "Y"/"N" depending on the DTO (UMEnabled, Blockedfield)."""
    if isinstance(value, str):
        return value.strip().upper() in ("Y", "TRUE", "1")
    return bool(value)


def account_from_api(record):
    """One account record (``ProductAccount``) as a module item; ``password`` is the clear value.

    Text the API leaves out (null members are omitted, C.5) reads as ``""``, so a field set
    to ``""`` compares equal to it.
    """
    blocked = record.get("Blocked")
    if blocked is None:
        blocked = record.get("Blockedfield")  # A7
    now = _now_iso()
    # ActiveAddons holds assigned add-ons only (A10); an end date in the past is skipped anyway.
    addons = [addon_from_api(info) for info in record.get("ActiveAddons") or []]
    addons = [addon for addon in addons if not addon["effective_to"] or addon["effective_to"] > now]
    addons.sort(key=lambda addon: addon["name"])
    return {
        "account_id": u"%s" % (record.get("AccountId") or record.get("Id") or ""),
        "i_account": int(record.get("IAccount") or 0),
        "customer": record.get("ICustomer"),
        "product": record.get("ProductName") or record.get("MainProductName") or "",
        "product_id": int(record.get("IProduct") or 0),
        "first_name": record.get("FirstName") or "",
        "last_name": record.get("LastName") or "",
        "email": record.get("Email") or "",
        "extension": u"%s" % (record.get("ExtensionNumber") or ""),
        "password": record.get("VoipPassword") or record.get("SIPPassword") or None,
        "credit_limit": float(record.get("CreditLimit") or 0),
        "blocked": _flag(blocked),
        "unified_messaging": _flag(record.get("UMEnabled")),
        "addons": [addon["name"] for addon in addons],
        "addon_details": addons,
        "balance": record.get("Balance"),
        "currency": record.get("ISO4217"),
        "billing_model": record.get("BillingModel"),
        "activation_date": record.get("activation_date"),
    }


def without_secrets(item):
    """An account item for output where the password is not even masked (the info module)."""
    out = dict(item)
    out.pop("password", None)
    return out


def read_accounts(client, customer):
    """Every open account of ``customer`` as items sorted by account ID (one request)."""
    items = [account_from_api(record) for record in read_customer_accounts(client, customer)]
    return sorted(items, key=lambda item: item["account_id"])


def read_account_by_id(client, account_id):
    """The open account with this account ID in any customer of the License, or None (one request)."""
    try:
        response = client.call(GET_ACCOUNT_BY_ID, path={"AccountID": account_id})
    except NotFoundError:
        return None
    record = response.get("AccountInfo") or {}
    if not record.get("IAccount") or (record.get("BillStatus") or "").upper() == CLOSED:
        return None
    return account_from_api(record)


# -- checking user input ----------------------------------------------------------------

def check_text(option, value, max_length, secret=False):
    """A free-text value: any script, no control characters, at most ``max_length`` characters."""
    text = u"%s" % value
    if len(text) > max_length:
        raise InputError(option, "must be at most %d characters long, got %d" % (max_length, len(text)),
                         text, show_value=not secret)
    if _CONTROL_CHARACTERS.search(text):
        raise InputError(option, "must not contain control characters (tab, newline, ...)", text, show_value=not secret)
    return text


def check_account_id(option, value):
    """Any account ID the user names: a non-empty single line that fits."""
    text = u"%s" % value
    if not text.strip():
        raise InputError(option, "must not be empty", text)
    if text != text.strip():
        raise InputError(option, "must not start or end with blanks", text)
    return check_text(option, text, ACCOUNT_ID_MAX_LENGTH)


def check_new_account_id(option, value):
    """An account ID to create: letters, digits and . _ @ + - only (a SIP user name), no format suffix."""
    text = check_account_id(option, value)
    problem = path_segment_problem(text)
    if problem:
        raise InputError(option, problem, text)
    if not _ACCOUNT_ID.match(text):
        raise InputError(option, "may contain only the ASCII letters A-Z and a-z, the digits 0-9 and . _ @ + -", text)
    return text


def check_email(option, value):
    text = check_text(option, value, EMAIL_MAX_LENGTH)
    if text and not _EMAIL.match(text):
        raise InputError(option, "is not a valid e-mail address (expected name@domain.example, or \"\" for none)", text)
    return text


def check_extension(option, value):
    text = u"%s" % value
    if text and (not _DIGITS.match(text) or len(text) > EXTENSION_MAX_LENGTH):
        raise InputError(option, "must be an extension number of 1 to %d digits 0-9 (or \"\" for none)"
                         % EXTENSION_MAX_LENGTH, text)
    return text


def check_password(option, value):
    text = check_text(option, value, PASSWORD_MAX_LENGTH, secret=True)
    if not text:
        raise InputError(option, "must not be empty")
    return text


def check_credit_limit(option, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(option, "must be a number", value)
    number = float(value)
    if math.isnan(number) or math.isinf(number) or number < 0 or number > CREDIT_LIMIT_MAX:
        raise InputError(option, "must be a number from 0 to %d" % CREDIT_LIMIT_MAX, value)
    return number


def check_bool(option, value):
    if not isinstance(value, bool):
        raise InputError(option, "must be true or false", value)
    return value


_TEXT_CHECKS = (
    ("first_name", lambda option, value: check_text(option, value, NAME_MAX_LENGTH)),
    ("last_name", lambda option, value: check_text(option, value, NAME_MAX_LENGTH)),
    ("email", check_email),
    ("extension", check_extension),
    ("password", check_password),
    ("credit_limit", check_credit_limit),
    ("blocked", check_bool),
    ("unified_messaging", check_bool),
)


# -- the resources ------------------------------------------------------------------------

class _CustomerScoped(ResourceSpec):
    """Shared by the account resources: the customer, the catalogue, writes and option naming."""

    def __init__(self, client, customer, single=False):
        self.client = client
        self.customer = customer
        self.single = single
        self._catalogue = None
        self._addon_ids = {}     # add-on name -> IProduct, from reads and the catalogue

    def option(self, index, name):
        """How the user wrote this option: ``email`` in a single-object module, ``config[2].email`` otherwise."""
        return name if self.single or index is None else "config[%d].%s" % (index, name)

    @property
    def catalogue(self):
        if self._catalogue is None:
            self._catalogue = Catalogue.read(self.client)
            for product in self._catalogue.addons:
                self._addon_ids.setdefault(product["name"], product["id"])
        return self._catalogue

    def remember_addons(self, accounts):
        for account in accounts:
            for addon in account.get("addon_details") or []:
                self._addon_ids.setdefault(addon["name"], addon["id"])

    def addon_entry(self, have, names):
        """One ``Accounts[]`` entry of the add-on route: the complete set it must have (A10)."""
        return {
            "IAccount": have["i_account"],
            "Id": have["account_id"],
            "ICustomer": self.customer,
            "assigned_addons": [{"IProduct": self._addon_ids[name], "Name": name} for name in sorted(names)],
        }


class AccountSpec(_CustomerScoped):
    """The open accounts of one customer, keyed by account ID."""

    noun = "account"
    plural = "accounts"
    key = "account_id"
    fields = {
        "product": Field("str"),
        "first_name": Field("str", reset=""),
        "last_name": Field("str", reset=""),
        "email": Field("str", reset=""),
        "extension": Field("str"),
        "password": Field("str", secret=True),
        "credit_limit": Field("float"),
        "blocked": Field("bool", reset=False),
        "unified_messaging": Field("bool"),
        "addons": Field("set", reset=[]),
    }

    def __init__(self, client, customer, update_password="always", purge_addons=False, single=False):
        super(AccountSpec, self).__init__(client, customer, single=single)
        self.update_password = update_password
        self.purge_addons = purge_addons
        self._product_ids = {}   # main product name -> IProduct
        self._index = {}         # account_id -> position in config, for messages
        self._extensions = {}    # extension number -> account ID holding it (read, or claimed by a create)

    def describe_delete(self):
        return "irreversibly terminate"

    # -- reading --------------------------------------------------------------------------

    def read_all(self):
        accounts = read_accounts(self.client, self.customer)
        self.remember_addons(accounts)
        self._extensions = {}
        for account in accounts:
            self._product_ids.setdefault(account["product"], account["product_id"])
            if account["extension"]:
                self._extensions[account["extension"]] = account["account_id"]
        return accounts

    # -- checking -------------------------------------------------------------------------

    def prepare(self, items, state):
        prepared = []
        for index, item in enumerate(items):
            item = dict(item)
            item["account_id"] = check_account_id(self.option(index, "account_id"), item["account_id"])
            self._index[item["account_id"]] = index
            if state != "deleted":
                self._prepare_fields(item, index)
            prepared.append(item)
        return prepared

    def _prepare_fields(self, item, index):
        for name, check in _TEXT_CHECKS:
            if item.get(name) is not None:
                item[name] = check(self.option(index, name), item[name])
        if item.get("product") is not None:
            product = self.catalogue.resolve(item["product"], self.option(index, "product"), MAIN)
            self._product_ids[product["name"]] = product["id"]
            item["product"] = product["name"]
        if item.get("addons") is not None:
            names = set()
            for position, value in enumerate(item["addons"]):
                option = "%s[%d]" % (self.option(index, "addons"), position)
                names.add(self.catalogue.resolve(value, option, ADDON)["name"])
            item["addons"] = sorted(names)

    def check_create(self, item, index):
        check_new_account_id(self.option(index, "account_id"), item["account_id"])
        if not item.get("product"):
            raise InputError(self.option(index, "product"),
                             "is required to create account %s (it does not exist in customer %s)"
                             % (item["account_id"], self.customer), show_value=False)
        # The API would refuse the whole create request (A8); say which account it is about instead.
        extension = item.get("extension")
        if extension:
            holder = self._extensions.setdefault(extension, item["account_id"])
            if holder != item["account_id"]:
                raise InputError(self.option(index, "extension"), "is already the extension of account %s" % holder, extension)

    def desired(self, want, have, state):
        result = super(AccountSpec, self).desired(want, have, state)
        exists = "i_account" in have
        if exists and self.update_password == "on_create":
            result["password"] = have.get("password")
        if exists and want.get("extension") is not None and want["extension"] != (have.get("extension") or ""):
            raise InputError(
                self.option(self._index.get(want["account_id"]), "extension"),
                "can only be set when an account is created; account %s has extension %r. "
                "Change extensions with portaplus.softswitch.extensions" % (have["account_id"], have.get("extension") or ""),
                want["extension"])
        if want.get("addons") is not None and state == "merged" and not self.purge_addons:
            result["addons"] = sorted(set(have.get("addons") or []) | set(want["addons"]))
        return result

    # -- writing --------------------------------------------------------------------------

    def create(self, items):
        """One CreateAccounts per product, one read-back, then the follow-up updates.

        A create whose outcome is unknown (timeout, reset) is never re-sent: the read-back
        tells what exists. Follow-ups are applied to every account that does exist, so a
        partial batch leaves nothing half-configured; a missing one raises, and the next run
        creates it.
        """
        failure = None
        for product_id, group in self.group_by_product(items):
            try:
                self.client.call(CREATE_ACCOUNTS, body=self.create_body(product_id, group))
            except OutcomeUnknownError as exc:
                failure = failure or exc
            except PortaPlusError as exc:
                failure = exc
                break
        existing = dict((account["account_id"], account) for account in self.read_all())
        self.write_updates([(item, existing[item["account_id"]]) for item in items if item["account_id"] in existing])
        missing = [item["account_id"] for item in items if item["account_id"] not in existing]
        if missing and failure is None:
            failure = IncompleteChangeError("CreateAccounts answered success, but %d account(s) are missing on reading back: %s"
                                            % (len(missing), ", ".join(missing[:10])))
        if missing:
            raise failure

    def group_by_product(self, items):
        """[(IProduct, items)] in config order: one CreateAccounts request each (A8)."""
        groups = []
        by_product = {}
        for item in items:
            product_id = self._product_ids[item["product"]]
            if product_id not in by_product:
                by_product[product_id] = []
                groups.append((product_id, by_product[product_id]))
            by_product[product_id].append(item)
        return groups

    def create_body(self, product_id, items):
        defaults = {"ProductId": product_id, "BillingModel": CREATED_BILLING_MODEL}
        # DefaultValues carries one value for the whole request; accounts that differ get theirs in the follow-up.
        limits = set(item.get("credit_limit") for item in items)
        if len(limits) == 1 and None not in limits:
            defaults["CreditLimit"] = limits.pop()
        if all(item.get("unified_messaging") for item in items):
            defaults["UmEnabled"] = True
        entries = []
        for position, item in enumerate(items):
            entry = {"Index": position, "AcntId": item["account_id"]}
            for name, member in (("first_name", "FirstName"), ("last_name", "LastName"), ("email", "Email"),
                                 ("extension", "Extension"), ("password", "Password")):
                if item.get(name) not in (None, ""):
                    entry[member] = item[name]
            entries.append(entry)
        return {"AccountRequest": {"ICustomer": self.customer, "AccountsToCreate": entries, "DefaultValues": defaults}}

    def update(self, pairs):
        self.write_updates(pairs)

    def write_updates(self, pairs):
        """At most one UpdateAccount and one add-on request for every (desired, have) that differs."""
        engine = Engine(self)
        account_entries, addon_entries = [], []
        for desired, have in pairs:
            changed = set(engine.changed_fields(desired, have))
            if changed & _UPDATE_ACCOUNT_FIELDS:
                account_entries.append(self.update_entry(desired, have))
            if "addons" in changed:
                addon_entries.append(self.addon_entry(have, desired.get("addons") or []))
        if account_entries:
            self.client.call(UPDATE_ACCOUNTS, body={"Accounts": account_entries})
        if addon_entries:
            self.client.call(UPDATE_ADDONS, body={"Accounts": addon_entries})

    def update_entry(self, desired, have):
        """The complete managed field set of one account, current values merged with desired ones (A5)."""
        merged = dict(have)
        merged.update((name, value) for name, value in desired.items() if value is not None)
        entry = {
            "IAccount": have["i_account"],
            "Id": have["account_id"],
            "ICustomer": self.customer,
            "IProduct": self._product_ids.get(merged["product"], have.get("product_id")),
            "FirstName": merged.get("first_name") or "",
            "LastName": merged.get("last_name") or "",
            "Email": merged.get("email") or "",
            "CreditLimit": merged.get("credit_limit") or 0,
            "Blocked": bool(merged.get("blocked")),
            "UMEnabled": bool(merged.get("unified_messaging")),
        }
        if merged.get("password"):
            entry["Password"] = merged["password"]
        return entry

    def delete(self, items):
        entries = [{"IAccount": item["i_account"], "Id": item["account_id"], "ICustomer": self.customer,
                    "BillStatus": CLOSED} for item in items]
        self.client.call(UPDATE_ACCOUNTS, body={"Accounts": entries})


class AccountAddonSpec(_CustomerScoped):
    """The add-ons of one account, keyed by add-on name; effective dates are read-only (A10)."""

    noun = "addon"
    plural = "addons"
    key = "addon"
    fields = {}

    def __init__(self, client, customer, account_id):
        super(AccountAddonSpec, self).__init__(client, customer, single=True)
        self.account_id = check_account_id("account_id", account_id)
        self._account = None

    def resolve(self, value):
        """The add-on's catalogue name (the key items are compared by)."""
        return self.catalogue.resolve(value, "addon", ADDON)["name"]

    def prepare(self, items, state):
        return [dict(item, addon=self.resolve(item["addon"])) for item in items]

    def describe_delete(self):
        return "remove"

    def read_all(self):
        accounts = read_accounts(self.client, self.customer)
        self.remember_addons(accounts)
        found = [account for account in accounts if account["account_id"] == self.account_id]
        if not found:
            raise InputError("account_id", "no open account with this id in customer %s" % self.customer, self.account_id)
        self._account = found[0]
        return [{
            "addon": addon["name"],
            "addon_id": addon["id"],
            "account_id": self.account_id,
            "effective_from": addon["effective_from"],
            "effective_to": addon["effective_to"],
        } for addon in self._account["addon_details"]]

    def create(self, items):
        self.send_addons(set(self._account["addons"]) | set(item["addon"] for item in items))

    def delete(self, items):
        self.send_addons(set(self._account["addons"]) - set(item["addon"] for item in items))

    def send_addons(self, names):
        self.client.call(UPDATE_ADDONS, body={"Accounts": [self.addon_entry(self._account, names)]})
