"""Flag solutions that use nnkit's own version of an exercise: a hint for a human.

The flag reads the syntax trees of the code that runs (after the visible
checks are removed, :mod:`nnkit.grading.cells`), never a text beside it.
Starting from the exercise's function, it reads everything the function
uses, and everything that uses in turn:

- imports, with ``as`` aliases and ``from ... import *``;
- names bound by any assignment (``_P = nnkit.perceptron.Perceptron``,
  ``for``, ``with ... as``, ``:=``), at module level and inside functions,
  with Python's rule that a name bound in a function is local to it;
- attribute paths on all of these (``nk.check.relu.expected``);
- the notebook's own functions, classes and variables, and their defaults,
  decorators and methods;
- strings that spell a dotted name (``importlib.import_module("nnkit.check")``).

It reports the names under the exercise's ``forbidden`` list (nnkit's own
implementation) and anything under ``nnkit.check`` or ``nnkit.grading`` (the
reference answers themselves). It cannot see names built while the code
runs (``getattr(nnkit, "check")``, ``exec``, ``globals()``, ``sys.modules``),
nor objects reached through another library, so it is a hint, not a proof.
"""

import ast
import re

REFERENCE_CODE = ("nnkit.check", "nnkit.grading")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
MAX_ALIASES = 50  # alias chains longer than this are not followed
MAX_SHOWN = 60  # characters of a student's name quoted in a flag
DOTTED = re.compile(r"nnkit(\.[A-Za-z_][A-Za-z0-9_]*)*")


