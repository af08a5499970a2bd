"""The assignments and their grader: release, grading, the sandbox, nbgrader.

Most tests share one batch (``adversarial``): a correct submission of
assignment 1 graded together with submissions that try to cheat or break the
grader, each of which must be graded without affecting the others.
"""

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest

import nnkit.check
from nnkit.grading import grade, gradebook
from nnkit.grading.cells import read_program
from nnkit.grading.exercises import ASSIGNMENTS, max_points
from nnkit.grading.flags import reference_uses
from nnkit.grading.grade import grade_folder
from nnkit.grading.release import out_of_date, release
from nnkit.grading.sandbox import UID_RANGE, Limits, Sandbox, SandboxError

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "book" / "assignments" / "source"
STATIC = ROOT / "book" / "_static" / "assignments"
NAME = "ch01_perceptron"
LIMITS = Limits(time_s=5, memory_bytes=1024**3, submission_s=9)
SEED = 1234567
NOT_UTF8 = os.fsdecode(b"caf\xe9-latin1")
FORMULA = '=HYPERLINK("evil.example","click")'
ROOT_USER = os.geteuid() == 0


def mounted_back_into_tmp():
    """What a child's private /tmp holds: matplotlib's font list (the grader's,
    copied in), and the checkout or the virtual environment where they live
    under /tmp, which the sandbox mounts back."""
    tmp = Path("/tmp").resolve()
    kept = (ROOT / "nnkit", Path(sys.prefix))
    return sorted(
        {"matplotlib"}
        | {
            p.resolve().relative_to(tmp).parts[0]
            for p in kept
            if p.resolve().is_relative_to(tmp)
        }
    )


def cells_by_id(path):
    notebook = nbformat.read(path, as_version=4)
    return notebook, {
        c.metadata.get("nbgrader", {}).get("grade_id"): c for c in notebook.cells
    }


def submit(folder, student, replace=(), prefix=(), drop_checks=False, solved=True):
    """Write STUDENT/ch01_perceptron.ipynb: the student version, with the
    instructor's solutions (``solved``), some cells replaced by new code or
    with code put before theirs (``prefix``)."""
    notebook, cells = cells_by_id(STATIC / f"{NAME}.ipynb")
    _, solutions = cells_by_id(SOURCE / NAME / f"{NAME}.ipynb")
    for grade_id, cell in cells.items():
        if solved and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solutions[grade_id].source
    for grade_id, code in dict(replace).items():
        cells[grade_id].source = code
    for grade_id, code in dict(prefix).items():
        cells[grade_id].source = code + "\n" + cells[grade_id].source
    if drop_checks:
        notebook.cells = [
            c for c in notebook.cells if not c.metadata.get("nbgrader", {}).get("grade")
        ]
    path = os.path.join(folder, student, f"{NAME}.ipynb")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    nbformat.write(notebook, path)


def hardcoded_update():
    """perceptron_update that knows only the answers of the visible checks."""
    known = {}
    for seed in (0, 1002):
        for case in nnkit.check.perceptron_update.public_cases(seed):
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

# Lines made up to look like the child's, on every file descriptor it has:
# answers for cases it was not asked, an oversized answer, error codes the
# grader does not know ("signal" and "exit" once crashed describe_failure),
# a cell that does not exist, a probe result, then an exit that looks clean.
FORGED_LOG = """
import base64, io, os
import numpy as np
buffer = io.BytesIO()
np.save(buffer, np.zeros(10**6))
big = base64.b64encode(buffer.getvalue()).decode()
lines = ("cell-error 999 x\\ncells-done\\nstart perceptron_predict\\n"
         f"answer perceptron_predict 0 0 {big}\\nanswer perceptron_predict 99 0 AAAA\\n"
         "done perceptron_predict\\nerror perceptron_update 0 signal\\n"
         "error perceptron_epoch 0 exit\\nreadable 0\\nfinished\\n")
for fd in range(64):
    try:
        os.write(fd, lines.encode())
    except OSError:
        pass
os._exit(0)
"""

