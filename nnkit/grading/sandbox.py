"""Run a submission's functions in throw-away processes, and read back the answers.

The grader's side of the sandbox (the child's side is :mod:`.child`). For one
submission it makes a temporary folder::

    WORKDIR/         root-owned, mode 0o711: the child may pass, not list
        job.json     the code cells, limits, argument kinds      (0o600)
        inputs/      the hidden inputs, one .npy per argument     (0o700)
        ready        made by the child before any student code runs
        stderr       the child's error output, read only if ``ready`` is missing
        home/        the child's working directory               (child's)
        outputs/     the child's answers and its log             (child's)

The child reads the job and the inputs before it drops root, so the files
stay unreadable to student code. It then runs as a private user id, chosen
here and used by nothing else on the machine. Without root it runs as the
grader's own user (see :mod:`nnkit.grading` for what that allows).

If the child dies (a time-out, ``os._exit``, a crash), the exercise it was
running fails with that reason, and a new child runs the remaining ones.
"""

import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from nnkit.grading.untrusted import read_answers, read_log

# Private user ids are drawn from this range; ids that exist on the machine are
# skipped. Nothing owns files under them, so the child can read only what any
# user may read.
UID_RANGE = (1_600_000_000, 1_700_000_000)


class SandboxError(RuntimeError):
    """The child failed before running any student code: a problem of the grader."""


@dataclass(frozen=True)
class Limits:
    """Limits of each child process: wall time, address space, file size."""

    time_s: float = 20.0
    memory_bytes: int = 2 * 1024**3
    file_bytes: int = 64 * 1024**2


@dataclass
class Attempt:
    """What came of one exercise: answers (a tuple of arrays per case), or a failure.

    ``failure`` is a code: a category the child logged (``NotImplementedError``,
    ``missing``, ``count``, ...) or how the process ended (``timeout``,
    ``signal SIGKILL``, ``exit 0``); ``case`` is the case it failed on, if known.
    ``during_cells`` is True when the process ended before the functions existed.
    """

    answers: list | None = None
    failure: str | None = None
    case: int | None = None
    during_cells: bool = False


def private_uid():
    """An unused user id for one submission's children, or None if not root."""
    if os.geteuid() != 0:
        return None
    while True:
        uid = UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


def run_exercises(cells, exercises, limits, hidden=()):
    """Run ``cells`` in the sandbox and call each exercise's function on its cases.

    ``exercises`` is a list of ``(name, n_outputs, cases)``, each case a list
    of arguments. The child cannot see the ``hidden`` files and folders (when
    run as root). Returns ``{name: Attempt}`` and ``{cell number: error name}``
    for the code cells that raised.
    """
    uid = private_uid()
    workdir = Path(tempfile.mkdtemp(prefix="nnkit-grading-"))
    try:
        workdir.chmod(0o711)
        for folder in ("inputs", "home", "outputs"):
            (workdir / folder).mkdir(mode=0o700)
            if uid is not None and folder != "inputs":
                os.chown(workdir / folder, uid, uid)
        todo = [
            (name, count, write_inputs(workdir, name, cases))
            for name, count, cases in exercises
        ]
        attempts, cell_errors = {}, {}
        while todo:
            write_job(workdir, uid, limits, cells, todo, hidden)
            (workdir / "ready").unlink(missing_ok=True)
            ending = run_child(workdir, limits)
            if not (workdir / "ready").exists():
                error = (workdir / "stderr").read_text(errors="replace")[-2000:]
                raise SandboxError(f"the sandbox did not start ({ending}):\n{error}")
            log = read_log(workdir / "outputs" / "log")
            (workdir / "outputs" / "log").unlink(missing_ok=True)
            cell_errors.update(log.cell_errors)
            todo = settle(todo, log, ending, attempts, workdir)
        return attempts, cell_errors
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def write_job(workdir, uid, limits, cells, todo, hidden):
    exercises = [{"name": n, "outputs": c, "cases": kinds} for n, c, kinds in todo]
    # Covering a folder that holds the workdir would cut the child off from it.
    hidden = [str(p) for p in map(Path, hidden) if not workdir.is_relative_to(p)]
    job = {
        "uid": uid,
        "limits": asdict(limits),
        "cells": cells,
        "exercises": exercises,
        "hidden": hidden,
    }
    path = workdir / "job.json"
    path.write_text(json.dumps(job))
    path.chmod(0o600)


def settle(todo, log, ending, attempts, workdir):
    """Record what one child run decided; return the exercises still to run.

    ``ending`` is None for a clean exit, else how the process ended.
    """
    if not log.cells_done:
        for name, _, _ in todo:
            attempts[name] = Attempt(failure=ending or "exit 0", during_cells=True)
        return []
    left = []
    for name, count, kinds in todo:
        line = log.exercises.get(name)
        if line is None:
            left.append((name, count, kinds))
        elif line[0] == "done":
            attempts[name] = Attempt(answers=read_answers(workdir, name, count, kinds))
        elif line[0] == "error":
            case = int(line[1]) if line[1].isdigit() else None
            attempts[name] = Attempt(failure=line[2], case=case)
        else:  # started, never finished: the process ended while it ran
            attempts[name] = Attempt(failure=ending or "exit 0")
    if left and (ending is None or len(left) == len(todo)):
        # A clean exit that skipped exercises, or a run that settled nothing:
        # running again would not help.
        for name, _, _ in left:
            attempts[name] = Attempt(failure=ending or "exit 0")
        return []
    return left


def write_inputs(workdir, name, cases):
    """Save each argument of each case as .npy; return each case's argument kinds.

    The kind tells the child how to give the argument back as it was: a
    Python number (``"scalar"``), a list, or an array.
    """
    kinds = []
    for number, args in enumerate(cases):
        kinds.append([])
        for index, value in enumerate(args):
            path = workdir / "inputs" / f"{name}.{number}.{index}.npy"
            np.save(path, np.asarray(value), allow_pickle=False)
            if isinstance(value, list):
                kinds[-1].append("list")
            elif isinstance(value, (int, float)):
                kinds[-1].append("scalar")
            else:
                kinds[-1].append("array")
    return kinds


def run_child(workdir, limits):
    """Run one child to its end; None if it exited cleanly, else how it ended."""
    home = workdir / "home"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    command = [sys.executable, "-I", "-B", "-m", "nnkit.grading.child", str(workdir)]
    # stderr goes to a file of the grader's, shown only if the sandbox fails.
    with open(workdir / "stderr", "wb") as stderr:
        process = subprocess.Popen(
            command,
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        returncode = process.wait(timeout=limits.time_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the child leads its own group
        except ProcessLookupError:
            pass
        process.kill()
        process.wait()
        return "timeout"
    if returncode < 0:
        return f"signal {signal.Signals(-returncode).name}"
    return None if returncode == 0 else f"exit {returncode}"
