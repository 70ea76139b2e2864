"""Secrets grid (issue 10, part 3): no License, no part of one, no password ever shows.

Grid: plugin x way the License is given (option, module_defaults - modules only -,
PORTAPLUS_LICENSE, the inventory file) x outcome (success, 404, 401, injected 500s, read timeout, connection
refused, wrong URL, and a License containing '/').  Every plugin gets every outcome; each outcome, success
included, rotates the way over the plugins, so each outcome still sees every way.  One way per plugin
suffices because every plugin takes its connection options from one adapter (engine/options.py) and every
module is in the module_defaults action group: test_every_plugin_takes_its_connection_options_from_the_one_adapter
proves both.  The playbooks run at -vvvv --diff; we search stdout, stderr, every
registered result (diffs included) and every file the run left behind, other than the
inputs we wrote, for every secret and every '/'-separated part of the License.
"""
import ast
import hashlib
import hmac
import json
import os
import re
from collections import OrderedDict
from urllib.parse import quote

import pytest
import yaml

from tests.reliability.bad_inputs import CONNECTED
from tests.reliability.conftest import DEMO_LICENSE, REPO, calls_in, plugin_exists, plugin_tree, query

ACME = 1001
WRONG_LICENSE = "WRONG-Lic-7Hq2Zp"
SLASH_LICENSE = "Qx7Kp9Lm2/Zr4Tw8Vn5/Hy3Jb6Dc1=="
PASSWORDS = ("Pw-Secret-Acc-01", "Pw-Secret-Acc-02")
WAYS = ("option", "module_defaults", "environment", "inventory")
INPUTS = ("playbook.yml", "grid.json", "inventory.ini", "results.jsonl")

# The call each plugin makes when all goes well (connection options come from the way).
SUCCESS_ARGS = {
    "module:accounts": {"customer": ACME, "config": [
        {"account_id": "441632960077", "product": "Office Line", "first_name": "Grid", "password": PASSWORDS[0]}]},
    "module:account": {"customer": ACME, "account_id": "441632960002", "email": "bob.grid@acme.example",
                       "password": PASSWORDS[1]},
    "module:account_addon": {"customer": ACME, "account_id": "441632960002", "addon": "Call Recording"},
    "module:account_info": {"customer": ACME},
    "module:extension": {"customer": ACME, "number": "301", "name": "Grid", "account_id": "441632960003"},
    "module:extensions": {"customer": ACME, "config": [{"number": "302", "name": "Grid Two"}]},
    "module:extension_info": {"customer": ACME},
    "module:product_info": {},
    "module:customer_info": {"customer": ACME},
    "module:cdr_export": {"customer": ACME, "dest": "{{ playbook_dir }}/export.csv", "from_date": "-30d", "to_date": "today"},
    "lookup:cdrs": {"customer": ACME, "from_date": "-7d", "to_date": "today"},
    "lookup:active_calls": {"customer": ACME},
}
PLUGINS = [p for p in sorted(SUCCESS_ARGS) if plugin_exists(*p.split(":"))]
SANDBOX_URL = "{{ lookup('ansible.builtin.env', 'PORTAPLUS_URL') }}"
FAULTS_URL = "{{ lookup('ansible.builtin.env', 'PORTAPLUS_SANDBOX_ADMIN') }}/faults"

# outcome -> (arguments on top of the success call, sandbox faults during it, which License)
OUTCOMES = {
    "success": ({}, None, "good"),
    "404": ({"customer": 987654}, None, "good"),
    "401": ({}, None, "wrong"),
    "slash-license": ({}, None, "slash"),
    "500": ({"retries": 1}, {"fault_rate": 1.0, "kinds": ["500"]}, "good"),
    # the client gives up after 0.5 s, a second before the hung request's connection is dropped
    "read-timeout": ({"timeout": 0.5, "retries": 1}, {"fault_rate": 1.0, "kinds": ["timeout"], "hang_s": 1.5}, "good"),
    "refused": ({"url": "http://127.0.0.1:9", "retries": 1}, None, "good"),
    "wrong-url": ({"url": SANDBOX_URL + "/not/the/api"}, None, "good"),
}
GROUPS = {"success-404-401-slash": ("success", "404", "401", "slash-license"),
          "500-timeout-refused-wrongurl": ("500", "read-timeout", "refused", "wrong-url")}
LICENSE_VARS = {"good": "demo_license", "wrong": "wrong_license", "slash": "slash_license"}


def secrets():
    values = [DEMO_LICENSE, WRONG_LICENSE, SLASH_LICENSE] + list(PASSWORDS)
    values += [part for part in SLASH_LICENSE.split("/") if part]
    values += [quote(SLASH_LICENSE, safe=""), quote(SLASH_LICENSE)]
    return values


def cells(group):
    """(key, plugin, way, outcome) of one group of the grid."""
    result = []
    for outcome in GROUPS[group]:
        for index, plugin in enumerate(PLUGINS):
            # lookups have no module_defaults (that way is the modules' alone)
            usable = WAYS if plugin.startswith("module:") else tuple(w for w in WAYS if w != "module_defaults")
            way = usable[(index + len(outcome)) % len(usable)]
            result.append(("%s|%s|%s" % (outcome, plugin.split(":")[1], way), plugin, way, outcome))
    return result


