# The two commands of the README:
#   make book   build the website into _build/html
#   make pdf    build the PDF edition into _build/nnkit-book.pdf (needs TeX Live,
#               installed with apt when missing)
#   make test   run every test: unit tests and doctests, notebook checks,
#               strict nbval over every notebook, and the book build (-W)
# Both create .venv/ with the locked toolchain first if it is missing.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Same environment when outputs are generated and when they are validated:
# one BLAS thread (sums can change with the thread count), no progress bars,
# fixed hash seed.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export TQDM_DISABLE := 1
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# The venv's bin must be on PATH for tools that shell out (jupyter, alembic).
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: book pdf tex-deps test browser-deps notebooks release lint lock bench bench-gpu clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test,torch,grading]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The browser test drives Debian's Chromium, and answers the CDN addresses of
# MathJax, require.js and the widget manager from npm copies (no CDN here).
BROWSER := .cache/browser
BROWSER_STAMP := $(BROWSER)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(BROWSER_STAMP): tests/browser/package.json tests/browser/package-lock.json
	command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	mkdir -p $(BROWSER)
	cp tests/browser/package.json tests/browser/package-lock.json $(BROWSER)/
	cd $(BROWSER) && npm ci --silent --no-audit --no-fund
	touch $(BROWSER_STAMP)

browser-deps: $(BROWSER_STAMP)

# The PDF edition is typeset by xelatex (through latexmk) from Debian's TeX Live.
TEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-fonts-recommended latexmk \
	xindy fonts-freefont-otf tex-gyre poppler-utils

tex-deps:
	command -v xelatex >/dev/null && command -v latexmk >/dev/null && \
		command -v xindy >/dev/null && command -v pdftotext >/dev/null || { \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$(SUDO) apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; }

pdf: $(STAMP) tex-deps
	$(BIN)/python book/_tools/build_pdf.py

book: $(STAMP)
	$(BIN)/jupyter-book build -W --keep-going .
	@echo "Open _build/html/index.html"

test: $(STAMP) $(BROWSER_STAMP) tex-deps
	$(BIN)/ruff check nnkit tests book/_tools book/_ext
	$(BIN)/python book/_tools/check_notebooks.py
	$(BIN)/python -m pytest -n 2 --dist loadfile tests nnkit
	$(BIN)/python -m pytest -p no:python -n 2 --dist loadscope --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --ignore=book/_static book

lint: $(STAMP)
	$(BIN)/ruff check nnkit tests book/_tools book/_ext

# Regenerate every notebook's stored outputs in the locked environment.
# Pass NB=book/some.ipynb to regenerate one.
notebooks: $(STAMP)
	$(BIN)/python book/_tools/run_notebooks.py $(NB)

# Write the student versions of the assignments (book/_static/assignments/)
# from the instructor sources (book/assignments/source/), with nbgrader.
release: $(STAMP)
	$(BIN)/python -m nnkit.grading release

# CPU benchmark: nnkit vs scikit-learn vs PyTorch, ratios from one run.
# Threads are set inside the script (1 and 2), so the pinned thread counts are unset.
bench: $(STAMP)
	env -u OMP_NUM_THREADS -u OPENBLAS_NUM_THREADS -u MKL_NUM_THREADS $(BIN)/python tests/benchmarks/cpu.py

# GPU benchmark of the PyTorch mirror (prints a notice and exits on a CPU-only machine).
bench-gpu: $(STAMP)
	$(BIN)/python tests/benchmarks/gpu.py

# Re-pin the toolchain after a deliberate upgrade of the venv.
lock: $(STAMP)
	{ grep '^#' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
		| sed 's/^torch==\(.*\)+cpu/torch==\1/'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf _build
