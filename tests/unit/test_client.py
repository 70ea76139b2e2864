# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP client against a real local HTTP server (no mocking of requests)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import email.utils
import json
import os
import pickle
import re
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from ansible_collections.portaplus.softswitch.plugins.module_utils.api import client as client_mod
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import (
    AuthError,
    NotFoundError,
    OutcomeUnknownError,
    PathValueError,
    PortaPlusClient,
    PortaPlusError,
    Route,
    ServerError,
    TransportError,
    ValidationError,
    convert_dates,
    format_path_date,
    parse_date,
)

LICENSE = "LIC-SECRET-123"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

GET_ACCOUNTS = Route("GET", "/GetAccounts/{License}/{ICustomer}", "Product")
CREATE_ACCOUNTS = Route("POST", "/CreateAccounts/{License}", "CreateAccount")
ADD_EXTENSION = Route("GET", "/AddCustomerExtension/{License}/{ICustomer}/{Id}/{Name}", "CustomerExtension", write=True)
EXT_NAME = Route("GET", "/Ext/{License}/{Name}", "CustomerExtension")


# ---------------------------------------------------------------------------
# A scripted HTTP server
# ---------------------------------------------------------------------------

class Reply:
    """One scripted answer: a status and a JSON (or raw) body, or an action."""

    def __init__(self, status=200, body=None, headers=None, raw=None, reason=None, action=None, hold=0):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw = raw
        self.reason = reason
        self.action = action  # None | "close" | "hang"
        self.hold = hold


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args, **kwargs):  # keep the test output quiet
        pass

    def _handle(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        bare = self.path.split("?", 1)[0]
        with server.lock:
            server.requests.append({
                "method": self.command, "path": self.path, "headers": dict(self.headers), "body": body,
                "client_port": self.client_address[1],
            })
            server.hits[bare] = server.hits.get(bare, 0) + 1
            script = server.script.get(bare)
            if script is None:
                reply = Reply(404, raw=b"404", headers={"Content-Type": "text/plain"}, reason="Not Found")
            elif len(script) > 1:
                reply = script.pop(0)
            else:
                reply = script[0]
        if callable(reply):
            reply = reply(self)
        if reply.action == "close":
            self.close_connection = True
            return
        if reply.action == "hang":
            server.stop.wait(reply.hold)
            self.close_connection = True
            return
        if reply.raw is not None:
            payload = reply.raw
        elif reply.body is None:
            payload = b""
        else:
            payload = json.dumps(reply.body).encode("utf-8")
        try:
            self.send_response(reply.status, reply.reason)
            headers = {"Content-Type": "application/json; charset=utf-8"}
            headers.update(reply.headers)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _handle


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port=0):
        ThreadingHTTPServer.__init__(self, ("127.0.0.1", port), Handler)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.requests = []
        self.hits = {}
        self.script = {}
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.01})
        self.thread.daemon = True
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]

    def on(self, path, *replies):
        self.script[path] = list(replies)

    def total(self):
        return len(self.requests)

    def close(self):
        self.stop.set()
        self.shutdown()
        self.server_close()
        self.thread.join(2)


@pytest.fixture(name="server")
def server_fixture():
    srv = ScriptedServer()
    yield srv
    srv.close()


class Recorder:
    """Stands in for time.sleep and for client.log."""

    def __init__(self):
        self.waits = []
        self.lines = []
        self.hook = None

    def sleep(self, seconds):
        self.waits.append(seconds)
        if self.hook is not None:
            hook, self.hook = self.hook, None
            hook()

    def log(self, line):
        self.lines.append(line)


@pytest.fixture(name="rec")
def rec_fixture():
    return Recorder()


@pytest.fixture(name="make_client")
def make_client_fixture(rec):
    made = []

    def factory(url, **kwargs):
        kwargs.setdefault("timeout", 1)
        kwargs.setdefault("sleep", rec.sleep)
        kwargs.setdefault("backoff_factor", 0.01)
        cli = PortaPlusClient(url, kwargs.pop("license", LICENSE), **kwargs)
        cli.log = rec.log
        made.append(cli)
        return cli

    yield factory
    for cli in made:
        cli.close()


def free_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def assert_no_secret(exc, rec, *secrets):
    secrets = secrets or (LICENSE,)
    texts = [str(exc), repr(exc), repr(exc.args), str(exc.server_message), repr(exc.field_errors)] + rec.lines
    for secret in secrets:
        for text in texts:
            assert secret not in text
            assert requests.utils.quote(secret, safe="") not in text


# ---------------------------------------------------------------------------
# Routes and requests
# ---------------------------------------------------------------------------

def test_route_defaults_and_immutability():
    assert GET_ACCOUNTS.write is False
    assert CREATE_ACCOUNTS.write is True
    assert ADD_EXTENSION.write is True
    assert Route("post", "/X", "X").verb == "POST"
    assert GET_ACCOUNTS.variables == ("License", "ICustomer")
    assert str(GET_ACCOUNTS) == "GET /GetAccounts/{License}/{ICustomer}"
    with pytest.raises(AttributeError):
        GET_ACCOUNTS.write = True
    assert GET_ACCOUNTS == Route("GET", "/GetAccounts/{License}/{ICustomer}", "Product", write=False)


