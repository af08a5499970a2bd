"""Loss functions in PyTorch: the mirror of ``nnkit.losses`` (chapter 4).

Calling a loss, ``loss(y_pred, y_true)``, returns the mean loss as a Python
float and remembers what ``backward()`` needs; ``loss.backward()`` then returns
``dL/dy_pred``, the gradient the network's backward pass starts from.

Every loss averages over all elements (PyTorch's default ``reduction="mean"``);
``CrossEntropyLoss`` averages over the N samples, each a row of C logits.
Weighted losses (``BCEWithLogitsLoss(pos_weight=...)``,
``CrossEntropyLoss(weight=...)``, chapter 8) let a rare class count more.
``y_true`` may be a NumPy array or a tensor; it is moved to ``y_pred``'s
device.
"""

import math

import torch

from nnkit.torch._checks import (
    as_float_tensor,
    check_ndim,
    check_positive,
    check_same_shape,
    shape_str,
)
from nnkit.torch.activations import sigmoid

# log(p) is clamped at -100, as PyTorch's BCELoss does, so that a probability of
# exactly 0 or 1 gives a large but finite loss instead of infinity.
_LOG_FLOOR = math.exp(-100.0)
# The smallest denominator p * (1 - p) in BCELoss's gradient (PyTorch's epsilon).
_BCE_GRAD_EPS = 1e-12


class Loss:
    """Base class: ``loss(y_pred, y_true)`` runs ``forward``; ``backward()`` follows."""

    def __call__(self, y_pred, y_true):
        return self.forward(y_pred, y_true)

    def _inputs(self, y_pred, y_true):
        """Validate a pair of same-shape tensors and keep them for backward."""
        y_pred = as_float_tensor(y_pred, owner=self, name="y_pred")
        y_true = _like(y_true, y_pred, owner=self, name="y_true")
        check_same_shape(y_pred, y_true, owner=self)
        if y_pred.numel() == 0:
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


def _like(y_true, y_pred, *, owner, name):
    """``y_true`` as a float tensor of ``y_pred``'s dtype, moved to its device."""
    if isinstance(y_true, torch.Tensor):
        y_true = y_true.to(y_pred.device)
    return as_float_tensor(
        y_true, owner=owner, name=name, dtype=y_pred.dtype, device=y_pred.device
    )


class MSELoss(Loss):
    """Mean squared error: ``L = mean((y_pred - y_true) ** 2)``.

    Gradient: ``dL/dy_pred = 2 * (y_pred - y_true) / n`` with n the number of
    elements. Squaring makes large errors count much more than small ones.

    >>> MSELoss()(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
    2.0
    """

    def forward(self, y_pred, y_true):
        y_pred, y_true = self._inputs(y_pred, y_true)
        return float(torch.mean((y_pred - y_true) ** 2))

    def backward(self):
        self._check_forward_done()
        return 2.0 * (self.y_pred - self.y_true) / self.y_pred.numel()


class L1Loss(Loss):
    """Mean absolute error (MAE): ``L = mean(|y_pred - y_true|)``.

    Gradient: ``sign(y_pred - y_true) / n`` (0 where the error is exactly 0).

    >>> L1Loss()(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
    1.0
    """

    def forward(self, y_pred, y_true):
        y_pred, y_true = self._inputs(y_pred, y_true)
        return float(torch.mean(torch.abs(y_pred - y_true)))

    def backward(self):
        self._check_forward_done()
        return torch.sign(self.y_pred - self.y_true) / self.y_pred.numel()


