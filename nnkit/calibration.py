"""Calibration: do the predicted probabilities come true? (chapter 8)

A classifier is calibrated when, of all the samples it gives a probability
of about 0.8, about 80% are positive. Ranking metrics (ROC AUC, average
precision) cannot see this: they only compare scores with each other. But a
cost-based threshold, or any decision that multiplies a probability by a
cost, needs probabilities that mean what they say.

* :func:`calibration_curve` bins the predictions and compares, in each bin,
  the mean predicted probability with the fraction of positives: the data of
  a reliability diagram (``nnkit.plot.reliability_diagram``).
* :func:`expected_calibration_error` sums up the gaps in one number.
* :class:`TemperatureScaling` fixes the most common fault of neural networks,
  overconfidence, by dividing every logit by one number T fitted on
  validation data (Guo et al., 2017, "On calibration of modern neural
  networks").

Probabilities of shape (N,) are those of the positive class; for C classes,
shape (N, C), the functions judge the top label: the confidence is the
largest probability of each row, and "positive" means the top class is
the true one.
"""

import warnings

import numpy as np

from nnkit._checks import as_float_array, check_count, shape_str
from nnkit.losses import BCEWithLogitsLoss, CrossEntropyLoss
from nnkit.metrics import _as_labels, _check_binary

_STRATEGIES = ("uniform", "quantile")


def _outcomes_and_probabilities(y_true, y_prob, pos_label, *, owner):
    """Return ``(y, p)``, both (N,): 1.0 where the event happened and its
    predicted probability. The event is ``y_true == pos_label`` for ``y_prob``
    of shape (N,), and "the top class is right" for class probabilities (N, C).
    """
    y_true = _as_labels(y_true, owner=owner, name="y_true")
    p = as_float_array(y_prob, owner=owner, name="y_prob", dtype=np.float64)
    if p.ndim not in (1, 2) or len(p) != len(y_true):
        raise ValueError(
            f"{owner}: expected y_prob of shape ({len(y_true)},) (probabilities of "
            f"the positive class) or ({len(y_true)}, C) (of each class), one row per "
            f"label, got shape {shape_str(p.shape)}."
        )
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            f"{owner}: y_prob must hold probabilities in [0, 1], got values in "
            f"[{p.min():.4g}, {p.max():.4g}]. For logits, apply sigmoid or softmax."
        )
    if p.ndim == 1:
        hint = "For C classes, pass the probabilities of each class, (N, C)."
        _check_binary(np.unique(y_true), pos_label, owner=owner, hint=hint)
        return (y_true == pos_label).astype(np.float64), p
    sums = p.sum(axis=1)
    if np.any(np.abs(sums - 1) > 1e-6):
        raise ValueError(
            f"{owner}: each row of y_prob (N, C) must sum to 1, got sums in "
            f"[{sums.min():.4g}, {sums.max():.4g}]. For logits, apply softmax."
        )
    correct = p.argmax(axis=1) == y_true
    return correct.astype(np.float64), p.max(axis=1)


def _binned(y, p, n_bins, strategy, *, owner):
    """Per non-empty bin of ``p``: the fraction of events, the mean of ``p``
    and the number of samples (three arrays of the same length)."""
    check_count(n_bins, owner=owner, name="n_bins")
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    elif strategy == "quantile":  # about N / n_bins samples per bin
        edges = np.percentile(p, np.linspace(0, 100, n_bins + 1))
    else:
        raise ValueError(
            f'{owner}: strategy must be "uniform" (bins of equal width) or '
            f'"quantile" (bins of equal counts), got {strategy!r}.'
        )
    # Bin k holds edges[k] < p <= edges[k + 1] (the first one also p = 0).
    bin_of = np.searchsorted(edges[1:-1], p)
    counts = np.bincount(bin_of, minlength=n_bins)
    events = np.bincount(bin_of, weights=y, minlength=n_bins)
    p_sums = np.bincount(bin_of, weights=p, minlength=n_bins)
    kept = counts > 0
    return events[kept] / counts[kept], p_sums[kept] / counts[kept], counts[kept]


