"""Bad input corpus (issue 10, part 2): every row of bad_inputs.CASES must fail cleanly.

One ansible-playbook run per CHUNK rows (of one or more plugins) holds them as tasks with `ignore_errors`; the
row's arguments live in a vars file and reach the task as a template, so no value (a License,
a password in a URL) is ever in the playbook's source lines, which ansible-core prints for
a failed task.  Per row we check: failed, the message names the option, no traceback, no
secret anywhere in the output, and no write request while the task ran (the callback
records the sandbox's counters after every task).
"""
import ast
import itertools
import json
import math
import os
import re
import stat
import sys

import pytest

from tests.reliability.bad_inputs import BASE, CASES, LICENSE_FRAGMENTS, SETUP, known_bug
from tests.reliability.conftest import DEMO_LICENSE, OTHER_LICENSE, PLUGIN_FOLDERS, REPO, calls_in, plugin_exists, plugin_tree, query

TRACEBACK = "Traceback (most recent call last)"
# Values no output may show: Licenses, the seeded passwords, and the secrets some rows pass.
SECRETS = (DEMO_LICENSE, OTHER_LICENSE, "NO-SUCH-LICENSE", "hunter2") + LICENSE_FRAGMENTS


def seeded_passwords(server):
    rows = query(server, "SELECT voip_password, ui_password FROM accounts")
    return [value for row in rows for value in row.values() if value]


def present(plugin):
    kind, name = plugin.split(":")
    return plugin_exists(kind, name)


PLUGINS = sorted(set(case.plugin for case in CASES if present(case.plugin)))


def case_args(case):
    args = dict(BASE.get(case.plugin, {}))
    args.update(case.args)
    return args


def module_playbook(plugin, cases):
    module = plugin.split(":")[1]
    tasks = ""
    for key in sorted(cases):
        tasks += ("    - name: %s\n      portaplus.softswitch.%s: \"{{ cases['%s'] }}\"\n"
                  "      ignore_errors: true\n" % (key, module, key))
    return tasks


def lookup_playbook(plugin, cases):
    lookup = plugin.split(":")[1]
    tasks = ""
    for key in sorted(cases):
        tasks += ("    - name: %s\n      ansible.builtin.set_fact:\n"
                  "        looked_up: \"{{ lookup('portaplus.softswitch.%s', **cases['%s']) }}\"\n"
                  "      ignore_errors: true\n" % (key, lookup, key))
    return tasks


def has_traceback(result):
    """A Python traceback in a result (ansible-core 2.19 puts "(traceback unavailable)" in
    every failed result's `exception`, which is no traceback)."""
    exception = result.get("exception") or ""
    return (TRACEBACK in json.dumps(result) or "module_stderr" in result
            or (exception and exception != "(traceback unavailable)"))


def check(case, status, message, everything, writes, secrets, traceback, committed=0):
    """The problems of one row's outcome (empty when it failed as it should).  `writes` and
    `committed` count the write requests the sandbox got, and committed, during the row."""
    problems = []
    if status != "failed":
        problems.append("did not fail (status %s)" % status)
    if case.option.lower() not in (message or "").lower():
        problems.append("message does not name %r" % case.option)
    if traceback:
        problems.append("traceback in output")
    leaked = [secret for secret in secrets if secret in everything]
    if leaked:
        problems.append("secret in output: %s" % ", ".join(s[:3] + "..." for s in leaked))
    if committed:
        problems.append("%d committed write(s)" % committed)
    elif writes and case.allow != "refused-write":
        problems.append("%d write request(s)" % writes)
    return problems


def sort_out(case, problems, message, failures, known, fixed):
    """File a row's outcome: a new failure, a known bug (still misbehaving), or a known bug
    that now behaves (so its KNOWN_BUGS line must go)."""
    bug = known_bug(case)
    if bug and problems:
        known.append("%s (%s)" % (describe(case, problems, message), bug))
    elif bug:
        fixed.append("%s %s (%s) now fails cleanly: delete it from KNOWN_BUGS" % (case.plugin, case.option, case.why))
    elif problems:
        failures.append(describe(case, problems, message))


def describe(case, problems, message):
    return "%s %s (%s): %s; message: %s" % (
        case.plugin, json.dumps(case.args, ensure_ascii=True)[:160], case.why, "; ".join(problems),
        (message or "")[:300])


