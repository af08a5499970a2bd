"""Tests for nnkit/torch/gradcheck.py: the finite-difference checks work on
the mirror's tensors and give the numbers nnkit's give."""

import numpy as np
import pytest
import torch

import nnkit
import nnkit.torch as nt


@pytest.mark.parametrize(
    "make",
    [
        lambda rng, device: nt.Linear(4, 3, rng=rng, device=device),
        lambda rng, device: nt.BatchNorm1d(4, device=device),
        lambda rng, device: nt.Softmax(),
        lambda rng, device: nt.Sequential(
            nt.Linear(4, 5, rng=rng, device=device),
            nt.Sigmoid(),
            nt.Linear(5, 2, rng=rng, device=device),
        ),
    ],
)
def test_every_mirror_gradient_passes_gradcheck(make, device, rng):
    errors = nt.gradcheck(make(rng, device), rng.normal(size=(6, 4)), rng=rng)
    assert errors["max"] < 1e-6


def test_numerical_gradient_and_relative_error_match_numpy(rng):
    x_np = rng.normal(size=(3, 2))
    x_t = torch.as_tensor(x_np.copy())
    ours = nt.numerical_gradient(lambda: float(torch.sum(torch.sin(x_t) * x_t)), x_t)
    theirs = nnkit.numerical_gradient(lambda: float(np.sum(np.sin(x_np) * x_np)), x_np)
    # torch's and NumPy's sin may differ in the last bit; centred differences
    # divide that by 2 * eps = 2e-6, hence 1e-8 rather than 1e-10.
    np.testing.assert_allclose(ours.numpy(), theirs, rtol=0, atol=1e-8)
    torch.testing.assert_close(x_t, torch.as_tensor(x_np))  # restored in place
    a, n = rng.normal(size=5), rng.normal(size=5)
    expected = nnkit.relative_error(a, n)
    assert nt.relative_error(torch.as_tensor(a), torch.as_tensor(n)) == expected
    assert nt.relative_error(torch.zeros(3), torch.zeros(3)) == 0.0


def test_gradcheck_with_the_same_rng_reports_the_same_errors_as_numpy():
    reference = nnkit.Linear(3, 2, rng=np.random.default_rng(0))
    mirror = nt.from_numpy(reference, device="cpu")
    X = np.random.default_rng(1).normal(size=(4, 3))
    ours = nt.gradcheck(mirror, X, rng=np.random.default_rng(2))
    theirs = nnkit.gradcheck(reference, X, rng=np.random.default_rng(2))
    assert ours.keys() == theirs.keys()
    for key in theirs:
        assert ours[key] == pytest.approx(theirs[key], abs=1e-9)
