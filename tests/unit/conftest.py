"""Unit tests talk to the sandbox's app in-process (tests/unit/sandbox_api.py): one API model."""
import pytest

from tests.unit.sandbox_api import InProcessSandbox


@pytest.fixture(scope="session")
def demo_app():
    sandbox = InProcessSandbox("demo")
    yield sandbox
    sandbox.close()


@pytest.fixture
def demo(demo_app):
    """The demo-seeded in-process sandbox, back at its seed with an empty log and no faults."""
    return demo_app.reset()
