"""The sandbox as the one API model of the unit tests, served in-process (moto's in-process mode).

`InProcessSandbox` builds the sandbox's WSGI app (`portaplus_sandbox.app.SandboxApp`) on a
seeded SQLite file; `WsgiAdapter` is a `requests` transport adapter that hands each request
to that app instead of a socket, so the collection's real `PortaPlusClient` (retries, error
mapping, date conversion) talks to the real server rules without a process or a port.
Fault injection is the sandbox's own (`set_faults`); a `timeout` fault does not hang here:
it reaches the client at once as the read timeout it would end in.

Plugins never import the sandbox; tests may.
"""
import os
import shutil
import tempfile
import time
from collections import namedtuple
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import EnvironBuilder, run_wsgi_app

from portaplus_sandbox.app import SandboxApp
from portaplus_sandbox.errors import DropConnection
from portaplus_sandbox.faults import FaultSettings
from portaplus_sandbox.seed import SeedOptions
from portaplus_sandbox.store import Store

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import PortaPlusClient

URL = "http://sandbox.in-process"
DEMO_LICENSE = "DEMO-LICENSE"
NO_HANG = FaultSettings(hang_s=0)


class WsgiAdapter(BaseAdapter):
    """Sends a prepared `requests` request to a WSGI app and returns its answer as a Response."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body
        environ = EnvironBuilder(method=request.method, base_url="%s://%s" % (parts.scheme, parts.netloc),
                                 path=parts.path, query_string=parts.query, headers=dict(request.headers),
                                 data=body).get_environ()
        try:
            app_iter, status, headers = run_wsgi_app(self.app, environ, buffered=True)
        except DropConnection:
            # what a client sees of the sandbox's `reset` and `timeout` faults over a socket
            if self.app.log.snapshot()["requests"][-1]["fault"] == "timeout":
                raise requests.exceptions.ReadTimeout("read timed out (in-process sandbox)", request=request)
            raise requests.exceptions.ConnectionError(
                ConnectionResetError(104, "Connection reset by peer"), request=request)
        response = requests.Response()
        response.status_code = int(status.split(" ", 1)[0])
        response.reason = status.split(" ", 1)[1] if " " in status else ""
        response.headers = CaseInsensitiveDict(headers.to_wsgi_list())
        response._content = b"".join(app_iter)    # pylint: disable=protected-access
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        pass


Call = namedtuple("Call", ("route", "path", "body", "action"))


class RecordingClient(PortaPlusClient):
    """The collection's client, noting each call it is asked to make (a `Call`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = []

    def call(self, route, path=None, body=None, query=None, convert=True, action=None):
        self.calls.append(Call(route, dict(path or {}), body, action))
        return super().call(route, path, body=body, query=query, convert=convert, action=action)

    def templates(self):
        return [call.route.template for call in self.calls]

    def ops(self):
        """The operation names of the calls: `GetAccounts`, `AddCustomerExtension`, ..."""
        return [call.route.template.split("/")[1] for call in self.calls]

    def writes(self):
        """(template, body) of each call to a route that changes state."""
        return [(call.route.template, call.body) for call in self.calls if call.route.write]

    def write_paths(self):
        """(operation, path values without License and ICustomer) of each write: what a GET write sends."""
        return [(call.route.template.split("/")[1],
                 dict((k, v) for k, v in call.path.items() if k not in ("License", "ICustomer")))
                for call in self.calls if call.route.write]


class InProcessSandbox:
    """A seeded sandbox app in this process; `client()` gives a PortaPlusClient wired to it."""

    def __init__(self, seed="demo", **seed_options):
        self.directory = tempfile.mkdtemp(prefix="portaplus-sandbox-unit-")
        self.store = Store(os.path.join(self.directory, "sandbox.sqlite"), SeedOptions(kind=seed, **seed_options))
        self.store.reset(int(time.time()))
        self.app = SandboxApp(self.store, NO_HANG)

    def client(self, license=DEMO_LICENSE, **options):
        """A recording client of this sandbox; retries do not sleep."""
        session = requests.Session()
        session.mount(URL + "/", WsgiAdapter(self.app))
        options.setdefault("sleep", lambda _seconds: None)
        return RecordingClient(URL, license, session=session, **options)

    def reset(self):
        """Back to the seed, an empty request log and no faults."""
        self.app.reset()
        return self

    def requests(self):
        """The sandbox's request log: route template, status, write, committed, fault of each request."""
        return self.app.log.snapshot()["requests"]

    def set_faults(self, **settings):
        """The admin endpoint's settings, e.g. set_faults(fault_rate=1, kinds=["timeout"], routes=[...])."""
        self.app.faults.configure(FaultSettings.from_json(settings, NO_HANG))

    def set_cdr_page_size(self, size):
        self.app.state.cdr_pager.page_size = size

    def close(self):
        shutil.rmtree(self.directory, ignore_errors=True)
