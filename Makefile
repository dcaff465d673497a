# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Each creates (or reuses) .venv at the repository root and installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# checkov pins boto3 exactly (3.3.30: boto3==1.35.49) and aws-sam-cli pins another, so checkov cannot share
# .venv: it gets its own environment inside it, from pyproject.toml's `checkov` dependency group.
CHECKOV_VENV := $(VENV)/checkov
DATA ?= ../shared/data/prompts
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY := 0

.PHONY: help demo test check security lint format typecheck validate-template model benchmark bench cost bench-replay bench-detection bench-memory bench-coldstart bench-coldstart-lambda bench-correlator simulate lock sizes clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[cpu,validate,local]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime-installed

demo: $(VENV)/.runtime-installed ## run the pipeline end to end on the embedded AWS emulator and print the alerts
	$(BIN)/distillguard demo

test: $(VENV)/.dev-installed ## lint, then run every test (unit + integration on the embedded emulator)
	$(BIN)/ruff check shared functions models tests
	$(BIN)/python -m pytest -q

check: lint test typecheck security ## everything CI gates on: format, lint, tests, mypy, checkov and bandit

$(CHECKOV_VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --group checkov
	touch $@

# Every remaining finding is fixed or suppressed where it is, with its reason: checkov in template.yaml
# (Metadata: checkov: skip), bandit on the line (# nosec B...). B101 is skipped as a whole: assert only narrows
# types for mypy here (each one reviewed), no assert guards a security decision, and Lambda never runs with -O.
security: $(VENV)/.dev-installed $(CHECKOV_VENV)/.installed ## checkov on template.yaml, bandit on the code (both must be clean)
	$(CHECKOV_VENV)/bin/checkov -f template.yaml --framework cloudformation --compact --quiet --skip-download
	$(BIN)/bandit -q -r shared functions -x shared/distillguard/simulate --skip B101

lint: $(VENV)/.dev-installed ## ruff format check + ruff lint
	$(BIN)/ruff format --check shared functions models tests
	$(BIN)/ruff check shared functions models tests

format: $(VENV)/.dev-installed ## apply ruff format and autofixes
	$(BIN)/ruff format shared functions models tests
	$(BIN)/ruff check --fix shared functions models tests

typecheck: $(VENV)/.dev-installed ## mypy on the shared package and each handler
	$(BIN)/mypy
	for handler in functions/*/app.py; do $(BIN)/mypy "$$handler" || exit 1; done

# The Lambdas install only these hashed lock files (pip's hash-checking mode): the layer from pyproject.toml's
# dependencies, the classify function from the model runtime (its requirements.in: the `cpu` extra), the
# validate image from the dependencies and the `validate` extra, resolved for the
# Lambda runtime (CPython 3.12 on x86_64 Linux, as template.yaml's Architectures). Pins already there are kept;
# `make lock UPGRADE=--upgrade` moves them to the newest versions pyproject.toml allows.
LOCK := $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.12 \
	--python-platform x86_64-manylinux_2_28 --custom-compile-command 'make lock' $(UPGRADE)
CLASSIFY_LOCK := $(BIN)/uv pip compile functions/classify/requirements.in --quiet --generate-hashes \
	--python-version 3.12 --python-platform x86_64-manylinux_2_28 --custom-compile-command 'make lock' $(UPGRADE)
lock: $(VENV)/.dev-installed ## regenerate the hashed lock files the Lambdas install (layer, classify, validate image)
	$(LOCK) -o shared/requirements.txt
	$(CLASSIFY_LOCK) -o functions/classify/requirements.txt
	$(LOCK) --extra validate -o functions/validate/requirements.txt

# `sam build` without a container needs a CPython 3.12 on PATH (the functions' runtime).
PYTHON312 ?= $(HOME)/.pyenv/versions/3.12.1/bin/python3.12
sizes: $(VENV)/.dev-installed ## sam build the zip functions, print each one's and each layer's unzipped size (limit 250 MB)
	$(BIN)/python -m infra.lambda_sizes --python312 $(PYTHON312)

validate-template: $(VENV)/.dev-installed ## sam validate --lint and cfn-lint on template.yaml
	$(BIN)/sam validate --lint
	$(BIN)/cfn-lint template.yaml

model: $(VENV)/.dev-installed ## train, export, check parity, evaluate and write the model cards of both models (DATA=path to the corpus)
	$(BIN)/python -m models.train --data $(DATA) --exclude-noncommercial
	$(BIN)/python -m models.train --data $(DATA)

BENCH_RECORDS ?= /tmp/distillguard-bench-records
benchmark: $(VENV)/.dev-installed ## classifier speed on one thread (corpus, its longest 10%, simulated records), cold start, size, memory (DATA=path to the corpus)
	test -d $(BENCH_RECORDS) || $(BIN)/distillguard simulate --scale small --seed 0 --out $(BENCH_RECORDS) > /dev/null
	OMP_NUM_THREADS=1 $(BIN)/python -m models.benchmark --data $(DATA) --records $(BENCH_RECORDS)

bench-replay: $(VENV)/.dev-installed ## replay a tiny simulated day through the emulator pipeline and time it
	$(BIN)/python -m infra.bench_replay --scale tiny

bench-memory: $(VENV)/.runtime-installed ## peak RSS of each stage on a 2 GiB object, a 1 GiB one-line bomb and a 50 MB line (SIZE=2G)
	$(BIN)/python -m infra.bench_memory --size $${SIZE:-2G}

bench-coldstart: $(VENV)/.runtime-installed ## import time, peak RSS and heavy modules of each function, 5 fresh interpreters
	$(BIN)/python -m infra.bench_coldstart --runs 5

COLDSTART_VENV := build/coldstart-venv
bench-coldstart-lambda: $(VENV)/.runtime-installed ## cold start of the zip functions in a CPython 3.12 holding only their lock files (PYTHON312=...)
	test -x $(COLDSTART_VENV)/bin/python || $(PYTHON312) -m venv $(COLDSTART_VENV)
	$(COLDSTART_VENV)/bin/python -m pip install --quiet --require-hashes --only-binary=:all: -r shared/requirements.txt
	$(COLDSTART_VENV)/bin/python -m pip install --quiet --require-hashes --only-binary=:all: \
		-r functions/classify/requirements.txt
	$(BIN)/python -m infra.bench_coldstart --runs 5 --python $(COLDSTART_VENV)/bin/python \
		--functions ClassifyFunction AggregateFunction CorrelateFunction

bench-correlator: $(VENV)/.runtime-installed ## seconds per hour of evidence for 20,000 and 200,000 accounts
	$(BIN)/python -m infra.bench_correlator --accounts 20000
	$(BIN)/python -m infra.bench_correlator --accounts 200000

bench: $(VENV)/.runtime-installed ## throughput: the floor, each stage, the in-process engine on 1 and 2 cores, 1- vs 50-record objects
	$(BIN)/python -m infra.bench --scale small --seed 1101 --json-out build/bench.json

cost: $(VENV)/.runtime-installed ## dollars per million prompts from a run's counted requests, for 1, 10, 50 and 500 records per object
	$(BIN)/python -m infra.cost --scale small --seed 1101

bench-detection: $(VENV)/.runtime-installed ## detection figures: 3 small seeds and 1 full seed, scored against ground truth
	$(BIN)/python -m infra.bench_detection --scale small --seeds 901 902 903
	$(BIN)/python -m infra.bench_detection --scale full --seeds 1001

simulate: $(VENV)/.runtime-installed ## write simulated traffic to build/simulated (SEED=n)
	$(BIN)/distillguard simulate --out build/simulated --seed $${SEED:-0}

clean: ## remove the virtual environment and build outputs
	rm -rf $(VENV) build .aws-sam .pytest_cache .mypy_cache .ruff_cache
