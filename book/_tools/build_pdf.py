"""Build the PDF edition of the book: _build/nnkit-book.pdf.

Jupyter Book's LaTeX builder (Sphinx, then xelatex through latexmk) typesets
the chapters, appendices and glossary exactly as the website shows them, with
two differences that only paper needs. Both are made on a copy of the book in
_build/pdf/src, so the notebooks themselves are never touched:

- An explorer (an nnkit.widgets.Explorer) cannot move on paper. Its stored
  output holds the widget view, which the website shows, and the PNG of its
  static twin, drawn by matplotlib at the explorer's starting values; the copy
  keeps only the PNG.
- ANSI colour codes (coloured tracebacks, warnings) are not text that xelatex
  can typeset; the copy drops them from the outputs.

The build uses -W, so any Sphinx warning fails it, and afterwards the LaTeX
log is read: an undefined reference or citation (which prints as "??") fails
it too.

Usage: python book/_tools/build_pdf.py   (through `make pdf`, which also
installs TeX Live on Debian when it is missing).
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "_build" / "pdf"
SOURCE = WORK / "src"
PDF = ROOT / "_build" / "nnkit-book.pdf"
NAME = "nnkit-book"  # latex_documents.targetname in _config.yml, less ".tex"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# LaTeX wraps its log at 79 columns, so match the start of these warnings only:
# each of them is about something undefined.
UNRESOLVED = re.compile(
    r"LaTeX Warning: (Hyper reference|Reference|Citation) "
    r"|LaTeX Warning: There were undefined references"
)


def without_ansi(value):
    if isinstance(value, list):
        return [ANSI.sub("", line) for line in value]
    return ANSI.sub("", value) if isinstance(value, str) else value


def for_paper(notebook, name):
    """Rewrite the outputs of ``notebook`` (a dict) for print, in place.

    Raises SystemExit naming the notebook when an explorer has no figure to
    show: printing its widget repr would be worse than failing.
    """
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = without_ansi(output["text"])
            if "traceback" in output:
                output["traceback"] = without_ansi(output["traceback"])
            data = output.get("data", {})
            if "text/plain" in data:
                data["text/plain"] = without_ansi(data["text/plain"])
            if WIDGET_VIEW in data:
                figure = data.get("image/png")  # the explorer's static twin
                if figure is None:
                    sys.exit(
                        f"build_pdf: {name}: a widget output has no image/png beside "
                        "it for the PDF to show (is it an nnkit Explorer? run "
                        "`make notebooks`)"
                    )
                output["data"] = {"image/png": figure, "text/plain": "<explorer>"}
    return notebook


def copy_book():
    """A fresh copy of the book's sources in _build/pdf/src, rewritten for paper."""
    shutil.rmtree(SOURCE, ignore_errors=True)
    SOURCE.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, SOURCE / name)
    shutil.copytree(
        ROOT / "book",
        SOURCE / "book",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "_build"),
    )
    for path in sorted((SOURCE / "book").rglob("*.ipynb")):
        if "_static" in path.parts:
            continue  # downloads, copied as they are
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for_paper(notebook, path.relative_to(SOURCE))
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def build():
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", "-W", "--keep-going", "--builder", "pdflatex"]
        + [str(SOURCE)],
        capture_output=True,
        text=True,
    )
    latex = SOURCE / "_build" / "latex"
    log = latex / f"{NAME}.log"
    if result.returncode != 0 or not (latex / f"{NAME}.pdf").is_file():
        sys.exit(
            f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}\n"
            f"build_pdf: the LaTeX build failed; see {log} and the output above"
        )
    lines = log.read_text(errors="replace").splitlines()
    problems = [line for line in lines if UNRESOLVED.search(line)]
    if problems:
        sys.exit(
            "build_pdf: the PDF has unresolved cross-references:\n"
            + "\n".join(problems[:20])
        )
    shutil.copy2(latex / f"{NAME}.pdf", PDF)


def main():
    copy_book()
    build()
    print(f"build_pdf: wrote {PDF.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
