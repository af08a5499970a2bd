"""Read what a sandboxed child wrote on its stdout, trusting none of it.

The child ran student code, so its output may be anything: gigabytes,
lines made up to look like the grader's, answers of the wrong size, pickles.
:class:`LineReader` keeps at most a budget of bytes, computed from the sizes
of the expected answers, and drops any line longer than the longest answer;
:func:`read_report` accepts only lines of the expected forms, and answers
only for the exercises, cases and outputs asked for, up to their size::

    ready                        the sandbox works; no student code ran yet
    cell-error NUMBER ERROR      a code cell raised ERROR (a built-in's name)
    cells-done
    start NAME
    answer NAME CASE OUTPUT NPY  one answer, as a base64 .npy file
    error NAME CASE ERROR        case CASE failed (raised, warned, changed an input)
    done NAME | error NAME - ERROR   the last line of an exercise
    readable INDEX               (probe) a path the child could read
    finished                     the child's own last line
"""

import base64
import binascii
import builtins
import io
import re
from typing import NamedTuple

import numpy as np

MAX_LOG_BYTES = 1024**2
CODE = re.compile(r"[A-Za-z][A-Za-z_-]{0,39}")


class LineReader:
    """Read a child's stdout into ``lines``, within a budget.

    ``caps`` maps each exercise to ``caps[case][output]``, the most bytes of
    that answer. Reading goes on to the end, so that the child never blocks,
    but what is over the budget is dropped.
    """

    def __init__(self, caps):
        sizes = [cap for per_case in caps.values() for case in per_case for cap in case]
        self.max_line = 4 * max(sizes, default=0) // 3 + 256
        self.budget = 4 * sum(sizes) // 3 + 1024 * len(sizes) + MAX_LOG_BYTES
        self.lines, self.stderr = [], ""

    def read(self, pipe):
        pending, skipping, kept = bytearray(), False, 0
        while chunk := pipe.read1(65536):
            if kept > self.budget:
                continue
            pending += chunk
            *complete, rest = pending.split(b"\n")
            for line in complete:
                if not skipping and kept + len(line) <= self.budget:
                    self.lines.append(bytes(line))
                    kept += len(line) + 1
                skipping = False
            pending = bytearray(rest)
            if len(pending) > self.max_line:  # drop the rest of this line
                pending, skipping = bytearray(), True


class Report(NamedTuple):
    """What a child's output says. ``exercises`` maps a name to its last event,
    ``("start",)``, ``("done",)`` or ``("error", None, code)``; ``failures``
    maps ``(name, case)`` to the code of a failed case; ``npy`` maps
    ``(name, case, output)`` to the bytes of an answer."""

    ready: bool
    cells_done: bool
    finished: bool
    cell_errors: dict
    exercises: dict
    failures: dict
    npy: dict
    readable: set
    caps: dict

    def answers(self, name):
        """Each case's answers as a tuple of plain arrays; None where unreadable."""
        return [
            tuple(
                load_answer(self.npy.get((name, case, output)))
                for output in range(len(outputs))
            )
            for case, outputs in enumerate(self.caps[name])
        ]


def read_report(reader, caps):
    """The :class:`Report` of the lines a :class:`LineReader` kept."""
    report = Report(False, False, False, {}, {}, {}, {}, set(), caps)
    for raw in reader.lines:
        words = raw.decode("ascii", "replace").split()
        if words in (["ready"], ["cells-done"], ["finished"]):
            field = {"ready": "ready", "cells-done": "cells_done"}.get(words[0])
            report = report._replace(**{field or "finished": True})
        elif len(words) == 2 and words[0] == "readable" and words[1].isdigit():
            report.readable.add(int(words[1]))
        elif len(words) == 3 and words[0] == "cell-error" and words[1].isdigit():
            report.cell_errors[int(words[1])] = error_code(words[2])
        elif len(words) == 2 and words[0] in ("start", "done") and words[1] in caps:
            report.exercises[words[1]] = (words[0],)
        elif len(words) == 4 and words[0] == "error" and words[1] in caps:
            name, case, code = words[1], words[2], error_code(words[3])
            if not case.isdigit():
                report.exercises[name] = ("error", None, code)
            elif int(case) < len(caps[name]):
                report.failures[(name, int(case))] = code
        elif len(words) == 5 and words[0] == "answer" and words[1] in caps:
            key = _answer_key(words, caps)
            if key and len(words[4]) <= 4 * caps[key[0]][key[1]][key[2]] // 3 + 4:
                try:
                    report.npy[key] = base64.b64decode(words[4], validate=True)
                except (binascii.Error, ValueError):
                    pass
    return report


def _answer_key(words, caps):
    if not (words[2].isdigit() and words[3].isdigit()):
        return None
    case, output = int(words[2]), int(words[3])
    per_case = caps[words[1]]
    if case < len(per_case) and output < len(per_case[case]):
        return (words[1], case, output)
    return None


def error_code(word):
    """The child's name for an error, if it is one the grader knows; the child
    may write anything, so anything else is just ``Exception``."""
    known = {"missing", "not-callable", "count", "not-numeric", "changed-input"}
    if word in known or (CODE.fullmatch(word) and _is_builtin_error(word)):
        return word
    return "Exception"


def _is_builtin_error(name):
    value = getattr(builtins, name, None)
    return isinstance(value, type) and issubclass(value, BaseException)


def load_answer(data):
    """The array in the .npy bytes ``data``, or None: missing, malformed,
    pickled objects, or anything but numbers."""
    if data is None:
        return None
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception:
        return None
    return array if array.dtype.kind in "biuf" else None
