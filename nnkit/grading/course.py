"""The instructor's course files: settings, roster and submission times.

Three optional files, each checked line by line; a mistake stops the grader
with a :class:`CourseError` that names the file, the line, what was expected
and what was found.

``--config course.toml``, settings per assignment::

    [ch01_perceptron]
    deadline = 2026-10-05T23:59:00+02:00   # a date and time with its time zone
    late = "penalty"                        # or "refuse": a late notebook gets 0
    penalty_per_day = 0.1                   # of the assignment's points, per day
    partial_credit = true                   # points in proportion to cases passed

``--roster roster.csv``, the columns ``id,name,email``: ``id`` is the name of
the student's folder in the submissions.

``--timestamps times.csv``, the columns ``student,assignment,submitted``:
when each notebook was submitted (an LMS export), in ISO 8601 with a time
zone. Without it, a notebook's modification time is its submission time.
"""

import csv
import math
import tomllib
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from nnkit.grading.exercises import ASSIGNMENTS

EXAMPLE_TIME = "2026-10-05T23:59:00+02:00"


class CourseError(ValueError):
    """A course file is not as expected; the message says where and how."""


@dataclass(frozen=True)
class Settings:
    """One assignment's settings (see the module's docstring)."""

    deadline: datetime | None = None
    late: str = "penalty"
    penalty_per_day: float = 0.0
    partial_credit: bool = False

    def lateness(self, submitted):
        """``(days, fraction)``: whole days late, counting a part of a day as a
        day, and the fraction of the points lost (1 where late is refused)."""
        if self.deadline is None or submitted is None or submitted <= self.deadline:
            return 0, 0.0
        days = math.ceil((submitted - self.deadline).total_seconds() / 86400)
        if self.late == "refuse":
            return days, 1.0
        return days, min(1.0, days * self.penalty_per_day)


class Student(NamedTuple):
    id: str
    name: str
    email: str


@dataclass
class Course:
    """The settings of each assignment, the roster (``id`` -> Student; None
    without one) and the submission times (``(student, assignment)`` ->
    datetime; None: the notebooks' modification times)."""

    settings: dict = field(default_factory=dict)
    roster: dict | None = None
    timestamps: dict | None = None

    def of(self, assignment):
        return self.settings.get(assignment, Settings())


def read_course(config=None, roster=None, timestamps=None):
    """The :class:`Course` described by the files given (paths, or None)."""
    return Course(
        read_settings(config) if config else {},
        read_roster(roster) if roster else None,
        read_timestamps(timestamps) if timestamps else None,
    )


def read_settings(path):
    """The settings of each assignment in the TOML file at ``path``."""
    try:
        tables = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CourseError(f"{path}: cannot be read as TOML: {error}") from None
    names = [f.name for f in fields(Settings)]
    settings = {}
    for assignment, table in tables.items():
        where = f"{path}: [{assignment}]"
        if assignment not in ASSIGNMENTS:
            raise CourseError(
                f"{where}: expected an assignment, one of {', '.join(ASSIGNMENTS)}"
            )
        if not isinstance(table, dict):
            raise CourseError(f"{where}: expected a table of settings, found {table!r}")
        unknown = sorted(set(table) - set(names))
        if unknown:
            raise CourseError(
                f"{where}: unknown setting {unknown[0]!r}; expected {', '.join(names)}"
            )
        settings[assignment] = Settings(
            **{key: setting(key, value, where) for key, value in table.items()}
        )
    return settings


def setting(key, value, where):
    """``value`` checked for the setting ``key``."""
    if key == "deadline":
        return parse_time(value, f"{where} deadline")
    if key == "late" and value not in ("penalty", "refuse"):
        raise CourseError(
            f'{where} late: expected "penalty" or "refuse", found {value!r}'
        )
    if key == "penalty_per_day" and not (
        isinstance(value, (int, float)) and 0 <= value <= 1
    ):
        raise CourseError(
            f"{where} penalty_per_day: expected a fraction of the "
            f"points between 0 and 1 (0.1 is 10% a day), found {value!r}"
        )
    if key == "partial_credit" and not isinstance(value, bool):
        raise CourseError(
            f"{where} partial_credit: expected true or false, found {value!r}"
        )
    return value


def parse_time(value, where):
    """A date and time with its time zone, from TOML or from ISO 8601 text."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise CourseError(
            f"{where}: expected a date and time with its time zone, "
            f"such as {EXAMPLE_TIME}; found {value!r}"
        )
    return value


def read_rows(path, columns):
    """``(line, row)`` for each row of the CSV file at ``path``, whose header
    must name ``columns`` (it may hold others)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            found = reader.fieldnames or []
            missing = [c for c in columns if c not in found]
            if missing:
                raise CourseError(
                    f"{path}: expected the columns {', '.join(columns)} in the "
                    f"first line; found {', '.join(found) or 'nothing'}"
                )
            return [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CourseError(f"{path}: cannot be read as CSV: {error}") from None


def read_roster(path):
    """The students of the roster at ``path``, by id (their folder's name)."""
    roster = {}
    for line, row in read_rows(path, ("id", "name", "email")):
        student = Student(*(str(row[c] or "").strip() for c in ("id", "name", "email")))
        where = f"{path}, line {line}"
        if not student.id:
            raise CourseError(
                f"{where}: expected a student id (the name of the "
                f"student's folder), found an empty cell"
            )
        if student.id in roster:
            raise CourseError(
                f"{where}: the id {student.id!r} is already on line "
                f"{roster[student.id][1]}; expected each id once"
            )
        if student.email and "@" not in student.email:
            raise CourseError(
                f"{where}: expected an email address, found {student.email!r}"
            )
        roster[student.id] = (student, line)
    return {id: student for id, (student, _) in roster.items()}


def read_timestamps(path):
    """When each notebook was submitted: ``(student, assignment)`` -> datetime."""
    times = {}
    for line, row in read_rows(path, ("student", "assignment", "submitted")):
        where = f"{path}, line {line}"
        if row["assignment"] not in ASSIGNMENTS:
            raise CourseError(
                f"{where}: expected an assignment, one of "
                f"{', '.join(ASSIGNMENTS)}; found {row['assignment']!r}"
            )
        time = parse_time(row["submitted"], f"{where}, submitted")
        times[(row["student"], row["assignment"])] = time
    return times
