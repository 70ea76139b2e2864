# portaplus.softswitch — developer entry points. `make demo` and `make test` do all set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv collection-path unit sanity integration sandbox-tests test demo bench lint clean

venv: $(STAMP)
$(STAMP): requirements-dev.txt requirements.txt sandbox/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet -e sandbox
	touch $(STAMP)

# ansible-test and ansible-playbook find the collection through a symlink in a temp dir.
collection-path:
	@$(PYTHON) tests/collection_path.py

clean:
	rm -rf $(VENV) tests/output
