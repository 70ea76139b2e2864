"""Test helpers: a tiny HTTP client (stdlib only) and the demo data's well-known values."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

SEEDS_DIR = Path(__file__).resolve().parents[1] / "reference"   # the five verbatim seed pages

LICENSE = "DEMO-LICENSE"
OTHER_LICENSE = "OTHER-LICENSE"
TODAY = datetime.now(timezone.utc).date()
FROM_DATE = (TODAY - timedelta(days=100)).isoformat()
TO_DATE = (TODAY + timedelta(days=1)).isoformat()


@dataclass
class Reply:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


class Client:
    def __init__(self, base_url: str, timeout: float = 15.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout

    def request(self, method: str, path: str, body: bytes | str | dict | None = None,
                headers: dict | None = None, timeout: float | None = None) -> Reply:
        headers = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode("utf-8")
        connection = http.client.HTTPConnection(self.host, self.port,
                                                timeout=timeout or self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.reason, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body=None, **kwargs) -> Reply:
        return self.request("POST", path, body=body, **kwargs)
