# portaplus.softswitch — developer entry points. `make demo` and `make test` do all set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BUILD := .build
# ansible-test and ansible-playbook find the collection through this path (a symlink to the checkout).
COLL_ROOT := $(BUILD)/collections
COLL_DIR := $(COLL_ROOT)/ansible_collections/portaplus/softswitch
STAMP := $(VENV)/.installed

.PHONY: venv collection-path unit sanity integration sandbox-tests test demo bench lint clean

venv: $(STAMP)
$(STAMP): requirements-dev.txt requirements.txt sandbox/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet -e sandbox
	touch $(STAMP)

collection-path:
	mkdir -p $(dir $(COLL_DIR))
	ln -sfn $(CURDIR) $(COLL_DIR)

clean:
	rm -rf $(VENV) $(BUILD) tests/output
