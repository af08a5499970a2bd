"""The Binder environment (binder/) installs what the notebooks need.

repo2docker builds it with ``pip install -r binder/requirements.txt`` from
the repository's root, in a fresh environment whose Jupyter kernel it provides.
The test does the same in a fresh venv, on a copy of this checkout (pip builds
nnkit there, in the tree), adds ipykernel (repo2docker's) and nbval (the
test's), and runs chapter 9, the one that needs the PyTorch extra, under
strict nbval as CI runs the book.
"""

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
TORCH_CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"
CHAPTER = "book/09_pytorch.ipynb"


def test_runtime_is_the_python_of_the_lock():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11", runtime  # constraints.txt was made with 3.11


def test_requirements_install_nnkit_under_the_lock():
    lines = [
        line
        for line in (BINDER / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines == [TORCH_CPU_INDEX, "-c ../constraints.txt", ".[torch]"]


@pytest.mark.slow
def test_binder_environment_runs_a_chapter_under_nbval(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(
        ROOT,
        checkout,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "_build", ".cache", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    # This machine cannot reach download.pytorch.org; its local wheel store holds
    # the same CPU-only torch. That index line is the one difference.
    requirements = checkout / "binder" / "requirements.txt"
    text = requirements.read_text()
    assert TORCH_CPU_INDEX in text
    requirements.write_text(text.replace(TORCH_CPU_INDEX, ""))

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"

    def run(*args, cwd=checkout):
        result = subprocess.run(
            [python, *args], cwd=cwd, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result.stdout

    run("-m", "pip", "install", "-q", "-r", "binder/requirements.txt")
    run("-m", "pip", "install", "-q", "-c", "constraints.txt", "ipykernel", "nbval")
    # From a folder without nnkit/, so that the import finds the installed one.
    where = run("-c", "import nnkit, torch; print(nnkit.__file__)", cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(env_dir), where
    out = run(
        "-m", "pytest", "-p", "no:python", "-p", "no:cacheprovider", "-q",
        "--nbval", "--nbval-current-env",
        "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", CHAPTER,
    )  # fmt: skip
    assert " passed" in out and "failed" not in out, out[-2000:]