def cell_args(plugin, way, outcome):
    extra, _faults, which = OUTCOMES[outcome]
    args = dict(SUCCESS_ARGS[plugin])
    if outcome == "404" and "customer" not in args:
        args["url"] = SANDBOX_URL + "/not/the/api"      # product_info has no object to miss
    else:
        args.update(extra)
    if way == "option":
        args["license"] = "{{ %s }}" % LICENSE_VARS[which]
    elif way == "inventory":
        args["license"] = "{{ portaplus_%s }}" % LICENSE_VARS[which]
    return args


def task_text(key, plugin, way, outcome):
    kind, name = plugin.split(":")
    which = LICENSE_VARS[OUTCOMES[outcome][2]]
    lines = ["    - name: %s" % key]
    if kind == "module":
        lines.append("      portaplus.softswitch.%s: \"{{ cells['%s'] }}\"" % (name, key))
    else:
        lines += ["      ansible.builtin.set_fact:",
                  "        looked_up: \"{{ lookup('portaplus.softswitch.%s', **cells['%s']) }}\"" % (name, key)]
    if way == "module_defaults":
        lines.append("      module_defaults: {\"group/portaplus.softswitch.api\": {\"license\": \"{{ %s }}\"}}" % which)
    lines.append("      ignore_errors: true")
    return "\n".join(lines) + "\n"


def faults_task(settings):
    body = json.dumps(settings) if settings else "{}"
    return ("    - name: \"sandbox faults %s\"\n      ansible.builtin.uri:\n        url: \"%s\"\n"
            "        method: POST\n        body_format: json\n        body: %s\n" % (body.replace('"', "'"), FAULTS_URL, body))


def runs_of(group):
    """The cells grouped by ansible-playbook run: the "environment" way needs
    PORTAPLUS_LICENSE exported for the whole run (as a user's shell does), one run per License
    value.  The other ways join the run whose PORTAPLUS_LICENSE is the wrong License when the group
    has one (so a License they give must win over the environment's), else the group's first run.
    (The `environment:` task keyword is not our way: ansible-core prints its values in -vvvv EXEC lines.)"""
    runs, others = {}, []
    for cell in cells(group):
        _key, _plugin, way, outcome = cell
        if way == "environment":
            runs.setdefault(OUTCOMES[outcome][2], []).append(cell)
        else:
            others.append(cell)
    host = "wrong" if "wrong" in runs else sorted(runs)[0]
    runs[host] = others + runs[host]
    return runs


def grid_playbook(run_cells):
    text = ("- hosts: grid\n  gather_facts: false\n  vars_files: [grid.json]\n  tasks:\n")
    for outcome in OUTCOMES:
        chosen = [cell for cell in run_cells if cell[3] == outcome]
        if not chosen:
            continue
        faults = OUTCOMES[outcome][1]
        if faults:
            text += faults_task(faults)
        for key, plugin, way, _outcome in chosen:
            text += task_text(key, plugin, way, outcome)
        if faults:
            text += faults_task(None)
    return text


#: The runner's helpers, by what they do, and the adapter function each must call.
SPEC_HELPERS = ("connection_argument_spec", "info_argument_spec", "list_argument_spec", "single_argument_spec")
CLIENT_HELPERS = ("client_from_module", "run_info_module", "run_file_module", "run_resource_module")


def test_every_plugin_takes_its_connection_options_from_the_one_adapter():
    """Why the grid gives each plugin one way per outcome (and the bad-input corpus proves most connection
    options and License shapes on one module): every module of the grid builds its connection options with
    connection_argument_spec (directly or through the runner's *_argument_spec helpers) and its client with
    client_from_module (directly or through the runner's run_* helpers), declares no connection option of its
    own, and is in the module_defaults action group; every lookup and the inventory use client_from_plugin."""
    with open(os.path.join(REPO, "plugins", "module_utils", "engine", "runner.py")) as handle:
        runner = ast.parse(handle.read())
    helpers = dict((node.name, calls_in(node)) for node in runner.body if isinstance(node, ast.FunctionDef))
    for name in SPEC_HELPERS[1:]:
        assert "connection_argument_spec" in helpers[name], name
    for name in CLIENT_HELPERS[1:]:
        assert "client_from_module" in helpers[name], name
    with open(os.path.join(REPO, "meta", "runtime.yml")) as handle:
        group = yaml.safe_load(handle)["action_groups"]["api"]
    connected = set(PLUGINS) | set(p for p in CONNECTED if plugin_exists(*p.split(":")))
    for plugin in sorted(connected):
        kind, name = plugin.split(":")
        tree = plugin_tree(kind, name)
        called = calls_in(tree)
        if kind == "module":
            assert called & set(SPEC_HELPERS) and called & set(CLIENT_HELPERS), plugin
            keys = set(node.value for node in ast.walk(tree) if isinstance(node, ast.Constant))
            keywords = set(node.arg for node in ast.walk(tree) if isinstance(node, ast.keyword))
            own = [option for option in ("url", "license", "timeout", "retries", "validate_certs", "ca_path")
                   if option in keywords]
            assert own == [], "%s declares connection options of its own: %s" % (plugin, own)
            assert "portaplus.softswitch.connection" in keys or any(
                "portaplus.softswitch.connection" in str(key) for key in keys), plugin
            assert name in group, "%s is not in the module_defaults action group" % plugin
        else:
            assert "client_from_plugin" in called, plugin
    grid = [cell for group_name in GROUPS for cell in cells(group_name)]
    for outcome in OUTCOMES:
        assert set(WAYS) == set(way for _k, _p, way, o in grid if o == outcome), outcome
        assert set(PLUGINS) == set(plugin for _k, plugin, _w, o in grid if o == outcome), outcome


