"""The training loop and its history, in PyTorch: the mirror of ``nnkit.training``.

``fit`` repeats, for every mini-batch of every epoch, the five lines of one
training step::

    optimizer.zero_grad()                 # gradients accumulate: reset them
    output = model(X_batch)               # forward
    loss = loss_fn(output, y_batch)
    model.backward(loss_fn.backward())    # backward fills every p.grad
    optimizer.step()                      # update every p.data

(``fit`` runs ``model.backward_parameters``, ``backward`` without the
gradient of the data, which nothing uses) and records the mean loss of each
epoch (and, with ``validation_data``, the loss on data it does not train on)
in a :class:`History`, shaped like Keras' ``History``. An ``EarlyStopping``
(``nnkit.torch.early_stopping``, chapter 7) ends training once the validation
loss stops improving; a scheduler (``nnkit.torch.schedulers``) changes the
learning rate after every epoch.

Chapter 6 again, on a GPU: ``fit`` copies ``X`` and ``y`` to the model's device
once, before the first epoch, and every batch is then gathered there. Each
epoch's order of the rows is drawn exactly as nnkit draws it,
``rng.permutation(N)`` from the NumPy ``rng``, and copied to the device: with
the same ``rng``, nnkit and nnkit.torch visit the same batches and record the
same history (the tests compare them). Metrics receive tensors.
"""

import math
from contextlib import contextmanager

import numpy as np
import torch
from tqdm.auto import tqdm

from nnkit.data.utils import batches_in_order, check_rows
from nnkit.torch._checks import (
    NonFiniteError,
    as_generator,
    check_count,
    check_finite,
    check_positive,
)
from nnkit.torch.device import default_device
from nnkit.torch.early_stopping import EarlyStopping
from nnkit.torch.losses import Loss
from nnkit.torch.metrics import classification_accuracy
from nnkit.torch.module import Module
from nnkit.torch.optim import Optimizer, clip_grad_norm
from nnkit.torch.schedulers import LRScheduler, ReduceLROnPlateau

# classification_accuracy lives in nnkit.torch.metrics; imported here, next to
# fit, as nnkit.training does.
__all__ = ["History", "classification_accuracy", "evaluate", "fit"]


class History:
    """What ``fit`` recorded: one value per epoch under each name.

    ``history.history`` is a dict, as in Keras: ``"loss"`` (the mean training
    loss of the epoch), then for each metric ``m`` the name ``m.__name__``
    and, with validation data, ``"val_loss"`` and ``"val_" + m.__name__``;
    with a scheduler, ``"lr"``, the learning rate each epoch used.
    ``history.epochs`` lists the epoch numbers 1, 2, ..., so
    ``plt.plot(history.epochs, history.history["val_loss"])`` plots a curve.

    >>> history = History(["loss", "val_loss"])
    >>> history.record(1, {"loss": 0.9, "val_loss": 1.1})
    >>> history
    History(epochs=1, loss=0.9, val_loss=1.1)
    """

    def __init__(self, names):
        self.history = {name: [] for name in names}
        self.epochs = []

    def record(self, epoch, values):
        """Append one epoch's ``values``, a dict with a value for every name."""
        self.epochs.append(epoch)
        for name, values_so_far in self.history.items():
            values_so_far.append(values[name])

    def __repr__(self):
        last = "".join(f", {name}={v[-1]:.4g}" for name, v in self.history.items() if v)
        return f"History(epochs={len(self.epochs)}{last})"


def evaluate(model, loss_fn, X, y, *, metrics=(), penalty=None):
    """Loss (plus ``penalty``, if given) and metrics of ``model`` on ``(X, y)``.

    The model runs in evaluation mode (Dropout off, BatchNorm with its running
    statistics) on all of ``X`` at once; its previous mode is restored after.
    Returns a dict: ``{"loss": ..., metric.__name__: ..., ...}``.
    """
    was_training = model.training
    model.eval()
    try:
        output = model(X)
        values = {"loss": loss_fn(output, y)}
        if penalty is not None:
            values["loss"] += penalty(model.parameters())
        for metric in metrics:
            values[metric.__name__] = float(metric(y, output))
    finally:
        model.train(was_training)
    return values


