"""The sandboxed child: run a submission's code, call its functions, save the answers.

:mod:`nnkit.grading.sandbox` starts this program as
``python -I -B -m nnkit.grading.child WORKDIR`` in a fresh process with a
minimal environment. Everything trusted happens before the first line of
student code:

1. read the job (the code cells and the hidden inputs) into memory;
2. limit address space, CPU time, file size and open files (setrlimit);
3. import numpy, nnkit and a few standard modules: once step 4 is done the
   interpreter's own files may no longer be readable;
4. when started as root: enter new network and mount namespaces (no
   network; the grader's private paths covered by empty mounts), forbid new
   processes, and become the private user id the grader chose, which owns
   nothing but ``home/`` and ``outputs/`` of this job.

Then it runs the cells, calls each function on its cases, writes each answer
to ``outputs/`` as a ``.npy`` file and one line per event to ``outputs/log``.
Nothing this process writes is trusted: the grader reads every file
defensively and compares the answers in its own process.
"""

import builtins
import copy
import importlib
import json
import os
import resource
import sys

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
# Flags of unshare(2) and mount(2), from <sched.h> and <sys/mount.h>.
CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18


class WrongCount(Exception):
    """The function returned the wrong number of values."""


class NotNumeric(Exception):
    """A returned value is not a number or an array of numbers."""


def main(workdir):
    with open(os.path.join(workdir, "job.json")) as file:
        job = json.load(file)
    limit_resources(job["limits"])
    for name in PRELOAD:
        importlib.import_module(name)
    inputs = {
        exercise["name"]: [
            load_case(workdir, exercise["name"], number, kinds)
            for number, kinds in enumerate(exercise["cases"])
        ]
        for exercise in job["exercises"]
    }
    outputs = os.path.join(workdir, "outputs")
    os.chdir(os.path.join(workdir, "home"))
    # Tells the grader the sandbox itself worked. Written before isolation, in
    # the grader's folder, so that student code cannot remove it.
    open(os.path.join(workdir, "ready"), "w").close()
    if job["uid"] is not None:
        isolate(job["uid"], job["hidden"])
    # From here on, student code runs. Line buffering: each event reaches the
    # file at once, so the grader knows how far we got if the process dies.
    log = open(os.path.join(outputs, "log"), "a", buffering=1)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    for number, source in enumerate(job["cells"]):
        try:
            exec(compile(source, f"<cell {number}>", "exec"), namespace)
        except BaseException as error:  # SystemExit and KeyboardInterrupt too
            log.write(f"cell-error {number} {category(error)}\n")
    log.write("cells-done\n")
    for exercise in job["exercises"]:
        name = exercise["name"]
        log.write(f"start {name}\n")
        log.write(call(namespace.get(name), exercise, inputs[name], outputs) + "\n")


def limit_resources(limits):
    memory, seconds = limits["memory_bytes"], int(limits["time_s"]) + 1
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def isolate(uid, hidden):
    """Cut the network, cover the ``hidden`` paths, forbid new processes and
    become ``uid``; this process must be root."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    # New network and mount namespaces: best effort, as a container may forbid
    # them (the private uid still protects files other users cannot read).
    if libc.unshare(CLONE_NEWNS | CLONE_NEWNET) == 0:
        libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None)  # mounts stay here
        for path in map(os.fsencode, hidden):
            if os.path.isdir(path):  # an empty folder nobody may enter
                flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC
                libc.mount(b"none", path, b"tmpfs", flags, b"size=4k,mode=000")
            elif os.path.exists(path):  # a file: now empty
                libc.mount(b"/dev/null", path, None, MS_BIND, None)
    # The count is per user id, and this process is the uid's only one.
    resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def load_case(workdir, name, number, kinds):
    """The arguments of one case, as the student's function receives them."""
    import numpy as np

    args = []
    for index, kind in enumerate(kinds):
        path = os.path.join(workdir, "inputs", f"{name}.{number}.{index}.npy")
        array = np.load(path, allow_pickle=False)
        if kind == "scalar":
            args.append(array.item())  # a Python int or float, as in the check
        elif kind == "list":
            args.append(array.tolist())
        else:
            args.append(array)
    return args


def call(function, exercise, cases, outputs):
    """Call ``function`` on every case and save its answers; return the log line."""
    import numpy as np

    name, count = exercise["name"], exercise["outputs"]
    if function is None:
        return f"error {name} - missing"
    if not callable(function):
        return f"error {name} - not-callable"
    for number, args in enumerate(cases):
        try:
            result = function(*copy.deepcopy(args))
            if count > 1 and not (
                isinstance(result, (tuple, list)) and len(result) == count
            ):
                raise WrongCount
            for index, value in enumerate(result if count > 1 else (result,)):
                array = np.asarray(value)
                if array.dtype.kind not in "biuf":
                    raise NotNumeric
                path = os.path.join(outputs, f"{name}.{number}.{index}.npy")
                np.save(path, array, allow_pickle=False)
        except BaseException as error:  # SystemExit and KeyboardInterrupt too
            return f"error {name} {number} {category(error)}"
    return f"done {name}"


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
    main(sys.argv[1])
