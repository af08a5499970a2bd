"""Weight initialisers (chapter 6).

Each function returns a new array of ``shape = (D_in, D_out)`` drawn from the
given ``rng`` (a ``numpy.random.Generator``). ``fan_in = D_in`` is the number of
inputs of each neuron and ``fan_out = D_out`` the number of neurons.

Why the scale matters: the variance of ``Z = X @ W`` is ``fan_in * Var(W)``
times the variance of ``X``. Xavier/Glorot keeps that close to 1 for tanh and
sigmoid layers (``Var(W) = 2 / (fan_in + fan_out)``); He/Kaiming doubles it
(``Var(W) = 2 / fan_in``) because ReLU zeroes half of its inputs.
"""

import numpy as np

from nnkit._checks import as_generator, shape_str


def _fans(shape):
    if len(shape) != 2:
        raise ValueError(
            f"init: expected a weight shape (D_in, D_out), got {shape_str(shape)}."
        )
    return shape


def zeros(shape, *, rng=None, dtype=np.float64):
    """All zeros: ``W = 0``. Fine for biases; for weights it makes every neuron
    identical, so they can never learn different features.

    >>> zeros((2, 3)).sum()
    np.float64(0.0)
    """
    return np.zeros(shape, dtype=dtype)


def normal(shape, *, rng, std=0.01, dtype=np.float64):
    """Small Gaussian weights: ``W ~ N(0, std**2)``, ignoring the layer's size.

    >>> normal((100, 100), rng=np.random.default_rng(0)).std().round(3)
    np.float64(0.01)
    """
    rng = as_generator(rng, owner="normal")
    return (std * rng.standard_normal(shape)).astype(dtype)


def xavier_uniform(shape, *, rng, dtype=np.float64):
    """Glorot/Xavier uniform: ``W ~ U(-a, a)``, ``a = sqrt(6 / (fan_in + fan_out))``.

    >>> W = xavier_uniform((300, 200), rng=np.random.default_rng(0))
    >>> bool(abs(W.var() - 2 / 500) < 1e-4)
    True
    """
    rng = as_generator(rng, owner="xavier_uniform")
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def xavier_normal(shape, *, rng, dtype=np.float64):
    """Glorot/Xavier normal: ``W ~ N(0, 2 / (fan_in + fan_out))``."""
    rng = as_generator(rng, owner="xavier_normal")
    fan_in, fan_out = _fans(shape)
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return (std * rng.standard_normal(shape)).astype(dtype)


def he_uniform(shape, *, rng, dtype=np.float64):
    """He/Kaiming uniform: ``W ~ U(-a, a)``, ``a = sqrt(6 / fan_in)``.

    >>> W = he_uniform((400, 300), rng=np.random.default_rng(0))
    >>> bool(abs(W.var() - 2 / 400) < 1e-4)
    True
    """
    rng = as_generator(rng, owner="he_uniform")
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def he_normal(shape, *, rng, dtype=np.float64):
    """He/Kaiming normal: ``W ~ N(0, 2 / fan_in)``."""
    rng = as_generator(rng, owner="he_normal")
    fan_in, _ = _fans(shape)
    std = np.sqrt(2.0 / fan_in)
    return (std * rng.standard_normal(shape)).astype(dtype)
