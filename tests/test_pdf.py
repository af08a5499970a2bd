"""The PDF edition: `make pdf` builds it, and it holds the whole book.

The build (book/_tools/build_pdf.py) writes _build/nnkit-book.pdf; the checks
read it back with poppler's pdftotext, pdfinfo and pdfimages, and render one
page (where chapter 1 calls its first explorer: a figure, code and math) to
_build/pdf/sample-page.png for a person to look at. Expected values come from
the book's sources: the titles of the files in _toc.yml, the glossary's terms,
the notebooks' figures.
"""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "_build" / "nnkit-book.pdf"
LOG = ROOT / "_build" / "pdf" / "src" / "_build" / "latex" / "nnkit-book.log"
SAMPLE = ROOT / "_build" / "pdf" / "sample-page.png"
TOOLS = ("xelatex", "latexmk", "pdftotext", "pdfinfo", "pdfimages", "pdftoppm")

spec = importlib.util.spec_from_file_location(
    "build_pdf", ROOT / "book" / "_tools" / "build_pdf.py"
)
build_pdf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_pdf)
needs_tex = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in TOOLS),
    reason="TeX Live or poppler-utils missing: `make tex-deps` installs them",
)


def toc_files():
    text = (ROOT / "_toc.yml").read_text()
    return re.findall(r"^\s*-\s*file:\s*(\S+)", text, flags=re.M)


def title(name):
    """The H1 title of a book file (notebook or Markdown)."""
    notebook = ROOT / f"{name}.ipynb"
    if notebook.exists():
        text = "".join(json.loads(notebook.read_text())["cells"][0]["source"])
    else:
        text = (ROOT / f"{name}.md").read_text()
    return re.search(r"^# (.+)$", text, flags=re.M).group(1).strip()


def glossary_terms():
    text = (ROOT / "book" / "appendix_a_glossary.md").read_text()
    block = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    return re.findall(r"^([A-Za-z][^\n:]*)$", block, flags=re.M)


def math_italic(formula):
    """``formula`` as pdftotext reads it back once typeset: letters in Unicode
    mathematical italic (h has its own code point), spaces dropped."""
    letters = {c: chr(0x1D434 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
    letters |= {c: chr(0x1D44E + i) for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")}
    letters["h"] = "\u210e"
    return "".join(letters.get(c, c) for c in formula if not c.isspace())


def test_an_explorer_prints_as_its_figure_and_ansi_codes_go():
    view = {"model_id": "explorer", "version_major": 2, "version_minor": 1}
    figure = "iVBORw0KGgo="

    def notebook(data):
        return {
            "cells": [
                {
                    "cell_type": "code",
                    "outputs": [
                        {"output_type": "execute_result", "data": data},
                        {"output_type": "stream", "text": "\x1b[31mred\x1b[0m\n"},
                    ],
                }
            ]
        }

    explorer = {build_pdf.WIDGET_VIEW: view, "image/png": figure, "text/plain": "E()"}
    outputs = build_pdf.for_paper(notebook(explorer), "x.ipynb")["cells"][0]["outputs"]
    assert outputs[0]["data"]["image/png"] == figure
    assert build_pdf.WIDGET_VIEW not in outputs[0]["data"]
    assert outputs[1]["text"] == "red\n"
    del explorer["image/png"]  # a widget without a figure: the build says so and stops
    with pytest.raises(SystemExit, match="x.ipynb: a widget output has no image/png"):
        build_pdf.for_paper(notebook(explorer), "x.ipynb")


@pytest.fixture(scope="module")
def text():
    result = subprocess.run(
        [sys.executable, ROOT / "book" / "_tools" / "build_pdf.py"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", PDF, "-"], capture_output=True, text=True
    )
    return out.stdout


@pytest.mark.slow
@needs_tex
def test_every_chapter_in_order_numbered_from_zero(text):
    contents = " ".join(text.split())
    for number, name in enumerate(toc_files()):
        assert f"{number} {title(name)}" in contents, (number, name)


@pytest.mark.slow
@needs_tex
def test_no_unresolved_references(text):
    assert "??" not in text
    log = LOG.read_text(errors="replace")
    assert "undefined" not in log.replace("\n", ""), "see " + str(LOG)


@pytest.mark.slow
@needs_tex
def test_a_sample_of_glossary_terms(text):
    terms = glossary_terms()
    assert len(terms) > 50, terms
    contents = " ".join(text.split())
    missing = [term for term in terms[::7] if term not in contents]
    assert missing == []


@pytest.mark.slow
@needs_tex
def test_formulas_are_typeset(text):
    flat = "".join(text.split())
    for formula in ["(TP + TN)/N", "A = f(Z)", "Z = XW + b"]:
        assert math_italic(formula) in flat, formula


@pytest.mark.slow
@needs_tex
def test_page_count_and_figures(text):
    info = subprocess.run(["pdfinfo", PDF], capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))
    assert 20 * len(toc_files()) < pages < 1000, pages
    figures = 0  # every stored figure, explorers' included
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                widget = "application/vnd.jupyter.widget-view+json" in data
                figures += "image/png" in data or widget
    listing = subprocess.run(
        ["pdfimages", "-list", PDF], capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert sum(line.split()[2] == "image" for line in listing) == figures


@pytest.mark.slow
@needs_tex
def test_render_an_explorer_page_for_a_person_to_look_at(text):
    position = text.index("perceptron_explorer()")
    page = text[:position].count("\f") + 1
    SAMPLE.unlink(missing_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(page), "-l"]
        + [str(page), PDF, SAMPLE.with_suffix("")],
        check=True,
    )
    assert SAMPLE.stat().st_size > 10_000
