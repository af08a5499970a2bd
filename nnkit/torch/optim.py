"""Optimisers in PyTorch: the mirror of ``nnkit.optim`` (chapter 6).

Backward passes fill every ``Parameter.grad``; an optimiser's ``step()`` then
changes every ``Parameter.data`` to lower the loss. Optimisers are the only
code in nnkit that changes parameters. One training step reads::

    optimizer.zero_grad()                # gradients accumulate: reset them
    loss = loss_fn(model(X), y)          # forward
    model.backward(loss_fn.backward())   # backward fills p.grad
    optimizer.step()                     # update p.data

Each optimiser follows ``torch.optim``'s formulas exactly (the tests compare
them step by step) and updates in place, so a float32 model stays float32.
Per-parameter state (a velocity, a running average) is kept in lists aligned
with ``self.params``, each tensor of its parameter's shape, dtype and device.
"""

import torch

from nnkit.torch._checks import check_in_range, check_positive
from nnkit.torch.module import Parameter


def _parameter_list(params, *, owner):
    """Return ``params`` (e.g. the generator ``model.parameters()``) as a list,
    refusing anything that is not a non-empty collection of Parameters."""
    if isinstance(params, Parameter):
        raise TypeError(
            f"{owner}: params must be an iterable of Parameters, got a single "
            "Parameter. Wrap it in a list: [p]."
        )
    params = list(params)
    if not params:
        raise ValueError(
            f"{owner}: got no parameters, so there is nothing to update. Pass "
            "model.parameters(); it is a generator and is empty once used, so call "
            "it again rather than reusing it."
        )
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(
                f"{owner}: params[{i}] must be a Parameter, got {type(p).__name__}. "
                "Pass model.parameters(), or wrap an array as Parameter(array)."
            )
    return params


def _check_decay_rate(value, *, owner, name):
    """Raise unless ``0 <= value < 1``, the range of momentum, alpha and betas."""
    hint = "Typical values are 0.9 to 0.999."
    check_in_range(value, owner=owner, name=name, low=0, high=1, hint=hint)