def leaks_in(text, where, found):
    for secret in secrets():
        if secret in text:
            found.append("%s in %s" % (secret[:4] + "...", where))


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_no_license_part_or_password_in_output_results_diffs_or_files(group, ansible, rel, figures):
    grid = cells(group)
    data = {"cells": dict((key, cell_args(plugin, way, outcome)) for key, plugin, way, outcome in grid),
            "demo_license": DEMO_LICENSE, "wrong_license": WRONG_LICENSE, "slash_license": SLASH_LICENSE}
    inventory = ("[grid]\nlocalhost ansible_connection=local portaplus_demo_license=%s "
                 "portaplus_wrong_license=%s portaplus_slash_license=%s\n" % (DEMO_LICENSE, WRONG_LICENSE, SLASH_LICENSE))
    license_values = {"good": DEMO_LICENSE, "wrong": WRONG_LICENSE, "slash": SLASH_LICENSE}
    found, recorded, runs, files = [], {}, [], 0
    for env_license, run_cells in sorted(runs_of(group).items()):
        run = ansible.playbook(grid_playbook(run_cells), args=["-i", "inventory.ini", "-vvvv", "--diff"],
                               license=license_values[env_license],
                               files={"grid.json": json.dumps(data), "inventory.ini": inventory},
                               extra_env={"ANSIBLE_PIPELINING": "1"})
        assert run.rc == 0, run.output[-3000:]
        runs.append(run)
        leaks_in(run.stdout, "stdout", found)
        leaks_in(run.stderr, "stderr", found)
        recorded.update((t["task"], t) for t in run.tasks)
        for folder, _dirs, names in os.walk(str(run.files)):
            for name in names:
                path = os.path.join(folder, name)
                if os.path.relpath(path, str(run.files)) in INPUTS:
                    continue
                files += 1
                with open(path, "rb") as handle:
                    leaks_in(handle.read().decode("utf-8", "replace"), "file " + name, found)
    seeded = [v for row in query(rel, "SELECT voip_password, ui_password FROM accounts") for v in row.values() if v]
    for password in seeded:
        if any(password in run.everything() for run in runs):
            found.append("seeded password %s... in the output" % password[:4])

    wrong_outcome = []
    for key, plugin, way, outcome in grid:
        record = recorded.get(key)
        if record is None:
            wrong_outcome.append("%s: no result" % key)
            continue
        leaks_in(json.dumps(record["result"], ensure_ascii=False), "result of " + key, found)
        expected = "ok" if outcome == "success" else "failed"
        message = record["result"].get("msg") or ""
        if record["status"] != expected:
            wrong_outcome.append("%s: %s, expected %s: %s" % (key, record["status"], expected, message[:200]))
        elif outcome == "read-timeout" and "read timeout" not in message:
            wrong_outcome.append("%s: failed, but not by the read timeout: %s" % (key, message[-300:]))
    figures.add("secrets", group=group, runs=len(runs), cells=len(grid), plugins=len(PLUGINS),
                files_scanned=files, leaks=len(found))
    assert not found, "leaks:\n" + "\n".join(found)
    assert not wrong_outcome, "cells that did not end as their outcome says:\n" + "\n".join(wrong_outcome)


# -- the roles and the inventory --------------------------------------------------------------

ROLE_PASSWORD = "Pw-Secret-Role-03"


def role_play(name, roles, license_var=None, faults=None, failing=False):
    """One play applying `roles`; the License through module_defaults when `license_var` is
    given (else PORTAPLUS_LICENSE from the environment); `failing` plays ignore errors."""
    text = "- name: %s\n  hosts: localhost\n  gather_facts: false\n  connection: local\n" % name
    text += "  vars_files: [grid.json]\n"
    if license_var:
        text += "  module_defaults:\n    group/portaplus.softswitch.api:\n      license: \"{{ %s }}\"\n" % license_var
    text += "  tasks:\n"
    if faults:
        text += faults_task(faults)
    for role, role_vars in roles:
        text += "    - name: %s %s\n      ansible.builtin.import_role:\n        name: portaplus.softswitch.%s\n" % (
            name, role, role)
        text += "      vars: %s\n" % json.dumps(role_vars)
        if failing:
            text += "      ignore_errors: true\n"
    if faults:
        text += faults_task(None)
    return text


