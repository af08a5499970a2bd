"""Find the submitted notebooks, and read each one without following links.

A submissions folder is student input: an extracted archive may hold
symbolic links (to a classmate's notebook, to the instructor's solutions),
hard links, pipes or devices where a notebook should be. The grader reads
only regular files that sit inside the student's own folder: every part of
the path is opened with ``O_NOFOLLOW``, relative to the folder above it, and
anything else is refused with a reason the gradebook records.

Each notebook read has a content hash (SHA-256), which tells the grader
whether a resubmission changed it, and a modification time, the submission
time when the instructor gives no other.

Folder names are whatever bytes the archive held: they stay ``str`` with
Python's surrogate escapes (as :func:`os.listdir` gives them) and are made
printable only where they are shown (:func:`nnkit.grading.gradebook.printable`).
"""

import hashlib
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from nnkit.grading.course import CourseError
from nnkit.grading.exercises import ASSIGNMENTS
from nnkit.grading.gradebook import printable

MAX_NOTEBOOK_BYTES = 10 * 1024**2


class SubmissionError(Exception):
    """The submission cannot be graded; the message says why, in plain words."""


class Submission(NamedTuple):
    """One notebook to grade: ``parts`` is its path below the submissions folder."""

    student: str
    assignment: str
    parts: tuple


def find_submissions(folder, assignments):
    """Each :class:`Submission` under ``folder``, sorted by student.

    Accepts ``folder/STUDENT/ASSIGNMENT.ipynb`` and nbgrader's layout,
    ``folder/STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb``. Whatever sits at those
    names (a link, a folder, a pipe) is listed: :func:`read_notebook` refuses
    it with a reason, so that the student still gets a record.
    """
    found = []
    for student in sorted(os.listdir(folder)):
        if not os.path.isdir(os.path.join(folder, student)):
            continue  # a loose file, not a student's folder
        for assignment in assignments:
            notebook = f"{assignment}.ipynb"
            for parts in ((student, notebook), (student, assignment, notebook)):
                if os.path.lexists(os.path.join(folder, *parts)):
                    found.append(Submission(student, assignment, parts))
                    break
    return found


def read_notebook(folder, parts):
    """The bytes of the notebook at ``folder/parts...``, refusing anything but a
    regular file reached through real folders."""
    descriptors = [os.open(folder, os.O_RDONLY | os.O_DIRECTORY)]
    try:
        for part in parts[:-1]:
            descriptors.append(_open(part, descriptors[-1], os.O_DIRECTORY))
        descriptors.append(_open(parts[-1], descriptors[-1], os.O_NONBLOCK))
        info = os.fstat(descriptors[-1])
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError("the submission is not a regular file")
        if info.st_nlink != 1:
            raise SubmissionError(
                "the notebook is a hard link to another file; submit a copy"
            )
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise SubmissionError(
                "the notebook is larger than 10 MB; clear its outputs "
                "(Kernel > Restart & Clear Output) and submit it again"
            )
        with os.fdopen(os.dup(descriptors[-1]), "rb") as file:
            return file.read(MAX_NOTEBOOK_BYTES)
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def _open(name, folder_fd, flags):
    """Open ``name`` in the folder ``folder_fd``, never through a symbolic link."""
    try:
        return os.open(name, os.O_RDONLY | os.O_NOFOLLOW | flags, dir_fd=folder_fd)
    except OSError as error:
        if _is_link(name, folder_fd):
            raise SubmissionError(
                "the submission is a symbolic link; links are not followed, "
                "submit the notebook itself"
            ) from error
        raise SubmissionError(
            f"the submission could not be read ({error.strerror})"
        ) from error


def _is_link(name, folder_fd):
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=folder_fd).st_mode)
    except OSError:
        return False


def chosen(submissions, students, assignments, course):
    """The ``submissions`` of the ``students`` and ``assignments`` named (all
    where none is); a name that matches nothing is a CourseError."""
    known = {s.student for s in submissions} | set(course.roster or {})
    for name in students:
        if name not in known:
            raise CourseError(
                f"--student {printable(name)}: expected the name of a "
                f"student's folder{' or a roster id' * bool(course.roster)}, one of "
                f"{', '.join(map(printable, sorted(known))) or 'none'}"
            )
    for name in assignments:
        if name not in ASSIGNMENTS:
            raise CourseError(
                f"--assignment {name}: expected one of {', '.join(ASSIGNMENTS)}"
            )
    return [
        s
        for s in submissions
        if (not students or s.student in students)
        and (not assignments or s.assignment in assignments)
    ]


def read_submission(folder, submission):
    """The notebook's bytes (or the SubmissionError that stopped reading them)
    and their SHA-256 (of the error's reason, for an error)."""
    try:
        data = read_notebook(folder, submission.parts)
    except SubmissionError as error:
        return error, hashlib.sha256(str(error).encode()).hexdigest()
    return data, hashlib.sha256(data).hexdigest()


def modified(folder, submission):
    """When the notebook was last changed, as ISO 8601 text (None if unknown)."""
    try:
        info = os.stat(Path(folder, *submission.parts), follow_symlinks=False)
    except OSError:
        return None
    return datetime.fromtimestamp(info.st_mtime, UTC).isoformat()
