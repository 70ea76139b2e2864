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
import re

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import (
    NotFoundError, PortaPlusError, Route, ValidationError)
from ansible_collections.portaplus.softswitch.plugins.module_utils.customer import read_customer_accounts
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.checks import ACCOUNT_ID_MAX_LENGTH
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import (
    EXTENSION_NUMBER_MAX_LENGTH, FORMAT_SUFFIXES_DOC, MASK, MASK_CHANGED, MASKS, Doc, Field, InputError, check_bool,
    check_extension_number, check_number, check_path_segment, check_text, item_options, text_check)
from ansible_collections.portaplus.softswitch.plugins.module_utils.product import ADDON, MAIN, Catalogue
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import (
    Engine, IncompleteChangeError, ResourceSpec)

CREATE_ACCOUNTS = Route("POST", "/CreateAccounts", "CreateAccount")
UPDATE_ACCOUNTS = Route("POST", "/UpdateAccount", "UpdateAccount")
UPDATE_ADDONS = Route("POST", "/UpdateAccountByProductAddons/{License}", "UpdateAccount")
GET_ACCOUNT_BY_ID = Route("GET", "/GetAccountInfoByAccountId/{License}/{AccountID}", "Product")
# A read although it is a POST (the IDs travel in the body): safe to retry.
GET_ACCOUNTS_BY_IDS = Route("POST", "/GetAccountsByAccountIDs", "GetAccount", write=False)

#: PortaBilling's bill status of a closed (terminated) account (A6).
CLOSED = "C"
#: Billing model of the accounts the collection creates; stated, not left to a server default (A20).
CREATED_BILLING_MODEL = "CreditAccount"

# Limits on user input (recorded in docs/api-assumptions.md); checked before any request writes.
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
PASSWORD_MAX_LENGTH = 64
CREDIT_LIMIT_MAX = 1e9

_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9._@+-]+$")
# Any characters but blanks and separators around one '@', a dot in the domain; letters of any
# script are fine (internationalised addresses).
_EMAIL = re.compile(u"^[^@\\s,;:<>()\\[\\]\"\\\\]+@[^@\\s,;:<>()\\[\\]\"\\\\.]+(\\.[^@\\s,;:<>()\\[\\]\"\\\\.]+)+$")


# -- checking user input ----------------------------------------------------------------

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
    text = check_path_segment(option, check_account_id(option, value))
    if not _ACCOUNT_ID.match(text):
        raise InputError(option, "may contain only the ASCII letters A-Z and a-z, the digits 0-9 and . _ @ + -", text)
    return text


def check_email(option, value):
    text = check_text(option, value, EMAIL_MAX_LENGTH)
    if text and not _EMAIL.match(text):
        raise InputError(option, "is not a valid e-mail address (expected name@domain.example, or \"\" for none)", text)
    return text


def check_extension(option, value):
    return check_extension_number(option, value, allow_empty=True)


def check_credit_limit(option, value):
    return check_number(option, value, 0, CREDIT_LIMIT_MAX)


#: THE account field table: every managed field, declared once (H1). The modules' options, the API
#: mapping of reads, creates and updates, the comparison, the diff, ``gathered`` and every doc that
#: names a field (tools/generate_docs.py) all come from it.
#: ``product`` and ``addons`` are resolved through the catalogue; add-ons travel by their own route (A10).
ACCOUNT_KEY_OPTION = dict(type="str")
ACCOUNT_KEY_DOC = Doc(
    "The account ID, for example a phone number (V(441632960001)) or a SIP user name. It identifies the account.",
    'Quote it in YAML (C("441632960001")) so it is read as text.',
    "A new account ID may contain only the ASCII letters, the digits and C(.), C(_), C(@), C(+), C(-), must not end in "
    "%s, and may be at most %d characters long." % (FORMAT_SUFFIXES_DOC, ACCOUNT_ID_MAX_LENGTH),
    listed=["An account ID listed twice fails the task."],
    result="The account ID.", sample="441632960001")