# Isolation seen from inside: perceptron_predict is right only if the child has
# its own PID, IPC and network namespaces, no_new_privs, private /tmp (holding
# only the grader's Matplotlib font list), /var/tmp and /dev/shm empty, and (as
# root) a user id that is not root's.
ISOLATION = """
import os, socket
import numpy as np
def isolated():
    status = open("/proc/self/status").read()
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    segments = open("/proc/sysvipc/shm").read().splitlines()[1:]
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=0.5).close()
        network = True
    except OSError:
        network = False
    return (
        "NoNewPrivs:\\t1" in status and len(pids) <= 3 and not segments
        and not network and sorted(os.listdir("/tmp")) == {tmp}
        and os.listdir("/dev/shm") == [] == os.listdir("/var/tmp")
        and (os.getuid() != 0) == {root}
    )
ISOLATED = isolated()
def perceptron_predict(w, b, X):
    right = (X @ w + b >= 0).astype(int)
    return right if ISOLATED else 1 - right
"""

# Leaves files in /tmp, /var/tmp and /dev/shm and a SysV shared memory segment:
# none may reach the next child or survive it.
KEY = 0x6E6E6B74
LEAVE_BEHIND = f"""
import ctypes, os
for folder in ("/tmp", "/var/tmp", "/dev/shm"):
    with open(os.path.join(folder, "nnkit-test-channel"), "w") as file:
        file.write("from a classmate")
libc = ctypes.CDLL(None)
libc.shmget({KEY}, 1 << 20, 0o1666)
"""
FIND_LEFT_BEHIND = f"""
import ctypes, os
import numpy as np
FOUND = any(
    os.path.exists(os.path.join(folder, "nnkit-test-channel"))
    for folder in ("/tmp", "/var/tmp", "/dev/shm")
) or ctypes.CDLL(None).shmget({KEY}, 0, 0) != -1
def perceptron_predict(w, b, X):
    right = (X @ w + b >= 0).astype(int)
    return 1 - right if FOUND else right
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
EARLY_EXIT = "import os\ndef perceptron_predict(w, b, X):\n    os._exit(0)"
LOOPS = "\n".join(
    f"def {name}(*args):\n    while True:\n        pass"
    for name in ("perceptron_predict", "perceptron_update", "perceptron_epoch")
)
HUGE_ANSWER = (
    "import numpy as np\ndef perceptron_predict(w, b, X):\n"
    "    return np.zeros(2 * 1024**2)"
)
ALIAS_CHEAT = """
import nnkit
_P = nnkit.perceptron.Perceptron
def perceptron_update(w, b, x, y, lr):
    p = _P(len(w), lr=lr)
    p.weight, p.bias = w.astype(float), float(b)
    p.fit(x[None], [y], epochs=1)
    return p.weight, p.bias
"""
EXPECTED_CHEAT = """
import nnkit.check
def perceptron_update(w, b, x, y, lr):
    return nnkit.check.perceptron_update.expected(dict(w=w, b=b, x=x, y=y, lr=lr))
"""
FORGETS_LR = """
def perceptron_update(w, b, x, y, lr):
    error = y - (1 if x @ w + b >= 0 else 0)
    return w + error * x, b + error
