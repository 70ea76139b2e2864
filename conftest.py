"""Make `ansible_collections.portaplus.softswitch` importable for every test run."""
import sys

from tests.collection_path import ensure

sys.path.insert(0, ensure())
