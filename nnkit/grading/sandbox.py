"""Run a submission's functions in throw-away sandboxes, and read back the answers.

The grader's side of the sandbox (the child's side is :mod:`.child`). Each
child is a fresh Python process started by bubblewrap (``bwrap``) in new
IPC, PID, network, UTS and mount namespaces, with ``no_new_privs``:

- the whole file system read-only, with a private, size-limited ``/tmp``
  (empty but for the ``files`` the grader gives), ``/var/tmp`` and
  ``/dev/shm``, a private ``/dev`` and ``/proc``;
- the ``hidden`` paths (other submissions, the gradebook, the seed, the
  instructor's solutions, nnkit's own checkout but its package and the
  interpreter, and any closed folder above the interpreter, such as
  ``/root``) covered by empty, read-only mounts;
- no network, no SysV IPC shared with anyone, its own PID 1: when the child
  ends, its namespaces end, and everything it made in them goes too.

Run as root, bwrap keeps only the rights to change user, and the child,
once the job is read and the modules it needs are imported, becomes a
private user id no file belongs to (:func:`private_uid`). (bwrap's own
``--uid`` is no such user for root: in a user namespace it stays uid 0 on
the host, the owner of root's private files.) Without root, bwrap makes a
user namespace and the child runs as the grader's own user.

Nothing is shared on disk: the job goes to the child on its stdin, the
answers come back on its stdout, read within a budget and parsed as
untrusted (:mod:`.untrusted`). If a child dies (a time-out, ``os._exit``, a crash),
the exercise it was running fails with that reason, and a new child runs
the remaining ones, within a time budget for the whole submission.
"""

import base64
import io
import json
import os
import pwd
import secrets
import signal
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from nnkit.grading.bwrap import SandboxError, bwrap_command, child_environment
from nnkit.grading.untrusted import LineReader, read_report

# Private user ids are drawn from this range; ids that exist on the machine are
# skipped. Nothing owns files under them, so the child can read only what any
# user may read.
UID_RANGE = (1_600_000_000, 1_700_000_000)
MAX_STDERR = 4096


@dataclass(frozen=True)
class Limits:
    """Limits of each child (``time_s``, memory, file size, each private
    temporary folder) and of all the children of one submission together."""

    time_s: float = 20.0
    memory_bytes: int = 2 * 1024**3
    file_bytes: int = 64 * 1024**2
    tmp_bytes: int = 32 * 1024**2
    submission_s: float = 60.0


@dataclass(frozen=True)
class Sandbox:
    """What the children must not see, and what they must see inside it:
    ``keep`` lists paths inside a hidden folder mounted back (read-only).

    ``allowed`` lists the top-level modules student code may import beside
    the standard library (None: any), ``offered`` the packages an import
    error names, ``path`` folders to add to the child's ``sys.path`` and
    ``files`` ``(path, text)`` pairs the child writes into its private
    ``/tmp`` first (:mod:`.imports`)."""

    hidden: tuple = ()
    keep: tuple = ()
    allowed: tuple | None = None
    offered: tuple = ()
    path: tuple = ()
    files: tuple = ()


@dataclass
class Attempt:
    """What came of one exercise: answers (a tuple of arrays per case), or a failure.

    ``failure`` is a code for the whole exercise: a category the child logged
    (``missing``, ``not-callable``, ...) or how the process ended
    (``timeout``, ``budget``, ``signal SIGKILL``, ``exit 0``).
    ``during_cells`` is True when the process ended before the functions
    existed. ``case_failures`` maps a case to the code of its failure
    (``NotImplementedError``, ``RuntimeWarning``, ``changed-input``, ...).
    """

    answers: list | None = None
    failure: str | None = None
    during_cells: bool = False
    case_failures: dict = field(default_factory=dict)


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


def run_exercises(code, exercises, limits, sandbox):
    """Run the compiled cells ``code`` and call each exercise's function on its cases.

    ``exercises`` is a list of ``(name, cases, caps)``: each case a list of
    arguments, ``caps[case][output]`` the most bytes that answer may take.
    Returns ``{name: Attempt}`` and ``{cell number: error name}`` for the code
    cells that raised.
    """
    uid = private_uid()
    deadline = time.monotonic() + limits.submission_s
    inputs = {name: encode_cases(cases) for name, cases, _ in exercises}
    caps = {name: caps for name, _, caps in exercises}
    todo = [name for name, _, _ in exercises]
    attempts, cell_errors = {}, {}
    while todo:
        seconds = min(limits.time_s, deadline - time.monotonic())
        if seconds <= 0:
            attempts.update((name, Attempt(failure="budget")) for name in todo)
            break
        job = {
            "uid": uid,
            "limits": asdict(limits),
            "allowed": sandbox.allowed,
            "offered": sandbox.offered,
            "path": sandbox.path,
            "files": sandbox.files,
            "cells": [base64.b64encode(c).decode() if c else None for c in code],
            "exercises": [
                {"name": n, "outputs": len(caps[n][0]), "cases": inputs[n]}
                for n in todo
            ],
        }
        lines, ending = run_child(job, sandbox, limits, seconds, caps)
        if ending == "timeout" and seconds < limits.time_s:
            ending = "budget"
        report = read_report(lines, caps)
        if not report.ready:
            raise SandboxError(
                f"the sandbox did not start ({ending or 'exit 0'}):\n{lines.stderr}"
            )
        cell_errors.update(report.cell_errors)
        todo = settle(todo, report, ending, attempts)
    return attempts, cell_errors


