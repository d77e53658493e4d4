# make book  - build the HTML book into _build/html (creates .venv when needed)
# make test  - run every test, on both cores, and say how long it took
# make check - nnlib's and the knobs' tests only: the quick loop (under a minute)
# make lab   - open the chapters in JupyterLab with the same environment
# make pdf   - the whole book as one PDF, _build/pdf/turn-the-knobs.pdf (figures at their defaults)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Bake every knob figure's frames so the static pages redraw without a kernel (bake/);
# `make book BAKE=0` builds faster, with knobs whose figures stay still in the HTML.
BAKE   ?= 1
# Small matrices: BLAS threads only add overhead on a 2-core machine (measured up to 7x slower).
export OPENBLAS_NUM_THREADS ?= 1

# pytest-xdist: one process per core. --dist loadfile keeps each file's tests (a notebook's
# cells, a browser file's pages) in one process; tests/conftest.py orders the files and
# builds the book once for all processes.
WORKERS ?= 2
# nnlib's core and the knob figures: what `make check` runs.
CHECK_TESTS := tests/test_activations.py tests/test_losses.py tests/test_layers.py \
	tests/test_optim_train.py tests/test_gradcheck.py tests/test_datasets.py \
	tests/test_metrics.py tests/test_chapters.py tests/test_perceptron.py tests/test_bad_inputs.py \
	tests/test_properties.py \
	tests/test_knobs.py tests/test_plotting.py tests/test_declared_settings.py

.PHONY: book test check lab clean chromium pdf

# (Re)install when the venv is missing or older than the files that pin it.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The browser files the site serves itself (widgets, MathJax) and axe-core, at the exact versions
# of package-lock.json; scripts/vendor.py copies what the pages load into _vendor/.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# scripts/build_book.py says what a build does (execution cache, baking, the cost table).
book: $(STAMP) $(NODE_STAMP)
	$(PY) scripts/build_book.py $(if $(filter 0,$(BAKE)),--no-bake)
	@$(PY) scripts/site_size.py _build/html

test: $(STAMP) $(NODE_STAMP) chromium
	@start=$$(date +%s); status=0; \
	$(PY) -m pytest -n $(WORKERS) --dist loadfile --durations=25 \
	  --cov=nnlib --cov-report=term-missing:skip-covered --cov-fail-under=95 || status=$$?; \
	echo "make test took $$(( $$(date +%s) - start )) s"; exit $$status

# The quick loop: no book build, no browser, no notebooks, no coverage floor.
check: $(STAMP)
	@start=$$(date +%s); status=0; \
	$(PY) -m pytest -n $(WORKERS) --dist load -q $(CHECK_TESTS) || status=$$?; \
	echo "make check took $$(( $$(date +%s) - start )) s"; exit $$status

# Debian's Chromium for the browser tests: installed with apt when missing and we are root;
# otherwise those tests are skipped and say why.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is not installed and this is not root: the browser tests will be skipped"; fi

# One PDF of the whole book for teachers who print: headless Chromium prints the built pages
# (scripts/print_pdf.py says why this route). Builds the book first when it is missing.
pdf: $(STAMP) $(NODE_STAMP) chromium
	test -f _build/html/index.html || $(MAKE) book
	$(PY) scripts/print_pdf.py _build/html _build/pdf/turn-the-knobs.pdf

# JupyterLab is pinned in requirements-dev.txt, so a fresh clone gets it with the venv.
# As root (containers), Jupyter refuses to start without --allow-root.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) book/

clean:
	rm -rf _build