_RESETS_TO_EMPTY = "O(state=replaced) and O(state=overridden) set an omitted %s to V(\"\")."
_NAME_RULE = "Letters of any script; at most %d characters, no control characters." % NAME_MAX_LENGTH
ACCOUNT_FIELDS = {
    "product": Field(
        "str", option=dict(type="raw"), read=("ProductName", "MainProductName"),
        doc=Doc("The main product of the account, by name (V(Hosted PBX Seat)) or by id (V(2)).",
                "A name is matched exactly first, then ignoring case. An unknown name fails the task and lists close "
                "matches; naming an add-on here fails too.",
                "Required to create an account. Changing it moves an existing account to another main product.",
                listed=["Accounts are created with one request per distinct product."],
                result="Name of the account's main product.", sample="Hosted PBX Seat")),
    "first_name": Field(
        "str", reset="", read="FirstName", write="FirstName", create="FirstName", check=text_check(NAME_MAX_LENGTH),
        doc=Doc("First name of the account holder.", _NAME_RULE, listed=[_RESETS_TO_EMPTY % "first name"],
                sample="Alice")),
    "last_name": Field(
        "str", reset="", read="LastName", write="LastName", create="LastName", check=text_check(NAME_MAX_LENGTH),
        doc=Doc("Last name of the account holder.", _NAME_RULE, listed=[_RESETS_TO_EMPTY % "last name"],
                sample="Archer")),
    "email": Field(
        "str", reset="", read="Email", write="Email", create="Email", check=check_email,
        doc=Doc("E-mail address of the account holder, in the form C(name@domain.example); at most %d characters. "
                "Internationalised addresses are fine." % EMAIL_MAX_LENGTH,
                'V("") means no address.', listed=[_RESETS_TO_EMPTY % "address"],
                result='E-mail address; V("") when there is none.', sample="alice@acme.example")),
    "extension": Field(
        "str", read="ExtensionNumber", create="Extension", check=check_extension, updatable=False,
        doc=Doc("The extension number (digits C(0-9), at most %d) the account gets when it is created."
                % EXTENSION_NUMBER_MAX_LENGTH,
                "It must not be the extension of another account of the customer.",
                "The API sets it only on creation. For an existing account it must match the current extension, or "
                "the task fails; change extensions with M(portaplus.softswitch.extensions).",
                result='The extension number bound to the account; V("") when there is none.', sample="201")),
    "password": Field(
        "str", secret=True, read=("VoipPassword", "SIPPassword"), write="Password", create="Password",
        check=text_check(PASSWORD_MAX_LENGTH, secret=True, required=True),
        doc=Doc("The SIP (VoIP) password of the account; at most %d characters, no control characters."
                % PASSWORD_MAX_LENGTH,
                "Never returned by a read, so results never carry it; diffs show C(%s) and, when it changes, C(%s)."
                % (MASK, MASK_CHANGED),
                "A mask copied from output (%s) is refused before any change."
                % ", ".join("C(%s)" % mask for mask in MASKS if mask != MASK_CHANGED),
                "See O(update_password) for when it is set.")),
    "credit_limit": Field(
        "float", option=dict(type="raw"), read="CreditLimit", write="CreditLimit", check=check_credit_limit,
        doc=Doc("The credit limit of the account, a number from V(0) to V(%d) in the customer's currency."
                % CREDIT_LIMIT_MAX,
                'A boolean (V(true)) is refused, not read as V(1); a number in quotes (V("50")) is fine.',
                listed=["When omitted, an existing account keeps its credit limit whatever O(state); a new one gets "
                        "the API's default (V(0) in the sandbox)."],
                result="The credit limit.", sample=50.0)),
    "blocked": Field(
        "bool", reset=False, read=("Blocked", "Blockedfield"), write="Blocked", check=check_bool,  # A7
        doc=Doc("V(true) blocks the account (no calls), V(false) unblocks it.",
                listed=["O(state=replaced) and O(state=overridden) unblock an account whose O(config[].blocked) is "
                        "omitted."],
                result="Whether the account is blocked.", sample=False)),
    "unified_messaging": Field(
        "bool", read="UMEnabled", write="UMEnabled", check=check_bool,
        doc=Doc("V(true) turns on the account's unified messaging service (voicemail box, C(UMEnabled) in the API), "
                "V(false) turns it off.",
                listed=["When omitted, an existing account keeps its setting whatever O(state); a new one gets it off."],
                result="Whether the account's unified messaging service (voicemail box) is on.", sample=False)),
    "addons": Field(
        "set", option=dict(type="list", elements="raw"), reset=[],
        doc=Doc("Product add-ons of the account, each by name (V(Call Recording)) or id (V(11)).",
                "Names are matched like O(config[].product).",
                "See O(purge_addons) for whether add-ons that are not listed are removed. To add or remove one add-on "
                "without naming the others, M(portaplus.softswitch.account_addon) is simpler.",
                "An add-on already assigned keeps its effective date; dates are reported in C(addon_details) "
                "and cannot be set.",
                result="Names of the add-ons assigned to the account, sorted.", sample=["Call Recording"])),
}
#: The read-only facts ``account_from_api`` adds to the fields (results, ``facts``, inventory host variables).
ACCOUNT_FACTS = {
    "i_account": Doc("The API's id of the account (C(i_account)).", type="int", sample=5001),
    "customer": Doc("The customer's id.", type="int", sample=1001),
    "product_id": Doc("Id of the account's main product.", type="int", sample=2),
    "addon_details": Doc("The assigned add-ons with their ids and effective dates (ISO 8601, UTC).",
                         type="list", elements="dict",
                         sample=[{"name": "Call Recording", "id": 11, "effective_from": "2024-01-01T00:00:00Z",
                                  "effective_to": None}]),
    "balance": Doc("The account's balance.", type="float", sample=0.0),
    "currency": Doc("The account's currency (ISO 4217).", type="str", sample="GBP"),
    "billing_model": Doc("The account's billing model.", type="str", sample=CREATED_BILLING_MODEL),
    "activation_date": Doc("When the account was activated (ISO 8601, UTC).", type="str",
                           sample="2024-01-01T00:00:00Z"),
}
#: Options of the account and accounts modules (their docs are checked against it by a unit test).
ACCOUNT_OPTIONS = item_options("account_id", ACCOUNT_KEY_OPTION, ACCOUNT_FIELDS)
ACCOUNT_SCOPE_OPTIONS = dict(
    customer=dict(type="int", required=True),
    update_password=dict(type="str", default="always", choices=["always", "on_create"], no_log=False),
    purge_addons=dict(type="bool", default=False),
)
# Fields UpdateAccount carries: every one with an update member, and the product (as IProduct).
_UPDATE_ACCOUNT_FIELDS = frozenset(["product"] + [name for name, field in ACCOUNT_FIELDS.items() if field.write])


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


