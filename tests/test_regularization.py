"""Tests for nnkit/regularization.py: Dropout, BatchNorm1d, L2Penalty, L1Penalty.

Gradients are checked against centred differences in float64 and against
torch.autograd; BatchNorm1d's running statistics against torch.nn.BatchNorm1d.
"""

import numpy as np
import pytest

from nnkit import Linear, MSELoss, ReLU, Sequential
from nnkit.gradcheck import gradcheck, numerical_gradient, relative_error
from nnkit.module import Parameter
from nnkit.regularization import BatchNorm1d, Dropout, L1Penalty, L2Penalty

# ---------------------------------------------------------------- Dropout


def test_dropout_keeps_about_1_minus_p_and_scales_kept_values():
    p = 0.3
    A = Dropout(p, rng=np.random.default_rng(0))(np.ones((200, 500)))
    kept = A != 0
    assert kept.mean() == pytest.approx(1 - p, abs=0.01)
    np.testing.assert_allclose(A[kept], 1 / (1 - p))


def test_dropout_mask_is_drawn_from_the_given_rng():
    p, shape = 0.4, (5, 7)
    A = Dropout(p, rng=np.random.default_rng(3))(np.ones(shape))
    expected = (np.random.default_rng(3).random(shape) >= p) / (1 - p)
    np.testing.assert_array_equal(A, expected)


def test_dropout_preserves_the_mean_activation():
    X = np.random.default_rng(1).uniform(1.0, 3.0, size=(1000, 1000))
    A = Dropout(0.5, rng=np.random.default_rng(2))(X)
    assert A.mean() == pytest.approx(X.mean(), abs=0.01)


def test_dropout_draws_a_new_mask_for_every_batch():
    drop = Dropout(0.5, rng=np.random.default_rng(0))
    X = np.ones((4, 50))
    assert not np.array_equal(drop(X), drop(X))


def test_dropout_eval_is_identity():
    X = np.random.default_rng(0).normal(size=(8, 5))
    dA = np.random.default_rng(1).normal(size=(8, 5))
    drop = Dropout(0.5, rng=np.random.default_rng(0)).eval()
    np.testing.assert_array_equal(drop(X), X)
    np.testing.assert_array_equal(drop.backward(dA), dA)


def test_dropout_p_zero_is_identity_in_training():
    X = np.random.default_rng(0).normal(size=(8, 5))
    drop = Dropout(0.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(drop(X), X)
    np.testing.assert_array_equal(drop.backward(X), X)


def test_dropout_backward_uses_the_forward_mask():
    rng = np.random.default_rng(0)
    p = 0.25
    X, dA = rng.uniform(1.0, 2.0, size=(6, 5)), rng.normal(size=(6, 5))
    drop = Dropout(p, rng=np.random.default_rng(7))
    kept = drop(X) != 0  # X has no zeros, so A == 0 exactly where a unit was dropped
    dX = drop.backward(dA)
    np.testing.assert_allclose(dX, dA * kept / (1 - p), rtol=1e-15)

    def objective():  # a fresh Dropout with the same seed draws the same mask
        return float(np.sum(Dropout(p, rng=np.random.default_rng(7))(X) * dA))

    assert relative_error(dX, numerical_gradient(objective, X)) < 1e-8


def test_dropout_keeps_float32():
    A = Dropout(0.5, rng=np.random.default_rng(0))(np.ones((2, 3), dtype=np.float32))
    assert A.dtype == np.float32


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan"), "0.5", True])
def test_dropout_bad_p(p):
    message = r"Dropout: p must be a number in \[0, 1\)"
    with pytest.raises(ValueError, match=message):
        Dropout(p)


def test_dropout_backward_errors():
    drop = Dropout(0.5)
    with pytest.raises(RuntimeError, match="before forward"):
        drop.backward(np.ones((2, 3)))
    drop(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"shape \(2, 3\), got shape \(3, 2\)"):
        drop.backward(np.ones((3, 2)))


# ------------------------------------------------------------ BatchNorm1d


def make_batchnorm(D=4, seed=0):
    """A BatchNorm1d with non-trivial gamma and beta (ones and zeros hide bugs)."""
    rng = np.random.default_rng(seed)
    bn = BatchNorm1d(D)
    bn.weight.data[:] = rng.uniform(0.5, 2.0, size=D)
    bn.bias.data[:] = rng.normal(size=D)
    return bn


def test_batchnorm_gradcheck_training():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=1.0, scale=3.0, size=(6, 4))
    dA = rng.normal(size=(6, 4))  # non-uniform: a constant dA has dX = 0 exactly
    errors = gradcheck(make_batchnorm(), X, dA=dA)
    assert errors["max"] < 1e-7, errors


