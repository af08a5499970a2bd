"""Read a submitted notebook: its code, without the checks, and static flags.

Everything here only *reads* the student's code, in the trusted grader: the
notebook is parsed as JSON and each cell with :mod:`ast`; nothing is run.
The code then goes to the sandbox (:mod:`nnkit.grading.child`) to be run.
"""

import ast
import json

MAX_NOTEBOOK_BYTES = 20 * 1024**2


class SubmissionError(Exception):
    """The submission is not a notebook that can be graded; the message says why."""


def code_cells(path):
    """The source of every code cell of the notebook at ``path``, in order."""
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise SubmissionError("the notebook is larger than 20 MB")
    try:
        notebook = json.loads(path.read_bytes())
        cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        sources = [_text(cell["source"]) for cell in cells]
    except (ValueError, KeyError, TypeError) as error:
        raise SubmissionError("the file is not a readable Jupyter notebook") from error
    return [_without_magics(source) for source in sources]


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


def _parse(source):
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def without_checks(source):
    """``source`` with its top-level ``nnkit.check...(...)`` calls blanked out.

    The sandbox runs the student's code to define the functions; the visible
    checks are for the student, and the grader has its own. Lines are blanked
    rather than removed, so line numbers stay those of the notebook.
    """
    tree = _parse(source)
    if tree is None:
        return source  # the sandbox will report the syntax error
    aliases = _aliases(tree)
    lines = source.split("\n")
    for node in tree.body:
        is_call = isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        target = _dotted(node.value.func, aliases) if is_call else None
        if target and (target == "nnkit.check" or target.startswith("nnkit.check.")):
            for number in range(node.lineno - 1, node.end_lineno):
                lines[number] = ""
    return "\n".join(lines)


def reference_uses(sources, exercise):
    """Where the student's ``exercise.name`` uses nnkit's own implementation.

    Looks inside the function, and inside the notebook's other functions it
    calls, for the dotted names in ``exercise.forbidden`` (``nnkit.relu``),
    following ``import ... as`` aliases. Returns one sentence per use found.
    A static check: code that hides the name (``getattr``, ``exec``) escapes it.
    """
    trees = [tree for tree in map(_parse, sources) if tree is not None]
    aliases, functions, assigned = {}, {}, []
    for tree in trees:
        aliases.update(_aliases(tree))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.setdefault(node.name, []).append(node)
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == exercise.name for t in node.targets
            ):
                assigned.append(node.value)
    found, seen, todo = set(), set(), [exercise.name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        where = "" if name == exercise.name else f" (through {name})"
        for function in functions.get(name, []):
            for node in ast.walk(function):
                dotted = _dotted(node, aliases)
                if dotted in functions:
                    todo.append(dotted)
                elif dotted and _is_forbidden(dotted, exercise.forbidden):
                    found.add((dotted, where))
    for value in assigned:
        found.update(
            (dotted, "")
            for dotted in (_dotted(node, aliases) for node in ast.walk(value))
            if dotted and _is_forbidden(dotted, exercise.forbidden)
        )
    # `nnkit.gradcheck.numerical_gradient` also contains the chain `nnkit.gradcheck`:
    # report only the longest name of each use.
    names = {dotted for dotted, _ in found}
    return [
        f"{exercise.name} uses {dotted}{where}, nnkit's own implementation of "
        "this exercise"
        for dotted, where in sorted(found)
        if not any(other.startswith(dotted + ".") for other in names)
    ]


def _is_forbidden(dotted, forbidden):
    return any(dotted == f or dotted.startswith(f + ".") for f in forbidden)


def _aliases(tree):
    """What each imported name stands for: ``{"nk": "nnkit", "r": "nnkit.relu"}``."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:  # `import nnkit.check` binds the name nnkit
                    root = alias.name.split(".")[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _dotted(node, aliases):
    """``a.b.c`` for a Name or a chain of Attributes, with the root alias resolved."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(aliases.get(node.id, node.id))
    return ".".join(reversed(parts))
