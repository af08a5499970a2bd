"""Weight initialisers, in PyTorch: the mirror of ``nnkit.init`` (chapter 6).

Each function returns a new tensor of ``shape = (D_in, D_out)``. ``fan_in =
D_in`` is the number of inputs of each neuron and ``fan_out = D_out`` the
number of neurons.

The random numbers are drawn from the given ``rng``, the same
``numpy.random.Generator`` the NumPy package uses, and then copied to
``device`` once. So ``Linear(3, 2, rng=np.random.default_rng(0))`` starts
from exactly the same weights in nnkit and in nnkit.torch, which is what lets
the tests compare the two packages to the last digit. Initialisation runs once
per layer, so drawing on the CPU costs nothing that matters.

Why the scale matters: the variance of ``Z = X @ W`` is ``fan_in * Var(W)``
times the variance of ``X``. Xavier/Glorot keeps that close to 1 for tanh and
sigmoid layers (``Var(W) = 2 / (fan_in + fan_out)``); He/Kaiming doubles it
(``Var(W) = 2 / fan_in``) because ReLU zeroes half of its inputs.
"""

import numpy as np
import torch

from nnkit.torch._checks import as_generator, shape_str
from nnkit.torch.device import resolve_device


def _fans(shape):
    if len(shape) != 2:
        raise ValueError(
            f"init: expected a weight shape (D_in, D_out), got {shape_str(shape)}."
        )
    return shape


def _tensor(array, device, dtype):
    """Copy a NumPy draw to ``device`` in ``dtype``, the one transfer of init."""
    return torch.as_tensor(array, dtype=dtype, device=resolve_device(device))


def zeros(shape, *, rng=None, device=None, dtype=torch.float64):
    """All zeros: ``W = 0``. Fine for biases; for weights it makes every neuron
    identical, so they can never learn different features.

    >>> zeros((2, 3), device="cpu").sum()
    tensor(0., dtype=torch.float64)
    """
    return torch.zeros(shape, dtype=dtype, device=resolve_device(device))


def normal(shape, *, rng, std=0.01, device=None, dtype=torch.float64):
    """Small Gaussian weights: ``W ~ N(0, std**2)``, ignoring the layer's size.

    >>> normal((100, 100), rng=np.random.default_rng(0), device="cpu").std()
    tensor(0.0100, dtype=torch.float64)
    """
    rng = as_generator(rng, owner="normal")
    return _tensor(std * rng.standard_normal(shape), device, dtype)


def xavier_uniform(shape, *, rng, device=None, dtype=torch.float64):
    """Glorot/Xavier uniform: ``W ~ U(-a, a)``, ``a = sqrt(6 / (fan_in + fan_out))``.

    >>> W = xavier_uniform((300, 200), rng=np.random.default_rng(0), device="cpu")
    >>> bool(abs(W.var() - 2 / 500) < 1e-4)
    True
    """
    rng = as_generator(rng, owner="xavier_uniform")
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return _tensor(rng.uniform(-limit, limit, size=shape), device, dtype)


def xavier_normal(shape, *, rng, device=None, dtype=torch.float64):
    """Glorot/Xavier normal: ``W ~ N(0, 2 / (fan_in + fan_out))``."""
    rng = as_generator(rng, owner="xavier_normal")
    fan_in, fan_out = _fans(shape)
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return _tensor(std * rng.standard_normal(shape), device, dtype)


def he_uniform(shape, *, rng, device=None, dtype=torch.float64):
    """He/Kaiming uniform: ``W ~ U(-a, a)``, ``a = sqrt(6 / fan_in)``.

    >>> W = he_uniform((400, 300), rng=np.random.default_rng(0), device="cpu")
    >>> bool(abs(W.var() - 2 / 400) < 1e-4)
    True
    """
    rng = as_generator(rng, owner="he_uniform")
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return _tensor(rng.uniform(-limit, limit, size=shape), device, dtype)


def he_normal(shape, *, rng, device=None, dtype=torch.float64):
    """He/Kaiming normal: ``W ~ N(0, 2 / fan_in)``."""
    rng = as_generator(rng, owner="he_normal")
    fan_in, _ = _fans(shape)
    std = np.sqrt(2.0 / fan_in)
    return _tensor(std * rng.standard_normal(shape), device, dtype)
