"""Command line: `portaplus-sandbox serve ...` (also `python -m portaplus_sandbox serve ...`).

The first line on stdout is exactly `listening on http://HOST:PORT`, so a parent process
can wait for it and learn the port (`--port 0` picks a free one).  `run` wraps a command:
`portaplus-sandbox run --seed demo -- ansible-playbook demo.yml`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import CDR_PAGE_SIZE, SandboxApp
from .faults import FAULT_KINDS, FaultSettings
from .requestlog import MASK, mask, mask_query
from .seed import RESELLERS, SeedOptions
from .store import Store
from .traffic import TrafficSettings, parse_duration_range


DEMO_LICENSE = RESELLERS[0][1]


def masked_path(target: str) -> str:
    """A request target for the console log with the License masked, as the admin log does.

    The License is the second path segment of every custom route that carries it (`/Op/{License}/...`),
    a `License` query parameter, or a seeded License anywhere; an unknown License is masked by position too.
    """
    path, _, query = target.partition("?")
    segments = path.split("/")
    if len(segments) > 2 and segments[1] and not segments[1].startswith("__"):
        segments[2] = MASK
    licenses = {license for _i_reseller, license, *_rest in RESELLERS}
    masked = mask("/".join(segments), licenses)
    return masked + ("?" + mask_query(query, licenses) if query else "")


class _RequestHandler(WSGIRequestHandler):
    log_requests = False

    def log_request(self, code="-", size="-") -> None:
        if self.log_requests:
            original = getattr(self, "path", None)
            if original is not None:
                self.path = masked_path(original)
            try:
                super().log_request(code, size)
            finally:
                if original is not None:
                    self.path = original


def _kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(kind.strip() for kind in text.split(",") if kind.strip())
    unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown fault kind(s) {unknown}; choose from {', '.join(FAULT_KINDS)}")
    return kinds


def _duration_range(text: str) -> tuple[float, float]:
    try:
        return parse_duration_range(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _server_options() -> argparse.ArgumentParser:
    """Options shared by `serve` and `run`."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    options.add_argument("--port", type=int, default=None,
                         help="port (0: pick a free one; default 8089 for serve, 0 for run)")
    options.add_argument("--db", help="SQLite file (default: a temporary file removed on exit); "
                         "its content is replaced by the seed")
    options.add_argument("--seed", choices=("demo", "empty"), default="demo",
                         help="initial data (default demo)")
    options.add_argument("--cdrs", type=int, help="number of CDRs to generate "
                         "(default 200 for demo, 0 for empty)")
    options.add_argument("--accounts", type=int, default=0,
                         help="extra accounts for customer 1001 (spread over the generated "
                         "customers when --customers is given)")
    options.add_argument("--customers", type=int, default=0,
                         help="extra customers of the demo reseller (IDs from 1101, two sites "
                         "each)")
    options.add_argument("--random-seed", type=int, default=1,
                         help="seed of generated data and injected faults (default 1)")
    options.add_argument("--cdr-page-size", type=int, default=CDR_PAGE_SIZE,
                         help=f"CDRs per page of the ...WithOffset routes (default {CDR_PAGE_SIZE})")
    options.add_argument("--latency-ms", type=float, default=0.0,
                         help="delay added to every API request")
    options.add_argument("--fault-rate", type=float, default=0.0,
                         help="probability (0..1) that a request gets a fault")
    options.add_argument("--fault-kinds", type=_kinds, default=("500",),
                         help=f"comma-separated fault kinds: {', '.join(FAULT_KINDS)}")
    options.add_argument("--fault-hang-s", type=float, default=5.0,
                         help="how long a `timeout` fault hangs before dropping (default 5)")
    options.add_argument("--traffic", type=float, default=0.0, metavar="N",
                         help="place about N calls a minute on the open, unblocked accounts, "
                         "each producing a CDR when it ends (default 0: none)")
    options.add_argument("--call-duration-s", type=_duration_range, default=(20.0, 180.0),
                         metavar="MIN-MAX",
                         help="how long a generated call lasts, in seconds (default 20-180)")
    options.add_argument("--log-requests", action="store_true",
                         help="write an access log line per request to stderr")
    return options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portaplus-sandbox",
        description="A local, stateful Porta Plus 2 Web Services server for tests and demos.")
    commands = parser.add_subparsers(dest="command", required=True)
    options = _server_options()
    commands.add_parser("serve", parents=[options], help="run the server until SIGTERM/SIGINT")
    run = commands.add_parser(
        "run", parents=[options],
        help="start the server, run COMMAND with PORTAPLUS_URL and PORTAPLUS_LICENSE set, stop",
        description="Start the server, run COMMAND with PORTAPLUS_URL (the server) and "
                    f"PORTAPLUS_LICENSE ({DEMO_LICENSE}) in its environment, stop the server "
                    "and exit with COMMAND's exit code.")
    run.add_argument("command_line", nargs=argparse.REMAINDER, metavar="-- COMMAND ...")
    return parser


