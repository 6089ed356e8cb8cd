# The README's two promises: `make synth` and `make test` work on a fresh machine.
# Set-up steps re-run only when their inputs change (stamp files).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
NODE22_BIN := $(CURDIR)/node_modules/node/bin
# jsii runs on the Node 22 shipped by the npm package `node`, not the machine's end-of-life Node 20.
export JSII_NODE := $(NODE22_BIN)/node
export PATH := $(NODE22_BIN):$(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup synth test rehearse bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: setup
	$(PY) main.py

test: setup
	$(PY) -m pytest -q

# Offline rehearsal: real terraform against the stand-in providers (mlops_cicd/offline), no credentials.
rehearse: synth
	$(PY) -m mlops_cicd.offline.rehearse

bench: setup
	$(PY) bench/offline_terraform.py

clean:
	rm -rf cdktf.out build
