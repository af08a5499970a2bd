"""The course's files, without a sandbox: settings, roster, submission times,
manual points, the gradebook's rows and totals, and the LMS exports."""

import csv
import inspect
import re
from datetime import datetime

import nbformat
import pytest

from nnkit.grading import gradebook, manual, totals
from nnkit.grading.course import (
    Course,
    CourseError,
    Settings,
    read_course,
    read_roster,
    read_settings,
    read_timestamps,
)
from nnkit.grading.exercises import ASSIGNMENTS
from nnkit.grading.exports import CANVAS, MOODLE, NBGRADER

ONE, TWO = "ch01_perceptron", "ch02_mlp"
DEADLINE = "2026-10-05T23:59:00+00:00"


def record(student, assignment, earned, modified="2026-10-05T12:00:00+00:00"):
    """A graded record with ``earned`` points on each exercise (at most its own)."""
    graded = gradebook.new_record(student, assignment)
    for exercise, points in ASSIGNMENTS[assignment]:
        gradebook.score(graded, exercise.name, min(earned, points), points, None)
    graded["modified"] = modified
    return graded


def read(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def by_student(path):
    rows = read(path)
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def write(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[ch99]\npartial_credit = true", r"\[ch99\]: expected an assignment, one of"),
        ("[ch01_perceptron]\nlate_by = 1", "unknown setting 'late_by'; expected"),
        (
            '[ch01_perceptron]\ndeadline = "5 October"',
            "deadline: expected a date and time with its time zone, such as "
            "2026-10-05T23:59:00\\+02:00; found '5 October'",
        ),
        (
            "[ch01_perceptron]\ndeadline = 2026-10-05T23:59:00",
            "deadline: expected a date and time with its time zone",
        ),
        ('[ch01_perceptron]\nlate = "never"', 'expected "penalty" or "refuse"'),
        ("[ch01_perceptron]\npenalty_per_day = 10", "between 0 and 1"),
        ("[ch01_perceptron]\npartial_credit = 1", "expected true or false, found 1"),
        ("[ch01_perceptron", "cannot be read as TOML"),
    ],
)
def test_a_bad_config_names_what_was_expected_and_found(tmp_path, text, message):
    with pytest.raises(CourseError, match=message):
        read_settings(write(tmp_path / "course.toml", text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name,email\nAda,ada@x.org\n",
            "expected the columns id, name, email .*found name, email",
        ),
        ("id,name,email\n,Ada,ada@x.org\n", "line 2: expected a student id"),
        (
            "id,name,email\nada,Ada,a@x\nada,Ada,a@x\n",
            "line 3: the id 'ada' is already on line 2",
        ),
        (
            "id,name,email\nada,Ada,ada.x.org\n",
            "line 2: expected an email address, found 'ada.x.org'",
        ),
    ],
)
def test_a_bad_roster_row_is_named(tmp_path, text, message):
    with pytest.raises(CourseError, match=message):
        read_roster(write(tmp_path / "roster.csv", text))


def test_bad_timestamps_are_named(tmp_path):
    path = write(
        tmp_path / "t.csv",
        "student,assignment,submitted\nada,ch01_perceptron,yesterday\n",
    )
    with pytest.raises(
        CourseError, match="line 2, submitted: expected a date and time"
    ):
        read_timestamps(path)
    write(path, "student,assignment,submitted\nada,ch9,2026-10-05T10:00:00Z\n")
    with pytest.raises(CourseError, match="line 2: expected an assignment"):
        read_timestamps(path)


def test_lateness_counts_started_days():
    settings = Settings(deadline=datetime.fromisoformat(DEADLINE), penalty_per_day=0.2)
    on_time = datetime.fromisoformat("2026-10-05T23:00:00+00:00")
    hour_late = datetime.fromisoformat("2026-10-06T00:59:00+00:00")
    week_late = datetime.fromisoformat("2026-10-12T23:00:00+00:00")
    assert settings.lateness(on_time) == (0, 0.0)
    assert settings.lateness(hour_late) == (1, 0.2)
    assert settings.lateness(week_late) == (7, 1.0)
    refuse = Settings(deadline=settings.deadline, late="refuse")
    assert refuse.lateness(hour_late) == (1, 1.0)


