"""nbgrader's autograde and nnkit.grading give the same points per notebook.

A small batch of assignment 3 (activations), graded both ways: a correct
notebook, a sigmoid that overflows (a RuntimeWarning), a ReLU that changes its
input in place, a function that prints to stderr, and a cell with a
SyntaxError. Real nbgrader runs a Jupyter kernel per notebook (seconds each),
so the batch is kept to these five.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from nnkit.grading.grade import grade_folder
from nnkit.grading.gradebook import load
from nnkit.grading.sandbox import Limits

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "book" / "assignments" / "source"
NAME = "ch03_activations"
BATCH = {
    "correct": {},
    "overflow": {
        "replace": {"sigmoid": "def sigmoid(Z):\n    return 1 / (1 + np.exp(-Z))"}
    },
    "in_place": {"replace": {"relu": "def relu(Z):\n    Z[Z < 0] = 0\n    return Z"}},
    "stderr": {
        "replace": {
            "relu": "import sys\ndef relu(Z):\n    print('relu', file=sys.stderr)\n"
            "    return np.maximum(Z, 0)"
        }
    },
    "syntax": {"replace": {"softmax": "def softmax(Z)\n    return Z"}},
}


def nbgrader_scores(course, submissions):
    """Each student's score from real ``nbgrader autograde``."""
    from nbgrader.api import Gradebook

    course.mkdir()
    db = f"sqlite:///{course / 'gradebook.db'}"
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n"
    )
    shutil.copytree(SOURCE / NAME, course / "source" / NAME)
    shutil.copytree(submissions, course / "submitted")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    for step in ("generate_assignment", "autograde"):
        command = [sys.executable, "-m", "nbgrader", step, NAME, "--force", "--db", db]
        result = subprocess.run(
            command, cwd=course, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with Gradebook(db) as grades:
        return {s: grades.find_submission(NAME, s).score for s in BATCH}


def test_nbgrader_and_nnkit_grading_agree(tmp_path, submission):
    submissions = tmp_path / "submissions"
    for student, options in BATCH.items():
        submission(submissions, student, NAME, nested=True, **options)
    limits = Limits(time_s=10, memory_bytes=1024**3, submission_s=20)
    grade_folder(submissions, tmp_path / "out", seed=11, limits=limits, log=print)
    ours = {s: r["total"] for (s, _), r in load(tmp_path / "out").items()}
    theirs = nbgrader_scores(tmp_path / "course", submissions)
    assert ours == theirs
    assert ours == {
        "correct": 6,
        "overflow": 4,
        "in_place": 5,
        "stderr": 6,
        "syntax": 4,
    }
