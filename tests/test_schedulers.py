"""Tests for nnkit.schedulers: every schedule against torch.optim.lr_scheduler,
epoch by epoch, then with fit, then bad arguments."""

import numpy as np
import pytest
import torch

import nnkit
from nnkit import SGD, Parameter
from nnkit.schedulers import (
    CosineAnnealingLR,
    LinearLR,
    LRScheduler,
    ReduceLROnPlateau,
    StepLR,
)

EPOCHS = 60
# torch updates some schedules step by step (lr_new = lr_old * ratio), nnkit
# evaluates the closed form: the same numbers up to rounding.
TOL = {"rtol": 1e-9, "atol": 1e-12}


def optimizers(lr):
    """An nnkit optimizer and a torch one, both at learning rate lr."""
    ours = SGD([Parameter([0.0])], lr=lr)
    theirs = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    return ours, theirs


def learning_rates(scheduler, optimizer, values=None):
    """The lr of each of EPOCHS epochs; step(value) when values are given."""
    lrs = []
    for epoch in range(EPOCHS):
        lrs.append(optimizer.lr)
        if values is None:
            scheduler.step()
        else:
            scheduler.step(values[epoch])
    return lrs


def torch_learning_rates(scheduler, optimizer, values=None):
    lrs = []
    for epoch in range(EPOCHS):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # torch expects optimizer.step() before scheduler.step()
        if values is None:
            scheduler.step()
        else:
            scheduler.step(values[epoch])
    return lrs


SCHEDULES = [
    (StepLR, torch.optim.lr_scheduler.StepLR, {"step_size": 7}),
    (StepLR, torch.optim.lr_scheduler.StepLR, {"step_size": 1, "gamma": 0.9}),
    (StepLR, torch.optim.lr_scheduler.StepLR, {"step_size": 3, "gamma": 1.0}),
    (StepLR, torch.optim.lr_scheduler.StepLR, {"step_size": 100, "gamma": 0.5}),
    (CosineAnnealingLR, torch.optim.lr_scheduler.CosineAnnealingLR, {"T_max": 60}),
    # past T_max the cosine climbs back up, in both
    (CosineAnnealingLR, torch.optim.lr_scheduler.CosineAnnealingLR, {"T_max": 13}),
    (CosineAnnealingLR, torch.optim.lr_scheduler.CosineAnnealingLR, {"T_max": 1}),
    (
        CosineAnnealingLR,
        torch.optim.lr_scheduler.CosineAnnealingLR,
        {"T_max": 20, "eta_min": 0.01},
    ),
    (LinearLR, torch.optim.lr_scheduler.LinearLR, {}),
    (
        LinearLR,
        torch.optim.lr_scheduler.LinearLR,
        {"start_factor": 0.01, "total_iters": 10},
    ),
    (
        LinearLR,
        torch.optim.lr_scheduler.LinearLR,
        {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 40},
    ),
    (
        LinearLR,
        torch.optim.lr_scheduler.LinearLR,
        {"start_factor": 0.5, "total_iters": 1},
    ),
]


@pytest.mark.parametrize("lr", [0.1, 3.0])
@pytest.mark.parametrize("ours, theirs, kwargs", SCHEDULES)
def test_schedule_matches_torch_epoch_by_epoch(ours, theirs, kwargs, lr):
    optimizer, torch_optimizer = optimizers(lr)
    expected = torch_learning_rates(theirs(torch_optimizer, **kwargs), torch_optimizer)
    got = learning_rates(ours(optimizer, **kwargs), optimizer)
    np.testing.assert_allclose(got, expected, **TOL)


def plateau_values(seed):
    """A loss that falls, then wanders on plateaus, with exact repeats."""
    rng = np.random.default_rng(seed)
    values = np.r_[np.linspace(1.0, 0.5, 10), 0.5 + 0.01 * rng.integers(0, 3, 50)]
    return values.tolist()


