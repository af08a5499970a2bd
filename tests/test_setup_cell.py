"""The cell that installs nnkit where a notebook is opened without it.

book/_tools/setup_cell.py puts it below the title of every chapter and
assignment source; ``make release`` carries it into the student versions. The
fast tests check where it is and what it does where nnkit is installed
(nothing). The slow one makes a fresh virtual environment with Jupyter and
no nnkit, and runs the first cells of a chapter and of a released assignment
there, with the cell pointed at a copy of this checkout.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "book" / "_tools"


def load(name):
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


setup_cell = load("setup_cell")
check_notebooks = load("check_notebooks")
RELEASED = sorted((ROOT / "book" / "_static" / "assignments").glob("*.ipynb"))
NOTEBOOKS = setup_cell.book_notebooks() + RELEASED


def setup_cells(notebook):
    return [cell for cell in notebook.cells if setup_cell.is_setup_cell(cell)]


def test_every_notebook_has_the_current_setup_cell():
    result = subprocess.run(
        [sys.executable, TOOLS / "setup_cell.py", "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT / "book").as_posix()
)
def test_the_setup_cell_is_the_first_code_cell_and_hidden(path):
    notebook = nbformat.read(path, as_version=4)
    [cell] = setup_cells(notebook)
    assert notebook.cells[1] is cell and notebook.cells[0].cell_type == "markdown"
    assert "remove-cell" in cell.metadata["tags"]  # Jupyter Book leaves it out
    assert cell.outputs == []
    version = setup_cell.version()
    assert f"@v{version}" in cell.source and f"nnkit {version}" in cell.source


def test_the_extras_follow_what_the_notebook_imports():
    chapter = nbformat.read(ROOT / "book" / "09_pytorch.ipynb", as_version=4)
    assert '"nnkit[torch] @ ' in setup_cells(chapter)[0].source
    chapter = nbformat.read(ROOT / "book" / "01_perceptron.ipynb", as_version=4)
    assert '"nnkit @ ' in setup_cells(chapter)[0].source


def test_released_assignments_keep_it_locked():
    for path in RELEASED:
        [cell] = setup_cells(nbformat.read(path, as_version=4))
        assert cell.metadata["editable"] is False, path.name
        assert cell.metadata["nbgrader"]["locked"] is True, path.name


def test_the_tool_is_idempotent_and_keeps_the_other_cells(tmp_path):
    title = nbformat.v4.new_markdown_cell("# A chapter")
    code = nbformat.v4.new_code_cell("import torch\nprint(1)", execution_count=1)
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    notebook = nbformat.v4.new_notebook(cells=[title, code])
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    setup_cell.main([str(path)])
    once = path.read_text()
    setup_cell.main([str(path)])
    assert path.read_text() == once
    cells = nbformat.read(path, as_version=4).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert cells[2] == code and "nnkit[torch]" in cells[1].source
    older = setup_cell.with_setup_cell(nbformat.read(path, as_version=4), "0.0.1")
    nbformat.write(older, path)
    with pytest.raises(SystemExit, match="1 notebook"):  # another version's cell
        setup_cell.main(["--check", str(path)])
    assert "@v0.0.1" in path.read_text()  # --check changes nothing


def test_check_notebooks_accepts_the_unexecuted_cell_but_not_an_output(tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A chapter"),
            nbformat.v4.new_code_cell("x = 1", execution_count=1),
        ]
    )
    notebook = setup_cell.with_setup_cell(notebook, "0.1.0")
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    assert check_notebooks.notebook_problems(path, toc_files=None) == []
    notebook.cells[1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="Installing\n")
    ]
    nbformat.write(notebook, path)
    [problem] = check_notebooks.notebook_problems(path, toc_files=None)
    assert "setup cell but stores an output" in problem


def test_where_nnkit_is_installed_the_cell_prints_nothing():
    source = setup_cells(nbformat.read(ROOT / "book" / "09_pytorch.ipynb", 4))[0].source
    result = subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        env={**os.environ, "NNKIT_SOURCE": "file:///nonexistent"},
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# The slow test: a fresh environment ------------------------------------------

RUN_FIRST_CELLS = """
import json, sys
import nbformat
from nbclient import NotebookClient

path, workdir, extra = sys.argv[1], sys.argv[2], sys.argv[3]
notebook = nbformat.read(path, as_version=4)
code = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
notebook.cells = notebook.cells[: code[1] + 1]  # the setup cell and the next one
notebook.cells.append(nbformat.v4.new_code_cell(extra))
NotebookClient(
    notebook, kernel_name="python3", resources={"metadata": {"path": workdir}}
).execute()
print(json.dumps([c.outputs for c in notebook.cells if c.cell_type == "code"]))
"""
WHERE = "import nnkit, sys; print(nnkit.__file__); print(sys.prefix)"


def copy_of_checkout(target):
    """This checkout's files, without the environments and builds in it."""
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "_build", ".cache", "*.egg-info", "__pycache__", ".*_cache"
    )
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


@pytest.mark.slow
def test_a_fresh_environment_installs_nnkit_from_the_setup_cell(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(
        PATH=f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}",
        JUPYTER_PATH=str(env_dir / "share" / "jupyter"),  # this venv's kernel first
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
        NNKIT_SOURCE=copy_of_checkout(tmp_path / "checkout").as_uri(),
    )

    def run(*args, cwd=tmp_path):
        result = subprocess.run(
            [str(python), *args], cwd=cwd, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result.stdout

    jupyter = ["ipykernel", "nbclient", "nbformat"]
    run("-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt"), *jupyter)
    run("-m", "ipykernel", "install", "--sys-prefix", "--name", "python3")
    workdir = tmp_path / "work"  # a folder with no nnkit/ to import by accident
    workdir.mkdir()
    missing = "import importlib.util as u; assert u.find_spec('nnkit') is None"

    def first_cells(path):
        run("-c", missing, cwd=workdir)
        script = tmp_path / "run_first_cells.py"
        script.write_text(RUN_FIRST_CELLS)
        outputs = json.loads(run(str(script), str(path), str(workdir), WHERE))
        printed = "".join(o.get("text", "") for o in outputs[-1])
        nnkit_file, prefix = printed.split()
        assert Path(prefix) == env_dir
        assert Path(nnkit_file).is_relative_to(env_dir / "lib"), nnkit_file
        assert not any(o["output_type"] == "error" for cell in outputs for o in cell)

    first_cells(ROOT / "book" / "01_perceptron.ipynb")
    run("-m", "pip", "uninstall", "-q", "-y", "nnkit")
    first_cells(ROOT / "book" / "_static" / "assignments" / "ch01_perceptron.ipynb")
