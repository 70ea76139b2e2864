"""Live traffic: calls that start and end while the sandbox runs, as a switch's would.

A live call is a row of `active_calls` (so the ActiveCalls routes show it while it lasts) with
`live = 1`; when it ends, its CDR is written (so the PortaCDR routes show it afterwards).
Calls come from two places:

* `--traffic N`: about N calls a minute (Poisson arrivals) on the open, unblocked demo
  accounts, each lasting a random time in `--call-duration-s MIN-MAX`, all drawn from a
  generator seeded with `--random-seed` (the same seed gives the same calls);
* the admin API: `POST /__sandbox/calls` starts one now, `DELETE /__sandbox/calls/{id}` ends
  it early.

One background thread (the `Switch`) places the scheduled calls and writes the CDR of every
live call whose end has come, a few times a second.  `GET /__sandbox/calls/log` is the
switch's own record of which call started and ended when (every call of the table, seeded
sessions included), which tests compare with what clients saw.
"""

from __future__ import annotations

import random
import re
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any

from .seed import DESTINATIONS, VOICE_SERVICE
from .store import Store

TICK_S = 0.1                        # how often the switch places calls and writes CDRs
MAX_DURATION_S = 86_400
DISCONNECT_NORMAL = 16              # Q.850 normal call clearing
CALL_ID_PREFIX = "sandbox-call-"    # as the ActiveCalls records show it (records.active_call)
_DIGITS = re.compile(r"^\d{3,20}$")


