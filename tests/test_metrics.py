"""Tests for nnkit.metrics: each metric against scikit-learn, edge cases, errors."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import metrics as sk

from nnkit.metrics import (
    UndefinedMetricWarning,
    accuracy,
    average_precision,
    confusion_matrix,
    f1_score,
    precision,
    precision_recall_curve,
    recall,
    roc_auc_score,
    roc_curve,
)

SEEDS = [0, 1, 2, 3, 4]
AVERAGES = ["binary", "macro", "micro", "weighted", None]
# Each nnkit metric beside its scikit-learn reference.
PRF = [
    (precision, sk.precision_score),
    (recall, sk.recall_score),
    (f1_score, sk.f1_score),
]
PRF_IDS = ["precision", "recall", "f1_score"]
# Random labels often leave a class unpredicted; both libraries warn about it.
quiet = pytest.mark.filterwarnings("ignore::UserWarning")


def random_labels(seed, n_classes, n=50):
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_classes, n), rng.integers(0, n_classes, n)


def assert_same(ours, reference):
    np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=0)


def assert_roc_equal(ours, reference):
    for mine, theirs in zip(ours, reference, strict=True):
        np.testing.assert_array_equal(mine, theirs)


# ---------------------------------------------------------------- vs scikit-learn


@pytest.mark.parametrize("n_classes", [2, 3, 5])
@pytest.mark.parametrize("seed", SEEDS)
def test_accuracy_matches_sklearn(seed, n_classes):
    y_true, y_pred = random_labels(seed, n_classes)
    assert accuracy(y_true, y_pred) == sk.accuracy_score(y_true, y_pred)


@pytest.mark.parametrize("n_classes", [2, 3, 5])
@pytest.mark.parametrize("seed", SEEDS)
def test_confusion_matrix_matches_sklearn(seed, n_classes):
    y_true, y_pred = random_labels(seed, n_classes)
    M = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(M, sk.confusion_matrix(y_true, y_pred))
    assert M.dtype.kind == "i"


def test_confusion_matrix_with_labels_follows_their_order_and_drops_the_rest():
    y_true, y_pred = random_labels(0, 4)
    labels = [3, 0, 2]
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred, labels=labels),
        sk.confusion_matrix(y_true, y_pred, labels=labels),
    )


@quiet
@pytest.mark.parametrize(("ours", "reference"), PRF, ids=PRF_IDS)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("seed", SEEDS)
def test_precision_recall_f1_match_sklearn(ours, reference, average, seed):
    n_classes = 2 if average == "binary" else 4
    y_true, y_pred = random_labels(seed, n_classes, n=20)
    assert_same(
        ours(y_true, y_pred, average=average),
        reference(y_true, y_pred, average=average, zero_division=0.0),
    )


@quiet
@pytest.mark.parametrize(("ours", "reference"), PRF, ids=PRF_IDS)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("zero_division", [0.0, 1.0, np.nan])
def test_zero_division_matches_sklearn(ours, reference, average, zero_division):
    # Class 2 is never predicted and class 3 never true: both ratios go undefined.
    y_true, y_pred = [0, 1, 2, 2, 1, 0], [0, 1, 1, 3, 1, 1]
    if average == "binary":
        y_true, y_pred = [0, 0, 0, 1], [0, 0, 0, 0]
    kwargs = {"average": average, "zero_division": zero_division}
    assert_same(ours(y_true, y_pred, **kwargs), reference(y_true, y_pred, **kwargs))


@quiet
@given(
    pairs=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1),
    average=st.sampled_from(AVERAGES),
)
def test_precision_recall_f1_match_sklearn_on_any_labels(pairs, average):
    y_true, y_pred = np.array(pairs).T
    for ours, reference in PRF:
        try:
            expected = reference(y_true, y_pred, average=average, zero_division=0.0)
        except ValueError:  # "binary" with 3+ classes, or pos_label=1 not a class
            with pytest.raises(ValueError, match="binary problem|pos_label=1"):
                ours(y_true, y_pred, average=average)
            continue
        assert_same(ours(y_true, y_pred, average=average), expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_roc_curve_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true, y_score = rng.integers(0, 2, 100), rng.normal(size=100)
    assert_roc_equal(roc_curve(y_true, y_score), sk.roc_curve(y_true, y_score))


@pytest.mark.parametrize("seed", SEEDS)
def test_roc_curve_with_tied_scores_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true, y_score = rng.integers(0, 2, 100), rng.integers(0, 5, 100) / 4
    assert_roc_equal(roc_curve(y_true, y_score), sk.roc_curve(y_true, y_score))


@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from([0.0, 0.25, 0.5, 1.0])), min_size=2
    ).filter(lambda pairs: len({y for y, _ in pairs}) == 2)
)
def test_roc_curve_and_auc_match_sklearn_on_any_tied_scores(pairs):
    y_true = np.array([y for y, _ in pairs])
    y_score = np.array([s for _, s in pairs])
    assert_roc_equal(roc_curve(y_true, y_score), sk.roc_curve(y_true, y_score))
    assert roc_auc_score(y_true, y_score) == pytest.approx(
        sk.roc_auc_score(y_true, y_score), rel=1e-12
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_roc_auc_score_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, 100)
    y_score = y_true + rng.normal(size=100)
    assert roc_auc_score(y_true, y_score) == pytest.approx(
        sk.roc_auc_score(y_true, y_score), rel=1e-12
    )


def test_roc_curve_with_other_pos_label_matches_sklearn():
    y_true, y_score = [1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8]
    assert_roc_equal(
        roc_curve(y_true, y_score, pos_label=2),
        sk.roc_curve(y_true, y_score, pos_label=2),
    )


def test_roc_auc_takes_the_larger_label_as_positive_like_sklearn():
    y_true, y_score = ["neg", "pos", "pos", "neg"], [0.2, 0.9, 0.1, 0.4]
    assert roc_auc_score(y_true, y_score) == sk.roc_auc_score(y_true, y_score)


def test_string_labels_match_sklearn():
    y_true, y_pred = ["cat", "dog", "dog", "bird"], ["cat", "dog", "cat", "dog"]
    assert accuracy(y_true, y_pred) == sk.accuracy_score(y_true, y_pred)
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred), sk.confusion_matrix(y_true, y_pred)
    )
    assert_same(
        f1_score(y_true, y_pred, average="macro"),
        sk.f1_score(y_true, y_pred, average="macro", zero_division=0.0),
    )


def test_binary_metrics_take_a_string_pos_label():
    y_true, y_pred = ["spam", "ham", "spam", "ham"], ["spam", "spam", "ham", "ham"]
    assert precision(y_true, y_pred, pos_label="spam") == 0.5
    assert recall(y_true, y_pred, pos_label="ham") == 0.5


# ---------------------------------------------------------------- edge cases


def test_all_one_class_gives_a_one_by_one_matrix_and_full_accuracy():
    assert accuracy([1, 1, 1], [1, 1, 1]) == 1.0
    np.testing.assert_array_equal(confusion_matrix([1, 1, 1], [1, 1, 1]), [[3]])


def test_all_negative_binary_precision_is_undefined_and_warns():
    # Only class 0 occurs, so pos_label=1 has no true and no predicted samples.
    with pytest.warns(UndefinedMetricWarning, match=r"class\(es\) \[1\]"):
        assert precision([0, 0, 0], [0, 0, 0]) == 0.0


def test_perfect_predictions_score_one():
    y = [0, 1, 2, 1, 0]
    assert accuracy(y, y) == 1.0
    np.testing.assert_array_equal(confusion_matrix(y, y), np.diag([2, 2, 1]))
    for metric in (precision, recall, f1_score):
        assert metric(y, y, average="macro") == 1.0
    assert roc_auc_score([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0


def test_inverted_predictions_score_zero():
    y_true, y_pred = np.array([0, 1, 1, 0]), np.array([1, 0, 0, 1])
    assert accuracy(y_true, y_pred) == 0.0
    for metric in (precision, recall, f1_score):
        assert metric(y_true, y_pred) == 0.0
    assert roc_auc_score(y_true, -y_true) == 0.0


def test_class_never_predicted_warns_and_precision_uses_zero_division():
    y_true, y_pred = [0, 1, 2, 2], [0, 1, 1, 1]
    with pytest.warns(UndefinedMetricWarning, match=r"\[2\]: no sample was predicted"):
        scores = precision(y_true, y_pred, average=None)
    np.testing.assert_array_equal(scores, [1.0, 1 / 3, 0.0])
    with pytest.warns(UndefinedMetricWarning):
        assert precision(y_true, y_pred, average=None, zero_division=1.0)[2] == 1.0


def test_class_never_true_warns_and_recall_uses_zero_division():
    with pytest.warns(UndefinedMetricWarning, match=r"\[2\]: it never occurs"):
        scores = recall([0, 1, 1], [0, 1, 2], average=None)
    np.testing.assert_array_equal(scores, [1.0, 0.5, 0.0])


def test_f1_of_a_class_never_predicted_is_zero_without_warning():
    # Precision is undefined there, but 2 TP / (2 TP + FP + FN) = 0 / 2 is not.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert f1_score([0, 1, 2, 2], [0, 1, 1, 1], average=None)[2] == 0.0


def test_zero_division_nan_leaves_the_class_out_of_the_macro_mean():
    with pytest.warns(UndefinedMetricWarning):
        score = precision([0, 1, 2], [0, 0, 1], average="macro", zero_division=np.nan)
    assert score == pytest.approx((0.5 + 0.0) / 2)


def test_scores_with_an_average_are_python_floats():
    for metric in (accuracy, precision, recall, f1_score, roc_auc_score):
        assert type(metric([0, 1, 1], [0, 1, 0])) is float


def test_float_and_bool_labels_are_accepted():
    assert accuracy([0.0, 1.0, 1.0], [0, 1, 0]) == pytest.approx(2 / 3)
    assert recall([True, True, False], [True, False, False]) == 0.5


def test_roc_curve_starts_at_the_origin_with_an_infinite_threshold():
    fpr, tpr, thresholds = roc_curve([0, 1, 0, 1], [0.2, 0.7, 0.4, 0.9])
    assert (fpr[0], tpr[0], thresholds[0]) == (0.0, 0.0, np.inf)
    assert (fpr[-1], tpr[-1]) == (1.0, 1.0)


def test_roc_curve_drops_collinear_points():
    fpr, tpr, thresholds = roc_curve([1, 1, 0, 0], [4.0, 3.0, 2.0, 1.0])
    np.testing.assert_array_equal(fpr, [0, 0, 0, 1])
    np.testing.assert_array_equal(tpr, [0, 0.5, 1, 1])
    np.testing.assert_array_equal(thresholds, [np.inf, 4, 3, 1])


def test_roc_curve_merges_tied_scores_into_one_diagonal_step():
    fpr, tpr, thresholds = roc_curve([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])
    np.testing.assert_array_equal(fpr, [0, 1])
    np.testing.assert_array_equal(tpr, [0, 1])
    np.testing.assert_array_equal(thresholds, [np.inf, 0.5])


def test_roc_auc_counts_tied_pairs_as_half():
    # Positives score 0.6, 0.6, 0.9, negatives 0.2, 0.6: 4 pairs won, 2 tied, of 6.
    assert roc_auc_score([0, 1, 1, 0, 1], [0.2, 0.6, 0.6, 0.6, 0.9]) == pytest.approx(
        5 / 6
    )


@given(
    st.lists(st.tuples(st.booleans(), st.integers(0, 3)), min_size=2).filter(
        lambda pairs: len({y for y, _ in pairs}) == 2
    )
)
def test_roc_auc_equals_the_share_of_correctly_ranked_pairs(pairs):
    y_true = np.array([y for y, _ in pairs])
    y_score = np.array([float(s) for _, s in pairs])
    diff = y_score[y_true][:, None] - y_score[~y_true][None, :]  # positive - negative
    expected = np.mean((diff > 0) + 0.5 * (diff == 0))
    assert roc_auc_score(y_true, y_score) == pytest.approx(expected)


def test_roc_curve_without_positives_warns_and_gives_nan_tpr():
    with pytest.warns(UndefinedMetricWarning, match="no positive samples"):
        fpr, tpr, _ = roc_curve([0, 0, 0], [0.1, 0.5, 0.9])
    assert np.isnan(tpr).all() and fpr[-1] == 1.0


def test_undefined_metric_warning_is_a_user_warning():
    assert issubclass(UndefinedMetricWarning, UserWarning)


# ---------------------------------------------------------------- bad inputs


def test_2d_labels_raise_with_argmax_hint():
    with pytest.raises(
        ValueError,
        match=r"accuracy: .*shape \(N,\), got shape "
        r"\(2, 3\)\. .*argmax\(axis=1\)",
    ):
        accuracy(np.zeros((2, 3)), [0, 1])


def test_empty_labels_raise():
    with pytest.raises(ValueError, match=r"non-empty y_true .* got shape \(0,\)"):
        confusion_matrix([], [])


def test_length_mismatch_names_both_lengths():
    with pytest.raises(ValueError, match="y_true has 3 samples but y_pred has 2"):
        f1_score([0, 1, 1], [0, 1])


def test_numbers_and_strings_mixed_raise_type_error():
    with pytest.raises(TypeError, match="y_true has dtype int64 but y_pred has dtype"):
        accuracy([0, 1], ["0", "1"])


def test_non_integer_labels_raise_with_threshold_hint():
    with pytest.raises(ValueError, match=r"got 0\.7 at index 1\. Threshold scores"):
        recall([0, 1], [0.0, 0.7])


def test_nan_labels_raise():
    with pytest.raises(ValueError, match="y_pred contains NaN"):
        accuracy([0, 1], [0.0, np.nan])


def test_object_labels_raise_type_error():
    with pytest.raises(TypeError, match="y_true must hold numbers or strings"):
        accuracy(np.array([0, None]), [0, 1])


def test_invalid_average_lists_the_allowed_values():
    with pytest.raises(
        ValueError,
        match="'binary', 'macro', 'micro', 'weighted' or None, got 'samples'",
    ):
        precision([0, 1], [0, 1], average="samples")


def test_binary_average_with_three_classes_suggests_other_averages():
    with pytest.raises(ValueError, match=r"got 3: \[0, 1, 2\]\. .*'macro', 'micro'"):
        recall([0, 1, 2], [0, 1, 1])


def test_pos_label_that_is_not_a_class_raises():
    with pytest.raises(ValueError, match=r"pos_label=1 is not one of the classes"):
        f1_score([0, 2], [2, 2])


def test_invalid_zero_division_raises():
    with pytest.raises(ValueError, match="zero_division must be 0.0, 1.0 or np.nan"):
        precision([0, 1], [0, 1], zero_division="warn")


def test_confusion_matrix_repeated_labels_raise():
    with pytest.raises(ValueError, match=r"labels has repeated values: \[0, 0\]"):
        confusion_matrix([0, 1], [0, 1], labels=[0, 0])


def test_confusion_matrix_labels_absent_from_y_true_raise():
    with pytest.raises(ValueError, match=r"none of labels=\['a'\] occurs in y_true"):
        confusion_matrix([0, 1], [0, 1], labels=["a"])


def test_roc_curve_nonfinite_scores_raise():
    with pytest.raises(ValueError, match="roc_curve: y_score contains NaN or inf"):
        roc_curve([0, 1], [0.5, np.inf])


def test_roc_curve_non_numeric_scores_raise_type_error():
    with pytest.raises(TypeError, match="y_score must be a numeric array"):
        roc_curve([0, 1], ["low", "high"])


def test_roc_curve_2d_scores_raise_with_column_hint():
    with pytest.raises(ValueError, match=r"shape \(2, 2\).*y_score\[:, 1\]"):
        roc_curve([0, 1], [[0.9, 0.1], [0.2, 0.8]])


def test_roc_curve_length_mismatch_names_both_shapes():
    with pytest.raises(
        ValueError,
        match=r"y_true has shape \(3,\) but y_score has "
        r"shape \(2,\)",
    ):
        roc_curve([0, 1, 1], [0.2, 0.8])


def test_roc_curve_with_three_classes_raises():
    with pytest.raises(ValueError, match=r"at most 2 classes .* y_true == that_class"):
        roc_curve([0, 1, 2], [0.1, 0.5, 0.9])


def test_roc_curve_pos_label_that_is_not_a_class_raises():
    with pytest.raises(ValueError, match="pos_label=1 is not one of the classes"):
        roc_curve([0, 2], [0.1, 0.9])


def test_roc_auc_with_one_class_raises():
    with pytest.raises(ValueError, match=r"only one class \(1\) is present in y_true"):
        roc_auc_score([1, 1, 1], [0.2, 0.5, 0.9])


# ---------------------------------------------------------- precision-recall curve


def assert_curves_close(ours, reference):
    for mine, theirs in zip(ours, reference, strict=True):
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_precision_recall_curve_and_ap_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true = (rng.random(200) < 0.1).astype(int)  # rare positives, as in chapter 8
    y_score = y_true + rng.normal(size=200)
    assert_curves_close(
        precision_recall_curve(y_true, y_score),
        sk.precision_recall_curve(y_true, y_score),
    )
    assert average_precision(y_true, y_score) == pytest.approx(
        sk.average_precision_score(y_true, y_score), rel=1e-12
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_precision_recall_curve_with_tied_scores_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y_true, y_score = rng.integers(0, 2, 100), rng.integers(0, 5, 100) / 4
    assert_curves_close(
        precision_recall_curve(y_true, y_score),
        sk.precision_recall_curve(y_true, y_score),
    )
    assert average_precision(y_true, y_score) == pytest.approx(
        sk.average_precision_score(y_true, y_score), rel=1e-12
    )


@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from([0.0, 0.25, 0.5, 1.0])), min_size=1
    ).filter(lambda pairs: any(y == 1 for y, _ in pairs))
)
def test_precision_recall_curve_and_ap_match_sklearn_on_any_tied_scores(pairs):
    y_true = np.array([y for y, _ in pairs])
    y_score = np.array([s for _, s in pairs])
    assert_curves_close(
        precision_recall_curve(y_true, y_score),
        sk.precision_recall_curve(y_true, y_score),
    )
    assert average_precision(y_true, y_score) == pytest.approx(
        sk.average_precision_score(y_true, y_score), rel=1e-12
    )


def test_ap_is_the_mean_precision_at_each_positive():
    """Without ties, AP averages, over the positives, the precision of the
    threshold at that positive's score."""
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 60)
    y_score = rng.permutation(60) / 60  # distinct scores
    order = np.argsort(-y_score)
    hits = y_true[order] == 1
    precision_at = np.cumsum(hits) / np.arange(1, 61)
    assert average_precision(y_true, y_score) == pytest.approx(
        precision_at[hits].mean(), rel=1e-12
    )