ROLE_RUNS = [
    # (play name, License variable or None for PORTAPLUS_LICENSE, faults, failing)
    ("success-environment", None, None, False),
    ("success-module_defaults", "demo_license", None, False),
    ("401-module_defaults", "wrong_license", None, True),
    ("500-environment", None, {"fault_rate": 1.0, "kinds": ["500"]}, True),
    ("slash-module_defaults", "slash_license", None, True),
]
ROLES_PRESENT = [role for role in ("customer", "cdr_report") if plugin_exists("role", role)]

if ROLES_PRESENT:
    def test_roles_leak_no_license_part_or_password_at_vvvv_diff(ansible, rel, figures):
        customer = {"customer": ACME, "name": "Acme", "accounts": [
            {"account_id": "441632960088", "product": "Office Line", "first_name": "Role", "password": ROLE_PASSWORD}]}
        role_vars = {"customer": {"customer_file": "{{ playbook_dir }}/customers/acme.yml"},
                     "cdr_report": {"cdr_report_customer": ACME, "cdr_report_from": "-30d", "cdr_report_to": "today",
                                    "cdr_report_dir": "{{ playbook_dir }}/reports"}}
        roles = [(role, role_vars[role]) for role in ROLES_PRESENT]
        text = "".join(role_play(name, roles, license_var, faults, failing)
                       for name, license_var, faults, failing in ROLE_RUNS)
        data = {"demo_license": DEMO_LICENSE, "wrong_license": WRONG_LICENSE, "slash_license": SLASH_LICENSE}
        run = ansible.playbook(text, args=["-vvvv", "--diff"],
                               files={"grid.json": json.dumps(data), "customers/acme.yml": json.dumps(customer)},
                               extra_env={"ANSIBLE_PIPELINING": "1"})
        found, files = [], 0
        leaks_in(run.stdout, "stdout", found)
        leaks_in(run.stderr, "stderr", found)
        leaks_in(json.dumps(run.tasks, ensure_ascii=False), "results", found)
        if ROLE_PASSWORD in run.everything():
            found.append("the customer file's password in the output")
        for folder, _dirs, names in os.walk(str(run.files)):
            for name in names:
                path = os.path.join(folder, name)
                if os.path.relpath(path, str(run.files)) in INPUTS + ("customers/acme.yml",):
                    continue
                files += 1
                with open(path, "rb") as handle:
                    leaks_in(handle.read().decode("utf-8", "replace"), "file " + name, found)
        figures.add("secrets", group="roles", runs=1, plays=len(ROLE_RUNS), roles=len(ROLES_PRESENT),
                    files_scanned=files, leaks=len(found))
        # only the failure plays ignore errors, so rc 0 means the success plays succeeded
        assert run.rc == 0, run.output[-3000:]
        if "cdr_report" in ROLES_PRESENT:
            assert any(name.endswith(".html") for _f, _d, names in os.walk(str(run.files)) for name in names)
        assert not found, "leaks:\n" + "\n".join(found)


INVENTORY_RUNS = [
    # (name, keys of the source file, License in PORTAPLUS_LICENSE, faults, should succeed)
    ("success-file", {"license": DEMO_LICENSE}, None, None, True),
    ("success-environment", {}, DEMO_LICENSE, None, True),
    ("401-file", {"license": WRONG_LICENSE}, None, None, False),
    ("slash-environment", {}, SLASH_LICENSE, None, False),
    ("500-environment", {"retries": 1}, DEMO_LICENSE, {"fault_rate": 1.0, "kinds": ["500"]}, False),
    ("refused-file", {"license": DEMO_LICENSE, "url": "http://127.0.0.1:9", "retries": 1}, None, None, False),
    ("wrong-url-environment", {"url": "{{ lookup('ansible.builtin.env', 'PORTAPLUS_URL') }}/not/the/api"},
     DEMO_LICENSE, None, False),
]


def inventory_runs():
    """INVENTORY_RUNS grouped by ansible-inventory process: the sources that need the same PORTAPLUS_LICENSE and
    the same sandbox faults share one run (each its own source file, its own outcome)."""
    runs = OrderedDict()
    for row in INVENTORY_RUNS:
        runs.setdefault((row[2], json.dumps(row[3])), []).append(row)
    return list(runs.values())