def fit(
    model,
    loss_fn,
    optimizer,
    X,
    y,
    *,
    epochs,
    batch_size,
    validation_data=None,
    shuffle=True,
    rng=None,
    metrics=(),
    early_stopping=None,
    scheduler=None,
    penalty=None,
    max_grad_norm=None,
    progress=True,
):
    """Train ``model`` with mini-batch gradient descent; return its :class:`History`.

    Parameters
    ----------
    model : Module
    loss_fn : Loss
        E.g. ``CrossEntropyLoss()``; called as ``loss_fn(output, y_batch)``.
    optimizer : Optimizer
        Built on the model's parameters: ``SGD(model.parameters(), lr=0.1)``.
    X : tensor or array, shape (N, D)
        Copied once to the model's device (and dtype).
    y : tensor or array, shape (N,) or (N, k)
    epochs, batch_size : int
        Passes over the data, and rows per mini-batch (the last may be smaller).
    validation_data : (X_val, y_val), optional
        Evaluated after every epoch (see :func:`evaluate`), giving "val_loss".
    shuffle : bool, default True
        Draw a new order of the rows every epoch.
    rng : numpy.random.Generator, optional
        Source of the shuffling; None uses a fresh, unseeded generator.
    metrics : sequence of callables ``metric(y_true, output) -> float``
        Recorded under ``metric.__name__``, e.g. ``classification_accuracy``.
    early_stopping : EarlyStopping, optional
    scheduler : LRScheduler or ReduceLROnPlateau, optional
        Built on ``optimizer``; stepped once after every epoch (a
        ``ReduceLROnPlateau`` with that epoch's value of its ``monitor``).
        The learning rate each epoch used is then recorded under "lr".
    penalty : L1Penalty or L2Penalty, optional
        Added to the loss; its gradient is added before each step.
    max_grad_norm : float, optional
        If given, gradients are clipped to this total norm before each step.
    progress : bool, default True
        Show a progress bar (``TQDM_DISABLE=1`` in the environment hides it too).

    Notes
    -----
    The training loss and metrics of an epoch are averages over its batches,
    measured as the weights changed and with Dropout on, as in Keras; the
    validation ones are computed after the epoch, in evaluation mode. A loss
    or an activation that becomes NaN or infinite stops training with a
    ``FloatingPointError`` that names the epoch and batch.
    """
    X, y, validation_data, metrics, rng, history = _checked_fit_arguments(
        model, loss_fn, optimizer, X, y, epochs, batch_size, validation_data,
        rng, metrics, early_stopping, scheduler, max_grad_norm,
    )  # fmt: skip
    bar = _progress_bar(epochs, progress, history)  # yields 1, 2, ..., epochs
    for epoch in bar:
        model.train()
        totals = dict.fromkeys(["loss", *(m.__name__ for m in metrics)], 0.0)
        batches = _minibatches(X, y, batch_size, shuffle=shuffle, rng=rng)
        for batch, (X_batch, y_batch) in enumerate(batches, start=1):
            with _diverging(f"at epoch {epoch}, batch {batch}", optimizer):
                optimizer.zero_grad()
                output = model(X_batch)  # forward
                loss = loss_fn(output, y_batch)
                # Backward, without the gradient of the data: nothing uses it.
                model.backward_parameters(loss_fn.backward())
                if penalty is not None:
                    loss += penalty(model.parameters())
                    penalty.backward(model.parameters())
                _check_loss(loss)
                if max_grad_norm is not None:
                    clip_grad_norm(optimizer.params, max_grad_norm)
                optimizer.step()
            # Weight by rows: the last batch may be smaller.
            totals["loss"] += loss * len(X_batch)
            for metric in metrics:
                totals[metric.__name__] += metric(y_batch, output) * len(X_batch)
        values = {name: total / len(X) for name, total in totals.items()}
        if validation_data is not None:
            with _diverging(f"at epoch {epoch}, in the validation pass", optimizer):
                scores = evaluate(
                    model, loss_fn, *validation_data, metrics=metrics, penalty=penalty
                )
            values.update({f"val_{name}": v for name, v in scores.items()})
        if scheduler is not None:
            values["lr"] = optimizer.lr  # the learning rate this epoch used
        history.record(epoch, values)
        if isinstance(scheduler, ReduceLROnPlateau):
            scheduler.step(values[scheduler.monitor])  # it needs the measurement
        elif scheduler is not None:
            scheduler.step()
        if early_stopping is not None and early_stopping.update(epoch, values, model):
            break
    if early_stopping is not None:
        early_stopping.restore(model)
    return history


