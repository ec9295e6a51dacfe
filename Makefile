# medlib-book: `make book` builds the published book, `make test` checks everything.
# Both create .venv from requirements.txt first; the install is skipped when
# requirements.txt and pyproject.toml are unchanged since the last install.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PATH := $(abspath $(VENV))/bin:$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2
export PYDEVD_DISABLE_FILE_VALIDATION := 1

REEXECUTED := _build/reexecuted

.PHONY: install book notebooks html test lint unit notebooks-quick nbval verify build-check browser-check readme clean

install:
	@if [ -f $(STAMP) ] && cat requirements.txt pyproject.toml | cmp -s - $(STAMP); then \
		echo "install: .venv is up to date with requirements.txt"; \
	else \
		$(MAKE) --no-print-directory reinstall; \
	fi

reinstall:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@# Kernels of this venv leave C++ library logs (TensorFlow) on the console instead of
	@# writing them into the published notebooks' outputs.
	mkdir -p $(VENV)/etc/ipython
	echo "c.IPKernelApp.capture_fd_output = False" > $(VENV)/etc/ipython/ipython_kernel_config.py
	cat requirements.txt pyproject.toml > $(STAMP)

# The main job: run every notebook with the `book` profile, refresh the README results
# table from their results files, then build the HTML.
book: install notebooks readme html

notebooks: install
	$(PY) -m medlib.book run --profile book

html: install
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo "HTML: _build/html/index.html"

readme: install
	$(PY) -m medlib.book table --update README.md

test: install lint unit notebooks-quick nbval verify build-check browser-check

lint:
	$(VENV)/bin/ruff check .

unit:
	$(PY) -m pytest -m "not notebooks"

notebooks-quick:
	$(PY) -m pytest -m notebooks

# nbval re-executes every published chapter once: it compares the cells marked
# NBVAL_CHECK_OUTPUT exactly, and each chapter's results recorder writes its re-executed
# results to $(REEXECUTED), which `verify` compares with book/results/ within the
# tolerances of notebooks/tolerances.yml.
nbval:
	rm -rf $(REEXECUTED) && mkdir -p $(REEXECUTED)
	MEDLIB_RESULTS_DIR=$(abspath $(REEXECUTED)) \
		$(PY) -m pytest --nbval-lax --nbval-current-env book/ -o testpaths=book

verify:
	$(PY) -m medlib.book verify $(REEXECUTED) --report _build/verification.md

build-check:
	rm -rf _build/html _build/.doctrees
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

# Every built page in headless Chromium with the network off: JavaScript errors, files or
# images that do not load, untypeset math and broken internal links fail; a screenshot of
# each page goes to _build/screenshots/.
browser-check: install
	$(PY) -m medlib.book browse _build/html --screenshots _build/screenshots

clean:
	rm -rf _build