class _Sandbox:
    """A configured, seeded server bound to its port (not yet serving)."""

    def __init__(self, args: argparse.Namespace, default_port: int):
        self._temp_dir = None
        db_path = args.db
        if db_path is None:
            self._temp_dir = tempfile.mkdtemp(prefix="portaplus-sandbox-")
            db_path = os.path.join(self._temp_dir, "sandbox.sqlite")
        try:
            faults = FaultSettings(latency_ms=args.latency_ms, fault_rate=args.fault_rate,
                                   kinds=args.fault_kinds, random_seed=args.random_seed,
                                   hang_s=args.fault_hang_s)
            store = Store(db_path, SeedOptions(kind=args.seed, cdrs=args.cdrs,
                                               accounts=args.accounts,
                                               customers=args.customers,
                                               random_seed=args.random_seed))
            store.reset(int(time.time()))
            _RequestHandler.log_requests = args.log_requests
            port = default_port if args.port is None else args.port
            if args.cdr_page_size < 1:
                raise SystemExit(f"--cdr-page-size must be 1 or more, got {args.cdr_page_size}")
            traffic = TrafficSettings(per_minute=args.traffic,
                                      duration_s=args.call_duration_s,
                                      random_seed=args.random_seed)
            self.app = app = SandboxApp(store, faults, cdr_page_size=args.cdr_page_size,
                                        traffic=traffic)
            if traffic.per_minute > 0:
                app.switch.start()
            self.server = make_server(args.host, port, app, threaded=True,
                                      request_handler=_RequestHandler)
        except BaseException:
            self.close()
            raise
        self.url = f"http://{args.host}:{self.server.server_port}"
        print(f"listening on {self.url}", flush=True)

    def close(self) -> None:
        if getattr(self, "app", None) is not None:
            self.app.switch.stop()              # before the database file goes away
        if getattr(self, "server", None) is not None:
            self.server.server_close()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)


def serve(args: argparse.Namespace) -> int:
    sandbox = _Sandbox(args, default_port=8089)
    server = sandbox.server

    def stop(_signum, _frame):
        # shutdown() waits for serve_forever() to return, so it must run elsewhere
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever()
    finally:
        sandbox.close()
    return 0


def run(args: argparse.Namespace) -> int:
    command = args.command_line[1:] if args.command_line[:1] == ["--"] else args.command_line
    if not command:
        print("portaplus-sandbox run: give the command after --", file=sys.stderr)
        return 2
    sandbox = _Sandbox(args, default_port=0)
    thread = threading.Thread(target=sandbox.server.serve_forever, daemon=True)
    thread.start()
    try:
        environment = {**os.environ, "PORTAPLUS_URL": sandbox.url,
                       "PORTAPLUS_LICENSE": DEMO_LICENSE}
        return subprocess.call(command, env=environment)
    except KeyboardInterrupt:
        return 130
    finally:
        sandbox.server.shutdown()
        thread.join(10)
        sandbox.close()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return run(args)
        return serve(args)
    except (ValueError, OSError) as exc:
        print(f"portaplus-sandbox: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
