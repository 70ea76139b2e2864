"""Injected latency and faults, reproducible from a random seed.

Every request that reaches a handler (bound, with a valid License) and passes the route
filter draws once from the seeded generator, so the same seed and the same sequence of
requests give the same sequence of faults.  Kinds:

* ``500``      answer 500 without running the handler
* ``503``      answer 503 with ``Retry-After: 1`` without running the handler
* ``reset``    close the connection without any response, handler not run
* ``timeout``  run the handler (a write commits), then hang ``hang_s`` and close the
               connection without a response
* ``partial``  for a batch write (CreateAccount, UpdateAccount): commit the first half of
               the items, then answer 500; on any other route it acts like ``500``
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, replace

FAULT_KINDS = ("500", "503", "reset", "timeout", "partial")


@dataclass(frozen=True)
class FaultSettings:
    latency_ms: float = 0.0
    fault_rate: float = 0.0
    kinds: tuple[str, ...] = ("500",)
    random_seed: int = 1
    routes: tuple[str, ...] | None = None      # route templates (case-insensitive); None: all
    max_faults: int | None = None              # stop injecting after this many
    hang_s: float = 5.0                        # how long `timeout` hangs

    def __post_init__(self) -> None:
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if not self.kinds:
            raise ValueError("kinds must name at least one fault kind")
        unknown = [kind for kind in self.kinds if kind not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind(s) {unknown}; known: {list(FAULT_KINDS)}")
        if self.max_faults is not None and self.max_faults < 0:
            raise ValueError("max_faults must be >= 0")
        if self.hang_s < 0:
            raise ValueError("hang_s must be >= 0")

    @classmethod
    def from_json(cls, data: dict, base: FaultSettings) -> FaultSettings:
        """Settings from the admin endpoint's JSON; keys not given take `base`'s values."""
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        known = {"latency_ms", "fault_rate", "kinds", "random_seed", "routes", "max_faults",
                 "hang_s"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown setting(s) {sorted(unknown)}; known: {sorted(known)}")
        values = dict(data)
        if "kinds" in values:
            kinds = values["kinds"]
            values["kinds"] = tuple(kinds.split(",") if isinstance(kinds, str) else kinds)
        if values.get("routes") is not None:
            values["routes"] = tuple(values["routes"])
        try:
            for name, kind in (("latency_ms", float), ("fault_rate", float),
                               ("random_seed", int), ("hang_s", float)):
                if name in values:
                    values[name] = kind(values[name])
            if values.get("max_faults") is not None:
                values["max_faults"] = int(values["max_faults"])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bad value: {exc}") from None
        return replace(base, **values)

    def to_json(self) -> dict:
        data = asdict(self)
        data["kinds"] = list(self.kinds)
        data["routes"] = list(self.routes) if self.routes is not None else None
        return data


class FaultInjector:
    def __init__(self, settings: FaultSettings):
        self._lock = threading.Lock()
        self.configure(settings)

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self.settings = settings
            self._rng = random.Random(settings.random_seed)
            self.injected = 0

    @property
    def latency_s(self) -> float:
        return self.settings.latency_ms / 1000.0

    def draw(self, *route_labels: str) -> str | None:
        """The fault for this request, or None.  A request matches the route filter when
        any of its labels (route template, predefined path) is listed."""
        with self._lock:
            settings = self.settings
            if settings.fault_rate <= 0:
                return None
            if settings.routes is not None:
                wanted = {route.lower() for route in settings.routes}
                if not any(label.lower() in wanted for label in route_labels if label):
                    return None
            if settings.max_faults is not None and self.injected >= settings.max_faults:
                return None
            if self._rng.random() >= settings.fault_rate:
                return None
            self.injected += 1
            return settings.kinds[self._rng.randrange(len(settings.kinds))]

    def to_json(self) -> dict:
        with self._lock:
            return {**self.settings.to_json(), "injected": self.injected}