if plugin_exists("inventory", "accounts"):
    def test_inventory_leaks_no_license_part_in_output_or_cache(ansible, rel, figures):
        found, files, wrong, runs = [], 0, [], inventory_runs()
        for number, rows in enumerate(runs):
            folder = ansible.tmp / ("sources-%d" % number)      # outside the run's folder: they hold the License
            folder.mkdir()
            paths = OrderedDict()
            for name, keys, _env_license, _faults, _succeeds in rows:
                source = {"plugin": "portaplus.softswitch.accounts", "url": rel.url, "cache": True,
                          "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": "cache", "cache_timeout": 600}
                source.update(keys)
                if "{{" in str(source["url"]):
                    source["url"] = rel.url + "/not/the/api"
                paths[name] = folder / ("%s.portaplus.yml" % name)
                paths[name].write_text(json.dumps(source))
            _name, _keys, env_license, faults, _succeeds = rows[0]
            if faults:
                rel.set_faults(**faults)
            more = tuple(item for path in list(paths.values())[1:] for item in ("-i", str(path)))
            run = ansible.inventory(path=list(paths.values())[0], args=more + ("--list", "-vvvv", "--flush-cache"),
                                    license=env_license, extra_env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "false",
                                                                    "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "false"})
            rel.clear_faults()
            for name, _keys, _env_license, _faults, succeeds in rows:
                refused = "Unable to parse %s as an inventory source" % paths[name] in run.output
                if run.rc != 0 or refused == succeeds:
                    wrong.append("%s: rc %d, %s" % (name, run.rc, "refused" if refused else "parsed"))
            where = "+".join(row[0] for row in rows)
            leaks_in(run.stdout, where + " stdout", found)
            leaks_in(run.stderr, where + " stderr", found)
            for walked, _dirs, names in os.walk(str(run.files)):
                for file_name in names:
                    files += 1
                    with open(os.path.join(walked, file_name), "rb") as handle:
                        leaks_in(handle.read().decode("utf-8", "replace"), where + " file " + file_name, found)
        figures.add("secrets", group="inventory", runs=len(runs), sources=len(INVENTORY_RUNS), files_scanned=files,
                    leaks=len(found))
        assert files > 0, "the successful runs must have written their cache"
        assert not found, "leaks:\n" + "\n".join(found)
        assert not wrong, "sources that did not end as expected:\n" + "\n".join(wrong)


# -- hostile servers (issue 22): Licenses a server could split, answers that echo them --------------------

#: Every shape of License: the first three travel (and the servers echo them back, decoded and raw); the others
#: hold characters a server could decode or split on, and are refused before anything is sent.
HOSTILE_LICENSES = OrderedDict([
    ("plain", "Pj4Kd9Ys-Bn6Fq1Gu"),
    ("base64", "Qx7Kp9Lm2+Zr4Tw8Vn5=="),
    ("unicode", u"L\u00efc3\u00d1\u00df-\u00dcn\u00ef9-\u00c7\u00f6d\u00e942"),
    ("pct2F", "Pj4Kd9Ys%2FBn6Fq1Gu"),
    ("slash", "Wr5Hc8Jd/Tn2Gk7Mv"),
    ("blank-backslash-query-hash", "Zb3N q8Xv\\Lw4?Hs6#Pd1"),
    ("control", "Yt6Rf2\tKm9Qe4\x1bWa7"),
])
REFUSED_SHAPES = ("pct2F", "slash", "blank-backslash-query-hash", "control")
HOSTILE_PASSWORD = "Pw7Qz-Xk4Vt9-Jr2"
SERVER_MODES = ("401", "500", "garbage", "echo")
FRAGMENT = 4        # any piece of a secret this long is a leak
# A refused shape is refused before any request, so no server answer can reach its cells: they run against one
# mode, the server that echoes everything, where a shape that stopped being refused would show (and fail the test).
REFUSED_SHAPES_MODE = "echo"
# The report role fails at its export task, which is the cdr_export module that every mode's cdr_export cells run
# with every shape; what the role adds (its own tasks and variables at -vvvv, the License through module_defaults)
# comes before any answer of the server, so its cells run against one mode, the one that echoes everything.
REPORT_MODE = "echo"
# The refused shapes the report role runs: one per branch of the adapter's license_problem (a character a server may
# split on; a blank or control character). The role adds nothing between its variables and that refusal, and the
# other refused shapes are refused in the first branch with the same message (their cdr_export cells, the lookups and
# the inventory still run them).
REPORT_REFUSED_SHAPES = ("slash", "control")


def shapes_for(mode):
    """The License shapes (name -> License) a server mode's cells use."""
    return OrderedDict((shape, secret) for shape, secret in HOSTILE_LICENSES.items()
                       if shape not in REFUSED_SHAPES or mode == REFUSED_SHAPES_MODE)


def secret_fragments():
    """Every 4-character piece (in lower case) of every License shape, of its URL and JSON encodings, and of
    the password: a longer fragment always contains one, so finding none means no fragment longer than 3."""
    fragments = set()
    for secret in list(HOSTILE_LICENSES.values()) + [HOSTILE_PASSWORD]:
        for form in (secret, quote(secret, safe=""), quote(secret), json.dumps(secret, ensure_ascii=False)[1:-1]):
            form = form.lower()
            fragments.update(form[start:start + FRAGMENT] for start in range(len(form) - FRAGMENT + 1))
    return fragments


def fragment_leaks(text, where, fragments, found):
    lowered = text.lower()
    hits = sorted(set(lowered[start:start + FRAGMENT] for start in range(len(lowered) - FRAGMENT + 1)) & fragments)
    if hits:
        found.append("%d fragment(s) in %s, e.g. %r" % (len(hits), where, hits[0][:2] + ".."))


HOSTILE_MODULES = ("account_info", "accounts", "cdr_export")


def hostile_modules(shape):
    """The modules a shape's cells run: every one for a shape that travels (each module surfaces the server's
    answer its own way); for a refused shape one in turn, as a refused License never reaches a server and every
    module refuses it in the one adapter with the License no_log in the one connection spec
    (test_every_plugin_takes_its_connection_options_from_the_one_adapter), so each module still shows it is wired."""
    if shape not in REFUSED_SHAPES:
        return HOSTILE_MODULES
    return (HOSTILE_MODULES[REFUSED_SHAPES.index(shape) % len(HOSTILE_MODULES)],)


def hostile_cells(mode, echo_url):
    cells = OrderedDict()
    for shape, secret in shapes_for(mode).items():
        connection = {"url": "%s/%s" % (echo_url, mode), "license": secret, "retries": 0, "timeout": 5}
        key = "%s|%s" % (mode, shape)
        modules = hostile_modules(shape)
        if "account_info" in modules:
            cells["account_info|" + key] = dict(connection, customer=ACME)
        if "accounts" in modules:
            cells["accounts|" + key] = dict(connection, customer=ACME, config=[
                {"account_id": "441632960077", "product": "Office Line", "password": HOSTILE_PASSWORD}])
        cells["cdrs|" + key] = dict(connection, customer=ACME, from_date="-7d", to_date="today")
        cells["active_calls|" + key] = dict(connection, customer=ACME)
        if "cdr_export" in modules:
            cells["cdr_export|" + key] = dict(connection, customer=ACME, from_date="-7d", to_date="today",
                                              dest="{{ playbook_dir }}/out/%s-%s.csv" % (mode, shape.replace("|", "-")))
        if mode == REPORT_MODE and (shape not in REFUSED_SHAPES or shape in REPORT_REFUSED_SHAPES):
            cells["report|" + key] = connection
    return cells


def hostile_task(key):
    plugin = key.split("|")[0]
    if plugin in ("cdrs", "active_calls"):
        return ("    - name: %s\n      ansible.builtin.set_fact:\n        looked_up: \"{{ lookup('portaplus.softswitch.%s', "
                "**cells['%s']) }}\"\n      ignore_errors: true\n" % (key, plugin, key))
    if plugin == "report":
        return ("    - name: %s\n      ansible.builtin.import_role:\n        name: portaplus.softswitch.cdr_report\n"
                "      vars: {cdr_report_customer: %d, cdr_report_from: '-7d', cdr_report_to: today,\n"
                "             cdr_report_dir: \"{{ playbook_dir }}/reports\", cdr_report_name: \"%s\"}\n"
                "      module_defaults:\n        group/portaplus.softswitch.api:\n"
                "          url: \"{{ cells['%s'].url }}\"\n          license: \"{{ cells['%s'].license }}\"\n"
                "          retries: 0\n      ignore_errors: true\n" % (key, ACME, key.replace("|", "-"), key, key))
    return "    - name: %s\n      portaplus.softswitch.%s: \"{{ cells['%s'] }}\"\n      ignore_errors: true\n" % (
        key, plugin, key)


def test_hostile_server_echoes_no_fragment_of_any_license_shape(echo_server, ansible, figures):
    """Every License shape x {modules, lookups, inventory, export} against each hostile answer (and the report role
    against the echo answer: see REPORT_MODE), at
    -vvvv: not one 4-character piece of a License (or of the password) in the output, the results, the
    cache or any file; the splittable shapes are refused with a message that names license and shows none
    (they run against the echo mode only: see REFUSED_SHAPES_MODE, each on one module in turn: see hostile_modules).  The server's path picks its mode, so
    every mode's cells share one ansible-playbook run and one ansible-inventory run."""
    fragments = secret_fragments()
    cells = OrderedDict()
    for mode in SERVER_MODES:
        cells.update(hostile_cells(mode, echo_server))
    text = "- hosts: localhost\n  gather_facts: false\n  connection: local\n  vars_files: [cells.json]\n  tasks:\n"
    text += "".join(hostile_task(key) for key in cells)
    run = ansible.playbook(text, args=["-vvvv", "--diff"], license=None,
                           files={"cells.json": json.dumps({"cells": cells}), "out/.keep": "", "reports/.keep": ""},
                           extra_env={"ANSIBLE_PIPELINING": "1", "PORTAPLUS_URL": None})
    found, wrong, files = [], [], 0
    fragment_leaks(run.output, "the playbook's output", fragments, found)
    recorded = dict((t["task"], t) for t in run.tasks)
    for key in cells:
        if key.startswith("report|"):
            continue
        record = recorded.get(key)
        if record is None:
            wrong.append("%s: no result" % key)
            continue
        fragment_leaks(json.dumps(record["result"], ensure_ascii=False), "the result of " + key, fragments, found)
        message = record["result"].get("msg") or ""
        if record["status"] != "failed":
            wrong.append("%s: %s" % (key, record["status"]))
        elif key.split("|")[2] in REFUSED_SHAPES and "license contains" not in message \
                and "license must not contain" not in message:
            wrong.append("%s: not refused up front: %s" % (key, message[:200]))
    role_exports = [t for t in run.tasks if t["task"].endswith("Export the CDRs of the period as CSV")]
    fragment_leaks(json.dumps(run.tasks, ensure_ascii=False), "the role's results", fragments, found)
    shapes = [(mode, shape, secret) for mode in SERVER_MODES for shape, secret in shapes_for(mode).items()]
    if len(role_exports) != len([key for key in cells if key.startswith("report|")]) \
            or any(t["status"] != "failed" for t in role_exports):
        wrong.append("report role: %d export(s) recorded, statuses %s" % (
            len(role_exports), sorted(set(t["status"] for t in role_exports))))

    sources = []
    for mode, shape, secret in shapes:
        source = {"plugin": "portaplus.softswitch.accounts", "url": "%s/%s" % (echo_server, mode), "license": secret,
                  "retries": 0, "timeout": 5, "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
                  "cache_connection": str(run.files / "cache")}
        path = run.files / ("%s-%s.portaplus.yml" % (mode, shape))
        path.write_text(json.dumps(source))
        sources += ["-i", str(path)]
    inventory = ansible.inventory("plugin: portaplus.softswitch.accounts\n", args=tuple(sources) + ("--list", "-vvvv"),
                                  license=None, extra_env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "false",
                                                           "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "false",
                                                           "PORTAPLUS_URL": None})
    fragment_leaks(inventory.output, "ansible-inventory's output", fragments, found)
    for mode, shape, _secret in shapes:
        path = str(run.files / ("%s-%s.portaplus.yml" % (mode, shape)))
        if "Unable to parse %s as an inventory source" % path not in inventory.output:
            wrong.append("inventory %s|%s: not refused: %s" % (mode, shape, inventory.output[-2000:]))

    written = []
    for folder, _dirs, names in os.walk(str(run.files.parent)):
        for name in names:
            if name.endswith(".portaplus.yml") or name in ("cells.json", "playbook.yml", ".keep"):
                continue        # the inputs (they hold the Licenses on purpose)
            path = os.path.join(folder, name)
            files += 1
            if name.endswith((".csv", ".html", ".part", ".json")) and "cache" not in folder:
                written.append(os.path.relpath(path, str(run.files)))
            with open(path, "rb") as handle:
                content = handle.read().decode("utf-8", "replace")
            if name == ".portaplus-cache-key":
                # a random key in hex: it may hold any 4 hex digits, such as a piece of "%C3%AF" lowered ("afc3"),
                # by chance; what matters is that it holds nothing but the key
                if not re.match(r"^[0-9a-f]{32,}\s*$", content):
                    found.append("file %s holds more than a hex key" % name)
                continue
            if name.endswith(".jsonl"):
                # as the user reads it: ASCII-escaped JSON would turn a 3-character piece such as "\u00e942"
                # (a fragment too short to count) into 6 characters of escape
                content = "\n".join(json.dumps(json.loads(line), ensure_ascii=False)
                                    for line in content.splitlines() if line.strip())
            fragment_leaks(content, "file " + name, fragments, found)
    refused = [key for key in cells if key.split("|")[2] in REFUSED_SHAPES] + [s for _m, s, _l in shapes if s in REFUSED_SHAPES]
    figures.add("secrets", group="hostile", modes=len(SERVER_MODES), mode_shapes=len(shapes),
                cells=len(cells) + len(shapes), refused_up_front=len(refused),
                files_scanned=files, fragment_leaks=len(found), written=len(written))
    assert not found, "leaks:\n" + "\n".join(found)
    assert not wrong, "cells that did not fail as they should:\n" + "\n".join(wrong)
    assert not written, "files written against a hostile server: %s" % written
    assert "Traceback (most recent call last)" not in run.output + inventory.output