def _progress_bar(epochs, progress, history):
    """The epoch numbers 1, 2, ..., epochs, behind a progress bar (if asked for)
    that shows the last loss and val_loss of ``history``."""
    # Pass disable only to turn the bar off: an explicit disable=False would
    # override tqdm's own TQDM_DISABLE environment variable.
    options = {} if progress else {"disable": True}
    with tqdm(range(1, epochs + 1), desc="fit", unit="epoch", **options) as bar:
        for epoch in bar:
            yield epoch
            shown = [name for name in ("loss", "val_loss") if name in history.history]
            bar.set_postfix({name: history.history[name][-1] for name in shown})


def _check_loss(loss):
    """A loss of NaN or infinity means training diverged: stop it."""
    if not math.isfinite(loss):
        raise NonFiniteError(f"The loss is {loss}.")


@contextmanager
def _diverging(where, optimizer):
    """Turn a NaN or infinity met in a training step (an activation or the loss
    overflowed) into an error that says where training diverged and what to try.

    """
    try:
        yield
    except NonFiniteError as error:
        raise FloatingPointError(
            f"fit: training diverged {where}. {error} "
            f"Try a smaller learning rate (lr is {optimizer.lr}), or clip the "
            "gradients with max_grad_norm=1.0."
        ) from error


def _checked_fit_arguments(
    model, loss_fn, optimizer, X, y, epochs, batch_size, validation_data,
    rng, metrics, early_stopping, scheduler, max_grad_norm,
):  # fmt: skip
    """Check every argument of ``fit``, raising a clear error for one of the
    wrong kind or size; return the data as arrays, the metrics as a tuple, the
    generator and an empty History with the names ``fit`` records."""
    for name, value, kind, example in (
        ("model", model, Module, "Sequential(Linear(2, 8), ReLU(), Linear(8, 1))"),
        ("loss_fn", loss_fn, Loss, "CrossEntropyLoss()"),
        ("optimizer", optimizer, Optimizer, "SGD(model.parameters(), lr=0.1)"),
    ):
        if not isinstance(value, kind):
            hint = " Did you forget the ()?" if isinstance(value, type) else ""
            raise TypeError(
                f"fit: {name} must be an nnkit {kind.__name__} such as {example}, "
                f"got {value!r}.{hint}"
            )
    check_count(epochs, owner="fit", name="epochs")
    check_count(batch_size, owner="fit", name="batch_size")
    if max_grad_norm is not None:
        check_positive(max_grad_norm, owner="fit", name="max_grad_norm")
    W = next(model.parameters(), None)  # the data go where the weights are
    device = default_device() if W is None else W.data.device
    place = {"device": device, "dtype": None if W is None else W.data.dtype}
    X, y = _finite_pair(X, y, owner="fit", **place)
    if validation_data is not None:
        owner = "fit: validation_data"
        validation_data = _finite_pair(*validation_data, owner=owner, **place)
    metrics, names = _metrics_and_names(metrics, validation_data, early_stopping)
    if scheduler is not None:
        _check_scheduler(scheduler, optimizer, names)
        names.append("lr")
    if early_stopping is not None:
        early_stopping.reset()
    rng = as_generator(rng, owner="fit")
    return X, y, validation_data, metrics, rng, History(names)