def test_get_fills_license_sends_headers_and_converts_dates(server, make_client):
    server.on("/GetAccounts/%s/2001" % LICENSE, Reply(200, {
        "Accounts": [{"IAccount": 7, "ActivationDate": "/Date(1700000000000)/",
                      "ExpirationDate": "/Date(-62135596800000-0000)/", "Name": "String"}],
        "License": LICENSE, "Success": True,
    }))
    cli = make_client(server.url + "/")
    data = cli.call(GET_ACCOUNTS, path={"ICustomer": 2001})
    assert data["Accounts"] == [{"IAccount": 7, "ActivationDate": "2023-11-14T22:13:20Z", "ExpirationDate": None, "Name": "String"}]
    req = server.requests[0]
    assert req["method"] == "GET"
    assert req["path"] == "/GetAccounts/LIC-SECRET-123/2001"
    assert req["headers"]["Accept"] == "application/json"
    assert req["body"] == b""
    with open(os.path.join(REPO, "galaxy.yml")) as handle:
        version = re.search(r"^version:\s*(\S+)", handle.read(), re.M).group(1)
    assert req["headers"]["User-Agent"] == "portaplus.softswitch/%s" % version
    assert cli.stats == {"requests": 1, "retries": 0}


def test_post_sends_json_body_and_query(server, make_client):
    server.on("/CreateAccounts/%s" % LICENSE, Reply(200, {"Success": True, "IAccount": 9}))
    cli = make_client(server.url)
    body = {"AccountsToCreate": [{"AcntId": "1001", "Password": "pw"}], "When": datetime.datetime(2024, 1, 2, 3, 4, 5)}
    data = cli.call(CREATE_ACCOUNTS, body=body, query={"Flag": True, "Skip": None, "N": 3})
    assert data == {"Success": True, "IAccount": 9}
    req = server.requests[0]
    assert req["method"] == "POST"
    assert req["path"] == "/CreateAccounts/LIC-SECRET-123?Flag=True&N=3"
    assert req["headers"]["Content-Type"] == "application/json"
    assert json.loads(req["body"].decode()) == {"AccountsToCreate": [{"AcntId": "1001", "Password": "pw"}], "When": "2024-01-02T03:04:05Z"}


def test_license_travels_in_the_body_when_the_route_has_no_license_segment(server, make_client):
    server.on("/UpdateAccount", Reply(200, {"Success": True}))
    server.on("/CreateAccounts/%s" % LICENSE, Reply(200, {"Success": True}))
    cli = make_client(server.url)
    cli.call(Route("POST", "/UpdateAccount", "UpdateAccount"), body={"Accounts": [{"IAccount": 1}]})
    cli.call(CREATE_ACCOUNTS, body={"AccountsToCreate": []})
    in_body, in_path = [json.loads(req["body"].decode()) for req in server.requests]
    assert in_body == {"Accounts": [{"IAccount": 1}], "License": LICENSE}
    assert "License" not in in_path   # the path carries it already


def test_empty_body_is_empty_dict(server, make_client):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(200, raw=b""))
    assert make_client(server.url).call(GET_ACCOUNTS, path={"ICustomer": 1}) == {}


def test_missing_members_and_top_level_list_are_returned_as_they_came(server, make_client):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(200, {"ContentId": 0}))
    server.on("/GetAccounts/%s/2" % LICENSE, Reply(200, [{"D": "/Date(0)/"}]))
    cli = make_client(server.url)
    assert cli.call(GET_ACCOUNTS, path={"ICustomer": 1}) == {"ContentId": 0}
    assert cli.call(GET_ACCOUNTS, path={"ICustomer": 2}) == [{"D": "1970-01-01T00:00:00Z"}]


def test_url_path_prefix_is_kept(server, make_client):
    server.on("/api/GetAccounts/%s/5" % LICENSE, Reply(200, {"ok": 1}))
    assert make_client(server.url + "/api/").call(GET_ACCOUNTS, path={"ICustomer": 5}) == {"ok": 1}


def test_session_reuses_the_connection(server, make_client):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(200, {}))
    cli = make_client(server.url)
    for dummy in range(3):
        cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    ports = set(r["client_port"] for r in server.requests)
    assert len(server.requests) == 3
    assert len(ports) == 1


def test_proxy_from_environment(server, make_client, monkeypatch):
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.setenv("http_proxy", server.url)
    server.on("http://portaplus.invalid/GetAccounts/%s/3" % LICENSE, Reply(200, {"via": "proxy"}))
    cli = make_client("http://portaplus.invalid")
    assert cli.call(GET_ACCOUNTS, path={"ICustomer": 3}) == {"via": "proxy"}
    assert server.requests[0]["path"] == "http://portaplus.invalid/GetAccounts/LIC-SECRET-123/3"


class RecordingSession(requests.Session):
    def __init__(self):
        requests.Session.__init__(self)
        self.seen = []

    def request(self, method, url, **kwargs):
        self.seen.append(kwargs)
        return requests.Session.request(self, method, url, **kwargs)


@pytest.mark.parametrize("kwargs, verify", [
    ({}, True),
    ({"ca_path": "/etc/ssl/custom.pem"}, "/etc/ssl/custom.pem"),
    ({"validate_certs": False, "ca_path": "/etc/ssl/custom.pem"}, False),
])
def test_tls_verify_and_timeout_tuple(server, make_client, kwargs, verify):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(200, {}))
    session = RecordingSession()
    cli = make_client(server.url, session=session, timeout=1.5, **kwargs)
    cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert session.seen[0]["verify"] == verify
    assert session.seen[0]["timeout"] == (1.5, 1.5)


