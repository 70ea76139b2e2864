# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The declarative engine shared by every resource module.

A resource is described by a ``ResourceSpec`` subclass: its identity key, ONE field table
(``fields``: option name -> ``Field``, see ``fields.py``) and four calls against the API (read
the whole scope, create many, update many, delete many). The engine does the rest, once for
every resource: it refuses bad and masked input before any write; compares only what the user
supplied, after normalising types and order; plans creates/updates/deletes for the states
merged, replaced, overridden, deleted and gathered; refuses more deletions than
``max_deletions`` allows before any write; never calls a writing method in check mode; after a
failed write reads back and re-sends (bounded) only what did not take effect; and returns
before/after, ``gathered`` in exactly the shape ``config`` accepts, and a readable diff.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import (
    AuthError, NotFoundError, NotTheApiError, PathValueError, PortaPlusError, ValidationError)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import (  # noqa: F401 pylint: disable=unused-import
    MASK, MASK_CHANGED, Field, InputError, masked_value_problem)

STATES = ("merged", "replaced", "overridden", "deleted", "gathered")
SINGLE_STATES = ("present", "absent")
#: How many times a run re-sends what a read-back proves did not take effect, after the first attempt (H6).
MAX_RESENDS = 3
#: Errors a rerun cannot repair: the server refused the request itself, or it is not the API.
PERMANENT_ERRORS = (ValidationError, AuthError, NotFoundError, NotTheApiError, PathValueError, InputError)


class IncompleteChangeError(Exception):
    """A write failed or its outcome is unknown, and the read-back shows work still to do.

    ``changed`` is true iff something was committed (or may have been: the read-back failed);
    ``unconfirmed`` lists the changes not confirmed, as "create 101", "update 102 (name)".
    """

    def __init__(self, message, changed=True, unconfirmed=None):
        super(IncompleteChangeError, self).__init__(message)
        self.changed = changed
        self.unconfirmed = list(unconfirmed or [])


class ResourceSpec:
    """Describe one resource type; subclasses fill in the class attributes and the API calls.

    Items are plain dicts keyed by option names: the key, the managed fields, and any
    read-only facts the read returns (ids, dates). The engine compares only ``fields``;
    ``config`` and ``gathered`` carry only the key and ``fields``, the facts go beside them.
    """

    noun = "object"
    plural = "objects"
    key = "id"
    fields = {}
    single = False
    #: The list option the items came in; a caller that takes them from elsewhere (a file) names that instead.
    config_name = "config"

    def option(self, index, name):
        """How the user wrote this option: ``email`` in a single-object module, ``config[2].email`` otherwise."""
        return name if self.single or index is None else "%s[%d].%s" % (self.config_name, index, name)

    def prepare(self, items, state):
        """Check and resolve the user's items (names to ids, formats) before any write.

        Runs after the scope has been read; may read catalogues; raises InputError naming
        the option. Returns the items to use (a changed copy is fine). For ``deleted`` only
        the keys matter. The default runs each field's ``check``.
        """
        prepared = []
        for index, item in enumerate(items):
            item = dict(item)
            if state != "deleted":
                for name, field in self.fields.items():
                    if item.get(name) is not None and field.check is not None:
                        item[name] = field.check(self.option(index, name), item[name])
            prepared.append(item)
        return prepared

    def read_all(self):
        """Return every object of the scope as a list of items."""
        raise NotImplementedError

    def check_create(self, item, index):
        """Raise InputError if ``item`` cannot be created (e.g. a required field is missing)."""

    def check_plan(self, plan):
        """Raise InputError for a planned write that cannot succeed; runs in check mode too, before any write."""

    def desired(self, want, have, state):
        """The complete item ``have`` should become for ``want`` in ``state``.

        merged changes only the fields the user supplied; replaced/overridden also reset the
        fields the user left out to their ``reset`` value.
        """
        result = dict(have)
        for name, field in self.fields.items():
            value = want.get(name)
            if value is not None:
                result[name] = value
            elif state in ("replaced", "overridden") and field.has_reset:
                result[name] = copy.deepcopy(field.reset)
        return result

    def create(self, items):
        raise NotImplementedError

    def update(self, pairs):
        """Apply a list of (desired, have) pairs."""
        raise NotImplementedError

    def delete(self, items):
        raise NotImplementedError

    def describe_delete(self):
        """The verb for a deletion in guard messages, e.g. "irreversibly terminate"."""
        return "delete"

    def describe(self, ident):
        """The object in diff headers and messages, e.g. "account 441632960001"."""
        return u"%s %s" % (self.noun, ident)

    def diff_context(self):
        """Values every diff entry shows besides the fields, e.g. the account an add-on belongs to."""
        return {}


