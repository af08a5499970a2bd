"""Regularization: dropout, batch normalization and weight penalties (chapter 7).

``Dropout`` and ``BatchNorm1d`` behave differently in training and in
evaluation, so they read ``self.training`` (set by ``train()``/``eval()``).
``L2Penalty`` and ``L1Penalty`` are not layers: they add a term to the loss and
its gradient to the weights' ``.grad``.
"""

import numpy as np

from nnkit._checks import (
    as_float_array,
    as_generator,
    check_count,
    check_in_range,
    check_ndim,
    check_positive,
    check_probability,
    shape_str,
)
from nnkit.module import Module, Parameter


class Dropout(Module):
    """Inverted dropout: ``A = X * mask``, ``mask = (u >= p) / (1 - p)``, u ~ U[0, 1).

    Parameters
    ----------
    p : float, default 0.5
        Probability of dropping (zeroing) each unit, in [0, 1); p=0 is identity.
    rng : numpy.random.Generator, optional
        Source of the masks; ``np.random.default_rng()`` if omitted.

    Shapes
    ------
    X: any shape -> A: the same shape.

    Notes
    -----
    Each unit is kept with probability ``1 - p`` and scaled by ``1 / (1 - p)``,
    so ``E[A] = X``: on average the next layer sees in training what it will
    see in evaluation, where dropout is the identity. PyTorch's ``nn.Dropout``
    is inverted too. The classic form (Srivastava et al., 2014) leaves kept
    units unscaled, ``E[A] = (1 - p) * X``, and multiplies by ``1 - p`` at test
    time instead: the same expectation, but evaluation needs a special case.
    Backward uses the same mask: ``dX = dA * mask``. Chapter 7,
    "Regularization and generalization".

    Examples
    --------
    >>> drop = Dropout(0.5, rng=np.random.default_rng(0))
    >>> drop(np.ones((1, 6)))  # kept units are doubled, dropped ones are 0
    array([[2., 0., 0., 0., 2., 2.]])
    >>> drop.eval()(np.ones((1, 6)))
    array([[1., 1., 1., 1., 1., 1.]])
    """

    def __init__(self, p=0.5, *, rng=None):
        super().__init__()
        hint = "p is the chance of dropping each unit; p=0 turns dropout off."
        check_in_range(p, owner="Dropout", name="p", low=0, high=1, hint=hint)
        self.p = float(p)
        self.rng = as_generator(rng, owner="Dropout")
        self.mask = None

    def forward(self, X):
        X = as_float_array(X, owner=self, name="X")
        if self.training:
            keep = self.rng.random(X.shape) >= self.p
            self.mask = keep.astype(X.dtype) / (1.0 - self.p)
        else:
            self.mask = np.ones_like(X)  # evaluation: keep every unit, unscaled
        return X * self.mask

    def backward(self, dA):
        self._check_backward(self.mask, dA)
        return dA * self.mask

    def extra_repr(self):
        return f"p={self.p}"


class BatchNorm1d(Module):
    """Batch normalization: ``A = gamma * (X - mean) / sqrt(var + eps) + beta``.

    Parameters
    ----------
    num_features : int
        D, the number of features; each is normalized on its own.
    momentum : float, default 0.1
        Weight of the newest batch in the running statistics, in [0, 1].
    eps : float, default 1e-5
        Added to the variance so a constant feature does not divide by zero.
    dtype : numpy dtype, default float64
        Precision of the parameters and running statistics.

    Shapes
    ------
    X: (N, D) -> A: (N, D); gamma (``weight``), beta (``bias``) and the running
    statistics: (D,).

    Notes
    -----
    Training normalizes with the batch's own per-feature ``mean`` and ``var``
    (dividing by N) and moves ``running = (1 - momentum) * running + momentum
    * batch``, with the unbiased variance (dividing by N - 1), as
    ``torch.nn.BatchNorm1d`` does. Evaluation uses the running statistics, so
    a prediction does not depend on the rest of the batch.

    Backward, with ``X_hat = (X - mean) * inv_std`` and ``dX_hat = dA * gamma``:
    ``dgamma = (dA * X_hat).sum(0)``, ``dbeta = dA.sum(0)``. In training mean
    and var depend on X as well, giving ``dX = inv_std / N * (N * dX_hat -
    dX_hat.sum(0) - X_hat * (dX_hat * X_hat).sum(0))``; in evaluation they
    are constants and ``dX = dX_hat * inv_std``. Chapter 7, "Regularization
    and generalization": the noise of batch statistics is a mild regularizer.

    Examples
    --------
    >>> bn = BatchNorm1d(2)
    >>> bn(np.array([[1.0, 10.0], [3.0, 30.0]])).round(3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean  # 0.9 * 0 + 0.1 * the batch mean [2, 20]
    array([0.2, 2. ])
    """

    def __init__(self, num_features, momentum=0.1, eps=1e-5, *, dtype=np.float64):
        super().__init__()
        check_count(num_features, owner="BatchNorm1d", name="num_features")
        check_probability(momentum, owner="BatchNorm1d", name="momentum")
        check_positive(eps, owner="BatchNorm1d", name="eps")
        self.num_features = int(num_features)
        # BatchNorm keeps the width, but setting both lets Sequential check sizes.
        self.in_features = self.out_features = self.num_features
        self.momentum = float(momentum)
        self.eps = float(eps)
        self.weight = Parameter(np.ones(self.num_features, dtype=dtype))  # gamma
        self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))  # beta
        self.running_mean = np.zeros(self.num_features, dtype=dtype)
        self.running_var = np.ones(self.num_features, dtype=dtype)
        self.X_hat = None

    def forward(self, X):
        D = self.num_features
        X = as_float_array(X, owner=self, name="X", dtype=self.weight.data.dtype)
        check_ndim(X, 2, owner=self, name="X", layout=f"(N, {D})")
        if X.shape[1] != D:
            raise ValueError(
                f"{self!r} expected X with {D} features (shape (N, {D})), "
                f"got shape {shape_str(X.shape)}."
            )
        N = len(X)
        if self.training:
            if N < 2:
                raise ValueError(
                    f"{self!r}: expected more than 1 value per channel when training, "
                    f"got X of shape {shape_str(X.shape)}. Use batches of N >= 2, "
                    "or call .eval() to normalize with the running statistics."
                )
            mean, var = X.mean(axis=0), X.var(axis=0)  # var divides by N
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * N / (N - 1)
        else:
            mean, var = self.running_mean, self.running_var
        self.used_batch_stats = self.training  # backward needs the mode of forward
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.X_hat = (X - mean) * self.inv_std
        return self.weight.data * self.X_hat + self.bias.data

    def backward(self, dA):
        self._check_backward(self.X_hat, dA)
        self.weight.grad += (dA * self.X_hat).sum(axis=0)
        self.bias.grad += dA.sum(axis=0)
        dX_hat = dA * self.weight.data
        if not self.used_batch_stats:
            return dX_hat * self.inv_std
        N = len(dX_hat)
        return (
            self.inv_std
            / N
            * (
                N * dX_hat
                - dX_hat.sum(axis=0)
                - self.X_hat * (dX_hat * self.X_hat).sum(axis=0)
            )
        )

    def extra_repr(self):
        return f"{self.num_features}, momentum={self.momentum}, eps={self.eps}"