def test_requests_is_imported_on_the_first_request_not_with_the_client(tmp_path):
    """A module that fails its input checks never sends, so it must not pay for importing requests (~0.1 s of
    CPU in every such task); a fresh interpreter shows what importing the module_utils and making a client load."""
    script = (
        "import sys\n"
        "from ansible_collections.portaplus.softswitch.plugins.module_utils import account\n"
        "from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import PortaPlusClient, Route\n"
        "client = PortaPlusClient('http://127.0.0.1:9', 'LIC', retries=0, timeout=0.5)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('requests', 'urllib3')))\n"
        "try:\n    client.call(Route('GET', '/GetAccounts/{License}/{ICustomer}', 'Product'), path={'ICustomer': 1})\nexcept Exception as exc:\n"
        "    print(type(exc).__name__)\n"
        "print('requests' in sys.modules)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    before, error, after = proc.stdout.split("\n")[:3]
    assert before == "[]"
    assert error == "TransportError" and after == "True"


def test_requests_missing_gives_a_clear_error(monkeypatch):
    monkeypatch.setattr(client_mod, "HAS_REQUESTS", False)
    with pytest.raises(ImportError, match="requests"):
        PortaPlusClient("http://127.0.0.1:1", LICENSE)


def test_constructor_rejects_bad_url_without_license():
    with pytest.raises(ValueError) as info:
        PortaPlusClient("ftp://x", LICENSE)
    assert LICENSE not in str(info.value)
    with pytest.raises(ValueError):
        PortaPlusClient("http://x", "")


# ---------------------------------------------------------------------------
# Retries
# ---------------------------------------------------------------------------

def test_safe_get_retried_on_503_then_succeeds(server, make_client, rec):
    path = "/GetAccounts/%s/1" % LICENSE
    server.on(path, Reply(503), Reply(502), Reply(200, {"ok": True}))
    cli = make_client(server.url, max_backoff=0.5)
    assert cli.call(GET_ACCOUNTS, path={"ICustomer": 1}) == {"ok": True}
    assert server.hits[path] == 3
    assert cli.stats == {"requests": 3, "retries": 2}
    assert len(rec.waits) == 2
    assert all(0 < w <= 0.5 for w in rec.waits)
    assert len(rec.lines) == 3


def test_safe_get_gives_up_after_retries(server, make_client):
    path = "/GetAccounts/%s/1" % LICENSE
    server.on(path, Reply(504, reason="Gateway Timeout"))
    cli = make_client(server.url, retries=2)
    with pytest.raises(ServerError) as info:
        cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert info.value.status == 504
    assert server.hits[path] == 3
    assert cli.stats == {"requests": 3, "retries": 2}
    assert str(info.value) == "Product GET /GetAccounts/{License}/{ICustomer} failed: 504 Gateway Timeout"


def test_backoff_is_exponential_and_capped(server, make_client, rec):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(503))
    cli = make_client(server.url, retries=6, backoff_factor=0.5, max_backoff=3)
    with pytest.raises(ServerError):
        cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert len(rec.waits) == 6
    for n, wait in enumerate(rec.waits):
        base = 0.5 * 2 ** n
        assert min(base, 3) <= wait <= min(2 * base, 3)
    assert rec.waits[-1] == 3


def test_retry_after_seconds_is_honoured(server, make_client, rec):
    path = "/GetAccounts/%s/1" % LICENSE
    server.on(path, Reply(429, headers={"Retry-After": "7"}), Reply(200, {"ok": 1}))
    cli = make_client(server.url)
    assert cli.call(GET_ACCOUNTS, path={"ICustomer": 1}) == {"ok": 1}
    assert rec.waits == [7.0]


def test_retry_after_is_capped(server, make_client, rec):
    path = "/GetAccounts/%s/1" % LICENSE
    server.on(path, Reply(503, headers={"Retry-After": "3600"}), Reply(200, {}))
    make_client(server.url, max_backoff=5).call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert rec.waits == [5.0]


def test_retry_after_http_date_is_honoured(server, make_client, rec):
    path = "/GetAccounts/%s/1" % LICENSE
    when = email.utils.format_datetime(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=10), usegmt=True)
    server.on(path, Reply(503, headers={"Retry-After": when}), Reply(200, {}))
    make_client(server.url).call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert len(rec.waits) == 1
    assert 8 <= rec.waits[0] <= 10.5


def test_write_post_on_502_is_not_retried(server, make_client):
    path = "/CreateAccounts/%s" % LICENSE
    server.on(path, Reply(502, reason="Bad Gateway"))
    cli = make_client(server.url)
    with pytest.raises(OutcomeUnknownError) as info:
        cli.call(CREATE_ACCOUNTS, body={"AccountsToCreate": []})
    assert server.hits[path] == 1
    assert cli.stats == {"requests": 1, "retries": 0}
    assert info.value.status == 502
    assert "may or may not have applied it" in str(info.value)
    assert str(info.value).startswith("CreateAccount POST /CreateAccounts/{License} failed: 502 Bad Gateway")