# -- a URL with user-info, however it arrives (issue 22) -----------------------------------------------------

USERINFO_PASSWORD = "Zq8Wm3Xv7Tb"


def userinfo_tasks():
    """Tasks that fail (another option broken, or the URL itself refused) with the user-info URL arriving
    through the option, a vars file, module_defaults from a vars file, or (lookups) the portaplus_url variable."""
    tasks = []
    for way in ("option", "module_defaults"):
        for customer in ("abc", ACME):        # argument validation fails first / the url is refused
            name = "account_info|%s|%s" % (way, customer)
            task = "    - name: %s\n      portaplus.softswitch.account_info:\n        customer: %s\n" % (name, json.dumps(customer))
            if way == "option":
                task += "        url: \"{{ userinfo_url }}\"\n"
            else:
                task += "      module_defaults:\n        group/portaplus.softswitch.api: \"{{ userinfo_defaults }}\"\n"
            tasks.append((name, task + "      ignore_errors: true\n"))
    for lookup in ("cdrs", "active_calls"):
        for way, extra in (("option", ", url=userinfo_url"), ("var", "")):
            name = "%s|%s" % (lookup, way)
            task = ("    - name: %s\n      ansible.builtin.set_fact:\n        looked_up: \"{{ lookup('portaplus.softswitch.%s', "
                    "customer=%d%s%s) }}\"\n" % (name, lookup, ACME, extra,
                                                 ", from_date='-1d'" if lookup == "cdrs" else ""))
            if way == "var":
                task += "      vars:\n        portaplus_url: \"{{ userinfo_url }}\"\n"
            tasks.append((name, task + "      ignore_errors: true\n"))
    return tasks