def settle(todo, report, ending, attempts):
    """Record what one child run decided; return the exercises still to run.

    ``ending`` is None for a clean exit, else how the process ended. A child
    that exits 0 without saying it finished was ended by student code.
    """
    if ending is None and not report.finished:
        ending = "exit 0"
    if not report.cells_done:
        for name in todo:
            attempts[name] = Attempt(failure=ending or "exit 0", during_cells=True)
        return []
    left = []
    for name in todo:
        event = report.exercises.get(name)
        if event is None:
            left.append(name)
        elif event[0] == "done":
            failures = report.failures.items()
            attempts[name] = Attempt(
                answers=report.answers(name),
                case_failures={c: code for (n, c), code in failures if n == name},
            )
        elif event[0] == "error":
            attempts[name] = Attempt(failure=event[2])
        else:  # started, never finished: the process ended while it ran
            attempts[name] = Attempt(failure=ending or "missing")
    if left and (ending is None or len(left) == len(todo)):
        # A child that finished but skipped exercises, or that settled nothing:
        # running again would not help.
        for name in left:
            attempts[name] = Attempt(failure=ending or "missing")
        return []
    return left


def encode_cases(cases):
    """Each case's arguments as ``{"kind", "npy"}``: the kind tells the child how
    to give the argument back as it was, a Python number, a list or an array."""
    encoded = []
    for args in cases:
        encoded.append([])
        for value in args:
            buffer = io.BytesIO()
            np.save(buffer, np.asarray(value), allow_pickle=False)
            if isinstance(value, list):
                kind = "list"
            elif isinstance(value, (int, float)):
                kind = "scalar"
            else:
                kind = "array"
            npy = base64.b64encode(buffer.getvalue()).decode()
            encoded[-1].append({"kind": kind, "npy": npy})
    return encoded


def run_child(job, sandbox, limits, seconds, caps):
    """Run one child to its end; return the lines it wrote and how it ended
    (None for a clean exit, else ``timeout``, ``signal NAME`` or ``exit N``)."""
    command = bwrap_command(sandbox, limits, root=job["uid"] is not None)
    process = subprocess.Popen(
        command,
        env=child_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    lines = LineReader(caps)
    stderr = bytearray()
    threads = [
        threading.Thread(target=_send, args=(process.stdin, json.dumps(job).encode())),
        threading.Thread(target=lines.read, args=(process.stdout,)),
        threading.Thread(target=_tail, args=(process.stderr, stderr)),
    ]
    for thread in threads:
        thread.start()
    try:
        returncode = process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        _kill(process)
        returncode = "timeout"
    for thread in threads:
        thread.join(timeout=10)
    if any(thread.is_alive() for thread in threads):  # a pipe held open: end it
        _kill(process)
    lines.stderr = bytes(stderr).decode("utf-8", "replace")
    if returncode == "timeout":
        return lines, "timeout"
    if returncode < 0:
        return lines, f"signal {signal.Signals(-returncode).name}"
    return lines, None if returncode == 0 else f"exit {returncode}"


def _kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)  # bwrap leads its own group
    except ProcessLookupError:
        pass
    process.wait()


def _send(pipe, data):
    try:
        pipe.write(data)
        pipe.close()
    except OSError:  # BrokenPipeError: the child ended before reading it all
        pass


def _tail(pipe, tail):
    """Keep the last MAX_STDERR bytes the child wrote to stderr."""
    while chunk := pipe.read1(65536):
        tail += chunk
        del tail[:-MAX_STDERR]


def probe(paths, sandbox, limits):
    """The paths of ``paths`` that a child in ``sandbox`` can read.

    Starts one child with the same sandbox and user id as a grading child,
    which runs no student code; a SandboxError says why it did not start.
    """
    job = {"uid": private_uid(), "limits": asdict(limits), "probe": list(paths)}
    job["path"] = sandbox.path
    lines, ending = run_child(job, sandbox, limits, limits.time_s, {})
    report = read_report(lines, {})
    if not report.ready:
        raise SandboxError(
            f"the sandbox did not start ({ending or 'exit 0'}):\n{lines.stderr}"
        )
    return [paths[i] for i in sorted(report.readable) if i < len(paths)]