def _finite_pair(X, y, *, owner, device, dtype):
    """``X`` and ``y`` as tensors on ``device``, with one row per sample and no NaN
    or infinity; ``X`` and a floating ``y`` are converted to ``dtype``."""
    X, y = (
        t if isinstance(t, torch.Tensor) else torch.as_tensor(np.asarray(t))
        for t in (X, y)
    )
    check_rows(X, y, owner=owner)
    X = X.to(device=device, dtype=dtype)  # the one copy to the device
    y = y.to(device=device, dtype=dtype if y.is_floating_point() else None)
    for name, tensor in (("X", X), ("y", y)):
        if tensor.is_floating_point():
            check_finite(tensor, owner=owner, name=name)
    return X, y


def _minibatches(X, y, batch_size, *, shuffle, rng):
    """``nnkit.data.minibatches`` for tensors already on their device: the same
    ``rng.permutation(N)`` as nnkit's, copied to the device, then one slice
    of it per batch."""
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    return batches_in_order(X, y, torch.as_tensor(order, device=X.device), batch_size)


def _metrics_and_names(metrics, validation_data, early_stopping):
    """Check the metrics and early stopping; return the metrics as a tuple and
    the names ``fit`` records."""
    if callable(metrics):
        raise TypeError(
            f"fit: metrics must be a list of functions, got the function "
            f"{metrics.__name__}. Use metrics=[{metrics.__name__}]."
        )
    if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise TypeError(
            f"fit: early_stopping must be an EarlyStopping or None, got "
            f"{type(early_stopping).__name__}."
        )
    metrics, names = tuple(metrics), ["loss"]
    for metric in metrics:
        if not callable(metric) or not hasattr(metric, "__name__"):
            raise TypeError(
                f"fit: each metric must be a function metric(y_true, output), got "
                f"{metric!r}; for example classification_accuracy."
            )
        if metric.__name__ in names:
            raise ValueError(f"fit: two metrics are named {metric.__name__!r}.")
        names.append(metric.__name__)
    if validation_data is not None:
        names += [f"val_{name}" for name in names]
    if early_stopping is not None and early_stopping.monitor not in names:
        hint = (
            " Pass validation_data=(X_val, y_val)." if validation_data is None else ""
        )
        raise ValueError(
            f"fit: early_stopping monitors {early_stopping.monitor!r}, but fit "
            f"records only {names}.{hint}"
        )
    return metrics, names


def _check_scheduler(scheduler, optimizer, names):
    """Check that ``scheduler`` drives ``optimizer`` and, for ReduceLROnPlateau,
    that ``fit`` records the value it monitors (one of ``names``)."""
    if not isinstance(scheduler, (LRScheduler, ReduceLROnPlateau)):
        raise TypeError(
            f"fit: scheduler must be an LRScheduler (StepLR, CosineAnnealingLR, "
            f"LinearLR, SequentialLR) or a ReduceLROnPlateau, got "
            f"{type(scheduler).__name__}."
        )
    if scheduler.optimizer is not optimizer:
        raise ValueError(
            "fit: the scheduler was built on another optimizer than the one fit "
            "steps, so it would change a learning rate nobody uses. Build it on "
            "this one: scheduler = StepLR(optimizer, step_size=10)."
        )
    if isinstance(scheduler, ReduceLROnPlateau) and scheduler.monitor not in names:
        hint = (
            " Pass validation_data=(X_val, y_val)." if "val_loss" not in names else ""
        )
        raise ValueError(
            f"fit: the ReduceLROnPlateau monitors {scheduler.monitor!r}, but fit "
            f"records only {names}.{hint}"
        )
