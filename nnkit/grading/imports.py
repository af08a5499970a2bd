"""What student code may import while it is graded: the course's packages.

Student code may import the standard library, nnkit, everything nnkit
depends on (NumPy, Matplotlib, tqdm, ipywidgets, anywidget) and the packages
the chapters use (PyTorch, where it is installed), with what they depend on
in turn. Any other import fails with a message naming the packages offered,
so that a notebook graded here and in nbgrader's kernel fails the same way
where a package is missing, and the student learns why.

The sandbox starts Python isolated (``python -I``), which leaves out the
user's own site-packages and ``PYTHONPATH``: :func:`package_folders` names
the folders the course's modules come from, which the sandbox mounts and the
child puts on its ``sys.path``. Each child starts with an empty ``/tmp``, so
Matplotlib would build its font list again (seconds) in every child that
imports ``matplotlib.pyplot``; :func:`prepared_files` gives it the grader's.
"""

import importlib.util
import os
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# Beside nnkit's own dependencies, the packages the chapters import.
CHAPTER_PACKAGES = ("torch",)


def offered():
    """The course's distributions that are installed: nnkit, its dependencies
    and the chapters' packages (no extras)."""
    names = ["nnkit", *(r.name for r in requirements("nnkit")), *CHAPTER_PACKAGES]
    return sorted({n for n in names if installed(n)}, key=str.lower)


def allowed_modules():
    """The top-level modules of the offered distributions and of all they
    depend on."""
    wanted = dependency_closure(offered())
    modules = {
        module
        for module, distributions in metadata.packages_distributions().items()
        if any(canonicalize_name(d) in wanted for d in distributions)
    }
    return sorted(modules | {"nnkit"})  # an editable nnkit maps no module


def dependency_closure(names):
    """The canonical names of ``names`` and of everything they require."""
    seen, todo = set(), list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen or not installed(name):
            continue
        seen.add(name)
        todo += [r.name for r in requirements(name)]
    return seen


def requirements(name):
    """What distribution ``name`` requires, extras left out."""
    found = []
    for text in metadata.requires(name) or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or marker.evaluate({"extra": ""}):
            found.append(requirement)
    return found


def installed(name):
    try:
        metadata.distribution(name)
        return True
    except metadata.PackageNotFoundError:
        return False


def package_folders(modules):
    """The ``sys.path`` folders that hold ``modules``, in ``sys.path`` order."""
    folders = set()
    for module in modules:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            continue
        locations = spec and (spec.submodule_search_locations or [spec.origin])
        for location in locations or []:
            if location and os.path.isabs(location):
                folders.add(os.path.dirname(os.path.realpath(location)))
    return [
        entry
        for entry in map(os.path.realpath, filter(None, sys.path))
        if entry in folders
    ]


def prepared_files():
    """``((path under the child's /tmp, text), ...)``: Matplotlib's font list,
    built once here (the child's ``MPLCONFIGDIR`` is ``/tmp/matplotlib``)."""
    try:
        import matplotlib
        from matplotlib import font_manager  # builds the font list if missing
    except ImportError:
        return ()
    name = f"fontlist-v{font_manager.FontManager.__version__}.json"
    path = Path(matplotlib.get_cachedir(), name)
    return ((f"matplotlib/{name}", path.read_text()),) if path.is_file() else ()
