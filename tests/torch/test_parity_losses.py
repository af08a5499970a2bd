"""Parity of losses.py: values and gradients of every loss agree, in float64
to 1e-10, between nnkit, nnkit.torch and torch.nn.functional with autograd."""

from functools import partial

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import nnkit
import nnkit.torch as nt

TOL = {"rtol": 0, "atol": 1e-10}


def arr(tensor):
    return tensor.detach().cpu().numpy()


def regression_data(rng):
    return rng.normal(size=(8, 3)), rng.normal(size=(8, 3))


def probability_data(rng):
    p = rng.uniform(0.01, 0.99, size=(8, 1))
    p[:3, 0] = [0.0, 1.0, 1.0]  # exactly 0 and 1: the clamped logs and gradients
    y = (rng.random((8, 1)) < 0.5).astype(float)
    y[:3, 0] = [0.0, 1.0, 0.0]
    return p, y


def logit_data(rng):
    z = rng.normal(size=(8, 1)) * 5
    z[0, 0] = 800.0  # exp(800) would overflow without the stable form
    return z, (rng.random((8, 1)) < 0.5).astype(float)


def label_data(rng):
    Z = rng.normal(size=(8, 4)) * 3
    Z[0] = [900.0, 0.0, -900.0, 1.0]
    return Z, rng.integers(0, 4, size=8)


def soft_label_data(rng):
    Z, _ = label_data(rng)
    return Z, nnkit.softmax(rng.normal(size=(8, 4)))


CLASS_WEIGHTS = np.array([0.5, 1.0, 4.0, 2.0])

# (nnkit loss, nnkit.torch loss, torch.nn.functional loss, data)
LOSSES = [
    (nnkit.MSELoss(), nt.MSELoss(), F.mse_loss, regression_data),
    (nnkit.L1Loss(), nt.L1Loss(), F.l1_loss, regression_data),
    (
        nnkit.HuberLoss(0.7),
        nt.HuberLoss(0.7),
        lambda a, b: F.huber_loss(a, b, delta=0.7),
        regression_data,
    ),
    (nnkit.BCELoss(), nt.BCELoss(), F.binary_cross_entropy, probability_data),
    (
        nnkit.BCEWithLogitsLoss(),
        nt.BCEWithLogitsLoss(),
        F.binary_cross_entropy_with_logits,
        logit_data,
    ),
    (nnkit.CrossEntropyLoss(), nt.CrossEntropyLoss(), F.cross_entropy, label_data),
    (
        nnkit.CrossEntropyLoss(),
        nt.CrossEntropyLoss(),
        F.cross_entropy,
        soft_label_data,
    ),
    (
        nnkit.BCEWithLogitsLoss(pos_weight=19.0),
        nt.BCEWithLogitsLoss(pos_weight=19.0),
        lambda z, y: F.binary_cross_entropy_with_logits(
            z, y, pos_weight=torch.tensor(19.0, device=z.device)
        ),
        logit_data,
    ),
    (
        nnkit.CrossEntropyLoss(weight=CLASS_WEIGHTS),
        nt.CrossEntropyLoss(weight=CLASS_WEIGHTS),
        lambda Z, y: F.cross_entropy(
            Z, y, weight=torch.as_tensor(CLASS_WEIGHTS, device=Z.device)
        ),
        label_data,
    ),
    (
        nnkit.CrossEntropyLoss(weight=CLASS_WEIGHTS),
        nt.CrossEntropyLoss(weight=CLASS_WEIGHTS),
        lambda Z, y: F.cross_entropy(
            Z, y, weight=torch.as_tensor(CLASS_WEIGHTS, device=Z.device)
        ),
        soft_label_data,
    ),
]


@pytest.mark.parametrize("reference, mirror, functional, data", LOSSES)
def test_loss_and_gradient_match_numpy_and_autograd(
    reference, mirror, functional, data, device, rng
):
    y_pred, y_true = data(rng)
    y_pred_t = torch.as_tensor(y_pred, device=device)
    y_true_t = torch.as_tensor(y_true, device=device)
    L_np = reference(y_pred, y_true)
    L = mirror(y_pred_t, y_true_t)
    leaf = y_pred_t.clone().requires_grad_(True)
    L_t = functional(leaf, y_true_t)
    L_t.backward()
    assert isinstance(L, float)
    assert L == pytest.approx(L_np, abs=1e-10)
    assert L == pytest.approx(L_t.item(), abs=1e-10)
    grad = mirror.backward()
    assert grad.device == device
    np.testing.assert_allclose(arr(grad), reference.backward(), **TOL)
    # rtol: where BCELoss clamps p * (1 - p) at 1e-12, gradients are ~1e11 and
    # torch's own arithmetic differs from the formula in the 9th digit.
    np.testing.assert_allclose(arr(grad), arr(leaf.grad), rtol=1e-8, atol=1e-10)


# Soft targets against logits of +-900 are too steep for finite differences.
@pytest.mark.parametrize(
    "reference, mirror, functional, data",
    [case for case in LOSSES if case[3] is not soft_label_data],
)
def test_loss_gradient_matches_finite_differences(reference, mirror, functional, data):
    y_pred, y_true = data(np.random.default_rng(1))
    if data is probability_data:  # away from the clamps at 0 and 1
        y_pred = np.clip(y_pred, 0.05, 0.95)
    if data is logit_data:
        y_pred = np.clip(y_pred, -5, 5)
    assert nt.gradcheck_loss(mirror, y_pred, y_true) < 1e-7


