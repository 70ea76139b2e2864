# portaplus.softswitch: developer entry points. `make demo` and `make test` do all set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
# Three workers on two cores: many runs wait (retry back-off, injected hangs, sandbox start-up),
# and a third worker keeps both cores busy meanwhile. PYTEST_ARGS adds options, e.g. --durations=15.
PYTEST_WORKERS ?= 3
PYTEST_ARGS ?=
# ansible-test, ansible-playbook and imports need the collection under
# ansible_collections/portaplus/softswitch: tests/collection_path.py makes that symlink.
ANSIBLE_TEST_CACHE := $(HOME)/.ansible/test/cache

.PHONY: venv collection-path unit sandbox-tests sanity integration check test demo bench bench-cdr-export clean
.PHONY: lint galaxy docs docs-lint docs-gen docs-gen-check docs-markdown changelog-check ee

venv: $(STAMP)
# pip's log goes to $(VENV_LOG); it is printed only when the install fails.
VENV_LOG := $(VENV)/install.log
$(STAMP): requirements-dev.txt requirements.txt sandbox/pyproject.toml
	@echo "Installing the development environment into $(VENV)/ (log: $(VENV_LOG))"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@( $(BIN)/python -m pip install --upgrade pip && \
	   $(BIN)/python -m pip install -r requirements-dev.txt && \
	   $(BIN)/python -m pip install -e sandbox ) > $(VENV_LOG) 2>&1 \
	  || { cat $(VENV_LOG); echo "pip install failed (log above, also in $(VENV_LOG))"; exit 1; }
	@touch $(STAMP)

collection-path:
	@$(PYTHON) tests/collection_path.py

unit: venv
	$(BIN)/python -m pytest tests/unit -q

sandbox-tests: venv
	$(BIN)/python -m pytest sandbox/tests -q

# ansible-test bootstraps pip from a host we cannot reach: seed its cache with a local shim.
# ansible-test skips its shellcheck test with only a warning when shellcheck is missing: refuse instead.
sanity: venv
	@command -v shellcheck >/dev/null || { echo "make sanity: shellcheck is missing (apt-get install shellcheck;" \
	  ".ci/run installs it); ansible-test would skip its shellcheck test"; exit 1; }
	mkdir -p $(ANSIBLE_TEST_CACHE)
	cp tests/sanity/get_pip_shim.py $(ANSIBLE_TEST_CACHE)/get_pip_24_2.py
	cd $$($(PYTHON) tests/collection_path.py --sanity-copy) && \
	  PATH=$(BIN):$$PATH $(BIN)/ansible-test sanity --local --python 3.11 --color no $(SANITY_ARGS)

integration: venv
	$(BIN)/python -m pytest tests/integration -q -n $(PYTEST_WORKERS) -m "not alone"
	$(BIN)/python -m pytest tests/integration -q -n 0 -m alone

# The edit-test loop (a few minutes): unit and sandbox tests and the smoke integration runs,
# no reliability suite, gates or slow end-to-end runs. `make test` runs everything.
check: venv
	@$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist load --maxschedchunk 2 -m "not integration or smoke" $(PYTEST_ARGS) tests/unit sandbox/tests tests/integration

# Unit, sandbox and integration tests and the gates (tests/gates runs sanity, lint, galaxy, docs-lint,
# docs-markdown, changelog-check and ee) in parallel; then the tests marked `alone` (a time bound that
# holds on a machine not shared with three test workers: pytest.ini) one at a time.
test: venv
	@$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist load --maxschedchunk 2 -m "not alone" $(PYTEST_ARGS)
	@$(BIN)/python -m pytest -q -n 0 -m alone $(PYTEST_ARGS)

# --- The ecosystem's gates (each runs alone too; tests/gates/test_gates.py runs them in `make test`)
# Tools run with the venv first on PATH and the checkout as portaplus.softswitch.
TOOL_ENV = PATH=$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$$($(PYTHON) tests/collection_path.py)
BUILD := .build

# Plain ansible-lint, as contributors, pre-commit and CI actions run it (.ansible-lint: the production
# profile; it installs this checkout as portaplus.softswitch itself, and lints changelogs/ with yamllint).
lint: venv
	PATH=$(BIN):$$PATH ansible-lint

# Build the tarball and run Galaxy's importer on it offline (tools/galaxy-importer.cfg).
galaxy: venv
	rm -rf $(BUILD)/galaxy && mkdir -p $(BUILD)/galaxy
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/galaxy
	cd $(BUILD)/galaxy && PATH=$(BIN):$$PATH GALAXY_IMPORTER_CONFIG=$(CURDIR)/tools/galaxy-importer.cfg \
	  $(BIN)/python -m galaxy_importer.main portaplus-softswitch-*.tar.gz > importer.log 2>&1 \
	  || { cat importer.log; exit 1; }
	@! grep -E '^ERROR' $(BUILD)/galaxy/importer.log
	@grep -E '^WARNING' $(BUILD)/galaxy/importer.log || true
	@tail -1 $(BUILD)/galaxy/importer.log

# antsibull-docs: plugin docs and the docsite pages (Markdown converted on a staged copy).
docs-lint: venv
	$(BIN)/python tools/docsite.py lint

# Rewrite the docs generated from the field tables (between BEGIN/END GENERATED markers);
# docs-gen-check (a gate in make test) fails when they are not current, e.g. after a hand edit.
docs-gen: venv
	$(BIN)/python tools/generate_docs.py

docs-gen-check: venv
	$(BIN)/python tools/generate_docs.py --check

# Markdown structure of the pages (tools/check_markdown.py, markdown-it-py): every code fence
# closed, with a language, and no text glued to one.
MARKDOWN_PAGES ?= README.md docs/*.md
docs-markdown: venv
	$(BIN)/python tools/check_markdown.py $(MARKDOWN_PAGES)

# The docsite in docs/build/html (slow; not part of `make test`, docs-lint is).
docs: venv
	$(BIN)/python tools/docsite.py build

# Fragments are valid, and plugins/ or roles/ never change without one (tools/check_fragments.py).
changelog-check: venv
	$(TOOL_ENV) $(BIN)/antsibull-changelog lint
	$(BIN)/python tools/check_fragments.py

# The execution-environment build context in .build/ee (no container engine needed).
ee: venv
	rm -rf $(BUILD)/ee $(BUILD)/ee-collection && mkdir -p $(BUILD)/ee-collection
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/ee-collection
	mv $(BUILD)/ee-collection/portaplus-softswitch-*.tar.gz $(BUILD)/ee-collection/portaplus-softswitch.tar.gz
	$(BIN)/ansible-builder create -f execution-environment.yml -c $(BUILD)/ee --output-filename Containerfile

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
	rm -rf $(VENV) tests/output $(BUILD) docs/build .ansible

# The customer role's molecule scenario alone (make test runs it through tests/integration/test_molecule.py).
molecule: venv
	PATH=$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$$($(PYTHON) tests/collection_path.py) \
	ANSIBLE_PYTHON_INTERPRETER=$(BIN)/python $(BIN)/molecule test -s customer
.PHONY: molecule
