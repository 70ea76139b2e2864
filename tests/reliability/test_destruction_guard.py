"""Destruction guard (issue 10, part 6), for accounts and extensions.

Removals beyond `max_deletions` fail before any write (no update slips through either);
with the guard raised the run proceeds and its diff names every termination; an empty
list never deletes, whatever the guard says.  One playbook for both resources (extensions first: terminating
an account could change its extensions); the callback's per-task request counters tell which task wrote.
"""
import json

from tests.reliability.conftest import query, task_yaml

ACME = 1001

GUARDS = {
    "accounts": {
        "keep": [{"account_id": "441632960001", "email": "alice.new@acme.example"}],
        "remove": ["441632960002", "441632960003"],
        "key": "account_id",
    },
    "extensions": {
        "keep": [{"number": "101", "name": "Reception (new)"}],
        "remove": ["102"],
        "key": "number",
    },
}


#: The order of the tasks in the one run: extensions first, as an account's termination could touch its extensions.
ORDER = ("extensions", "accounts")


def module_tasks(module, spec):
    """The tasks of one resource, each name prefixed with `module|`."""
    removing = len(spec["remove"])
    delete_config = [{spec["key"]: key} for key in spec["remove"]]
    tasks = (
        task_yaml("overridden beyond the guard", "portaplus.softswitch." + module,
                  {"customer": ACME, "state": "overridden", "config": spec["keep"],
                   "max_deletions": removing - 1}, ignore_errors=True)
        + task_yaml("deleted beyond the guard", "portaplus.softswitch." + module,
                    {"customer": ACME, "state": "deleted", "config": delete_config,
                     "max_deletions": removing - 1}, ignore_errors=True)
        + task_yaml("deleted with an empty list", "portaplus.softswitch." + module,
                    {"customer": ACME, "state": "deleted", "config": [], "max_deletions": 100},
                    ignore_errors=True)
        + task_yaml("deleted with a list that came out empty", "portaplus.softswitch." + module,
                    {"customer": ACME, "state": "deleted", "config": "{{ nobody }}", "max_deletions": 100},
                    ignore_errors=True)
        + task_yaml("overridden with an empty list", "portaplus.softswitch." + module,
                    {"customer": ACME, "state": "overridden", "config": [], "max_deletions": 100},
                    ignore_errors=True)
        + task_yaml("overridden with the guard raised", "portaplus.softswitch." + module,
                    {"customer": ACME, "state": "overridden", "config": spec["keep"],
                     "max_deletions": removing})
    )
    return tasks.replace('- name: "', '- name: "%s|' % module)


def playbook():
    tasks = "".join(module_tasks(module, GUARDS[module]) for module in ORDER)
    return ("- hosts: localhost\n  gather_facts: false\n  connection: local\n"
            "  vars:\n    nobody: []\n  tasks:\n" + "\n".join("    " + line for line in tasks.splitlines()) + "\n")


def writes_per_task(run):
    previous, per_task = 0, {}
    for record in run.tasks:
        now = record["counters"]["writes"]
        per_task[record["task"]] = now - previous
        previous = now
    return per_task


def task_output(run, name):
    """What ansible-playbook printed for the task `name` (its --diff included)."""
    after = run.stdout.split("TASK [%s]" % name, 1)[1]
    return after.split("\nTASK [", 1)[0].split("\nPLAY RECAP", 1)[0]


def present_keys(server, module):
    if module == "accounts":
        rows = query(server, "SELECT account_id FROM accounts WHERE i_customer = ? AND bill_status <> 'C'", (ACME,))
        return sorted(row["account_id"] for row in rows)
    return sorted(row["id"] for row in query(server, "SELECT id FROM extensions WHERE i_customer = ?", (ACME,)))


def test_removals_pass_the_guard_before_any_write_and_an_empty_list_never_deletes(ansible, rel, figures):
    befores = dict((module, present_keys(rel, module)) for module in ORDER)
    run = ansible.playbook(playbook(), args=["--diff"])
    writes = writes_per_task(run)
    for module in ORDER:
        check_module(module, GUARDS[module], befores[module], run, writes, rel, figures)


def check_module(module, spec, before, run, writes, rel, figures):
    assert set(spec["remove"]) <= set(before)
    prefix = module + "|"
    writes = dict((name[len(prefix):], count) for name, count in writes.items() if name.startswith(prefix))
    status = dict((t["task"][len(prefix):], t["status"]) for t in run.tasks if t["task"].startswith(prefix))
    results = dict((t["task"][len(prefix):], t["result"]) for t in run.tasks if t["task"].startswith(prefix))

    for name in ("overridden beyond the guard", "deleted beyond the guard"):
        assert status[name] == "failed", (name, results[name])
        assert "max_deletions" in results[name]["msg"], results[name]["msg"]
        assert writes[name] == 0, "%s sent %d write(s) before failing" % (name, writes[name])

    for name in ("deleted with an empty list", "deleted with a list that came out empty",
                 "overridden with an empty list"):
        assert writes[name] == 0, "%s sent %d write(s): an empty list must never delete" % (name, writes[name])
        assert results[name].get("changed") is not True, (name, results[name])

    raised = results["overridden with the guard raised"]
    assert status["overridden with the guard raised"] == "ok", raised.get("msg")
    assert raised["changed"] is True
    after = present_keys(rel, module)
    assert sorted(set(before) - set(after)) == sorted(spec["remove"])
    diff_text = json.dumps(raised.get("diff"), ensure_ascii=False)
    for key in spec["remove"]:
        assert key in diff_text, "the diff must list the removal of %s: %s" % (key, diff_text[:2000])
        assert key in task_output(run, prefix + "overridden with the guard raised"), \
            "the --diff output must list the removal of %s" % key
    figures.add("guard", module=module, guarded_tasks=2, empty_list_tasks=3,
                removed_with_guard_raised=len(spec["remove"]),
                writes_before_guard=sum(writes[n] for n in list(writes)[:-1]))
