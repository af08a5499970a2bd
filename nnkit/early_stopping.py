"""Early stopping: end training when the validation loss stops improving (chapter 7).

Validation loss usually falls for a while, then rises again as the network
starts to memorise its training set (overfitting). Stopping near the minimum,
and keeping the weights from there, is a cheap and effective regulariser.
Pass an :class:`EarlyStopping` to ``nnkit.training.fit``.
"""

import math

import numpy as np

from nnkit._checks import check_count, check_positive


class EarlyStopping:
    """Stop when ``monitor`` has not improved for ``patience`` epochs in a row.

    Parameters
    ----------
    monitor : str, default "val_loss"
        The ``History`` name to watch, e.g. "val_loss" or
        "val_classification_accuracy".
    patience : int, default 5
        Epochs without improvement to allow before stopping, >= 0.
    min_delta : float, default 0.0
        A change must beat the best value by more than this to count, >= 0.
    mode : {"min", "max"}, default "min"
        "min" if lower is better (losses), "max" if higher is (accuracies).
    restore_best_weights : bool, default True
        When training ends, early or not, copy back every parameter's value
        from the best epoch.

    Attributes
    ----------
    best, best_epoch : the best value seen and its epoch.
    stopped_epoch : the epoch at which training stopped; None if it ran out.

    Notes
    -----
    Only parameters are saved and restored, not the running statistics of
    ``BatchNorm1d``. Chapter 7, "Regularization and generalization".
    """

    def __init__(
        self,
        monitor="val_loss",
        patience=5,
        min_delta=0.0,
        mode="min",
        restore_best_weights=True,
    ):
        if not isinstance(monitor, str):
            raise TypeError(
                f"EarlyStopping: monitor must be a History name such as "
                f'"val_loss", got {monitor!r}.'
            )
        check_count(patience, owner="EarlyStopping", name="patience", allow_zero=True)
        check_positive(
            min_delta, owner="EarlyStopping", name="min_delta", allow_zero=True
        )
        if mode not in ("min", "max"):
            raise ValueError(
                f'EarlyStopping: mode must be "min" (for losses) or "max" (for '
                f"accuracies), got {mode!r}."
            )
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.mode, self.restore_best_weights = mode, restore_best_weights
        self.reset()

    def reset(self):
        """Forget everything seen; ``fit`` calls this before the first epoch."""
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = self.stopped_epoch = self.best_weights = None
        self.wait = 0  # epochs since the last improvement

    def update(self, epoch, values, model):
        """Read ``values[monitor]`` of ``epoch``; return True to stop training."""
        value = values[self.monitor]
        if self.mode == "min":
            improved = value < self.best - self.min_delta
        else:
            improved = value > self.best + self.min_delta
        if improved:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = [p.data.copy() for p in model.parameters()]
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def restore(self, model):
        """Copy the best epoch's values back into the parameters, in place."""
        if self.restore_best_weights and self.best_weights is not None:
            for p, best in zip(model.parameters(), self.best_weights, strict=True):
                np.copyto(p.data, best)

    def __repr__(self):
        return (
            f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
            f"min_delta={self.min_delta}, mode={self.mode!r})"
        )
