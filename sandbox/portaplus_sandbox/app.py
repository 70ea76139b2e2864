"""The WSGI application: ServiceStack's request pipeline over Werkzeug routing.

Per API request (API_FACTS.md §C): strip a `.json/.xml/.jsv/.csv` suffix, drop empty path
segments, match the route (literals case-insensitive, wrong verb = no match = 404), choose
the response format, bind the request DTO (body, then path, then query, then form), check
the License, maybe inject a fault, run the handler, render.  `/__sandbox/...` is the admin
API (no License, not logged, never faulted).
"""

from __future__ import annotations

import json
import re
import socket
import struct
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BaseConverter, Map, Rule
from werkzeug.wrappers import Request, Response

from . import wire
from .errors import (ApiError, DropConnection, bad_request, binding_failed, unauthorized,
                     unknown_operation)
from .faults import FaultInjector, FaultSettings
from .requestlog import RequestLog, mask, mask_query
from .routes import BATCH_WRITE_OPS, OPERATIONS, ROUTES, Route, routes_of
from .services import HANDLERS, Call, ServiceState
from .services.cdrs import PAGE_SIZE as CDR_PAGE_SIZE
from .store import Store
from .traffic import Switch, TrafficError, TrafficSettings

FORMATS = ("json", "xml", "jsv", "csv")
SOAP_FORMATS = {"soap11": "11", "soap12": "12"}
ADMIN_PREFIX = "/__sandbox/"

# Request bodies by Content-Type; form types bind like the query string.
BODY_FORMATS = {
    "application/json": "json", "text/json": "json",
    "application/xml": "xml", "text/xml": "xml",
    "text/jsv": "jsv", "text/csv": "csv",
}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
ACCEPT_FORMATS = {
    "application/json": "json", "text/json": "json", "application/xml": "xml",
    "text/xml": "xml", "text/jsv": "jsv", "text/csv": "csv",
}
_VARIABLE = re.compile(r"^\{(\w+)(\*?)\}$")
_OPERATION_NAMES = {op.lower(): op for op in OPERATIONS}


# -- routing ------------------------------------------------------------------------------------


class IgnoreCaseConverter(BaseConverter):
    """A literal segment matched case-insensitively (ServiceStack lower-cases both sides,
    §C.3).  Its low weight puts literals before variables when several rules could match."""

    weight = 10

    def __init__(self, map: Map, *words: str):
        super().__init__(map)
        self.regex = "(?i:" + "|".join(re.escape(word) for word in words) + ")"


@dataclass(frozen=True)
class Predefined:
    """Endpoint of `/{format}/{reply|oneway}/{Op}` and of `/soap11`, `/soap12`."""
    kind: str           # "reply" | "soap"


PREDEFINED = Predefined("reply")
SOAP = Predefined("soap")


def _rules(route: Route) -> list[Rule]:
    """Werkzeug rules of one custom route.  A trailing `{Name*}` may be empty, so it gives
    a rule without the segment and one with a `path` variable."""
    parts, wildcard = [], None
    for index, segment in enumerate(route.segments):
        match = _VARIABLE.match(segment)
        if match and match.group(2):
            wildcard = match.group(1)
        elif match:
            parts.append(f"<{match.group(1)}>")
        else:
            parts.append(f'<ci("{segment}"):_literal{index}>')
    path = "/" + "/".join(parts)
    rules = [Rule(path, endpoint=route, methods=[route.verb])]
    if wildcard:
        rules.append(Rule(f"{path}/<path:{wildcard}>", endpoint=route, methods=[route.verb]))
    return rules


def build_url_map() -> Map:
    rules = [rule for route in ROUTES for rule in _rules(route)]
    formats = ", ".join(f'"{fmt}"' for fmt in FORMATS)
    rules.append(Rule(f'/<ci({formats}):format>/<ci("reply", "oneway"):kind>/<op>',
                      endpoint=PREDEFINED))
    rules.append(Rule('/<ci("soap11", "soap12"):soap>', endpoint=SOAP, methods=["POST"]))
    return Map(rules, converters={"ci": IgnoreCaseConverter}, strict_slashes=False,
               merge_slashes=False)


def route_for(op: str, request: dict[str, Any]) -> Route:
    """The custom route a predefined/SOAP request stands for: the route of `op` all of whose
    variables (License aside) carry a non-default value, with the most such variables;
    ties go to the first registered.  With none, the op's route with fewest variables."""
    def given(variable: str) -> bool:
        member = wire.member_name(op, variable)
        return member is not None and request.get(member) not in (None, 0, False, "", [])

    candidates = routes_of(op)
    fitting = [route for route in candidates
               if all(given(v) for v in route.variables if v != "License")]
    if fitting:
        return max(fitting, key=lambda route: len(route.variables))   # max keeps the first
    return min(candidates, key=lambda route: len(route.variables))


