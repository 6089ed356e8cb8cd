# The README's two promises: `make synth` and `make test` work on a fresh machine.
# Set-up steps re-run only when their inputs change (stamp files).
SHELL := /bin/bash
# The CDK framework: CDKTF (default) or CDK Terrain (`make synth CDK=cdktn`, `make test CDK=cdktn`), each set up
# in its own venv and node_modules from its own pins (mlops_cicd/framework.py uses whichever is installed).
CDK ?= cdktf
ifeq ($(CDK),cdktf)
VENV := .venv
REQUIREMENTS := requirements.txt
NODE_DIR := $(CURDIR)
else ifeq ($(CDK),cdktn)
VENV := .venv-cdktn
REQUIREMENTS := requirements-cdktn.txt
NODE_DIR := $(CURDIR)/frameworks/cdktn
else
$(error CDK=$(CDK): use CDK=cdktf (the default) or CDK=cdktn)
endif
PY := $(VENV)/bin/python
NODE22_BIN := $(NODE_DIR)/node_modules/node/bin
# jsii runs on the Node 22 shipped by the npm package `node`, not the machine's end-of-life Node 20.
export JSII_NODE := $(NODE22_BIN)/node
export PATH := $(NODE22_BIN):$(NODE_DIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
# cdktf and terraform call HashiCorp's checkpoint service on every run; offline it fails and prints an error.
export CHECKPOINT_DISABLE := 1

.PHONY: setup setup-other setup-browser setup-tools synth test test-fast rehearse bench mutation clean

setup: $(VENV)/.installed $(NODE_DIR)/node_modules/.installed

$(VENV)/.installed: $(REQUIREMENTS) requirements-common.txt pyproject.toml
	@echo "setup: creating $(VENV) and installing the pinned Python packages ($(REQUIREMENTS); a minute or two the first time)..."
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(NODE_DIR)/node_modules/.installed: $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	@echo "setup: installing the $(CDK) CLI and Node 22 from npm into $(NODE_DIR)/node_modules (npm ci; a minute or two the first time)..."
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: setup
	$(PY) main.py

# Every test, two at a time (pytest-xdist; a module whose tests share an expensive fixture carries an
# xdist_group mark and runs on one worker). PYTEST_ARGS adds options, e.g. PYTEST_ARGS='-n 0' for one process.
PYTEST := $(PY) -m pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)
test: setup setup-other setup-browser setup-tools
	$(PYTEST)

# The other framework's set-up as well: tests/offline/test_framework_migration.py deploys a stack with CDKTF and
# plans it with CDK Terrain, each from its own venv.
OTHER_CDK := $(if $(filter cdktf,$(CDK)),cdktn,cdktf)
setup-other:
	@$(MAKE) --no-print-directory setup CDK=$(OTHER_CDK)

# A Debian package a test needs, installed with apt-get where `$(1)` fails (as root; otherwise the command to run).
# $(1): the test for it, $(2): the package, $(3): the make target, $(4): what it is for.
define debian_package
	@if ! $(1) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "setup: installing Debian's $(2) for $(4) (apt-get)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "make $(3): $(2) is missing, and installing it needs root and apt-get" >&2; \
	    echo "  fix: sudo apt-get install -y $(2)  (then make test again)" >&2; \
	    exit 1; \
	  fi; \
	fi
endef

# The browser tests (marker `browser`: the HTML fleet report) drive Debian's Chromium through Playwright (pinned in
# requirements-common.txt), which never downloads a browser of its own: install Chromium where it is missing.
CHROMIUM := /usr/bin/chromium
setup-browser:
	$(call debian_package,test -x $(CHROMIUM),chromium,setup-browser,the browser tests; a minute or two the first time)

# The generated workflow's shell steps are run by the tests as GitHub's runners run them, with jq (on every runner).
setup-tools:
	$(call debian_package,command -v jq,jq,setup-tools,the workflow tests)