def test_url_user_info_is_never_shown_however_it_arrives(ansible, rel, figures):
    url = rel.url.replace("http://", "http://alice:%s@" % USERINFO_PASSWORD)
    data = {"userinfo_url": url, "userinfo_defaults": {"url": url}}
    fragments = set(USERINFO_PASSWORD[start:start + 4].lower() for start in range(len(USERINFO_PASSWORD) - 3))
    found, wrong, runs = [], [], 0
    tasks = userinfo_tasks()
    for environment in (False, True):
        chosen = [(name, text) for name, text in tasks if not environment or name.startswith("account_info|option|")]
        if environment:   # PORTAPLUS_URL exported for the whole run, as a user's shell does; no url option
            chosen = [(name.replace("|option|", "|environment|"), text.replace("option|", "environment|").replace(
                "        url: \"{{ userinfo_url }}\"\n", "")) for name, text in chosen]
        text = ("- hosts: localhost\n  gather_facts: false\n  connection: local\n  vars_files: [userinfo.json]\n"
                "  tasks:\n" + "".join(task for _name, task in chosen))
        run = ansible.playbook(text, args=["-vvvv"], files={"userinfo.json": json.dumps(data)},
                               extra_env={"ANSIBLE_PIPELINING": "1", "PORTAPLUS_URL": url if environment else rel.url})
        runs += 1
        fragment_leaks(run.output, "output", fragments, found)
        recorded = dict((t["task"], t) for t in run.tasks)
        for name, _task in chosen:
            record = recorded.get(name)
            if record is None or record["status"] != "failed":
                wrong.append("%s: %s" % (name, record and record["status"]))
                continue
            fragment_leaks(json.dumps(record["result"]), "result of " + name, fragments, found)
            if "abc" not in name and "url" not in (record["result"].get("msg") or ""):
                wrong.append("%s: the url is not what the message names: %s" % (name, record["result"].get("msg")))
    for name, keys in (("inventory-url", {}), ("inventory-url-and-bad-option", {"max_workers": "many"})):
        source = dict({"plugin": "portaplus.softswitch.accounts", "url": url}, **keys)
        inventory = ansible.inventory(json.dumps(source), args=("--list", "-vvvv"))
        runs += 1
        fragment_leaks(inventory.output, name, fragments, found)
        if inventory.rc == 0 or ("url" not in inventory.stderr and "max_workers" not in inventory.stderr):
            wrong.append("%s: rc %d" % (name, inventory.rc))
    figures.add("secrets", group="url-user-info", runs=runs, cells=len(tasks) + 2 + 2, leaks=len(found))
    assert not found, "user-info shown:\n" + "\n".join(found)
    assert not wrong, "\n".join(wrong)