MAX_ROWS_PER_RUN = 64     # an ansible-playbook start costs about 1 CPU-s; several runs spread the table over the xdist workers
PLAYBOOK_ROWS = [("case-%03d" % n, case) for n, case in enumerate(CASES)
                 if case.plugin in PLUGINS and case.plugin.split(":")[0] in ("module", "lookup")]
PLAYBOOK_ROWS.sort(key=lambda row: (row[1].plugin, row[0]))
CHUNK = math.ceil(len(PLAYBOOK_ROWS) / math.ceil(len(PLAYBOOK_ROWS) / MAX_ROWS_PER_RUN))     # those runs, of even sizes
PLAYBOOK_CHUNKS = ["rows-%03d" % start for start in range(0, len(PLAYBOOK_ROWS), CHUNK)]
INVENTORY_PLUGINS = [p for p in PLUGINS if p.startswith("inventory:")]


def chunk_tasks(rows):
    """The tasks of some rows of the modules and lookups, each plugin's setup tasks before its first row."""
    tasks = ""
    for plugin, plugin_rows in itertools.groupby(rows, key=lambda row: row[1].plugin):
        make_tasks = module_playbook if plugin.startswith("module:") else lookup_playbook
        tasks += SETUP.get(plugin, "") + make_tasks(plugin, [key for key, _case in plugin_rows])
    return tasks


@pytest.mark.parametrize("chunk", PLAYBOOK_CHUNKS)
def test_bad_inputs_fail_cleanly_naming_the_option(chunk, ansible, rel, figures):
    """Rows of several plugins share a run: a failed row sends nothing and changes nothing (checked per row)."""
    start = int(chunk.split("-")[1])
    rows = PLAYBOOK_ROWS[start:start + CHUNK]
    cases = dict(rows)
    secrets = SECRETS + tuple(seeded_passwords(rel))
    vars_file = json.dumps({"cases": dict((key, case_args(case)) for key, case in cases.items())})
    text = ("- hosts: localhost\n  gather_facts: false\n  connection: local\n"
            "  vars_files: [cases.json]\n  tasks:\n" + chunk_tasks(rows))
    run = ansible.playbook(text, files={"cases.json": vars_file},
                           extra_env={"ANSIBLE_PIPELINING": "1"})
    assert run.rc == 0, run.output[-3000:]
    recorded = dict((t["task"], t) for t in run.tasks)
    whole_output_leaks = [s[:3] + "..." for s in secrets if s in run.output]

    failures, known, fixed, previous_writes, previous_committed = [], [], [], 0, 0
    for key, case in rows:
        record = recorded.get(key)
        if record is None:
            failures.append(describe(case, ["no result recorded"], ""))
            continue
        writes_now = (record["counters"] or {}).get("writes", 0)
        committed_now = (record["counters"] or {}).get("committed_writes", 0)
        result = record["result"]
        message = result.get("msg")
        problems = check(case, record["status"], message, json.dumps(result, ensure_ascii=False),
                         writes_now - previous_writes, secrets, has_traceback(result),
                         committed_now - previous_committed)
        previous_writes, previous_committed = writes_now, committed_now
        sort_out(case, problems, message, failures, known, fixed)

    figures.add("bad-input", plugin="%s (%s)" % (chunk, " ".join(sorted(set(c.plugin for c in cases.values())))),
                inputs=len(cases),
                failed_cleanly=len(cases) - len(failures) - len(known), problems=len(failures),
                known_bugs=len(known), output_leaks=len(whole_output_leaks))
    for line in known:
        print("known bug: " + line)
    assert not whole_output_leaks, "secrets in the run's output: %s" % whole_output_leaks
    assert TRACEBACK not in run.output
    assert not failures, "%d of %d bad inputs misbehaved:\n%s" % (len(failures), len(cases), "\n".join(failures))
    assert not fixed, "\n".join(fixed)


