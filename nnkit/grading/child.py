"""The sandboxed child: run a submission's code, call its functions, send the answers.

:mod:`nnkit.grading.sandbox` starts this program under bubblewrap as
``python -I -B -m nnkit.grading.child``, with the job on stdin. Everything
trusted happens before the first line of student code:

1. read the job (the compiled code cells and the hidden inputs) from stdin;
2. keep stdout for the answers, and point fd 1 (``print``) at /dev/null;
3. limit address space, CPU time, file size and open files (setrlimit);
4. import numpy, nnkit and a few standard modules: after step 5 the
   interpreter's own files may no longer be readable;
5. when started as root: forbid new processes and become the private user
   id the grader chose, which owns no file.

Then it runs the cells, calls each function on its cases and writes one line
per event, answers as base64 ``.npy`` files (see :mod:`.untrusted`), and
``finished`` last. Student code can write anything to the same pipe; the
grader trusts none of it.

A case fails as in ``nnkit.check``: the function raises, NumPy warns (a
``RuntimeWarning``: overflow, division by zero, an invalid value) or an
input array is changed in place. Either way the next case still runs, so
that partial credit can count the cases passed. Imports outside the
course's packages (:mod:`.imports`) fail with a message that names them.
"""

import base64
import builtins
import copy
import importlib
import io
import json
import marshal
import os
import resource
import sys
import warnings

PRELOAD = (
    "collections",
    "copy",
    "functools",
    "itertools",
    "math",
    "operator",
    "random",
    "statistics",
    "numpy",
    "numpy.linalg",
    "numpy.random",
    "numpy.testing",
    "nnkit",
    "nnkit.check",
)


class CoursePackagesOnly:
    """An import finder that refuses modules outside the course's packages.

    ``allowed`` holds the top-level modules of the course's packages and of
    what they depend on; ``offered`` the packages to name in the message.
    The standard library is always allowed. Student code could remove this
    finder: it makes the error clear, the sandbox keeps the grader safe.
    """

    def __init__(self, allowed, offered):
        self.allowed, self.offered = set(allowed), offered

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in self.allowed or top in sys.stdlib_module_names:
            return None  # the usual finders look for it
        raise ModuleNotFoundError(
            f"No module named {top!r} while grading: the grader offers the "
            f"standard library and {', '.join(self.offered)}.",
            name=name,
        )


# Errors that end an exercise rather than one case: a stub, no memory left,
# an exit.
STOPPING = (NotImplementedError, MemoryError, SystemExit, KeyboardInterrupt)


class WrongCount(Exception):
    """The function returned the wrong number of values."""


class NotNumeric(Exception):
    """A returned value is not a number or an array of numbers."""


def main():
    job = json.loads(sys.stdin.buffer.read())
    channel = private_stdout()
    limit_resources(job["limits"])
    # `python -I` leaves out the user's site-packages and PYTHONPATH: the
    # grader passes the folders its course packages come from.
    sys.path += [folder for folder in job.get("path", []) if folder not in sys.path]
    for name in PRELOAD:
        importlib.import_module(name)
    if "probe" in job:
        become(job["uid"])
        channel.write("ready\n")
        for index, path in enumerate(job["probe"]):
            if can_read(path):
                channel.write(f"readable {index}\n")
        finish(channel)
    inputs = {e["name"]: list(map(load_case, e["cases"])) for e in job["exercises"]}
    channel.write("ready\n")
    become(job["uid"])
    for name, text in job["files"]:  # as the private user, who may change them
        path = os.path.join("/tmp", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
    if job["allowed"] is not None:
        sys.meta_path.insert(0, CoursePackagesOnly(job["allowed"], job["offered"]))
    # From here on, student code runs.
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    for number, code in enumerate(job["cells"]):
        if code is None:
            continue  # it did not compile: the grader knows
        try:
            exec(marshal.loads(base64.b64decode(code)), namespace)
        except BaseException as error:  # SystemExit and KeyboardInterrupt too
            channel.write(f"cell-error {number} {category(error)}\n")
    channel.write("cells-done\n")
    for exercise in job["exercises"]:
        name = exercise["name"]
        channel.write(f"start {name}\n")
        line = call(namespace.get(name), exercise, inputs[name], channel)
        channel.write(line + "\n")
    finish(channel)


def private_stdout():
    """A line-buffered copy of stdout for the answers; fd 1 then goes nowhere,
    so that what student code prints is not taken for an answer."""
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="ascii")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    return channel


def finish(channel):
    """Say so and end now: no student ``atexit`` handler or thread runs after."""
    channel.write("finished\n")
    channel.flush()
    os._exit(0)


def limit_resources(limits):
    memory, seconds = limits["memory_bytes"], int(limits["time_s"]) + 1
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def become(uid):
    """Forbid new processes and become ``uid`` (when started as root)."""
    if uid is None:
        return
    # The count is per user id, and this sandbox holds the uid's only processes.
    resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def can_read(path):
    try:
        with open(path, "rb") as file:
            file.read(1)
        return True
    except OSError:
        return False


def load_case(arguments):
    """The arguments of one case, as the student's function receives them."""
    import numpy as np

    args = []
    for argument in arguments:
        array = np.load(io.BytesIO(base64.b64decode(argument["npy"])))
        if argument["kind"] == "scalar":
            args.append(array.item())  # a Python int or float, as in the check
        elif argument["kind"] == "list":
            args.append(array.tolist())
        else:
            args.append(array)
    return args


def call(function, exercise, cases, channel):
    """Call ``function`` on every case and send its answers, and each case's
    failure; return the last line."""
    name = exercise["name"]
    if function is None:
        return f"error {name} - missing"
    if not callable(function):
        return f"error {name} - not-callable"
    for number, args in enumerate(cases):
        given = copy.deepcopy(args)
        try:
            failure = call_once(function, given, exercise, number, channel)
            if failure is None and changed(args, given):
                failure = "changed-input"
        except STOPPING as error:  # the other cases would fail the same way
            return f"error {name} - {category(error)}"
        except BaseException as error:
            failure = category(error)
        if failure:
            channel.write(f"error {name} {number} {failure}\n")
    return f"done {name}"


def call_once(function, args, exercise, number, channel):
    """Call ``function`` on one case and send its answers; return
    ``RuntimeWarning`` if NumPy warned while it ran (as ``nnkit.check`` does)."""
    import numpy as np

    name, count = exercise["name"], exercise["outputs"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        with np.errstate(over="warn", divide="warn", invalid="warn"):
            result = function(*args)
    if count > 1 and not (isinstance(result, (tuple, list)) and len(result) == count):
        raise WrongCount
    for index, value in enumerate(result if count > 1 else (result,)):
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise NotNumeric
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        npy = base64.b64encode(buffer.getvalue()).decode()
        channel.write(f"answer {name} {number} {index} {npy}\n")
    warned = any(issubclass(w.category, RuntimeWarning) for w in caught)
    return "RuntimeWarning" if warned else None


def changed(before, after):
    """True if an argument was changed in place (``after`` was given to the
    function, ``before`` is the case as it was)."""
    import numpy as np

    return not all(
        np.shape(old) == np.shape(new) and np.array_equal(old, new, equal_nan=True)
        for old, new in zip(before, after, strict=True)
    )


def category(error):
    """A name for the error, never text the student chose; the grader accepts
    only the names it knows (student code could change this function)."""
    if isinstance(error, WrongCount):
        return "count"
    if isinstance(error, NotNumeric):
        return "not-numeric"
    name = type(error).__name__
    return name if getattr(builtins, name, None) is type(error) else "Exception"


if __name__ == "__main__":
    main()