def test_write_get_route_on_504_is_not_retried(server, make_client):
    path = "/AddCustomerExtension/%s/1/200/Desk" % LICENSE
    server.on(path, Reply(504))
    cli = make_client(server.url)
    with pytest.raises(OutcomeUnknownError) as info:
        cli.call(ADD_EXTENSION, path={"ICustomer": 1, "Id": "200", "Name": "Desk"})
    assert server.hits[path] == 1
    assert info.value.status == 504


def test_write_post_read_timeout_is_outcome_unknown(server, make_client):
    path = "/CreateAccounts/%s" % LICENSE
    server.on(path, Reply(action="hang", hold=2))
    cli = make_client(server.url, timeout=0.3)
    with pytest.raises(OutcomeUnknownError) as info:
        cli.call(CREATE_ACCOUNTS, body={})
    assert server.hits[path] == 1
    assert info.value.status is None
    assert "read timeout" in str(info.value)
    assert cli.stats == {"requests": 1, "retries": 0}


def test_write_post_connection_dropped_after_sending_is_outcome_unknown(server, make_client):
    path = "/CreateAccounts/%s" % LICENSE
    server.on(path, Reply(action="close"))
    cli = make_client(server.url)
    with pytest.raises(OutcomeUnknownError):
        cli.call(CREATE_ACCOUNTS, body={})
    assert server.hits[path] == 1


def test_safe_get_connection_dropped_is_retried(server, make_client):
    path = "/GetAccounts/%s/1" % LICENSE
    server.on(path, Reply(action="close"), Reply(200, {"ok": 2}))
    cli = make_client(server.url)
    assert cli.call(GET_ACCOUNTS, path={"ICustomer": 1}) == {"ok": 2}
    assert server.hits[path] == 2


def test_write_post_503_without_retry_after_is_not_retried(server, make_client):
    path = "/CreateAccounts/%s" % LICENSE
    server.on(path, Reply(503, {"ResponseStatus": {"ErrorCode": "Busy", "Message": "try later", "Errors": []}}))
    with pytest.raises(ServerError) as info:
        make_client(server.url).call(CREATE_ACCOUNTS, body={})
    assert not isinstance(info.value, OutcomeUnknownError)
    assert server.hits[path] == 1
    assert info.value.status == 503


def test_write_post_503_with_retry_after_is_retried(server, make_client, rec):
    path = "/CreateAccounts/%s" % LICENSE
    server.on(path, Reply(503, headers={"Retry-After": "2"}), Reply(200, {"Success": True}))
    cli = make_client(server.url)
    assert cli.call(CREATE_ACCOUNTS, body={"x": 1}) == {"Success": True}
    assert server.hits[path] == 2
    assert rec.waits == [2.0]
    assert cli.stats == {"requests": 2, "retries": 1}
    assert [json.loads(r["body"].decode()) for r in server.requests] == [{"x": 1}, {"x": 1}]


def test_write_post_retried_after_connection_refused(make_client, rec):
    port = free_port()
    started = []

    def start_server():
        srv = ScriptedServer(port)
        srv.on("/CreateAccounts/%s" % LICENSE, Reply(200, {"Success": True}))
        started.append(srv)

    rec.hook = start_server
    cli = make_client("http://127.0.0.1:%d" % port)
    try:
        assert cli.call(CREATE_ACCOUNTS, body={}) == {"Success": True}
        assert started[0].hits == {"/CreateAccounts/%s" % LICENSE: 1}
        assert cli.stats == {"requests": 2, "retries": 1}
    finally:
        cli.close()
        for srv in started:
            srv.close()


def test_connection_refused_everywhere_is_transport_error(make_client, rec):
    port = free_port()
    cli = make_client("http://127.0.0.1:%d" % port, retries=2)
    with pytest.raises(TransportError) as info:
        cli.call(CREATE_ACCOUNTS, body={})
    assert not isinstance(info.value, OutcomeUnknownError)
    assert cli.stats == {"requests": 3, "retries": 2}
    assert info.value.status is None
    assert_no_secret(info.value, rec)
    # A short message (H8): what failed and where, no urllib3 connection-pool text.
    assert str(info.value).endswith("connection refused after 3 attempt(s): Connection refused (127.0.0.1:%d)" % port)
    assert "Max retries" not in str(info.value) and "urllib3" not in str(info.value)


def test_connection_refused_fails_within_a_few_seconds_with_default_retries(make_client):
    sleeps = []
    cli = client_mod.PortaPlusClient("http://127.0.0.1:%d" % free_port(), LICENSE, retries=3, sleep=sleeps.append)
    with pytest.raises(TransportError):
        cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert len(sleeps) == 3 and sum(sleeps) <= 3 * client_mod.REFUSED_MAX_BACKOFF


def test_safe_get_read_timeout_retried_then_transport_error(server, make_client, rec):
    path = "/GetAccounts/%s/1" % LICENSE
    server.on(path, Reply(action="hang", hold=2))
    cli = make_client(server.url, timeout=0.25, retries=2)
    with pytest.raises(TransportError) as info:
        cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert server.hits[path] == 3
    assert cli.stats == {"requests": 3, "retries": 2}
    assert "read timeout after 3 attempt(s)" in str(info.value)
    assert_no_secret(info.value, rec)


