"""The claims of chapter 8's sections on the precision-recall curve,
calibration and class imbalance, checked on small random problems."""

import numpy as np
import pytest

import nnkit
from nnkit import metrics
from nnkit.calibration import TemperatureScaling


@pytest.fixture
def imbalanced():
    """Labels with about 5% positives and noisy logits that rank them."""
    rng = np.random.default_rng(0)
    y = (rng.random(2000) < 0.05).astype(int)
    z = 4.0 * (2 * y - 1) + 3.0 * rng.normal(size=2000)
    return y, z


def test_average_precision_of_a_constant_score_is_the_prevalence(imbalanced):
    y, _ = imbalanced
    assert metrics.average_precision(y, np.full(len(y), 0.3)) == pytest.approx(y.mean())


def test_temperature_scaling_keeps_accuracy_and_ranking(imbalanced):
    y, z = imbalanced
    scaler = TemperatureScaling().fit(z, y)
    before, after = nnkit.sigmoid(z), nnkit.sigmoid(scaler(z))
    assert scaler.temperature != pytest.approx(1.0)
    assert np.array_equal(before >= 0.5, after >= 0.5)
    assert metrics.roc_auc_score(y, after) == pytest.approx(
        metrics.roc_auc_score(y, before), abs=1e-12
    )
    assert metrics.average_precision(y, after) == pytest.approx(
        metrics.average_precision(y, before), abs=1e-12
    )


def test_class_weights_on_two_logits_are_a_positive_class_weight(imbalanced):
    # With logits (0, z), softmax's class-1 probability is sigmoid(z), so the
    # weighted cross-entropy is BCE with pos_weight = w, up to its divisor:
    # sum_n w[y_n] for CrossEntropyLoss, N for BCEWithLogitsLoss.
    y, z = imbalanced
    w = 19.0
    ce = nnkit.CrossEntropyLoss(weight=[1.0, w])(np.c_[np.zeros_like(z), z], y)
    bce = nnkit.BCEWithLogitsLoss(pos_weight=w)(z, y.astype(float))
    total_weight = np.sum(np.where(y == 1, w, 1.0))
    assert ce * total_weight / len(y) == pytest.approx(bce, rel=1e-12)