def account_from_api(record):
    """One account record (``ProductAccount``) as a module item: the managed fields from the table
    (``password`` the clear value, for comparing only: output never carries it), then the read-only facts."""
    now = _now_iso()
    # ActiveAddons holds assigned add-ons only (A10); an end date in the past is skipped anyway.
    addons = [addon_from_api(info) for info in record.get("ActiveAddons") or []]
    addons = [addon for addon in addons if not addon["effective_to"] or addon["effective_to"] > now]
    addons.sort(key=lambda addon: addon["name"])
    item = {"account_id": u"%s" % (record.get("AccountId") or record.get("Id") or "")}
    for name, field in ACCOUNT_FIELDS.items():
        if field.read:
            item[name] = field.from_record(record)
    item["addons"] = [addon["name"] for addon in addons]
    item.update({
        "i_account": int(record.get("IAccount") or 0),
        "customer": record.get("ICustomer"),
        "product_id": int(record.get("IProduct") or 0),
        "addon_details": addons,
        "balance": record.get("Balance"),
        "currency": record.get("ISO4217"),
        "billing_model": record.get("BillingModel"),
        "activation_date": record.get("activation_date"),
    })
    return item


def without_secrets(item):
    """An account item for output: secrets are never returned, not even masked (H3)."""
    return dict((name, value) for name, value in item.items()
                if not (name in ACCOUNT_FIELDS and ACCOUNT_FIELDS[name].secret))


def read_accounts(client, customer):
    """Every open account of ``customer`` as items sorted by account ID (one request)."""
    items = [account_from_api(record) for record in read_customer_accounts(client, customer)]
    return sorted(items, key=lambda item: item["account_id"])


def account_record_by_id(client, account_id, action=None):
    """The API's record of the account with this account ID in any customer of the License, open or
    closed, or ``{}`` when there is none (one request). Every lookup of an account by its ID goes here."""
    try:
        response = client.call(GET_ACCOUNT_BY_ID, path={"AccountID": account_id}, action=action)
    except NotFoundError:
        return {}
    return response.get("AccountInfo") or {}


