"""Parity of regularization.py: Dropout masks, BatchNorm1d (outputs, gradients
and running statistics) and the L1/L2 penalties agree, in float64 to 1e-10,
with nnkit and with torch (autograd, torch.nn.BatchNorm1d)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import nnkit
import nnkit.torch as nt

TOL = {"rtol": 0, "atol": 1e-10}


def arr(tensor):
    return tensor.detach().cpu().numpy()


def test_dropout_draws_the_numpy_masks_from_the_same_rng(device, rng):
    reference = nnkit.Dropout(0.3, rng=np.random.default_rng(7))
    mirror = nt.Dropout(0.3, rng=np.random.default_rng(7))
    for _ in range(3):  # a new mask for every batch, the same in both
        X, dA = rng.normal(size=(6, 9)), rng.normal(size=(6, 9))
        A = mirror(torch.as_tensor(X, device=device))
        dX = mirror.backward(torch.as_tensor(dA, device=device))
        assert A.device == device
        np.testing.assert_array_equal(arr(A), reference(X))
        np.testing.assert_array_equal(arr(dX), reference.backward(dA))
    mirror.eval()
    X = torch.as_tensor(rng.normal(size=(6, 9)), device=device)
    assert torch.equal(mirror(X), X)


def test_dropout_backward_is_autograd_of_the_masked_product(rng):
    drop = nt.Dropout(0.5, rng=rng)
    X = torch.as_tensor(rng.normal(size=(4, 5)))
    dA = torch.as_tensor(rng.normal(size=(4, 5)))
    drop(X)
    leaf = X.clone().requires_grad_(True)
    (leaf * drop.mask).backward(dA)
    torch.testing.assert_close(drop.backward(dA), leaf.grad, rtol=0, atol=1e-10)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_matches_numpy_and_autograd(training, device, rng):
    reference = nnkit.BatchNorm1d(4, momentum=0.2)
    mirror = nt.BatchNorm1d(4, momentum=0.2, device=device)
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    reference.weight.data[:], reference.bias.data[:] = gamma, beta
    mirror.weight.data.copy_(torch.as_tensor(gamma))
    mirror.bias.data.copy_(torch.as_tensor(beta))
    for _ in range(3):  # some running statistics for the evaluation case
        X = rng.normal(loc=2.0, scale=3.0, size=(8, 4))
        reference(X), mirror(torch.as_tensor(X, device=device))
    reference.train(training), mirror.train(training)
    X, dA = rng.normal(size=(8, 4)) * 2, rng.normal(size=(8, 4))
    running = [mirror.running_mean.clone(), mirror.running_var.clone()]
    A_np, dX_np = reference(X), reference.backward(dA)
    A = mirror(torch.as_tensor(X, device=device))
    dX = mirror.backward(torch.as_tensor(dA, device=device))

    leaves = [torch.as_tensor(v, device=device) for v in (X, gamma, beta)]
    leaves = [leaf.requires_grad_(True) for leaf in leaves]
    A_t = F.batch_norm(leaves[0], *running, leaves[1], leaves[2], training, 0.2, 1e-5)
    A_t.backward(torch.as_tensor(dA, device=device))
    pairs = [
        (A, A_np, A_t),
        (dX, dX_np, leaves[0].grad),
        (mirror.weight.grad, reference.weight.grad, leaves[1].grad),
        (mirror.bias.grad, reference.bias.grad, leaves[2].grad),
    ]
    for ours, numpy_value, torch_value in pairs:
        np.testing.assert_allclose(arr(ours), numpy_value, **TOL)
        np.testing.assert_allclose(arr(ours), arr(torch_value), **TOL)
    np.testing.assert_allclose(arr(mirror.running_var), reference.running_var, **TOL)
    np.testing.assert_allclose(arr(mirror.running_var), arr(running[1]), **TOL)


def test_batchnorm_running_statistics_match_numpy_and_torch_nn(device, rng):
    reference = nnkit.BatchNorm1d(3, momentum=0.3)
    mirror = nt.BatchNorm1d(3, momentum=0.3, device=device)
    oracle = torch.nn.BatchNorm1d(3, momentum=0.3, device=device, dtype=torch.float64)
    for _ in range(4):
        X = rng.normal(loc=5.0, scale=2.0, size=(10, 3))
        reference(X)
        mirror(torch.as_tensor(X, device=device))
        oracle(torch.as_tensor(X, device=device))
    for ours, theirs, torch_value in [
        (mirror.running_mean, reference.running_mean, oracle.running_mean),
        (mirror.running_var, reference.running_var, oracle.running_var),
    ]:
        assert ours.device == device
        np.testing.assert_allclose(arr(ours), theirs, **TOL)
        np.testing.assert_allclose(arr(ours), arr(torch_value), **TOL)


@pytest.mark.parametrize("weights_only", [True, False])
@pytest.mark.parametrize(
    "numpy_cls, torch_cls, penalty",
    [
        (nnkit.L2Penalty, nt.L2Penalty, lambda W: 0.3 / 2 * (W**2).sum()),
        (nnkit.L1Penalty, nt.L1Penalty, lambda W: 0.3 * W.abs().sum()),
    ],
)
def test_penalties_match_numpy_and_autograd(
    numpy_cls, torch_cls, penalty, weights_only, rng
):
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=4)]
    arrays[0][0, 0] = 0.0  # L1's kink: gradient 0, as torch's sign
    reference = [nnkit.Parameter(a.copy()) for a in arrays]
    mirror = [nt.Parameter(a.copy()) for a in arrays]
    leaves = [torch.as_tensor(a).requires_grad_(True) for a in arrays]
    chosen = leaves if not weights_only else leaves[:1]
    expected = sum(penalty(W) for W in chosen)
    expected.backward()
    value = torch_cls(0.3, weights_only=weights_only)(mirror)
    assert value == pytest.approx(numpy_cls(0.3, weights_only=weights_only)(reference))
    assert value == pytest.approx(expected.item())
    numpy_cls(0.3, weights_only=weights_only).backward(reference)
    torch_cls(0.3, weights_only=weights_only).backward(mirror)
    for ours, theirs, leaf in zip(mirror, reference, leaves, strict=True):
        torch_grad = leaf.grad if leaf.grad is not None else torch.zeros_like(leaf)
        np.testing.assert_allclose(arr(ours.grad), theirs.grad, **TOL)
        np.testing.assert_allclose(arr(ours.grad), arr(torch_grad), **TOL)


def message(error_type, f):
    with pytest.raises(error_type) as info:
        f()
    return str(info.value)


@pytest.mark.parametrize(
    "error_type, mistake",
    [
        (ValueError, lambda pkg: pkg.Dropout(1.0)),
        (ValueError, lambda pkg: pkg.BatchNorm1d(3, momentum=1.5)),
        (ValueError, lambda pkg: pkg.BatchNorm1d(3)(np.ones((1, 3)))),
        (ValueError, lambda pkg: pkg.BatchNorm1d(3)(np.ones((4, 2)))),
        (RuntimeError, lambda pkg: pkg.Dropout(0.5).backward(np.ones(2))),
        (TypeError, lambda pkg: pkg.L2Penalty(0.1)([np.ones((2, 2))])),
        (ValueError, lambda pkg: pkg.L1Penalty(-1.0)),
    ],
)
def test_the_same_mistake_gives_the_same_message(error_type, mistake):
    expected = message(error_type, lambda: mistake(nnkit))
    assert message(error_type, lambda: mistake(nt)) == expected