def test_only_positives_give_precision_one_and_ap_one_as_in_sklearn():
    y_true, y_score = [1, 1, 1], [0.1, 0.4, 0.35]
    assert_curves_close(
        precision_recall_curve(y_true, y_score),
        sk.precision_recall_curve(y_true, y_score),
    )
    assert average_precision(y_true, y_score) == 1.0


@pytest.mark.parametrize("f", [precision_recall_curve, average_precision])
def test_no_positive_sample_raises_where_sklearn_warns(f):
    with pytest.raises(
        ValueError,
        match=r"no sample of the positive class "
        r"pos_label=1, so recall = TP / \(TP \+ FN\) divides by 0",
    ):
        f([0, 0, 0], [0.1, 0.4, 0.35])
    with pytest.warns(UserWarning, match="No positive class found"):
        assert sk.average_precision_score([0, 0, 0], [0.1, 0.4, 0.35]) == 0.0


def test_string_labels_need_their_pos_label():
    y_true, y_score = ["cat", "dog", "dog", "cat"], [0.2, 0.9, 0.4, 0.5]
    assert_curves_close(
        precision_recall_curve(y_true, y_score, pos_label="dog"),
        sk.precision_recall_curve(y_true, y_score, pos_label="dog"),
    )
    assert average_precision(y_true, y_score, pos_label="dog") == pytest.approx(
        sk.average_precision_score(y_true, y_score, pos_label="dog")
    )
    with pytest.raises(ValueError, match="pos_label=1 is not one of the classes"):
        average_precision(y_true, y_score)


@pytest.mark.parametrize(
    "y_true, y_score, message",
    [
        ([0, 1, 2], [0.1, 0.5, 0.9], "expected at most 2 classes"),
        ([0, 1], [[0.3, 0.7], [0.6, 0.4]], "pass the positive column y_score"),
        ([0, 1, 1], [0.1, np.nan, 0.9], "y_score contains NaN"),
    ],
)
def test_pr_curve_refuses_bad_input_with_a_clear_message(y_true, y_score, message):
    with pytest.raises(ValueError, match=message):
        precision_recall_curve(y_true, y_score)
