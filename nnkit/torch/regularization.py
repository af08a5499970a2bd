"""Regularization in PyTorch: the mirror of ``nnkit.regularization`` (chapter 7).

``Dropout`` and ``BatchNorm1d`` behave differently in training and in
evaluation, so they read ``self.training`` (set by ``train()``/``eval()``).
``L2Penalty`` and ``L1Penalty`` are not layers: they add a term to the loss and
its gradient to the weights' ``.grad``.
"""

import torch

from nnkit.torch._checks import (
    as_float_tensor,
    as_generator,
    check_count,
    check_in_range,
    check_ndim,
    check_positive,
    check_probability,
    shape_str,
)
from nnkit.torch.device import resolve_device
from nnkit.torch.module import Module, Parameter


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

    The mask is drawn on the CPU from the NumPy ``rng`` and then copied to
    X's device, so the same ``rng`` gives exactly the masks of
    ``nnkit.Dropout`` (the tests rely on it). The copy costs one small
    transfer per batch; ``torch.nn.Dropout`` draws on the device instead.

    Examples
    --------
    >>> import numpy as np
    >>> drop = Dropout(0.5, rng=np.random.default_rng(0))
    >>> drop(torch.ones((1, 6)))  # kept units are doubled, dropped ones are 0
    tensor([[2., 0., 0., 0., 2., 2.]])
    >>> drop.eval()(torch.ones((1, 6)))
    tensor([[1., 1., 1., 1., 1., 1.]])
    """

    def __init__(self, p=0.5, *, rng=None):
        super().__init__()
        hint = "p is the chance of dropping each unit; p=0 turns dropout off."
        check_in_range(p, owner="Dropout", name="p", low=0, high=1, hint=hint)
        self.p = float(p)
        self.rng = as_generator(rng, owner="Dropout")
        self.mask = None

    def forward(self, X):
        X = as_float_tensor(X, owner=self, name="X")
        if self.training:
            keep = self.rng.random(tuple(X.shape)) >= self.p
            keep = torch.as_tensor(keep, device=X.device)
            self.mask = keep.to(X.dtype) / (1.0 - self.p)
        else:
            self.mask = torch.ones_like(X)  # evaluation: keep every unit, unscaled
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
    device : torch.device or str, optional
        Where the parameters live; ``default_device()`` if omitted.
    dtype : torch.dtype, default torch.float64
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
    >>> bn = BatchNorm1d(2, device="cpu")
    >>> bn(torch.tensor([[1.0, 10.0], [3.0, 30.0]])).round(decimals=3)
    tensor([[-1., -1.],
            [ 1.,  1.]], dtype=torch.float64)
    >>> bn.running_mean  # 0.9 * 0 + 0.1 * the batch mean [2, 20]
    tensor([0.2000, 2.0000], dtype=torch.float64)
    """

    def __init__(
        self, num_features, momentum=0.1, eps=1e-5, *, device=None, dtype=torch.float64
    ):
        super().__init__()
        check_count(num_features, owner="BatchNorm1d", name="num_features")
        check_probability(momentum, owner="BatchNorm1d", name="momentum")
        check_positive(eps, owner="BatchNorm1d", name="eps")
        self.num_features = int(num_features)
        # BatchNorm keeps the width, but setting both lets Sequential check sizes.
        self.in_features = self.out_features = self.num_features
        self.momentum = float(momentum)
        self.eps = float(eps)
        place = {"device": resolve_device(device), "dtype": dtype}
        self.weight = Parameter(torch.ones(self.num_features, **place))  # gamma
        self.bias = Parameter(torch.zeros(self.num_features, **place))  # beta
        self.running_mean = torch.zeros(self.num_features, **place)
        self.running_var = torch.ones(self.num_features, **place)
        self.X_hat = None

    def forward(self, X):
        D = self.num_features
        gamma = self.weight.data
        X = as_float_tensor(
            X, owner=self, name="X", dtype=gamma.dtype, device=gamma.device
        )
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
            mean, var = X.mean(axis=0), X.var(axis=0, correction=0)  # var divides by N
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * N / (N - 1)
        else:
            mean, var = self.running_mean, self.running_var
        self.used_batch_stats = self.training  # backward needs the mode of forward
        self.inv_std = 1.0 / torch.sqrt(var + self.eps)
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
    >>> W = Parameter(torch.tensor([[3.0, -4.0]]))
    >>> b = Parameter(torch.tensor([1.0]))
    >>> L2Penalty(0.5)([W, b])  # 0.5 / 2 * (9 + 16); the bias b is skipped
    6.25
    >>> L2Penalty(0.5).backward([W, b])
    >>> W.grad, b.grad
    (tensor([[ 1.5000, -2.0000]]), tensor([0.]))
    """

    def penalty(self, W):
        return self.lam / 2 * torch.sum(W**2)

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
    >>> W = Parameter(torch.tensor([[3.0, -4.0]]))
    >>> b = Parameter(torch.tensor([1.0]))
    >>> L1Penalty(0.5)([W, b])  # 0.5 * (3 + 4); the bias b is skipped
    3.5
    >>> L1Penalty(0.5).backward([W, b])
    >>> W.grad
    tensor([[ 0.5000, -0.5000]])
    """

    def penalty(self, W):
        return self.lam * torch.sum(torch.abs(W))

    def gradient(self, W):
        return self.lam * torch.sign(W)
