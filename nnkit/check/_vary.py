"""Variants of the fixed cases, so that the grader's differ from the public ones.

Each exercise has a few hand-picked cases (an edge, a case that tells two
common mistakes apart). The public check runs them exactly as written, so a
student can read them in the source. The grader, which draws from a secret
seed, runs variants that test the same thing with other numbers: a function
that only memorised the public answers fails them. Each helper here returns
the public value when ``rng`` is None, and a different one otherwise.
"""

import numpy as np


def public_or(rng, public, draw):
    """``public`` for the public cases (``rng`` is None), else ``draw(rng)``."""
    return public if rng is None else draw(rng)


def scale(rng):
    """1 for the public cases, else a factor > 0 other than 1."""
    return public_or(rng, 1.0, lambda rng: float(rng.choice([0.5, 2.0, 3.0])))


def shift(rng, rows):
    """0 for the public cases, else a nonzero whole number per row, shape (rows, 1).

    Adding the same number to a row of logits changes none of its softmax.
    """
    steps = np.array([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0])
    return public_or(rng, 0.0, lambda rng: rng.choice(steps, size=(rows, 1)))


def shuffled(rng, *arrays):
    """The arrays with their first axis in one new order (unchanged if rng is None).

    The order is drawn again until at least one array changes, so the variant
    differs from the public case whenever some order can make it differ.
    """
    if rng is None:
        return arrays
    arrays = tuple(np.asarray(a) for a in arrays)
    for _ in range(100):
        order = rng.permutation(len(arrays[0]))
        new = tuple(a[order] for a in arrays)
        if any(not np.array_equal(n, a) for n, a in zip(new, arrays, strict=True)):
            break
    return new