class HuberLoss(Loss):
    """Huber loss: quadratic for small errors, linear for large ones.

    With ``r = y_pred - y_true``: ``0.5 * r**2`` if ``|r| <= delta``, else
    ``delta * (|r| - 0.5 * delta)``; averaged. The gradient ``clip(r, -delta,
    delta) / n`` is bounded, so a few outliers cannot dominate training.

    >>> HuberLoss(delta=1.0)(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0]))
    1.3125
    """

    def __init__(self, delta=1.0):
        check_positive(delta, owner="HuberLoss", name="delta")
        self.delta = delta

    def forward(self, y_pred, y_true):
        y_pred, y_true = self._inputs(y_pred, y_true)
        r = torch.abs(y_pred - y_true)
        quadratic = 0.5 * r**2
        linear = self.delta * (r - 0.5 * self.delta)
        return float(torch.mean(torch.where(r <= self.delta, quadratic, linear)))

    def backward(self):
        self._check_forward_done()
        r = self.y_pred - self.y_true
        return torch.clamp(r, -self.delta, self.delta) / self.y_pred.numel()

    def extra_repr(self):
        return f"delta={self.delta}"


class BCELoss(Loss):
    """Binary cross-entropy on probabilities ``p = y_pred`` in [0, 1]:
    ``L = -mean(y * log(p) + (1 - y) * log(1 - p))``.

    Each log is clamped at -100 (as in PyTorch), so p of exactly 0 or 1 stays
    finite. Prefer :class:`BCEWithLogitsLoss` on raw scores: it is exact where
    this one has to clamp.

    >>> round(BCELoss()(torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0])), 4)
    0.1643
    """

    def forward(self, y_pred, y_true):
        p, y = self._inputs(y_pred, y_true)
        for name, values in (("y_pred", p), ("y_true", y)):
            low, high = float(values.min()), float(values.max())
            if low < 0 or high > 1:
                raise ValueError(
                    f"{self!r}: {name} must hold probabilities in [0, 1], got values "
                    f"in [{low:.4g}, {high:.4g}]."
                    + (
                        " If y_pred are raw scores (logits), use BCEWithLogitsLoss."
                        if name == "y_pred"
                        else ""
                    )
                )
        log_p = torch.log(torch.clamp(p, min=_LOG_FLOOR))
        log_1mp = torch.log(torch.clamp(1.0 - p, min=_LOG_FLOOR))
        # 0.0 - mean, not -mean: a perfect prediction gives 0.0, not -0.0
        return 0.0 - float(torch.mean(y * log_p + (1.0 - y) * log_1mp))

    def backward(self):
        self._check_forward_done()
        p, y = self.y_pred, self.y_true
        return (p - y) / torch.clamp(p * (1.0 - p), min=_BCE_GRAD_EPS) / p.numel()


