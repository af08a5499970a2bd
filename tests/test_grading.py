"""The assignments and their grader: release, grading, the sandbox, nbgrader.

Most tests share one batch (``adversarial``): a correct submission of
assignment 1 graded together with submissions that try to cheat or break the
grader, each of which must be graded without affecting the others.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

import nnkit.check
from nnkit.grading import gradebook
from nnkit.grading.cells import reference_uses
from nnkit.grading.exercises import ASSIGNMENTS, max_points
from nnkit.grading.grade import grade_folder
from nnkit.grading.release import out_of_date, release
from nnkit.grading.sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "book" / "assignments" / "source"
STATIC = ROOT / "book" / "_static" / "assignments"
NAME = "ch01_perceptron"
LIMITS = Limits(time_s=5, memory_bytes=1024**3)
SEED = 1234567


def cells_by_id(path):
    notebook = nbformat.read(path, as_version=4)
    return notebook, {
        c.metadata.get("nbgrader", {}).get("grade_id"): c for c in notebook.cells
    }


def submit(folder, student, replace=(), drop_checks=False, solved=True):
    """Write STUDENT/ch01_perceptron.ipynb: the student version, with the
    instructor's solutions (``solved``), some cells replaced by new code."""
    notebook, cells = cells_by_id(STATIC / f"{NAME}.ipynb")
    _, solutions = cells_by_id(SOURCE / NAME / f"{NAME}.ipynb")
    for grade_id, cell in cells.items():
        if solved and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solutions[grade_id].source
    for grade_id, code in dict(replace).items():
        cells[grade_id].source = code
    if drop_checks:
        notebook.cells = [
            c for c in notebook.cells if not c.metadata.get("nbgrader", {}).get("grade")
        ]
    path = folder / student / f"{NAME}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def hardcoded_update():
    """perceptron_update that knows only the answers of the visible checks."""
    known = {}
    for seed in (0, 1002):
        for case in nnkit.check.perceptron_update.cases(np.random.default_rng(seed)):
            w, b = nnkit.check.perceptron_update.expected(case.args)
            a = case.args
            key = repr((a["w"].tolist(), a["b"], a["x"].tolist(), a["y"], a["lr"]))
            known[key] = (w.tolist(), float(b))
    return f"""
import numpy as np
KNOWN = {known!r}
def perceptron_update(w, b, x, y, lr):
    key = repr((w.tolist(), b, x.tolist(), y, lr))
    if key in KNOWN:
        return np.array(KNOWN[key][0]), KNOWN[key][1]
    return w, b
"""


def reader(paths):
    """perceptron_predict is right only if none of ``paths`` could be read."""
    return f"""
import numpy as np
def can_read(path):
    try:
        with open(path, "rb") as file:
            return len(file.read()) > 0
    except OSError:
        return False
READ = [can_read(path) for path in {[str(p) for p in paths]!r}]
def perceptron_predict(w, b, X):
    right = (X @ w + b >= 0).astype(int)
    return 1 - right if any(READ) else right
"""


LEAK = """
import numpy as np
import sys
SECRET = open({public!r}).read()
# The child's own error names, replaced by text of the file (-m runs it as __main__).
sys.modules["__main__"].category = lambda error: SECRET[:40]
def perceptron_predict(w, b, X):
    raise ValueError(SECRET[:2000])
def perceptron_update(w, b, x, y, lr):
    return np.frombuffer(SECRET.encode()[:800], dtype=np.uint8), type(SECRET)
"""

FORGED_LOG = """
import os
os.mkfifo("../outputs/perceptron_predict.0.0.npy")
os.symlink({private!r}, "../outputs/perceptron_update.0.0.npy")
with open("../outputs/log", "a") as log:
    log.write("start cell-errors\\ncell-error 999 x\\nstart cells-done\\n")
    log.write("cells-done\\nstart perceptron_predict\\ndone perceptron_predict\\n"
              "done perceptron_update\\nerror perceptron_epoch 0 SECRET\\n")
os._exit(0)
"""

PATCHES = """
import numpy as np
import numpy.testing
import nnkit.check
np.allclose = np.array_equal = lambda *args, **kwargs: True
np.isclose = lambda a, b, **kwargs: np.ones(np.shape(a), dtype=bool)
np.testing.assert_allclose = lambda *args, **kwargs: None
nnkit.check.compare = nnkit.check._exercise.compare = lambda *args, **kwargs: None
def perceptron_predict(w, b, X):
    return -np.ones(len(X))
"""