if plugin_exists("inventory", "accounts"):
    def test_inventory_cache_names_are_keyed_and_the_key_is_private(ansible, rel, figures):
        """The cache file's name ends with an HMAC under a random key kept 0600 beside the cache, so a
        guessed License cannot be checked against it; the cache content holds no License."""
        source = {"plugin": "portaplus.softswitch.accounts", "url": rel.url, "customers": [ACME], "cache": True,
                  "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": "cache", "cache_timeout": 600}
        run = ansible.inventory(json.dumps(source), args=("--list",))
        assert run.rc == 0, run.output[-3000:]
        cache = run.files / "cache"
        key_file = cache / ".portaplus-cache-key"
        names = [name for name in os.listdir(str(cache)) if not name.startswith(".")]
        assert len(names) == 1 and oct(os.stat(str(key_file)).st_mode & 0o777) == "0o600"
        decisive = [rel.url, DEMO_LICENSE, [ACME], False, 0]
        unkeyed = hashlib.sha256(json.dumps(decisive, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:16]
        keyed = hmac.new(bytes.fromhex(key_file.read_text()), json.dumps(decisive, sort_keys=True, default=str)
                         .encode("utf-8"), hashlib.sha256).hexdigest()[:32]
        assert names[0].endswith(keyed) and unkeyed not in names[0]
        content = (cache / names[0]).read_text()
        assert DEMO_LICENSE not in content and DEMO_LICENSE.lower() not in content.lower()
        again = ansible.inventory(json.dumps(source), args=("--list",))
        assert again.rc == 0 and sorted(os.listdir(str(again.files / "cache"))) != []
        figures.add("secrets", group="inventory-cache-name", keyed=1, license_in_cache=0)
