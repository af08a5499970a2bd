"""Loss functions: how wrong the predictions are, as one number (chapter 4).

Calling a loss, ``loss(y_pred, y_true)``, returns the mean loss as a Python
float and remembers what ``backward()`` needs; ``loss.backward()`` then returns
``dL/dy_pred``, the gradient the network's backward pass starts from.

Every loss averages over all elements (PyTorch's default ``reduction="mean"``);
``CrossEntropyLoss`` averages over the N samples, each a row of C logits.
"""

import numpy as np

from nnkit._checks import as_float_array, check_positive, check_same_shape, shape_str
from nnkit.activations import sigmoid

# log(p) is clamped at -100, as PyTorch's BCELoss does, so that a probability of
# exactly 0 or 1 gives a large but finite loss instead of infinity.
_LOG_FLOOR = np.exp(-100.0)
# The smallest denominator p * (1 - p) in BCELoss's gradient (PyTorch's epsilon).
_BCE_GRAD_EPS = 1e-12


class Loss:
    """Base class: ``loss(y_pred, y_true)`` runs ``forward``; ``backward()`` follows."""

    def __call__(self, y_pred, y_true):
        return self.forward(y_pred, y_true)

    def _inputs(self, y_pred, y_true):
        """Validate a pair of same-shape arrays and keep them for backward."""
        y_pred = as_float_array(y_pred, owner=self, name="y_pred")
        y_true = as_float_array(y_true, owner=self, name="y_true", dtype=y_pred.dtype)
        check_same_shape(y_pred, y_true, owner=self)
        if y_pred.size == 0:
            raise ValueError(
                f"{self!r}: y_pred is empty (shape {shape_str(y_pred.shape)})."
            )
        self.y_pred, self.y_true = y_pred, y_true
        return y_pred, y_true

    def _check_forward_done(self):
        if getattr(self, "y_pred", None) is None:
            raise RuntimeError(
                f"{self!r}: backward() was called before the loss was computed. "
                "Call loss(y_pred, y_true) first."
            )

    def extra_repr(self):
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"


class MSELoss(Loss):
    """Mean squared error: ``L = mean((y_pred - y_true) ** 2)``.

    Gradient: ``dL/dy_pred = 2 * (y_pred - y_true) / n`` with n the number of
    elements. Squaring makes large errors count much more than small ones.

    >>> MSELoss()(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    2.0
    """

    def forward(self, y_pred, y_true):
        y_pred, y_true = self._inputs(y_pred, y_true)
        return float(np.mean((y_pred - y_true) ** 2))

    def backward(self):
        self._check_forward_done()
        return 2.0 * (self.y_pred - self.y_true) / self.y_pred.size


class L1Loss(Loss):
    """Mean absolute error (MAE): ``L = mean(|y_pred - y_true|)``.

    Gradient: ``sign(y_pred - y_true) / n`` (0 where the error is exactly 0).

    >>> L1Loss()(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    1.0
    """

    def forward(self, y_pred, y_true):
        y_pred, y_true = self._inputs(y_pred, y_true)
        return float(np.mean(np.abs(y_pred - y_true)))

    def backward(self):
        self._check_forward_done()
        return np.sign(self.y_pred - self.y_true) / self.y_pred.size


class HuberLoss(Loss):
    """Huber loss: quadratic for small errors, linear for large ones.

    With ``r = y_pred - y_true``: ``0.5 * r**2`` if ``|r| <= delta``, else
    ``delta * (|r| - 0.5 * delta)``; averaged. The gradient ``clip(r, -delta,
    delta) / n`` is bounded, so a few outliers cannot dominate training.

    >>> HuberLoss(delta=1.0)(np.array([0.5, 3.0]), np.array([0.0, 0.0]))
    1.3125
    """

    def __init__(self, delta=1.0):
        check_positive(delta, owner="HuberLoss", name="delta")
        self.delta = delta

    def forward(self, y_pred, y_true):
        y_pred, y_true = self._inputs(y_pred, y_true)
        r = np.abs(y_pred - y_true)
        quadratic = 0.5 * r**2
        linear = self.delta * (r - 0.5 * self.delta)
        return float(np.mean(np.where(r <= self.delta, quadratic, linear)))

    def backward(self):
        self._check_forward_done()
        r = self.y_pred - self.y_true
        return np.clip(r, -self.delta, self.delta) / self.y_pred.size

    def extra_repr(self):
        return f"delta={self.delta}"


