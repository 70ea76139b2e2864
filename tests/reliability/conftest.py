"""Reliability suite harness: a sandbox whose SQLite file we can read, bulk playbook runs,
and the figures every section prints at the end of the pytest run.

Cases are data: a bulk playbook holds many cases as tasks with `ignore_errors`, and the
`record_results` callback (tests/callback_plugins, shared with the integration tests) records
each task's result together with the sandbox's request counters, so one ansible-playbook
process checks dozens of cases and still tells which case sent a write.

Figures: a test calls `figures.add(section, **numbers)`; the numbers travel to the pytest
controller in the test report's user_properties (so they survive `-n 2`) and are printed
as a "reliability figures" section by `pytest_terminal_summary`, which pytest shows even
with `-q`.
"""
import ast
import contextlib
import json
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest

from portaplus_sandbox.testing import SandboxServer
from tests import ansible_cli as cli
from tests.ansible_cli import Run

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_LICENSE = cli.DEMO_LICENSE
OTHER_LICENSE = "OTHER-LICENSE"
FIGURES_KEY = "reliability_figures"


# -- figures -----------------------------------------------------------------------------------

_collected = []


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    for key, value in getattr(report, "user_properties", ()):
        if key == FIGURES_KEY:
            _collected.append((report.nodeid, report.outcome, value))


def pytest_terminal_summary(terminalreporter):
    if not _collected:
        return
    terminalreporter.section("reliability figures")
    for nodeid, outcome, value in sorted(_collected, key=lambda item: (item[2]["section"], item[0])):
        numbers = ", ".join("%s=%s" % (k, v) for k, v in value.items() if k != "section")
        terminalreporter.write_line("%-12s %s [%s] %s" % (value["section"], numbers, outcome,
                                                          nodeid.split("::")[-1]))


class Figures:
    def __init__(self, node):
        self.node = node

    def add(self, section, **numbers):
        row = OrderedDict(section=section)
        row.update(numbers)
        self.node.user_properties.append((FIGURES_KEY, dict(row)))


@pytest.fixture
def figures(request):
    return Figures(request.node)


# -- sandbox -----------------------------------------------------------------------------------

@contextlib.contextmanager
def reliability_sandbox(folder):
    """A demo-seeded sandbox with its SQLite file in `folder`, where the tests can read it; a `timeout`
    fault hangs 0.5 s (the client's read timeout is what ends it on the client side)."""
    db = os.path.join(str(folder), "sandbox.sqlite")
    with SandboxServer(seed="demo", db_path=db, extra_args=["--fault-hang-s", "0.5"]) as server:
        server.db_file = db
        yield server


@pytest.fixture(scope="session")
def rel_server(tmp_path_factory):
    with reliability_sandbox(tmp_path_factory.mktemp("reliability-sandbox")) as server:
        yield server


@pytest.fixture
def rel(rel_server):
    """The reliability sandbox, back at its seed with an empty log and no faults."""
    rel_server.reset()
    return rel_server


