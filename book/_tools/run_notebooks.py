"""Regenerate the stored outputs of the book's notebooks, in place.

Usage: python book/_tools/run_notebooks.py [NOTEBOOK ...]   (default: every notebook
listed in _toc.yml). Run it through `make notebooks`, which sets the pinned
environment (one BLAS thread, TQDM_DISABLE=1, PYTHONHASHSEED=0) that nbval
later validates against. Each notebook runs with its own folder as the working
directory, as Jupyter Book and nbval do. Widget state is stored in the
notebook's metadata so that widgets render on the static website.
"""

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
PINNED = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TQDM_DISABLE": "1",
    "PYTHONHASHSEED": "0",
}


def toc_notebooks():
    """The notebooks named in _toc.yml, in reading order."""
    import yaml

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                yield node["file"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"], *walk(toc)]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def run(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,  # no timestamps: regenerating changes only real outputs
    )
    start = time.perf_counter()
    client.execute()
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def main(args):
    wrong = {k: os.environ.get(k) for k, v in PINNED.items() if os.environ.get(k) != v}
    if wrong:
        sys.exit(
            f"run_notebooks: the pinned environment is not set ({wrong}); "
            "run `make notebooks` instead."
        )
    paths = [Path(a).resolve() for a in args] or toc_notebooks()
    for path in paths:
        seconds = run(path)
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