def test_retries_zero_means_one_attempt(server, make_client):
    path = "/GetAccounts/%s/1" % LICENSE
    server.on(path, Reply(503))
    cli = make_client(server.url, retries=0)
    with pytest.raises(ServerError):
        cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert server.hits[path] == 1


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

def _status_body(code, message, errors=None):
    return {"ResponseStatus": {"ErrorCode": code, "Message": message, "Errors": errors or []}}


@pytest.mark.parametrize("status, cls", [
    (400, ValidationError), (401, AuthError), (403, AuthError), (404, NotFoundError), (405, ServerError),
    (409, ValidationError), (422, ValidationError), (500, ServerError),
])
def test_typed_errors_by_status(server, make_client, status, cls):
    path = "/GetAccounts/%s/1" % LICENSE
    server.on(path, Reply(status, _status_body("SomeException", "went wrong")))
    with pytest.raises(cls) as info:
        make_client(server.url, retries=0).call(GET_ACCOUNTS, path={"ICustomer": 1})
    exc = info.value
    assert exc.__class__ is cls
    assert isinstance(exc, PortaPlusError)
    assert (exc.op, exc.method, exc.route, exc.status) == ("Product", "GET", "/GetAccounts/{License}/{ICustomer}", status)
    assert exc.server_message == "went wrong"
    assert exc.error_code == "SomeException"
    assert str(exc) == "Product GET /GetAccounts/{License}/{ICustomer} failed: %d SomeException: went wrong" % status


def test_not_found_message_format(server, make_client):
    body = _status_body("FileNotFoundException", "Customer 2001 not found")
    server.on("/GetAccounts/%s/2001" % LICENSE, Reply(404, body, reason="FileNotFoundException"))
    with pytest.raises(NotFoundError) as info:
        make_client(server.url).call(GET_ACCOUNTS, path={"ICustomer": 2001})
    assert str(info.value) == "Product GET /GetAccounts/{License}/{ICustomer} failed: 404 FileNotFoundException: Customer 2001 not found"
    assert info.value.field_errors == []


def test_validation_error_carries_field_errors(server, make_client):
    errors = [{"ErrorCode": "NotDigits", "FieldName": "Id", "Message": "Id must be digits"},
              {"ErrorCode": "Unknown", "FieldName": "IAccount", "Message": "no such account"}]
    server.on("/CreateAccounts/%s" % LICENSE, Reply(400, _status_body("ValidationException", "Validation failed", errors)))
    with pytest.raises(ValidationError) as info:
        make_client(server.url).call(CREATE_ACCOUNTS, body={})
    assert info.value.status == 400
    assert info.value.field_errors == errors
    assert str(info.value) == ("CreateAccount POST /CreateAccounts/{License} failed: 400 ValidationException: Validation failed "
                               "[Id: Id must be digits; IAccount: no such account]")


def test_auth_error_never_shows_license(server, make_client, rec):
    body = _status_body("UnauthorizedAccessException", "Invalid License %s" % LICENSE)
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(401, body, reason="UnauthorizedAccessException"))
    with pytest.raises(AuthError) as info:
        make_client(server.url).call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert str(info.value) == "Product GET /GetAccounts/{License}/{ICustomer} failed: 401 UnauthorizedAccessException: Invalid License ********"
    assert_no_secret(info.value, rec)


def test_error_without_response_status_uses_reason_phrase(server, make_client):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(404, raw=b"404", headers={"Content-Type": "text/plain"}, reason="Not Found"))
    server.on("/GetAccounts/%s/2" % LICENSE, Reply(500, {"AvailableBalance": 0, "ContentId": 0}, reason="InvalidOperationException"))
    cli = make_client(server.url)
    # A plain 404 is not ServiceStack's answer: a wrong url, not a missing object (H8).
    with pytest.raises(client_mod.NotTheApiError) as info:
        cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert not isinstance(info.value, NotFoundError)
    assert "this URL does not look like a Porta Plus 2 API: %s answered 404 Not Found with text/plain" % server.url in str(info.value)
    with pytest.raises(ServerError) as info:
        cli.call(GET_ACCOUNTS, path={"ICustomer": 2})
    assert str(info.value) == "Product GET /GetAccounts/{License}/{ICustomer} failed: 500 InvalidOperationException"


def test_success_false_is_server_error(server, make_client):
    server.on("/UpdateAccount/%s" % LICENSE, Reply(200, {"Success": False, "License": LICENSE}))
    server.on("/UpdateAccount2/%s" % LICENSE, Reply(200, {"Success": False, "ResponseStatus": {"ErrorCode": "E", "Message": "nope"}}))
    cli = make_client(server.url)
    with pytest.raises(ServerError) as info:
        cli.call(Route("POST", "/UpdateAccount/{License}", "UpdateAccount"), body={})
    assert info.value.status == 200
    assert str(info.value) == 'UpdateAccount POST /UpdateAccount/{License} failed: 200: the server answered "Success": false'
    with pytest.raises(ServerError) as info:
        cli.call(Route("POST", "/UpdateAccount2/{License}", "UpdateAccount"), body={})
    assert str(info.value) == "UpdateAccount POST /UpdateAccount2/{License} failed: 200 E: nope"