class BCELoss(Loss):
    """Binary cross-entropy on probabilities ``p = y_pred`` in [0, 1]:
    ``L = -mean(y * log(p) + (1 - y) * log(1 - p))``.

    Each log is clamped at -100 (as in PyTorch), so p of exactly 0 or 1 stays
    finite. Prefer :class:`BCEWithLogitsLoss` on raw scores: it is exact where
    this one has to clamp.

    >>> round(BCELoss()(np.array([0.9, 0.2]), np.array([1.0, 0.0])), 4)
    0.1643
    """

    def forward(self, y_pred, y_true):
        p, y = self._inputs(y_pred, y_true)
        for name, values in (("y_pred", p), ("y_true", y)):
            if values.min() < 0 or values.max() > 1:
                raise ValueError(
                    f"{self!r}: {name} must hold probabilities in [0, 1], got values "
                    f"in [{values.min():.4g}, {values.max():.4g}]."
                    + (
                        " If y_pred are raw scores (logits), use BCEWithLogitsLoss."
                        if name == "y_pred"
                        else ""
                    )
                )
        log_p = np.log(np.maximum(p, _LOG_FLOOR))
        log_1mp = np.log(np.maximum(1.0 - p, _LOG_FLOOR))
        # 0.0 - mean, not -mean: a perfect prediction gives 0.0, not -0.0
        return 0.0 - float(np.mean(y * log_p + (1.0 - y) * log_1mp))

    def backward(self):
        self._check_forward_done()
        p, y = self.y_pred, self.y_true
        return (p - y) / np.maximum(p * (1.0 - p), _BCE_GRAD_EPS) / p.size


class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy on logits ``z = y_pred``, with the sigmoid fused in.

    ``L = mean(max(z, 0) - z * y + log(1 + exp(-|z|)))``, which equals
    ``BCELoss()(sigmoid(z), y)`` but never takes the log of 0 or overflows
    ``exp``. Gradient: ``(sigmoid(z) - y) / n``.

    >>> round(BCEWithLogitsLoss()(np.array([1000.0]), np.array([0.0])), 1)
    1000.0
    """

    def forward(self, y_pred, y_true):
        z, y = self._inputs(y_pred, y_true)
        return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))

    def backward(self):
        self._check_forward_done()
        return (sigmoid(self.y_pred) - self.y_true) / self.y_pred.size


class CrossEntropyLoss(Loss):
    """Categorical cross-entropy on logits, with the softmax fused in.

    ``y_pred`` holds raw scores (logits) of shape (N, C). ``y_true`` is either
    integer class labels of shape (N,) in ``[0, C)`` (sparse categorical
    cross-entropy) or one row of class probabilities per sample, shape (N, C)
    (one-hot targets). ``L = -mean_n sum_c Y[n, c] * log_softmax(Z)[n, c]``.

    Gradient: ``(P * Y.sum(axis=1, keepdims=True) - Y) / N`` with
    ``P = softmax(Z)``: ``(P - Y) / N`` when every row of ``Y`` sums to 1
    (labels, one-hot rows, distributions), and still exact, as in PyTorch,
    for soft targets that do not sum to 1. The log-softmax is
    computed as ``Z - max - log(sum(exp(Z - max)))``, which never overflows;
    ``P`` comes from the same exponentials, so forward keeps it for backward.

    >>> logits = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> round(CrossEntropyLoss()(logits, np.array([0, 2])), 4)
    0.6691
    """

    def forward(self, y_pred, y_true):
        Z = as_float_array(y_pred, owner=self, name="y_pred (logits)")
        if Z.ndim != 2 or Z.shape[0] == 0 or Z.shape[1] < 2:
            raise ValueError(
                f"{self!r}: expected logits y_pred of shape (N, C) with N >= 1 and "
                f"C >= 2 classes, got shape {shape_str(Z.shape)}."
            )
        Y = self._targets(y_true, Z.shape, Z.dtype)
        shifted = Z - Z.max(axis=1, keepdims=True)
        E = np.exp(shifted)
        sums = E.sum(axis=1, keepdims=True)
        log_probs = shifted - np.log(sums)
        self.y_pred, self.Y, self.P = Z, Y, E / sums  # P = softmax(Z)
        # 0.0 - sum, not -sum: a perfect prediction gives 0.0, not -0.0
        return 0.0 - float(np.sum(Y * log_probs)) / len(Z)

    def _targets(self, y_true, logits_shape, dtype):
        """Return targets as an (N, C) matrix of class probabilities."""
        N, C = logits_shape
        y = np.asarray(y_true)
        if y.ndim == 1:
            if y.shape[0] != N:
                raise ValueError(
                    f"{self!r}: y_pred has {N} rows but y_true has {y.shape[0]} labels."
                )
            if not np.issubdtype(y.dtype, np.integer):
                raise TypeError(
                    f"{self!r}: class labels y_true must be integers in [0, {C}), got "
                    f"dtype {y.dtype}. Use y.astype(int), or pass one-hot rows (N, C)."
                )
            if y.min() < 0 or y.max() >= C:
                raise ValueError(
                    f"{self!r}: class labels must lie in [0, {C}) for {C} logits per "
                    f"row, got labels in [{y.min()}, {y.max()}]."
                )
            Y = np.zeros(logits_shape, dtype=dtype)
            Y[np.arange(N), y] = 1.0
            return Y
        Y = as_float_array(y, owner=self, name="y_true", dtype=dtype)
        if Y.shape != logits_shape:
            raise ValueError(
                f"{self!r}: y_true must be labels of shape ({N},) or one-hot rows "
                f"of shape {shape_str(logits_shape)}, got shape {shape_str(Y.shape)}."
            )
        return Y

    def backward(self):
        self._check_forward_done()
        # Each row's loss is -sum_c Y_c * log P_c, whose gradient is
        # P * sum_c Y_c - Y: (P - Y) when the row of Y sums to 1.
        return (self.P * self.Y.sum(axis=1, keepdims=True) - self.Y) / len(self.P)