ALWAYS_EQUAL = """
class Anything:
    def __eq__(self, other):
        return True
def perceptron_predict(w, b, X):
    return Anything()
"""

MEMORY = """
def perceptron_update(w, b, x, y, lr):
    chunks = []
    while True:
        chunks.append(bytearray(100 * 1024**2))
"""

EXIT = "import os\ndef perceptron_update(w, b, x, y, lr):\n    os._exit(0)"
SYS_EXIT = "import sys\ndef perceptron_predict(w, b, X):\n    sys.exit()\nsys.exit(1)"
LOOP = "def perceptron_predict(w, b, X):\n    while True:\n        pass"
CHEAT = """
from nnkit.perceptron import Perceptron as P
def perceptron_update(w, b, x, y, lr):
    p = P(len(w), lr=lr)
    p.weight, p.bias = w.astype(float), float(b)
    p.fit(x[None], [y], epochs=1)
    return p.weight, p.bias
"""
FORGETS_LR = """
def perceptron_update(w, b, x, y, lr):
    error = y - (1 if x @ w + b >= 0 else 0)
    return w + error * x, b + error
"""


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory):
    """Grade the batch (after a first run that creates a gradebook to steal)."""
    tmp = tmp_path_factory.mktemp("grading")
    private = tmp / "private"  # the instructor's own folder, mode 0o700
    shutil.copytree(SOURCE / NAME, private / NAME)
    private.chmod(0o700)
    private_source = private / NAME / f"{NAME}.ipynb"
    # Readable by every user (pytest's own folders are not): the grader must
    # hide these two from student code, passed as hidden and as submissions.
    world = Path(tempfile.mkdtemp(prefix="nnkit-test-"))
    world.chmod(0o755)
    hidden, submissions = world / "hidden", world / "submissions"
    shutil.copytree(SOURCE / NAME, hidden / NAME)
    seed_file, out = private / "seed", tmp / "out"
    gradebook.write_atomically(seed_file, f"{SEED}\n")
    submit(submissions, "first")
    grading = dict(seed=SEED, limits=LIMITS, hidden=[hidden], log=lambda _: None)
    grade_folder(submissions, out, **grading)
    private_files = [
        private_source,
        out / "grades.json",
        out / "gradebook.csv",
        seed_file,
    ]
    # Readable by all: only the grader's empty mounts keep them from student code.
    hidden_files = [
        hidden / NAME / f"{NAME}.ipynb",
        submissions / "first" / f"{NAME}.ipynb",
    ]
    public = str(SOURCE / NAME / f"{NAME}.ipynb")
    batch = {
        "correct": {},
        "stub": {"solved": False},
        "partial": {"replace": {"perceptron_update": FORGETS_LR}},
        "always_equal": {"replace": {"perceptron_predict": ALWAYS_EQUAL}},
        "patches": {"replace": {"perceptron_predict": PATCHES}},
        "os_exit": {"replace": {"perceptron_update": EXIT}},
        "sys_exit": {"replace": {"perceptron_predict": SYS_EXIT}},
        "loop": {"replace": {"perceptron_predict": LOOP}},
        "memory": {"replace": {"perceptron_update": MEMORY}},
        "reader": {"replace": {"perceptron_predict": reader(private_files)}},
        "hidden_reader": {"replace": {"perceptron_predict": reader(hidden_files)}},
        "leak": {
            "replace": {
                "perceptron_predict": LEAK.format(public=public),
                "perceptron_update": "",
            }
        },
        "forged_log": {
            "replace": {"setup": FORGED_LOG.format(private=str(private_source))}
        },
        "no_checks": {"drop_checks": True},
        "edited_check": {"replace": {"check_perceptron_predict": "nnkit.check.x = 1"}},
        "hardcoded": {"replace": {"perceptron_update": hardcoded_update()}},
        "cheat": {"replace": {"perceptron_update": CHEAT}},
    }
    for student, options in batch.items():
        submit(submissions, student, **options)
    (submissions / "garbage").mkdir()
    (submissions / "garbage" / f"{NAME}.ipynb").write_text("not a notebook")
    grade_folder(submissions, out, **grading)
    records = {student: r for (student, _), r in gradebook.load(out).items()}
    yield records, out, private_source, hidden_files
    shutil.rmtree(world)


def points(record):
    return [record["points"][e.name] for e, _ in ASSIGNMENTS[NAME]]