PLATEAUS = [
    {},
    {"patience": 0},
    {"patience": 2, "factor": 0.5},
    {"patience": 1, "cooldown": 3, "factor": 0.5},
    {"patience": 1, "factor": 0.5, "min_lr": 0.02},
    {"patience": 2, "threshold": 0.05},
    {"patience": 2, "threshold": 0.01, "threshold_mode": "abs"},
    {"mode": "max", "patience": 2, "factor": 0.3},
    {"mode": "max", "patience": 1, "threshold_mode": "abs", "threshold": 0.0},
    {"patience": 1, "factor": 0.0},
]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("kwargs", PLATEAUS)
def test_reduce_on_plateau_matches_torch_epoch_by_epoch(kwargs, seed):
    values = plateau_values(seed)
    optimizer, torch_optimizer = optimizers(0.1)
    oracle = torch.optim.lr_scheduler.ReduceLROnPlateau(torch_optimizer, **kwargs)
    expected = torch_learning_rates(oracle, torch_optimizer, values)
    got = learning_rates(ReduceLROnPlateau(optimizer, **kwargs), optimizer, values)
    np.testing.assert_allclose(got, expected, **TOL)
    assert min(got) < 0.1 or kwargs.get("mode") == "max"  # the lr did drop


def test_a_scheduler_sets_the_lr_of_epoch_zero_when_created():
    optimizer = SGD([Parameter([0.0])], lr=1.0)
    scheduler = LinearLR(optimizer, start_factor=0.1)
    assert optimizer.lr == pytest.approx(0.1)
    assert (scheduler.base_lr, scheduler.epoch) == (1.0, 0)
    assert repr(scheduler) == "LinearLR(epoch=0, lr=0.1)"


# ---------------------------------------------------------------- with fit


@pytest.fixture
def moons(rng):
    X, y = nnkit.data.two_moons(200, noise=0.2, rng=rng)
    return X, y.reshape(-1, 1).astype(float)


def small_model(rng):
    return nnkit.Sequential(
        nnkit.Linear(2, 8, rng=rng), nnkit.Tanh(), nnkit.Linear(8, 1, rng=rng)
    )


def test_fit_steps_the_scheduler_once_per_epoch_and_records_the_lr(moons, rng):
    model = small_model(rng)
    optimizer = SGD(model.parameters(), lr=0.5)
    scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    history = nnkit.fit(
        model, nnkit.BCEWithLogitsLoss(), optimizer, *moons,
        epochs=5, batch_size=50, rng=rng, scheduler=scheduler, progress=False,
    )  # fmt: skip
    assert history.history["lr"] == [0.5, 0.5, 0.25, 0.25, 0.125]
    assert scheduler.epoch == 5
    assert optimizer.lr == 0.125  # the sixth epoch would use 0.5 * 0.5 ** (5 // 2)


def test_fit_with_a_scheduler_is_the_loop_with_scheduler_step(moons):
    """fit(scheduler=...) gives the same weights as the plain loop stepping
    the scheduler by hand after every epoch."""
    X, y = moons
    weights = []
    for by_hand in (False, True):
        rng = np.random.default_rng(0)
        model = small_model(rng)
        optimizer = SGD(model.parameters(), lr=0.5, momentum=0.9)
        scheduler = CosineAnnealingLR(optimizer, T_max=4)
        loss_fn = nnkit.BCEWithLogitsLoss()
        if by_hand:
            for _ in range(4):
                for X_batch, y_batch in nnkit.data.minibatches(X, y, 50, rng=rng):
                    optimizer.zero_grad()
                    loss_fn(model(X_batch), y_batch)
                    model.backward(loss_fn.backward())
                    optimizer.step()
                scheduler.step()
        else:
            nnkit.fit(
                model, loss_fn, optimizer, X, y, epochs=4, batch_size=50,
                rng=rng, scheduler=scheduler, progress=False,
            )  # fmt: skip
        weights.append([p.data.copy() for p in model.parameters()])
    for fitted, looped in zip(*weights, strict=True):
        np.testing.assert_allclose(fitted, looped, rtol=1e-12, atol=1e-12)


