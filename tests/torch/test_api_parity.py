"""nnkit.torch mirrors nnkit name by name, signature by signature and line by line.

Every public name of ``nnkit.__all__`` has a twin in ``nnkit.torch`` with the
same signature, apart from the ``device``/``dtype`` arguments the mirror adds
where tensors are created, or is listed in ``NUMPY_ONLY`` with the reason.
File by file, each mirrored module defines the same public names; classes
have the same public methods, with the same signatures. And every function and
method defined in both twins has the same body, once docstrings, comments and
line wrapping are dropped and NumPy's spelling is translated to torch's
(``np.`` -> ``torch.``, ``.astype(`` -> ``.to(``, ...), apart from the
differences listed in ``TWIN_DIFFERENCES``: a change to one twin fails until
the other follows it (or the list says why they differ).
"""

import ast
import importlib
import inspect
import re
import runpy
import subprocess
import sys
import textwrap
from importlib.util import find_spec
from pathlib import Path

import pytest

import nnkit
import nnkit.torch

NUMPY_ONLY = {
    "data": "data sets are NumPy arrays; the mirror takes them as they are and "
    "copies them to its device (fit does so once)",
    "calibration": "calibration is measured, and a temperature fitted, after "
    "training, on a validation set's outputs as NumPy arrays, like the metrics "
    "of nnkit.metrics: pass them tensor.cpu().numpy()",
    "Perceptron": "the perceptron rule (chapter 1) updates one sample at a time "
    "with no gradient: nothing a GPU would speed up",
}

# The files of nnkit that nnkit.torch mirrors one to one.
MIRRORED_FILES = [
    "module",
    "linear",
    "activations",
    "losses",
    "sequential",
    "gradcheck",
    "init",
    "optim",
    "regularization",
]
# Written alongside the mirror; compared as soon as they are there.
MIRRORED_FILES += [
    name
    for name in ("early_stopping", "schedulers", "training")
    if find_spec(f"nnkit.{name}")
]

# Arguments only the mirror has.
TORCH_ONLY_ARGUMENTS = {"device", "dtype"}


def comparable(callable_):
    """A signature as (name, kind, default) triples, ignoring device/dtype;
    function defaults (``init=xavier_uniform``) compare by name."""
    triples = []
    for p in inspect.signature(callable_).parameters.values():
        if p.name in TORCH_ONLY_ARGUMENTS:
            continue
        default = p.default
        if inspect.isfunction(default):
            default = default.__name__
        triples.append((p.name, p.kind, default))
    return triples


def public_methods(cls):
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def assert_same_api(ours, theirs, label):
    assert comparable(ours) == comparable(theirs), f"{label}: signatures differ"
    if inspect.isclass(theirs):
        assert set(public_methods(ours)) == set(public_methods(theirs)), label
        for name, method in public_methods(theirs).items():
            mirrored = public_methods(ours)[name]
            assert comparable(mirrored) == comparable(method), f"{label}.{name}"


@pytest.mark.parametrize("name", sorted(nnkit.__all__))
def test_every_public_name_has_a_twin_or_a_reason(name):
    if name in NUMPY_ONLY:
        assert not hasattr(nnkit.torch, name)
        return
    assert name in nnkit.torch.__all__, f"nnkit.torch lacks {name}"
    theirs, ours = getattr(nnkit, name), getattr(nnkit.torch, name)
    if inspect.ismodule(theirs):
        assert inspect.ismodule(ours)
    else:
        assert_same_api(ours, theirs, name)
        assert ours.__doc__, f"nnkit.torch.{name} has no docstring"


def defined_names(module):
    """Public functions and classes defined in ``module`` itself."""
    return {
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    }


@pytest.mark.parametrize("file", MIRRORED_FILES)
def test_each_file_defines_the_same_names_with_the_same_signatures(file):
    theirs = importlib.import_module(f"nnkit.{file}")
    ours = importlib.import_module(f"nnkit.torch.{file}")
    assert defined_names(ours) == defined_names(theirs)
    for name in defined_names(theirs):
        assert_same_api(getattr(ours, name), getattr(theirs, name), f"{file}.{name}")


def test_importing_nnkit_torch_imports_torch_and_nnkit_does_not():
    code = (
        "import sys, nnkit; assert 'torch' not in sys.modules; "
        "import nnkit.torch; assert 'torch' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# The intended differences between twin bodies, each a (NumPy text, torch text)
# pair: device and dtype plumbing, and operations the two libraries spell
# differently. Long lines, so in a file of their own.
TWIN_DIFFERENCES = runpy.run_path(str(Path(__file__).with_name("twin_differences.py")))[
    "TWIN_DIFFERENCES"
]

# NumPy spelling -> torch spelling, applied to the NumPy twin's body.
TRANSLATIONS = [
    (r"\bnp\.(?!random\b)", "torch."),  # np.random stays: rng is NumPy's in both
    (r"\bas_float_array\b", "as_float_tensor"),
    (r"\.astype\(", ".to("),
    (r"\.copy\(\)", ".clone()"),
    (r"\.size\b", ".numel()"),
]


def body(function):
    """The statements of ``function`` without its docstring, comments and line
    wrapping, as ``ast.unparse`` writes them."""
    node = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    statements = node.body[1:] if ast.get_docstring(node) is not None else node.body
    return "\n".join(ast.unparse(statement) for statement in statements)


def translated(numpy_body):
    for pattern, replacement in TRANSLATIONS:
        numpy_body = re.sub(pattern, replacement, numpy_body)
    return numpy_body


def functions(module):
    """Every function and method defined in ``module``, by qualified name."""
    found = {}
    for name, obj in vars(module).items():
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            found[name] = obj
        elif inspect.isclass(obj):
            for method, f in vars(obj).items():
                if inspect.isfunction(f):
                    found[f"{name}.{method}"] = f
    return found


BODY_CASES = [
    (file, name)
    for file in MIRRORED_FILES
    for name in sorted(
        set(functions(importlib.import_module(f"nnkit.{file}")))
        & set(functions(importlib.import_module(f"nnkit.torch.{file}")))
    )
]


@pytest.mark.parametrize("file, name", BODY_CASES)
def test_twin_bodies_are_the_same_translation(file, name):
    numpy_twin = functions(importlib.import_module(f"nnkit.{file}"))[name]
    torch_twin = functions(importlib.import_module(f"nnkit.torch.{file}"))[name]
    expected = translated(body(numpy_twin))
    for numpy_text, torch_text in TWIN_DIFFERENCES.get(f"{file}.{name}", []):
        assert numpy_text in expected, (
            f"{file}.{name}: TWIN_DIFFERENCES expects {numpy_text!r} in the NumPy "
            "twin, which no longer has it; update the list (and the torch twin)."
        )
        expected = expected.replace(numpy_text, torch_text, 1)
    assert body(torch_twin) == expected, (
        f"nnkit.torch.{file}.{name} no longer translates nnkit.{file}.{name}: make "
        "the twins follow each other, or list the difference in TWIN_DIFFERENCES."
    )


def test_every_listed_difference_belongs_to_a_twin_pair():
    assert set(TWIN_DIFFERENCES) <= {f"{file}.{name}" for file, name in BODY_CASES}
