# make book  - build the HTML book into _build/html (creates .venv when needed)
# make test  - run every test
# make lab   - open the chapters in JupyterLab with the same environment
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LAB    := jupyterlab==4.6.6

.PHONY: book test lab clean

# (Re)install when the venv is missing or older than the files that pin it.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

book: $(STAMP)
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo "The book is built. Open: $(CURDIR)/_build/html/index.html"

test: $(STAMP)
	$(PY) -m pytest

lab: $(STAMP)
	$(PY) -m pip install --quiet $(LAB)
	$(VENV)/bin/jupyter lab book/

clean:
	rm -rf _build