class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy on logits ``z = y_pred``, with the sigmoid fused in.

    ``L = mean(pos_weight * y * softplus(-z) + (1 - y) * softplus(z))``, where
    ``softplus(x) = log(1 + exp(x))``, ``-log(sigmoid(z)) = softplus(-z)`` and
    ``-log(1 - sigmoid(z)) = softplus(z)``. With ``pos_weight = 1`` this is
    ``BCELoss()(sigmoid(z), y)``, but it never takes the log of 0 or overflows
    ``exp``: ``softplus(x) = max(x, 0) + log(1 + exp(-|x|))``.

    Gradient: ``(pos_weight * y * (sigmoid(z) - 1) + (1 - y) * sigmoid(z)) / n
    = (sigmoid(z) * (1 - y + pos_weight * y) - pos_weight * y) / n``, which is
    ``(sigmoid(z) - y) / n`` for ``pos_weight = 1``.

    Parameters
    ----------
    pos_weight : float or array_like of shape (D_out,), optional
        How much a positive target (y = 1) counts against a negative one, > 0:
        one number, or one per output column. With 5% positives,
        ``pos_weight = 95 / 5 = 19`` gives both classes the same total weight.
        Default 1. As PyTorch's ``pos_weight``; chapter 8, "Class imbalance".

    >>> round(BCEWithLogitsLoss()(torch.tensor([1000.0]), torch.tensor([0.0])), 1)
    1000.0
    >>> z, y = torch.tensor([-1000.0]), torch.tensor([1.0])
    >>> round(BCEWithLogitsLoss(pos_weight=3.0)(z, y))
    3000
    """

    def __init__(self, pos_weight=None):
        if pos_weight is not None:
            owner, name = "BCEWithLogitsLoss", "pos_weight"
            pos_weight = _as_weights(pos_weight, owner=owner, name=name, positive=True)
        self.pos_weight = pos_weight

    def forward(self, y_pred, y_true):
        z, y = self._inputs(y_pred, y_true)
        w = 1.0 if self.pos_weight is None else self._pos_weight_like(z)
        t = torch.log1p(
            torch.exp(-torch.abs(z))
        )  # log(1 + exp(-|z|)): exp never overflows
        softplus_z, softplus_minus_z = (
            torch.clamp(z, min=0) + t,
            torch.clamp(-z, min=0) + t,
        )
        return float(torch.mean(w * y * softplus_minus_z + (1 - y) * softplus_z))

    def backward(self):
        self._check_forward_done()
        z, y = self.y_pred, self.y_true
        w = 1.0 if self.pos_weight is None else self._pos_weight_like(z)
        # pos_weight * y * (sigmoid(z) - 1) + (1 - y) * sigmoid(z), with one sigmoid
        return (sigmoid(z) * (1 - y + w * y) - w * y) / z.numel()

    def _pos_weight_like(self, z):
        """``pos_weight`` on ``z``'s device and dtype, checked against its last axis."""
        w = self.pos_weight
        if w.ndim == 1 and (z.ndim == 0 or z.shape[-1] != len(w)):
            raise ValueError(
                f"{self!r}: pos_weight has {len(w)} values, one per output column, "
                f"so y_pred must have shape (N, {len(w)}), got shape "
                f"{shape_str(z.shape)}."
            )
        return w.to(device=z.device, dtype=z.dtype)

    def extra_repr(self):
        if self.pos_weight is None:
            return ""
        return f"pos_weight={self.pos_weight.tolist()}"


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

    Parameters
    ----------
    weight : array_like of shape (C,), optional
        Class weights ``w``, >= 0: each target counts ``w[c]`` times, so
        ``Y`` becomes ``Y * w`` in the sum and in the gradient, and the mean
        becomes a weighted mean, ``L = -sum_n sum_c w[c] * Y[n, c] *
        log_softmax(Z)[n, c] / total``. As in PyTorch, ``total`` is the summed
        weight of the targets, ``sum_n w[y_n]``, for class labels, but N for
        rows of probabilities (even one-hot ones). ``w[c] = N / (C * N_c)``
        (N_c samples of class c) gives every class the same total weight.
        Chapter 8, "Class imbalance".

    >>> logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> round(CrossEntropyLoss()(logits, torch.tensor([0, 2])), 4)
    0.6691
    >>> loss = CrossEntropyLoss(weight=[1.0, 1.0, 3.0])
    >>> round(loss(logits, torch.tensor([0, 2])), 4)
    0.8838
    """

    def __init__(self, weight=None):
        if weight is not None:
            owner = "CrossEntropyLoss"
            weight = _as_weights(weight, owner=owner, name="weight")
            check_ndim(weight, 1, owner=owner, name="weight", layout="(C,)")
        self.weight = weight

    def forward(self, y_pred, y_true):
        Z = as_float_tensor(y_pred, owner=self, name="y_pred (logits)")
        if Z.ndim != 2 or Z.shape[0] == 0 or Z.shape[1] < 2:
            raise ValueError(
                f"{self!r}: expected logits y_pred of shape (N, C) with N >= 1 and "
                f"C >= 2 classes, got shape {shape_str(Z.shape)}."
            )
        Y = self._targets(y_true, Z)
        if self.weight is not None:
            Y = Y * self._weight_like(Z)  # each target counts w[c] times
        # The mean divides by the targets' total weight for labels (N if
        # unweighted) and by N for rows of probabilities, as PyTorch does.
        total = self._total(Y, torch.as_tensor(y_true).ndim == 1)
        shifted = Z - Z.amax(axis=1, keepdims=True)
        E = torch.exp(shifted)
        sums = E.sum(axis=1, keepdims=True)
        log_probs = shifted - torch.log(sums)
        self.y_pred, self.Y, self.P = Z, Y, E / sums  # P = softmax(Z)
        self.total = total
        # 0.0 - sum, not -sum: a perfect prediction gives 0.0, not -0.0
        return 0.0 - float(torch.sum(Y * log_probs)) / total

    def _weight_like(self, Z):
        """The class weights on ``Z``'s device and in its dtype, one per column."""
        if len(self.weight) != Z.shape[1]:
            raise ValueError(
                f"{self!r}: weight has {len(self.weight)} values, one per class, "
                f"but the logits y_pred have {Z.shape[1]} columns (shape "
                f"{shape_str(Z.shape)})."
            )
        return self.weight.to(device=Z.device, dtype=Z.dtype)

    def _total(self, Y, from_labels):
        """What the loss is averaged over: N, or, for class labels and class
        weights, the targets' total weight ``Y.sum() = sum_n w[y_n]``."""
        if self.weight is None or not from_labels:
            return len(Y)
        total = float(Y.sum())
        if total == 0:
            raise ValueError(
                f"{self!r}: every target is of a class with weight 0, so the "
                "weighted mean divides by 0. Give those classes a weight > 0."
            )
        return total

    def _targets(self, y_true, Z):
        """Return targets as an (N, C) matrix of class probabilities."""
        N, C = Z.shape
        y = torch.as_tensor(y_true, device=Z.device)
        if y.ndim == 1:
            if y.shape[0] != N:
                raise ValueError(
                    f"{self!r}: y_pred has {N} rows but y_true has {y.shape[0]} labels."
                )
            if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
                raise TypeError(
                    f"{self!r}: class labels y_true must be integers in [0, {C}), got "
                    f"dtype {y.dtype}. Use y.long(), or pass one-hot rows (N, C)."
                )
            low, high = int(y.min()), int(y.max())
            if low < 0 or high >= C:
                raise ValueError(
                    f"{self!r}: class labels must lie in [0, {C}) for {C} logits per "
                    f"row, got labels in [{low}, {high}]."
                )
            Y = torch.zeros_like(Z)
            Y[torch.arange(N, device=Z.device), y] = 1.0
            return Y
        Y = _like(y, Z, owner=self, name="y_true")
        if Y.shape != Z.shape:
            raise ValueError(
                f"{self!r}: y_true must be labels of shape ({N},) or one-hot rows "
                f"of shape {shape_str(Z.shape)}, got shape {shape_str(Y.shape)}."
            )
        return Y

    def backward(self):
        self._check_forward_done()
        # Each row's loss is -sum_c Y_c * log P_c, whose gradient is
        # P * sum_c Y_c - Y: (P - Y) when the row of Y sums to 1.
        return (self.P * self.Y.sum(axis=1, keepdims=True) - self.Y) / self.total

    def extra_repr(self):
        if self.weight is None:
            return ""
        return f"weight={self.weight.tolist()}"


def _as_weights(weights, *, owner, name, positive=False):
    """``weights``, a number or a 1-D array, as a float array of finite numbers
    > 0 (``positive``) or >= 0."""
    w = as_float_tensor(weights, owner=owner, name=name, dtype=torch.float64)
    if w.ndim > 1:
        raise ValueError(
            f"{owner}: {name} must be a number or a 1-D array, got shape "
            f"{shape_str(w.shape)}."
        )
    too_small = w <= 0 if positive else w < 0
    if torch.any(too_small):
        raise ValueError(
            f"{owner}: {name} must hold numbers {'> 0' if positive else '>= 0'}, "
            f"got {w.tolist()}."
        )
    return w