def calibration_curve(y_true, y_prob, *, n_bins=10, strategy="uniform", pos_label=1):
    """Reliability-diagram data: per bin of predicted probability,
    ``prob_true = mean(y)`` and ``prob_pred = mean(p)`` over the bin's samples.

    Parameters
    ----------
    y_true : array_like, shape (N,)
        True labels.
    y_prob : array_like, shape (N,) or (N, C)
        Predicted probabilities of class ``pos_label`` (N,), or of every class
        (N, C), judged by the top label (see the module's docstring).
    n_bins : int, default 10
        Number of bins; empty bins are left out.
    strategy : {"uniform", "quantile"}, default "uniform"
        "uniform": bins of width 1 / n_bins; "quantile": edges at the
        quantiles of y_prob, so each bin holds about N / n_bins samples.
    pos_label : int or str, default 1
        The positive class, for y_prob of shape (N,).

    Returns
    -------
    prob_true, prob_pred : ndarray, shape (K,), K <= n_bins
        The fraction of positives and the mean predicted probability of each
        non-empty bin. A calibrated model has ``prob_true ≈ prob_pred``.

    Notes
    -----
    As ``sklearn.calibration.calibration_curve`` (whose default is 5 bins):
    bin k holds ``edges[k] < p <= edges[k + 1]``. With a single class in
    y_true it works as scikit-learn does: every ``prob_true`` is 0 (or 1).
    Chapter 8, "Calibration".

    >>> prob_true, prob_pred = calibration_curve(
    ...     [0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.7, 0.9], n_bins=2
    ... )
    >>> prob_true.round(3), prob_pred.round(3)
    (array([0.333, 0.667]), array([0.2  , 0.733]))
    """
    owner = "calibration_curve"
    y, p = _outcomes_and_probabilities(y_true, y_prob, pos_label, owner=owner)
    prob_true, prob_pred, _ = _binned(y, p, n_bins, strategy, owner=owner)
    return prob_true, prob_pred


def expected_calibration_error(
    y_true, y_prob, *, n_bins=10, strategy="uniform", pos_label=1
):
    """Expected calibration error:
    ``ECE = sum_k (n_k / N) * |prob_true_k - prob_pred_k|``.

    The gap between the reliability curve and the diagonal, averaged over
    the bins k of :func:`calibration_curve`, each weighted by its share
    ``n_k / N`` of the samples. 0 is perfect; a model that says 0.9 and is
    right 60% of the time, on every sample, has ECE = 0.3.

    Parameters
    ----------
    y_true, y_prob, n_bins, strategy, pos_label
        As for :func:`calibration_curve`.

    Returns
    -------
    float
        In [0, 1].

    Notes
    -----
    ECE depends on the bins: more bins, fewer samples each, more noise.
    Compare models with the same ``n_bins`` and ``strategy``. scikit-learn
    has no ECE. Chapter 8, "Calibration".

    >>> round(expected_calibration_error([0, 1, 1, 1], [0.9, 0.9, 0.9, 0.9]), 4)
    0.15
    """
    owner = "expected_calibration_error"
    y, p = _outcomes_and_probabilities(y_true, y_prob, pos_label, owner=owner)
    prob_true, prob_pred, counts = _binned(y, p, n_bins, strategy, owner=owner)
    return float(np.sum(counts / len(p) * np.abs(prob_true - prob_pred)))