def test_released_notebooks_are_up_to_date():
    assert out_of_date(SOURCE, STATIC) == [], "run: python -m nnkit.grading release"


def test_release_writes_stubs_without_solutions_or_outputs(tmp_path):
    written = release(SOURCE, tmp_path)
    assert sorted(p.stem for p in written) == sorted(ASSIGNMENTS)
    for path in written:
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code)
        stubs = [c for c in code if c.metadata["nbgrader"]["solution"]]
        assert len(stubs) == len(ASSIGNMENTS[path.stem])
        assert all("raise NotImplementedError()" in c.source for c in stubs)


def test_points_and_names_match_the_instructor_notebooks():
    for name, exercises in ASSIGNMENTS.items():
        _, cells = cells_by_id(SOURCE / name / f"{name}.ipynb")
        for exercise, points in exercises:
            assert (
                cells[f"check_{exercise.name}"].metadata["nbgrader"]["points"] == points
            )
            assert f"def {exercise.name}(" in cells[exercise.name].source


def test_correct_stub_and_partial(adversarial):
    records = adversarial[0]
    assert records["first"]["total"] == records["correct"]["total"] == max_points(NAME)
    assert records["stub"]["total"] == 0
    assert "NotImplementedError" in records["stub"]["reasons"]["perceptron_predict"]
    assert points(records["partial"]) == [1, 0, 0]


# perceptron_epoch calls perceptron_predict and perceptron_update, so an attack
# on either costs perceptron_epoch too; the third function is never affected.
@pytest.mark.parametrize(
    ("student", "expected", "reason"),
    [
        ("always_equal", [0, 2, 0], "not a number"),
        ("patches", [0, 2, 0], "wrong values"),
        ("os_exit", [1, 0, 0], "exit status 0"),
        ("sys_exit", [0, 2, 0], "sys.exit()"),
        ("loop", [0, 2, 0], "time limit of 5 s"),
        ("memory", [1, 0, 0], "memory"),
        ("forged_log", [0, 0, 0], ""),
        ("no_checks", [1, 2, 2], None),
        ("edited_check", [1, 2, 2], None),
        ("hardcoded", [1, 0, 0], "wrong values"),
    ],
)
def test_each_attack_costs_only_the_functions_it_touches(
    adversarial, student, expected, reason
):
    record = adversarial[0][student]
    assert points(record) == expected, record["reasons"]
    if reason is not None:
        assert any(reason in text for text in record["reasons"].values())


def test_notes_and_unreadable_notebooks(adversarial):
    records = adversarial[0]
    assert records["sys_exit"]["notes"] == ["code cell 3 of 8 raised SystemExit"]
    assert records["forged_log"]["notes"] == []  # cell 999 does not exist
    assert records["garbage"]["total"] == 0
    assert set(records["garbage"]["reasons"].values()) == {
        "the file is not a readable Jupyter notebook"
    }


def test_the_hardcoded_function_passes_the_visible_check(capsys):
    namespace = {}
    exec(hardcoded_update(), namespace)
    nnkit.check.perceptron_update(namespace["perceptron_update"])
    assert "passed" in capsys.readouterr().out


def namespaces_work():
    """Whether this machine lets the grader's children unshare and mount."""
    code = "import ctypes; exit(ctypes.CDLL(None).unshare(0x00020000 | 0x40000000))"
    return subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="private files need a separate user id")
def test_student_code_cannot_read_private_files(adversarial):
    assert adversarial[0]["reader"]["points"]["perceptron_predict"] == 1


@pytest.mark.skipif(
    os.geteuid() != 0 or not namespaces_work(), reason="needs root and namespaces"
)
def test_student_code_cannot_read_hidden_files(adversarial):
    for path in adversarial[3]:  # readable by every user, but hidden
        assert all(p.stat().st_mode & 0o005 for p in path.parents)
        assert path.stat().st_mode & 0o004
    assert adversarial[0]["hidden_reader"]["points"]["perceptron_predict"] == 1


def test_nothing_the_student_read_reaches_feedback_or_gradebook(adversarial):
    records, out, _, _ = adversarial
    assert records["leak"]["total"] == 0
    secret = (SOURCE / NAME / f"{NAME}.ipynb").read_text()
    texts = [(out / "gradebook.csv").read_text(), (out / "grades.json").read_text()]
    texts += [p.read_text() for p in (out / "feedback").rglob("*.txt")]
    for text in texts:
        assert "BEGIN SOLUTION" not in text and secret[:40] not in text
        assert str(SEED) not in text


