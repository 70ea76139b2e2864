"""pytest plugin (entry point `pytest11`): sandbox fixtures for any test suite.

* `sandbox_server` - one demo-seeded server per test session (per xdist worker)
* `sandbox`        - that server reset to the seed, with an empty log, for each test
"""

from __future__ import annotations

import pytest

from .testing import SandboxServer


@pytest.fixture(scope="session")
def sandbox_server():
    with SandboxServer(seed="demo") as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    sandbox_server.reset()
    return sandbox_server