"""


class Batch(NamedTuple):
    records: dict
    out: Path
    submissions: Path
    private_files: list
    hidden_files: list
    students: set
    log: list


@pytest.fixture(scope="module")
def adversarial(tmp_path_factory):
    """Grade the batch (after a first run that creates a gradebook to steal and
    leaves files behind for a classmate)."""
    tmp = tmp_path_factory.mktemp("grading")
    private = tmp / "private"  # the instructor's own folder, mode 0o700
    shutil.copytree(SOURCE / NAME, private / NAME)
    private.chmod(0o700)
    private_source = private / NAME / f"{NAME}.ipynb"
    # Readable by every user (pytest's own folders are not): the grader must
    # hide these from student code, passed as hidden and as submissions.
    world = Path(tempfile.mkdtemp(prefix="nnkit-test-"))
    world.chmod(0o755)
    hidden, submissions = world / "hidden", world / "submissions"
    shutil.copytree(SOURCE / NAME, hidden / NAME)
    public = world / "public.txt"  # readable, not hidden: a stand-in secret
    public.write_text("NNKIT-TEST-MARKER " + "x" * 100)
    public.chmod(0o644)
    seed_file, out = private / "seed", tmp / "out"
    gradebook.write_atomically(seed_file, f"{SEED}\n")
    submit(submissions, "first")
    submit(submissions, "leaver", prefix={"perceptron_predict": LEAVE_BEHIND})
    log = []
    grading = dict(seed=SEED, limits=LIMITS, hidden=[hidden], log=log.append)
    grade_folder(submissions, out, **grading)
    private_files = [private_source, out / "grades.json", out / "gradebook.csv"]
    private_files.append(seed_file)
    # Readable by all: only the grader's empty mounts keep them from student
    # code, nnkit's own checkout included, wherever it is.
    hidden_files = [
        hidden / NAME / f"{NAME}.ipynb",
        submissions / "first" / f"{NAME}.ipynb",
        SOURCE / NAME / f"{NAME}.ipynb",
        ROOT / "README.md",
    ]
    batch = {
        "correct": {},
        "stub": {"solved": False},
        "partial": {"replace": {"perceptron_update": FORGETS_LR}},
        "always_equal": {"replace": {"perceptron_predict": ALWAYS_EQUAL}},
        "patches": {"replace": {"perceptron_predict": PATCHES}},
        "os_exit": {"replace": {"perceptron_update": EXIT}},
        "early_exit": {"replace": {"perceptron_predict": EARLY_EXIT}},
        "sys_exit": {"replace": {"perceptron_predict": SYS_EXIT}},
        "loop": {"replace": {"perceptron_predict": LOOP}},
        "loops": {"replace": {"perceptron_epoch": LOOPS}},
        "memory": {"replace": {"perceptron_update": MEMORY}},
        "huge_answer": {"replace": {"perceptron_predict": HUGE_ANSWER}},
        "reader": {"replace": {"perceptron_predict": reader(private_files)}},
        "hidden_reader": {"replace": {"perceptron_predict": reader(hidden_files)}},
        "isolation": {
            "replace": {
                "perceptron_predict": ISOLATION.format(
                    root=ROOT_USER, tmp=mounted_back_into_tmp()
                )
            }
        },
        "finder": {"replace": {"perceptron_predict": FIND_LEFT_BEHIND}},
        "leak": {
            "replace": {
                "perceptron_predict": LEAK.format(public=str(public)),
                "perceptron_update": "",
            }
        },
        "forged_log": {"replace": {"setup": FORGED_LOG}},
        "no_checks": {"drop_checks": True},
        "edited_check": {"replace": {"check_perceptron_predict": "nnkit.check.x = 1"}},
        "hardcoded": {"replace": {"perceptron_update": hardcoded_update()}},
        "cheat": {"replace": {"perceptron_update": CHEAT}},
        "alias_cheat": {"replace": {"perceptron_update": ALIAS_CHEAT}},
        "expected_cheat": {"replace": {"perceptron_update": EXPECTED_CHEAT}},
        # Names a spreadsheet or a UTF-8 encoder would choke on.
        NOT_UTF8: {},
        FORMULA: {},
        "new\nline": {},
    }
    for student, options in batch.items():
        submit(str(submissions), student, **options)
    # What an extracted archive can hold where a notebook should be.
    for student in ("garbage", "deep_json", "symlink_notebook", "directory", "fifo"):
        (submissions / student).mkdir()
    notebook = f"{NAME}.ipynb"
    (submissions / "garbage" / notebook).write_text("not a notebook")
    (submissions / "deep_json" / notebook).write_text("[" * 100_000)
    (submissions / "symlink_notebook" / notebook).symlink_to(SOURCE / NAME / notebook)
    (submissions / "directory" / notebook).mkdir()
    os.mkfifo(submissions / "fifo" / notebook)
    (submissions / "symlink_folder").symlink_to(submissions / "correct")
    (submissions / "nbgrader_link").mkdir()
    (submissions / "nbgrader_link" / NAME).symlink_to(submissions / "correct")
    (submissions / "hardlink").mkdir()
    os.link(hidden / NAME / notebook, submissions / "hardlink" / notebook)
    (submissions / "loose-file.txt").write_text("not a student")
    grade_folder(submissions, out, **grading)
    records = {student: r for (student, _), r in gradebook.load(out).items()}
    students = {*os.listdir(submissions)} - {"loose-file.txt"}
    yield Batch(records, out, submissions, private_files, hidden_files, students, log)
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
    records = adversarial.records
    assert records["first"]["total"] == records["correct"]["total"] == max_points(NAME)
    assert records["stub"]["total"] == 0
    assert "NotImplementedError" in records["stub"]["reasons"]["perceptron_predict"]
    assert points(records["partial"]) == [1, 0, 0]


def test_every_student_gets_a_record_and_honest_ones_full_marks(adversarial):
    records = adversarial.records
    assert set(records) == adversarial.students | {"first", "leaver"}
    for student in ("correct", "no_checks", "edited_check", NOT_UTF8, FORMULA):
        assert records[student]["total"] == max_points(NAME), student
    assert records["new\nline"]["total"] == max_points(NAME)
    assert not any("grader error" in line for line in adversarial.log)


# perceptron_epoch calls perceptron_predict and perceptron_update, so an attack
# on either costs perceptron_epoch too; the third function is never affected.
@pytest.mark.parametrize(
    ("student", "expected", "reason"),
    [
        ("always_equal", [0, 2, 0], "not a number"),
        ("patches", [0, 2, 0], "wrong values"),
        ("os_exit", [1, 0, 0], "exit status 0"),
        ("early_exit", [0, 2, 0], "exit status 0"),  # os._exit(0) spares the rest
        ("sys_exit", [0, 2, 0], "sys.exit()"),
        ("loop", [0, 2, 0], "time limit of 5 s"),
        ("loops", [0, 0, 0], "time budget of 9 s"),
        ("memory", [1, 0, 0], "memory"),
        ("huge_answer", [0, 2, 0], "not a number"),  # too big to be read back
        ("forged_log", [0, 0, 0], "not a number"),
        ("no_checks", [1, 2, 2], None),
        ("edited_check", [1, 2, 2], None),
        ("hardcoded", [1, 0, 0], "wrong values"),
        ("isolation", [1, 2, 2], None),
        ("finder", [1, 2, 2], None),
        ("leaver", [1, 2, 2], None),
    ],
)
def test_each_attack_costs_only_the_functions_it_touches(
    adversarial, student, expected, reason
):
    record = adversarial.records[student]
    assert points(record) == expected, record["reasons"]
    if reason is not None:
        assert any(reason in text for text in record["reasons"].values())


@pytest.mark.parametrize(
    ("student", "reason"),
    [
        ("garbage", "the file is not a readable Jupyter notebook"),
        ("deep_json", "the file is not a readable Jupyter notebook"),
        ("symlink_notebook", "symbolic link"),
        ("symlink_folder", "symbolic link"),
        ("nbgrader_link", "symbolic link"),
        ("hardlink", "hard link"),
        ("directory", "not a regular file"),
        ("fifo", "not a regular file"),
    ],
)
def test_what_is_not_a_notebook_gets_zero_and_a_reason(adversarial, student, reason):
    record = adversarial.records[student]
    assert record["total"] == 0 and record["max_total"] == max_points(NAME)
    reasons = set(record["reasons"].values())
    assert len(reasons) == 1 and reason in reasons.pop()


def test_notes(adversarial):
    records = adversarial.records
    assert records["sys_exit"]["notes"] == ["code cell 3 of 8 raised SystemExit"]
    assert records["forged_log"]["notes"] == []  # cell 999 does not exist


def test_the_hardcoded_function_passes_the_visible_check(capsys):
    namespace = {}
    exec(hardcoded_update(), namespace)
    nnkit.check.perceptron_update(namespace["perceptron_update"])
    assert "passed" in capsys.readouterr().out


@pytest.mark.skipif(os.geteuid() != 0, reason="private files need a separate user id")
def test_student_code_cannot_read_private_files(adversarial):
    assert adversarial.records["reader"]["points"]["perceptron_predict"] == 1


def test_student_code_cannot_read_hidden_files(adversarial):
    for path in adversarial.hidden_files:  # readable by every user, but hidden
        assert all(p.stat().st_mode & 0o005 for p in path.parents)
        assert path.stat().st_mode & 0o004
    assert adversarial.records["hidden_reader"]["points"]["perceptron_predict"] == 1


def private_ids():
    """The grader's private user ids."""
    return range(*UID_RANGE)