class Scope:
    """The names bound in one scope, each with what its bindings hold: a dotted
    name (an import), a syntax node (the value assigned, a ``def``) or None (a
    function's argument). ``parent`` is the module's scope, for a function."""

    def __init__(self, bindings, stars=(), parent=None):
        self.bindings, self.stars, self.parent = bindings, list(stars), parent

    @classmethod
    def of_module(cls, trees):
        bindings, stars = {}, []
        for tree in trees:
            _bind(_module_level(tree), bindings, stars)
        return cls(bindings, stars)

    def of_function(self, function):
        """The scope of ``function``'s body (nested functions included)."""
        bindings = {}
        arguments = function.args
        for argument in [
            *arguments.posonlyargs,
            *arguments.args,
            *arguments.kwonlyargs,
            *filter(None, (arguments.vararg, arguments.kwarg)),
        ]:
            bindings.setdefault(argument.arg, []).append(None)
        body = function.body if isinstance(function.body, list) else [function.body]
        nodes = [node for statement in body for node in ast.walk(statement)]
        _bind(nodes, bindings, [])
        for node in nodes:
            if isinstance(node, ast.Global):
                for name in node.names:
                    bindings.pop(name, None)
        return Scope(bindings, parent=self.parent or self)

    def lookup(self, name):
        """What ``name`` is bound to, and the scope that binds it."""
        if name in self.bindings or self.parent is None:
            return self.bindings.get(name, []), self
        return self.parent.lookup(name)

    def resolve(self, node, seen=frozenset()):
        """The dotted names a chain ``a.b.c`` may stand for, aliases followed."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or len(seen) > MAX_ALIASES:
            return set()
        suffix = "".join(f".{part}" for part in reversed(parts))
        return {root + suffix for root in self._roots(node.id, seen)}

    def _roots(self, name, seen):
        if name in seen:
            return set()  # a cycle of aliases: a = b; b = a
        values, scope = self.lookup(name)
        if not values:  # a builtin, or a name a star import may have brought
            return {name, *(f"{star}.{name}" for star in scope.stars)}
        roots = set()
        for value in values:
            if isinstance(value, str):
                roots.add(value)
            elif isinstance(value, (ast.Name, ast.Attribute)):
                roots |= scope.resolve(value, seen | {name})
        return roots


def _module_level(tree):
    """The nodes of ``tree`` outside function and class bodies (the ``def`` and
    ``class`` statements themselves included)."""
    nodes, stack = [], [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return nodes


def _bind(nodes, bindings, stars):
    """Record in ``bindings`` every name that ``nodes`` bind, and what to."""

    def bind(target, value):
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                bindings.setdefault(node.id, []).append(value)

    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bindings.setdefault(alias.asname, []).append(alias.name)
                else:  # `import nnkit.check` binds the name nnkit
                    root = alias.name.split(".")[0]
                    bindings.setdefault(root, []).append(root)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name == "*":
                    stars.append(node.module)
                else:
                    dotted = f"{node.module}.{alias.name}"
                    bindings.setdefault(alias.asname or alias.name, []).append(dotted)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bindings.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            if node.value is not None:
                bind(node.target, node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            bind(node.target, node.iter)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bind(node.optional_vars, node.context_expr)


def _uses(node, scope):
    """The dotted names ``node``'s code uses, and the module-level names it reads."""
    dotted, names, stack = set(), set(), [(node, scope)]
    while stack:
        node, scope = stack.pop()
        if isinstance(node, FUNCTIONS):
            scope = scope.of_function(node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            found = scope.resolve(node)
            if found or isinstance(node, ast.Name):
                dotted |= found
                root = node
                while isinstance(root, ast.Attribute):
                    root = root.value
                if scope.lookup(root.id)[1].parent is None:
                    names.add(root.id)
                continue  # the chain is read whole, not its shorter prefixes
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if len(node.value) < 200 and DOTTED.fullmatch(node.value.strip()):
                dotted.add(node.value.strip())
        stack.extend((child, scope) for child in ast.iter_child_nodes(node))
    return dotted, names


def reference_uses(trees, exercise):
    """Where the notebook's ``exercise.name`` uses nnkit's reference code.

    ``trees`` are the syntax trees of the code cells as they run (None for a
    cell that does not compile). Returns one sentence per use found.
    """
    module = Scope.of_module([tree for tree in trees if tree is not None])
    forbidden = (*exercise.forbidden, *REFERENCE_CODE)
    found, seen, todo = {}, set(), [(exercise.name, "")]
    while todo:
        name, through = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        values, _ = module.lookup(name)
        used = module._roots(name, frozenset()) if not values else set()
        for value in values:
            if isinstance(value, str):
                used.add(value)
            elif value is not None:
                dotted, names = _uses(value, module)
                used |= dotted
                todo.extend((other, through or other) for other in names)
        for dotted in used:
            if _is_under(dotted, forbidden):
                found.setdefault(dotted, through)
    # `nnkit.gradcheck.numerical_gradient` is a use; so is its prefix
    # `nnkit.gradcheck` if forbidden: report only the longest name of each use.
    return [
        f"{exercise.name} uses {_shown(dotted)}"
        + (f" (through {_shown(through)})" if through else "")
        + (
            ", the grader's reference code"
            if _is_under(dotted, REFERENCE_CODE)
            else ", nnkit's own implementation of this exercise"
        )
        for dotted, through in sorted(found.items())
        if not any(other.startswith(dotted + ".") for other in found)
    ]


def notebook_uses(trees):
    """Uses of the reference code anywhere in the code that runs, outside the
    visible checks (already removed): code outside the exercise's functions can
    find the hidden inputs and send answers of its own. One sentence per name.
    """
    module = Scope.of_module([tree for tree in trees if tree is not None])
    found = set()
    for tree in trees:
        if tree is not None:
            dotted, _ = _uses(tree, module)
            found |= {name for name in dotted if _is_under(name, REFERENCE_CODE)}
    return [
        f"the notebook uses {_shown(name)} outside the visible checks, the "
        "grader's reference code"
        for name in sorted(found)
        if not any(other.startswith(name + ".") for other in found)
    ]


def _is_under(dotted, prefixes):
    return any(dotted == p or dotted.startswith(p + ".") for p in prefixes)


def _shown(name):
    """A name of the student's, short and printable."""
    name = name if name.isprintable() else ascii(name)
    return name if len(name) <= MAX_SHOWN else name[: MAX_SHOWN - 3] + "..."