def split_format_suffix(path: str) -> tuple[str, str | None]:
    """`/a/b.json` -> (`/a/b`, "json"): the text after the last dot of the whole path, when
    it names a format (§C.2)."""
    head, dot, suffix = path.rpartition(".")
    if dot and suffix.lower() in FORMATS and "/" not in suffix:
        return head, suffix.lower()
    return path, None


# -- the application ----------------------------------------------------------------------------


@dataclass
class Exchange:
    """What is known about one API request as it goes through the pipeline (for the log)."""
    seq: int
    method: str
    fmt: str = "json"
    route_label: str | None = None
    op: str | None = None
    write: bool = False
    committed: bool = False
    fault: str | None = None
    text_case: str | None = None    # ?jsconfig=TextCase:CamelCase and friends (JSON, JSV)
    secrets: set[str] = field(default_factory=set)
    socket: Any = None          # the client connection, for faults that cut it


class SandboxApp:
    def __init__(self, store: Store, fault_settings: FaultSettings,
                 cdr_page_size: int = CDR_PAGE_SIZE,
                 traffic: TrafficSettings | None = None):
        self.store = store
        self.switch = Switch(store, traffic or TrafficSettings())
        self.startup_faults = fault_settings
        self.startup_cdr_page_size = cdr_page_size
        self.faults = FaultInjector(fault_settings)
        self.log = RequestLog()
        self.state = ServiceState()
        self.state.cdr_pager.page_size = cdr_page_size
        self.url_map = build_url_map()
        self.adapter = self.url_map.bind("sandbox")
        missing = {route.template for route in ROUTES} - set(HANDLERS)
        assert not missing, f"routes without a handler: {sorted(missing)}"

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path.startswith(ADMIN_PREFIX):
            response = self.admin(request)
        else:
            response = self.api(request)
        return response(environ, start_response)

    # -- API pipeline ---------------------------------------------------------------------------

    def api(self, request: Request) -> Response:
        started = time.monotonic()
        x = Exchange(self.log.next_seq(), request.method,
                     socket=request.environ.get("werkzeug.socket"))
        response: Response | None = None
        if self.faults.latency_s:
            time.sleep(self.faults.latency_s)
        try:
            response = self._serve(request, x)
            return response
        except _HangUp:
            pass
        finally:
            self._record(request, x, response, started)
        # the `timeout` fault: the handler ran and is logged; now leave the client waiting
        time.sleep(self.faults.settings.hang_s)
        _drop(x)

    def _serve(self, request: Request, x: Exchange) -> Response:
        path, suffix_format = split_format_suffix(request.path)
        segments = [segment for segment in path.split("/") if segment]      # `//` dropped
        x.fmt = _negotiate(request, suffix_format)
        x.text_case = wire.text_case_of(request.args.get("jsconfig"))
        try:
            endpoint, args = self.adapter.match("/" + "/".join(segments), method=request.method)
        except (NotFound, MethodNotAllowed):          # a wrong verb does not match either
            return Response("404", status=404, content_type="text/plain")
        x.secrets.update(v for k, v in args.items() if k.lower() == "license")
        try:
            route, dto, oneway = self._resolve(request, x, endpoint, args)
            result = self._execute(x, route, dto)
            if oneway:
                return Response(status=204)
            try:
                body, content_type = wire.render(x.fmt, route.op + "Response", result, x.text_case)
            except ValueError as exc:                  # a handler returned a bad member
                traceback.print_exc(file=sys.stderr)
                raise ApiError(500, "SerializationException", str(exc)) from exc
        except ApiError as error:
            return self._error(request, x, error)
        return self._respond(request, x, body, content_type, 200, "OK")

    def _resolve(self, request: Request, x: Exchange, endpoint: Route | Predefined,
                 args: dict[str, str]) -> tuple[Route, dict, bool]:
        """(route, bound request DTO, oneway?).  A predefined or SOAP request is routed to
        the custom route its members stand for (`route_for`)."""
        oneway = False
        if isinstance(endpoint, Route):
            x.route_label, x.op, x.write = endpoint.template, endpoint.op, endpoint.is_write
            dto = self._bind(request, endpoint.op, body_format=None)
            self._bind_path(dto, endpoint.op, endpoint, args)
        elif endpoint is SOAP:
            x.fmt = args["soap"].lower()
            x.route_label = "/" + x.fmt
            x.op, dto = self._bind_soap(request, x)
        else:
            x.fmt = args["format"].lower()
            oneway = args["kind"].lower() == "oneway"
            x.route_label = f"/{x.fmt}/{args['kind'].lower()}/{args['op']}"
            x.op = _OPERATION_NAMES.get(args["op"].lower())
            if x.op is None:
                raise unknown_operation(args["op"])
            dto = self._bind(request, x.op, body_format=x.fmt)
        self._bind_query_and_form(request, dto, x.op)
        route = endpoint if isinstance(endpoint, Route) else route_for(x.op, dto)
        x.write = route.is_write
        x.secrets.add(dto.get("License") or "")
        return route, dto, oneway

    def _bind(self, request: Request, op: str, body_format: str | None) -> dict:
        """The DTO from the request body: by its Content-Type, or on a predefined route by
        the route's format when the Content-Type names none.  Forms bind later."""
        if request.mimetype in FORM_TYPES:
            return {}
        data = request.get_data(cache=True)
        fmt = BODY_FORMATS.get(request.mimetype, body_format)
        if not data or fmt is None:
            return {}
        try:
            return wire.parse_body(fmt, data, op)
        except wire.BindingError as exc:
            raise binding_failed(exc.message, exc.field) from None

    @staticmethod
    def _bind_path(dto: dict, op: str, route: Route, args: dict[str, str]) -> None:
        """Route variables bind case-insensitively; one with no member is an error (§C.4)."""
        for variable in route.variables:
            if variable not in args:
                continue                                  # an empty `{Name*}` wildcard
            member = wire.member_name(op, variable)
            if member is None:
                raise bad_request(f"Could not find property {variable} on {op}")
            try:
                dto[member] = wire.coerce(op, member, args[variable])
            except wire.BindingError as exc:
                raise binding_failed(exc.message, exc.field) from None

    @staticmethod
    def _bind_query_and_form(request: Request, dto: dict, op: str) -> None:
        """Query string over path values, form fields over both (§C.4)."""
        try:
            dto.update(wire.parse_form(request.args.items(multi=True), op))
            if request.mimetype in FORM_TYPES:
                dto.update(wire.parse_form(request.form.items(multi=True), op))
        except wire.BindingError as exc:
            raise binding_failed(exc.message, exc.field) from None

    @staticmethod
    def _bind_soap(request: Request, x: Exchange) -> tuple[str, dict]:
        try:
            op, dto = wire.parse_soap(request.get_data(cache=True), SOAP_FORMATS[x.fmt])
        except wire.UnknownOperationError as exc:
            raise unknown_operation(exc.value) from None
        except wire.BindingError as exc:
            raise binding_failed(exc.message, exc.field) from None
        if op not in OPERATIONS:
            raise unknown_operation(op)
        return op, dto

    def _execute(self, x: Exchange, route: Route, dto: dict) -> dict:
        """License check (A1), fault injection, then the route's handler."""
        with self.store.session() as db:
            license_ = dto.get("License") or ""
            reseller = db.reseller_by_license(license_) if license_ else None
            if reseller is None:
                raise unauthorized()
            x.fault = self.faults.draw(route.template, x.route_label)
            partial = x.fault == "partial" and route.op in BATCH_WRITE_OPS
            if x.fault in ("500", "partial") and not partial:
                raise ApiError(500, "Exception", "Injected fault (sandbox)")
            if x.fault == "503":
                raise ApiError(503, "ServiceUnavailable", "Injected fault (sandbox)",
                               headers=[("Retry-After", "1")])
            if x.fault == "reset":
                _drop(x)
            call = Call(db=db, reseller=reseller, request=dto, route=route,
                        now=int(time.time()), state=self.state, partial=partial)
            try:
                return HANDLERS[route.template](call)
            except ApiError:
                raise
            except Exception as exc:                   # a handler bug: 500 like .NET would
                traceback.print_exc(file=sys.stderr)
                raise ApiError(500, type(exc).__name__, str(exc)) from exc
            finally:
                x.committed = db.committed_writes > 0
                if x.fault == "timeout":
                    raise _HangUp

    def _error(self, request: Request, x: Exchange, error: ApiError) -> Response:
        body, content_type = wire.render_error(x.fmt, error.status, error.error_code,
                                               error.message, error.field_errors, x.text_case)
        return self._respond(request, x, body, content_type, error.status, error.error_code,
                             error.headers)

    @staticmethod
    def _respond(request: Request, x: Exchange, body: bytes, content_type: str, status: int,
                 reason: str, headers=()) -> Response:
        callback = request.args.get("callback")
        if callback and x.fmt == "json":
            body, content_type = wire.wrap_jsonp(callback, body)
            status, reason = 200, "OK"          # JSONP errors travel as 200 (§C.8)
        return Response(body, status=f"{status} {reason}", content_type=content_type,
                        headers=list(headers))

    def _record(self, request: Request, x: Exchange, response: Response | None,
                started: float) -> None:
        secrets = {s for s in x.secrets if s}
        self.log.add({
            "seq": x.seq, "method": x.method, "path": mask(request.path, secrets),
            "query": mask_query(request.query_string.decode("latin-1"), secrets),
            "route": x.route_label, "op": x.op,
            "status": response.status_code if response is not None else None,
            "write": x.write, "committed": x.committed, "format": x.fmt, "fault": x.fault,
            "ms": round((time.monotonic() - started) * 1000, 1),
            "at": round(time.time(), 3),
        })

    # -- admin API ----------------------------------------------------------------------------

    def admin(self, request: Request) -> Response:
        action = (request.method, request.path[len(ADMIN_PREFIX):].strip("/"))
        try:
            if action == ("GET", "health"):
                return _json({"status": "ok", "seed": self.store.options.kind})
            if action == ("GET", "requests"):
                return _json(self.log.snapshot())
            if action == ("DELETE", "requests"):
                self.log.clear()
                return _json({"cleared": True})
            if action == ("POST", "reset"):
                self.reset()
                return _json({"reset": True})
            if action == ("GET", "faults"):
                return _json(self.faults.to_json())
            if action == ("POST", "faults"):
                data = json.loads(request.get_data() or b"{}")
                self.faults.configure(FaultSettings.from_json(data, FaultSettings(
                    hang_s=self.startup_faults.hang_s)))
                return _json(self.faults.to_json())
            if action == ("GET", "cdr-paging"):
                return _json({"page_size": self.state.cdr_pager.page_size})
            if action == ("POST", "cdr-paging"):
                size = json.loads(request.get_data() or b"{}").get("page_size")
                if not isinstance(size, int) or isinstance(size, bool) or size < 1:
                    raise ValueError(f"page_size must be an integer of 1 or more, got {size!r}")
                self.state.cdr_pager.page_size = size
                return _json({"page_size": size})
            if action == ("POST", "cdrs"):
                data = json.loads(request.get_data() or b"{}")
                cdr_id = self.store.add_cdr(
                    int(data["i_account"]), str(data["remote"]), bool(data.get("outgoing", False)),
                    int(data.get("connect_time") or time.time() - 60), int(data.get("duration", 0)),
                    float(data.get("charged_amount", 0)), int(data.get("disconnect_cause", 16)))
                return _json({"id": cdr_id})
            if action == ("DELETE", "faults"):
                self.faults.configure(FaultSettings(hang_s=self.startup_faults.hang_s))
                return _json(self.faults.to_json())
            if action[1].startswith("calls") or action[1] == "traffic":
                return self.admin_calls(request, action)
        except TrafficError as exc:
            return _json({"error": str(exc)}, exc.status)
        except (ValueError, KeyError, TypeError) as exc:
            return _json({"error": str(exc)}, 400)
        return _json({"error": f"no admin endpoint {request.method} {request.path}"}, 404)

    def admin_calls(self, request: Request, action: tuple[str, str]) -> Response:
        """Live traffic (traffic.py): start and end calls, the switch's call log."""
        method, path = action
        if (method, path) == ("GET", "calls/log"):
            return _json(self.switch.log())
        if (method, path) == ("GET", "traffic"):
            return _json(self.switch.to_json())
        if (method, path) == ("POST", "calls"):
            try:
                body = json.loads(request.get_data() or b"{}")
            except ValueError:
                raise TrafficError("the body must be a JSON object") from None
            return _json(self.switch.place(body), 201)
        if method == "DELETE" and path.startswith("calls/") and path.count("/") == 1:
            return _json(self.switch.end(path[len("calls/"):]))
        return _json({"error": f"no admin endpoint {request.method} {request.path}"}, 404)

    def reset(self) -> None:
        """Back to the start-up state: the seed, an empty log, the start-up fault settings
        (generated traffic starts its sequence over)."""
        self.store.reset(int(time.time()))
        self.switch.restart_schedule()
        self.log.clear()
        self.faults.configure(self.startup_faults)
        self.state.cdr_pager.page_size = self.startup_cdr_page_size


class _HangUp(Exception):
    """Unwinds a request under the `timeout` fault once its handler has run."""


def _drop(x: Exchange) -> None:
    """Cut the connection with no response: a TCP reset (SO_LINGER 0)."""
    if x.socket is not None:
        try:
            x.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            x.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise DropConnection("connection dropped by an injected fault")


def _negotiate(request: Request, suffix_format: str | None) -> str:
    """Response format of a custom route: path suffix, then ?format=, then Accept, then
    JSON (§C.2)."""
    if suffix_format:
        return suffix_format
    requested = (request.args.get("format") or "").lower()
    if requested in FORMATS:
        return requested
    best = request.accept_mimetypes.best_match(list(ACCEPT_FORMATS))
    return ACCEPT_FORMATS.get(best, "json") if best else "json"


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")