class TemperatureScaling:
    """Divide logits by one temperature T > 0: ``Z_calibrated = Z / T``.

    ``fit(logits, y_true)`` picks the T that minimises the loss on held-out
    data, ``T = argmin_T  loss_fn(Z / T, y)`` (the negative log-likelihood):
    ``CrossEntropyLoss`` for logits (N, C) and labels (N,),
    ``BCEWithLogitsLoss`` for one logit per sample, (N,) or (N, 1), and 0/1
    targets. Then ``scaler(Z)`` returns ``Z / T``. T > 1 softens an
    overconfident model; T < 1 sharpens an underconfident one.

    Parameters
    ----------
    bounds : (float, float), default (0.01, 100.0)
        The range T is searched in.

    Attributes
    ----------
    temperature : float, or None before ``fit``

    Notes
    -----
    Dividing every logit by the same T > 0 keeps their order, so the
    predicted classes (argmax, or the sign of a binary logit), accuracy and
    the ROC and PR curves do not change: only the confidence does. The loss
    is a convex function of 1 / T, so it has one minimum along log T, which
    golden-section search finds to 1e-9 (each step keeps the part of the
    interval that must hold the minimum). Fit T on validation data, never on
    the training data the model already fits too well. Chapter 8,
    "Calibration".

    >>> from nnkit import sigmoid
    >>> rng = np.random.default_rng(0)
    >>> z = 2 * rng.normal(size=5000)                    # calibrated logits:
    >>> y = (rng.random(5000) < sigmoid(z)).astype(int)  # P(y = 1) = sigmoid(z)
    >>> scaler = TemperatureScaling().fit(3 * z, y)      # 3 times overconfident
    >>> round(scaler.temperature, 1)
    3.0
    """

    def __init__(self, bounds=(0.01, 100.0)):
        if not (
            isinstance(bounds, (tuple, list))
            and len(bounds) == 2
            and 0 < bounds[0] < bounds[1] < np.inf
        ):
            raise ValueError(
                "TemperatureScaling: bounds must be (T_min, T_max) with "
                f"0 < T_min < T_max, got {bounds!r}."
            )
        self.bounds = tuple(bounds)
        self.temperature = None

    def fit(self, logits, y_true):
        """Find the T that minimises ``loss_fn(logits / T, y_true)``; return self."""
        Z, y, loss_fn = self._problem(logits, y_true)

        def nll(log_T):
            return loss_fn(Z / np.exp(log_T), y)

        # Golden-section search on log T: shrink [a, b] by 0.618 per step,
        # always keeping the side of the smaller of the two inner values.
        a, b = np.log(self.bounds)
        inv_phi = (np.sqrt(5) - 1) / 2  # 0.618...
        c, d = b - inv_phi * (b - a), a + inv_phi * (b - a)
        nll_c, nll_d = nll(c), nll(d)
        while b - a > 1e-9:
            if nll_c < nll_d:  # the minimum is in [a, d]
                b, d, nll_d = d, c, nll_c
                c = b - inv_phi * (b - a)
                nll_c = nll(c)
            else:  # the minimum is in [c, b]
                a, c, nll_c = c, d, nll_d
                d = a + inv_phi * (b - a)
                nll_d = nll(d)
        self.temperature = float(np.exp((a + b) / 2))
        self._warn_at_a_bound()
        return self

    def __call__(self, logits):
        """The calibrated logits ``logits / T``, of the same shape."""
        if self.temperature is None:
            raise RuntimeError(
                "TemperatureScaling: call fit(logits_val, y_val) before scaling "
                "logits; the temperature is not known yet."
            )
        return as_float_array(logits, owner=self, name="logits") / self.temperature

    def _problem(self, logits, y_true):
        """The logits, the targets as the loss wants them, and the loss."""
        Z = as_float_array(logits, owner=self, name="logits")
        if Z.ndim not in (1, 2) or Z.size == 0:
            raise ValueError(
                f"{self!r}: expected logits of shape (N, C) or (N,), got shape "
                f"{shape_str(Z.shape)}."
            )
        if Z.ndim == 2 and Z.shape[1] >= 2:  # one logit per class
            return Z, y_true, CrossEntropyLoss()
        # One logit per sample, (N,) or (N, 1): binary cross-entropy.
        y = as_float_array(y_true, owner=self, name="y_true")
        if y.size != len(Z):
            raise ValueError(
                f"{self!r}: logits have {len(Z)} rows but y_true has {y.size} "
                "values; expected one 0/1 target per row."
            )
        return Z, y.reshape(Z.shape), BCEWithLogitsLoss()

    def _warn_at_a_bound(self):
        low, high = self.bounds
        if not low * 1.001 < self.temperature < high / 1.001:
            warnings.warn(
                f"TemperatureScaling: the best temperature lies at the edge of "
                f"bounds={self.bounds}, T = {self.temperature:.4g}. On separable "
                "validation data the loss keeps falling as T -> 0; use more or "
                "harder validation data, or wider bounds.",
                UserWarning,
                stacklevel=3,
            )

    def __repr__(self):
        if self.temperature is None:
            return "TemperatureScaling(not fitted)"
        return f"TemperatureScaling(temperature={self.temperature:.4g})"