def test_fit_gives_reduce_on_plateau_the_monitored_value(moons, rng):
    model = small_model(rng)
    optimizer = SGD(model.parameters(), lr=0.5)
    seen = []
    scheduler = ReduceLROnPlateau(optimizer, patience=0, factor=0.5)
    original_step = scheduler.step
    scheduler.step = lambda value: (seen.append(value), original_step(value))
    history = nnkit.fit(
        model, nnkit.BCEWithLogitsLoss(), optimizer, *moons, epochs=6,
        batch_size=50, rng=rng, validation_data=moons, scheduler=scheduler,
        progress=False,
    )  # fmt: skip
    assert seen == history.history["val_loss"]
    assert history.history["lr"][0] == 0.5


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda o: StepLR(o, step_size=0), "StepLR: step_size must be a positive"),
        (lambda o: StepLR(o, 2.5), "step_size must be a positive integer, got 2.5"),
        (lambda o: StepLR(o, 2, gamma=-1), "gamma must be a finite number > 0, got -1"),
        (lambda o: CosineAnnealingLR(o, T_max=0), "T_max must be a positive integer"),
        (lambda o: CosineAnnealingLR(o, 5, eta_min=-1), "eta_min must be a finite"),
        (lambda o: LinearLR(o, start_factor=0), "start_factor must be a number in"),
        (lambda o: LinearLR(o, end_factor=1.5), "end_factor must be a number"),
        (lambda o: LinearLR(o, total_iters=0), "total_iters must be a positive"),
        (lambda o: ReduceLROnPlateau(o, factor=1.0), "factor must be a number in [0"),
        (lambda o: ReduceLROnPlateau(o, mode="best"), 'mode must be "min" (for'),
        (lambda o: ReduceLROnPlateau(o, threshold_mode="x"), 'threshold_mode must be'),
        (lambda o: ReduceLROnPlateau(o, patience=-1), "patience must be an integer >="),
    ],
)  # fmt: skip
def test_bad_scheduler_arguments_are_refused_with_a_clear_message(make, message):
    optimizer = SGD([Parameter([0.0])], lr=0.1)
    with pytest.raises(ValueError) as error:
        make(optimizer)
    assert message in str(error.value)


def test_a_scheduler_needs_an_nnkit_optimizer():
    torch_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(TypeError, match="StepLR: optimizer must be an nnkit Optimizer"):
        StepLR(torch_optimizer, 3)
    with pytest.raises(
        TypeError, match='monitor must be a History name such as "val_loss"'
    ):
        ReduceLROnPlateau(SGD([Parameter([0.0])], lr=0.1), monitor=3)


def test_the_base_class_asks_for_lr_at():
    with pytest.raises(NotImplementedError, match="LRScheduler must implement lr_at"):
        LRScheduler(SGD([Parameter([0.0])], lr=0.1))


def test_fit_refuses_a_scheduler_of_another_optimizer_or_an_unrecorded_monitor(
    moons, rng
):
    model = small_model(rng)
    optimizer = SGD(model.parameters(), lr=0.1)
    other = SGD(model.parameters(), lr=0.1)
    arguments = {"epochs": 1, "batch_size": 50, "progress": False}
    loss_fn = nnkit.BCEWithLogitsLoss()
    with pytest.raises(ValueError, match="built on another optimizer"):
        nnkit.fit(
            model, loss_fn, optimizer, *moons, scheduler=StepLR(other, 1), **arguments
        )
    with pytest.raises(
        ValueError,
        match=r"monitors 'val_loss', but fit records only \['loss'.*validation_data",
    ):
        nnkit.fit(
            model,
            loss_fn,
            optimizer,
            *moons,
            scheduler=ReduceLROnPlateau(optimizer),
            **arguments,
        )
    with pytest.raises(TypeError, match="scheduler must be an LRScheduler .* got type"):
        nnkit.fit(model, loss_fn, optimizer, *moons, scheduler=StepLR, **arguments)
