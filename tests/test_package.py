"""Package-level promises: no torch on import, a complete public API."""

import subprocess
import sys

import nnkit


def test_importing_nnkit_does_not_import_torch():
    code = "import nnkit, sys; assert 'torch' not in sys.modules, 'torch was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_public_name_is_exported_and_documented():
    for name in nnkit.__all__:
        obj = getattr(nnkit, name)
        assert obj.__doc__, f"nnkit.{name} has no docstring"
