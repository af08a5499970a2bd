"""Tests for nnkit/torch/convert.py: round trips between nnkit, nnkit.torch and
torch.nn keep the weights exactly and the outputs to 1e-10."""

import numpy as np
import pytest
import torch
from torch import nn

import nnkit
import nnkit.torch as nt

TOL = {"rtol": 0, "atol": 1e-10}


def arr(tensor):
    return tensor.detach().cpu().numpy()


def every_layer(rng):
    """An nnkit network with one of every convertible layer, BatchNorm trained a bit."""
    model = nnkit.Sequential(
        nnkit.Linear(4, 6, rng=rng),
        nnkit.BatchNorm1d(6, momentum=0.2),
        nnkit.LeakyReLU(0.05),
        nnkit.Dropout(0.25, rng=np.random.default_rng(3)),
        nnkit.Linear(6, 6, bias=False, rng=rng),
        nnkit.Tanh(),
        nnkit.Linear(6, 5, rng=rng),
        nnkit.Sigmoid(),
        nnkit.Identity(),
        nnkit.ReLU(),
        nnkit.Softmax(),
    )
    for _ in range(2):
        model(rng.normal(loc=1.0, size=(16, 4)))
    model[0].bias.data[:] = rng.normal(size=6)
    return model


def weights_np(model):
    bn = [m for m in model if isinstance(m, nnkit.BatchNorm1d)]
    running = [a for m in bn for a in (m.running_mean, m.running_var)]
    return [p.data for p in model.parameters()] + running


def test_numpy_to_mirror_to_numpy_keeps_weights_and_outputs(device, rng):
    model = every_layer(rng)
    mirror = nt.from_numpy(model, device=device)
    back = nt.to_numpy(mirror)
    assert repr(mirror) == repr(model) == repr(back)
    for before, after in zip(weights_np(model), weights_np(back), strict=True):
        assert after.dtype == before.dtype
        np.testing.assert_array_equal(after, before)
    assert next(mirror.parameters()).data.device == device

    X = rng.normal(size=(8, 4))
    model.eval(), mirror.eval(), back.eval()
    np.testing.assert_allclose(arr(mirror(X)), model(X), **TOL)
    np.testing.assert_array_equal(back(X), model(X))


def test_converted_dropout_draws_the_same_masks_in_training_mode(rng):
    model = every_layer(rng)
    mirror = nt.from_numpy(model, device="cpu")
    assert mirror.training and mirror[3].training
    X = rng.normal(size=(8, 4))
    np.testing.assert_allclose(arr(mirror(X)), model(X), **TOL)
    np.testing.assert_allclose(arr(mirror(X)), model(X), **TOL)  # and the next


def test_mode_is_kept(rng):
    model = every_layer(rng).eval()
    assert not nt.from_numpy(model).training
    assert not nt.from_numpy(model)[1].training


def test_mirror_to_torch_nn_to_mirror_keeps_weights_and_outputs(device, rng):
    mirror = nt.from_numpy(every_layer(rng), device=device)
    torch_model = nt.to_torch_nn(mirror)
    assert isinstance(torch_model, nn.Sequential)
    assert torch_model[0].weight.shape == (6, 4)  # torch's (D_out, D_in)
    torch.testing.assert_close(torch_model[0].weight, mirror[0].weight.data.T)
    assert torch_model[3].p == 0.25 and torch_model[2].negative_slope == 0.05
    back = nt.from_torch_nn(torch_model)
    assert repr(back) == repr(mirror)
    for ours, theirs in zip(back.parameters(), mirror.parameters(), strict=True):
        assert ours.data.device == device
        assert torch.equal(ours.data, theirs.data)
    assert torch.equal(back[1].running_var, mirror[1].running_var)

    X = torch.as_tensor(rng.normal(size=(8, 4)), device=device)
    mirror.eval(), torch_model.eval(), back.eval()
    np.testing.assert_allclose(arr(torch_model(X)), arr(mirror(X)), **TOL)
    assert torch.equal(back(X), mirror(X))


def test_from_torch_nn_converts_a_model_written_in_plain_torch(rng):
    torch.manual_seed(0)
    torch_model = nn.Sequential(
        nn.Linear(3, 5),
        nn.ReLU(),
        nn.BatchNorm1d(5),
        nn.Linear(5, 2),
        nn.Softmax(dim=1),
    ).eval()
    mirror = nt.from_torch_nn(torch_model, dtype=torch.float64)
    X = rng.normal(size=(4, 3))
    expected = torch_model.double()(torch.as_tensor(X))
    np.testing.assert_allclose(arr(mirror(X)), arr(expected), **TOL)
    assert not mirror.training


def test_dtype_can_be_changed_on_the_way(rng):
    model = every_layer(rng)
    mirror = nt.from_numpy(model, device="cpu", dtype=torch.float32)
    assert all(p.data.dtype == torch.float32 for p in mirror.parameters())
    assert next(nt.to_numpy(mirror).parameters()).data.dtype == np.float32
    assert nt.to_numpy(mirror, dtype=np.float64)[0].weight.data.dtype == np.float64


def test_step_converts_between_the_nnkit_packages_but_not_to_torch_nn():
    mirror = nt.from_numpy(nnkit.Step())
    assert isinstance(mirror, nt.Step) and isinstance(nt.to_numpy(mirror), nnkit.Step)
    with pytest.raises(TypeError, match=r"to_torch_nn: cannot convert Step"):
        nt.to_torch_nn(mirror)


def test_layers_without_a_twin_are_refused_by_name():
    with pytest.raises(TypeError, match=r"from_torch_nn: cannot convert Conv1d"):
        nt.from_torch_nn(nn.Sequential(nn.Conv1d(1, 1, 3)))
    with pytest.raises(ValueError, match=r"normalizes along dim=0"):
        nt.from_torch_nn(nn.Softmax(dim=0))
    with pytest.raises(ValueError, match=r"affine=True"):
        nt.from_torch_nn(nn.BatchNorm1d(3, affine=False))
    with pytest.raises(TypeError, match=r"from_numpy: cannot convert list"):
        nt.from_numpy([nnkit.ReLU()])
