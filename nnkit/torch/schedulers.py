"""Learning-rate schedules in PyTorch: the mirror of ``nnkit.schedulers`` (chapter 6).

A scheduler only reads and writes ``optimizer.lr``, a Python float, so this
file differs from its twin only in the Optimizer it accepts.

A large learning rate makes fast progress early on; a small one settles into
a minimum at the end. A scheduler moves ``optimizer.lr`` between the two,
once per epoch. Call ``scheduler.step()`` after each epoch, or pass the
scheduler to ``fit(..., scheduler=scheduler)``, which does::

    for epoch in range(1, epochs + 1):
        ...                           # every mini-batch: optimizer.step()
        scheduler.step()              # ReduceLROnPlateau: step(val_loss)

Each schedule follows ``torch.optim.lr_scheduler`` (the tests compare them
epoch by epoch). Like PyTorch's, a scheduler sets the learning rate of epoch
0 when it is created; ``base_lr`` is the optimizer's lr at that moment. The
schedules:

=====================  =================================================
``StepLR``             multiply by ``gamma`` every ``step_size`` epochs
``CosineAnnealingLR``  follow half a cosine from ``base_lr`` down to
                       ``eta_min`` over ``T_max`` epochs
``LinearLR``           warm-up: grow linearly from ``start_factor *
                       base_lr`` to ``end_factor * base_lr``
``SequentialLR``       one schedule after another, e.g. ``LinearLR``
                       warm-up, then ``CosineAnnealingLR``
``ReduceLROnPlateau``  multiply by ``factor`` when a monitored value
                       (e.g. ``"val_loss"``) stops improving
=====================  =================================================
"""

import bisect
import math

from nnkit.torch._checks import check_count, check_in_range, check_positive
from nnkit.torch.optim import Optimizer

# ReduceLROnPlateau ignores a reduction smaller than this (PyTorch's eps).
_MIN_LR_CHANGE = 1e-8


def _check_optimizer(optimizer, *, owner):
    """Raise unless ``optimizer`` is an Optimizer of this package."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{owner}: optimizer must be an nnkit.torch Optimizer such as "
            f"SGD(model.parameters(), lr=0.1), got {type(optimizer).__name__}."
        )


class LRScheduler:
    """Base class: ``optimizer.lr = lr_at(epoch)`` at epoch 0, 1, 2, ...

    ``step()`` moves to the next epoch. ``epoch`` counts the calls of
    ``step()`` so far (PyTorch's ``last_epoch``); ``base_lr`` is the
    optimizer's learning rate when the scheduler was created. Subclasses
    implement ``lr_at(epoch)`` as a formula of ``epoch`` and ``base_lr``.
    """

    def __init__(self, optimizer):
        _check_optimizer(optimizer, owner=type(self).__name__)
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0
        optimizer.lr = self.lr_at(0)

    def step(self):
        """Set the learning rate of the next epoch; call once per epoch."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)

    def lr_at(self, epoch):
        """The learning rate of ``epoch``; each schedule writes its formula."""
        raise NotImplementedError(f"{type(self).__name__} must implement lr_at().")

    def __repr__(self):
        return f"{type(self).__name__}(epoch={self.epoch}, lr={self.optimizer.lr:.4g})"


class StepLR(LRScheduler):
    """Step decay: ``lr = base_lr * gamma ** (epoch // step_size)``.

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        Epochs between two decays, >= 1.
    gamma : float, default 0.1
        The factor of each decay, > 0.

    Notes
    -----
    As ``torch.optim.lr_scheduler.StepLR``. Chapter 6, "Learning-rate schedules".

    >>> from nnkit.torch import SGD, Parameter
    >>> optimizer = SGD([Parameter([0.0])], lr=1.0)
    >>> scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(optimizer.lr)
    ...     scheduler.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        check_count(step_size, owner="StepLR", name="step_size")
        check_positive(gamma, owner="StepLR", name="gamma")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing:
    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``.

    The learning rate falls slowly at first, fastest halfway, and slowly
    again as it reaches ``eta_min`` at epoch ``T_max``. Past ``T_max`` the
    cosine climbs back up, as in PyTorch: choose ``T_max`` = the number of
    epochs.

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Epochs from ``base_lr`` down to ``eta_min``, >= 1.
    eta_min : float, default 0.0
        The smallest learning rate, >= 0.

    Notes
    -----
    As ``torch.optim.lr_scheduler.CosineAnnealingLR``, which computes the
    same values step by step. Chapter 6, "Learning-rate schedules".

    >>> from nnkit.torch import SGD, Parameter
    >>> optimizer = SGD([Parameter([0.0])], lr=1.0)
    >>> scheduler = CosineAnnealingLR(optimizer, T_max=4)
    >>> [round(scheduler.lr_at(epoch), 4) for epoch in range(5)]
    [1.0, 0.8536, 0.5, 0.1464, 0.0]
    """

    def __init__(self, optimizer, T_max, eta_min=0.0):
        check_count(T_max, owner="CosineAnnealingLR", name="T_max")
        check_positive(
            eta_min, owner="CosineAnnealingLR", name="eta_min", allow_zero=True
        )
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer)

    def lr_at(self, epoch):
        cosine = (1 + math.cos(math.pi * epoch / self.T_max)) / 2  # from 1 down to 0
        return self.eta_min + (self.base_lr - self.eta_min) * cosine


