"""The assignments' reference solutions pass their checks; failures read short.

The solutions are the code cells of the instructor notebooks under
book/assignments/source. Each must pass its check for several seeds, with no
warning and nothing but the one line that says so. A failing check in an
IPython kernel shows the message alone, not nnkit's frames.
"""

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from nnkit.grading.exercises import ASSIGNMENTS

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "book/assignments/source"


def solutions(assignment):
    """The namespace left by running the notebook's solution cells."""
    notebook = json.loads((SOURCE / assignment / f"{assignment}.ipynb").read_text())
    namespace = {"np": np}
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            exec("".join(cell["source"]), namespace)
    return namespace


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_the_reference_solutions_pass_without_a_word_more(assignment, capsys):
    namespace = solutions(assignment)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for exercise, _ in ASSIGNMENTS[assignment]:
            for seed in (0, 1, 2, 3):
                exercise(namespace[exercise.name], seed=seed)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 * len(ASSIGNMENTS[assignment])
    assert all(" passed all " in line for line in lines)


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_the_reference_solutions_pass_the_graders_cases(assignment):
    namespace = solutions(assignment)
    for exercise, _ in ASSIGNMENTS[assignment]:
        for seed in range(5):
            for case in exercise.cases(np.random.default_rng(seed)):
                assert exercise.run(namespace[exercise.name], case.args) is None


SESSION = """
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance(colors="nocolor")
shell.run_cell("import numpy as np, nnkit.check")
shell.run_cell("def relu(Z):\\n    raise NotImplementedError()")
shell.run_cell("nnkit.check.relu(relu)")
shell.run_cell("def sigmoid(Z):\\n    return 1 / (1 + np.exp(-Z))")
shell.run_cell("nnkit.check.sigmoid(sigmoid)")
"""


def test_ipython_shows_the_message_and_the_students_line_only():
    result = subprocess.run(
        [sys.executable, "-c", SESSION], capture_output=True, text=True, check=True
    )
    stub, sigmoid = result.stdout.split("CheckFailed: ")[1:]
    assert stub.strip() == (
        "relu is not written yet: it raises NotImplementedError. "
        "Replace `raise NotImplementedError()` with your code."
    )
    assert sigmoid.startswith(
        'sigmoid: NumPy warned "overflow encountered in exp" at line 2: '
        "return 1 / (1 + np.exp(-Z))"
    )
    assert "_exercise.py" not in result.stdout and "Traceback" not in result.stdout
    assert len(sigmoid.strip().splitlines()) <= 7