def read_account_by_id(client, account_id):
    """The open account with this account ID in any customer of the License, or None (one request)."""
    record = account_record_by_id(client, account_id, action="looking up account %s" % account_id)
    if not record.get("IAccount") or (record.get("BillStatus") or "").upper() == CLOSED:
        return None
    return account_from_api(record)


# -- the resources ------------------------------------------------------------------------

class _CustomerScoped(ResourceSpec):
    """Shared by the account resources: the customer, the catalogue, where account IDs live, writes."""

    def __init__(self, client, customer, single=False):
        self.client = client
        self.customer = customer
        self.single = single
        self._catalogue = None
        self._addon_ids = {}     # add-on name -> IProduct, from reads and the catalogue
        self._elsewhere = None   # account ID -> ICustomer, every open account of the License

    @property
    def catalogue(self):
        if self._catalogue is None:
            self._catalogue = Catalogue.read(self.client)
            for product in self._catalogue.addons:
                self._addon_ids.setdefault(product["name"], product["id"])
        return self._catalogue

    def customer_of(self, account_id):
        """The customer holding this open account ID anywhere in the License, or None.

        Read once, with one request naming every account ID the run may have to create, only when an
        account is to be created or cannot be found: an account ID is unique across the License (H5).
        """
        if self._elsewhere is None:
            self._elsewhere = {}
            wanted = sorted(set(self.ids_to_locate()) | set([account_id]))
            response = self.client.call(GET_ACCOUNTS_BY_IDS, body={"accounts": [{"AccountID": i} for i in wanted]},
                                        action="looking for account IDs in use across the License")
            for record in response.get("Accounts") or []:
                ident = u"%s" % (record.get("AccountId") or record.get("Id") or "")
                self._elsewhere.setdefault(ident, record.get("ICustomer"))
        return self._elsewhere.get(account_id)

    def ids_to_locate(self):
        """Account IDs of this run that the customer does not hold (looked up in one request)."""
        return ()

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

    def read_customer(self):
        return read_accounts(self.client, self.customer)