def test_nothing_survives_a_child(adversarial):
    """No file, shared memory segment or process of a child outlives it."""
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        assert not os.path.exists(os.path.join(folder, "nnkit-test-channel"))
        for entry in os.scandir(folder):
            try:
                owner = entry.stat(follow_symlinks=False).st_uid
            except FileNotFoundError:  # another program's file, gone
                continue
            assert owner not in private_ids(), entry.path
    with open("/proc/sysvipc/shm") as file:
        segments = [line.split() for line in file.read().splitlines()[1:]]
    assert not [s for s in segments if int(s[0]) == KEY or int(s[7]) in private_ids()]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        uid = int(status.split("\nUid:")[1].split()[0])
        if uid in private_ids() and not under_bwrap(pid):
            raise AssertionError(f"process {pid} of a child is still running")


def under_bwrap(pid):
    """Whether a live bwrap is an ancestor of process ``pid``: a child that
    another test (in another pytest worker) is running right now, not one that
    outlived its sandbox."""
    while pid not in ("0", "1"):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        name, after = (
            stat[stat.index("(") + 1 : stat.rindex(")")],
            stat[stat.rindex(")") + 2 :],
        )
        if name == "bwrap":
            return True
        pid = after.split()[1]  # the parent's pid
    return False


def test_nothing_the_student_read_reaches_feedback_or_gradebook(adversarial):
    out = adversarial.out
    assert adversarial.records["leak"]["total"] == 0
    texts = [(out / "gradebook.csv").read_text(), (out / "grades.json").read_text()]
    texts += [p.read_text() for p in (out / "feedback").rglob("*.txt")]
    for text in texts:
        assert "NNKIT-TEST-MARKER" not in text and "BEGIN SOLUTION" not in text
        assert str(SEED) not in text


