"""nnkit.torch mirrors nnkit name by name and signature by signature.

Every public name of ``nnkit.__all__`` has a twin in ``nnkit.torch`` with the
same signature, apart from the ``device``/``dtype`` arguments the mirror adds
where tensors are created, or is listed in ``NUMPY_ONLY`` with the reason.
File by file, each mirrored module defines the same public names; classes
have the same public methods, with the same signatures.
"""

import importlib
import inspect
import subprocess
import sys
from importlib.util import find_spec

import pytest

import nnkit
import nnkit.torch

NUMPY_ONLY = {
    "data": "data sets are NumPy arrays; the mirror takes them as they are and "
    "copies them to its device (fit does so once)",
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
    name for name in ("early_stopping", "training") if find_spec(f"nnkit.{name}")
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
