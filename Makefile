# portaplus.softswitch: developer entry points. `make demo` and `make test` do all set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2
# ansible-test, ansible-playbook and imports need the collection under
# ansible_collections/portaplus/softswitch: tests/collection_path.py makes that symlink.
ANSIBLE_TEST_CACHE := $(HOME)/.ansible/test/cache

.PHONY: venv collection-path unit sandbox-tests sanity integration test demo bench bench-cdr-export clean

venv: $(STAMP)
$(STAMP): requirements-dev.txt requirements.txt sandbox/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet -e sandbox
	touch $(STAMP)

collection-path:
	@$(PYTHON) tests/collection_path.py

unit: venv
	$(BIN)/python -m pytest tests/unit -q

sandbox-tests: venv
	$(BIN)/python -m pytest sandbox/tests -q

# ansible-test bootstraps pip from a host we cannot reach: seed its cache with a local shim.
sanity: venv
	mkdir -p $(ANSIBLE_TEST_CACHE)
	cp tests/sanity/get_pip_shim.py $(ANSIBLE_TEST_CACHE)/get_pip_24_2.py
	cd $$($(PYTHON) tests/collection_path.py --sanity-copy) && \
	  PATH=$(BIN):$$PATH $(BIN)/ansible-test sanity --local --python 3.11 --color no $(SANITY_ARGS)

integration: venv
	$(BIN)/python -m pytest tests/integration -q -n $(PYTEST_WORKERS)

# One pytest run for unit, sandbox and integration tests, so its closing line counts them all.
test: venv
	$(MAKE) sanity
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS)

# The main job against a fresh sandbox: `portaplus-sandbox run` starts it, points
# PORTAPLUS_URL/PORTAPLUS_LICENSE at it for examples/demo.sh (the README's walkthrough:
# provision, provision again, a --check --diff plan, a CDR report, live calls), and stops it.
demo: venv
	ANSIBLE_COLLECTIONS_PATH=$$($(PYTHON) tests/collection_path.py) \
	ANSIBLE_PYTHON_INTERPRETER=$(BIN)/python ANSIBLE_LOCALHOST_WARNING=false \
	ANSIBLE_INVENTORY_UNPARSED_WARNING=false PATH=$(BIN):$$PATH \
	  $(BIN)/portaplus-sandbox run --seed demo -- examples/demo.sh
	@echo
	@echo "Done. Next: read README.md (GitOps walkthrough), docs/customers.md and docs/cdr_report.md,"
	@echo "or start your own sandbox with '$(BIN)/portaplus-sandbox serve --seed demo' (docs/sandbox.md)."

.PHONY: bench-inventory
bench-inventory: venv
	$(BIN)/python benchmarks/inventory.py

# Side-by-side measurements reported as ratios; nothing here is a pass/fail test. Runs every
# benchmarks/*.py and writes benchmarks/results/latest.md (BENCH_* variables: benchmarks/README.md).
bench: venv
	$(BIN)/python benchmarks/harness.py

# CDR export vs a plain requests script at 100k and 1M CDRs (about 15 min; docs/cdrs.md).
bench-cdr-export: venv
	$(BIN)/python benchmarks/cdr_export.py

clean:
	rm -rf $(VENV) tests/output

# The customer role's molecule scenario alone (make test runs it through tests/integration/test_molecule.py).
molecule: venv
	PATH=$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$$($(PYTHON) tests/collection_path.py) \
	ANSIBLE_PYTHON_INTERPRETER=$(BIN)/python $(BIN)/molecule test -s customer
.PHONY: molecule