def query(server, sql, params=()):
    """Rows of the sandbox's own database (ground truth, bypassing the API and its faults)."""
    conn = sqlite3.connect("file:%s?mode=ro" % server.db_file, uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def writes(server):
    return [r for r in server.requests() if r["write"]]


# -- ansible runs ------------------------------------------------------------------------------

class RunResult(Run):
    """A run of the one harness (tests/ansible_cli.py); here `task(name)` is the callback's whole
    record of the task (result, host, request counters)."""

    def task(self, name):
        return self.record(name)


class Ansible(cli.Ansible):
    """The one harness against a reliability sandbox, reading its request counters after each task."""

    def __init__(self, server, tmp_path):
        super().__init__(server.url, tmp_path, counters=True, run_class=RunResult)
        self.server = server


@pytest.fixture
def ansible(rel, tmp_path):
    return Ansible(rel, tmp_path)


def task_yaml(name, action, args, **keywords):
    """One task as YAML text; arguments as JSON (valid YAML), so any value round-trips."""
    text = "- name: %s\n  %s: %s\n" % (json.dumps(name), action, json.dumps(args, ensure_ascii=False))
    for keyword, value in keywords.items():
        text += "  %s: %s\n" % (keyword, json.dumps(value, ensure_ascii=False))
    return text


REPO = os.path.dirname(os.path.dirname(HERE))
PLUGIN_FOLDERS = {"module": "modules", "lookup": "lookup", "inventory": "inventory"}


def plugin_path(kind, name):
    return os.path.join(REPO, "plugins", PLUGIN_FOLDERS[kind], name + ".py")


def plugin_exists(kind, name):
    """Whether this checkout has the plugin (modules/lookup/inventory) or role."""
    if kind == "role":
        return os.path.isdir(os.path.join(REPO, "roles", name, "tasks"))
    return os.path.exists(plugin_path(kind, name))


def plugin_tree(kind, name):
    """The plugin's syntax tree (the structural tests read which shared functions it calls)."""
    with open(plugin_path(kind, name)) as handle:
        return ast.parse(handle.read())


def calls_in(tree):
    """Names of the functions a syntax tree calls (plain or attribute calls)."""
    return set(getattr(node.func, "id", None) or getattr(node.func, "attr", None)
               for node in ast.walk(tree) if isinstance(node, ast.Call))


# -- a hostile server --------------------------------------------------------------------------

class _EchoHandler(BaseHTTPRequestHandler):
    """Answers every request badly, giving back what it was sent: the first path segment picks how.

    401      a ServiceStack 401 naming the decoded path's segments as "the License"
    500      a ServiceStack 500 whose message, error code, field errors and reason phrase echo the
             decoded path, the raw path, the body and every path segment in pieces of 5 characters
    garbage  200 with HTML bytes echoing the path, and the decoded path in the Content-Type
    echo     400 echoing everything (message, field errors, reason phrase, headers), decoded and not
    """
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):   # quiet
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        raw = self.path
        decoded = unquote(raw)
        segments = [part for part in re.split(r"[/\\?#\s]+", decoded) if part]
        mode = raw.split("/")[1] if raw.count("/") > 1 else "echo"
        # and in pieces, as a server that splits or trims would give them back
        pieces = [segment[start:start + 5] for segment in segments for start in range(0, len(segment), 5)]
        echoed = "%s %s (sent as %s) body %s pieces %s" % (self.command, decoded, raw, body, " ".join(pieces))
        printable = "".join(char if 32 <= ord(char) < 127 else "?" for char in decoded)[:300]
        headers = {"Content-Type": "application/json", "X-Echo": printable}
        if mode == "401":
            status, reason = 401, "Unauthorized"
            payload = {"ResponseStatus": {"ErrorCode": "Unauthorized",
                                          "Message": "License not valid: " + " ".join(segments[2:])}}
        elif mode == "500":
            status, reason = 500, "Failed " + printable
            payload = {"ResponseStatus": {"ErrorCode": "Exception " + segments[-1], "Message": echoed,
                                          "Errors": [{"ErrorCode": part, "FieldName": part, "Message": part}
                                                     for part in segments]}}
        elif mode == "garbage":
            status, reason = 200, "OK"
            headers["Content-Type"] = "text/x-" + re.sub(r"[^A-Za-z0-9.+-]", "-", printable)
            payload = None
        else:
            status, reason = 400, "Bad " + printable
            payload = {"ResponseStatus": {"ErrorCode": "Echo " + " ".join(segments), "Message": echoed,
                                          "Errors": [{"ErrorCode": "Echo", "FieldName": part, "Message": echoed}
                                                     for part in segments]}}
        data = (b"<html>\x00\xff" + echoed.encode("utf-8") + b"</html") if payload is None else \
            json.dumps(payload).encode("utf-8")
        self.send_response(status, reason)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


@pytest.fixture(scope="session")
def echo_server():
    """A hostile HTTP server on 127.0.0.1 (see _EchoHandler): its URL, without a trailing slash."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
