"""The `sandbox` / `sandbox_server` fixtures come from the package's pytest plugin."""

from __future__ import annotations

import pytest

from sandbox_helpers import Client


@pytest.fixture
def api(sandbox) -> Client:
    """A client of the session's sandbox, freshly reset to the demo seed."""
    return Client(sandbox.url)
