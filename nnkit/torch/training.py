"""The training loop and its history, in PyTorch: the mirror of ``nnkit.training``.

``fit`` repeats, for every mini-batch of every epoch, the five lines of one
training step::

    optimizer.zero_grad()                 # gradients accumulate: reset them
    output = model(X_batch)               # forward
    loss = loss_fn(output, y_batch)
    model.backward(loss_fn.backward())    # backward fills every p.grad
    optimizer.step()                      # update every p.data

and records the mean loss of each epoch (and, with ``validation_data``, the
loss on data it does not train on) in a :class:`History`, shaped like Keras'
``History``. An ``EarlyStopping`` (``nnkit.torch.early_stopping``, chapter 7)
ends training once the validation loss stops improving.

Chapter 6 again, on a GPU: ``fit`` copies ``X`` and ``y`` to the model's device
once, before the first epoch, and every batch is then gathered there. Each
epoch's order of the rows is drawn exactly as nnkit draws it,
``rng.permutation(N)`` from the NumPy ``rng``, and copied to the device: with
the same ``rng``, nnkit and nnkit.torch visit the same batches and record the
same history (the tests compare them). Metrics receive tensors.
"""

import math

import numpy as np
import torch
from tqdm.auto import tqdm

from nnkit.data.utils import as_generator
from nnkit.torch._checks import (
    NonFiniteError,
    check_count,
    check_finite,
    check_positive,
    shape_str,
)
from nnkit.torch.device import default_device
from nnkit.torch.early_stopping import EarlyStopping
from nnkit.torch.losses import Loss
from nnkit.torch.module import Module
from nnkit.torch.optim import Optimizer, clip_grad_norm


def classification_accuracy(y_true, logits):
    """Accuracy of the classes picked by the logits: ``mean(predicted == y_true)``.

    The predicted class is ``logits.argmax(axis=1)`` for logits of shape
    (N, C), and ``logits > 0`` (that is ``sigmoid(z) > 0.5``) for one logit
    per sample, shape (N, 1) or (N,). ``y_true`` holds labels (N,), one-hot
    rows (N, C) or 0/1 targets (N, 1). It is the metric to give ``fit`` for a
    classifier trained with ``CrossEntropyLoss`` or ``BCEWithLogitsLoss``; for
    a network ending in ``Sigmoid`` (probabilities), threshold at 0.5 instead.

    >>> logits = torch.tensor([[3.0, 1.0, 0.0], [0.0, 1.0, 2.0]])
    >>> classification_accuracy(torch.tensor([0, 2]), logits)
    1.0
    >>> classification_accuracy([1, 0, 0], torch.tensor([[2.0], [-1.0], [0.5]]))
    0.6666666666666666
    """
    logits = torch.as_tensor(logits)
    y_true = torch.as_tensor(y_true, device=logits.device)
    if logits.ndim == 2 and logits.shape[1] > 1:
        y_pred = logits.argmax(axis=1)
    else:
        y_pred = (logits.reshape(len(logits)) > 0).to(torch.int64)
    if y_true.ndim == 2 and y_true.shape[1] > 1:
        y_true = y_true.argmax(axis=1)  # one-hot rows back to labels
    correct = y_true.reshape(len(y_true)) == y_pred
    return float(correct.to(torch.float64).mean())


