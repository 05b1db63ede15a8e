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

.PHONY: install run test demo airflow eval bench lint lock clean airflow-init

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
