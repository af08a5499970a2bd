"""Parity of schedulers.py: nnkit.torch's schedulers set the same learning rate
as nnkit's and as torch.optim.lr_scheduler, epoch by epoch, and refuse the
same mistakes in the same words."""

import numpy as np
import pytest
import torch

import nnkit
import nnkit.torch as nt

EPOCHS = 40
TOL = {"rtol": 1e-9, "atol": 1e-12}

# (scheduler name, keyword arguments), the same for all three packages.
CONFIGS = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("CosineAnnealingLR", {"T_max": 15, "eta_min": 0.001}),
    ("LinearLR", {"start_factor": 0.1, "total_iters": 8}),
    ("ReduceLROnPlateau", {"patience": 1, "factor": 0.5, "cooldown": 1}),
]


@pytest.mark.parametrize("name, kwargs", CONFIGS)
def test_every_epoch_has_the_same_lr_in_nnkit_nnkit_torch_and_torch(
    name, kwargs, device
):
    rng = np.random.default_rng(0)
    values = (1.0 / np.arange(1, 11)).tolist() + rng.uniform(0.1, 0.2, 30).tolist()
    optimizers = [
        nnkit.SGD([nnkit.Parameter([0.0])], lr=0.1),
        nt.SGD([nt.Parameter([0.0], device=device)], lr=0.1),
        torch.optim.SGD([torch.zeros(1, device=device, requires_grad=True)], lr=0.1),
    ]
    schedulers = [
        getattr(package, name)(optimizer, **kwargs)
        for package, optimizer in zip(
            [nnkit, nt, torch.optim.lr_scheduler], optimizers, strict=True
        )
    ]
    lrs = [[], [], []]
    for epoch in range(EPOCHS):
        optimizers[2].step()  # torch expects it before scheduler.step()
        for scheduler, optimizer, seen in zip(schedulers, optimizers, lrs, strict=True):
            lr = getattr(optimizer, "lr", None)
            seen.append(optimizer.param_groups[0]["lr"] if lr is None else lr)
            if name == "ReduceLROnPlateau":
                scheduler.step(values[epoch])
            else:
                scheduler.step()
    np.testing.assert_allclose(lrs[1], lrs[0], rtol=0, atol=0)
    np.testing.assert_allclose(lrs[0], lrs[2], **TOL)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("StepLR", {"step_size": 0}),
        ("CosineAnnealingLR", {"T_max": 2, "eta_min": -1.0}),
        ("LinearLR", {"start_factor": 2.0}),
        ("ReduceLROnPlateau", {"mode": "maximum"}),
    ],
)
def test_the_same_mistake_gives_the_same_message(name, kwargs):
    messages = []
    for package in (nnkit, nt):
        with pytest.raises(ValueError) as error:
            getattr(package, name)(
                package.SGD([package.Parameter([0.0])], lr=0.1), **kwargs
            )
        messages.append(str(error.value))
    assert messages[0] == messages[1]