def test_a_solution_using_nnkit_is_flagged_not_zeroed(adversarial):
    record = adversarial[0]["cheat"]
    assert record["total"] == max_points(NAME)
    assert record["flags"] == [
        "perceptron_update uses nnkit.perceptron.Perceptron, nnkit's own "
        "implementation of this exercise",
        "perceptron_epoch uses nnkit.perceptron.Perceptron (through "
        "perceptron_update), nnkit's own implementation of this exercise",
    ]
    assert "For your instructor to review" in gradebook.feedback(record)
    assert adversarial[0]["correct"]["flags"] == []


def test_flags_follow_aliases_and_helpers():
    code = [
        "import nnkit as nk\ndef helper(Z):\n    return nk.activations.relu(Z)\n"
        "def relu(Z):\n    return helper(Z)"
    ]
    assert reference_uses(code, nnkit.check.relu) == [
        "relu uses nnkit.activations.relu (through helper), nnkit's own "
        "implementation of this exercise"
    ]
    assert (
        reference_uses(["def relu(Z):\n    return Z * (Z > 0)"], nnkit.check.relu) == []
    )


def test_regrading_resumes_without_losing_or_duplicating(adversarial):
    records, out, _, _ = adversarial
    rows = (out / "gradebook.csv").read_text().splitlines()
    assert len(rows) == 1 + len(records) and len(records) == 19
    submissions = adversarial[3][-1].parent.parent
    assert grade_folder(submissions, out, seed=SEED, limits=LIMITS) == []
    assert (out / "gradebook.csv").read_text().splitlines() == rows
    assert oct((out).stat().st_mode & 0o777) == "0o700"


def test_the_command_line(tmp_path):
    submit(tmp_path / "submissions", "alice")
    seed = tmp_path / "seed"
    seed.write_text("42\n")
    command = [sys.executable, "-m", "nnkit.grading", "grade", "submissions"]
    command += ["--out", "out", "--seed-file", "seed", "--jobs", "1"]
    seed.chmod(0o644)
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1 and "chmod 600" in result.stderr
    seed.chmod(0o600)
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "alice/ch01_perceptron: 5/5" in result.stdout
    assert (tmp_path / "out" / "feedback" / "alice" / f"{NAME}.txt").is_file()


def test_a_broken_sandbox_records_no_grade(tmp_path, monkeypatch):
    submit(tmp_path / "submissions", "alice")
    monkeypatch.setattr("nnkit.grading.sandbox.sys.executable", "/bin/false")
    lines = []
    graded = grade_folder(
        tmp_path / "submissions", tmp_path / "out", seed=1, log=lines.append
    )
    assert graded == [] and gradebook.load(tmp_path / "out") == {}
    assert lines[0].startswith("alice/ch01_perceptron: not graded: the sandbox did not")


def test_nbgrader_accepts_the_instructor_notebooks(tmp_path):
    """generate_assignment and autograde of the real nbgrader, one assignment."""
    from nbgrader.api import Gradebook

    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    (tmp_path / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(tmp_path)!r}\n"
    )
    shutil.copytree(SOURCE / NAME, tmp_path / "source" / NAME)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}

    def nbgrader(*args):
        command = [sys.executable, "-m", "nbgrader", *args, "--db", db]
        result = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    nbgrader("generate_assignment", NAME, "--force")
    released = tmp_path / "release" / NAME / f"{NAME}.ipynb"
    for student, notebook in (
        ("alice", SOURCE / NAME / f"{NAME}.ipynb"),
        ("bob", released),
    ):
        folder = tmp_path / "submitted" / student / NAME
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / f"{NAME}.ipynb")
    nbgrader("autograde", NAME, "--force")
    with Gradebook(db) as grades:
        scores = {s: grades.find_submission(NAME, s).score for s in ("alice", "bob")}
    assert scores == {"alice": max_points(NAME), "bob": 0}


def test_import_nnkit_imports_neither_grading_nor_nbgrader():
    code = (
        "import sys, nnkit, nnkit.check; "
        "print(sorted(m for m in sys.modules if 'grading' in m or 'nbgrader' in m))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.stdout.strip() == "[]"


def test_the_assignments_page_links_every_student_notebook():
    page = (ROOT / "book" / "assignments.md").read_text()
    for name in ASSIGNMENTS:
        assert f"{{download}}`{name}.ipynb <_static/assignments/{name}.ipynb>`" in page
        assert (STATIC / f"{name}.ipynb").is_file()