def test_batchnorm_gradcheck_eval():
    rng = np.random.default_rng(1)
    bn = make_batchnorm()
    bn.running_mean[:] = rng.normal(size=4)
    bn.running_var[:] = rng.uniform(0.5, 2.0, size=4)
    errors = gradcheck(bn.eval(), rng.normal(size=(6, 4)), dA=rng.normal(size=(6, 4)))
    assert errors["max"] < 1e-7, errors


def test_batchnorm_matches_torch_in_training_and_eval():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    N, D = 8, 5
    bn = make_batchnorm(D)
    tbn = torch.nn.BatchNorm1d(D, momentum=0.1, eps=1e-5, dtype=torch.float64)
    with torch.no_grad():
        tbn.weight.copy_(torch.from_numpy(bn.weight.data))
        tbn.bias.copy_(torch.from_numpy(bn.bias.data))

    def check_step(X, dA):
        bn.zero_grad()
        tbn.zero_grad()
        A = bn(X)
        dX = bn.backward(dA)
        Xt = torch.tensor(X, requires_grad=True)
        At = tbn(Xt)
        At.backward(torch.from_numpy(dA))
        tol = dict(rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(A, At.detach().numpy(), **tol)
        np.testing.assert_allclose(dX, Xt.grad.numpy(), **tol)
        np.testing.assert_allclose(bn.weight.grad, tbn.weight.grad.numpy(), **tol)
        np.testing.assert_allclose(bn.bias.grad, tbn.bias.grad.numpy(), **tol)
        np.testing.assert_allclose(bn.running_mean, tbn.running_mean.numpy(), **tol)
        np.testing.assert_allclose(bn.running_var, tbn.running_var.numpy(), **tol)

    for _ in range(4):
        X = rng.normal(loc=2.0, scale=3.0, size=(N, D))
        check_step(X, rng.normal(size=(N, D)))
    bn.eval()
    tbn.eval()
    for batch in (N, 1):
        check_step(rng.normal(size=(batch, D)), rng.normal(size=(batch, D)))


def test_batchnorm_running_stats_use_the_unbiased_variance():
    X = np.random.default_rng(0).normal(size=(5, 3))
    bn = BatchNorm1d(3, momentum=0.2)
    bn(X)
    np.testing.assert_allclose(bn.running_mean, 0.8 * 0 + 0.2 * X.mean(axis=0))
    np.testing.assert_allclose(bn.running_var, 0.8 * 1 + 0.2 * X.var(axis=0, ddof=1))


def test_batchnorm_training_output_is_normalized_per_feature():
    X = np.random.default_rng(0).normal(loc=5.0, scale=4.0, size=(64, 3))
    A = BatchNorm1d(3)(X)
    np.testing.assert_allclose(A.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(A.var(axis=0), 1, atol=1e-5)  # eps shrinks it a little


def test_batchnorm_eval_uses_running_stats():
    rng = np.random.default_rng(0)
    bn = make_batchnorm(3)
    bn.running_mean[:] = [1.0, -2.0, 0.5]
    bn.running_var[:] = [4.0, 0.25, 1.0]
    bn.eval()
    X = rng.normal(size=(6, 3))
    expected = (X - bn.running_mean) / np.sqrt(bn.running_var + bn.eps)
    A = bn(X)
    np.testing.assert_allclose(A, bn.weight.data * expected + bn.bias.data)
    np.testing.assert_allclose(bn(X[:1]), A[:1])  # independent of the rest of the batch
    np.testing.assert_array_equal(bn.running_mean, [1.0, -2.0, 0.5])  # not updated


def test_batchnorm_backward_follows_the_mode_of_forward():
    rng = np.random.default_rng(0)
    X, dA = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    bn = make_batchnorm()
    bn(X)
    expected = bn.backward(dA)
    bn(X)
    bn.eval()  # switching mode between forward and backward changes nothing
    np.testing.assert_allclose(bn.backward(dA), expected)


def test_batchnorm_parameters_and_sizes():
    bn = BatchNorm1d(4)
    assert list(bn.parameters()) == [bn.weight, bn.bias]
    np.testing.assert_array_equal(bn.weight.data, np.ones(4))
    np.testing.assert_array_equal(bn.bias.data, np.zeros(4))
    assert bn.in_features == bn.out_features == 4
    rng = np.random.default_rng(0)
    Sequential(Linear(3, 4, rng=rng), BatchNorm1d(4), ReLU())
    with pytest.raises(ValueError, match="expects 5 input features"):
        Sequential(Linear(3, 4, rng=rng), BatchNorm1d(5))


def test_batchnorm_keeps_its_dtype():
    bn = BatchNorm1d(2, dtype=np.float32)
    assert bn(np.ones((3, 2))).dtype == np.float32
    assert bn.running_var.dtype == np.float32


def test_batchnorm_wrong_feature_count():
    bn = BatchNorm1d(4)
    message = r"expected X with 4 features \(shape \(N, 4\)\), got shape \(32, 5\)"
    with pytest.raises(ValueError, match=message):
        bn(np.ones((32, 5)))
    with pytest.raises(ValueError, match=r"2 dimension\(s\)"):
        bn(np.ones(4))


def test_batchnorm_single_sample_in_training():
    bn = BatchNorm1d(3)
    with pytest.raises(ValueError, match="expected more than 1 value per channel"):
        bn(np.ones((1, 3)))
    assert bn.eval()(np.ones((1, 3))).shape == (1, 3)  # fine with running stats


def test_batchnorm_backward_errors():
    bn = BatchNorm1d(3)
    with pytest.raises(RuntimeError, match="before forward"):
        bn.backward(np.ones((2, 3)))
    bn(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"got shape \(2, 4\)"):
        bn.backward(np.ones((2, 4)))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(num_features=0), "num_features"),
        (dict(num_features=3, momentum=1.5), "momentum"),
        (dict(num_features=3, eps=0.0), "eps"),
    ],
)
def test_batchnorm_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"BatchNorm1d: {name}"):
        BatchNorm1d(**kwargs)


