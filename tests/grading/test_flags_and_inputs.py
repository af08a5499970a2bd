"""The grader's readers of student input, without a sandbox: the flag, the
notebook and code limits, the child's output, the failure descriptions."""

import os
import subprocess
import sys

import nbformat
import pytest

import nnkit.check
from nnkit.grading import gradebook
from nnkit.grading.cells import read_program
from nnkit.grading.flags import notebook_uses, reference_uses
from nnkit.grading.reasons import describe_failure
from nnkit.grading.sandbox import Limits
from nnkit.grading.submissions import SubmissionError
from nnkit.grading.untrusted import LineReader, error_code, read_report

UPDATE = nnkit.check.perceptron_update
EXPECTED = "nnkit.check.perceptron_update.expected"


def notebook(*sources):
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nbformat.writes(book).encode()


def flags(*sources, exercise=UPDATE):
    return reference_uses(read_program(notebook(*sources)).trees, exercise)


def used(*sources, exercise=UPDATE):
    """The dotted names flagged, without the sentences around them."""
    return sorted(
        flag.split(" uses ")[1].split()[0].rstrip(",")
        for flag in flags(*sources, exercise=exercise)
    )


@pytest.mark.parametrize(
    ("code", "names"),
    [
        # The reference answer itself, through the check's own object.
        (
            "import nnkit.check\ndef perceptron_update(w, b, x, y, lr):\n"
            "    return nnkit.check.perceptron_update.expected(dict(w=w))",
            [EXPECTED],
        ),
        (
            "from nnkit.check import perceptron_update as pu\n"
            "E = pu.expected\ndef perceptron_update(w, b, x, y, lr):\n"
            "    return E(dict(w=w))",
            [EXPECTED],
        ),
        # A module-level alias used in the function.
        (
            "import nnkit\n_P = nnkit.perceptron.Perceptron\n"
            "def perceptron_update(w, b, x, y, lr):\n    return _P(2)",
            ["nnkit.perceptron.Perceptron"],
        ),
        (
            "import nnkit as nk\nm = nk.perceptron\n"
            "def perceptron_update(w, b, x, y, lr):\n    return m.Perceptron(2)",
            ["nnkit.perceptron.Perceptron"],
        ),
        (
            "from nnkit.perceptron import *\n"
            "def perceptron_update(w, b, x, y, lr):\n    return Perceptron(2)",
            ["nnkit.perceptron.Perceptron"],
        ),
        (
            "import importlib\ndef perceptron_update(w, b, x, y, lr):\n"
            "    return importlib.import_module('nnkit.check')",
            ["nnkit.check"],
        ),
        # Through a class, a default argument and a container.
        (
            "import nnkit\nTOOLS = {'p': nnkit.Perceptron}\n"
            "def perceptron_update(w, b, x, y, lr, tools=TOOLS):\n"
            "    return tools['p'](2)",
            ["nnkit.Perceptron"],
        ),
        # Code on the same line as a visible check still runs, so it is read.
        (
            "import nnkit.check\ndef perceptron_update(w, b, x, y, lr):\n    pass\n"
            "nnkit.check.perceptron_update(perceptron_update); "
            "perceptron_update = nnkit.check.perceptron_update.expected",
            [EXPECTED],
        ),
        # Names that only look alike: a parameter and a local shadow the module's.
        (
            "import nnkit\nw = nnkit.Perceptron\np = nnkit.perceptron.Perceptron(2)\n"
            "def perceptron_update(w, b, x, y, lr):\n    p = w + lr * x\n"
            "    return p, b",
            [],
        ),
        # The visible check, removed before the code runs, is no use.
        (
            "import nnkit.check as c\ndef perceptron_update(w, b, x, y, lr):\n"
            "    return w, b\nc.perceptron_update(perceptron_update)",
            [],
        ),
    ],
)
def test_the_flag_follows_what_runs(code, names):
    assert used(code) == names


def test_check_calls_are_removed_by_node_not_by_line():
    code = (
        "import nnkit.check\nx = 1; nnkit.check.perceptron_update(print)\n"
        's = """\nnnkit.check.perceptron_update(print)\n"""'
    )
    program = read_program(notebook(code))
    namespace = {}
    exec(compile(program.trees[0], "<cell>", "exec"), namespace)
    assert namespace["x"] == 1 and "nnkit.check" in namespace["s"]


def test_flags_quote_student_names_short_and_printable():
    name = "h" * 500
    code = (
        f"import nnkit\ndef {name}():\n    return nnkit.Perceptron\n"
        f"def perceptron_update(w, b, x, y, lr):\n    return {name}()"
    )
    (flag,) = flags(code)
    assert "(through hhh" in flag and len(flag) < 200


