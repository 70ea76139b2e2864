"""Make `ansible_collections.portaplus.softswitch` importable for every test run, and hand the
slowest tests to the xdist workers first."""
import sys

from tests.collection_path import ensure

sys.path.insert(0, ensure())

# Longest first (from `pytest --durations` on 2 cores): `--dist load --maxschedchunk 2` deals them two at a time, so the workers
# finish together instead of one running ansible-test sanity alone at the end. Whole files only,
# so a module's fixtures are set up once. A name missing here just runs in collection order.
SLOW_FIRST = (
    "tests/integration/test_benchmarks.py",
    "tests/integration/test_module_examples.py",
    "tests/reliability/test_secrets.py",
    "tests/gates/test_gates.py",
    "tests/reliability/test_bad_inputs.py",
    "tests/reliability/test_faults.py",
    "tests/integration/test_eda_sources.py",
    "tests/integration/test_molecule.py",
    "tests/integration/test_doc_snippets.py",
    "tests/integration/test_gitops.py",
    "tests/integration/test_fault_convergence.py",
    "tests/integration/test_customer_role.py",
    "tests/reliability/test_tenancy.py",
    "tests/integration/test_accounts.py",
    "tests/integration/test_cdr_report_role.py",
    "tests/reliability/test_concurrency.py",
    "tests/integration/test_trust.py",
    "tests/integration/test_cdrs.py",
)


def pytest_collection_modifyitems(items):
    def rank(item):
        path = item.nodeid.split("::", maxsplit=1)[0]
        return SLOW_FIRST.index(path) if path in SLOW_FIRST else len(SLOW_FIRST)
    items.sort(key=rank)