# Everything but terraform and the slow end-to-end tests: under a minute (the `terraform` marker is audited:
# tests/helpers/terraform_audit.py fails a test that launches terraform without it).
test-fast: setup setup-browser setup-tools
	$(PYTEST) -m "not terraform and not slow"

# Offline rehearsal: real terraform against the stand-in providers (mlops_cicd_offline), no credentials.
rehearse: setup
	$(VENV)/bin/mlops-cicd rehearse  # synthesizes (checks included) and holds the rehearsal's lock
	$(VENV)/bin/mlops-cicd status --rehearsal  # what was deployed: every credential, its dates and days left

bench: setup
	$(PY) bench/offline_terraform.py
	$(PY) bench/frameworks.py  # synth on CDKTF and on CDK Terrain (when set up) against each one's import floor
	$(PY) bench/fleet_scale.py  # platform mode: 200 stacks synthesized and checked against the floor; rehearse -j 2

# Mutation testing of constructs, checks, config and backends by the fast tests (not part of `make test`:
# the whole run takes many hours on 2 cores, about 4,600 mutants at 3-60 s each). Works in mutants/ (its temp
# files too) and removes it afterwards; MUTATION_KEEP=1 keeps it for `mutmut show <name>` / `mutmut browse`;
# MUTATE='mlops_cicd.config.*' runs only the mutants matching these patterns (the others are listed as not run).
# MUTATION_SAMPLE=0.2 runs a random fifth of each module's mutants (at least 20; MUTATION_SEED picks the draw)
# and prints each module's estimated score with its 95% interval (mutation/sample.py). Exits 1 below the target.
MUTANTS := mutants
MUTMUT := TMPDIR=$(CURDIR)/$(MUTANTS)/tmp nice -n 10 $(VENV)/bin/mutmut run --max-children 1
MUTATION_SEED ?= 1
mutation: setup $(VENV)/.mutation-installed
	rm -rf $(MUTANTS) && mkdir -p $(MUTANTS)/tmp
	status=0; report=""; \
	if [ -n "$(MUTATION_SAMPLE)" ]; then \
	  $(MUTMUT) 'mlops_cicd.passed_in.*' >$(MUTANTS)/run.log 2>&1 \
	  && $(PY) mutation/sample.py --fraction $(MUTATION_SAMPLE) --seed $(MUTATION_SEED) >$(MUTANTS)/to-run.txt \
	  && { [ ! -s $(MUTANTS)/to-run.txt ] || $(MUTMUT) $$(cat $(MUTANTS)/to-run.txt) >>$(MUTANTS)/run.log 2>&1; } \
	  || status=$$?; report="--sample $(MUTANTS)/sample.json"; \
	else $(MUTMUT) $(MUTATE) >$(MUTANTS)/run.log 2>&1 || status=$$?; fi; \
	if [ $$status -eq 0 ]; then $(PY) mutation/report.py $$report || status=$$?; \
	else tail -c 3000 $(MUTANTS)/run.log; echo "mutmut run failed ($$status)"; fi; \
	[ -n "$(MUTATION_KEEP)" ] || rm -rf $(MUTANTS); \
	exit $$status

$(VENV)/.mutation-installed: requirements-mutation.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-mutation.txt
	touch $@

# Generated files only. Local state lives in .mlops-cicd/ (see README) and is never removed here; a state
# file still inside cdktf.out (written before state moved out) stops `clean` until synth has moved it.
clean:
	@stray=$$(find cdktf.out -name .terraform -prune -o \( -name '*.tfstate' -o -name '*.tfstate.backup' \) -print 2>/dev/null); \
	if [ -n "$$stray" ]; then \
		echo "make clean: not removing cdktf.out: it holds Terraform state:" $$stray >&2; \
		echo "  fix: run \`make synth\` first (it moves each environment's state to .mlops-cicd/state/, or says what to do)" >&2; \
		exit 1; \
	fi
	rm -rf cdktf.out build $(MUTANTS) .cdktf.out.lock
