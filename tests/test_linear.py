"""Linear: gradients vs finite differences and torch, shapes, dtype, errors."""

import numpy as np
import pytest
import torch

import nnkit


@pytest.mark.parametrize(
    "N, D_in, D_out", [(1, 1, 1), (1, 4, 3), (7, 5, 2), (32, 10, 6)]
)
@pytest.mark.parametrize("bias", [True, False])
def test_gradients_match_finite_differences(N, D_in, D_out, bias, rng):
    layer = nnkit.Linear(D_in, D_out, bias=bias, rng=rng)
    errors = nnkit.gradcheck(layer, rng.normal(size=(N, D_in)), rng=rng)
    assert errors["max"] < 1e-6
    assert len(errors) == (4 if bias else 3)  # X, W, (b), max


@pytest.mark.parametrize("N, D_in, D_out", [(1, 3, 2), (9, 4, 5)])
def test_forward_and_gradients_match_torch(N, D_in, D_out, rng):
    layer = nnkit.Linear(D_in, D_out, rng=rng)
    layer.bias.data[:] = rng.normal(size=D_out)
    X, dZ = rng.normal(size=(N, D_in)), rng.normal(size=(N, D_out))
    Z = layer(X)
    dX = layer.backward(dZ)

    X_t = torch.tensor(X, requires_grad=True)
    W_t = torch.tensor(layer.weight.data, requires_grad=True)
    b_t = torch.tensor(layer.bias.data, requires_grad=True)
    # torch.nn.functional.linear stores W as (D_out, D_in): nnkit keeps the
    # book's (D_in, D_out) layout, so the transpose appears here.
    Z_t = torch.nn.functional.linear(X_t, W_t.T, b_t)
    Z_t.backward(torch.tensor(dZ))
    for ours, theirs in [
        (Z, Z_t),
        (dX, X_t.grad),
        (layer.weight.grad, W_t.grad),
        (layer.bias.grad, b_t.grad),
    ]:
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=0, atol=1e-10)


def test_parameter_shapes_follow_the_book_layout(rng):
    layer = nnkit.Linear(4, 3, rng=rng)
    assert layer.weight.data.shape == (4, 3)
    assert layer.bias.data.shape == (3,)
    np.testing.assert_array_equal(layer.bias.data, 0)


def test_gradients_accumulate_until_zero_grad(rng):
    layer = nnkit.Linear(3, 2, rng=rng)
    X, dZ = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    layer(X)
    layer.backward(dZ)
    once = layer.weight.grad.copy()
    layer(X)
    layer.backward(dZ)
    np.testing.assert_allclose(layer.weight.grad, 2 * once)
    layer.zero_grad()
    np.testing.assert_array_equal(layer.weight.grad, 0)


def test_same_rng_seed_gives_the_same_weights():
    a = nnkit.Linear(5, 4, rng=np.random.default_rng(1))
    b = nnkit.Linear(5, 4, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)


def test_custom_initialiser_is_used(rng):
    layer = nnkit.Linear(3, 2, init=nnkit.init.zeros, rng=rng)
    np.testing.assert_array_equal(layer.weight.data, 0)


def test_float32_layer_stays_float32_for_float64_input(rng):
    layer = nnkit.Linear(3, 2, rng=rng, dtype=np.float32)
    Z = layer(rng.normal(size=(4, 3)))
    assert layer.weight.data.dtype == np.float32 and Z.dtype == np.float32
    layer.backward(np.ones((4, 2), dtype=np.float32))
    assert layer.weight.grad.dtype == np.float32


def test_integer_input_is_converted(rng):
    layer = nnkit.Linear(2, 1, rng=rng)
    np.testing.assert_allclose(layer(np.array([[1, 0]])), layer.weight.data[[0]])


def test_wrong_feature_count_names_layer_expected_and_received(rng):
    message = (
        r"Linear\(in_features=4, out_features=3, bias=True\) expected X with 4 "
        r"features \(shape \(N, 4\)\), got shape \(32, 5\)\."
    )
    with pytest.raises(ValueError, match=message):
        nnkit.Linear(4, 3, rng=rng)(np.zeros((32, 5)))


def test_one_dimensional_input_is_refused(rng):
    with pytest.raises(
        ValueError,
        match=r"expected X with 2 dimension\(s\), shape "
        r"\(N, 4\), got shape \(4,\)",
    ):
        nnkit.Linear(4, 3, rng=rng)(np.zeros(4))


def test_infinite_input_is_refused(rng):
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        nnkit.Linear(2, 1, rng=rng)(np.array([[1.0, np.inf]]))


def test_backward_before_forward_is_a_clear_error(rng):
    with pytest.raises(RuntimeError, match=r"backward\(\) was called before forward"):
        nnkit.Linear(2, 1, rng=rng).backward(np.ones((3, 1)))


def test_backward_with_wrong_gradient_shape_is_a_clear_error(rng):
    layer = nnkit.Linear(2, 3, rng=rng)
    layer(np.ones((4, 2)))
    with pytest.raises(
        ValueError, match=r"output's shape \(4, 3\), got shape \(4, 2\)"
    ):
        layer.backward(np.ones((4, 2)))


@pytest.mark.parametrize("bad", [0, -3, 2.5, "3", True])
def test_invalid_sizes_are_refused(bad):
    with pytest.raises(
        ValueError, match="Linear: in_features must be a positive integer"
    ):
        nnkit.Linear(bad, 2)


def test_backward_parameters_skips_dX_and_keeps_the_parameter_gradients(rng):
    X, dZ = rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
    full = nnkit.Linear(4, 3, rng=np.random.default_rng(0))
    first = nnkit.Linear(4, 3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(first(X), full(X))
    assert first.backward_parameters(dZ) is None
    assert full.backward(dZ).shape == X.shape
    np.testing.assert_array_equal(first.weight.grad, full.weight.grad)
    np.testing.assert_array_equal(first.bias.grad, full.bias.grad)


def test_backward_parameters_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="before forward"):
        nnkit.Linear(2, 3).backward_parameters(np.zeros((1, 3)))
