"""The log of API requests the admin endpoint shows, with the License masked."""

from __future__ import annotations

import threading
from collections import deque
from urllib.parse import parse_qsl, urlencode

MASK = "***"


def mask(text: str, secrets: set[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    return text


def mask_query(query: str, secrets: set[str]) -> str:
    """The query string with every License parameter, and the License anywhere else, masked."""
    pairs = [(key, MASK if key.lower() == "license" else mask(value, secrets))
             for key, value in parse_qsl(query, keep_blank_values=True)]
    return urlencode(pairs, safe="*")


class RequestLog:
    """Entries in arrival order (the most recent `limit` kept) and running counters."""

    def __init__(self, limit: int = 10_000):
        self._lock = threading.Lock()
        self._limit = limit
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._entries: deque[dict] = deque(maxlen=self._limit)
            self._seq = 0
            self._counters = {"requests": 0, "writes": 0, "committed_writes": 0}

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def add(self, entry: dict) -> None:
        with self._lock:
            self._entries.append(entry)
            self._counters["requests"] += 1
            self._counters["writes"] += bool(entry["write"])
            self._counters["committed_writes"] += bool(entry["committed"])

    def snapshot(self) -> dict:
        with self._lock:
            entries = sorted(self._entries, key=lambda entry: entry["seq"])
            return {"requests": entries, "counters": dict(self._counters)}
