"""The metric ``fit`` records for classifiers, for tensors: the mirror of
``nnkit.metrics.classification_accuracy`` (chapter 8).

The classes are picked on the tensors' device; the labels are then checked by
the very function ``nnkit.metrics`` checks them with, so both packages
validate them in the same words. The other metrics of ``nnkit.metrics`` take labels and
scores as they are: pass them ``tensor.cpu().numpy()``.
"""

import numpy as np
import torch

# The shape and label checks of nnkit.metrics: they read only shapes and
# NumPy labels, and sharing them makes both twins word their errors alike.
from nnkit.metrics import _labels_pair, _one_per_row
from nnkit.torch._checks import as_float_tensor


def classification_accuracy(y_true, logits):
    """Accuracy of the classes picked by the logits: ``mean(predicted == y_true)``.

    The predicted class is ``logits.argmax(axis=1)`` for logits of shape
    (N, C), and ``logits > 0`` (that is ``sigmoid(z) > 0.5``) for one logit
    per sample, shape (N, 1) or (N,). ``y_true`` holds labels (N,), one-hot
    rows (N, C) or 0/1 targets (N, 1). It is the metric to give ``fit`` for a
    classifier trained with ``CrossEntropyLoss`` or ``BCEWithLogitsLoss``; for
    a network ending in ``Sigmoid`` (probabilities), threshold at 0.5 instead.
    Labels are then checked as ``nnkit.metrics.accuracy`` checks them.

    >>> logits = torch.tensor([[3.0, 1.0, 0.0], [0.0, 1.0, 2.0]])
    >>> classification_accuracy(torch.tensor([0, 2]), logits)
    1.0
    >>> classification_accuracy([1, 0, 0], torch.tensor([[2.0], [-1.0], [0.5]]))
    0.6666666666666666
    """
    logits = as_float_tensor(logits, owner="classification_accuracy", name="logits")
    y_true = _as_numpy(y_true)
    if logits.ndim == 2 and logits.shape[1] > 1:
        y_pred = logits.argmax(axis=1)
    else:
        y_pred = (_one_per_row(logits, name="logits") > 0).to(torch.int64)
    if y_true.ndim == 2 and y_true.shape[1] > 1:
        y_true = y_true.argmax(axis=1)  # one-hot rows back to labels
    y_true, y_pred = _labels_pair(
        _one_per_row(y_true, name="y_true"),
        _as_numpy(y_pred),
        owner="classification_accuracy",
    )
    return float(np.mean(y_pred == y_true))


def _as_numpy(values):
    """A tensor (on any device) or array_like as a NumPy array."""
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    return np.asarray(values)