def test_corpus_is_large_and_covers_every_plugin_present(figures):
    """The table keeps at least 150 rows of present plugins, and every plugin has rows."""
    rows = [case for case in CASES if present(case.plugin)]
    plugins = []
    for kind, folder in PLUGIN_FOLDERS.items():
        path = os.path.join(REPO, "plugins", folder)
        if os.path.isdir(path):
            plugins += ["%s:%s" % (kind, name[:-3]) for name in sorted(os.listdir(path))
                        if name.endswith(".py") and not name.startswith("_")]
    if plugin_exists("role", "customer"):
        plugins.append("role:customer")
    covered = set(case.plugin for case in rows)
    figures.add("bad-input", total_inputs=len(rows), plugins=len(covered))
    assert len(rows) >= 150
    assert [p for p in plugins if p not in covered] == [], "plugins without bad-input rows"


#: (single-object module, list module, the field table both take): bad_inputs.py proves most field rules on the list
#: module only, as the test below allows.
RESOURCE_PAIRS = (("account", "accounts", "ACCOUNT_OPTIONS", "AccountSpec"),
                  ("extension", "extensions", "EXTENSION_OPTIONS", "ExtensionSpec"))


def spec_call(tree, helper):
    """The arguments of the module's one call of `helper` (single_ or list_argument_spec), as text."""
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", None) == helper]
    assert len(calls) == 1, helper
    return [ast.dump(arg) for arg in calls[0].args], sorted(ast.dump(keyword) for keyword in calls[0].keywords)


def test_single_and_list_modules_check_each_field_through_one_table():
    """Why a field rule that the list module's rows prove (accounts, extensions) is not proven again on the
    single-object module (account, extension): both build their options from the same field table with the
    same scope options (so ansible-core applies the same types), build the same resource spec class, and the
    single module runs its one item through the same Engine (run_single calls Engine.run), whose checks come
    from the table; the spec's `single` only drops the "config[N]." prefix from the option's name."""
    with open(os.path.join(REPO, "plugins", "module_utils", "engine", "runner.py")) as handle:
        runner = ast.parse(handle.read())
    with open(os.path.join(REPO, "plugins", "module_utils", "engine", "resource.py")) as handle:
        resource = ast.parse(handle.read())
    functions = dict((node.name, node) for tree in (runner, resource) for node in tree.body
                     if isinstance(node, ast.FunctionDef))
    assert "run_single" in calls_in(functions["run_resource_module"])
    assert "Engine" in calls_in(functions["run_single"]) and "run" in calls_in(functions["run_single"])
    for single, listed, table, spec_class in RESOURCE_PAIRS:
        single_tree, list_tree = plugin_tree("module", single), plugin_tree("module", listed)
        single_args, list_args = spec_call(single_tree, "single_argument_spec"), spec_call(list_tree, "list_argument_spec")
        assert single_args == list_args, (single, listed)
        assert single_args[0][0] == ast.dump(ast.Name(id=table, ctx=ast.Load())), single
        for tree in (single_tree, list_tree):
            assert spec_class in calls_in(tree) and "run_resource_module" in calls_in(tree)
        single_run = [node for node in ast.walk(single_tree) if isinstance(node, ast.Call)
                      and getattr(node.func, "id", None) == "run_resource_module"]
        assert [keyword.arg for keyword in single_run[0].keywords] == ["single"], single


def test_every_product_and_addon_option_is_resolved_by_the_one_catalogue_function():
    """Why the catalogue's refusals (a wrong type, empty, unknown, another reseller's id, the other kind) are proven
    on accounts' product and addons rows and not again on account_addon's addon or account_info's product: each of
    these options is raw (ansible-core passes the value on as given) and goes to Catalogue.resolve with the same
    kind (MAIN for a product, ADDON for an add-on); account_addon and account_info keep rows of their own."""
    with open(os.path.join(REPO, "plugins", "module_utils", "account.py")) as handle:
        source = handle.read()
    tree = ast.parse(source)
    kinds = sorted(ast.dump(call.args[2]) for call in ast.walk(tree) if isinstance(call, ast.Call)
                   and getattr(call.func, "attr", None) == "resolve" and len(call.args) == 3)
    load = dict((kind, ast.dump(ast.Name(id=kind, ctx=ast.Load()))) for kind in ("MAIN", "ADDON"))
    # accounts' product, accounts' addons, account_addon's resolve() and prepare(), account_info's find_accounts
    assert kinds == sorted([load["MAIN"], load["ADDON"], load["ADDON"], load["ADDON"], load["MAIN"]]), kinds
    assert '"product": Field(\n        "str", option=dict(type="raw")' in source
    assert '"addons": Field(\n        "set", option=dict(type="list", elements="raw")' in source
    for module, option in (("account_addon", "addon"), ("account_info", "product")):
        calls = [node for node in ast.walk(plugin_tree("module", module)) if isinstance(node, ast.keyword)
                 and node.arg == option and isinstance(node.value, ast.Call)]
        assert [ast.dump(keyword) for call in calls for keyword in call.value.keywords if keyword.arg == "type"] == [
            ast.dump(ast.keyword(arg="type", value=ast.Constant(value="raw")))], module
    assert "find_accounts" in calls_in(plugin_tree("module", "account_info"))
    assert "AccountAddonSpec" in calls_in(plugin_tree("module", "account_addon"))


