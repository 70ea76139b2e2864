# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The declarative engine shared by every resource module.

A resource is described by a ``ResourceSpec`` subclass: its identity key, the fields a user
can manage, and four calls against the API (read the whole scope, create many, update many,
delete many). The engine does the rest, once for every resource: it compares only what the
user supplied, after normalising types and order; plans creates/updates/deletes for the
states merged, replaced, overridden, deleted and gathered; refuses more deletions than
``max_deletions`` allows before any write; never calls a writing method in check mode; and
returns before/after and a diff with secret fields masked.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

STATES = ("merged", "replaced", "overridden", "deleted", "gathered")
SINGLE_STATES = ("present", "absent")
MASK = "********"
MASK_CHANGED = "******** (changed)"


class InputError(ValueError):
    """Bad user input found before any write. The message names the option and the value."""

    def __init__(self, option, message, value=None, show_value=True):
        self.option = option
        text = "%s: %s" % (option, message)
        if show_value and value is not None:
            text = "%s (got %r)" % (text, value)
        super(InputError, self).__init__(text)


class IncompleteChangeError(Exception):
    """A write failed or its outcome was unknown and the read-back shows work still to do."""


_NOTHING = object()


class Field:
    """One user-managed field of a resource.

    kind       how values are normalised before comparing: str, int, float, bool, set (an
               unordered list of scalars) or raw (compared as given).
    secret     masked in before/after/diff; never returned in clear text.
    reset      the value ``replaced``/``overridden`` give a field the user left out; leave it
               unset for fields that keep their value (e.g. a product that must always exist).
    """

    def __init__(self, kind="str", secret=False, reset=_NOTHING):
        self.kind = kind
        self.secret = secret
        self.reset = reset

    @property
    def has_reset(self):
        return self.reset is not _NOTHING

    def normalise(self, value):
        if value is None:
            return None
        if self.kind == "str":
            return u"%s" % value
        if self.kind == "int":
            return int(value)
        if self.kind == "float":
            return round(float(value), 6)
        if self.kind == "bool":
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "y", "on", "t")
            return bool(value)
        if self.kind == "set":
            return sorted(set(u"%s" % v for v in value))
        return value


class ResourceSpec:
    """Describe one resource type; subclasses fill in the class attributes and the API calls.

    Items are plain dicts keyed by option names: the key, the managed fields, and any
    read-only attributes the read returns (ids, dates). The engine compares only ``fields``.
    """

    noun = "object"
    plural = "objects"
    key = "id"
    fields = {}

    def prepare(self, items, state):
        """Check and resolve the user's items (names to ids, formats) before any write.

        Runs after the scope has been read; may read catalogues; raises InputError naming
        the option. Returns the items to use (a changed copy is fine). For ``deleted`` only
        the keys matter.
        """
        return items

    def read_all(self):
        """Return every object of the scope as a list of items."""
        raise NotImplementedError

    def check_create(self, item, index):
        """Raise InputError if ``item`` cannot be created (e.g. a required field is missing)."""

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


