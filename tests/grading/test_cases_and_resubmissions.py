"""Grading case by case, in the sandbox: warnings, changed inputs, syntax
errors and imports fail as in nnkit.check; partial credit; resubmissions."""

import csv
import json
import os
import subprocess
import sys

import matplotlib
import numpy
import pytest

from nnkit.grading import gradebook
from nnkit.grading.course import Course, CourseError, Settings
from nnkit.grading.grade import grade_folder, make_sandbox, nnkit_checkout
from nnkit.grading.reasons import share
from nnkit.grading.sandbox import Limits

NAME = "ch03_activations"
LIMITS = Limits(time_s=10, memory_bytes=1024**3, submission_s=20)
NAIVE_SIGMOID = """
def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))
"""
# Subtracts the largest logit of all rows, not each row's: rows far below it
# underflow to 0 / 0.
GLOBAL_MAX = """
def softmax(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)
"""
IN_PLACE = """
def relu(Z):
    Z[Z < 0] = 0
    return Z
"""
STDERR = """
import sys
def relu(Z):
    print("debugging relu", file=sys.stderr)
    return np.maximum(Z, 0)
"""
SYNTAX = """
def relu(Z)
    return np.maximum(Z, 0)
"""
BATCH = {
    "correct": {},
    "naive_sigmoid": {"replace": {"sigmoid": NAIVE_SIGMOID}},
    "global_max": {"replace": {"softmax": GLOBAL_MAX}},
    "in_place": {"replace": {"relu": IN_PLACE}},
    "stderr": {"replace": {"relu": STDERR}},
    "syntax": {"replace": {"relu": SYNTAX}},
    "plots": {"prefix": {"relu": "import matplotlib.pyplot as plt\nimport tqdm"}},
    "pandas": {"prefix": {"relu": "import pandas"}},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, submission):
    """The batch graded twice: all or nothing, and with partial credit."""
    tmp = tmp_path_factory.mktemp("cases")
    for student, options in BATCH.items():
        submission(tmp / "submissions", student, NAME, **options)
    runs = {}
    for partial in (False, True):
        out = tmp / f"out-{partial}"
        course = Course({NAME: Settings(partial_credit=partial)})
        grade_folder(
            tmp / "submissions", out, seed=7, limits=LIMITS, course=course, log=print
        )
        runs[partial] = {
            r["student"]: r for r in json.loads((out / "grades.json").read_text())
        }
    return runs


def test_a_runtime_warning_fails_the_case_with_the_reason(graded):
    record = graded[False]["naive_sigmoid"]
    assert record["points"]["sigmoid"] == 0
    assert "RuntimeWarning" in record["reasons"]["sigmoid"]
    assert "as in nnkit.check" in record["reasons"]["sigmoid"]
    assert graded[False]["correct"]["total"] == 6


def test_changing_an_input_in_place_fails(graded):
    record = graded[False]["in_place"]
    assert record["points"]["relu"] == 0
    assert "changed an input array in place" in record["reasons"]["relu"]


def test_a_syntax_error_is_reported_at_the_students_line(graded):
    record = graded[False]["syntax"]
    assert record["points"]["relu"] == 0
    reason = record["reasons"]["relu"]
    assert "SyntaxError at line 2" in reason and "not defined in the" not in reason
    assert any("SyntaxError at line 2" in note for note in record["notes"])


def test_writing_to_stderr_costs_nothing(graded):
    assert graded[False]["stderr"]["total"] == 6


def test_the_course_packages_import_and_others_fail_naming_them(graded):
    assert graded[False]["plots"]["total"] == 6
    record = graded[False]["pandas"]
    assert record["points"]["relu"] == 0
    (note,) = record["notes"]
    assert "raised ModuleNotFoundError" in note
    assert "numpy" in note and "matplotlib" in note and "tqdm" in note


def test_partial_credit_is_proportional_to_the_cases_passed(graded):
    whole, partial = graded[False]["global_max"], graded[True]["global_max"]
    assert whole["points"]["softmax"] == 0
    assert 0 < partial["points"]["softmax"] < 2
    reason = partial["reasons"]["softmax"]
    assert "hidden cases passed)" in reason
    passed, _, count = reason.rpartition("(")[2].split()[:3]
    assert partial["points"]["softmax"] == round(2 * int(passed) / int(count), 2)
    assert graded[True]["correct"]["total"] == 6
    text = gradebook.feedback(partial)
    assert f"softmax: {partial['points']['softmax']:g}/2 - " in text
    assert "hidden cases passed)" in text


def test_partial_credit_follows_the_points_of_each_case():
    problems = [None, "wrong", None, None]
    assert share(2, problems, [1, 1, 1, 1], partial=True)[0] == 1.5
    assert share(2, problems, [1, 3, 0, 0], partial=True)[0] == 0.5
    assert share(2, problems, [1, 1, 1, 1], partial=False) == (0, "wrong")
    assert share(2, [None] * 4, [1] * 4, partial=False) == (2, None)


