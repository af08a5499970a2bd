"""Gradient checking: compare backward's gradients with numerical ones (chapter 5).

The centred difference ``(f(x + eps) - f(x - eps)) / (2 * eps)`` approximates
``df/dx`` with an error of order ``eps**2``. Comparing it with the analytic
gradient from ``backward`` catches almost every backpropagation bug. Use
float64: in float32 rounding error swamps the comparison.
"""

import numpy as np

from nnkit._checks import as_float_array, as_generator


def numerical_gradient(f, x, eps=1e-6):
    """Centred-difference gradient of the scalar function ``f()`` w.r.t. array ``x``.

    ``x`` is changed in place one element at a time (and restored), so ``f``
    must read it: pass a closure over the very array a layer uses.

    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda: float(np.sum(x ** 2)), x).round(6)
    array([2., 4.])
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
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
    scale = max(
        np.max(np.abs(analytic), initial=0.0), np.max(np.abs(numeric), initial=0.0)
    )
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(analytic - numeric)) / scale)


def gradcheck(module, X, *, dA=None, eps=1e-6, rng=None):
    """Check a module's input and parameter gradients against centred differences.

    The scalar checked is ``sum(module(X) * dA)`` for a fixed random upstream
    gradient ``dA`` (random, so that a wrong sum or transpose cannot hide).

    Returns
    -------
    dict
        Relative error per checked array: ``"X"`` and each parameter by its
        position, ``"param 0"``, ``"param 1"``, ...; ``"max"`` is the worst.

    Examples
    --------
    >>> from nnkit import Linear
    >>> rng = np.random.default_rng(0)
    >>> errors = gradcheck(Linear(3, 2, rng=rng), rng.normal(size=(4, 3)), rng=rng)
    >>> errors["max"] < 1e-6
    True
    """
    if rng is None:  # seeded, so that a failing check fails the same way again
        rng = np.random.default_rng(0)
    rng = as_generator(rng, owner="gradcheck")
    X = as_float_array(X, owner="gradcheck", name="X").astype(np.float64)
    if dA is None:
        dA = rng.normal(size=module(X).shape)

    def objective():
        return float(np.sum(module(X) * dA))

    module.zero_grad()
    module(X)
    analytic = {"X": module.backward(dA)}
    for i, parameter in enumerate(module.parameters()):
        analytic[f"param {i}"] = parameter.grad.copy()

    errors = {"X": relative_error(analytic["X"], numerical_gradient(objective, X, eps))}
    for i, parameter in enumerate(module.parameters()):
        numeric = numerical_gradient(objective, parameter.data, eps)
        errors[f"param {i}"] = relative_error(analytic[f"param {i}"], numeric)
    errors["max"] = max(errors.values())
    return errors


def gradcheck_loss(loss_fn, y_pred, y_true, *, eps=1e-6):
    """Relative error of ``loss_fn.backward()`` against centred differences.

    >>> from nnkit import MSELoss
    >>> gradcheck_loss(MSELoss(), np.array([0.5, 2.0]), np.array([1.0, 1.0])) < 1e-8
    True
    """
    y_pred = as_float_array(y_pred, owner="gradcheck_loss", name="y_pred").astype(
        np.float64
    )
    loss_fn(y_pred, y_true)
    analytic = loss_fn.backward()
    numeric = numerical_gradient(lambda: loss_fn(y_pred, y_true), y_pred, eps)
    return relative_error(analytic, numeric)