class LinearLR(LRScheduler):
    """Linear warm-up: ``lr = base_lr * factor``, with ``factor`` going in a
    straight line from ``start_factor`` at epoch 0 to ``end_factor`` at epoch
    ``total_iters``, then staying there.

    ``factor = start_factor + (end_factor - start_factor) * min(epoch,
    total_iters) / total_iters``. A small learning rate for the first epochs
    keeps the large early gradients of a fresh network (and Adam's noisy
    first estimates) from throwing the weights far off.

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float, default 1/3
        In (0, 1].
    end_factor : float, default 1.0
        In [0, 1].
    total_iters : int, default 5
        Epochs of the ramp, >= 1.

    Notes
    -----
    As ``torch.optim.lr_scheduler.LinearLR``. Chapter 6, "Learning-rate schedules".

    >>> from nnkit.torch import SGD, Parameter
    >>> optimizer = SGD([Parameter([0.0])], lr=1.0)
    >>> scheduler = LinearLR(optimizer, start_factor=0.25, total_iters=3)
    >>> [scheduler.lr_at(epoch) for epoch in range(5)]
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(self, optimizer, start_factor=1 / 3, end_factor=1.0, total_iters=5):
        owner = "LinearLR"
        check_in_range(
            start_factor, owner=owner, name="start_factor", low=0, high=1,
            include_low=False, include_high=True,
        )  # fmt: skip
        check_in_range(
            end_factor, owner=owner, name="end_factor", low=0, high=1, include_high=True
        )
        check_count(total_iters, owner=owner, name="total_iters")
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = total_iters
        super().__init__(optimizer)

    def lr_at(self, epoch):
        progress = min(epoch, self.total_iters) / self.total_iters  # from 0 to 1
        factor = self.start_factor + (self.end_factor - self.start_factor) * progress
        return self.base_lr * factor


class SequentialLR(LRScheduler):
    """One schedule after another: from epoch ``milestones[i - 1]`` on, the
    learning rate is ``schedulers[i].lr_at(epoch - milestones[i - 1])``.

    Each scheduler counts its epochs from 0 at the milestone where it takes
    over. The usual use is a warm-up followed by a decay::

        warmup = LinearLR(optimizer, start_factor=0.1, total_iters=5)
        decay = CosineAnnealingLR(optimizer, T_max=epochs - 5)
        scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[5])

    Epochs 0 to 4 climb from ``0.1 * base_lr``; from epoch 5 on, the cosine
    falls from ``base_lr`` to 0 at the last epoch.

    Parameters
    ----------
    optimizer : Optimizer
    schedulers : list of LRScheduler
        Schedulers built on ``optimizer``, in order, and not stepped yet. Not
        ``ReduceLROnPlateau``: its lr follows a measurement, not the epoch.
    milestones : list of int
        The epochs at which the next scheduler takes over, strictly
        increasing, >= 1; one fewer than the schedulers.

    Notes
    -----
    As ``torch.optim.lr_scheduler.SequentialLR``. A scheduler sets
    ``optimizer.lr`` as soon as it is built, so ``decay`` above reads the
    warm-up's small lr as its ``base_lr``. In PyTorch all schedulers share the
    optimizer's ``initial_lr``, the lr before the first was built; here
    SequentialLR gives every scheduler the ``base_lr`` of the first. The
    schedulers only lend their formula ``lr_at``: SequentialLR counts the
    epochs, and their own ``epoch`` stays 0. Chapter 6, "Learning-rate
    schedules".

    >>> from nnkit.torch import SGD, Parameter
    >>> optimizer = SGD([Parameter([0.0])], lr=1.0)
    >>> warmup = LinearLR(optimizer, start_factor=0.25, total_iters=3)
    >>> decay = CosineAnnealingLR(optimizer, T_max=4)
    >>> scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[3])
    >>> [round(scheduler.lr_at(epoch), 4) for epoch in range(8)]
    [0.25, 0.5, 0.75, 1.0, 0.8536, 0.5, 0.1464, 0.0]
    """

    def __init__(self, optimizer, schedulers, milestones):
        _check_sequence(optimizer, schedulers, milestones)
        self.schedulers, self.milestones = list(schedulers), list(milestones)
        optimizer.lr = self.schedulers[0].base_lr  # undo what the others set
        for scheduler in self.schedulers:
            scheduler.base_lr = optimizer.lr
        super().__init__(optimizer)

    def lr_at(self, epoch):
        index = bisect.bisect_right(self.milestones, epoch)  # milestones passed
        start = self.milestones[index - 1] if index > 0 else 0
        return self.schedulers[index].lr_at(epoch - start)


class ReduceLROnPlateau:
    """Multiply the learning rate by ``factor`` once ``monitor`` has not
    improved for more than ``patience`` epochs: ``lr = max(lr * factor, min_lr)``.

    Unlike the other schedulers, it needs a measurement: call
    ``scheduler.step(value)`` after each epoch with, e.g., the validation
    loss. ``fit`` passes it ``history.history[monitor]`` of the epoch.

    Parameters
    ----------
    optimizer : Optimizer
    monitor : str, default "val_loss"
        The ``History`` name ``fit`` reads the value from.
    mode : {"min", "max"}, default "min"
        "min" if lower is better (losses), "max" if higher is (accuracies).
    factor : float, default 0.1
        In [0, 1).
    patience : int, default 10
        Epochs without improvement to allow; the lr drops at the next one.
    threshold : float, default 1e-4
        How much better than the best so far a value must be to count, >= 0.
    threshold_mode : {"rel", "abs"}, default "rel"
        "rel": better than ``best * (1 - threshold)`` (mode "min") or
        ``best * (1 + threshold)`` ("max"); "abs": than ``best -+ threshold``.
    cooldown : int, default 0
        Epochs after a reduction during which bad epochs are not counted.
    min_lr : float, default 0.0
        The learning rate never goes below it.

    Notes
    -----
    As ``torch.optim.lr_scheduler.ReduceLROnPlateau``: ``patience=2`` lowers
    the lr at the third bad epoch in a row (``EarlyStopping(patience=2)``
    stops at the second), and a reduction smaller than 1e-8 is skipped.
    Chapter 6, "Learning-rate schedules".

    >>> from nnkit.torch import SGD, Parameter
    >>> optimizer = SGD([Parameter([0.0])], lr=1.0)
    >>> scheduler = ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
    >>> for val_loss in [0.9, 0.8, 0.8, 0.8, 0.8, 0.8]:
    ...     scheduler.step(val_loss)
    >>> optimizer.lr
    0.25
    """

    def __init__(
        self,
        optimizer,
        monitor="val_loss",
        mode="min",
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_lr=0.0,
    ):
        owner = "ReduceLROnPlateau"
        _check_optimizer(optimizer, owner=owner)
        _check_plateau_choices(monitor, mode, threshold_mode)
        check_in_range(factor, owner=owner, name="factor", low=0, high=1)
        check_count(patience, owner=owner, name="patience", allow_zero=True)
        check_positive(threshold, owner=owner, name="threshold", allow_zero=True)
        check_count(cooldown, owner=owner, name="cooldown", allow_zero=True)
        check_positive(min_lr, owner=owner, name="min_lr", allow_zero=True)
        self.optimizer, self.monitor, self.mode = optimizer, monitor, mode
        self.factor, self.patience, self.cooldown = factor, patience, cooldown
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.min_lr = min_lr
        self.best = math.inf if mode == "min" else -math.inf
        self.bad_epochs = 0  # epochs in a row without improvement
        self.cooldown_left = 0

    def step(self, value):
        """Read the monitored ``value`` of the epoch just ended; maybe lower lr."""
        value = float(value)
        if self.is_better(value):
            self.best, self.bad_epochs = value, 0
        else:
            self.bad_epochs += 1
        if self.cooldown_left > 0:  # just reduced: give the new lr some epochs
            self.cooldown_left -= 1
            self.bad_epochs = 0
        if self.bad_epochs > self.patience:
            new_lr = max(self.optimizer.lr * self.factor, self.min_lr)
            if self.optimizer.lr - new_lr > _MIN_LR_CHANGE:
                self.optimizer.lr = new_lr
            self.cooldown_left, self.bad_epochs = self.cooldown, 0

    def is_better(self, value):
        """Whether ``value`` beats ``best`` by more than the threshold."""
        if self.threshold_mode == "rel":
            scale = 1 - self.threshold if self.mode == "min" else 1 + self.threshold
            target = self.best * scale
        else:
            sign = -1 if self.mode == "min" else 1
            target = self.best + sign * self.threshold
        return value < target if self.mode == "min" else value > target

    def __repr__(self):
        return (
            f"ReduceLROnPlateau(monitor={self.monitor!r}, mode={self.mode!r}, "
            f"factor={self.factor}, patience={self.patience}, "
            f"lr={self.optimizer.lr:.4g})"
        )


def _check_plateau_choices(monitor, mode, threshold_mode):
    """Check the three string arguments of ReduceLROnPlateau."""
    owner = "ReduceLROnPlateau"
    if not isinstance(monitor, str):
        raise TypeError(
            f'{owner}: monitor must be a History name such as "val_loss", '
            f"got {monitor!r}."
        )
    if mode not in ("min", "max"):
        raise ValueError(
            f'{owner}: mode must be "min" (for losses) or "max" (for accuracies), '
            f"got {mode!r}."
        )
    if threshold_mode not in ("rel", "abs"):
        raise ValueError(
            f'{owner}: threshold_mode must be "rel" (relative) or "abs" '
            f"(absolute), got {threshold_mode!r}."
        )


def _check_sequence(optimizer, schedulers, milestones):
    """Check the arguments of SequentialLR."""
    owner = "SequentialLR"
    _check_optimizer(optimizer, owner=owner)
    for name, value in (("schedulers", schedulers), ("milestones", milestones)):
        if not isinstance(value, (list, tuple)):
            raise TypeError(
                f"{owner}: {name} must be a list, such as schedulers=[warmup, "
                f"decay] and milestones=[5], got {type(value).__name__}."
            )
    if not schedulers:
        raise ValueError(f"{owner}: schedulers must hold at least one scheduler.")
    for i, scheduler in enumerate(schedulers):
        where = f"{owner}: schedulers[{i}]"
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(
                f"{where} is a ReduceLROnPlateau, whose lr follows a measured "
                "value rather than the epoch; SequentialLR chains only schedules "
                "of the epoch (StepLR, CosineAnnealingLR, LinearLR)."
            )
        if not isinstance(scheduler, LRScheduler):
            raise TypeError(
                f"{where} must be an LRScheduler such as LinearLR(optimizer), "
                f"got {type(scheduler).__name__}."
            )
        if scheduler.optimizer is not optimizer:
            raise ValueError(
                f"{where} ({type(scheduler).__name__}) was built on another "
                "optimizer than the one SequentialLR drives, so it would set a "
                "learning rate nobody uses. Build every scheduler on this one."
            )
        if scheduler.epoch != 0:
            raise ValueError(
                f"{where} ({type(scheduler).__name__}) has already been stepped "
                f"{scheduler.epoch} times; pass schedulers that have not started."
            )
    if len(milestones) != len(schedulers) - 1:
        raise ValueError(
            f"{owner}: {len(schedulers)} schedulers need {len(schedulers) - 1} "
            f"milestones (the epochs where the next one takes over), got "
            f"{len(milestones)}: {list(milestones)}."
        )
    for i, milestone in enumerate(milestones):
        check_count(milestone, owner=owner, name=f"milestones[{i}]")
    if list(milestones) != sorted(set(milestones)):  # strictly increasing
        raise ValueError(
            f"{owner}: milestones must increase strictly (each the epoch where "
            f"the next scheduler takes over), got {list(milestones)}."
        )
