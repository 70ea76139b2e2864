"""Running the Event-Driven Ansible sources of extensions/eda in-process, as ansible-rulebook
does (runpy), against a real sandbox process: shared by the tests and benchmarks/events.py."""
import asyncio
import os
import runpy

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCES = os.path.join(REPO, "extensions", "eda", "plugins", "event_source")


def load_source(name):
    """The source's ``main(queue, args)``, loaded the way ansible-rulebook loads it."""
    return runpy.run_path(os.path.join(SOURCES, name + ".py"))["main"]


class Recorder:
    """A queue that keeps every event with the time it arrived."""

    def __init__(self):
        self.events = []
        self.arrived = asyncio.Event()

    async def put(self, event):
        self.events.append((asyncio.get_running_loop().time(), event))
        self.arrived.set()

    def of_type(self, kind):
        return [event for _at, event in self.events if event["type"] == kind]
