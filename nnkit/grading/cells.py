"""Read a submitted notebook into the program the sandbox will run.

Everything here only *reads* the student's code, in the trusted grader: the
notebook is parsed as JSON once, each code cell with :mod:`ast` once, and the
visible checks are removed from the syntax trees node by node. Those trees
are what :mod:`nnkit.grading.flags` reads and what is compiled here and run
in the sandbox (:mod:`nnkit.grading.child`): the flag reads the very code that
runs, not a text beside it.
"""

import ast
import json
import marshal
from typing import NamedTuple

from nnkit.grading.flags import Scope
from nnkit.grading.submissions import SubmissionError

MAX_CODE_CHARS = 1024**2


class Program(NamedTuple):
    """A notebook's code cells, ready to run.

    ``trees`` holds the syntax tree of each cell as it will run (None where it
    does not compile), ``code`` the compiled cells (``marshal`` bytes, or None),
    ``errors`` maps a cell's number to the error that stops it compiling and
    ``lines`` to the line of the cell it points at, ``sources`` holds each
    cell's text.
    """

    trees: list
    code: list
    errors: dict
    lines: dict
    sources: list

    def syntax_error(self, name):
        """``(cell, line)`` of the SyntaxError that kept the function ``name``
        from being defined (the cell that defines it, else the first cell
        that does not compile), or None."""
        broken = sorted(n for n, error in self.errors.items() if error == "SyntaxError")
        defining = [n for n in broken if f"def {name}(" in self.sources[n]]
        return next(((n, self.lines.get(n)) for n in defining + broken), None)


def read_program(data):
    """The :class:`Program` of the notebook whose bytes are ``data``."""
    sources = code_cells(data)
    if sum(map(len, sources)) > MAX_CODE_CHARS:
        raise SubmissionError("the notebook's code is longer than a million characters")
    trees, errors, lines = [], {}, {}
    for number, source in enumerate(sources):
        try:
            trees.append(ast.parse(_without_magics(source), f"<cell {number}>"))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            trees.append(None)
            errors[number] = _error_name(error)
            lines[number] = getattr(error, "lineno", None)
    remove_checks(trees)
    code = []
    for number, tree in enumerate(trees):
        try:
            compiled = compile(tree, f"<cell {number}>", "exec") if tree else None
            code.append(marshal.dumps(compiled) if compiled else None)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            trees[number], errors[number] = None, _error_name(error)
            lines[number] = getattr(error, "lineno", None)
            code.append(None)
    return Program(trees, code, errors, lines, sources)


def code_cells(data):
    """The source of every code cell of the notebook ``data`` (bytes), in order."""
    try:
        notebook = json.loads(data)
        cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        return [_text(cell["source"]) for cell in cells]
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        # RecursionError: JSON nested too deeply to be a notebook.
        raise SubmissionError("the file is not a readable Jupyter notebook") from error


def _text(source):
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise TypeError("a cell's source is neither text nor a list of lines")


def _without_magics(source):
    """Blank out IPython's ``%magic`` and ``!shell`` lines, which are not Python."""
    lines = source.split("\n")
    return "\n".join("" if line.lstrip()[:1] in ("%", "!") else line for line in lines)


def _error_name(error):
    return (
        "SyntaxError"
        if isinstance(error, (SyntaxError, ValueError))
        else (type(error).__name__)
    )


def remove_checks(trees):
    """Remove each cell's top-level ``nnkit.check...(...)`` calls, in place.

    The visible checks are for the student; the grader has its own. A call is
    a check if its function's dotted name, with imports and aliases followed,
    is ``nnkit.check`` or below it.
    """
    scope = Scope.of_module([tree for tree in trees if tree is not None])
    for tree in trees:
        if tree is not None:
            tree.body = [node for node in tree.body if not _is_check(node, scope)]


def _is_check(node, scope):
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    names = scope.resolve(node.value.func)
    return bool(names) and all(
        name == "nnkit.check" or name.startswith("nnkit.check.") for name in names
    )