class AccountSpec(_CustomerScoped):
    """The open accounts of one customer, keyed by account ID."""

    noun = "account"
    plural = "accounts"
    key = "account_id"
    fields = ACCOUNT_FIELDS

    def __init__(self, client, customer, update_password="always", purge_addons=False, single=False,
                 locate_on_refusal=False):
        super(AccountSpec, self).__init__(client, customer, single=single)
        self.update_password = update_password
        self.purge_addons = purge_addons
        # True: new account IDs are looked up across the License only when CreateAccounts refuses them (one
        # request saved). Safe only for a single CreateAccounts, which the API refuses whole (A8, A35).
        self.locate_on_refusal = locate_on_refusal
        self._product_ids = {}   # main product name -> IProduct
        self._held = set()       # account IDs the customer holds, from the last read
        self._index = {}         # account_id -> position in config, for messages
        self._extensions = {}    # extension number -> account ID holding it (read, or claimed by a create)

    def describe_delete(self):
        return "irreversibly terminate"

    # -- reading --------------------------------------------------------------------------

    def read_all(self):
        accounts = self.read_customer()
        self.remember_addons(accounts)
        self._extensions = {}
        self._held = set(account["account_id"] for account in accounts)
        for account in accounts:
            self._product_ids.setdefault(account["product"], account["product_id"])
            if account["extension"]:
                self._extensions[account["extension"]] = account["account_id"]
        return accounts

    # -- checking -------------------------------------------------------------------------

    def ids_to_locate(self):
        return set(self._index) - self._held

    def prepare(self, items, state):
        for index, item in enumerate(items):
            item["account_id"] = check_account_id(self.option(index, "account_id"), item["account_id"])
            self._index[item["account_id"]] = index
        prepared = super(AccountSpec, self).prepare(items, state)
        if state != "deleted":
            for index, item in enumerate(prepared):
                self._resolve_products(item, index)
        return prepared

    def _resolve_products(self, item, index):
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
        account_id = item["account_id"]
        check_new_account_id(self.option(index, "account_id"), account_id)
        if not self.locate_on_refusal or self._elsewhere is not None:
            self.check_not_held_elsewhere(account_id, index)
        if not item.get("product"):
            raise InputError(self.option(index, "product"),
                             "is required to create account %s (it does not exist in customer %s)"
                             % (account_id, self.customer), show_value=False)
        # The API would refuse the whole create request (A8); say which account it is about instead.
        extension = item.get("extension")
        if extension:
            holder = self._extensions.setdefault(extension, account_id)
            if holder != account_id:
                raise InputError(self.option(index, "extension"), "is already the extension of account %s" % holder, extension)

    def check_not_held_elsewhere(self, account_id, index):
        holder = self.customer_of(account_id)
        if holder is not None and holder != self.customer:
            raise InputError(self.option(index, "account_id"),
                             "account %s exists in customer %s, not in customer %s; an account ID is unique across "
                             "the License, so it can neither be created here nor managed from customer %s"
                             % (account_id, holder, self.customer, self.customer), show_value=False)

    def check_new_ids_elsewhere(self, items):
        """The License-wide check ``check_create`` left out (``locate_on_refusal``): one request, before a write."""
        for item in items:
            self.check_not_held_elsewhere(item["account_id"], self._index.get(item["account_id"]))

    def desired(self, want, have, state):
        result = super(AccountSpec, self).desired(want, have, state)
        exists = "i_account" in have
        if exists and self.update_password == "on_create":
            result["password"] = have.get("password")
        for name, field in self.fields.items():
            if exists and not field.updatable and want.get(name) is not None \
                    and field.normalise(want[name]) != field.normalise(have.get(name)):
                raise InputError(
                    self.option(self._index.get(want["account_id"]), name),
                    "can only be set when an account is created; account %s has %s %r. "
                    "Change extensions with portaplus.softswitch.extensions" % (have["account_id"], name, have.get(name)),
                    want[name])
        if want.get("addons") is not None and state == "merged" and not self.purge_addons:
            result["addons"] = sorted(set(have.get("addons") or []) | set(want["addons"]))
        return result

    # -- writing --------------------------------------------------------------------------

    def create(self, items):
        """One CreateAccounts per product, one read-back, then the follow-up updates.

        A create whose outcome is unknown (timeout, reset) is never re-sent here: the read-back tells
        what exists, and the engine plans again from it. The other products' requests are sent after
        one fails; follow-ups are applied to every account that does exist, so a partial batch leaves
        nothing half-configured.
        """
        failure = None
        groups = self.group_by_product(items)
        if self.locate_on_refusal and self._elsewhere is None and len(groups) > 1:
            self.check_new_ids_elsewhere(items)  # several requests are not refused as one: check first
        for product_id, group in groups:
            try:
                self.client.call(CREATE_ACCOUNTS, body=self.create_body(product_id, group),
                                 action="creating %d account(s) in customer %s" % (len(group), self.customer))
            except ValidationError as exc:
                if self.locate_on_refusal and self._elsewhere is None:
                    self.check_new_ids_elsewhere(group)  # an ID of another customer: say which, and whose
                failure = failure or exc
            except PortaPlusError as exc:
                failure = failure or exc
        existing = dict((account["account_id"], account) for account in self.read_all())
        try:
            self.write_updates([(item, existing[item["account_id"]]) for item in items if item["account_id"] in existing])
        except PortaPlusError as exc:
            failure = failure or exc
        missing = [item["account_id"] for item in items if item["account_id"] not in existing]
        if missing and failure is None:
            failure = IncompleteChangeError("CreateAccounts answered success, but %d account(s) are missing on reading back: %s"
                                            % (len(missing), ", ".join(missing[:10])))
        if failure is not None:
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
            for name, field in self.fields.items():
                if field.create and item.get(name) not in (None, ""):
                    entry[field.create] = item[name]
            entries.append(entry)
        return {"AccountRequest": {"ICustomer": self.customer, "AccountsToCreate": entries, "DefaultValues": defaults}}

    def update(self, pairs):
        self.write_updates(pairs)

    def write_updates(self, pairs):
        """At most one UpdateAccount and one add-on request for every (desired, have) that differs.

        The two are independent: the add-on request is sent even when UpdateAccount failed.
        """
        engine = Engine(self)
        account_entries, addon_entries = [], []
        for desired, have in pairs:
            changed = set(engine.changed_fields(desired, have))
            if changed & _UPDATE_ACCOUNT_FIELDS:
                account_entries.append(self.update_entry(desired, have))
            if "addons" in changed:
                addon_entries.append(self.addon_entry(have, desired.get("addons") or []))
        failure = None
        for route, entries, action in ((UPDATE_ACCOUNTS, account_entries, "updating %d account(s) of customer %s"),
                                       (UPDATE_ADDONS, addon_entries, "changing the add-ons of %d account(s) of customer %s")):
            if not entries:
                continue
            try:
                self.client.call(route, body={"Accounts": entries}, action=action % (len(entries), self.customer))
            except PortaPlusError as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def update_entry(self, desired, have):
        """The complete managed field set of one account, current values merged with desired ones (A5)."""
        merged = dict(have)
        merged.update((name, value) for name, value in desired.items() if value is not None)
        entry = {
            "IAccount": have["i_account"],
            "Id": have["account_id"],
            "ICustomer": self.customer,
            "IProduct": self._product_ids.get(merged["product"], have.get("product_id")),
        }
        for name, field in self.fields.items():
            if not field.write:
                continue
            value = merged.get(name)
            if field.secret:
                if value:
                    entry[field.write] = value
                continue
            entry[field.write] = field.empty() if value is None else field.normalise(value)
        return entry

    def delete(self, items):
        entries = [{"IAccount": item["i_account"], "Id": item["account_id"], "ICustomer": self.customer,
                    "BillStatus": CLOSED} for item in items]
        self.client.call(UPDATE_ACCOUNTS, body={"Accounts": entries},
                         action="terminating %d account(s) of customer %s" % (len(entries), self.customer))


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

    def describe(self, ident):
        return u"add-on %s of account %s" % (ident, self.account_id)

    def diff_context(self):
        return {"account_id": self.account_id, "customer": self.customer}

    def resolve(self, value):
        """The add-on's catalogue name (the key items are compared by)."""
        return self.catalogue.resolve(value, "addon", ADDON)["name"]

    def prepare(self, items, state):
        """Each item in the shape read_all() gives, so a check-mode prediction has every returned key:
        a new add-on's dates are unknown until the server assigns it (A10), so they are None."""
        prepared = []
        for item in items:
            addon = self.catalogue.resolve(item["addon"], "addon", ADDON)
            prepared.append(dict(item, addon=addon["name"], addon_id=addon["id"], account_id=self.account_id,
                                 effective_from=None, effective_to=None))
        return prepared

    def desired(self, want, have, state):
        # A new add-on keeps prepare()'s keys (the engine starts a create from the key alone).
        return dict(want, **super(AccountAddonSpec, self).desired(want, have, state))

    def describe_delete(self):
        return "remove"

    def read_all(self):
        accounts = self.read_customer()
        self.remember_addons(accounts)
        found = [account for account in accounts if account["account_id"] == self.account_id]
        if not found:
            holder = self.customer_of(self.account_id)
            if holder is not None:
                raise InputError("account_id", "account %s belongs to customer %s, not to customer %s"
                                 % (self.account_id, holder, self.customer), show_value=False)
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
        self.client.call(UPDATE_ADDONS, body={"Accounts": [self.addon_entry(self._account, names)]},
                         action="changing the add-ons of account %s" % self.account_id)


# -- the info module's selection (H10) -------------------------------------------------------

_SEARCHED = ("account_id", "first_name", "last_name", "email", "extension")


def find_accounts(client, customer=None, account_id=None, product=None, blocked=None, search=None):
    """What ``account_info`` returns: one read of the customer, or one lookup by ID, then the filters."""
    if account_id is not None:
        account_id = check_account_id("account_id", account_id)
    product_id = None
    if product is not None:
        product_id = Catalogue.read(client).resolve(product, "product", MAIN)["id"]
    if customer is not None:
        accounts = read_accounts(client, customer)
        if account_id is not None:
            accounts = [account for account in accounts if account["account_id"] == account_id]
    else:
        check_path_segment("account_id", account_id, ": it is looked up as one URL path segment; give customer too")
        account = read_account_by_id(client, account_id)
        accounts = [account] if account else []
    folded = (search or "").casefold()
    selected = []
    for account in accounts:
        if product_id is not None and account["product_id"] != product_id:
            continue
        if blocked is not None and account["blocked"] != blocked:
            continue
        if folded and not any(folded in (u"%s" % (account[name] or "")).casefold() for name in _SEARCHED):
            continue
        selected.append(without_secrets(account))
    return selected