def test_names_are_kept_as_bytes_and_shown_escaped(adversarial):
    out = adversarial.out
    assert (out / "feedback" / NOT_UTF8 / f"{NAME}.txt").is_file()
    assert os.fsencode(NOT_UTF8) in os.listdir(os.fsencode(out / "feedback"))
    rows = list(csv.reader((out / "gradebook.csv").open(encoding="utf-8")))
    names = [row[0] for row in rows[1:]]
    assert "caf\\xe9-latin1" in names and "new\\nline" in names
    assert "'" + FORMULA in names  # a spreadsheet shows it as text
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row if cell)
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp.")]


def test_a_solution_using_nnkit_is_flagged_not_zeroed(adversarial):
    records = adversarial.records
    record = records["cheat"]
    assert record["total"] == max_points(NAME)
    assert record["flags"] == [
        "perceptron_update uses nnkit.perceptron.Perceptron, nnkit's own "
        "implementation of this exercise",
        "perceptron_epoch uses nnkit.perceptron.Perceptron (through "
        "perceptron_update), nnkit's own implementation of this exercise",
    ]
    assert "For your instructor to review" in gradebook.feedback(record)
    assert records["correct"]["flags"] == []
    assert records["alias_cheat"]["flags"][0] == record["flags"][0]
    assert records["expected_cheat"]["flags"][0] == (
        "perceptron_update uses nnkit.check.perceptron_update.expected, the "
        "grader's reference code"
    )


