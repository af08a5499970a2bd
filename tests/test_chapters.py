"""Coverage of the book: every chapter is in the table of contents and has the
parts a reader relies on (a title, learning objectives, a summary, exercises
with solutions), and the chapters follow the syllabus order."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = [
    "00_what_is_deep_learning",
    "01_perceptron",
    "02_mlp",
    "03_activations",
    "04_losses",
    "05_backprop",
    "06_training",
    "07_regularization",
    "08_metrics",
    "09_pytorch",
]


def markdown(name):
    notebook = json.loads((ROOT / "book" / f"{name}.ipynb").read_text())
    return [
        "".join(cell["source"])
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
    ]


def toc_files():
    text = (ROOT / "_toc.yml").read_text()
    return re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)", text, flags=re.M)


def test_chapters_are_in_the_toc_in_course_order():
    listed = [f.removeprefix("book/") for f in toc_files() if f[5:7].isdigit()]
    assert listed == CHAPTERS


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_has_title_objectives_summary_and_exercises(name):
    cells = markdown(name)
    text = "\n".join(cells)
    titles = re.findall(r"^# \S.*$", text, flags=re.M)
    assert len(titles) == 1 and cells[0].startswith("# "), titles
    assert re.search(r"learning objectives", text, flags=re.I), "no learning objectives"
    assert re.search(r"^## Summary\s*$", text, flags=re.M), "no '## Summary'"
    assert re.search(r"^## Exercises\s*$", text, flags=re.M), "no '## Exercises'"
    exercises = re.findall(r"```\{exercise\}\s*\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution\} (\S+)", text)
    assert 3 <= len(exercises) <= 10, exercises
    assert sorted(solutions) == sorted(exercises), "every exercise needs one solution"
    # Issue 13: every chapter asks for a prediction before a run, and poses one
    # open design problem.
    assert "**Predict before you run" in text, "no 'predict before you run' exercise"
    assert "**Open design problem" in text, "no open design problem"


@pytest.mark.parametrize("name", CHAPTERS)
def test_solutions_are_one_click_away(name):
    text = "\n".join(markdown(name))
    blocks = re.findall(r"```\{solution\}[^\n]*\n((?::[^\n]*\n)*)", text)
    assert blocks and all(":class: dropdown" in options for options in blocks)


def test_appendices_are_in_the_toc():
    assert {"book/appendix_a_glossary", "book/appendix_b_reference"} <= set(toc_files())
