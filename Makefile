# Quick start: `make run` builds the graph from seeds/ and serves it; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= var/store
HOST ?= $(or $(METIERS_KG_HOST),127.0.0.1)
PORT ?= $(or $(METIERS_KG_PORT),8000)
BASE_IRI ?= $(or $(METIERS_KG_BASE_IRI),https://w3id.org/metiers-kg/)
# The dataset's date comes from its input (the last commit that changed seeds/), never the clock.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct -- seeds corpus 2>/dev/null)
# The vendored ONISEP corpus (corpus/onisep/PROVENANCE.md), built with the seeds; documents left
# out (exit 3 of --keep-going) are listed, and do not stop `make run`.
CORPUS ?= corpus/onisep/fiches-metiers corpus/onisep/fiches-formations

.PHONY: run build dumps serve test install install-test bench clean

$(BIN)/metiers-kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

install: $(BIN)/metiers-kg

$(VENV)/.test-deps: $(BIN)/metiers-kg
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install-test: $(VENV)/.test-deps

build: install
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(BIN)/metiers-kg build --seeds seeds $(CORPUS) --keep-going \
		--store $(STORE) --base-iri $(BASE_IRI) || [ $$? -eq 3 ]

serve: install
	$(BIN)/metiers-kg serve --store $(STORE) --host $(HOST) --port $(PORT) --base-iri $(BASE_IRI)

# The published dumps (+ VoID, SHA256SUMS) of the current build, where the server serves them from.
dumps: install
	$(BIN)/metiers-kg dump --store $(STORE) --format all --base-iri $(BASE_IRI)

run: build dumps serve

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info