class TrafficError(ValueError):
    """A bad admin request: the message names the member and the value."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class TrafficSettings:
    per_minute: float = 0.0                 # 0: no generated traffic (the API still works)
    duration_s: tuple[float, float] = (20.0, 180.0)
    random_seed: int = 1

    def __post_init__(self) -> None:
        if self.per_minute < 0:
            raise ValueError(f"--traffic must be 0 or more calls a minute, got {self.per_minute}")
        low, high = self.duration_s
        if not 1 <= low <= high <= MAX_DURATION_S:
            raise ValueError(f"--call-duration-s must be MIN-MAX seconds with 1 <= MIN <= MAX <= "
                             f"{MAX_DURATION_S}, got {low:g}-{high:g}")


def parse_duration_range(text: str) -> tuple[float, float]:
    """`--call-duration-s 5-30` -> (5.0, 30.0); a single number means a fixed duration."""
    low, _, high = str(text).partition("-")
    try:
        values = (float(low), float(high or low))
    except ValueError:
        raise ValueError(f"--call-duration-s must be MIN-MAX seconds (e.g. 20-180), got {text!r}") from None
    return values


def call_id(i_call: int) -> str:
    return f"{CALL_ID_PREFIX}{i_call}"


def parse_call_id(text: str) -> int:
    """`sandbox-call-12` or `12` -> 12."""
    raw = text[len(CALL_ID_PREFIX):] if text.startswith(CALL_ID_PREFIX) else text
    if not raw.isdigit():
        raise TrafficError(f"call_id must be '{CALL_ID_PREFIX}N' or N, got {text!r}", 404)
    return int(raw)


class Switch:
    """Places calls and ends them; owns the one background thread of live traffic."""

    def __init__(self, store: Store, settings: TrafficSettings, clock=time.time):
        self.store = store
        self.settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.restart_schedule()

    # -- schedule ---------------------------------------------------------------------------

    def restart_schedule(self) -> None:
        """The generated traffic starts over from its seed (start-up and `reset`)."""
        with self._lock:
            self._rng = random.Random(f"traffic-{self.settings.random_seed}")
            self._next_at = self._clock() + self._gap()

    def _gap(self) -> float:
        if self.settings.per_minute <= 0:
            return float("inf")
        return self._rng.expovariate(self.settings.per_minute / 60.0)

    def start(self) -> None:
        """Start the background thread (idempotent)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sandbox-switch",
                                                daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stopping:
            try:
                self.tick()
            except Exception:          # a failed tick (e.g. during reset) must not end traffic
                traceback.print_exc()
            self._wake.wait(TICK_S)

    def tick(self) -> None:
        """Place the calls that are due, then write the CDRs of the calls that have ended."""
        now = self._clock()
        while True:
            with self._lock:
                if self._next_at > now:
                    break
                self._next_at += self._gap()
                draw = self._rng.random(), self._rng.random(), self._rng.random(), self._rng.random()
                low, high = self.settings.duration_s
                duration = low + (high - low) * self._rng.random()
            self._place_generated(int(now), draw, duration)
        self.write_due_cdrs(int(now))

    def _place_generated(self, now: int, draw: tuple[float, ...], duration: float) -> None:
        with self.store.session() as db:
            accounts = db.conn.execute(
                "SELECT i_account, i_customer, account_id FROM accounts"
                " WHERE bill_status <> 'C' AND blocked = 0 ORDER BY i_account").fetchall()
            if not accounts:
                return
            account = accounts[int(draw[0] * len(accounts))]
            dest = DESTINATIONS[int(draw[1] * len(DESTINATIONS))]
            outgoing = draw[2] < 0.6
            digits = 12 - len(dest[1])
            remote = dest[1] + str(int(draw[3] * 10 ** digits)).zfill(digits)
            with db.transaction():
                db.insert_live_call(account["i_customer"], account["i_account"], outgoing,
                                    remote, dest[0], now, now + max(1, round(duration)),
                                    "traffic")

    # -- the admin API ------------------------------------------------------------------------

    def place(self, body: Any) -> dict:
        """`POST /__sandbox/calls`: start a call now.  Members: `account` (account ID or
        IAccount), `destination` (digits; the remote number), `duration_s` (default 60),
        `direction` (`outgoing`, the default, or `incoming`)."""
        if not isinstance(body, dict):
            raise TrafficError("the body must be a JSON object")
        unknown = sorted(set(body) - {"account", "destination", "duration_s", "direction"})
        if unknown:
            raise TrafficError(f"unknown member(s) {unknown}; known: account, destination, "
                               "duration_s, direction")
        duration = body.get("duration_s", 60)
        if isinstance(duration, bool) or not isinstance(duration, (int, float)) \
                or not 1 <= duration <= MAX_DURATION_S:
            raise TrafficError(f"duration_s must be a number of seconds from 1 to "
                               f"{MAX_DURATION_S}, got {duration!r}")
        direction = body.get("direction", "outgoing")
        if direction not in ("outgoing", "incoming"):
            raise TrafficError(f"direction must be 'outgoing' or 'incoming', got {direction!r}")
        destination = str(body.get("destination") or "")
        if not _DIGITS.match(destination):
            raise TrafficError(f"destination must be a number of 3 to 20 digits, got "
                               f"{body.get('destination')!r}")
        now = int(self._clock())
        with self.store.session() as db:
            account = self._account(db, body.get("account"))
            i_dest = db.destination_of(destination)
            if i_dest is None:
                raise TrafficError(f"destination {destination!r} matches no destination prefix "
                                   "of the sandbox (see docs/sandbox.md)")
            with db.transaction():
                i_call = db.insert_live_call(account["i_customer"], account["i_account"],
                                             direction == "outgoing", destination, i_dest, now,
                                             now + max(1, round(duration)), "api")
        self.start()          # its CDR is written when it ends
        return self.describe(i_call)

    @staticmethod
    def _account(db, value: Any):
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            raise TrafficError(f"account must be an account ID or an IAccount, got {value!r}")
        column = "i_account" if isinstance(value, int) else "account_id"
        row = db.conn.execute(f"SELECT * FROM accounts WHERE {column} = ? AND bill_status <> 'C'",
                              (value,)).fetchone()
        if row is None:
            raise TrafficError(f"account {value!r} is not an open account", 404)
        if row["blocked"]:
            # a real switch refuses calls of a blocked account (A: T3)
            raise TrafficError(f"account {value!r} is blocked: the switch refuses its calls", 409)
        return row

    def end(self, text: str) -> dict:
        """`DELETE /__sandbox/calls/{call_id}`: end a call in progress now; its CDR is written."""
        i_call = parse_call_id(text)
        now = int(self._clock())
        with self.store.session() as db:
            with db.transaction():
                row = db.live_call(i_call)
                if row is None or not row["connect_time"] <= now < row["disconnect_time"]:
                    raise TrafficError(f"call {text!r} is not in progress", 404)
                db.end_live_call(i_call, now)
        self.write_due_cdrs(now)
        return self.describe(i_call)

    def describe(self, i_call: int) -> dict:
        with self.store.session() as db:
            rows = db.call_log(i_call=i_call)
        return call_entry(rows[0], int(self._clock()))

    def log(self) -> dict:
        """`GET /__sandbox/calls/log`: every call that has started, with its end once it ended."""
        now = int(self._clock())
        with self.store.session() as db:
            rows = db.call_log(until=now)
        return {"now": now, "calls": [call_entry(row, now) for row in rows]}

    def write_due_cdrs(self, now: int) -> int:
        """Write the CDR of every live call that has ended by `now`; returns how many."""
        with self.store.session() as db:
            with db.transaction():
                written = db.write_live_cdrs(now, VOICE_SERVICE, DISCONNECT_NORMAL)
        if written:
            # after the commit: a CDR page cache (services.cdrs.CdrPager) keyed on the new
            # generation can only hold counts that include these CDRs
            self.store.generation += 1
        return written

    def to_json(self) -> dict:
        low, high = self.settings.duration_s
        return {"per_minute": self.settings.per_minute, "call_duration_s": [low, high],
                "random_seed": self.settings.random_seed,
                "running": self._thread is not None and self._thread.is_alive()}


def call_entry(row, now: int) -> dict:
    """One call of the switch's log (times in seconds since the epoch, UTC)."""
    ended = row["disconnect_time"] if row["disconnect_time"] <= now else None
    return {
        "call_id": call_id(row["i_call"]), "i_account": row["i_account"],
        "account_id": row["account_id"], "customer": row["i_customer"],
        "direction": "outgoing" if row["outgoing"] else "incoming", "remote": row["remote"],
        "started": row["connect_time"], "ended": ended,
        "ends": row["disconnect_time"], "origin": row["origin"], "cdr_id": row["cdr_id"],
    }