class Plan:
    def __init__(self):
        self.creates = []    # desired items
        self.updates = []    # (desired, have, changed field names)
        self.deletes = []    # have items
        self.unchanged = []  # have items

    @property
    def changed(self):
        return bool(self.creates or self.updates or self.deletes)

    def pending(self, key):
        """The planned writes as words: "create 101", "update 102 (name)", "delete 103"."""
        return ([u"create %s" % item[key] for item in self.creates]
                + [u"update %s (%s)" % (desired[key], ", ".join(changed)) for desired, _h, changed in self.updates]
                + [u"delete %s" % item[key] for item in self.deletes])


def _shown(items, limit=10):
    return ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")


def yaml_scalar(value):
    """A value as YAML flow text: JSON is YAML, and non-ASCII shows as itself (Zoë, not Zo\\u00eb)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def yaml_block(ident, view):
    """One object as YAML text under its key, so every line of a diff belongs to a named object."""
    if view is None:
        return ""
    lines = [u"%s:" % yaml_scalar(u"%s" % ident)]
    lines.extend(u"  %s: %s" % (name, yaml_scalar(value)) for name, value in view.items())
    if not view:
        lines[0] += u" {}"
    return u"\n".join(lines) + u"\n"


class Engine:
    def __init__(self, spec):
        self.spec = spec
        self.want = []  # the user's items as spec.prepare resolved them, once run() got that far

    # -- comparison -------------------------------------------------------------------

    def changed_fields(self, desired, have):
        names = []
        for name, field in self.spec.fields.items():
            want_value = desired.get(name)
            if want_value is None:
                continue
            if field.normalise(want_value) != field.normalise(have.get(name)):
                names.append(name)
        return names

    # -- checking input -----------------------------------------------------------------

    def check_config(self, config, state):
        """The rules on ``config`` itself, before anything is read (H4).

        Returns (items, delete_all). ``None`` (config omitted) is required for merged, replaced and
        overridden; with deleted it is the one explicit way to remove everything. An empty list never
        removes anything: with deleted it is a no-op, with overridden it is refused, since a variable that
        came out empty would otherwise remove every object.
        """
        spec = self.spec
        if state == "gathered":
            return [], False
        if config is None:
            if state == "deleted":
                return [], True
            raise InputError("config", "is required with state=%s" % state, show_value=False)
        if state == "overridden" and not config:
            raise InputError(
                "config", "is an empty list: state=overridden would remove every %s of the scope. To remove every %s, "
                "use state=deleted and omit config (max_deletions still applies)" % (spec.noun, spec.noun),
                show_value=False)
        items = [dict(item) for item in config]
        self.check_unique_keys(items)
        if state != "deleted":
            self.check_masks(items)
        return items, False

    def check_unique_keys(self, items):
        key = self.spec.key
        seen = {}
        for index, item in enumerate(items):
            value = item.get(key)
            if value is None or value == "":
                raise InputError(self.spec.option(index, key), "is required")
            ident = u"%s" % value
            if ident in seen:
                raise InputError(self.spec.config_name, "%s %r is listed twice (items %d and %d)"
                                 % (key, value, seen[ident], index), show_value=False)
            seen[ident] = index

    def check_masks(self, items):
        """A secret equal to a mask (ours or Ansible's) is output copied back as input: never write it (H3)."""
        for index, item in enumerate(items):
            for name, field in self.spec.fields.items():
                if field.secret and item.get(name) is not None:
                    problem = masked_value_problem(item[name])
                    if problem:
                        raise InputError(self.spec.option(index, name), problem, show_value=False)

    # -- planning ---------------------------------------------------------------------

    def plan(self, want, have, state, delete_all=False):
        spec = self.spec
        key = spec.key
        have_by_key = dict((u"%s" % item[key], item) for item in have)
        want_keys = set(u"%s" % item[key] for item in want)
        plan = Plan()

        if state == "deleted":
            targets = set(have_by_key) if delete_all else want_keys
            for ident, item in have_by_key.items():
                (plan.deletes if ident in targets else plan.unchanged).append(item)
            return plan

        for index, item in enumerate(want):
            current = have_by_key.get(u"%s" % item[key])
            if current is None:
                desired = spec.desired(item, {key: item[key]}, state)
                spec.check_create(desired, index)
                plan.creates.append(desired)
                continue
            desired = spec.desired(item, current, state)
            changed = self.changed_fields(desired, current)
            if changed:
                plan.updates.append((desired, current, changed))
            else:
                plan.unchanged.append(current)

        if state == "overridden":
            plan.deletes = [item for ident, item in have_by_key.items() if ident not in want_keys]
        else:
            plan.unchanged.extend(item for ident, item in have_by_key.items() if ident not in want_keys)
        return plan

    def guard_deletions(self, plan, state, max_deletions):
        count = len(plan.deletes)
        if max_deletions is None or count <= max_deletions:
            return
        keys = sorted(u"%s" % item[self.spec.key] for item in plan.deletes)
        raise InputError(
            "max_deletions",
            "state=%s would %s %d %s (%s), more than max_deletions=%d allows; nothing was changed. "
            "Set max_deletions to at least %d to allow it." % (
                state, self.spec.describe_delete(), count,
                self.spec.noun if count == 1 else self.spec.plural, _shown(keys), max_deletions, count),
            show_value=False)

    # -- output -----------------------------------------------------------------------

    def masked(self, item):
        """An item for output: secrets are never returned, not even masked (H3)."""
        return dict((name, value) for name, value in item.items()
                    if not (name in self.spec.fields and self.spec.fields[name].secret))

    def config_view(self, item):
        """The item in exactly the shape ``config`` accepts: the key and the managed fields, no secrets (H2)."""
        names = [self.spec.key] + [name for name, field in self.spec.fields.items() if not field.secret]
        return dict((name, item[name]) for name in names if name in item)

    def facts_view(self, item):
        """The read-only facts of an item: what ``config`` does not take."""
        managed = set([self.spec.key]) | set(self.spec.fields)
        return dict((name, value) for name, value in item.items() if name not in managed)

    def gathered(self, items):
        return {
            "gathered": [self.config_view(item) for item in items],
            "facts": dict((u"%s" % item[self.spec.key], self.facts_view(item)) for item in items),
        }

    def predict(self, plan):
        """The scope as it will be after the plan: used in check mode instead of a read-back."""
        after = [dict(item) for item in plan.unchanged]
        after.extend(dict(desired) for desired, _have, _changed in plan.updates)
        after.extend(dict(item) for item in plan.creates)
        return sorted(after, key=lambda item: u"%s" % item[self.spec.key])

    def diff_view(self, item, changed_secrets=()):
        view = dict(self.spec.diff_context())
        for name in [self.spec.key] + list(self.spec.fields):
            if name not in item or name == self.spec.key:
                continue
            value = item[name]
            if self.spec.fields[name].secret:
                if value in (None, ""):
                    continue
                value = MASK_CHANGED if name in changed_secrets else MASK
            view[name] = value
        return view

    def diff(self, plan):
        """One diff per object, headed by its name, its fields as YAML text under its key (H9).

        Ansible prints a list of diffs one after the other, so every hunk is under a header naming
        its object; text (not a dict) keeps non-ASCII as itself.
        """
        spec = self.spec
        key = spec.key
        entries = []
        for desired, have, changed in plan.updates:
            entries.append((have[key], self.diff_view(have), self.diff_view(desired, changed), "changed"))
        for item in plan.creates:
            entries.append((item[key], None, self.diff_view(item), "created"))
        for item in plan.deletes:
            entries.append((item[key], self.diff_view(item), None, spec.describe_delete() + "d"))
        diffs = []
        for ident, before, after, what in sorted(entries, key=lambda entry: u"%s" % entry[0]):
            name = spec.describe(ident)
            diffs.append({
                "before_header": name,  # Ansible prints "before: " in front
                "after_header": u"%s (%s)" % (name, what),
                "before": yaml_block(ident, before),
                "after": yaml_block(ident, after),
            })
        return diffs

    # -- running ----------------------------------------------------------------------

    def unreadable_secrets_confirmed(self, plan):
        """A read-back cannot confirm a secret the API does not return; an update that only differs there is done."""
        kept = []
        for desired, have, changed in plan.updates:
            unreadable = [name for name in changed if self.spec.fields[name].secret and have.get(name) is None]
            if len(unreadable) < len(changed):
                kept.append((desired, have, [name for name in changed if name not in unreadable]))
        plan.updates = kept
        return plan

    def apply(self, plan):
        """Send the plan; independent writes go on after one fails. Returns the errors met."""
        spec = self.spec
        errors = []
        steps = ((plan.deletes, spec.delete), ([(d, h) for d, h, _c in plan.updates], spec.update),
                 (plan.creates, spec.create))
        for items, send in steps:
            if not items:
                continue
            try:
                send(items)
            except (PortaPlusError, IncompleteChangeError) as exc:
                errors.append(exc)
        return errors

    def run(self, config, state, check_mode=False, max_deletions=None):
        """Converge the scope to ``config`` and return the module result (without msg)."""
        if state not in STATES:
            raise InputError("state", "must be one of %s" % ", ".join(STATES), state)
        spec = self.spec
        config, delete_all = self.check_config(config, state)

        have = spec.read_all()
        if state == "gathered":
            return dict(self.gathered(have), changed=False)

        want = self.want = spec.prepare(config, state)
        plan = self.plan(want, have, state, delete_all)
        self.guard_deletions(plan, state, max_deletions)
        spec.check_plan(plan)

        result = {
            "changed": plan.changed,
            "before": [self.masked(item) for item in have],
            "created": [u"%s" % item[spec.key] for item in plan.creates],
            "updated": [u"%s" % desired[spec.key] for desired, _h, _c in plan.updates],
            "deleted": [u"%s" % item[spec.key] for item in plan.deletes],
            "diff": self.diff(plan),
        }
        # As netcommon's resource modules: `after` only when something changed, as it equals `before`
        # otherwise (and a no-op run over thousands of objects would return and filter them twice).
        if not plan.changed:
            return result
        if check_mode:
            result["after"] = [self.masked(item) for item in self.predict(plan)]
            return result

        final = self.converge(plan, want, state, delete_all)
        result["after"] = [self.masked(item) for item in final]
        return result

    def converge(self, plan, want, state, delete_all=False, confirm=True):
        """Apply the plan; after a failure read back and re-send only what did not take effect (bounded).

        A create or update that timed out may have been applied, so nothing is re-sent blindly: each
        round plans again from what the server holds. Returns the scope as read back at the end, or
        None when ``confirm`` is false and every write of the first round answered success (a caller
        that counts requests skips that read; the next run's plan shows any difference).
        """
        key = self.spec.key
        first = previous = plan.pending(key)
        errors = []
        for attempt in range(MAX_RESENDS + 1):
            errors = self.apply(plan)
            if not errors and not confirm and attempt == 0:
                return None
            try:
                have = self.spec.read_all()
            except PortaPlusError as exc:
                if not errors:
                    raise IncompleteChangeError(
                        "every write was answered, but reading back what they did failed: %s. The outcome is unknown "
                        "until the %s are read again" % (exc, self.spec.plural),
                        changed=True, unconfirmed=[]) from None
                raise IncompleteChangeError(
                    "%s; reading back what the writes did failed too (%s), so the outcome is unknown: %d change(s) "
                    "unconfirmed (%s)" % (errors[0], exc, len(plan.pending(key)), _shown(plan.pending(key))),
                    changed=True, unconfirmed=plan.pending(key)) from None
            try:
                remaining = self.unreadable_secrets_confirmed(self.plan(want, have, state, delete_all))
            except InputError as exc:
                # the state the failed writes left makes the rest impossible: say so, and that something may be committed
                raise IncompleteChangeError(
                    "%s; after %s, %s" % (errors[0] if errors else "the writes", "reading back", exc),
                    changed=True, unconfirmed=plan.pending(key)) from None
            if not remaining.changed:
                return have
            if not errors:
                # Every write answered success, yet the read-back disagrees: sending the same again will not help.
                pending = remaining.pending(key)
                raise IncompleteChangeError(
                    "the API answered success, but reading back shows %d change(s) not applied (%s); the server "
                    "does not keep what it accepted, so running again will not help" % (len(pending), _shown(pending)),
                    changed=pending != first, unconfirmed=pending)
            # A refusal can follow from an earlier failure (a move waiting for another), so it is retried
            # as long as each round gets further; a refusal that makes no progress ends the run.
            progress = remaining.pending(key) != previous
            if attempt == MAX_RESENDS or (not progress and any(isinstance(error, PERMANENT_ERRORS) for error in errors)):
                break
            plan, previous = remaining, remaining.pending(key)
        pending = remaining.pending(key)
        permanent = [error for error in errors if isinstance(error, PERMANENT_ERRORS)]
        if permanent:
            advice = "the server refused the request; correct the input, as running again unchanged will fail the same way"
        else:
            advice = "the server kept failing; what was committed is kept, and running the task again sends only the rest"
        raise IncompleteChangeError(
            "%s; %d change(s) not applied after reading back (%s): %s" % (
                (permanent or errors)[0], len(pending), _shown(pending), advice),
            changed=pending != first, unconfirmed=pending)


def run_single(spec, item, state, check_mode=False):
    """Single-object modules: ``present`` merges one item, ``absent`` deletes it (no guard)."""
    if state not in SINGLE_STATES:
        raise InputError("state", "must be one of %s" % ", ".join(SINGLE_STATES), state)
    engine = Engine(spec)
    list_state = "merged" if state == "present" else "deleted"
    result = engine.run([item], list_state, check_mode=check_mode, max_deletions=None)
    # Find the object by its key as prepare() resolved it (a name typed in another case, an id).
    ident = u"%s" % engine.want[0][spec.key]
    before = [obj for obj in result.pop("before") if u"%s" % obj[spec.key] == ident]
    found = [obj for obj in result.pop("after") if u"%s" % obj[spec.key] == ident] if "after" in result else before
    result[spec.noun] = found[0] if found else {}
    result["existed"] = bool(before)
    for name in ("created", "updated", "deleted"):
        result.pop(name, None)
    return result
