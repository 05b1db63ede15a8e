# prisonwatch: `make run` runs the monitoring DAG once, `make test` runs the whole test suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
export AIRFLOW_HOME ?= $(CURDIR)/airflow_home
export AIRFLOW__CORE__LOAD_EXAMPLES ?= False
export AIRFLOW__CORE__DAGS_FOLDER ?= $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER ?= $(CURDIR)/plugins
export AIRFLOW__CORE__PARALLELISM ?= 4
export PRISONWATCH_HOME ?= $(CURDIR)
export PYTHONPATH := $(CURDIR)/include:$(PYTHONPATH)
# `airflow standalone` starts its components as `airflow ...` found on PATH.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# One-off `airflow dags test` runs: Airflow 3.3.2 fails them for DAGs with a deadline (see dags/prisonwatch_monitor.py).
ONE_OFF := PRISONWATCH_NO_DEADLINE=1

.PHONY: install run test demo airflow airflow-stop smtp-connection mail-test eval train-figures bench lint lock clean airflow-init browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==0.9.30"

$(VENV)/.installed: requirements-dev.txt pyproject.toml | $(UV)
	$(UV) pip install --python $(BIN)/python --quiet -r requirements-dev.txt
	$(UV) pip install --python $(BIN)/python --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

lock: | $(UV)
	$(UV) pip compile requirements.in --python-version 3.11 -o requirements.txt
	$(UV) pip compile requirements-dev.in --python-version 3.11 -o requirements-dev.txt

AIRFLOW := $(BIN)/airflow
PW := $(BIN)/prisonwatch

$(AIRFLOW_HOME)/.initialised: $(VENV)/.installed include/config/pools.json
	mkdir -p $(AIRFLOW_HOME)
	$(AIRFLOW) db migrate > $(AIRFLOW_HOME)/migrate.log 2>&1 || (tail -20 $(AIRFLOW_HOME)/migrate.log; exit 1)
	$(AIRFLOW) pools import include/config/pools.json > /dev/null
	touch $@

airflow-init: $(AIRFLOW_HOME)/.initialised

## run: the monitoring DAG once against the configured feeds, then the report; prints what it found
run: airflow-init
	$(PW) seed > /dev/null
	$(ONE_OFF) $(AIRFLOW) dags test prisonwatch_monitor > $(AIRFLOW_HOME)/last-monitor-run.log 2>&1 || (tail -40 $(AIRFLOW_HOME)/last-monitor-run.log; exit 1)
	$(ONE_OFF) $(AIRFLOW) dags test prisonwatch_report > $(AIRFLOW_HOME)/last-report-run.log 2>&1 || (tail -40 $(AIRFLOW_HOME)/last-report-run.log; exit 1)
	$(PW) status
	@echo "  task logs: $(AIRFLOW_HOME)/last-monitor-run.log"

## demo: the same DAG against a bundled offline news site served on 127.0.0.1
demo: airflow-init
	$(ONE_OFF) $(BIN)/python -m prisonwatch.run.demo

## airflow: Airflow locally (scheduler, DAG processor, triggerer, API on 127.0.0.1:8080); Ctrl-C stops it
airflow: airflow-init
	AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=admin:admin $(BIN)/python -m prisonwatch.run.localairflow

## airflow-stop: stop a `make airflow` running in another shell
airflow-stop:
	$(BIN)/python -m prisonwatch.run.localairflow --stop

## smtp-connection: the Airflow connection reports are mailed through (SMTP_HOST, SMTP_PORT; SMTP_LOGIN, SMTP_PASSWORD, SMTP_TLS=0 optional)
SMTP_PORT ?= 587
SMTP_TLS ?= 1
smtp-connection: airflow-init
	@test -n "$(SMTP_HOST)" || { echo "give SMTP_HOST=mail.example.org (and SMTP_PORT, SMTP_LOGIN, SMTP_PASSWORD, SMTP_TLS=0 for a plain server)"; exit 2; }
	-@$(AIRFLOW) connections delete smtp_default > /dev/null 2>&1
	$(AIRFLOW) connections add smtp_default --conn-json "$$($(BIN)/python -m prisonwatch.report.notify connection-json '$(SMTP_HOST)' '$(SMTP_PORT)' '$(SMTP_LOGIN)' '$(SMTP_PASSWORD)' '$(SMTP_TLS)')"

## mail-test: send a report of the stored flags to TO=address through that connection
mail-test: install
	@test -n "$(TO)" || { echo "give TO=you@example.org"; exit 2; }
	$(PW) mail-test --to "$(TO)"

## test: the whole test suite (integration tests included)
test: install browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -rs

# The browser test drives Debian's Chromium (never a downloaded browser); CI installs it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$CI" = "true" ] && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is not installed: the browser test will be skipped (apt-get install chromium)"; fi; }

## eval: figure extraction on the labelled fixtures and, where ../shared/corpus exists, on its held-out outlets
eval: install
	$(BIN)/python -m prisonwatch.evaluation

## train-figures: fit the shipped figure scorers (include/prisonwatch/figures/model.json) from the labelled data
train-figures: install
	$(BIN)/python -m prisonwatch.figures.train

## bench: speed and memory benchmarks (print figures; never fail on timing)
bench: install
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(AIRFLOW_HOME) data reports .pytest_cache
