# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plans of many customers as one document (``plan.json``) and as Markdown (``plan.md``).

``playbooks/plan.yml`` runs the ``customer`` module in check mode once per customer file; each
run returns that customer's plan (format 1.0: changes per resource with keys and field-level
before/after, counts, guards, the digest of the live state). Here they become one versioned
document, read by CI and by ``provision.yml -e plan_file=...``, and one page for a pull-request
comment: a section per customer that would change, a table naming each object and field, the
guards that would stop the apply, and one line for the customers in sync.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

FORMAT_VERSION = "1.0"
ACTIONS = ("create", "update", "delete")
RESOURCES = ("accounts", "extensions")
#: The singular each resource's rows name.
NOUNS = {"accounts": "account", "extensions": "extension"}
#: Rows per customer in plan.md; the rest are counted (plan.json has them all). GitHub takes
#: comments of up to 65,536 characters.
MAX_ROWS = 50
MAX_CELL = 60


class PlanFormatError(ValueError):
    """A plan file that is not a plan document this collection wrote."""


def counts_of(plan):
    counts = plan.get("counts") or {}
    return dict((action, int(counts.get(action) or 0)) for action in ACTIONS)


def has_changes(plan):
    return any(counts_of(plan).values()) or bool(plan.get("blocked"))


def title(plan):
    name = plan.get("name") or "customer"
    return u"%s (%s)" % (name, plan.get("customer"))


def merge_plans(plans, errors=()):
    """One document from per-customer plans (sorted by customer id) and the customers that could not be planned."""
    ordered = sorted(plans, key=lambda plan: (plan.get("customer") or 0, plan.get("source") or ""))
    totals = dict((action, 0) for action in ACTIONS)
    for plan in ordered:
        for action, count in counts_of(plan).items():
            totals[action] += count
    changed = [plan for plan in ordered if has_changes(plan)]
    totals.update(customers=len(ordered), changed=len(changed), in_sync=len(ordered) - len(changed),
                  blocked=len([plan for plan in ordered if plan.get("blocked")]), errors=len(errors))
    return {"format_version": FORMAT_VERSION, "customers": ordered, "errors": list(errors), "totals": totals}


def split_results(hosts, results, sources):
    """The plans of the hosts that planned, and the hosts that failed, from registered results.

    A plan that a guard blocks comes back in a failed result; it is a plan (plan.md shows the guard).
    An empty or skipped result is a host that did not run (outside ``--limit``) and is left out.
    """
    plans, errors = [], []
    for index, host in enumerate(hosts):
        result = results[index] if index < len(results) else {}
        source = sources[index] if index < len(sources) else None
        if not result or result.get("skipped"):
            continue
        plan = result.get("plan")
        if isinstance(plan, dict) and (not result.get("failed") or plan.get("blocked")):
            plans.append(plan)
        else:
            errors.append({"host": host, "source": source, "msg": result.get("msg") or "no plan was returned"})
    return plans, errors


def problems(document):
    """Why the plan cannot be applied as it is (customers not planned, plans a guard blocks), or None."""
    found = ["%s (%s): %s" % (error["host"], error.get("source") or "", (u"%s" % error.get("msg")).strip().split("\n")[-1])
             for error in document.get("errors") or []]
    found += ["%s is blocked by a guard" % title(plan) for plan in document["customers"] if plan.get("blocked")]
    if not found:
        return None
    return "Error: %d customer%s cannot be applied as planned: %s" % (
        len(found), "" if len(found) == 1 else "s", "; ".join(found))


def drifted(document):
    """The customers of a merged document that would change, as ``Name (id)``."""
    return [title(plan) for plan in document["customers"] if has_changes(plan)]


def load_plan_document(text, source):
    """A plan document read back (``provision.yml -e plan_file``), checked for its format."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise PlanFormatError("%s is not valid JSON: %s" % (source, exc))
    if not isinstance(document, dict) or not isinstance(document.get("customers"), list):
        raise PlanFormatError("%s is not a plan written by playbooks/plan.yml (no list customers)" % source)
    version = u"%s" % document.get("format_version")
    if version.split(".", 1)[0] != FORMAT_VERSION.split(".", 1)[0]:
        raise PlanFormatError("%s has format_version %s; this collection reads %s" % (source, version, FORMAT_VERSION))
    return document


def plans_by_customer(document):
    """The plans of a document by customer id."""
    return dict((plan.get("customer"), plan) for plan in document["customers"] if isinstance(plan, dict))


def read_plan_file(path):
    """The plans of the plan file ``path`` by customer id (as text), or ``PlanFormatError`` naming plan_file."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = load_plan_document(handle.read(), path)
    except (IOError, OSError) as exc:
        raise PlanFormatError("plan_file: cannot read %s: %s" % (path, exc.strerror or exc))
    except PlanFormatError as exc:
        raise PlanFormatError("plan_file: %s" % exc)
    return dict((str(customer), plan) for customer, plan in plans_by_customer(document).items())


