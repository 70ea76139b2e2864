# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One customer file, planned and applied as a whole: its accounts and its extensions together.

The planner reads the customer's accounts and extensions once (and the product catalogue when the
file names products), plans both resources through their specs and the engine, checks the
references between them (an extension bound to an account the plan terminates, or to one that
neither the file nor the customer has, is refused before any write), guards removals with the
file's ``max_deletions``, and returns the plan as a versioned document (``format_version``) with a
digest of the live state it was computed from. Applying follows the safe order: accounts are created
and changed first, carrying the new extensions of new accounts in the same CreateAccounts request
(A29); then extensions are created, changed and removed; accounts are terminated last.

Every message about the file names the file and the path inside it (``customers/acme.yml:
extensions[5].account_id: ...``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

from ansible_collections.portaplus.softswitch.plugins.module_utils.account import ACCOUNT_OPTIONS, AccountSpec, check_account_id
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import MASK, InputError
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import client_from_module
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import Engine, Plan
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import failures_reported
from ansible_collections.portaplus.softswitch.plugins.module_utils.extension import (
    EXTENSION_OPTIONS, NO_ACCOUNT, ExtensionSpec, check_number)

FORMAT_VERSION = "1.0"
POLICY_STATES = ("merged", "replaced", "overridden")
RESOURCES = ("accounts", "extensions")

# -- the options of a customer file (the module's argument spec and the file check share them) ----------

#: The accounts of a file take the account fields of the table, without ``extension``: extensions are
#: declared once, under ``extensions``.
FILE_ACCOUNT_OPTIONS = dict((name, option) for name, option in ACCOUNT_OPTIONS.items() if name != "extension")
FILE_EXTENSION_OPTIONS = EXTENSION_OPTIONS


def _policy_options(extra=None):
    options = dict(
        state=dict(type="str", choices=list(POLICY_STATES), default="merged"),
        max_deletions=dict(type="int", default=0),
    )
    options.update(extra or {})
    return dict(type="dict", options=options)


POLICY_OPTIONS = dict(
    accounts=_policy_options(dict(
        update_password=dict(type="str", choices=["always", "on_create"], default="always", no_log=False))),
    extensions=_policy_options(),
)
#: The content of a customer file, in argument-spec shape.
CUSTOMER_FILE_OPTIONS = dict(
    customer=dict(type="int", required=True),
    name=dict(type="str"),
    policy=dict(type="dict", options=POLICY_OPTIONS),
    accounts=dict(type="list", elements="dict", options=FILE_ACCOUNT_OPTIONS),
    extensions=dict(type="list", elements="dict", options=FILE_EXTENSION_OPTIONS),
)

#: The module's own options besides the connection: the file's content, and how it came.
CUSTOMER_MODULE_OPTIONS = dict(
    CUSTOMER_FILE_OPTIONS,
    source=dict(type="str"),
    saved_plan=dict(type="dict"),
    src=dict(type="path"),          # read by the action plugin, which passes the file's content instead
    templating=dict(type="bool", default=False),
)
#: What ``src`` fills in: given with ``src``, they would contradict the file.
FILE_KEYS = ("customer", "name", "policy", "accounts", "extensions")


def complete_policy(policy):
    """The file's policy with every default filled in (the defaults never remove anything)."""
    result = {}
    for resource, section in POLICY_OPTIONS.items():
        given = (policy or {}).get(resource) or {}
        result[resource] = dict((name, given.get(name) if given.get(name) is not None else option.get("default"))
                                for name, option in section["options"].items())
    return result


# -- the plan document ---------------------------------------------------------------------------

def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def state_digest(accounts, extensions, products):
    """``sha256:<hex>`` of the live state a plan was made from: managed fields and identities, no secrets,
    nothing that moves by itself (balances, dates), so it changes only when someone changed the customer."""
    state = {
        "accounts": [dict(_managed(item, FILE_ACCOUNT_OPTIONS, "account_id"), i_account=item.get("i_account"))
                     for item in sorted(accounts, key=lambda item: item["account_id"])],
        "extensions": [dict(_managed(item, FILE_EXTENSION_OPTIONS, "number"), record_id=item.get("record_id"))
                       for item in sorted(extensions, key=lambda item: item["number"])],
        "products": sorted([product["id"], product["name"], product["kind"]] for product in products or []),
    }
    return "sha256:" + hashlib.sha256(canonical_json(state).encode("utf-8")).hexdigest()


def _managed(item, options, key):
    return dict((name, item.get(name)) for name in [key] + sorted(options)
                if name in item and not options.get(name, {}).get("no_log"))


def _shown_value(field, value):
    return MASK if field.secret else value


def resource_changes(spec, plan):
    """One resource's part of the plan document: keys and field-level before/after, secrets masked."""
    key = spec.key

    def view(item):
        return dict((name, _shown_value(field, item[name])) for name, field in spec.fields.items()
                    if item.get(name) is not None and not (field.secret and item[name] == ""))

    def before(item):
        return dict((name, item[name]) for name, field in spec.fields.items()
                    if name in item and not field.secret and name != key)

    return {
        "create": sorted(({"key": u"%s" % item[key], "after": view(item)} for item in plan.creates),
                         key=lambda entry: entry["key"]),
        "update": sorted(({"key": u"%s" % have[key],
                           "fields": dict((name, {"before": _shown_value(spec.fields[name], have.get(name)),
                                                  "after": _shown_value(spec.fields[name], desired.get(name))})
                                          for name in changed)}
                          for desired, have, changed in plan.updates), key=lambda entry: entry["key"]),
        "delete": sorted(({"key": u"%s" % item[key], "before": before(item)} for item in plan.deletes),
                         key=lambda entry: entry["key"]),
    }


def count_changes(changes):
    return dict((verb, sum(len(changes[resource][verb]) for resource in RESOURCES))
                for verb in ("create", "update", "delete"))


def summary(document):
    """One line for people: "Acme Ltd (1001) from customers/acme.yml: 2 to create, 1 to change, 0 to remove"."""
    counts = document["counts"]
    where = " from %s" % document["source"] if document.get("source") else ""
    if not any(counts.values()):
        return "%s%s: in sync, nothing to change" % (label(document), where)
    parts = []
    for resource in RESOURCES:
        changes = document["changes"][resource]
        words = []
        for verb in ("create", "update", "delete"):
            keys = [entry["key"] for entry in changes[verb]]
            if keys:
                words.append("%s %s%s" % (verb, ", ".join(keys[:10]), ", ..." if len(keys) > 10 else ""))
        if words:
            parts.append("%s: %s" % (resource, "; ".join(words)))
    return "%s%s: %s" % (label(document), where, " | ".join(parts))


def label(document):
    return "%s (%s)" % (document.get("name") or "customer", document["customer"])


# -- reading once --------------------------------------------------------------------------------

class _FileAccounts(AccountSpec):
    """The account spec, remembering its last read (the extensions resolve account IDs from it)."""

    last_read = ()

    def read_customer(self):
        self.last_read = super(_FileAccounts, self).read_customer()
        return self.last_read

    def _resolve_products(self, item, index):
        # Names the customer's accounts already carry resolve without the catalogue: a re-run of a file
        # costs two reads, not three. Anything else (an id, another case, a new name) asks the catalogue.
        known_product = item.get("product") is None or (
            isinstance(item["product"], str) and item["product"] in self._product_ids)
        known_addons = all(isinstance(name, str) and name in self._addon_ids for name in item.get("addons") or [])
        if known_product and known_addons:
            if item.get("addons") is not None:
                item["addons"] = sorted(set(item["addons"]))
            return
        super(_FileAccounts, self)._resolve_products(item, index)


def account_records(accounts):
    """Accounts in the shape the extension spec resolves ``account_id`` with (ID, IAccount, holder)."""
    return dict((item["account_id"], {"AccountId": item["account_id"], "IAccount": item.get("i_account") or 0,
                                      "FirstName": item.get("first_name") or "", "LastName": item.get("last_name") or ""})
                for item in accounts)


def holder_name(account):
    """The name CreateAccounts gives the extension of a new account (A29): its holder, or its ID."""
    return (u"%s %s" % (account.get("first_name") or "", account.get("last_name") or "")).strip() or account["account_id"]


class CustomerPlanner:
    """Plan (``plan()``) and apply (``apply()``) one customer file; ``content`` is the file's data."""

    def __init__(self, client, content, source=None, check_mode=False):
        self.client = client
        self.source = source
        self.customer = content["customer"]
        self.name = content.get("name")
        self.policy = complete_policy(content.get("policy"))
        self.given = dict((resource, content.get(resource)) for resource in RESOURCES)
        # A plan to review (check mode) looks new account IDs up across the License; a run that applies leaves it
        # to CreateAccounts, which refuses an ID in use before writing anything (A35), and then names its holder.
        self.accounts = _FileAccounts(client, self.customer, update_password=self.policy["accounts"]["update_password"],
                                      locate_on_refusal=not check_mode)
        self.accounts.config_name = self.where("accounts")
        self.extensions = ExtensionSpec(client, self.customer)
        self.extensions.config_name = self.where("extensions")
        self.engines = {"accounts": Engine(self.accounts), "extensions": Engine(self.extensions)}
        self.plans = {}
        self.want = {"accounts": [], "extensions": []}
        self.bundled = {}     # extension number -> the new account whose CreateAccounts creates it (A29)
        self.document = None

    def where(self, path):
        """``customers/acme.yml: accounts`` - a path inside the file, as every message names it."""
        return "%s: %s" % (self.source, path) if self.source else path

    def named(self, exc):
        """An input error of the specs (``customer: ...``) named after the file, if it is not already."""
        text = str(exc)
        if self.source and not text.startswith(self.source + ": "):
            return InputError(self.source, text, show_value=False)
        return exc

    def state(self, resource):
        return self.policy[resource]["state"]

    # -- planning --------------------------------------------------------------------------

    def plan(self):
        """Read the live state once and return the plan document; InputError (named) before any write."""
        try:
            return self._plan()
        except InputError as exc:
            raise self.named(exc) from None

    def check_values(self):
        """The rules on the file's values that need no request, checked before anything is read."""
        for resource in RESOURCES:
            limit = self.policy[resource]["max_deletions"]
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise InputError(self.where("policy.%s.max_deletions" % resource),
                                 "must be a whole number, 0 or more", limit)
        for resource, check_key in (("accounts", check_account_id), ("extensions", check_number)):
            engine = self.engines[resource]
            spec = engine.spec
            given = self.given[resource]
            if given is None:
                continue
            if self.state(resource) == "overridden" and not given:
                raise InputError(self.where(resource), "is an empty list with policy.%s.state overridden, which would "
                                 "remove every one of the customer's %s; list the ones to keep, or leave %s out of the "
                                 "file to leave them alone" % (resource, resource, resource))
            engine.check_config(given, self.state(resource))
            for index, item in enumerate(given):
                check_key(spec.option(index, spec.key), item[spec.key])
                for name, field in spec.fields.items():
                    if item.get(name) is not None and field.check is not None:
                        field.check(spec.option(index, name), item[name])

    def _plan(self):
        self.check_values()
        have_accounts = self.accounts.read_all()
        have_extensions = self.extensions.read_all()
        guards = []

        account_plan = self.plan_resource("accounts", have_accounts, guards)
        new_accounts = dict((item["account_id"], item) for item in account_plan.creates)
        terminated = set(item["account_id"] for item in account_plan.deletes)
        kept = [item for item in have_accounts if item["account_id"] not in terminated]
        self.check_references(have_extensions, kept, new_accounts, terminated)

        # the extensions resolve account IDs among the accounts the plan keeps or creates, read once above
        self.extensions._accounts = account_records(kept + list(new_accounts.values()))  # pylint: disable=protected-access
        extension_plan = self.plan_resource("extensions", have_extensions, guards)
        self.bundle(extension_plan, new_accounts)

        changes = dict((resource, resource_changes(self.engines[resource].spec, self.plans[resource]))
                       for resource in RESOURCES)
        catalogue = self.accounts._catalogue  # pylint: disable=protected-access
        self.document = {
            "format_version": FORMAT_VERSION,
            "customer": self.customer,
            "name": self.name,
            "source": self.source,
            "digest": state_digest(have_accounts, have_extensions, catalogue.products if catalogue else None),
            "changes": changes,
            "counts": count_changes(changes),
            "guards": guards,
            "blocked": bool(guards),
        }
        return self.document

    def plan_resource(self, resource, have, guards):
        """The engine's plan for one resource of the file (nothing when the file leaves it out)."""
        engine, state, given = self.engines[resource], self.state(resource), self.given[resource]
        plan = Plan()
        if given is None:
            plan.unchanged = list(have)
        else:
            items, _delete_all = engine.check_config(given, state)
            want = self.want[resource] = engine.spec.prepare(items, state)
            plan = engine.plan(want, have, state)
            try:
                engine.guard_deletions(plan, state, self.policy[resource]["max_deletions"])
            except InputError as exc:
                guards.append({"resource": resource, "message": "%s.%s" % (self.where("policy." + resource), exc)})
            engine.spec.check_plan(plan)
        self.plans[resource] = plan
        return plan

    def check_references(self, have_extensions, kept, new_accounts, terminated):
        """Refuse an extension that would ring an account the plan terminates or that nobody has."""
        known = set(item["account_id"] for item in kept) | set(new_accounts)
        current_of = dict((have["number"], have) for have in have_extensions)
        listed = set()
        state = self.state("extensions")
        for index, item in enumerate(self.given["extensions"] or []):
            number = u"%s" % item.get("number")
            listed.add(number)
            account_id = item.get("account_id")
            current = current_of.get(number)
            if account_id is None and state == "merged" and current is not None:
                if current["account_id"] in terminated:
                    raise InputError(self.where("extensions[%d]" % index),
                                     "extension %s is bound to account %s, which this plan terminates (%s); set its "
                                     "account_id to another account, or to \"\" for none"
                                     % (number, current["account_id"], self.why_terminated()), show_value=False)
                continue
            if account_id in (None, NO_ACCOUNT):
                continue
            option = self.where("extensions[%d].account_id" % index)
            account_id = u"%s" % account_id
            if account_id in terminated:
                raise InputError(option, "account %s is terminated by this plan (%s); bind the extension to an account "
                                 "the file keeps, or to \"\" for none" % (account_id, self.why_terminated()),
                                 show_value=False)
            if account_id not in known:
                raise InputError(option, "account %s is neither in accounts of this file nor an account of customer %s"
                                 % (account_id, self.customer), show_value=False)
        if state == "overridden" and self.given["extensions"] is not None:
            return  # the extensions the file does not list are removed before any account is terminated
        for have in have_extensions:
            if have["number"] not in listed and have["account_id"] in terminated:
                raise InputError(self.where("accounts"), "terminating account %s would leave extension %s bound to it: "
                                 "extension %s is not in extensions, and %s keeps it; list it with another account_id "
                                 "(or \"\"), or keep the account"
                                 % (have["account_id"], have["number"], have["number"],
                                    "policy.extensions.state %s" % state if self.given["extensions"] is not None
                                    else "a file without extensions"), show_value=False)

    def why_terminated(self):
        return "it is not in accounts, and policy.accounts.state is %s" % self.state("accounts")

    def bundle(self, extension_plan, new_accounts):
        """New extensions of new accounts travel in their CreateAccounts request (A29)."""
        for item in extension_plan.creates:
            account = new_accounts.get(item.get("account_id") or NO_ACCOUNT)
            if account is not None:
                account["extension"] = item["number"]
                self.bundled[item["number"]] = account
        for want in self.want["accounts"]:
            account = new_accounts.get(want["account_id"])
            if account is not None and account.get("extension"):
                want["extension"] = account["extension"]

    # -- output ----------------------------------------------------------------------------

    def diff(self):
        """Field diffs of both resources, one per object, passwords masked."""
        return [entry for resource in RESOURCES for entry in self.engines[resource].diff(self.plans[resource])]

    # -- applying --------------------------------------------------------------------------

    def apply(self):
        """Send the plan ``plan()`` made, in the safe order; raises what the engine raises on a failure."""
        account_plan = self.plans["accounts"]
        first = Plan()
        first.creates, first.updates = account_plan.creates, account_plan.updates
        # overridden's terminations wait until the extensions are gone: the first step only creates and changes
        create_state = "replaced" if self.state("accounts") == "overridden" else self.state("accounts")
        self.send("accounts", first, self.want["accounts"], create_state)

        extension_plan = self.plans["extensions"]
        rest = [item for item in extension_plan.creates if item["number"] not in self.bundled
                or item.get("name") != holder_name(self.bundled[item["number"]])]
        if rest or extension_plan.updates or extension_plan.deletes:
            engine = self.engines["extensions"]
            self.extensions._accounts = account_records(self.accounts.last_read)  # pylint: disable=protected-access
            # the bundled extensions exist now: plan again from a read that shows them
            have = self.extensions.read_all() if self.bundled else None
            if have is not None:
                extension_plan = engine.plan(self.want["extensions"], have, self.state("extensions"))
            else:
                extension_plan = engine.plan(self.want["extensions"], self.extensions_read, self.state("extensions"))
            self.send("extensions", extension_plan, self.want["extensions"], self.state("extensions"))

        if account_plan.deletes:
            last = Plan()
            last.deletes = account_plan.deletes
            keys = [{"account_id": item["account_id"]} for item in account_plan.deletes]
            self.send("accounts", last, keys, "deleted")

    @property
    def extensions_read(self):
        return sorted(self.extensions._current.values(), key=lambda item: item["number"])  # pylint: disable=protected-access

    def send(self, resource, plan, want, state):
        """Apply one step; after a failed write the engine reads back and re-sends only what is missing (bounded).

        A step whose writes all answer success is not read back: the next step does not need it, and
        the next run's plan shows any difference.
        """
        if plan.changed:
            self.engines[resource].converge(plan, want, state, confirm=False)

    # -- a saved plan ----------------------------------------------------------------------

    def check_saved(self, saved):
        """Refuse, before any write, a saved plan that is not the plan of this file and this live state."""
        document = self.document
        if saved.get("format_version") != FORMAT_VERSION:
            raise InputError("saved_plan.format_version", "must be %r, the plan format this collection writes"
                             % FORMAT_VERSION, saved.get("format_version"))
        if saved.get("customer") != document["customer"]:
            raise InputError("saved_plan.customer", "is the plan of customer %s, not of %s"
                             % (saved.get("customer"), label(document)), show_value=False)
        if saved.get("digest") != document["digest"]:
            raise InputError("saved_plan", "the state of %s changed since the plan was made; plan again" % label(document),
                             show_value=False)
        if canonical_json(saved.get("changes")) != canonical_json(document["changes"]):
            raise InputError("saved_plan", "is not the plan %s makes now: the file changed since the plan was made; "
                             "plan again" % (document.get("source") or "the customer file"), show_value=False)


def run_customer(client, content, source=None, check_mode=False, saved_plan=None, want_diff=False):
    """What the ``customer`` module returns: plan, then (unless check mode or a guard stops it) apply."""
    planner = CustomerPlanner(client, content, source, check_mode=check_mode)
    document = planner.plan()
    result = {"plan": document, "changed": any(document["counts"].values()), "msg": summary(document)}
    if want_diff:
        result["diff"] = planner.diff()
    if document["blocked"]:
        raise GuardError("; ".join(guard["message"] for guard in document["guards"]), result)
    if saved_plan is not None:
        planner.check_saved(saved_plan)
    if result["changed"] and not check_mode:
        planner.apply()
    return result


class GuardError(Exception):
    """A guard (``max_deletions``) stops the plan: the module fails, before any write, with the plan as its result."""

    def __init__(self, message, result):
        super(GuardError, self).__init__(message)
        self.result = result


def run_customer_module(module):
    """The module's one call: plan and apply, every failure a secret-free fail_json (the runner's path)."""
    params = module.params
    if params.get("src") is not None:
        module.fail_json(msg="src: is read by the action plugin of portaplus.softswitch.customer on the controller; "
                             "this module was run without it", changed=False)
    client = client_from_module(module)
    content = dict((name, params.get(name)) for name in FILE_KEYS)
    # The arguments are the whole file: echoing them back as the result's invocation would make a no-op's output
    # hundreds of KiB, filtered for secrets and decoded again on the controller, only for the action to drop it.
    invocation = {"module_args": {"customer": params.get("customer"), "source": params.get("source")}}
    with failures_reported(module, client):
        try:
            result = run_customer(client, content, source=params.get("source"), check_mode=module.check_mode,
                                  saved_plan=params.get("saved_plan"), want_diff=module._diff)  # pylint: disable=protected-access
        except GuardError as exc:
            result = dict(exc.result, changed=False)
            result.pop("msg", None)
            module.fail_json(msg=client.redact(str(exc)), invocation=invocation, **result)
    module.exit_json(invocation=invocation, **result)
