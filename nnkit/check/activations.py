"""Checks for chapter 3: activation functions and their derivatives.

The references are the functions of :mod:`nnkit.activations`. Besides random
inputs of random shapes, every check tries the edges: 0 (the kink of the
ReLU), and inputs as large as +-1000, where a careless ``exp`` overflows. A
function that overflows fails even when its answer is right, and so does one
that changes its input in place.
"""

import numpy as np

from nnkit import activations
from nnkit.check._exercise import Case, Exercise
from nnkit.check._vary import shift, shuffled

EDGES = np.array([-1000.0, -40.0, -1.0, -0.0, 0.0, 1e-8, 1.0, 40.0, 1000.0])

SIGMOID_ADVICE = (
    "np.exp(-Z) overflows for Z = -1000. Give exp only arguments <= 0, such as "
    "np.exp(-np.abs(Z)), and choose the formula by the sign of Z (np.where "
    "evaluates both of its branches on every value, so both must be safe)."
)
SOFTMAX_ADVICE = (
    "Subtract each row's largest logit before exp: "
    "Z - Z.max(axis=1, keepdims=True). The shift cancels in the ratio, and "
    "exp never sees a number above 0."
)


def _edges(why):
    """The fixed cases: edge values, from -1000 to 1000 (shuffled for the grader)."""

    def fixed(rng):
        (edges,) = shuffled(rng, EDGES)
        return [
            Case("edge values, from -1000 to 1000", dict(Z=edges.copy()), why),
            Case("edge values as a (3, 3) batch", dict(Z=edges.reshape(3, 3)), why),
        ]

    return fixed


SIGMOID_EDGES = _edges(
    "at Z = -1000, np.exp(-Z) overflows; a stable sigmoid gives 0 there, "
    "with no warning."
)
RELU_EDGES = _edges(
    "at Z = 0 (and -0.0) the ReLU has its kink: relu(0) = 0, and its "
    "derivative at 0 is taken to be 0."
)


def _elementwise_random(rng):
    """Random arrays of 1 or 2 dimensions and random sizes."""
    cases = []
    for _ in range(6):
        shape = tuple(int(n) for n in rng.integers(1, 6, size=rng.integers(1, 3)))
        Z = rng.normal(scale=3.0, size=shape)
        cases.append(Case(f"random, shape {shape}", dict(Z=Z)))
    return cases


def _elementwise(name, function, output, forbidden, fixed, advice=""):
    """The exercise of one elementwise function, ``output = name(Z)``."""
    return Exercise(
        name=name,
        signature=f"{name}(Z) -> {output}",
        outputs=(output,),
        reference=lambda Z: (function(Z),),
        fixed=fixed,
        random=_elementwise_random,
        forbidden=forbidden,
        advice=advice,
    )


sigmoid = _elementwise(
    "sigmoid",
    activations.sigmoid,
    "A",
    (
        "nnkit.sigmoid",
        "nnkit.activations.sigmoid",
        "nnkit.Sigmoid",
        "nnkit.activations.Sigmoid",
    ),
    SIGMOID_EDGES,
    SIGMOID_ADVICE,
)
sigmoid_derivative = _elementwise(
    "sigmoid_derivative",
    activations.sigmoid_derivative,
    "dA_dZ",
    (
        "nnkit.activations.sigmoid_derivative",
        "nnkit.Sigmoid",
        "nnkit.activations.Sigmoid",
    ),
    SIGMOID_EDGES,
    SIGMOID_ADVICE,
)
relu = _elementwise(
    "relu",
    activations.relu,
    "A",
    ("nnkit.relu", "nnkit.activations.relu", "nnkit.ReLU", "nnkit.activations.ReLU"),
    RELU_EDGES,
)
relu_derivative = _elementwise(
    "relu_derivative",
    activations.relu_derivative,
    "dA_dZ",
    ("nnkit.activations.relu_derivative", "nnkit.ReLU", "nnkit.activations.ReLU"),
    RELU_EDGES,
)


def _softmax_fixed(rng):
    # The grader shifts each row by a few units: what each case tests stays.
    def shifted(Z):
        return Z + shift(rng, len(Z))

    return [
        Case(
            "two rows, far apart",
            dict(Z=shifted(np.array([[1000.0, 999.0], [0.0, 1.0]]))),
            "each row needs its own largest logit subtracted. Subtracting the "
            "largest of the whole array (Z - Z.max()) sends the second row to "
            "exp(-1000) = 0, and then to 0 / 0.",
        ),
        Case(
            "each row sums to 1",
            dict(Z=shifted(np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]))),
            "softmax runs along each row (axis=1), one distribution per sample.",
        ),
        Case("huge equal logits", dict(Z=shifted(np.array([[1000.0, 1000.0, 999.0]])))),
        Case("logits far apart", dict(Z=shifted(np.array([[-1000.0, 0.0, 1000.0]])))),
        Case("a single class", dict(Z=shifted(np.array([[3.0], [-2.0]])))),
    ]


def _softmax_random(rng):
    cases = []
    for _ in range(6):
        N, C = (int(n) for n in rng.integers(1, 6, size=2))
        Z = rng.normal(scale=3.0, size=(N, C))
        cases.append(Case(f"random, N={N}, C={C}", dict(Z=Z)))
    return cases


softmax = Exercise(
    name="softmax",
    signature="softmax(Z) -> A",
    outputs=("A",),
    reference=lambda Z: (activations.softmax(Z),),
    fixed=_softmax_fixed,
    random=_softmax_random,
    forbidden=(
        "nnkit.softmax",
        "nnkit.activations.softmax",
        "nnkit.Softmax",
        "nnkit.activations.Softmax",
    ),
    advice=SOFTMAX_ADVICE,
)