def to_json(document):
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# -- Markdown -----------------------------------------------------------------------------

def cell(value):
    """A value in a Markdown table cell: one line, pipes escaped, long values cut."""
    if value is None:
        text = u""
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif isinstance(value, bool):
        text = u"true" if value else u"false"
    else:
        text = u"%s" % value
    text = u" ".join(text.split())
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL - 1] + u"\u2026"
    return text.replace(u"\\", u"\\\\").replace(u"|", u"\\|").replace(u"`", u"'")


def _summary(values):
    return u", ".join(u"%s: %s" % (key, cell(value)) for key, value in sorted((values or {}).items())
                      if value not in (None, u"", []))


def rows(plan):
    """(action, object, field, before, after) for every change of a plan, in a stable order."""
    found = []
    changes = plan.get("changes") or {}
    for resource in RESOURCES:
        actions = changes.get(resource) or {}
        noun = NOUNS[resource]
        for change in actions.get("create") or []:
            found.append((u"create", u"%s `%s`" % (noun, cell(change.get("key"))), u"", u"", _summary(change.get("after"))))
        for change in actions.get("update") or []:
            fields = change.get("fields") or {}
            for field in sorted(fields):
                found.append((u"update", u"%s `%s`" % (noun, cell(change.get("key"))), field,
                              cell(fields[field].get("before")), cell(fields[field].get("after"))))
        for change in actions.get("delete") or []:
            verb = u"terminate" if resource == "accounts" else u"remove"
            found.append((verb, u"%s `%s`" % (noun, cell(change.get("key"))), u"", _summary(change.get("before")), u""))
    return found


def _counts_line(counts):
    return u"create %(create)d, update %(update)d, delete %(delete)d" % counts


def render_markdown(document, max_rows=MAX_ROWS):
    """``plan.md``: a heading with the totals, a section per customer that would change, guard warnings,
    the customers that could not be planned, and one line for those in sync."""
    totals = document["totals"]
    lines = [u"## Porta Plus 2 plan: %d customer%s, %d to change%s" % (
        totals["customers"], u"" if totals["customers"] == 1 else u"s", totals["changed"],
        u", %d not planned" % totals["errors"] if totals["errors"] else u""), u""]
    if totals["changed"]:
        lines += [u"Totals: %s." % _counts_line(totals), u""]
    for plan in document["customers"]:
        if not has_changes(plan):
            continue
        lines.append(u"### %s" % cell(title(plan)))
        lines.append(u"")
        source = u" from `%s`" % cell(plan.get("source")) if plan.get("source") else u""
        lines.append(u"%s%s." % (_counts_line(counts_of(plan)).capitalize(), source))
        lines.append(u"")
        for guard in plan.get("guards") or []:
            lines.append(u"> **Guard (%s):** %s" % (cell(guard.get("resource")), u" ".join((u"%s" % guard.get("message", "")).split())))
            lines.append(u"")
        if plan.get("blocked"):
            lines += [u"> **Blocked:** a guard stops this plan; applying it fails before any write.", u""]
        table = rows(plan)
        if table:
            lines += [u"| Action | Object | Field | Before | After |", u"|---|---|---|---|---|"]
            lines += [u"| %s |" % u" | ".join(row) for row in table[:max_rows]]
            if len(table) > max_rows:
                lines.append(u"")
                lines.append(u"... and %d more rows (plan.json has every change)." % (len(table) - max_rows))
            lines.append(u"")
    for error in document.get("errors") or []:
        lines += [u"### Not planned: %s" % cell(error.get("host") or error.get("source")), u"",
                  u"```", (u"%s" % (error.get("msg") or u"")).strip().replace(u"```", u"'''"), u"```", u""]
    in_sync = [title(plan) for plan in document["customers"] if not has_changes(plan)]
    if in_sync:
        lines.append(u"In sync, nothing to change: %s." % u", ".join(cell(name) for name in in_sync))
        lines.append(u"")
    return u"\n".join(lines)
