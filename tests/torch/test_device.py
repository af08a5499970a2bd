"""Tests for nnkit/torch/device.py: the default device and its override."""

import numpy as np
import pytest
import torch

import nnkit.torch as nt
from nnkit.torch.device import default_device, resolve_device


@pytest.mark.parametrize(
    "cuda, mps, expected",
    [(True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_default_device_prefers_cuda_then_mps_then_cpu(
    monkeypatch, cuda, mps, expected
):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert default_device() == torch.device(expected)
    assert resolve_device(None) == torch.device(expected)
    assert resolve_device("cpu") == torch.device("cpu")


def test_layers_default_to_the_default_device_and_accept_an_override(rng):
    assert nt.Linear(3, 2, rng=rng).weight.data.device.type == default_device().type
    layer = nt.Linear(3, 2, rng=rng, device="cpu", dtype=torch.float32)
    assert layer.weight.data.device == torch.device("cpu")
    assert layer.bias.data.dtype == torch.float32
    assert nt.BatchNorm1d(4, device="cpu").running_var.device == torch.device("cpu")
    W = nt.init.he_normal((3, 2), rng=rng, device="cpu", dtype=torch.float32)
    assert (W.device, W.dtype) == (torch.device("cpu"), torch.float32)


def test_numpy_input_is_copied_to_the_layer_device_but_a_tensor_elsewhere_is_refused(
    rng,
):
    layer = nt.Linear(3, 2, rng=rng, device="meta")  # a device without data
    assert layer(np.ones((4, 3))).device == torch.device("meta")
    with pytest.raises(ValueError, match=r"X is on device cpu but the layer is on me"):
        layer(torch.ones((4, 3), dtype=torch.float64))
