"""The bubblewrap command line that starts one sandboxed child.

See :mod:`nnkit.grading.sandbox` for what the sandbox is for; this module
only spells it in ``bwrap``'s options: new namespaces, the file system
read-only, private temporary folders, the hidden paths covered by empty
mounts with the interpreter and nnkit's package mounted back, and the
rights the child keeps.
"""

import os
import shutil
import sys

INSTALL = (
    "Install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap; "
    "Fedora: dnf install bubblewrap; or `make sandbox-deps`)."
)
PRIVATE_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # an empty tmpfs in each child


class SandboxError(RuntimeError):
    """The sandbox failed before running any student code: a problem of the grader."""


def bwrap_path():
    """The bwrap program, or a SandboxError that says how to install it."""
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxError(f"the grader needs bubblewrap (bwrap) to sandbox. {INSTALL}")
    return path


def bwrap_command(sandbox, limits, root):
    """The bwrap command line that starts one child."""
    command = [bwrap_path(), "--unshare-ipc", "--unshare-pid", "--unshare-net"]
    command += ["--unshare-uts", "--unshare-cgroup-try", "--die-with-parent"]
    command += ["--new-session", "--ro-bind", "/", "/", "--dev", "/dev"]
    command += ["--proc", "/proc"]
    for folder in PRIVATE_FOLDERS:
        if folder == "/dev/shm" or os.path.isdir(folder):
            command += ["--size", str(limits.tmp_bytes), "--perms", "1777"]
            command += ["--tmpfs", folder]
    command += cover(sandbox)
    if root:  # the child changes to its private user id itself
        command += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID"]
        command += ["--cap-add", "CAP_SETGID"]
    else:
        command += ["--unshare-user", "--disable-userns"]
    command += ["--clearenv", "--chdir", "/tmp"]
    for name, value in child_environment().items():
        command += ["--setenv", name, value]
    return [*command, "--", sys.executable, "-I", "-B", "-m", "nnkit.grading.child"]


def cover(sandbox):
    """bwrap arguments that hide each hidden path behind an empty mount and
    mount back the ``keep`` paths inside hidden folders, read-only."""
    hidden = {os.path.realpath(p) for p in sandbox.hidden}
    hidden |= {_closed_folder(path) for path in sandbox.keep} - {None}
    # The private temporary folders already hide what the host keeps there,
    # but a checkout or virtual environment kept there is mounted back.
    arguments, covered = [], list(PRIVATE_FOLDERS)
    for folder in PRIVATE_FOLDERS:
        arguments += mount_back(folder, sandbox.keep)
    keep = {os.path.realpath(k) for k in sandbox.keep}
    for path in sorted(hidden, key=len):
        mounted_back = any(_within(path, kept) for kept in keep)
        if any(_within(path, folder) for folder in covered) and not mounted_back:
            continue  # already hidden with a folder above it
        if not os.path.exists(path):
            continue
        if not os.path.isdir(path):
            arguments += ["--ro-bind", "/dev/null", path]
            continue
        kept = mount_back(path, sandbox.keep)
        arguments += ["--size", "65536", "--perms", "0555" if kept else "0000"]
        arguments += ["--tmpfs", path, *kept, "--remount-ro", path]
        covered.append(path)
    return arguments


def mount_back(folder, keep):
    """bwrap arguments that mount the ``keep`` paths inside ``folder`` back,
    read-only, over the empty mount that hides ``folder``."""
    keep = {os.path.realpath(k) for k in keep}
    inside = sorted(
        k
        for k in keep
        if _within(k, folder) and not any(_within(k, o) for o in keep - {k})
    )
    arguments = []
    for kept in inside:
        arguments += ["--ro-bind", kept, kept]
        # bwrap makes the folders between private (0700): open them.
        between = os.path.dirname(kept)
        while between != folder:
            arguments += ["--chmod", "0555", between]
            between = os.path.dirname(between)
    return arguments


def _closed_folder(path):
    """The first folder above ``path`` that other users may not enter (such as
    /root, above an interpreter installed by pyenv), or None. Covering it, and
    mounting ``path`` back, lets the child reach ``path`` and nothing beside."""
    folder = "/"
    for part in os.path.realpath(path).split("/")[1:-1]:
        folder = os.path.join(folder, part)
        if not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def _within(path, folder):
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def child_environment():
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
