"""Gradient checking in PyTorch: the mirror of ``nnkit.gradcheck`` (chapter 5).

The centred difference ``(f(x + eps) - f(x - eps)) / (2 * eps)`` approximates
``df/dx`` with an error of order ``eps**2``. Comparing it with the analytic
gradient from ``backward`` catches almost every backpropagation bug. Use
float64: in float32 rounding error swamps the comparison. (``torch.autograd``
could compute the gradients instead, but nnkit.torch never uses it; the tests
do, as an independent oracle.)
"""

import numpy as np
import torch

from nnkit.torch._checks import as_float_tensor, as_generator


def numerical_gradient(f, x, eps=1e-6):
    """Centred-difference gradient of the scalar function ``f()`` w.r.t. tensor ``x``.

    ``x`` is changed in place one element at a time (and restored), so ``f``
    must read it: pass a closure over the very tensor a layer uses.

    >>> x = torch.tensor([1.0, 2.0], dtype=torch.float64)
    >>> numerical_gradient(lambda: float(torch.sum(x ** 2)), x).round(decimals=6)
    tensor([2., 4.], dtype=torch.float64)
    """
    grad = torch.zeros_like(x, dtype=torch.float64)
    for index in np.ndindex(tuple(x.shape)):
        original = x[index].clone()
        x[index] = original + eps
        f_plus = f()
        x[index] = original - eps
        f_minus = f()
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric):
    """``max|a - n| / max(max|a|, max|n|)``: the worst error relative to the
    gradient's scale (0 when both are exactly zero)."""
    analytic, numeric = torch.as_tensor(analytic), torch.as_tensor(numeric)
    scale = max(
        float(analytic.abs().max()) if analytic.numel() else 0.0,
        float(numeric.abs().max()) if numeric.numel() else 0.0,
    )
    if scale == 0:
        return 0.0
    return float(torch.max(torch.abs(analytic - numeric)) / scale)


def gradcheck(module, X, *, dA=None, eps=1e-6, rng=None):
    """Check a module's input and parameter gradients against centred differences.

    The scalar checked is ``sum(module(X) * dA)`` for a fixed random upstream
    gradient ``dA`` (random, so that a wrong sum or transpose cannot hide),
    drawn from ``rng`` as in the NumPy package. The module should be float64.

    Returns
    -------
    dict
        Relative error per checked tensor: ``"X"`` and each parameter by its
        position, ``"param 0"``, ``"param 1"``, ...; ``"max"`` is the worst.

    Examples
    --------
    >>> from nnkit.torch import Linear
    >>> rng = np.random.default_rng(0)
    >>> errors = gradcheck(Linear(3, 2, rng=rng), rng.normal(size=(4, 3)), rng=rng)
    >>> errors["max"] < 1e-6
    True
    """
    if rng is None:  # seeded, so that a failing check fails the same way again
        rng = np.random.default_rng(0)
    rng = as_generator(rng, owner="gradcheck")
    X = as_float_tensor(X, owner="gradcheck", name="X", dtype=torch.float64)
    device = next((p.data.device for p in module.parameters()), X.device)
    X = X.to(device).clone()  # a copy: numerical_gradient changes it in place
    if dA is None:
        dA = torch.as_tensor(rng.normal(size=tuple(module(X).shape)), device=X.device)

    def objective():
        return float(torch.sum(module(X) * dA))

    module.zero_grad()
    module(X)
    analytic = {"X": module.backward(dA)}
    for i, parameter in enumerate(module.parameters()):
        analytic[f"param {i}"] = parameter.grad.clone()

    errors = {"X": relative_error(analytic["X"], numerical_gradient(objective, X, eps))}
    for i, parameter in enumerate(module.parameters()):
        numeric = numerical_gradient(objective, parameter.data, eps)
        errors[f"param {i}"] = relative_error(analytic[f"param {i}"], numeric)
    errors["max"] = max(errors.values())
    return errors


def gradcheck_loss(loss_fn, y_pred, y_true, *, eps=1e-6):
    """Relative error of ``loss_fn.backward()`` against centred differences.

    >>> from nnkit.torch import MSELoss
    >>> y_pred, y_true = torch.tensor([0.5, 2.0]), torch.tensor([1.0, 1.0])
    >>> gradcheck_loss(MSELoss(), y_pred, y_true) < 1e-8
    True
    """
    y_pred = as_float_tensor(
        y_pred, owner="gradcheck_loss", name="y_pred", dtype=torch.float64
    ).clone()
    loss_fn(y_pred, y_true)
    analytic = loss_fn.backward()
    numeric = numerical_gradient(lambda: loss_fn(y_pred, y_true), y_pred, eps)
    return relative_error(analytic, numeric)
