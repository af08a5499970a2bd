"""Tests for nnkit.calibration: the calibration curve against scikit-learn, ECE
against a bin-by-bin loop, temperature scaling against a brute-force grid."""

import numpy as np
import pytest
from sklearn.calibration import calibration_curve as sk_calibration_curve

from nnkit import BCEWithLogitsLoss, CrossEntropyLoss, sigmoid, softmax
from nnkit.calibration import (
    TemperatureScaling,
    calibration_curve,
    expected_calibration_error,
)

SEEDS = [0, 1, 2]


def assert_close(ours, reference):
    for mine, theirs in zip(ours, reference, strict=True):
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)


def overconfident(rng, N=400, C=1, factor=3.0):
    """Logits ``factor`` times too large for labels drawn from the true ones:
    the model of chapter 8 that is right about order, wrong about confidence."""
    Z = 1.5 * rng.normal(size=(N, C) if C > 1 else N)
    if C == 1:
        y = (rng.random(N) < sigmoid(Z)).astype(int)
    else:  # sample each label from softmax(Z) by inverting its cumulative sum
        y = (rng.random((N, 1)) > softmax(Z).cumsum(axis=1)).sum(axis=1)
        y = np.minimum(y, C - 1)  # a cumulative sum of 0.9999999 must not give C
    return factor * Z, y


# ---------------------------------------------------------------- calibration_curve


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 3, 5, 10])
@pytest.mark.parametrize("seed", SEEDS)
def test_calibration_curve_matches_sklearn(seed, n_bins, strategy):
    rng = np.random.default_rng(seed)
    p = rng.random(300) ** 2
    y = (rng.random(300) < p).astype(int)
    assert_close(
        calibration_curve(y, p, n_bins=n_bins, strategy=strategy),
        sk_calibration_curve(y, p, n_bins=n_bins, strategy=strategy),
    )


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("seed", SEEDS)
def test_tied_probabilities_and_bin_edges_match_sklearn(seed, strategy):
    rng = np.random.default_rng(seed)
    p = rng.integers(0, 5, 100) / 4  # 0, 0.25, 0.5, 0.75, 1: edges of 4 bins
    y = rng.integers(0, 2, 100)
    assert_close(
        calibration_curve(y, p, n_bins=4, strategy=strategy),
        sk_calibration_curve(y, p, n_bins=4, strategy=strategy),
    )


@pytest.mark.parametrize("label", [0, 1])
def test_a_single_class_works_as_in_sklearn(label):
    p = np.array([0.1, 0.35, 0.7, 0.9])
    y = np.full(4, label)
    ours = calibration_curve(y, p, n_bins=5)
    assert_close(ours, sk_calibration_curve(y, p, n_bins=5))
    assert np.all(ours[0] == label)


def test_string_labels_and_pos_label_match_sklearn():
    y = np.array(["ham", "spam", "spam", "ham", "spam"])
    p = np.array([0.2, 0.8, 0.6, 0.4, 0.3])
    assert_close(
        calibration_curve(y, p, n_bins=2, pos_label="spam"),
        sk_calibration_curve(y, p, n_bins=2, pos_label="spam"),
    )


def test_class_probabilities_are_judged_by_the_top_label(rng):
    P = softmax(rng.normal(size=(200, 4)) * 2)
    y = rng.integers(0, 4, 200)
    correct = (P.argmax(axis=1) == y).astype(int)
    assert_close(
        calibration_curve(y, P, n_bins=5),
        sk_calibration_curve(correct, P.max(axis=1), n_bins=5),
    )


# ---------------------------------------------------------------- ECE


def ece_by_loop(y, p, n_bins):
    """ECE with uniform bins, written out bin by bin: (lo, hi], the first [0, hi]."""
    total = 0.0
    edges = np.linspace(0, 1, n_bins + 1)
    for k in range(n_bins):
        lo, hi = edges[k], edges[k + 1]
        in_bin = (p > lo) & (p <= hi) if k > 0 else (p <= hi)
        if in_bin.any():
            total += in_bin.mean() * abs(y[in_bin].mean() - p[in_bin].mean())
    return total


@pytest.mark.parametrize("n_bins", [1, 5, 10, 15])
@pytest.mark.parametrize("seed", SEEDS)
def test_ece_matches_a_bin_by_bin_loop(seed, n_bins):
    rng = np.random.default_rng(seed)
    p = rng.random(500)
    y = (rng.random(500) < p**2).astype(int)  # overconfident in the middle
    assert expected_calibration_error(y, p, n_bins=n_bins) == pytest.approx(
        ece_by_loop(y, p, n_bins), rel=1e-12, abs=1e-15
    )


def test_ece_of_class_probabilities_matches_the_top_label_loop(rng):
    P = softmax(rng.normal(size=(300, 3)) * 3)
    y = rng.integers(0, 3, 300)
    correct = (P.argmax(axis=1) == y).astype(float)
    assert expected_calibration_error(y, P) == pytest.approx(
        ece_by_loop(correct, P.max(axis=1), 10), rel=1e-12
    )


def test_ece_is_zero_when_each_bin_comes_true_and_the_gap_when_not():
    y = np.array([0, 1, 1, 1, 0, 0, 0, 1])
    p = np.array([0.75, 0.75, 0.75, 0.75, 0.25, 0.25, 0.25, 0.25])
    assert expected_calibration_error(y, p) == pytest.approx(0.0, abs=1e-15)
    assert expected_calibration_error(y, 1 - p) == pytest.approx(0.5)