def test_non_json_success_is_server_error(server, make_client):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(200, raw=b"<html>proxy login</html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(client_mod.NotTheApiError, match="does not look like a Porta Plus 2 API: .* with text/html, not JSON"):
        make_client(server.url).call(GET_ACCOUNTS, path={"ICustomer": 1})


def test_foreign_route_table_404_is_not_the_api(server, make_client):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(404, {"ResponseStatus": {
        "ErrorCode": "NotFound", "Message": "Handler for Request not found (404):\n  Request.PathInfo: /GetAccounts/x/1"}}))
    with pytest.raises(client_mod.NotTheApiError, match="does not look like a Porta Plus 2 API"):
        make_client(server.url).call(GET_ACCOUNTS, path={"ICustomer": 1})


def test_action_names_what_the_user_did(server, make_client):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(404, {"ResponseStatus": {"ErrorCode": "NotFound", "Message": "Customer 1 not found"}}))
    with pytest.raises(NotFoundError) as info:
        make_client(server.url).call(GET_ACCOUNTS, path={"ICustomer": 1}, action="reading the accounts of customer 1")
    assert str(info.value).startswith("reading the accounts of customer 1 failed: 404 NotFound")
    assert "Product" not in str(info.value)


@pytest.mark.parametrize("bad", ["abc/def==", "/leading", " padded", "tab\there"])
def test_license_that_cannot_travel_is_refused_without_showing_it(bad):
    with pytest.raises(ValueError) as info:
        client_mod.PortaPlusClient("http://127.0.0.1:1", bad)
    assert bad not in str(info.value) and bad.strip() not in str(info.value)
    for part in bad.split("/"):
        if len(part) > 2:
            assert part.strip() not in str(info.value)


def test_errors_survive_pickling_without_secret(server, make_client):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(404, _status_body("FileNotFoundException", "gone")))
    with pytest.raises(NotFoundError) as info:
        make_client(server.url).call(GET_ACCOUNTS, path={"ICustomer": 1})
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value)


# ---------------------------------------------------------------------------
# Redaction
# ---------------------------------------------------------------------------

def test_redaction_of_license_and_added_secrets(server, make_client):
    cli = make_client(server.url)
    cli.add_secret("pa ss/wörd")
    cli.add_secret("")
    cli.add_secret(None)
    text = "x LIC-SECRET-123 y pa ss/wörd z pa%20ss%2Fw%C3%B6rd pa+ss%2Fw%C3%B6rd pa%20ss%2fw%c3%b6rd"
    assert cli.redact(text) == "x ******** y ******** z ******** ******** ********"
    assert LICENSE not in repr(cli)


def test_special_license_is_redacted_in_encoded_url(make_client, rec):
    secret = "LIC-SECRET-\u00fc+x="
    port = free_port()
    cli = make_client("http://127.0.0.1:%d" % port, license=secret, retries=0)
    with pytest.raises(TransportError) as info:
        cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert "LIC-SECRET-%C3%BC%2Bx%3D" not in str(info.value)
    assert_no_secret(info.value, rec, secret)
    assert "GetAccounts" in str(info.value)


def test_log_lines_are_redacted_and_one_per_request(server, make_client, rec):
    path = "/GetAccounts/%s/1" % LICENSE
    server.on(path, Reply(503), Reply(200, {}))
    make_client(server.url).call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert len(rec.lines) == 2
    assert rec.lines[0].startswith("Product GET /GetAccounts/{License}/{ICustomer} -> 503 in ")
    assert rec.lines[1].startswith("Product GET /GetAccounts/{License}/{ICustomer} -> 200 in ")
    assert all(LICENSE not in line for line in rec.lines)


def test_secret_echoed_by_server_is_redacted(server, make_client, rec):
    server.on("/CreateAccounts/%s" % LICENSE, Reply(
        400, _status_body("ArgumentException", "bad password hunter2x for %s" % LICENSE,
                          [{"ErrorCode": "Weak", "FieldName": "Password", "Message": "hunter2x is weak"}])))
    cli = make_client(server.url)
    cli.add_secret("hunter2x")
    with pytest.raises(ValidationError) as info:
        cli.call(CREATE_ACCOUNTS, body={"Password": "hunter2x"})
    assert info.value.field_errors == [{"ErrorCode": "Weak", "FieldName": "Password", "Message": "******** is weak"}]
    assert_no_secret(info.value, rec, LICENSE, "hunter2x")


def test_no_exception_context_leaks_the_url(make_client):
    cli = make_client("http://127.0.0.1:%d" % free_port(), retries=0)
    with pytest.raises(TransportError) as info:
        cli.call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert info.value.__cause__ is None
    assert info.value.__context__ is None


# ---------------------------------------------------------------------------
# Path values
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, reason", [
    ("", "must not be empty"),
    ("a/b", "must not contain '/'"),
    ("desk.json", "format suffix"),
    ("Desk.XML", "format suffix"),
    ("x.Jsv", "format suffix"),
    ("report.csv", "format suffix"),
    ("page.html", "format suffix"),
    ("..", "path segments"),
    (None, "got NoneType"),
    (1.5, "got float"),
    ([1], "got list"),
    ({"a": 1}, "got dict"),
])
def test_bad_path_values_are_refused_before_sending(server, make_client, value, reason):
    cli = make_client(server.url)
    with pytest.raises(PathValueError) as info:
        cli.call(ADD_EXTENSION, path={"ICustomer": 1, "Id": "200", "Name": value})
    exc = info.value
    assert isinstance(exc, ValueError)
    assert exc.variable == "Name"
    assert "path variable Name=" in str(exc)
    assert (repr(value) if not isinstance(value, str) else "'%s'" % value) in str(exc)
    assert reason in str(exc)
    assert LICENSE not in str(exc)
    assert exc.route == "/AddCustomerExtension/{License}/{ICustomer}/{Id}/{Name}"
    assert server.total() == 0
    assert cli.stats["requests"] == 0