class _Penalty:
    """Shared plumbing: check ``lam``, pick the parameters, sum and add gradients."""

    def __init__(self, lam, *, weights_only=True):
        check_positive(lam, owner=type(self).__name__, name="lam", allow_zero=True)
        self.lam = lam
        self.weights_only = weights_only

    def _selected(self, parameters):
        for parameter in parameters:
            if not isinstance(parameter, Parameter):
                raise TypeError(
                    f"{self!r}: expected Parameters, got {type(parameter).__name__}. "
                    "Pass model.parameters()."
                )
            if parameter.data.ndim >= 2 or not self.weights_only:
                yield parameter

    def __call__(self, parameters):
        return float(sum(self.penalty(p.data) for p in self._selected(parameters)))

    def backward(self, parameters):
        """Add the penalty's gradient to the ``.grad`` of each penalized parameter."""
        for parameter in self._selected(parameters):
            parameter.grad += self.gradient(parameter.data)

    def __repr__(self):
        return f"{type(self).__name__}(lam={self.lam})"


class L2Penalty(_Penalty):
    """L2 penalty (weight decay): ``R = lam / 2 * sum(W ** 2)``; ``dW = lam * W``.

    Parameters
    ----------
    lam : float
        Strength of the penalty, >= 0.
    weights_only : bool, default True
        Penalize only weight matrices (``ndim >= 2``), not biases or BatchNorm's
        gamma and beta.

    Shapes
    ------
    ``penalty(parameters)`` -> float; ``penalty.backward(parameters)`` adds
    ``dW`` (shaped like ``W``) to each penalized ``W.grad``.

    Notes
    -----
    ``loss = loss_fn(y_pred, y) + penalty(model.parameters())``; after
    ``model.backward(...)``, call ``penalty.backward(model.parameters())``. The 1/2
    makes the gradient ``lam * W``, the very term SGD's ``weight_decay=lam``
    adds. Biases are skipped by convention: each only shifts one unit, and
    cannot make the function wiggly the way large weights can. Chapter 7,
    "Regularization and generalization".

    Examples
    --------
    >>> W, b = Parameter(np.array([[3.0, -4.0]])), Parameter(np.array([1.0]))
    >>> L2Penalty(0.5)([W, b])  # 0.5 / 2 * (9 + 16); the bias b is skipped
    6.25
    >>> L2Penalty(0.5).backward([W, b])
    >>> W.grad, b.grad
    (array([[ 1.5, -2. ]]), array([0.]))
    """

    def penalty(self, W):
        return self.lam / 2 * np.sum(W**2)

    def gradient(self, W):
        return self.lam * W


class L1Penalty(_Penalty):
    """L1 penalty: ``R = lam * sum(|W|)``; ``dW = lam * sign(W)`` (0 at W = 0).

    Parameters, Shapes and the default ``weights_only=True`` are as in
    :class:`L2Penalty`.

    Notes
    -----
    The gradient has size ``lam`` however small a weight is, so L1 pushes
    weights all the way to zero (a sparse network), while L2 only shrinks them
    in proportion to their size. Chapter 7, "Regularization and generalization".

    Examples
    --------
    >>> W, b = Parameter(np.array([[3.0, -4.0]])), Parameter(np.array([1.0]))
    >>> L1Penalty(0.5)([W, b])  # 0.5 * (3 + 4); the bias b is skipped
    3.5
    >>> L1Penalty(0.5).backward([W, b])
    >>> W.grad
    array([[ 0.5, -0.5]])
    """

    def penalty(self, W):
        return self.lam * np.sum(np.abs(W))

    def gradient(self, W):
        return self.lam * np.sign(W)