def test_targets_may_be_numpy_arrays_and_are_moved_to_the_prediction_device(device):
    loss = nt.MSELoss()
    value = loss(torch.zeros((2, 1), device=device), np.ones((2, 1)))
    assert value == 1.0
    assert loss.backward().device == device


def message(error_type, f):
    with pytest.raises(error_type) as info:
        f()
    return str(info.value)


ZEROS = np.zeros((64, 1))
MISTAKES = [
    (ValueError, nnkit.MSELoss(), nt.MSELoss(), ZEROS, np.zeros(64)),
    (ValueError, nnkit.L1Loss(), nt.L1Loss(), np.zeros((2, 3)), np.zeros((3, 2))),
    (ValueError, nnkit.BCELoss(), nt.BCELoss(), np.full((2, 1), 2.0), np.ones((2, 1))),
    (ValueError, nnkit.BCELoss(), nt.BCELoss(), np.ones((2, 1)), np.full((2, 1), -1.0)),
    (
        ValueError,
        nnkit.CrossEntropyLoss(),
        nt.CrossEntropyLoss(),
        np.zeros((3, 4)),
        np.array([0, 1, 4]),
    ),
    (
        ValueError,
        nnkit.CrossEntropyLoss(),
        nt.CrossEntropyLoss(),
        np.zeros((3, 4)),
        np.array([0, 1]),
    ),
    (ValueError, nnkit.CrossEntropyLoss(), nt.CrossEntropyLoss(), np.zeros(3), [0]),
    (ValueError, nnkit.MSELoss(), nt.MSELoss(), np.zeros(0), np.zeros(0)),
    (
        ValueError,
        nnkit.BCEWithLogitsLoss(pos_weight=[1.0, 2.0]),
        nt.BCEWithLogitsLoss(pos_weight=[1.0, 2.0]),
        np.zeros((3, 4)),
        np.zeros((3, 4)),
    ),
    (
        ValueError,
        nnkit.CrossEntropyLoss(weight=[1.0, 2.0]),
        nt.CrossEntropyLoss(weight=[1.0, 2.0]),
        np.zeros((3, 4)),
        np.array([0, 1, 2]),
    ),
    (
        ValueError,
        nnkit.CrossEntropyLoss(weight=[0.0, 2.0]),
        nt.CrossEntropyLoss(weight=[0.0, 2.0]),
        np.zeros((3, 2)),
        np.array([0, 0, 0]),
    ),
]


@pytest.mark.parametrize("error_type, reference, mirror, y_pred, y_true", MISTAKES)
def test_the_same_mistake_gives_the_same_message(
    error_type, reference, mirror, y_pred, y_true
):
    ours = message(error_type, lambda: mirror(torch.as_tensor(y_pred), y_true))
    assert ours == message(error_type, lambda: reference(y_pred, y_true))


def test_backward_before_forward_and_bad_delta_read_as_in_numpy():
    for numpy_loss, torch_loss in [(nnkit.MSELoss(), nt.MSELoss())]:
        expected = message(RuntimeError, numpy_loss.backward)
        assert message(RuntimeError, torch_loss.backward) == expected
    expected = message(ValueError, lambda: nnkit.HuberLoss(delta=0))
    assert message(ValueError, lambda: nt.HuberLoss(delta=0)) == expected
    for bad in (-1.0, [[1.0]]):
        expected = message(ValueError, partial(nnkit.BCEWithLogitsLoss, bad))
        assert message(ValueError, partial(nt.BCEWithLogitsLoss, bad)) == expected
    expected = message(ValueError, lambda: nnkit.CrossEntropyLoss(weight=[-1.0, 1]))
    assert (
        message(ValueError, lambda: nt.CrossEntropyLoss(weight=[-1.0, 1])) == expected
    )


def test_weights_may_be_tensors_on_the_cpu_for_data_on_any_device(device):
    loss = nt.CrossEntropyLoss(weight=torch.tensor([1.0, 3.0]))
    value = loss(
        torch.zeros((2, 2), device=device), torch.tensor([0, 1], device=device)
    )
    assert value == pytest.approx(np.log(2))
    assert loss.backward().device == device


def test_float_labels_are_refused_with_a_torch_hint():
    with pytest.raises(TypeError, match=r"got dtype torch.float64. Use y.long\(\)"):
        nt.CrossEntropyLoss()(torch.zeros((2, 3)), np.array([0.0, 1.0]))


@pytest.mark.parametrize(
    "loss, y_pred, y_true",
    [
        (nt.BCELoss(), [0.0, 1.0], [0.0, 1.0]),
        (nt.CrossEntropyLoss(), [[1000.0, 0.0], [0.0, 1000.0]], [0, 1]),
    ],
)
def test_perfect_predictions_give_plus_zero_as_in_numpy(loss, y_pred, y_true):
    value = loss(torch.tensor(y_pred), y_true)
    assert value == 0.0 and str(value) == "0.0"