# Defined only when the branch has an inventory plugin: an empty parametrization would be a skip.
if INVENTORY_PLUGINS:
    @pytest.mark.parametrize("plugin", INVENTORY_PLUGINS)
    def test_bad_inventory_sources_fail_cleanly_naming_the_option(plugin, ansible, rel, figures):
        """All rows in one ansible-inventory run, one source file each (a source is one whole configuration):
        ansible-core reports each source's failure, with the source's path, and goes on with the next."""
        cases = [case for case in CASES if case.plugin == plugin]
        secrets = SECRETS + tuple(seeded_passwords(rel))
        sources, paths = [], {}
        folder = ansible.tmp / "sources"
        folder.mkdir()
        for number, case in enumerate(cases):
            path = folder / ("case-%03d.portaplus.yml" % number)
            path.write_text(json.dumps(dict({"plugin": "portaplus.softswitch." + plugin.split(":")[1]}, **case.args)))
            sources += ["-i", str(path)]
            paths[number] = str(path)
        before = rel.counters()["writes"]
        run = ansible.inventory("plugin: portaplus.softswitch.accounts\ncustomers: [%d]\n" % 1001,
                                args=tuple(sources) + ("--list",), timeout=600,
                                extra_env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "false",
                                           "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "false"})
        writes = rel.counters()["writes"] - before
        messages = inventory_failures(run.output)
        failures, known, fixed = [], [], []
        for number, case in enumerate(cases):
            message = messages.get(paths[number])
            problems = check(case, "failed" if message is not None else "ok", message, message or "", 0, secrets,
                             TRACEBACK in (message or ""))
            sort_out(case, problems, message, failures, known, fixed)
        figures.add("bad-input", plugin=plugin, inputs=len(cases),
                    failed_cleanly=len(cases) - len(failures) - len(known), problems=len(failures),
                    known_bugs=len(known), writes=writes)
        assert TRACEBACK not in run.output
        assert [s[:3] for s in secrets if s in run.output] == []
        assert writes == 0
        assert not failures, "%d of %d bad inventory sources misbehaved:\n%s" % (
            len(failures), len(cases), "\n".join(failures))
        assert not fixed, "\n".join(fixed)


def inventory_failures(output):
    """source path -> the message ansible-core printed for the failure of that source."""
    pattern = re.compile(r"<<< caused by >>>\n(.*?)\nOrigin: <inventory plugin '[^']*' with source '([^']+)'>", re.S)
    return dict((match.group(2), match.group(1)) for match in pattern.finditer(output))


ROLE_PLUGINS = [p for p in PLUGINS if p.startswith("role:")]

# Defined only when the branch has the role: an empty parametrization would be a skip.
if ROLE_PLUGINS:
    @pytest.mark.parametrize("plugin", ROLE_PLUGINS)
    def test_bad_customer_files_fail_cleanly_naming_the_key(plugin, ansible, rel, figures):
        """One host per row (a customer file each), all in one run: a host that fails leaves
        the play, the others go on, and the run must send no write at all."""
        role = plugin.split(":")[1]
        cases = dict(("case-%03d" % n, case) for n, case in enumerate(CASES) if case.plugin == plugin)
        secrets = SECRETS + tuple(seeded_passwords(rel))
        files, hosts = {}, ["[cases]"]
        for key, case in cases.items():
            files["customers/%s.yml" % key] = json.dumps(case_args(case))
            hosts.append("%s customer_file=customers/%s.yml ansible_connection=local ansible_python_interpreter=%s"
                         % (key, key, sys.executable))
        files["inventory.ini"] = "\n".join(hosts) + "\n"
        text = ("- hosts: cases\n  gather_facts: false\n  roles:\n    - role: portaplus.softswitch.%s\n" % role)
        run = ansible.playbook(text, args=["-i", "inventory.ini", "--forks", "4"], files=files)
        writes = [r for r in rel.requests() if r["write"]]
        refused_rows = sum(1 for case in cases.values() if case.allow == "refused-write")
        failures, known, fixed = [], [], []
        for key in sorted(cases):
            case = cases[key]
            records = [t for t in run.tasks if t["host"] == key]
            failed = [t for t in records if t["status"] == "failed"]
            message = failed[0]["result"].get("msg") if failed else ""
            problems = check(case, "failed" if failed else "ok", message,
                             json.dumps([t["result"] for t in records], ensure_ascii=False), 0, secrets,
                             any(has_traceback(t["result"]) for t in failed))
            sort_out(case, problems, message, failures, known, fixed)
        figures.add("bad-input", plugin=plugin, inputs=len(cases),
                    failed_cleanly=len(cases) - len(failures) - len(known), problems=len(failures),
                    known_bugs=len(known), writes=len(writes))
        assert TRACEBACK not in run.output
        assert [s[:3] for s in secrets if s in run.output] == []
        # hosts run at once, so writes are checked for the run: none committed, and none but
        # the creates the server refuses (rows marked refused-write)
        assert [w["route"] for w in writes if w["committed"]] == []
        assert len(writes) <= refused_rows, "bad customer files sent writes: %s" % [w["route"] for w in writes]
        assert not failures, "%d of %d bad customer files misbehaved:\n%s" % (
            len(failures), len(cases), "\n".join(failures))
        assert not fixed, "\n".join(fixed)


# -- where a module writes (issue 22): never through a link, never over a special or a stranger's file --------

WRITERS = {
    "cdr_export": {"customer": 1001, "from_date": "-30d", "to_date": "today"},
    "cdr_report": {"src": "{{ playbook_dir }}/cdrs.csv"},
}
# dest kind -> (path relative to the run's folder, or absolute; force)
DESTS = {
    "symlink": ("link.out", False),
    "symlink with force": ("link.out", True),
    "dangling symlink": ("dangling.out", True),
    "FIFO": ("fifo.out", True),
    "character device": ("/dev/null", True),
    "directory": ("folder", True),
    "someone else's file": ("theirs.out", False),
}
DEST_SETUP = """    - name: setup
      ansible.builtin.shell: |
        set -e
        printf 'precious\\n' > victim.txt
        printf 'their own notes\\n' > theirs.out
        ln -sfn victim.txt link.out
        ln -sfn nowhere.txt dangling.out
        rm -f fifo.out && mkfifo fifo.out
        mkdir -p folder
        printf '%s\\n' > cdrs.csv
      args:
        chdir: "{{ playbook_dir }}"
"""


def test_dest_links_special_files_and_strangers_files_are_refused(ansible, rel, figures):
    """Every module that writes a file, against every kind of dest it must not replace: each fails naming dest
    and the path, and afterwards the link still points at an unchanged victim, the FIFO is still a FIFO, the
    other file is unchanged, and no write request reached the sandbox."""
    from tests.reliability.bad_inputs import CDR_CSV_HEADER
    tasks, expected = DEST_SETUP % CDR_CSV_HEADER, {}
    for module, args in WRITERS.items():
        for kind, (path, force) in DESTS.items():
            name = "%s|%s" % (module, kind)
            dest = path if path.startswith("/") else "{{ playbook_dir }}/" + path
            task_args = dict(args, dest=dest, force=force)
            tasks += "    - name: %s\n      portaplus.softswitch.%s: %s\n      ignore_errors: true\n" % (
                name, module, json.dumps(task_args))
            expected[name] = path
    text = "- hosts: localhost\n  gather_facts: false\n  connection: local\n  tasks:\n" + tasks
    before = rel.counters()["writes"]
    run = ansible.playbook(text, extra_env={"ANSIBLE_PIPELINING": "1"})
    writes = rel.counters()["writes"] - before
    recorded = dict((t["task"], t) for t in run.tasks)
    problems = []
    for name, path in expected.items():
        record = recorded.get(name)
        message = (record or {}).get("result", {}).get("msg") or ""
        if record is None or record["status"] != "failed":
            problems.append("%s: %s" % (name, record and record["status"]))
        elif "dest" not in message or os.path.basename(path) not in message:
            problems.append("%s: the message names neither dest nor the path: %s" % (name, message[:300]))
        elif has_traceback(record["result"]):
            problems.append("%s: traceback" % name)
    folder = run.files
    assert (folder / "victim.txt").read_text() == "precious\n"
    assert os.readlink(str(folder / "link.out")) == "victim.txt"
    assert not os.path.exists(str(folder / "nowhere.txt"))
    assert stat.S_ISFIFO(os.lstat(str(folder / "fifo.out")).st_mode)
    assert (folder / "theirs.out").read_text() == "their own notes\n"
    assert os.listdir(str(folder / "folder")) == []
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    leftovers = [name for name in os.listdir(str(folder)) if name.endswith((".part", ".manifest.json", ".tmp"))]
    figures.add("bad-input", plugin="file dests", inputs=len(expected), failed_cleanly=len(expected) - len(problems),
                problems=len(problems), writes=writes, leftovers=len(leftovers))
    assert not problems, "\n".join(problems)
    assert writes == 0 and leftovers == []


def test_own_files_are_replaced_force_replaces_a_strangers_and_a_customer_named_twice_comes_back_once(ansible, rel):
    """The other side of the refusal: a module's own earlier file (manifest, generator mark) is replaced without
    force, and force replaces a stranger's regular file.  The same run (one ansible-playbook start for both)
    queries the cdrs lookup with customer 1001 once, twice and thrice: each record comes back once, as the docs
    promise."""
    from tests.reliability.bad_inputs import CDR_CSV_HEADER
    tasks = named_twice_tasks() + DEST_SETUP % CDR_CSV_HEADER
    for module, args in WRITERS.items():
        for number, (dest, force) in enumerate((("own.%s" % module, False), ("own.%s" % module, False),
                                               ("theirs.out", True))):
            task_args = dict(args, dest="{{ playbook_dir }}/" + dest, force=force)
            if module == "cdr_export" and number == 1:
                task_args["to_date"] = "now"      # another query: the file is written again
            if module == "cdr_export" and dest == "theirs.out":
                continue
            tasks += "    - name: %s|%d\n      portaplus.softswitch.%s: %s\n" % (module, number, module, json.dumps(task_args))
    tasks += "    - name: report over theirs\n      portaplus.softswitch.cdr_report: %s\n" % json.dumps(
        dict(WRITERS["cdr_report"], dest="{{ playbook_dir }}/theirs.out", force=False))
    run = ansible.playbook("- hosts: localhost\n  gather_facts: false\n  connection: local\n  tasks:\n" + tasks,
                           extra_env={"ANSIBLE_PIPELINING": "1"})
    assert run.rc == 0, run.output[-3000:]
    assert "portaplus.softswitch.cdr_report" in (run.files / "theirs.out").read_text()
    mode = stat.S_IMODE(os.stat(str(run.files / "own.cdr_export")).st_mode)
    assert mode & 0o077 == 0o666 & ~current_umask() & 0o077
    once, twice, thrice = run.task("show")["result"]["msg"]
    assert once and twice == once and thrice == once


def current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


NAMED_TWICE = (("once", "1001"), ("twice", "1001, 1001"), ("thrice-mixed", "1001, '1001', 1001"))


def named_twice_tasks():
    """query('portaplus.softswitch.cdrs', 1001, 1001, ...) once, twice and thrice (mixed types), then shown."""
    tasks = ""
    for name, terms in NAMED_TWICE:
        tasks += ("    - name: %s\n      ansible.builtin.set_fact:\n        %s: \"{{ query('portaplus.softswitch.cdrs', %s, "
                  "from_date='-30d', to_date='today') | map(attribute='id') | list }}\"\n" % (name, name.replace("-", "_"), terms))
    return tasks + "    - name: show\n      ansible.builtin.debug:\n        msg: \"{{ [once, twice, thrice_mixed] }}\"\n"