def program(*sources):
    """The Program of a notebook whose code cells are ``sources``."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return read_program(nbformat.writes(notebook).encode())


def flags(exercise, *sources):
    return reference_uses(program(*sources).trees, exercise)


def test_flags_follow_aliases_and_helpers():
    code = (
        "import nnkit as nk\ndef helper(Z):\n    return nk.activations.relu(Z)\n"
        "def relu(Z):\n    return helper(Z)"
    )
    assert flags(nnkit.check.relu, code) == [
        "relu uses nnkit.activations.relu (through helper), nnkit's own "
        "implementation of this exercise"
    ]
    assert flags(nnkit.check.relu, "def relu(Z):\n    return Z * (Z > 0)") == []


def test_regrading_resumes_without_losing_or_duplicating(adversarial):
    records, out = adversarial.records, adversarial.out
    rows = list(csv.reader((out / "gradebook.csv").open(encoding="utf-8")))
    assert len(rows) == 1 + len(records)
    assert grade_folder(adversarial.submissions, out, seed=SEED, limits=LIMITS) == []
    assert list(csv.reader((out / "gradebook.csv").open(encoding="utf-8"))) == rows
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


def test_grading_refuses_when_a_solution_is_readable(tmp_path, monkeypatch):
    (tmp_path / "submissions").mkdir()
    # Solutions inside a folder the children see (the virtual environment is
    # mounted back even where it lives under the private /tmp): the sandbox
    # hides them...
    with tempfile.TemporaryDirectory(dir=sys.prefix) as folder:
        os.chmod(folder, 0o755)  # readable by every user, but hidden
        solutions = Path(folder) / "solutions"
        shutil.copytree(SOURCE, solutions)
        assert (
            grade_folder(
                tmp_path / "submissions",
                tmp_path / "out",
                seed=1,
                solutions=[solutions],
            )
            == []
        )
        # ...and grading refuses to start when a sandbox forgets to.
        keep = grade.make_sandbox([]).keep
        monkeypatch.setattr(grade, "make_sandbox", lambda hidden: Sandbox(keep=keep))
        with pytest.raises(SandboxError, match="could read these private files"):
            grade_folder(
                tmp_path / "submissions",
                tmp_path / "out",
                seed=1,
                solutions=[solutions],
            )


def test_a_broken_sandbox_refuses_to_grade(tmp_path, monkeypatch):
    submit(tmp_path / "submissions", "alice")
    monkeypatch.setattr("nnkit.grading.bwrap.sys.executable", "/bin/false")
    with pytest.raises(SandboxError, match="the sandbox did not start"):
        grade_folder(tmp_path / "submissions", tmp_path / "out", seed=1)
    assert gradebook.load(tmp_path / "out") == {}


def test_a_grader_error_costs_the_exercise_not_the_batch(tmp_path, monkeypatch):
    """A failure of the grader on one submission gives its exercises 0 with the
    reason, and the batch goes on."""
    for student in ("alice", "bob"):
        submit(tmp_path / "submissions", student)

    def broken(exercise, expected, attempt, program, limits):
        if exercise.name == "perceptron_update":
            raise IndexError("a bug of the grader")
        return [None] * len(expected)

    monkeypatch.setattr(grade, "case_problems", broken)
    lines = []
    grade_folder(tmp_path / "submissions", tmp_path / "out", seed=1, log=lines.append)
    records = gradebook.load(tmp_path / "out")
    for student in ("alice", "bob"):
        record = records[(student, NAME)]
        assert points(record) == [1, 0, 2]
        assert record["reasons"]["perceptron_update"] == (
            "grader error: IndexError (see the grader's log)"
        )
    assert sum("grader error" in line for line in lines) == 2


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