class Plan:
    def __init__(self):
        self.creates = []    # desired items
        self.updates = []    # (desired, have, changed field names)
        self.deletes = []    # have items
        self.unchanged = []  # have items

    @property
    def changed(self):
        return bool(self.creates or self.updates or self.deletes)


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

    # -- planning ---------------------------------------------------------------------

    def check_unique_keys(self, items):
        key = self.spec.key
        seen = {}
        for index, item in enumerate(items):
            value = item.get(key)
            if value is None or value == "":
                raise InputError("config[%d].%s" % (index, key), "is required")
            ident = u"%s" % value
            if ident in seen:
                raise InputError("config", "%s %r is listed twice (items %d and %d)"
                                 % (key, value, seen[ident], index), show_value=False)
            seen[ident] = index

    def plan(self, want, have, state):
        spec = self.spec
        key = spec.key
        have_by_key = dict((u"%s" % item[key], item) for item in have)
        want_keys = set(u"%s" % item[key] for item in want)
        plan = Plan()

        if state == "deleted":
            targets = want_keys if want else set(have_by_key)
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
        shown = ", ".join(keys[:10]) + (", ..." if len(keys) > 10 else "")
        raise InputError(
            "max_deletions",
            "state=%s would %s %d %s (%s), more than max_deletions=%d allows; nothing was changed. "
            "Set max_deletions to at least %d to allow it." % (
                state, self.spec.describe_delete(), count,
                self.spec.noun if count == 1 else self.spec.plural, shown, max_deletions, count),
            show_value=False)

    # -- output -----------------------------------------------------------------------

    def masked(self, item, changed_secrets=()):
        out = dict(item)
        for name, field in self.spec.fields.items():
            if field.secret and out.get(name) not in (None, ""):
                out[name] = MASK_CHANGED if name in changed_secrets else MASK
            elif field.secret:
                out.pop(name, None)
        return out

    def predict(self, plan):
        """The scope as it will be after the plan: used in check mode instead of a read-back."""
        after = [dict(item) for item in plan.unchanged]
        after.extend(dict(desired) for desired, _have, _changed in plan.updates)
        after.extend(dict(item) for item in plan.creates)
        return sorted(after, key=lambda item: u"%s" % item[self.spec.key])

    def diff(self, plan):
        key = self.spec.key
        before, after = {}, {}
        for desired, have, changed in plan.updates:
            ident = u"%s" % have[key]
            before[ident] = self.masked(self.managed_view(have))
            after[ident] = self.masked(self.managed_view(desired), changed)
        for item in plan.creates:
            after[u"%s" % item[key]] = self.masked(self.managed_view(item))
        for item in plan.deletes:
            before[u"%s" % item[key]] = self.masked(self.managed_view(item))
        return {"before": before, "after": after}

    def managed_view(self, item):
        names = [self.spec.key] + list(self.spec.fields)
        return dict((name, item.get(name)) for name in names if name in item)

    # -- running ----------------------------------------------------------------------

    def apply(self, plan):
        spec = self.spec
        if plan.deletes:
            spec.delete(plan.deletes)
        if plan.updates:
            spec.update([(desired, have) for desired, have, _changed in plan.updates])
        if plan.creates:
            spec.create(plan.creates)

    def run(self, config, state, check_mode=False, max_deletions=None):
        """Converge the scope to ``config`` and return the module result (without msg)."""
        if state not in STATES:
            raise InputError("state", "must be one of %s" % ", ".join(STATES), state)
        spec = self.spec
        config = [dict((k, v) for k, v in item.items()) for item in (config or [])]
        if state != "gathered":
            self.check_unique_keys(config)

        have = spec.read_all()
        if state == "gathered":
            gathered = [self.masked(item) for item in have]
            return {"changed": False, "gathered": gathered, "before": gathered, "after": gathered}

        want = self.want = spec.prepare(config, state)
        plan = self.plan(want, have, state)
        self.guard_deletions(plan, state, max_deletions)

        result = {
            "changed": plan.changed,
            "before": [self.masked(item) for item in have],
            "created": [u"%s" % item[spec.key] for item in plan.creates],
            "updated": [u"%s" % desired[spec.key] for desired, _h, _c in plan.updates],
            "deleted": [u"%s" % item[spec.key] for item in plan.deletes],
            "diff": self.diff(plan),
        }
        if not plan.changed:
            result["after"] = result["before"]
            return result
        if check_mode:
            result["after"] = [self.masked(item) for item in self.predict(plan)]
            return result

        try:
            self.apply(plan)
        except Exception as exc:  # pylint: disable=broad-except
            self.reconcile(want, state, exc)
        result["after"] = [self.masked(item) for item in spec.read_all()]
        return result

    def reconcile(self, want, state, exc):
        """After a failed or unconfirmed write, read back: done means done, else say what is left.

        Creates are never re-sent blindly (a timed-out create may have been applied); the next
        run plans from what the server really holds, so it repairs a partial batch.
        """
        try:
            remaining = self.plan(want, self.spec.read_all(), state)
        except Exception:  # pylint: disable=broad-except
            raise exc
        if state == "overridden" or state == "deleted":
            left = remaining.changed
        else:
            left = bool(remaining.creates or remaining.updates)
        if not left:
            return
        key = self.spec.key
        pending = ([u"create %s" % item[key] for item in remaining.creates]
                   + [u"update %s" % d[key] for d, _h, _c in remaining.updates]
                   + [u"delete %s" % item[key] for item in remaining.deletes])
        shown = ", ".join(pending[:10]) + (", ..." if len(pending) > 10 else "")
        raise IncompleteChangeError(
            "%s; %d change(s) are still pending after reading back (%s). Nothing else was lost: "
            "run again to converge." % (exc, len(pending), shown))


def run_single(spec, item, state, check_mode=False):
    """Single-object modules: ``present`` merges one item, ``absent`` deletes it (no guard)."""
    if state not in SINGLE_STATES:
        raise InputError("state", "must be one of %s" % ", ".join(SINGLE_STATES), state)
    engine = Engine(spec)
    list_state = "merged" if state == "present" else "deleted"
    result = engine.run([item], list_state, check_mode=check_mode, max_deletions=None)
    # Find the object by its key as prepare() resolved it (a name typed in another case, an id).
    ident = u"%s" % engine.want[0][spec.key]
    found = [obj for obj in result.pop("after") if u"%s" % obj[spec.key] == ident]
    before = [obj for obj in result.pop("before") if u"%s" % obj[spec.key] == ident]
    result[spec.noun] = found[0] if found else {}
    result["existed"] = bool(before)
    for name in ("created", "updated", "deleted"):
        result.pop(name, None)
    return result