def test_missing_path_value_is_refused(server, make_client):
    with pytest.raises(PathValueError, match="path variable ICustomer=None refused: missing"):
        make_client(server.url).call(GET_ACCOUNTS)
    assert server.total() == 0


def test_path_value_that_is_a_secret_is_redacted(server, make_client):
    cli = make_client(server.url)
    cli.add_secret("topsecret")
    with pytest.raises(PathValueError) as info:
        cli.call(EXT_NAME, path={"Name": "topsecret.json"})
    assert "topsecret" not in str(info.value)
    assert "'********.json'" in str(info.value)


@pytest.mark.parametrize("value, sent", [
    ("a?b#c% d", "a%3Fb%23c%25%20d"),
    ("Zürich", "Z%C3%BCrich"),
    ("a@b.com", "a%40b.com"),
    ("json", "json"),
    (True, "True"),
    (False, "False"),
    (42, "42"),
    (0, "0"),
])
def test_path_values_are_percent_encoded(server, make_client, value, sent):
    server.on("/Ext/%s/%s" % (LICENSE, sent), Reply(200, {"ok": True}))
    assert make_client(server.url).call(EXT_NAME, path={"Name": value}) == {"ok": True}
    assert server.requests[0]["path"] == "/Ext/LIC-SECRET-123/%s" % sent


def test_path_keys_match_case_insensitively_and_license_is_ours(server, make_client):
    server.on("/GetAccounts/%s/4" % LICENSE, Reply(200, {}))
    make_client(server.url).call(GET_ACCOUNTS, path={"icustomer": 4, "License": "someone-else"})
    assert server.requests[0]["path"] == "/GetAccounts/LIC-SECRET-123/4"


def test_wildcard_variable_may_hold_segments(server, make_client):
    route = Route("GET", "/GetActiveCallsEnvironment/{License}/{ShowVendors*}", "ActiveCalls")
    server.on("/GetActiveCallsEnvironment/%s/a/b%%20c" % LICENSE, Reply(200, {}))
    make_client(server.url).call(route, path={"ShowVendors": "a/b c"})
    assert server.requests[0]["path"] == "/GetActiveCallsEnvironment/LIC-SECRET-123/a/b%20c"


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

UTC = datetime.timezone.utc


@pytest.mark.parametrize("text, expected", [
    ("/Date(0)/", datetime.datetime(1970, 1, 1, tzinfo=UTC)),
    ("\\/Date(0)\\/", datetime.datetime(1970, 1, 1, tzinfo=UTC)),
    ("/Date(1700000000000)/", datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ("/Date(1700000000000+0100)/", datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ("/Date(1700000000000-0000)/", datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ("/Date(1700000000123-0500)/", datetime.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
    ("/Date(-86400000)/", datetime.datetime(1969, 12, 31, tzinfo=UTC)),
    ("/Date(-62135596800000-0000)/", None),
    ("/Date(-62135596800000)/", None),
    ("0001-01-01T00:00:00", None),
    ("0001-01-01", None),
    ("2024-03-01T10:00:00+02:00", datetime.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)),
    ("2024-03-01T10:00:00Z", datetime.datetime(2024, 3, 1, 10, 0, tzinfo=UTC)),
    ("2024-03-01T10:00:00.5-0130", datetime.datetime(2024, 3, 1, 11, 30, 0, 500000, tzinfo=UTC)),
    ("2024-03-01 10:00:00", datetime.datetime(2024, 3, 1, 10, 0, tzinfo=UTC)),
    ("2024-03-01", datetime.datetime(2024, 3, 1, tzinfo=UTC)),
    ("", None),
    (None, None),
    (datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-2))),
     datetime.datetime(2024, 3, 1, 14, 0, tzinfo=UTC)),
    (datetime.datetime(2024, 3, 1, 12, 0), datetime.datetime(2024, 3, 1, 12, 0, tzinfo=UTC)),
])
def test_parse_date(text, expected):
    result = parse_date(text)
    assert result == expected
    if result is not None:
        assert result.tzinfo is not None
        assert result.utcoffset() == datetime.timedelta(0)


@pytest.mark.parametrize("text", ["String", "2024-13-01T00:00:00", "/Date(abc)/", "12:00", 5])
def test_parse_date_rejects_non_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_convert_dates_in_nested_responses():
    data = {
        "A": "/Date(0)/", "B": "/Date(-62135596800000-0000)/", "C": "2024-03-01T10:00:00+02:00",
        "D": "2024-03-01", "E": "String", "F": 5, "G": [{"H": "/Date(1700000000000+0100)/"}], "I": None,
        "J": "0001-01-01T00:00:00", "K": "2024-99-01T00:00:00", "L": "1234-5678", "M": "Date(0)",
        "N": "2024-03-01 10:00:00",
    }
    assert convert_dates(data) == {
        "A": "1970-01-01T00:00:00Z", "B": None, "C": "2024-03-01T08:00:00Z",
        "D": "2024-03-01", "E": "String", "F": 5, "G": [{"H": "2023-11-14T22:13:20Z"}], "I": None,
        "J": None, "K": "2024-99-01T00:00:00", "L": "1234-5678", "M": "Date(0)",
        "N": "2024-03-01T10:00:00Z",
    }


