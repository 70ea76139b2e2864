"""Running the Event-Driven Ansible sources of extensions/eda in-process, as ansible-rulebook
does (runpy, by path, inside ansible_collections/portaplus/softswitch), against a real sandbox
process: shared by the tests and benchmarks/events.py."""
import asyncio
import os
import runpy

from tests.collection_path import collection_dir, ensure


def load_source(name):
    """The source's ``main(queue, args)``, loaded the way ansible-rulebook loads a collection's
    source: by its path in the collections tree, with nothing added to sys.path beforehand."""
    ensure()
    return runpy.run_path(os.path.join(collection_dir(), "extensions", "eda", "plugins", "event_source",
                                       name + ".py"))["main"]


class Recorder:
    """A queue that keeps every event with the time it arrived."""

    def __init__(self):
        self.events = []

    async def put(self, event):
        self.events.append((asyncio.get_running_loop().time(), event))

    def of_type(self, kind):
        return [event for _at, event in self.events if event["type"] == kind]
