"""Chapter 6, section "Learning-rate schedules": it sits where it should, its
prose quotes the numbers its stored output prints, and the numbers the solution
of its predict-before-you-run exercise quotes are what that solution prints."""

import ast
import contextlib
import io
import json
import re
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "06_training.ipynb"


@pytest.fixture(scope="module")
def cells():
    return json.loads(NOTEBOOK.read_text())["cells"]


def by_id(cells, cell_id):
    return next(cell for cell in cells if cell.get("id") == cell_id)


def source(cell):
    return "".join(cell["source"])


def stdout(cell):
    return "".join(
        "".join(output["text"])
        for output in cell["outputs"]
        if output.get("output_type") == "stream" and output["name"] == "stdout"
    )


def headings(cells):
    return [
        line
        for cell in cells
        if cell["cell_type"] == "markdown"
        for line in source(cell).splitlines()
        if line.startswith("## ")
    ]


def test_the_section_comes_between_hyperparameters_and_the_loss_landscape(cells):
    titles = headings(cells)
    position = titles.index("## Learning-rate schedules")
    assert titles[position - 1] == "## Hyperparameters"
    assert titles[position + 1] == "## The loss landscape"
    section = source(by_id(cells, "sched-intro"))
    for name in ("StepLR", "CosineAnnealingLR", "LinearLR", "ReduceLROnPlateau"):
        assert f"`{name}`" in section
    assert "SequentialLR" in source(by_id(cells, "sched-run"))


def test_the_figures_are_drawn_by_hidden_cells(cells):
    for cell_id in ("sched-lr-figure", "sched-loss-figure"):
        cell = by_id(cells, cell_id)
        assert cell["metadata"].get("tags") == ["hide-input"]
        assert any("image/png" in o.get("data", {}) for o in cell["outputs"])


# Numbers the discussion computes rather than reads off the table: one image of
# the 270 in the validation set is worth 1/270 = 0.0037.
COMPUTED = {"0.0037"}


def test_the_discussion_quotes_only_numbers_the_experiment_printed(cells):
    printed = stdout(by_id(cells, "sched-run"))
    prose = source(by_id(cells, "sched-discussion"))
    quoted = set(re.findall(r"\d+\.\d+|\d+e-\d+", prose)) - COMPUTED
    assert len(quoted) > 20
    missing = sorted(number for number in quoted if number not in printed)
    assert not missing, f"quoted but not printed: {missing}"
    drops = re.search(r"first drop at epoch \[([\d, ]+)\]", printed).group(1)
    *most, last = drops.split(", ")
    assert f"epochs {', '.join(most)} and {last}" in " ".join(prose.split())


def chapter_namespace(cells):
    """The chapter's state the schedule section starts from, without its slow
    experiments: the setup and data cells, base_model and loss_fn, and the
    definitions (not the runs) of the schedule cell."""
    namespace = {}
    setup = source(by_id(cells, "a060cfc7")).replace("%matplotlib inline\n", "")
    exec(setup, namespace)
    exec(source(by_id(cells, "76a54554")), namespace)
    model_cell = ast.parse(source(by_id(cells, "5c89db3a")))
    first_two = ast.Module(body=model_cell.body[:2], type_ignores=[])  # base_model
    exec(compile(first_two, "5c89db3a", "exec"), namespace)
    schedule_cell = ast.parse(source(by_id(cells, "sched-run")))
    definitions = [
        node
        for node in schedule_cell.body
        if isinstance(node, ast.FunctionDef)
        or (isinstance(node, ast.Assign) and node.targets[0].id == "schedules")
    ]
    exec(compile(ast.Module(body=definitions, type_ignores=[]), "sched", "exec"),
         namespace)  # fmt: skip
    return namespace


def test_the_predict_exercise_solution_prints_the_numbers_it_quotes(cells):
    exercises = source(by_id(cells, "4be6a0eb"))
    solution = exercises.split("````{solution} ch6-ex8")[1].split("````")[0]
    code = solution.split("```python\n")[1].split("```")[0]
    namespace = chapter_namespace(cells)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(code, namespace)
    rows = {}
    for line in printed.getvalue().splitlines():
        name, numbers = line[:22].strip(), re.findall(r"\d+\.\d+", line[22:])
        rows[name] = [float(number) for number in numbers]
    # (training loss, mean validation loss, lowest, highest) as the text rounds them
    quoted = {
        "drops every 2 epochs": (0.023, 0.109, None, None),
        "one drop at epoch 26": (0.0004, 0.101, None, None),
        "1-epoch warm-up": (None, 0.080, 0.071, 0.094),
    }
    for name, values in quoted.items():
        for value, got in zip(values, rows[name], strict=True):
            if value is not None:
                digits = len(str(value).split(".")[1])
                assert round(got, digits) == value, (name, got, value)
    assert "about 0.023" in solution and "about 0.080" in solution
