# The two commands a fresh machine needs: `make run` and `make test`.
SHELL := /bin/bash
# Every recipe runs with umask 077, so all the commands below create owner-only files: the
# warehouse, the Dagster home (event log, run records, compute logs) and the alert logs
# hold personal data and operational detail nobody else on the machine needs to read.
.SHELLFLAGS := -c 'umask 077 && eval "$$1"' make-recipe
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# dagster-dbt and the dbt asset find `dbt` on PATH: the venv's comes first.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# Everything the platform writes locally lives under one data root (docs/environments.md).
export PLATFORM_DATA_DIR ?= $(CURDIR)/data
export PLATFORM_WAREHOUSE_PATH ?= $(PLATFORM_DATA_DIR)/warehouse.duckdb
DBT_MANIFEST := dbt_project/target/manifest.json
# The laptop's pseudonym key, handed to Dagster as PLATFORM_PII_HMAC_KEY the way a deployment
# hands over its own from a secret store: the Beta and GA customer assets refuse to run
# without it (docs/personal-data.md). A key already set in the environment wins.
WITH_PII_KEY = PLATFORM_PII_HMAC_KEY="$${PLATFORM_PII_HMAC_KEY:-$$($(BIN)/python -m platform_assets.privacy.local_key)}"
DBT_SOURCES := $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.csv' | grep -v '/target/')

.PHONY: run test lint typecheck unit dev audit bench docs install prepare instance clean secrets

run: prepare instance ## materialize every asset on the embedded defaults, run every check, print the audit
	$(BIN)/platform-assets runs recover
	$(WITH_PII_KEY) $(BIN)/dagster asset materialize -m platform_assets.definitions --select '*'
	$(BIN)/platform-assets audit

test: lint secrets typecheck unit ## lint, type checks, then the whole test suite

# The dbt SQL sqlfluff checks (rules and templating in .sqlfluff, the models' indentation
# in dbt_project/models/.sqlfluff): all of the dbt project.
SQLFLUFF_PATHS := dbt_project

lint: install
	$(BIN)/ruff check platform_assets tests benchmarks
	$(BIN)/ruff format --check platform_assets tests benchmarks
	$(BIN)/sqlfluff lint $(SQLFLUFF_PATHS)
	# The GitHub workflows and Dependabot config, which cannot run here (docs/supply-chain.md).
	$(BIN)/actionlint
	$(BIN)/zizmor --offline --quiet .github

# Every tracked file against the audited .secrets.baseline (docs/supply-chain.md): a new
# secret fails. Each shard reads its own copy of the baseline, because the hook rewrites it
# when known secrets only moved lines (exit 3: no failure here, and no dirty tree). Shards
# of 200 files two at a time: one process takes ~25 s over the whole tree on 2 cores. The
# baseline itself is left out: its hashes are high-entropy hex by design.
secrets: install
	git ls-files -z -- ':!.secrets.baseline' | xargs -0 -n 200 -P 2 sh -c 'copy="$$(mktemp)"; \
	  cp .secrets.baseline "$$copy"; "$$0" --baseline "$$copy" "$$@"; rc=$$?; \
	  rm -f "$$copy"; [ $$rc -eq 0 ] || [ $$rc -eq 3 ]' $(BIN)/detect-secrets-hook

typecheck: install
	$(BIN)/mypy

# The suite's conftest gives every test a temporary data root and warehouse: the exported
# project ones are unset here, so `make test` never writes beside a developer's warehouse.
# Two workers, a test file each at a time (TEST_WORKERS=0 runs in one process), and the
# coverage of platform_assets gated at 90 % (pyproject.toml, docs/policies/coverage.md).
TEST_WORKERS ?= 2
unit: prepare
	env -u PLATFORM_DATA_DIR -u PLATFORM_WAREHOUSE_PATH $(BIN)/pytest --durations=25 \
	  --numprocesses $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --cov --cov-report term

dev: prepare instance ## the Dagster UI on the same instance
	$(BIN)/platform-assets runs recover
	$(WITH_PII_KEY) $(BIN)/dagster dev -w workspace.yaml

audit: prepare
	$(BIN)/platform-assets audit

bench: prepare ## benchmark scripts; figures land in benchmarks/results/
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

docs: install
	$(BIN)/platform-assets docs
	$(BIN)/python -m platform_assets.domains.dora.file_columns

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

prepare: install $(DBT_MANIFEST)

$(DBT_MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	$(BIN)/dagster-dbt project prepare-and-package --file platform_assets/integrations/dbt/project.py

# The instance's dagster.yaml for the environment (PLATFORM_ENV), written every time: the
# project's dagster.yaml, plus PostgreSQL storage when PLATFORM_POSTGRES_URL (or
# PLATFORM_DAGSTER_POSTGRES_URL) is set. Then, on a PostgreSQL warehouse, its schemas,
# roles and grants (idempotent; on DuckDB it says there is nothing to set up), and the
# warehouse migrated to the code's head revision (docs/migrations.md), so `make run` on an
# existing warehouse upgrades it. Also tightens a Dagster home an older checkout left
# readable by everyone.
instance: install
	mkdir -p -m 700 "$(DAGSTER_HOME)"
	$(BIN)/platform-assets instance config --output "$(DAGSTER_HOME)/dagster.yaml"
	chmod -R go-rwx "$(DAGSTER_HOME)"
	$(BIN)/platform-assets warehouse setup
	$(BIN)/platform-assets migrate upgrade

clean:
	rm -rf data .dagster_home dbt_project/target dbt_project/logs