def test_a_changed_notebook_is_graded_again_and_the_change_logged(tmp_path, submission):
    grade = grade_folder
    folder, out = tmp_path / "submissions", tmp_path / "out"
    name = "ch01_perceptron"
    broken = "def perceptron_update(w, b, x, y, lr):\n    return w, b"
    for student in ("alice", "bob"):
        submission(folder, student, name, replace={"perceptron_update": broken})
    options = dict(seed=3, limits=LIMITS, log=print)
    assert len(grade(folder, out, **options)) == 2
    assert grade(folder, out, **options) == []  # nothing changed
    submission(folder, "bob", name)  # bob fixes his function
    assert [r["student"] for r in grade(folder, out, **options)] == ["bob"]
    log = (out / "changes.log").read_text().splitlines()
    assert log[-1].endswith("bob ch01_perceptron: 1 -> 5 (graded)")
    assert sum("none -> 1" in line for line in log) == 2
    again = grade(folder, out, students=["alice"], **options)
    assert [r["student"] for r in again] == ["alice"]
    again = grade(folder, out, assignments=[name], **options)
    assert len(again) == 2
    with pytest.raises(CourseError, match="--student carol: expected .* alice, bob"):
        grade(folder, out, students=["carol"], **options)
    with pytest.raises(CourseError, match="--assignment ch99: expected one of ch01"):
        grade(folder, out, assignments=["ch99"], **options)


def test_the_instructors_walk_through(tmp_path, submission):
    """The README's steps with every course file, through the command line."""
    name = "ch01_perceptron"
    submission(tmp_path / "submissions", "ada", name)
    late = submission(tmp_path / "submissions", "alan", name)
    os.utime(late, (1_800_000_000, 1_800_000_000))  # 2027-01-15: late
    (tmp_path / "roster.csv").write_text(
        "id,name,email\nada,Ada Lovelace,ada@example.org\n"
        "alan,Alan Turing,alan@example.org\ngrace,Grace Hopper,grace@example.org\n"
    )
    (tmp_path / "course.toml").write_text(
        f"[{name}]\ndeadline = 2027-01-10T23:59:00Z\npenalty_per_day = 0.05\n"
        "partial_credit = true\n"
    )
    seed = tmp_path / "secret-seed"
    seed.write_text("42\n")
    seed.chmod(0o600)
    command = [sys.executable, "-m", "nnkit.grading", "grade", "submissions"]
    command += ["--out", "grades", "--seed-file", "secret-seed", "--jobs", "1"]
    command += ["--roster", "roster.csv", "--config", "course.toml"]

    def run(*extra):
        return subprocess.run(
            [*command, *extra], cwd=tmp_path, capture_output=True, text=True
        )

    result = run()
    assert result.returncode == 0, result.stderr
    rows = {
        (row["student"], row["assignment"]): row
        for row in csv.DictReader((tmp_path / "grades" / "gradebook.csv").open())
    }
    assert rows[("ada", name)]["total"] == "5"
    assert rows[("alan", name)]["days_late"] == "5"
    assert rows[("alan", name)]["total"] == "3.75"  # 5 days at 5% of 5 points
    assert rows[("grace", name)]["status"] == "missing"
    for export in ("totals", "canvas", "moodle", "nbgrader-scores", "manual"):
        assert (tmp_path / "grades" / f"{export}.csv").is_file()
    assert "3 grade(s) changed" in result.stdout
    result = run("--student", "carol")
    assert result.returncode == 1
    assert "--student carol: expected the name of a student's folder or a " in (
        result.stderr
    )
    (tmp_path / "roster.csv").write_text("id,name\nada,Ada\n")
    result = run()
    assert result.returncode == 1
    assert "roster.csv: expected the columns id, name, email" in result.stderr


def test_the_sandbox_offers_the_course_packages_and_hides_the_checkout():
    sandbox = make_sandbox([])
    assert {"numpy", "matplotlib", "tqdm", "ipywidgets", "nnkit"} <= set(
        sandbox.allowed
    )
    assert "pandas" not in sandbox.allowed and "sklearn" not in sandbox.allowed
    assert {"matplotlib", "numpy", "nnkit", "tqdm"} <= set(sandbox.offered)
    for module in (numpy, matplotlib):
        folder = os.path.dirname(os.path.dirname(os.path.realpath(module.__file__)))
        assert folder in sandbox.path
    checkout = str(nnkit_checkout())
    assert checkout in sandbox.hidden and checkout not in sandbox.keep
    # Matplotlib's font list, so that no child spends seconds building it.
    ((name, text),) = sandbox.files
    assert name.startswith("matplotlib/fontlist-v") and '"ttflist"' in text