@pytest.fixture
def course_files(tmp_path):
    roster = write(
        tmp_path / "roster.csv",
        "id,name,email\nada,Ada Lovelace,ada@example.org\n"
        "alan,Alan Turing,alan@example.org\ngrace,Grace Hopper,grace@example.org\n",
    )
    config = write(
        tmp_path / "course.toml",
        f"[{ONE}]\ndeadline = {DEADLINE}\npenalty_per_day = 0.1\n"
        f'[{TWO}]\ndeadline = {DEADLINE}\nlate = "refuse"\n',
    )
    times = write(
        tmp_path / "times.csv",
        f"student,assignment,submitted\nalan,{ONE},2026-10-07T10:00:00+00:00\n",
    )
    return read_course(config, roster, times)


def test_the_gradebook_has_every_student_totals_and_lateness(tmp_path, course_files):
    records = {
        ("ada", ONE): record("ada", ONE, 2),  # 5 of 5, on time
        ("alan", ONE): record("alan", ONE, 2),  # 5 of 5, 2 days late (timestamps)
        ("ada", TWO): record("ada", TWO, 2, modified="2026-10-06T09:00:00+00:00"),
    }
    lines = []
    totals.write_all(tmp_path, records, course_files, {}, {}, log=lines.append)
    rows = read(tmp_path / "gradebook.csv")
    table = {(row[0], row[1]): dict(zip(rows[0], row, strict=False)) for row in rows}
    assert (
        table[("ada", ONE)]["total"] == "5"
        and table[("ada", ONE)]["status"] == "graded"
    )
    late = table[("alan", ONE)]
    assert (late["days_late"], late["penalty"], late["total"]) == ("2", "1", "4")
    assert late["status"] == "late" and late["name"] == "Alan Turing"
    text = (tmp_path / "feedback" / "alan" / f"{ONE}.txt").read_text()
    assert text.startswith(f"{ONE}: 4 of 5 points")
    assert "submitted 2 day(s) after the deadline: 1 points off" in text
    text = (tmp_path / "feedback" / "ada" / f"{TWO}.txt").read_text()
    assert "after the deadline: refused: 0 points" in text
    refused = table[("ada", TWO)]
    assert refused["status"] == "refused" and refused["total"] == "0"
    for assignment in (ONE, TWO):  # on the roster, nothing submitted
        missing = table[("grace", assignment)]
        assert missing["status"] == "missing" and missing["total"] == "0"
    assert table[("alan", TWO)]["status"] == "missing"
    course = by_student(tmp_path / "totals.csv")
    assert course["ada"]["total"] == "5" and course["ada"]["max_total"] == "9"
    assert course["alan"]["total"] == "4" and course["grace"]["total"] == "0"
    assert course["grace"]["email"] == "grace@example.org"
    assert any("6 grade(s) changed" in line for line in lines)


def test_the_exports_follow_the_published_layouts(tmp_path, course_files):
    records = {
        ("ada", ONE): record("ada", ONE, 2),
        ("alan", ONE): record("alan", ONE, 2),
    }
    totals.write_all(tmp_path, records, course_files, {}, {}, log=print)
    canvas = read(tmp_path / "canvas.csv")
    assert (
        tuple(canvas[0][:5])
        == CANVAS
        == ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
    )
    assert canvas[0][5:] == [ONE, TWO]
    assert canvas[1][0] == "Points Possible" and canvas[1][5:] == ["5", "4"]
    assert canvas[2][:5] == ["Ada Lovelace", "", "ada", "ada", ""]
    assert canvas[2][5:] == ["5", "0"]
    moodle = read(tmp_path / "moodle.csv")
    assert tuple(moodle[0]) == (*MOODLE, ONE, TWO)
    assert moodle[1] == ["Ada", "Lovelace", "ada", "ada@example.org", "5", "0"]
    scores = by_nbgrader = read(tmp_path / "nbgrader-scores.csv")
    assert tuple(scores[0]) == NBGRADER == nbgrader_export_columns()
    alan = next(r for r in by_nbgrader[1:] if r[3] == "alan" and r[0] == ONE)
    assert alan[1] == DEADLINE and alan[2] == "2026-10-07T10:00:00+00:00"
    assert alan[4:7] == ["Turing", "Alan", "alan@example.org"]
    assert alan[7:] == ["5", "1", "4", "5"]
    grace = [r for r in by_nbgrader[1:] if r[3] == "grace"]
    assert [r[9] for r in grace] == ["0", "0"]  # nbgrader exports them as 0 too