# -------------------------------------------------------------- Penalties


def weight_and_bias():
    return Parameter(np.array([[1.0, -2.0], [3.0, 0.0]])), Parameter(np.array([5.0]))


def test_penalty_values_by_hand():
    W, b = weight_and_bias()
    assert L2Penalty(0.1)([W, b]) == pytest.approx(0.1 / 2 * (1 + 4 + 9))
    assert L1Penalty(0.1)([W, b]) == pytest.approx(0.1 * (1 + 2 + 3))
    assert L2Penalty(0.0)([W, b]) == 0.0
    assert isinstance(L2Penalty(0.1)([W, b]), float)


def test_penalty_gradients_by_hand():
    W, b = weight_and_bias()
    L2Penalty(0.1).backward([W, b])
    np.testing.assert_allclose(W.grad, 0.1 * W.data)
    W.zero_grad()
    L1Penalty(0.1).backward([W, b])
    np.testing.assert_allclose(W.grad, [[0.1, -0.1], [0.1, 0.0]])  # sign(0) = 0
    np.testing.assert_array_equal(b.grad, [0.0])


@pytest.mark.parametrize("penalty", [L2Penalty(0.3), L1Penalty(0.3)], ids=repr)
def test_penalty_gradient_vs_finite_differences(penalty):
    W = Parameter(np.random.default_rng(0).normal(size=(4, 3)))  # no zeros: L1's kink
    penalty.backward([W])
    numeric = numerical_gradient(lambda: penalty([W]), W.data)
    assert relative_error(W.grad, numeric) < 1e-8


