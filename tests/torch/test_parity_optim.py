"""Parity of optim.py and init.py: five optimiser steps of the same network
give the same weights, in float64 to 1e-10, in nnkit, nnkit.torch and
torch.optim driven by autograd; initialisers draw the same weights."""

import numpy as np
import pytest
import torch

import nnkit
import nnkit.torch as nt

TOL = {"rtol": 0, "atol": 1e-10}
STEPS = 5


def arr(tensor):
    return tensor.detach().cpu().numpy()


# (optimiser name, keyword arguments), the same for all three packages.
CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "weight_decay": 0.1}),
]


@pytest.mark.parametrize("name, kwargs", CONFIGS)
def test_five_steps_agree_with_numpy_and_torch_optim(name, kwargs, device):
    rng = np.random.default_rng(0)
    reference = nnkit.Sequential(
        nnkit.Linear(3, 6, rng=rng), nnkit.Tanh(), nnkit.Linear(6, 2, rng=rng)
    )
    mirror = nt.from_numpy(reference, device=device)
    oracle = nt.to_torch_nn(mirror)
    optimizers = [
        getattr(nnkit, name)(reference.parameters(), **kwargs),
        getattr(nt, name)(mirror.parameters(), **kwargs),
        getattr(torch.optim, name)(oracle.parameters(), **kwargs),
    ]
    loss_np, loss_nt = nnkit.MSELoss(), nt.MSELoss()
    for _ in range(STEPS):
        X, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
        X_t, y_t = torch.as_tensor(X, device=device), torch.as_tensor(y, device=device)
        for optimizer in optimizers:
            optimizer.zero_grad()
        loss_np(reference(X), y)
        reference.backward(loss_np.backward())
        loss_nt(mirror(X_t), y_t)
        mirror.backward(loss_nt.backward())
        torch.nn.functional.mse_loss(oracle(X_t), y_t).backward()
        for optimizer in optimizers:
            optimizer.step()
        torch_weights = [oracle[0].weight.T, oracle[0].bias, oracle[2].weight.T]
        torch_weights.append(oracle[2].bias)
        pairs = zip(
            mirror.parameters(), reference.parameters(), torch_weights, strict=True
        )
        for ours, theirs, torch_weight in pairs:
            np.testing.assert_allclose(arr(ours.data), theirs.data, **TOL)
            np.testing.assert_allclose(arr(ours.data), arr(torch_weight), **TOL)


def test_clip_grad_norm_matches_numpy_and_torch(device, rng):
    grads = [rng.normal(size=(4, 3)) * 5, rng.normal(size=3)]
    reference = [nnkit.Parameter(np.zeros_like(g)) for g in grads]
    mirror = [nt.Parameter(np.zeros_like(g), device=device) for g in grads]
    oracle = [
        torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads
    ]
    for g, p_np, p_nt, p_t in zip(grads, reference, mirror, oracle, strict=True):
        p_np.grad[...] = g
        p_nt.grad.copy_(torch.as_tensor(g))
        p_t.grad = torch.as_tensor(g)
    total = nt.clip_grad_norm(mirror, max_norm=1.0)
    assert total == pytest.approx(nnkit.clip_grad_norm(reference, max_norm=1.0))
    assert total == pytest.approx(float(torch.nn.utils.clip_grad_norm_(oracle, 1.0)))
    for p_nt, p_np, p_t in zip(mirror, reference, oracle, strict=True):
        np.testing.assert_allclose(arr(p_nt.grad), p_np.grad, **TOL)
        np.testing.assert_allclose(arr(p_nt.grad), arr(p_t.grad), **TOL)


def test_optimizer_state_lives_on_the_parameter_device(device):
    p = nt.Parameter(torch.zeros(3, device=device))
    adam = nt.Adam([p])
    assert adam.m[0].device == adam.v[0].device == device


def message(error_type, f):
    with pytest.raises(error_type) as info:
        f()
    return str(info.value)


@pytest.mark.parametrize(
    "error_type, make",
    [
        (ValueError, lambda pkg: pkg.SGD([], lr=0.1)),
        (TypeError, lambda pkg: pkg.SGD(pkg.Parameter(np.zeros(2)), lr=0.1)),
        (TypeError, lambda pkg: pkg.Adam([np.zeros(2)])),
        (ValueError, lambda pkg: pkg.SGD([pkg.Parameter(np.zeros(2))], lr=-1)),
        (
            ValueError,
            lambda pkg: pkg.SGD([pkg.Parameter(np.ones(2))], 1, nesterov=True),
        ),
        (ValueError, lambda pkg: pkg.Adam([pkg.Parameter(np.ones(2))], betas=(0.9, 1))),
        (ValueError, lambda pkg: pkg.RMSprop([pkg.Parameter(np.ones(2))], 0.1, eps=0)),
    ],
)
def test_the_same_mistake_gives_the_same_message(error_type, make):
    expected = message(error_type, lambda: make(nnkit))
    assert message(error_type, lambda: make(nt)) == expected


@pytest.mark.parametrize(
    "name", ["normal", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal"]
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_initialisers_draw_the_same_weights_from_the_same_rng(name, dtype, device):
    torch_dtype = torch.from_numpy(np.zeros(0, dtype=dtype)).dtype
    expected = getattr(nnkit.init, name)(
        (30, 20), rng=np.random.default_rng(4), dtype=dtype
    )
    W = getattr(nt.init, name)(
        (30, 20), rng=np.random.default_rng(4), device=device, dtype=torch_dtype
    )
    assert (W.device, W.dtype) == (device, torch_dtype)
    np.testing.assert_array_equal(arr(W), expected)


def test_init_refuses_a_shape_that_is_not_2d_like_numpy():
    with pytest.raises(ValueError) as ours:
        nt.init.he_normal((3, 4, 5), rng=np.random.default_rng(0))
    with pytest.raises(ValueError) as theirs:
        nnkit.init.he_normal((3, 4, 5), rng=np.random.default_rng(0))
    assert str(ours.value) == str(theirs.value)
    assert not nt.init.zeros((2, 3), device="cpu").any()
