"""Losses: values and gradients vs finite differences and torch, stability, errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import nnkit


def gaussian(rng, shape):
    return rng.normal(size=shape)


def probabilities(rng, shape):
    return rng.uniform(0.05, 0.95, size=shape)


def binary(rng, shape):
    return rng.integers(0, 2, size=shape).astype(float)


# name: (make loss, make y_pred, make y_true, the same loss in torch)
ELEMENTWISE = {
    "mse": (nnkit.MSELoss, gaussian, gaussian, F.mse_loss),
    "l1": (nnkit.L1Loss, gaussian, gaussian, F.l1_loss),
    "huber": (
        nnkit.HuberLoss,
        gaussian,
        gaussian,
        lambda p, t: F.huber_loss(p, t, delta=1.0),
    ),
    "huber0.3": (
        lambda: nnkit.HuberLoss(delta=0.3),
        gaussian,
        gaussian,
        lambda p, t: F.huber_loss(p, t, delta=0.3),
    ),
    "bce": (nnkit.BCELoss, probabilities, binary, F.binary_cross_entropy),
    "bce_soft_targets": (
        nnkit.BCELoss,
        probabilities,
        probabilities,
        F.binary_cross_entropy,
    ),
    "bce_logits": (
        nnkit.BCEWithLogitsLoss,
        gaussian,
        binary,
        F.binary_cross_entropy_with_logits,
    ),
}
SHAPES = [(1,), (1, 1), (7,), (6, 1), (5, 3)]


def pair(name, rng, shape):
    _, make_pred, make_true, _ = ELEMENTWISE[name]
    return make_pred(rng, shape), make_true(rng, shape)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shape", SHAPES)
def test_elementwise_loss_gradient_matches_finite_differences(name, shape, rng):
    y_pred, y_true = pair(name, rng, shape)
    assert nnkit.gradcheck_loss(ELEMENTWISE[name][0](), y_pred, y_true) < 1e-6


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shape", SHAPES)
def test_elementwise_loss_matches_torch(name, shape, rng):
    make_loss, _, _, torch_loss = ELEMENTWISE[name]
    y_pred, y_true = pair(name, rng, shape)
    loss = make_loss()
    value = loss(y_pred, y_true)
    grad = loss.backward()

    pred_t = torch.tensor(y_pred, requires_grad=True)
    value_t = torch_loss(pred_t, torch.tensor(y_true))
    value_t.backward()
    assert isinstance(value, float)
    assert abs(value - value_t.item()) < 1e-10
    np.testing.assert_allclose(grad, pred_t.grad.numpy(), rtol=0, atol=1e-10)


def class_labels(rng, N, C):
    return rng.integers(0, C, size=N)


def soft_targets(rng, N, C):
    return nnkit.softmax(rng.normal(size=(N, C)))


def one_hot(rng, N, C):
    return np.eye(C)[rng.integers(0, C, size=N)]


@pytest.mark.parametrize("targets", [class_labels, one_hot, soft_targets])
@pytest.mark.parametrize("N, C", [(1, 2), (1, 5), (8, 3), (32, 10)])
def test_cross_entropy_matches_torch_and_finite_differences(targets, N, C, rng):
    logits, y_true = rng.normal(size=(N, C)) * 3, targets(rng, N, C)
    loss = nnkit.CrossEntropyLoss()
    value = loss(logits, y_true)
    grad = loss.backward()

    logits_t = torch.tensor(logits, requires_grad=True)
    value_t = F.cross_entropy(logits_t, torch.tensor(y_true))
    value_t.backward()
    assert abs(value - value_t.item()) < 1e-10
    np.testing.assert_allclose(grad, logits_t.grad.numpy(), rtol=0, atol=1e-10)
    assert nnkit.gradcheck_loss(nnkit.CrossEntropyLoss(), logits, y_true) < 1e-6


def test_huber_is_quadratic_inside_delta_and_linear_outside():
    huber = nnkit.HuberLoss(delta=1.0)
    assert huber(np.array([0.5]), np.array([0.0])) == pytest.approx(0.125)
    assert huber(np.array([3.0]), np.array([0.0])) == pytest.approx(2.5)


# Stability at extreme values ---------------------------------------------------


def test_cross_entropy_is_finite_for_logits_of_1000():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])
    loss = nnkit.CrossEntropyLoss()
    value = loss(logits, np.array([1, 0]))
    grad = loss.backward()
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    expected = F.cross_entropy(torch.tensor(logits), torch.tensor([1, 0])).item()
    assert value == pytest.approx(expected)


def test_bce_with_logits_is_finite_and_exact_for_logits_of_1000():
    z, y = np.array([1000.0, -1000.0, 1000.0, -1000.0]), np.array([0.0, 1.0, 1.0, 0.0])
    loss = nnkit.BCEWithLogitsLoss()
    assert loss(z, y) == pytest.approx(500.0)
    assert np.all(np.isfinite(loss.backward()))


def test_bce_at_probabilities_of_exactly_zero_and_one_stays_finite():
    p, y = np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0, 0.0])
    loss = nnkit.BCELoss()
    value = loss(p, y)
    grad = loss.backward()
    # Two perfect predictions (loss 0) and two certain mistakes (log clamped at -100).
    assert value == pytest.approx(50.0)
    assert np.all(np.isfinite(grad))
    expected = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y)).item()
    assert value == pytest.approx(expected)


# Errors ------------------------------------------------------------------------


def test_column_predictions_against_flat_targets_are_refused():
    with pytest.raises(
        ValueError,
        match=r"MSELoss\(\): y_pred has shape \(64, 1\) but "
        r"y_true has shape \(64,\)\. They would broadcast to \(64, 64\)",
    ):
        nnkit.MSELoss()(np.zeros((64, 1)), np.zeros(64))


def test_shape_error_suggests_the_reshape():
    with pytest.raises(ValueError, match=r"Use y_true\.reshape\(64, 1\)"):
        nnkit.L1Loss()(np.zeros((64, 1)), np.zeros(64))


def test_labels_outside_the_classes_are_refused():
    with pytest.raises(
        ValueError, match=r"class labels must lie in \[0, 3\).*\[0, 3\]"
    ):
        nnkit.CrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 3]))


def test_negative_labels_are_refused():
    with pytest.raises(ValueError, match=r"must lie in \[0, 3\)"):
        nnkit.CrossEntropyLoss()(np.zeros((2, 3)), np.array([-1, 0]))


def test_float_labels_are_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"must be integers.*astype\(int\)"):
        nnkit.CrossEntropyLoss()(np.zeros((2, 3)), np.array([0.0, 1.0]))


def test_label_count_must_match_rows():
    with pytest.raises(ValueError, match="y_pred has 2 rows but y_true has 3 labels"):
        nnkit.CrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 1, 2]))


def test_cross_entropy_needs_2d_logits():
    with pytest.raises(ValueError, match=r"expected logits y_pred of shape \(N, C\)"):
        nnkit.CrossEntropyLoss()(np.zeros(3), np.array([0, 1, 2]))


def test_one_hot_targets_must_match_logits_shape():
    with pytest.raises(ValueError, match=r"or one-hot rows of shape \(2, 3\)"):
        nnkit.CrossEntropyLoss()(np.zeros((2, 3)), np.zeros((2, 4)))


def test_bce_refuses_values_outside_zero_one_and_suggests_logits():
    with pytest.raises(
        ValueError, match=r"probabilities in \[0, 1\].*BCEWithLogitsLoss"
    ):
        nnkit.BCELoss()(np.array([-0.5, 2.0]), np.array([0.0, 1.0]))


def test_bce_refuses_targets_outside_zero_one():
    with pytest.raises(ValueError, match=r"y_true must hold probabilities in \[0, 1\]"):
        nnkit.BCELoss()(np.array([0.5, 0.5]), np.array([0.0, 2.0]))


def test_nan_predictions_are_refused():
    with pytest.raises(ValueError, match=r"MSELoss\(\): y_pred contains NaN"):
        nnkit.MSELoss()(np.array([np.nan]), np.array([1.0]))


def test_empty_predictions_are_refused():
    with pytest.raises(ValueError, match="y_pred is empty"):
        nnkit.MSELoss()(np.zeros(0), np.zeros(0))


def test_backward_before_the_loss_is_computed_is_a_clear_error():
    with pytest.raises(
        RuntimeError,
        match=r"CrossEntropyLoss\(\): backward\(\) was "
        "called before the loss was computed",
    ):
        nnkit.CrossEntropyLoss().backward()


def test_non_positive_huber_delta_is_refused():
    with pytest.raises(
        ValueError, match="HuberLoss: delta must be a finite number > 0"
    ):
        nnkit.HuberLoss(delta=0)


def test_bce_of_perfect_predictions_is_plus_zero():
    value = nnkit.BCELoss()(np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    assert value == 0.0 and str(value) == "0.0"


def test_cross_entropy_of_perfect_predictions_is_plus_zero():
    # -sum(...) of an all-zero sum would print as -0.0 in the book.
    logits = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    for y_true in (np.array([0, 1]), np.eye(2)):
        value = nnkit.CrossEntropyLoss()(logits, y_true)
        assert value == 0.0 and str(value) == "0.0"


# Weighted losses: pos_weight and class weights, against torch ------------------


def torch_value_and_grad(functional, y_pred, y_true, **weights):
    leaf = torch.tensor(y_pred, requires_grad=True)
    torch_weights = {name: torch.as_tensor(w) for name, w in weights.items()}
    value = functional(leaf, torch.as_tensor(y_true), **torch_weights)
    value.backward()
    return value.item(), leaf.grad.numpy()


@pytest.mark.parametrize(
    "pos_weight, shape",
    [(3.0, (16,)), (0.2, (8, 1)), (19.0, (8, 1)), ([1.0, 5.0, 0.5], (8, 3))],
)
def test_bce_with_pos_weight_matches_torch_and_finite_differences(
    pos_weight, shape, rng
):
    z, y = rng.normal(size=shape) * 4, binary(rng, shape)
    y.flat[0] = 0.3  # a soft target too
    loss = nnkit.BCEWithLogitsLoss(pos_weight=pos_weight)
    value, grad = loss(z, y), loss.backward()
    value_t, grad_t = torch_value_and_grad(
        F.binary_cross_entropy_with_logits, z, y, pos_weight=np.asarray(pos_weight)
    )
    assert value == pytest.approx(value_t, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(grad, grad_t, rtol=1e-10, atol=1e-12)
    assert nnkit.gradcheck_loss(loss, z, y) < 1e-6


def test_bce_with_pos_weight_is_exact_at_logits_of_1000():
    z, y = np.array([1000.0, -1000.0, 1000.0, -1000.0]), np.array([0.0, 1.0, 1.0, 0.0])
    loss = nnkit.BCEWithLogitsLoss(pos_weight=4.0)
    # Only the two wrong ones cost: 1000 for the negative, 4 * 1000 for the positive.
    assert loss(z, y) == (1000.0 + 4000.0) / 4
    np.testing.assert_array_equal(loss.backward(), [0.25, -1.0, 0.0, 0.0])
    value_t, grad_t = torch_value_and_grad(
        F.binary_cross_entropy_with_logits, z, y, pos_weight=np.array(4.0)
    )
    assert loss(z, y) == pytest.approx(value_t)
    np.testing.assert_allclose(loss.backward(), grad_t, rtol=1e-12)


def test_pos_weight_one_is_the_unweighted_loss(rng):
    z, y = rng.normal(size=(10, 2)), binary(rng, (10, 2))
    plain, weighted = nnkit.BCEWithLogitsLoss(), nnkit.BCEWithLogitsLoss(pos_weight=1)
    assert weighted(z, y) == pytest.approx(plain(z, y), rel=1e-14)
    np.testing.assert_allclose(weighted.backward(), plain.backward(), atol=1e-15)


@pytest.mark.parametrize("targets", [class_labels, one_hot, soft_targets])
@pytest.mark.parametrize("N, C", [(1, 2), (8, 3), (32, 10)])
def test_weighted_cross_entropy_matches_torch_and_finite_differences(
    targets, N, C, rng
):
    logits, y_true = rng.normal(size=(N, C)) * 3, targets(rng, N, C)
    weight = rng.uniform(0.1, 5.0, size=C)
    loss = nnkit.CrossEntropyLoss(weight=weight)
    value, grad = loss(logits, y_true), loss.backward()
    value_t, grad_t = torch_value_and_grad(
        F.cross_entropy, logits, y_true, weight=weight
    )
    assert value == pytest.approx(value_t, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(grad, grad_t, rtol=1e-10, atol=1e-12)
    assert nnkit.gradcheck_loss(loss, logits, y_true) < 1e-6


def test_weighted_mean_divides_by_the_targets_weights_for_labels_only(rng):
    """PyTorch's convention, kept: labels give a weighted mean, sum w[y_n] L_n /
    sum w[y_n]; the same targets as one-hot rows give sum w[y_n] L_n / N."""
    logits, labels = rng.normal(size=(6, 3)), np.array([0, 0, 0, 0, 1, 2])
    weight = np.array([0.5, 2.0, 4.0])
    per_sample = -np.log(nnkit.softmax(logits)[np.arange(6), labels])
    weighted_sum = np.sum(weight[labels] * per_sample)
    loss = nnkit.CrossEntropyLoss(weight=weight)
    assert loss(logits, labels) == pytest.approx(weighted_sum / weight[labels].sum())
    assert loss(logits, np.eye(3)[labels]) == pytest.approx(weighted_sum / 6)


def test_weighted_cross_entropy_is_finite_at_logits_of_1000():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])
    weight = np.array([1.0, 3.0, 0.5])
    loss = nnkit.CrossEntropyLoss(weight=weight)
    value, grad = loss(logits, np.array([1, 0])), loss.backward()
    value_t, grad_t = torch_value_and_grad(
        F.cross_entropy, logits, np.array([1, 0]), weight=weight
    )
    assert value == pytest.approx(value_t)
    np.testing.assert_allclose(grad, grad_t, rtol=1e-12, atol=1e-15)


def test_unit_class_weights_are_the_unweighted_loss(rng):
    logits, labels = rng.normal(size=(7, 4)), rng.integers(0, 4, size=7)
    plain, weighted = nnkit.CrossEntropyLoss(), nnkit.CrossEntropyLoss(np.ones(4))
    assert weighted(logits, labels) == pytest.approx(plain(logits, labels), rel=1e-14)
    np.testing.assert_allclose(weighted.backward(), plain.backward(), atol=1e-15)


def test_weighted_losses_keep_float32(rng):
    z = rng.normal(size=(4, 3)).astype(np.float32)
    for loss, y in [
        (nnkit.BCEWithLogitsLoss(pos_weight=[1.0, 2.0, 3.0]), np.ones((4, 3))),
        (nnkit.CrossEntropyLoss(weight=[1.0, 2.0, 3.0]), np.array([0, 1, 2, 2])),
    ]:
        loss(z, y)
        assert loss.backward().dtype == np.float32


def test_weighted_losses_show_their_weights():
    assert (
        repr(nnkit.BCEWithLogitsLoss(pos_weight=19))
        == "BCEWithLogitsLoss(pos_weight=19.0)"
    )
    assert repr(nnkit.CrossEntropyLoss([1, 2])) == "CrossEntropyLoss(weight=[1.0, 2.0])"


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: nnkit.BCEWithLogitsLoss(pos_weight=0.0), ValueError,
         "BCEWithLogitsLoss: pos_weight must hold numbers > 0, got 0.0"),
        (lambda: nnkit.BCEWithLogitsLoss(pos_weight=[[1.0]]), ValueError,
         "pos_weight must be a number or a 1-D array, got shape (1, 1)"),
        (lambda: nnkit.BCEWithLogitsLoss(pos_weight="3"), TypeError,
         "pos_weight must be a numeric array"),
        (lambda: nnkit.BCEWithLogitsLoss(pos_weight=np.nan), ValueError,
         "pos_weight contains NaN or infinity"),
        (lambda: nnkit.CrossEntropyLoss(weight=[1.0, -1.0]), ValueError,
         "CrossEntropyLoss: weight must hold numbers >= 0, got [1.0, -1.0]"),
        (lambda: nnkit.CrossEntropyLoss(weight=2.0), ValueError,
         "expected weight with 1 dimension(s), shape (C,), got shape ()"),
    ],
)  # fmt: skip
def test_bad_weights_are_refused_with_a_clear_message(make, error, message):
    with pytest.raises(error) as info:
        make()
    assert message in str(info.value)


def test_weights_must_match_the_columns_of_the_predictions():
    bce = nnkit.BCEWithLogitsLoss(pos_weight=[1.0, 2.0])
    with pytest.raises(
        ValueError,
        match=r"pos_weight has 2 values, one per output "
        r"column, so y_pred must have shape \(N, 2\), got shape \(4, 3\)",
    ):
        bce(np.zeros((4, 3)), np.zeros((4, 3)))
    ce = nnkit.CrossEntropyLoss(weight=[1.0, 2.0])
    with pytest.raises(
        ValueError,
        match=r"weight has 2 values, one per class, but the "
        r"logits y_pred have 3 columns \(shape \(4, 3\)\)",
    ):
        ce(np.zeros((4, 3)), np.array([0, 1, 2, 0]))


def test_targets_only_of_zero_weight_classes_are_refused():
    loss = nnkit.CrossEntropyLoss(weight=[0.0, 1.0])
    with pytest.raises(ValueError, match="every target is of a class with weight 0"):
        loss(np.zeros((2, 2)), np.array([0, 0]))