def test_long_alias_chains_and_cycles_do_not_hang_the_grader():
    chain = "\n".join(f"a{i + 1} = a{i}" for i in range(3000))
    code = (
        f"import nnkit\na0 = nnkit.Perceptron\n{chain}\nb = c\nc = b\n"
        "def perceptron_update(w, b, x, y, lr):\n    return a3000, c"
    )
    # Each alias is read in turn (a worklist, not recursion), to the end.
    assert used(code) == ["nnkit.Perceptron"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"[" * 100_000, "not a readable Jupyter notebook"),
        (b"\xff\xfe not json", "not a readable Jupyter notebook"),
        (b'{"cells": [{"cell_type": "code", "source": 3}]}', "not a readable"),
        (notebook("x = 1\n" * 200_000), "longer than a million characters"),
    ],
)
def test_notebooks_that_cannot_be_graded(data, reason):
    with pytest.raises(SubmissionError, match=reason):
        read_program(data)


def test_code_that_does_not_compile_is_noted_not_run():
    program = read_program(notebook("x = (" * 300, "return 1", "y = 2"))
    assert program.errors == {0: "SyntaxError", 1: "SyntaxError"}
    assert program.code[0] is None and program.code[2] is not None


def test_the_child_output_is_read_within_budget():
    caps = {"f": [[1100], [1100]]}
    reader = LineReader(caps)

    class Pipe:
        chunks = [b"ready\ncells-done\nstart f\n", b"answer f 0 0 " + b"A" * 10**6]
        chunks += [b"\nanswer f 5 0 AAAA\nerror f 1 signal\ncell-error 3 Evil!\n"]
        chunks += [b"x" * 65536] * 100

        def read1(self, size):
            return self.chunks.pop(0) if self.chunks else b""

    reader.read(Pipe())
    assert sum(map(len, reader.lines)) < reader.budget
    report = read_report(reader, caps)
    assert report.ready and report.cells_done and not report.finished
    assert report.npy == {}  # too long, or for a case never asked
    assert report.exercises["f"] == ("start",)
    assert report.failures == {("f", 1): "Exception"}
    assert report.cell_errors == {3: "Exception"}


@pytest.mark.parametrize("word", ["signal", "exit", "timeout", "budget", "Evil", "x"])
def test_unknown_failure_codes_are_described_not_crashed_on(word):
    code = error_code(word)
    assert code == "Exception"
    assert describe_failure(code, UPDATE, Limits()) == "it raised Exception"


@pytest.mark.parametrize(
    "code", ["timeout", "budget", "signal SIGKILL", "signal", "exit 0", "exit"]
)
def test_every_ending_is_described(code):
    assert describe_failure(code, UPDATE, Limits())


def test_a_failed_write_leaves_no_temporary_file(tmp_path):
    with pytest.raises(UnicodeEncodeError):
        gradebook.write_atomically(tmp_path / "x.txt", os.fsdecode(b"\xff"))
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_the_grader_reads_the_worst_notebook_in_bounded_memory_and_time(tmp_path):
    """A 10 MB notebook of tiny JSON objects, and one of a million characters of
    code: each read in a fresh process, well under 1 GB and a few seconds.

    The peak is VmHWM, this process's own: ru_maxrss would also count the peak
    of the (large) test worker that forked it, which exec does not reset."""
    objects = b'{"cells": [' + b"{}," * (10 * 1024**2 // 3 - 10) + b"{}]}"
    code = notebook("x = [0, 1, 2, 3, 4, 5, 6, 7]  # a comment\n" * 23_000)
    measure = (
        "import sys, time\n"
        "from nnkit.grading.cells import read_program\n"
        "from nnkit.grading.submissions import SubmissionError\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "start = time.perf_counter()\n"
        "try:\n    read_program(data)\nexcept SubmissionError:\n    pass\n"
        "status = open('/proc/self/status').read()\n"
        "peak = int(status.split('VmHWM:')[1].split()[0])  # kB\n"
        "print(time.perf_counter() - start, peak)\n"
    )
    for number, data in enumerate((objects, code)):
        path = tmp_path / f"{number}.ipynb"
        path.write_bytes(data)
        result = subprocess.run(
            [sys.executable, "-c", measure, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, kilobytes = map(float, result.stdout.split())
        assert kilobytes < 400 * 1024 and seconds < 20, (seconds, kilobytes)


def test_reference_code_used_outside_the_functions_is_flagged_once():
    forger = (
        "import nnkit.check as c\nimport gc\n"
        "for obj in gc.get_objects():\n"
        "    answers = c.perceptron_update.expected\n"
        "print('nnkit.check says hello')\n"
        "c.perceptron_update(print)"
    )
    trees = read_program(notebook(forger)).trees
    assert notebook_uses(trees) == [
        f"the notebook uses {EXPECTED} outside the visible checks, the grader's "
        "reference code"
    ]
    honest = "import nnkit.check\nnnkit.check.perceptron_update(print)"
    assert notebook_uses(read_program(notebook(honest)).trees) == []


def test_without_bubblewrap_grading_refuses_and_says_how_to_install(monkeypatch):
    from nnkit.grading import bwrap
    from nnkit.grading.__main__ import main

    monkeypatch.setattr(bwrap.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="apt-get install bubblewrap"):
        main(["grade", ".", "--out", "never-written"])
    assert not os.path.exists("never-written")
