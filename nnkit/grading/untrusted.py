"""Read what a sandboxed child wrote, trusting none of it.

The child ran student code, so every file in its ``outputs/`` folder may be
anything: a symbolic link to a private file, a pipe that never ends, a huge
file, a pickle, a log line made up to look like the grader's. Each reader
here opens only regular files, up to a size, and accepts only what it
expects; anything else counts as a missing answer.
"""

import io
import os
import stat
from typing import NamedTuple

import numpy as np

MAX_ANSWER_BYTES = 64 * 1024**2
MAX_LOG_BYTES = 1024**2


def read_untrusted(path, max_bytes):
    """The bytes of a regular file the child wrote, or None.

    Never follows a symbolic link, never blocks on a pipe, never reads more
    than ``max_bytes``: the child chose what sits at ``path``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        return file.read(max_bytes)


class Log(NamedTuple):
    """What the child's log says: whether the cells ran, which raised (cell
    number -> error name), and each exercise's last event, such as
    ``("done",)`` or ``("error", case, error name)``."""

    cells_done: bool
    cell_errors: dict
    exercises: dict


def read_log(path):
    """The child's log, keeping only lines of the expected forms."""
    log = Log(cells_done=False, cell_errors={}, exercises={})
    text = (read_untrusted(path, MAX_LOG_BYTES) or b"").decode("ascii", "replace")
    for line in text.splitlines():
        words = line.split()
        if words == ["cells-done"]:
            log = log._replace(cells_done=True)
        elif len(words) == 3 and words[0] == "cell-error" and words[1].isdigit():
            log.cell_errors[int(words[1])] = words[2]
        elif len(words) == 2 and words[0] in ("start", "done"):
            log.exercises[words[1]] = (words[0],)
        elif len(words) == 4 and words[0] == "error":
            log.exercises[words[1]] = ("error", words[2], words[3])
    return log


def read_answers(workdir, name, count, kinds):
    """Each case's answers as a tuple of plain arrays; None where unreadable."""
    answers = []
    for number in range(len(kinds)):
        answer = []
        for index in range(count):
            data = read_untrusted(
                workdir / "outputs" / f"{name}.{number}.{index}.npy", MAX_ANSWER_BYTES
            )
            try:
                answer.append(np.load(io.BytesIO(data), allow_pickle=False))
            except Exception:  # missing, malformed, or holding pickled objects
                answer.append(None)
        answers.append(tuple(answer))
    return answers