@pytest.mark.parametrize("value, expected", [
    (datetime.datetime(2024, 3, 1, 10, 5, 7, 999), "2024-03-01T10:05:07"),
    (datetime.datetime(2024, 3, 1, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))), "2024-02-29T22:30:00"),
    (datetime.date(2024, 3, 1), "2024-03-01T00:00:00"),
    ("2024-03-01", "2024-03-01T00:00:00"),
    ("2024-03-01 23:59:59", "2024-03-01T23:59:59"),
    ("/Date(0)/", "1970-01-01T00:00:00"),
])
def test_format_path_date(value, expected):
    assert format_path_date(value) == expected


@pytest.mark.parametrize("value", [None, "", "/Date(-62135596800000-0000)/", "yesterday"])
def test_format_path_date_rejects(value):
    with pytest.raises(ValueError):
        format_path_date(value)


# ---------------------------------------------------------------------------
# Licenses a server could split, and fragments of secrets in what servers send (issue 22)
# ---------------------------------------------------------------------------

SPLITTABLE_LICENSES = ["Pj4Kd9Ys%2FBn6Fq1Gu", "Pj4Kd9Ys/Bn6Fq1Gu", "Pj4Kd9Ys\\Bn6Fq1Gu", "Pj4Kd9Ys?Bn6Fq1Gu",
                       "Pj4Kd9Ys#Bn6Fq1Gu", "Pj4Kd9Ys Bn6Fq1Gu", "Pj4Kd9Ys\tBn6Fq1Gu", "Pj4Kd9Ys\u00a0Bn6Fq1Gu",
                       "Pj4Kd9Ys\x00Bn6Fq1Gu", "Pj4Kd9Ys\x1bBn6Fq1Gu", " Pj4Kd9YsBn6Fq1Gu", "Pj4Kd9YsBn6Fq1Gu\n"]


@pytest.mark.parametrize("secret", SPLITTABLE_LICENSES)
def test_license_a_server_could_split_is_refused_without_showing_it(secret):
    with pytest.raises(ValueError) as info:
        PortaPlusClient("http://127.0.0.1:9", secret)
    message = str(info.value)
    assert "license" in message
    for fragment in ("Pj4K", "Bn6F", "Fq1G", "d9Ys", "%2F"):
        assert fragment not in message


def test_scrub_masks_every_piece_of_a_secret_of_four_characters_or_more():
    cli = PortaPlusClient("http://127.0.0.1:9", "Qx7Kp9Lm2Zr4Tw8Vn5")
    cli.add_secret("hunter2x")
    text = ("no route GET /GetAccounts/Qx7Kp9Lm2/Zr4Tw8Vn5/1001; account qx7kp9 "
            "(Lm2Z) Tw8; p=hunter, HUNTER2X, abc")
    scrubbed = cli.scrub(text)
    for piece in ("Qx7Kp9Lm2", "Zr4Tw8Vn5", "qx7kp9", "Lm2Z", "hunter", "HUNTER2X"):
        assert piece not in scrubbed
    # three characters are not a fragment: the server's own words stay readable
    assert "Tw8;" in scrubbed and "abc" in scrubbed and scrubbed.startswith("no route GET /GetAccounts/")


def test_fragments_of_the_license_echoed_by_a_server_never_reach_the_error(server, make_client, rec):
    secret = "Pj4Kd9Ys-Bn6Fq1Gu"
    path = "/GetAccounts/%s/1" % secret
    echoed = "Handler for GET /GetAccounts/Pj4Kd9Ys/Bn6Fq1Gu/1 failed; license pj4kd9ys-bn6f unknown"
    server.on(path, Reply(401, _status_body("Unauthorized " + secret[2:9], echoed,
                                            [{"ErrorCode": "x", "FieldName": "License", "Message": secret[5:]}]),
                          reason="Denied " + secret[:6]))
    with pytest.raises(AuthError) as info:
        make_client(server.url, license=secret, retries=0).call(GET_ACCOUNTS, path={"ICustomer": 1})
    texts = [str(info.value), str(info.value.server_message), repr(info.value.field_errors),
             str(info.value.error_code)] + rec.lines
    for start in range(len(secret) - 3):
        for text in texts:
            assert secret[start:start + 4] not in text and secret[start:start + 4].lower() not in text
    assert "401" in str(info.value)


def test_a_server_that_sends_errors_not_as_a_list_gives_a_message(server, make_client):
    server.on("/GetAccounts/%s/1" % LICENSE, Reply(400, {"ResponseStatus": {"ErrorCode": {"a": 1}, "Errors": 7}}))
    with pytest.raises(ValidationError) as info:
        make_client(server.url, retries=0).call(GET_ACCOUNTS, path={"ICustomer": 1})
    assert "400" in str(info.value)
