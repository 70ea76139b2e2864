"""Start a sandbox server process from Python (tests, demos, benchmarks).

    with SandboxServer(seed="demo") as server:
        urllib.request.urlopen(server.url + "/GetAccounts/DEMO-LICENSE/1001")
        server.requests()        # the request log
        server.reset()           # back to the seed

The server runs as `python -m portaplus_sandbox serve --port 0 ...` with this interpreter;
`.url` comes from the first line it prints.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Sequence
from typing import Any

STARTUP_TIMEOUT_S = 30.0
_PREFIX = "listening on "


def process_tree(root: int) -> list[int]:
    """``root`` and every process under it (Linux /proc): benchmarks measure them, tests kill them."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


class SandboxError(RuntimeError):
    pass


class SandboxServer:
    def __init__(self, seed: str = "demo", extra_args: Sequence[str] = (),
                 db_path: str | None = None, host: str = "127.0.0.1"):
        self.seed = seed
        self.extra_args = tuple(extra_args)
        self.db_path = db_path
        self.host = host
        self.url: str | None = None
        self.process: subprocess.Popen | None = None
        self._stderr = tempfile.TemporaryFile(mode="w+")

    # -- process ----------------------------------------------------------------------------

    @property
    def command(self) -> list[str]:
        command = [sys.executable, "-m", "portaplus_sandbox", "serve", "--host", self.host,
                   "--port", "0", "--seed", self.seed]
        if self.db_path:
            command += ["--db", self.db_path]
        return command + list(self.extra_args)

    def start(self, timeout: float = STARTUP_TIMEOUT_S) -> SandboxServer:
        if self.process is not None:
            raise SandboxError("already started")
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE,
                                        stderr=self._stderr, text=True)
        lines: queue.Queue[str] = queue.Queue()

        def read_stdout() -> None:        # keeps draining so the pipe never fills
            for line in self.process.stdout:
                lines.put(line)
            lines.put("")

        threading.Thread(target=read_stdout, daemon=True).start()
        try:
            first = lines.get(timeout=timeout).strip()
        except queue.Empty:
            self.stop()
            raise SandboxError(f"sandbox did not start within {timeout} s{self._stderr_tail()}")
        if not first.startswith(_PREFIX):
            self.stop()
            raise SandboxError(f"sandbox failed to start: {first!r}{self._stderr_tail()}")
        self.url = first[len(_PREFIX):]
        return self

    def stop(self, timeout: float = 10.0) -> int | None:
        """Terminate (SIGTERM), wait, kill if needed.  Returns the exit code."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        if process.stdout:
            process.stdout.close()
        return process.returncode

    def stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def _stderr_tail(self) -> str:
        tail = self.stderr_text()[-2000:]
        return f"\n--- stderr ---\n{tail}" if tail else ""

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    # -- admin API ----------------------------------------------------------------------------

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        if self.url is None:
            raise SandboxError("not started")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/__sandbox/{path}", data=data,
                                         method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read() or b"null")

    def health(self) -> dict:
        return self.admin("GET", "health")

    def requests(self) -> list[dict]:
        return self.admin("GET", "requests")["requests"]

    def counters(self) -> dict:
        return self.admin("GET", "requests")["counters"]

    def clear_log(self) -> None:
        self.admin("DELETE", "requests")

    def reset(self) -> None:
        """Back to the seed, an empty log and the start-up fault settings."""
        self.admin("POST", "reset")

    def set_faults(self, **settings: Any) -> dict:
        """e.g. set_faults(fault_rate=0.5, kinds=["500", "503"], random_seed=7,
        routes=["/CreateAccounts"], max_faults=3, latency_ms=0, hang_s=1)."""
        return self.admin("POST", "faults", settings)

    def faults(self) -> dict:
        return self.admin("GET", "faults")

    def clear_faults(self) -> dict:
        return self.admin("DELETE", "faults")

    # -- live traffic (traffic.py) --------------------------------------------------------------

    def start_call(self, account: str | int, destination: str, duration_s: float = 60,
                   direction: str = "outgoing") -> dict:
        """Start a call now (`POST /__sandbox/calls`); returns it with its `call_id`."""
        return self.admin("POST", "calls", {"account": account, "destination": destination,
                                            "duration_s": duration_s, "direction": direction})

    def end_call(self, call_id: str) -> dict:
        """End a call in progress now (`DELETE /__sandbox/calls/{call_id}`)."""
        return self.admin("DELETE", f"calls/{call_id}")

    def call_log(self) -> dict:
        """The switch's log: `{"now": epoch, "calls": [{call_id, started, ended, ...}]}`."""
        return self.admin("GET", "calls/log")