@pytest.mark.parametrize("Penalty", [L2Penalty, L1Penalty])
def test_penalty_skips_biases_by_default(Penalty):
    rng = np.random.default_rng(0)
    model = Sequential(Linear(3, 4, rng=rng), ReLU(), Linear(4, 2, rng=rng))
    for layer in (model[0], model[2]):
        layer.bias.data[:] = rng.normal(size=layer.bias.data.shape)
    weights = [model[0].weight, model[2].weight]
    assert Penalty(0.1)(model.parameters()) == pytest.approx(Penalty(0.1)(weights))
    Penalty(0.1).backward(model.parameters())
    for layer in (model[0], model[2]):
        np.testing.assert_array_equal(layer.bias.grad, 0.0)
        assert np.any(layer.weight.grad != 0)
    everything = Penalty(0.1, weights_only=False)(model.parameters())
    assert everything > Penalty(0.1)(model.parameters())


def test_penalty_gradients_accumulate():
    W, _ = weight_and_bias()
    W.grad[:] = 1.0
    L2Penalty(0.5).backward([W])
    np.testing.assert_allclose(W.grad, 1.0 + 0.5 * W.data)


def test_l2_gradient_is_sgd_weight_decay_term():
    torch = pytest.importorskip("torch")
    lam, W = 0.01, Parameter(np.random.default_rng(0).normal(size=(3, 2)))
    W_torch = torch.tensor(W.data, requires_grad=True)
    W_torch.grad = torch.zeros_like(W_torch)  # no loss gradient: only the decay acts
    torch.optim.SGD([W_torch], lr=1.0, weight_decay=lam).step()
    added = W.data - W_torch.detach().numpy()  # lr * (grad + lam * W) with lr=1
    L2Penalty(lam).backward([W])
    np.testing.assert_allclose(W.grad, added, rtol=1e-12)


def test_l2_penalty_step_equals_nnkit_sgd_weight_decay_step():
    from nnkit.optim import SGD

    lam, data = 0.01, np.random.default_rng(0).normal(size=(3, 2))
    W_penalty, W_decay = Parameter(data.copy()), Parameter(data.copy())
    L2Penalty(lam).backward([W_penalty])
    SGD([W_penalty], lr=0.5).step()
    SGD([W_decay], lr=0.5, weight_decay=lam).step()
    np.testing.assert_allclose(W_penalty.data, W_decay.data, rtol=1e-15)


def test_penalty_adds_to_the_loss_and_its_gradient():
    rng = np.random.default_rng(0)
    layer, loss_fn, penalty = Linear(3, 2, rng=rng), MSELoss(), L2Penalty(0.2)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))

    def total_loss():
        return loss_fn(layer(X), y) + penalty(layer.parameters())

    total_loss()
    layer.backward(loss_fn.backward())
    penalty.backward(layer.parameters())
    numeric = numerical_gradient(total_loss, layer.weight.data)
    assert relative_error(layer.weight.grad, numeric) < 1e-8


def test_penalty_errors():
    with pytest.raises(ValueError, match="L2Penalty: lam must be a finite number >= 0"):
        L2Penalty(-1.0)
    with pytest.raises(TypeError, match=r"L1Penalty\(lam=0.1\): expected Parameters"):
        L1Penalty(0.1)([np.ones((2, 2))])
