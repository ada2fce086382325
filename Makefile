# The two commands: `make lab` (set up and open the course), `make test` (set up and run every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test install workspace lint unit notebooks book screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

workspace: install
	$(BIN)/python -m k8slite.course workspace workspace

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

LAB_ARGS ?=

lab: workspace
	cd workspace && ../$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS)

lint: install
	$(BIN)/ruff check k8slite tests
	$(BIN)/mypy k8slite

unit: install
	$(BIN)/pytest -q --durations=30 tests

notebooks: install
	$(BIN)/pytest -q --durations=10 --nbval notebooks

test: lint unit notebooks

book: install  # the book as static HTML in book/ (stored outputs, nothing executed); open book/index.html
	$(BIN)/python -m k8slite.course.book book

screenshot: install  # docs/dashboard.png, the README's picture, taken by a browser test in JupyterLab
	K8SLITE_README_SCREENSHOT=docs/dashboard.png $(BIN)/pytest -q tests/browser -k failed_node

clean:
	rm -rf $(VENV) workspace book
