"""The static notebook check must catch what strict nbval cannot."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "check_notebooks", ROOT / "book/_tools/check_notebooks.py"
)
check_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_notebooks)


def write(tmp_path, cells):
    notebook = nbformat.v4.new_notebook(cells=cells)
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    return path


def title():
    return nbformat.v4.new_markdown_cell("# A chapter")


def code(source, count, outputs=(), tags=()):
    cell = nbformat.v4.new_code_cell(
        source, execution_count=count, outputs=list(outputs)
    )
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def stream(name, text):
    return nbformat.v4.new_output("stream", name=name, text=text)


def error():
    return nbformat.v4.new_output(
        "error", ename="ValueError", evalue="bad", traceback=[]
    )


def problems(tmp_path, cells):
    return check_notebooks.notebook_problems(write(tmp_path, cells), toc_files=None)


def test_a_clean_notebook_passes(tmp_path):
    cells = [title(), code("x = 1", 1), code("print(x)", 2, [stream("stdout", "1\n")])]
    assert problems(tmp_path, cells) == []


def test_a_never_executed_cell_fails(tmp_path):
    found = problems(tmp_path, [title(), code("x = 1", 1), code("print(x)", None)])
    assert any("cell 2 was never executed" in p for p in found)


def test_cells_executed_out_of_order_fail(tmp_path):
    found = problems(tmp_path, [title(), code("x = 1", 2), code("y = 2", 1)])
    assert any("not executed once each, top to bottom" in p for p in found)


def test_a_cell_executed_twice_fails(tmp_path):
    found = problems(tmp_path, [title(), code("x = 1", 1), code("y = 2", 3)])
    assert any("[1, 3]" in p for p in found)


def test_a_stored_error_fails_unless_tagged(tmp_path):
    assert any(
        "stores an error" in p
        for p in problems(tmp_path, [title(), code("raise ValueError", 1, [error()])])
    )
    tagged = code("raise ValueError", 1, [error()], tags=["raises-exception"])
    assert problems(tmp_path, [title(), tagged]) == []


def test_stderr_needs_a_tag_and_a_reason(tmp_path):
    untagged = code("warn()", 1, [stream("stderr", "careful\n")])
    assert any("stores stderr" in p for p in problems(tmp_path, [title(), untagged]))
    no_reason = code(
        "warn()", 1, [stream("stderr", "careful\n")], tags=["allow-stderr"]
    )
    assert any("stores stderr" in p for p in problems(tmp_path, [title(), no_reason]))
    ok = code(
        "# stderr: the warning is the lesson\nwarn()",
        1,
        [stream("stderr", "careful\n")],
        tags=["allow-stderr"],
    )
    assert problems(tmp_path, [title(), ok]) == []


def test_an_ignored_output_needs_a_reason(tmp_path):
    bare = code("show()", 1, tags=["nbval-ignore-output"])
    assert any(
        "without a '# nbval-ignore:'" in p for p in problems(tmp_path, [title(), bare])
    )
    ok = code(
        "# nbval-ignore: widget ids change\nshow()", 1, tags=["nbval-ignore-output"]
    )
    assert problems(tmp_path, [title(), ok]) == []


def test_a_missing_h1_title_fails(tmp_path):
    found = problems(tmp_path, [nbformat.v4.new_markdown_cell("## Not a title")])
    assert any("H1" in p for p in found)


def test_the_command_exits_non_zero_and_names_the_file(tmp_path):
    path = write(tmp_path, [title(), code("x = 1", None)])
    result = subprocess.run(
        [sys.executable, ROOT / "book/_tools/check_notebooks.py", path],
        capture_output=True,
        text=True,
    )
    assert (
        result.returncode == 1
        and "chapter.ipynb: cell 1 was never executed" in result.stdout
    )


@pytest.mark.parametrize(
    "notebook",
    check_notebooks.book_notebooks(),
    ids=lambda p: p.relative_to(ROOT / "book").as_posix(),
)
def test_every_book_notebook_passes(notebook):
    assert (
        check_notebooks.notebook_problems(notebook, check_notebooks.toc_entries()) == []
    )
