"""Plans of many customers as one document (plan.json) and a pull-request comment (plan.md)."""
import json

import pytest

from ansible_collections.portaplus.softswitch.plugins.module_utils.plan_report import (
    PlanFormatError, drifted, load_plan_document, merge_plans, plans_by_customer, problems, render_markdown, split_results,
    to_json)


def plan(customer, name, create=(), update=(), delete=(), extensions=None, guards=(), blocked=False):
    changes = {"accounts": {"create": [{"key": key, "after": {"first_name": "New", "password": "********"}}
                                       for key in create],
                            "update": [{"key": key, "fields": fields} for key, fields in update],
                            "delete": [{"key": key, "before": {"first_name": "Old"}} for key in delete]},
               "extensions": extensions or {"create": [], "update": [], "delete": []}}
    counts = {"create": len(create), "update": len(update), "delete": len(delete)}
    for action in counts:
        counts[action] += len(changes["extensions"][action])
    return {"format_version": "1.0", "customer": customer, "name": name, "source": "customers/%d.yml" % customer,
            "digest": "sha256:%d" % customer, "changes": changes, "counts": counts,
            "guards": list(guards), "blocked": blocked}


ACME = plan(1001, "Acme Ltd", create=["441632960020"],
            update=[("441632960002", {"email": {"before": "bob@acme.example", "after": "robert@acme.example"},
                                      "first_name": {"before": "Bob|by", "after": "Robert"}})],
            extensions={"create": [], "update": [], "delete": [{"key": "150", "before": {"name": "Lobby"}}]})
GLOBEX = plan(1002, "Globex")
BLOCKED = plan(1101, "Initrode", delete=["44170000001", "44170000002"], blocked=True,
               guards=[{"resource": "accounts", "message": "would terminate 2 accounts, max_deletions is 0"}])


def test_the_document_is_versioned_sorted_and_totals_every_customer():
    document = merge_plans([GLOBEX, BLOCKED, ACME], errors=[{"host": "bad", "source": "customers/bad.yml", "msg": "x"}])
    assert document["format_version"] == "1.0"
    assert [p["customer"] for p in document["customers"]] == [1001, 1002, 1101]
    assert document["totals"] == {"customers": 3, "changed": 2, "in_sync": 1, "blocked": 1, "errors": 1,
                                  "create": 1, "update": 1, "delete": 3}
    assert drifted(document) == ["Acme Ltd (1001)", "Initrode (1101)"]
    assert drifted(merge_plans([GLOBEX])) == []


def test_the_document_reads_back_and_foreign_files_are_refused():
    document = merge_plans([ACME, GLOBEX])
    again = load_plan_document(to_json(document), "plan.json")
    assert again == json.loads(json.dumps(document))
    assert sorted(plans_by_customer(again)) == [1001, 1002]
    with pytest.raises(PlanFormatError, match="plan.json is not valid JSON"):
        load_plan_document("{", "plan.json")
    with pytest.raises(PlanFormatError, match="not a plan written by playbooks/plan.yml"):
        load_plan_document('{"resource_changes": []}', "plan.json")
    with pytest.raises(PlanFormatError, match="format_version 2.0; this collection reads 1.0"):
        load_plan_document('{"format_version": "2.0", "customers": []}', "plan.json")


def test_markdown_names_each_changed_object_and_field_warns_of_guards_and_lists_those_in_sync():
    page = render_markdown(merge_plans([ACME, GLOBEX, BLOCKED]))
    assert page.startswith("## Porta Plus 2 plan: 3 customers, 2 to change\n")
    assert "### Acme Ltd (1001)" in page and "from `customers/1001.yml`" in page
    assert "| create | account `441632960020` |  |  | first_name: New, password: ******** |" in page
    assert "| update | account `441632960002` | email | bob@acme.example | robert@acme.example |" in page
    assert "| update | account `441632960002` | first_name | Bob\\|by | Robert |" in page   # a pipe cannot break the table
    assert "| remove | extension `150` |  | name: Lobby |  |" in page
    assert "| terminate | account `44170000001` |" in page
    assert "> **Guard (accounts):** would terminate 2 accounts, max_deletions is 0" in page
    assert "> **Blocked:**" in page
    assert "### Globex" not in page and page.rstrip().endswith("In sync, nothing to change: Globex (1002).")


def test_long_plans_are_cut_in_markdown_but_counted():
    big = plan(1001, "Acme Ltd", create=["4416329%05d" % n for n in range(120)])
    page = render_markdown(merge_plans([big]), max_rows=10)
    assert page.count("| create |") == 10 and "... and 110 more rows (plan.json has every change)." in page


def test_customers_that_could_not_be_planned_are_shown():
    page = render_markdown(merge_plans([GLOBEX], errors=[{"host": "bad", "source": "customers/bad.yml",
                                                          "msg": "customers/bad.yml: accounts[0].emial: unknown key"}]))
    assert "### Not planned: bad" in page and "accounts[0].emial: unknown key" in page


def test_registered_results_split_into_plans_failures_and_hosts_that_did_not_run():
    results = [{"changed": False, "plan": ACME}, {"failed": True, "msg": "customers/b.yml: accounts[0].emial: unknown key"},
               {}, {"skipped": True}, {"changed": False}, {"failed": True, "msg": "guard", "plan": BLOCKED},
               {"failed": True, "msg": "API error", "plan": GLOBEX}]
    plans, errors = split_results(["acme", "b", "limited", "skipped", "odd", "blocked", "api"], results,
                                  ["customers/acme.yml", "customers/b.yml", "c", "d", "customers/odd.yml", "e", "f"])
    assert plans == [ACME, BLOCKED]
    assert errors == [{"host": "b", "source": "customers/b.yml", "msg": "customers/b.yml: accounts[0].emial: unknown key"},
                      {"host": "odd", "source": "customers/odd.yml", "msg": "no plan was returned"},
                      {"host": "api", "source": "f", "msg": "API error"}]
    message = problems(merge_plans(plans, errors))
    assert message.startswith("Error: 4 customers cannot be applied as planned: b (customers/b.yml): customers/b.yml: ")
    assert "Initrode (1101) is blocked by a guard" in message and not message.startswith("Drift")
    assert problems(merge_plans([ACME, GLOBEX])) is None