def test_quantile_ece_uses_the_quantile_bins_of_the_curve(rng):
    p = rng.random(200)
    y = rng.integers(0, 2, 200)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=4, strategy="quantile")
    # four bins of 50 samples each: every bin weighs 1/4
    expected = np.mean(np.abs(prob_true - prob_pred))
    ece = expected_calibration_error(y, p, n_bins=4, strategy="quantile")
    assert ece == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "y, p, kwargs, message",
    [
        ([0, 1], [0.2, 1.3], {}, r"y_prob must hold probabilities in \[0, 1\], got "
         r"values in \[0.2, 1.3\]. For logits, apply sigmoid or softmax"),
        ([0, 1, 1], [0.2, 0.3], {}, r"expected y_prob of shape \(3,\) .* got shape "
         r"\(2,\)"),
        ([0, 1], [[0.2, 0.3], [0.5, 0.5]], {}, r"each row of y_prob \(N, C\) must sum "
         r"to 1, got sums in \[0.5, 1\]"),
        ([0, 1, 2], [0.2, 0.3, 0.4], {}, "expected at most 2 classes"),
        ([0, 2], [0.2, 0.3], {}, "pos_label=1 is not one of the classes"),
        ([0, 1], [0.2, 0.3], {"n_bins": 0}, "n_bins must be a positive integer"),
        ([0, 1], [0.2, 0.3], {"strategy": "equal"}, 'strategy must be "uniform"'),
        ([0, 1], [0.2, np.nan], {}, "y_prob contains NaN"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("f", [calibration_curve, expected_calibration_error])
def test_bad_input_is_refused_with_a_clear_message(f, y, p, kwargs, message):
    with pytest.raises(ValueError, match=message) as error:
        f(y, p, **kwargs)
    assert str(error.value).startswith(f.__name__)


# ---------------------------------------------------------------- temperature


def nll(Z, y, T):
    if Z.ndim == 2:
        return CrossEntropyLoss()(Z / T, y)
    return BCEWithLogitsLoss()(Z / T, y.astype(float))


@pytest.mark.parametrize("C", [1, 4])
def test_temperature_scaling_finds_the_grid_minimum(C, rng):
    Z, y = overconfident(rng, C=C)
    T = TemperatureScaling().fit(Z, y).temperature
    grid = np.exp(np.linspace(np.log(0.5), np.log(10), 3001))  # steps of 0.1%
    best = grid[np.argmin([nll(Z, y, t) for t in grid])]
    assert T == pytest.approx(best, rel=2e-3)
    assert nll(Z, y, T) <= nll(Z, y, best) + 1e-12
    assert 2.0 < T < 4.5  # the logits were 3 times too large


@pytest.mark.parametrize("C", [1, 4])
def test_temperature_scaling_lowers_nll_and_ece_and_keeps_predictions(C, rng):
    Z, y = overconfident(rng, N=2000, C=C)
    scaler = TemperatureScaling().fit(Z, y)
    calibrated = scaler(Z)
    assert nll(calibrated, y, 1.0) < nll(Z, y, 1.0)
    if C == 1:
        before, after = sigmoid(Z), sigmoid(calibrated)
        np.testing.assert_array_equal(calibrated > 0, Z > 0)
    else:
        before, after = softmax(Z), softmax(calibrated)
        np.testing.assert_array_equal(calibrated.argmax(axis=1), Z.argmax(axis=1))
    ece_before = expected_calibration_error(y, before)
    ece_after = expected_calibration_error(y, after)
    assert ece_after < 0.5 * ece_before


def test_an_underconfident_model_gets_a_temperature_below_one(rng):
    Z, y = overconfident(rng, N=2000, C=3, factor=0.4)
    assert 0.25 < TemperatureScaling().fit(Z, y).temperature < 0.6


def test_binary_logits_may_be_a_column_and_targets_floats(rng):
    z, y = overconfident(rng)
    flat = TemperatureScaling().fit(z, y).temperature
    column = TemperatureScaling().fit(z[:, None], y.astype(float)).temperature
    assert column == pytest.approx(flat, rel=1e-9)
    assert repr(TemperatureScaling().fit(z, y)).startswith("TemperatureScaling(tem")


def test_separable_validation_data_warns_that_t_sits_at_the_bound():
    z, y = np.array([-2.0, -1.0, 1.0, 2.0]), np.array([0, 0, 1, 1])
    with pytest.warns(UserWarning, match="lies at the edge of bounds"):
        scaler = TemperatureScaling(bounds=(0.1, 10.0)).fit(z, y)
    assert scaler.temperature == pytest.approx(0.1, rel=1e-6)


def test_temperature_scaling_refuses_bad_input():
    scaler = TemperatureScaling()
    assert repr(scaler) == "TemperatureScaling(not fitted)"
    with pytest.raises(RuntimeError, match=r"call fit\(logits_val, y_val\) before"):
        scaler(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"bounds must be \(T_min, T_max\) with 0 <"):
        TemperatureScaling(bounds=(1.0, 0.5))
    with pytest.raises(
        ValueError, match=r"expected logits of shape \(N, C\) or \(N,\)"
    ):
        scaler.fit(np.zeros((2, 3, 4)), [0, 1])
    with pytest.raises(ValueError, match="logits have 3 rows but y_true has 2 values"):
        scaler.fit(np.zeros(3), [0, 1])
    with pytest.raises(ValueError, match=r"class labels must lie in \[0, 3\)"):
        scaler.fit(np.zeros((2, 3)), [0, 3])