def nbgrader_export_columns():
    """The columns ``nbgrader export`` writes, read from nbgrader's source."""
    from nbgrader.plugins.export import CsvExportPlugin

    source = inspect.getsource(CsvExportPlugin.export)
    keys = re.search(r"keys = \[(.*?)\]", source, re.S).group(1)
    return tuple(re.findall(r'"(\w+)"', keys))


def manual_source(folder):
    """An instructor notebook of ch01 with a written answer graded by hand."""
    notebook = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_markdown_cell("YOUR ANSWER HERE")
    answer.metadata["nbgrader"] = {
        "grade": True,
        "solution": True,
        "grade_id": "why_bias",
        "points": 2,
        "locked": False,
        "schema_version": 3,
        "task": False,
    }
    task = nbformat.v4.new_markdown_cell("Describe the plot.")
    task.metadata["nbgrader"] = {
        "grade": False,
        "solution": False,
        "task": True,
        "grade_id": "plot_task",
        "points": 1,
        "locked": True,
        "schema_version": 3,
    }
    auto = nbformat.v4.new_code_cell(
        "nnkit.check.perceptron_predict(perceptron_predict)"
    )
    auto.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "grade_id": "check",
        "points": 1,
        "locked": True,
        "schema_version": 3,
        "task": False,
    }
    notebook.cells = [answer, task, auto]
    (folder / ONE).mkdir(parents=True)
    nbformat.write(notebook, folder / ONE / f"{ONE}.ipynb")


def test_manual_points_entered_in_the_sheet_reach_the_gradebook(tmp_path):
    manual_source(tmp_path / "source")
    cells = {ONE: manual.cells([tmp_path / "source"], ONE)}
    assert cells[ONE] == [("why_bias", 2.0), ("plot_task", 1.0)]
    out, course = tmp_path / "out", Course()
    out.mkdir()
    records = {("ada", ONE): record("ada", ONE, 2), ("bob", ONE): record("bob", ONE, 0)}
    totals.write_all(out, records, course, manual.read_points(out), cells, log=print)
    sheet = read(out / "manual.csv")
    assert tuple(sheet[0]) == manual.COLUMNS
    assert [row[:5] for row in sheet[1:]] == [
        ["ada", ONE, "why_bias", "2", ""],
        ["ada", ONE, "plot_task", "1", ""],
        ["bob", ONE, "why_bias", "2", ""],
        ["bob", ONE, "plot_task", "1", ""],
    ]
    assert (
        by_student(out / "gradebook.csv")["ada"]["status"] == "graded, manual pending"
    )
    sheet[1][4], sheet[1][5] = "1.5", "good idea, no example"
    with open(out / "manual.csv", "w", newline="") as file:
        csv.writer(file).writerows(sheet)
    totals.write_all(out, records, course, manual.read_points(out), cells, log=print)
    ada = by_student(out / "gradebook.csv")["ada"]
    assert (ada["manual"], ada["total"], ada["max_total"]) == ("1.5", "6.5", "8")
    text = (out / "feedback" / "ada" / f"{ONE}.txt").read_text()
    assert "written answers, graded by hand: 1.5/3 (some are not graded yet)" in text
    assert read(out / "manual.csv")[1][4:] == ["1.5", "good idea, no example"]
    sheet[3][4] = "3"  # more than the cell's 2 points
    with open(out / "manual.csv", "w", newline="") as file:
        csv.writer(file).writerows(sheet)
    with pytest.raises(
        CourseError, match="manual.csv, line 4: expected points from 0 to 2, found 3"
    ):
        manual.read_points(out)
    sheet[3][4] = "two"
    with open(out / "manual.csv", "w", newline="") as file:
        csv.writer(file).writerows(sheet)
    with pytest.raises(CourseError, match="expected points as a number .* found 'two'"):
        manual.read_points(out)


def test_the_assignment_sources_have_no_manual_cells_yet():
    from nnkit.grading.grade import solution_folders

    assert all(manual.cells(solution_folders(), name) == [] for name in ASSIGNMENTS)
