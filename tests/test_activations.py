"""Activations: gradients vs finite differences and torch.autograd, stability."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import nnkit

SHAPES = [(1, 1), (1, 7), (5, 3), (16, 10)]

# (nnkit module, the same function in torch)
ACTIVATIONS = [
    (nnkit.Identity, lambda z: z),
    (nnkit.Sigmoid, torch.sigmoid),
    (nnkit.Tanh, torch.tanh),
    (nnkit.ReLU, F.relu),
    (lambda: nnkit.LeakyReLU(0.01), lambda z: F.leaky_relu(z, 0.01)),
    (lambda: nnkit.LeakyReLU(0.2), lambda z: F.leaky_relu(z, 0.2)),
    (nnkit.Softmax, lambda z: F.softmax(z, dim=-1)),
]
IDS = ["identity", "sigmoid", "tanh", "relu", "leaky0.01", "leaky0.2", "softmax"]


def away_from_kinks(rng, shape):
    """Random inputs at least 0.1 away from 0, where ReLU-like kinks sit."""
    Z = rng.normal(size=shape)
    return np.where(np.abs(Z) < 0.1, Z + np.sign(Z + 1e-12) * 0.2, Z)


@pytest.mark.parametrize("make, _", ACTIVATIONS, ids=IDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_gradient_matches_finite_differences(make, _, shape, rng):
    errors = nnkit.gradcheck(make(), away_from_kinks(rng, shape), rng=rng)
    assert errors["max"] < 1e-6


@pytest.mark.parametrize("make, torch_fn", ACTIVATIONS, ids=IDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_forward_and_backward_match_torch(make, torch_fn, shape, rng):
    Z, dA = away_from_kinks(rng, shape), rng.normal(size=shape)
    layer = make()
    A = layer(Z)
    dZ = layer.backward(dA)

    Z_t = torch.tensor(Z, requires_grad=True)
    A_t = torch_fn(Z_t)
    A_t.backward(torch.tensor(dA))
    np.testing.assert_allclose(A, A_t.detach().numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(dZ, Z_t.grad.numpy(), rtol=0, atol=1e-10)


def test_step_forward_matches_heaviside_and_passes_no_gradient(rng):
    Z = np.array([[-2.0, -1e-9, 0.0, 1e-9, 3.0]])
    step = nnkit.Step()
    expected = torch.heaviside(
        torch.tensor(Z), torch.tensor(1.0, dtype=torch.float64)
    ).numpy()
    np.testing.assert_array_equal(step(Z), expected)
    np.testing.assert_array_equal(step.backward(np.ones_like(Z)), np.zeros_like(Z))


def test_step_gradient_is_the_finite_difference_away_from_zero(rng):
    errors = nnkit.gradcheck(nnkit.Step(), away_from_kinks(rng, (4, 3)), rng=rng)
    assert errors["max"] == 0.0


@pytest.mark.parametrize("make", [nnkit.Sigmoid, nnkit.Softmax, nnkit.Tanh])
def test_extreme_logits_give_finite_values_and_gradients(make):
    Z = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 1000.0, -1000.0]])
    layer = make()
    A = layer(Z)
    dZ = layer.backward(np.ones_like(Z))
    assert np.all(np.isfinite(A)) and np.all(np.isfinite(dZ))


def test_sigmoid_saturates_exactly_without_overflow_warning():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_array_equal(
            nnkit.sigmoid(np.array([-1000.0, 1000.0])), [0, 1]
        )


def test_softmax_rows_sum_to_one_even_for_huge_logits(rng):
    Z = rng.normal(size=(8, 5)) * 1e4
    np.testing.assert_allclose(nnkit.softmax(Z).sum(axis=-1), 1.0)


def test_activations_keep_float32():
    Z = np.ones((2, 3), dtype=np.float32)
    for make in (nnkit.Sigmoid, nnkit.Tanh, nnkit.ReLU, nnkit.LeakyReLU, nnkit.Softmax):
        assert make()(Z).dtype == np.float32, make


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"ReLU\(\): backward\(\) was called before"):
        nnkit.ReLU().backward(np.ones((2, 2)))


def test_backward_with_wrong_gradient_shape_is_a_clear_error():
    layer = nnkit.Tanh()
    layer(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"expected a gradient of the output's shape"):
        layer.backward(np.ones((3, 2)))


def test_nan_input_is_rejected_with_its_position():
    with pytest.raises(
        ValueError, match=r"Sigmoid\(\): Z contains NaN.*index \(1, 0\)"
    ):
        nnkit.Sigmoid()(np.array([[0.0], [np.nan]]))


def test_non_numeric_input_is_rejected():
    with pytest.raises(TypeError, match="must be a numeric array"):
        nnkit.ReLU()(np.array([["a", "b"]]))


def test_negative_leaky_slope_is_rejected():
    with pytest.raises(ValueError, match="negative_slope must be a finite number >= 0"):
        nnkit.LeakyReLU(negative_slope=-0.1)


def test_plain_functions_and_modules_agree(rng):
    Z = rng.normal(size=(4, 3))
    np.testing.assert_array_equal(nnkit.relu(Z), nnkit.ReLU()(Z))
    np.testing.assert_array_equal(nnkit.sigmoid(Z), nnkit.Sigmoid()(Z))
    np.testing.assert_array_equal(nnkit.softmax(Z), nnkit.Softmax()(Z))
    np.testing.assert_array_equal(nnkit.step(Z), nnkit.Step()(Z))