class Optimizer:
    """Base class: keeps the list ``params`` and the learning rate ``lr >= 0``.

    ``params`` is any iterable of Parameters, usually ``model.parameters()``.
    Subclasses implement ``step()``, which updates every ``p.data`` in place
    from its ``p.grad``.
    """

    def __init__(self, params, lr):
        name = type(self).__name__
        self.params = _parameter_list(params, owner=name)
        check_positive(lr, owner=name, name="lr", allow_zero=True)
        self.lr = lr

    def zero_grad(self):
        """Reset the gradient of every parameter to zero."""
        for p in self.params:
            p.zero_grad()

    def step(self):
        raise NotImplementedError(f"{type(self).__name__} must implement step().")


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and weight decay.

    For each parameter ``w`` with gradient ``dw`` (as ``torch.optim.SGD``)::

        g = dw + weight_decay * w
        v = momentum * v + g                      # if momentum > 0
        g = g + momentum * v if nesterov else v   # if momentum > 0
        w = w - lr * g

    Parameters
    ----------
    params, lr
        As for :class:`Optimizer`.
    momentum : float, default 0.0
        In [0, 1); 0 gives plain gradient descent ``w = w - lr * dw``.
    nesterov : bool, default False
        Nesterov momentum: also step along the look-ahead ``momentum * v``.
    weight_decay : float, default 0.0
        L2 penalty, the gradient of ``0.5 * weight_decay * sum(w**2)``.

    Notes
    -----
    Each velocity ``v`` (in ``self.velocities``, shaped like its parameter)
    starts at 0, so the first step uses ``v = g``, as in PyTorch. A running
    sum of gradients, it damps directions where they change sign and speeds
    up, by up to ``1 / (1 - momentum)``, those where they agree.
    Chapter 6, "Training neural networks".

    >>> w = Parameter(torch.zeros(1, dtype=torch.float64))  # minimise L = (w - 3)**2
    >>> optimizer = SGD([w], lr=0.1, momentum=0.5)
    >>> for _ in range(100):
    ...     optimizer.zero_grad()
    ...     w.grad += 2 * (w.data - 3.0)  # dL/dw
    ...     optimizer.step()
    >>> round(float(w.data[0]), 6)
    3.0
    """

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(params, lr)
        _check_decay_rate(momentum, owner="SGD", name="momentum")
        check_positive(weight_decay, owner="SGD", name="weight_decay", allow_zero=True)
        if nesterov and momentum == 0:
            raise ValueError(
                f"SGD: nesterov=True needs momentum > 0, got momentum={momentum!r}. "
                "Set momentum (e.g. 0.9), or use nesterov=False."
            )
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.velocities = [torch.zeros_like(p.data) for p in self.params]

    def step(self):
        """Update every parameter once from its current gradient."""
        for p, v in zip(self.params, self.velocities, strict=True):
            g = p.grad
            if self.weight_decay:  # skipped at 0: saves a full pass over W
                g = g + self.weight_decay * p.data
            if self.momentum:
                v *= self.momentum
                v += g
                g = g + self.momentum * v if self.nesterov else v
            p.data -= self.lr * g


class RMSprop(Optimizer):
    """RMSprop: divide each gradient by a running root-mean-square of it.

    For each parameter ``w`` with gradient ``g`` (as ``torch.optim.RMSprop``)::

        s = alpha * s + (1 - alpha) * g**2
        w = w - lr * g / (sqrt(s) + eps)

    Parameters
    ----------
    params, lr
        As for :class:`Optimizer`.
    alpha : float, default 0.99
        Decay rate of the average of squared gradients, in [0, 1).
    eps : float, default 1e-8
        Keeps the denominator away from 0; > 0.

    Notes
    -----
    Each weight gets its own step size, smaller where gradients are large.
    ``s`` (in ``self.square_avgs``, shaped like its parameter) starts at 0 and,
    unlike Adam, is not bias-corrected, so the first step is about
    ``lr / sqrt(1 - alpha)`` long: 10 * lr for alpha = 0.99.
    Chapter 6, "Training neural networks".

    >>> w = Parameter(torch.tensor([1.0, 1.0]))
    >>> w.grad[:] = torch.tensor([100.0, 0.01])
    >>> RMSprop([w], lr=0.01).step()
    >>> w.data.round(decimals=4)
    tensor([0.9000, 0.9000])
    """

    def __init__(self, params, lr, alpha=0.99, eps=1e-8):
        super().__init__(params, lr)
        _check_decay_rate(alpha, owner="RMSprop", name="alpha")
        check_positive(eps, owner="RMSprop", name="eps")
        self.alpha = alpha
        self.eps = eps
        self.square_avgs = [torch.zeros_like(p.data) for p in self.params]

    def step(self):
        """Update every parameter once from its current gradient."""
        for p, s in zip(self.params, self.square_avgs, strict=True):
            g = p.grad
            s *= self.alpha
            s += (1 - self.alpha) * g**2
            p.data -= self.lr * g / (torch.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum and RMSprop combined, with bias correction.

    At step ``t = 1, 2, ...``, for each parameter ``w`` with gradient ``dw``
    (as ``torch.optim.Adam``)::

        g = dw + weight_decay * w
        m = beta1 * m + (1 - beta1) * g           # mean of gradients
        v = beta2 * v + (1 - beta2) * g**2        # mean of squared gradients
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        w = w - lr * m_hat / (sqrt(v_hat) + eps)

    Parameters
    ----------
    params, lr
        As for :class:`Optimizer`; ``lr`` defaults to 1e-3.
    betas : (float, float), default (0.9, 0.999)
        Decay rates ``(beta1, beta2)`` of ``m`` and ``v``, each in [0, 1).
    eps : float, default 1e-8
        Keeps the denominator away from 0; > 0.
    weight_decay : float, default 0.0
        L2 penalty added to the gradient (not AdamW's decoupled decay).

    Notes
    -----
    ``m`` and ``v`` (in ``self.m`` and ``self.v``, shaped like their
    parameter) start at 0, so early on they are too small by the factors
    ``1 - beta**t``; dividing by them (bias correction) undoes that. The first
    step is thus about ``lr`` long for every weight, whatever its gradient.
    Chapter 6, "Training neural networks".

    >>> w = Parameter(torch.tensor([1.0, 1.0]))
    >>> w.grad[:] = torch.tensor([100.0, 0.01])
    >>> Adam([w], lr=0.1).step()
    >>> w.data.round(decimals=4)
    tensor([0.9000, 0.9000])
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: betas must be (beta1, beta2), got {betas!r}.")
        _check_decay_rate(betas[0], owner="Adam", name="betas[0]")
        _check_decay_rate(betas[1], owner="Adam", name="betas[1]")
        check_positive(eps, owner="Adam", name="eps")
        check_positive(weight_decay, owner="Adam", name="weight_decay", allow_zero=True)
        self.betas = tuple(betas)
        self.eps = eps
        self.weight_decay = weight_decay
        self.t = 0
        self.m = [torch.zeros_like(p.data) for p in self.params]
        self.v = [torch.zeros_like(p.data) for p in self.params]

    def step(self):
        """Update every parameter once from its current gradient."""
        self.t += 1
        beta1, beta2 = self.betas
        correction1 = 1 - beta1**self.t
        correction2 = 1 - beta2**self.t
        for p, m, v in zip(self.params, self.m, self.v, strict=True):
            g = p.grad + self.weight_decay * p.data
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g**2
            m_hat = m / correction1
            v_hat = v / correction2
            p.data -= self.lr * m_hat / (torch.sqrt(v_hat) + self.eps)


def clip_grad_norm(params, max_norm):
    """Scale all gradients together so that their total 2-norm is <= ``max_norm``.

    ``total = sqrt(sum of grad**2 over every parameter)``. If ``total`` exceeds
    ``max_norm``, every gradient is multiplied in place by
    ``max_norm / (total + 1e-6)``; the 1e-6, as in
    ``torch.nn.utils.clip_grad_norm_``, guards against dividing by 0.

    Returns the total norm *before* clipping, a float worth logging: a sudden
    jump signals exploding gradients. Call it between ``backward`` and
    ``optimizer.step()``. One factor for all gradients keeps the update's
    direction and only shortens it. Chapter 6, "Training neural networks".

    >>> w = Parameter(torch.zeros(2))
    >>> w.grad[:] = torch.tensor([3.0, 4.0])
    >>> clip_grad_norm([w], max_norm=1.0)
    5.0
    >>> w.grad.round(decimals=4)
    tensor([0.6000, 0.8000])
    """
    params = _parameter_list(params, owner="clip_grad_norm")
    check_positive(max_norm, owner="clip_grad_norm", name="max_norm")
    total = float(torch.sqrt(sum(torch.sum(p.grad**2) for p in params)))
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for p in params:
            p.grad *= scale
    return total