class History:
    """What ``fit`` recorded: one value per epoch under each name.

    ``history.history`` is a dict, as in Keras: ``"loss"`` (the mean training
    loss of the epoch), then for each metric ``m`` the name ``m.__name__``
    and, with validation data, ``"val_loss"`` and ``"val_" + m.__name__``.
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
    _check_fit_arguments(model, loss_fn, optimizer, epochs, batch_size, max_grad_norm)
    W = next(model.parameters(), None)  # the data go where the weights are
    device = default_device() if W is None else W.data.device
    place = {"device": device, "dtype": None if W is None else W.data.dtype}
    X, y = _finite_pair(X, y, owner="fit", **place)
    if validation_data is not None:
        owner = "fit: validation_data"
        validation_data = _finite_pair(*validation_data, owner=owner, **place)
    metrics, names = _metrics_and_names(metrics, validation_data, early_stopping)
    rng = as_generator(rng, owner="fit")
    history = History(names)
    if early_stopping is not None:
        early_stopping.reset()
    # Pass disable only to turn the bar off: an explicit disable=False would
    # override tqdm's own TQDM_DISABLE environment variable.
    options = {} if progress else {"disable": True}
    with tqdm(range(1, epochs + 1), desc="fit", unit="epoch", **options) as bar:
        for epoch in bar:
            model.train()
            totals = dict.fromkeys(["loss", *(m.__name__ for m in metrics)], 0.0)
            batches = _minibatches(X, y, batch_size, shuffle=shuffle, rng=rng)
            for batch, (X_batch, y_batch) in enumerate(batches, start=1):
                optimizer.zero_grad()
                try:
                    output = model(X_batch)
                    loss = loss_fn(output, y_batch)
                except NonFiniteError as error:  # an activation overflowed
                    raise _diverged(
                        epoch, f"batch {batch}", optimizer, error
                    ) from error
                model.backward(loss_fn.backward())
                if penalty is not None:
                    loss += penalty(model.parameters())
                    penalty.backward(model.parameters())
                if not math.isfinite(loss):
                    raise _diverged(
                        epoch, f"batch {batch}", optimizer, f"The loss is {loss}."
                    )
                if max_grad_norm is not None:
                    clip_grad_norm(optimizer.params, max_grad_norm)
                optimizer.step()
                # Weight by rows: the last batch may be smaller.
                totals["loss"] += loss * len(X_batch)
                for metric in metrics:
                    totals[metric.__name__] += metric(y_batch, output) * len(X_batch)
            values = {name: total / len(X) for name, total in totals.items()}
            if validation_data is not None:
                try:
                    scores = evaluate(
                        model,
                        loss_fn,
                        *validation_data,
                        metrics=metrics,
                        penalty=penalty,
                    )
                except NonFiniteError as error:  # the weights have blown up
                    raise _diverged(
                        epoch, "in the validation pass", optimizer, error
                    ) from error
                values.update({f"val_{name}": v for name, v in scores.items()})
            history.record(epoch, values)
            bar.set_postfix({k: values[k] for k in ("loss", "val_loss") if k in values})
            if early_stopping is not None and early_stopping.update(
                epoch, values, model
            ):
                break
    if early_stopping is not None:
        early_stopping.restore(model)
    return history


def _diverged(epoch, where, optimizer, cause):
    """The error that stops a diverging run, saying where and what to try."""
    return FloatingPointError(
        f"fit: training diverged at epoch {epoch}, {where}. {cause} "
        f"Try a smaller learning rate (lr is {optimizer.lr}), or clip the "
        "gradients with max_grad_norm=1.0."
    )


def _check_fit_arguments(model, loss_fn, optimizer, epochs, batch_size, max_grad_norm):
    """Raise a clear error for an argument of ``fit`` of the wrong kind or size."""
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


def _finite_pair(X, y, *, owner, device, dtype):
    """``X`` and ``y`` as tensors on ``device``, with one row per sample and no NaN
    or infinity; ``X`` and a floating ``y`` are converted to ``dtype``."""
    X, y = (
        t if isinstance(t, torch.Tensor) else torch.as_tensor(np.asarray(t))
        for t in (X, y)
    )
    for name, tensor in (("X", X), ("y", y)):
        if tensor.ndim == 0:
            raise ValueError(
                f"{owner}: {name} must have one row per sample, shape (N, ...), "
                f"got a scalar."
            )
    if len(X) != len(y):
        raise ValueError(
            f"{owner}: X has {len(X)} rows (shape {shape_str(X.shape)}) but y has "
            f"{len(y)} (shape {shape_str(y.shape)}); they must have one row per sample."
        )
    if len(X) == 0:
        raise ValueError(f"{owner}: X and y are empty (0 rows); nothing to use.")
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
    order = torch.as_tensor(order, device=X.device)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        yield X[rows], y[rows]


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
