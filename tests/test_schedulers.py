"""Tests for nnkit.schedulers: every schedule against torch.optim.lr_scheduler,
epoch by epoch, then with fit, then bad arguments."""

import numpy as np
import pytest
import torch

import nnkit
import nnkit.torch as nt
from nnkit import SGD, Parameter
from nnkit.schedulers import (
    CosineAnnealingLR,
    LinearLR,
    LRScheduler,
    ReduceLROnPlateau,
    SequentialLR,
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


# SequentialLR: chains of schedules (warm-up, then a decay), against torch.

# (schedulers as (name, keyword arguments), in the order they are built; milestones)
CHAINS = [
    # warm-up, then cosine: the chain the book uses
    (
        [("LinearLR", {"start_factor": 0.1, "total_iters": 5}),
         ("CosineAnnealingLR", {"T_max": 55})],
        [5],
    ),
    # the warm-up's ramp is cut short by an early milestone
    (
        [("LinearLR", {"start_factor": 0.2, "total_iters": 10}),
         ("CosineAnnealingLR", {"T_max": 30, "eta_min": 0.001})],
        [4],
    ),
    # three schedules, the last one past its T_max
    (
        [("LinearLR", {"start_factor": 0.01, "total_iters": 3}),
         ("StepLR", {"step_size": 4, "gamma": 0.5}),
         ("CosineAnnealingLR", {"T_max": 10})],
        [3, 20],
    ),
    (
        [("StepLR", {"step_size": 7}),
         ("LinearLR", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 10})],
        [30],
    ),
    # one scheduler and no milestone: the scheduler itself
    ([("CosineAnnealingLR", {"T_max": 13})], []),
    # a milestone at epoch 1
    (
        [("LinearLR", {"start_factor": 0.5, "total_iters": 1}),
         ("StepLR", {"step_size": 2, "gamma": 0.9})],
        [1],
    ),
]  # fmt: skip


def build(package, optimizer, chain, milestones):
    """The schedulers of chain, built in order on optimizer, and their SequentialLR."""
    schedulers = [getattr(package, name)(optimizer, **kwargs) for name, kwargs in chain]
    return package.SequentialLR(optimizer, schedulers, milestones=milestones)


@pytest.mark.parametrize("lr", [0.1, 3.0])
@pytest.mark.parametrize("chain, milestones", CHAINS)
def test_sequential_lr_matches_torch_epoch_by_epoch(chain, milestones, lr):
    optimizer, torch_optimizer = optimizers(lr)
    oracle = build(torch.optim.lr_scheduler, torch_optimizer, chain, milestones)
    expected = torch_learning_rates(oracle, torch_optimizer)
    got = learning_rates(build(nnkit, optimizer, chain, milestones), optimizer)
    np.testing.assert_allclose(got, expected, **TOL)


@pytest.mark.parametrize("chain, milestones", CHAINS)
def test_nnkit_torch_sets_exactly_the_same_lrs_as_nnkit(chain, milestones):
    ours = SGD([Parameter([0.0])], lr=0.1)
    twin = nt.SGD([nt.Parameter([0.0])], lr=0.1)
    expected = learning_rates(build(nnkit, ours, chain, milestones), ours)
    got = learning_rates(build(nt, twin, chain, milestones), twin)
    assert got == expected


def test_every_scheduler_starts_from_the_first_ones_base_lr():
    """LinearLR sets lr = 0.1 when it is built; the cosine, built next, must
    still start from 1.0 at the milestone, as in torch."""
    optimizer = SGD([Parameter([0.0])], lr=1.0)
    warmup = LinearLR(optimizer, start_factor=0.1, total_iters=2)
    decay = CosineAnnealingLR(optimizer, T_max=4)
    assert decay.base_lr == pytest.approx(0.1)  # what it read when it was built
    scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[2])
    assert optimizer.lr == pytest.approx(0.1)  # epoch 0: the warm-up's start
    assert (scheduler.base_lr, warmup.base_lr, decay.base_lr) == (1.0, 1.0, 1.0)
    lrs = learning_rates(scheduler, optimizer)[:7]
    np.testing.assert_allclose(lrs, [0.1, 0.55, 1.0, 0.853553, 0.5, 0.146447, 0.0],
                               atol=1e-6)  # fmt: skip
    assert scheduler.epoch == EPOCHS
    assert repr(scheduler) == f"SequentialLR(epoch={EPOCHS}, lr={optimizer.lr:.4g})"


# ---------------------------------------------------------------- with fit


def test_fit_steps_a_sequential_lr_and_records_its_lr(rng):
    X, y = nnkit.data.two_moons(200, noise=0.2, rng=rng)
    model = nnkit.Sequential(
        nnkit.Linear(2, 8, rng=rng), nnkit.Tanh(), nnkit.Linear(8, 1, rng=rng)
    )
    optimizer = nnkit.Adam(model.parameters(), lr=0.02)
    warmup = LinearLR(optimizer, start_factor=0.25, total_iters=2)
    decay = CosineAnnealingLR(optimizer, T_max=4)
    scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[2])
    history = nnkit.fit(
        model, nnkit.BCEWithLogitsLoss(), optimizer, X, y.reshape(-1, 1) * 1.0,
        epochs=6, batch_size=50, rng=rng, scheduler=scheduler, progress=False,
    )  # fmt: skip
    expected = [0.005, 0.0125, 0.02, 0.01707107, 0.01, 0.00292893]
    np.testing.assert_allclose(history.history["lr"], expected, rtol=1e-6)


# ---------------------------------------------------------------- bad input


def fresh(optimizer):
    """A warm-up and a decay built on optimizer, in that order."""
    return [LinearLR(optimizer, total_iters=3), CosineAnnealingLR(optimizer, T_max=10)]


@pytest.mark.parametrize(
    "milestones, message",
    [
        ([], "2 schedulers need 1 milestones (the epochs where the next one takes "
             "over), got 0: []."),
        ([3, 6], "2 schedulers need 1 milestones"),
        ([0], "milestones[0] must be a positive integer, got 0."),
        ([2.5], "milestones[0] must be a positive integer, got 2.5."),
    ],
)  # fmt: skip
def test_a_wrong_number_or_kind_of_milestones_is_refused(milestones, message):
    optimizer = SGD([Parameter([0.0])], lr=0.1)
    with pytest.raises(ValueError) as error:
        SequentialLR(optimizer, fresh(optimizer), milestones=milestones)
    assert f"SequentialLR: {message}" in str(error.value)


@pytest.mark.parametrize("milestones", [[5, 5], [8, 3], [2, 9, 4]])
def test_milestones_that_do_not_increase_are_refused(milestones):
    optimizer = SGD([Parameter([0.0])], lr=0.1)
    schedulers = [StepLR(optimizer, 2) for _ in range(len(milestones) + 1)]
    with pytest.raises(ValueError, match=r"milestones must increase strictly") as e:
        SequentialLR(optimizer, schedulers, milestones=milestones)
    assert f"got {milestones}." in str(e.value)


def test_a_scheduler_of_another_optimizer_is_refused():
    optimizer = SGD([Parameter([0.0])], lr=0.1)
    other = SGD([Parameter([0.0])], lr=0.1)
    schedulers = [LinearLR(optimizer), CosineAnnealingLR(other, T_max=10)]
    with pytest.raises(ValueError) as error:
        SequentialLR(optimizer, schedulers, milestones=[5])
    assert str(error.value).startswith(
        "SequentialLR: schedulers[1] (CosineAnnealingLR) was built on another "
        "optimizer than the one SequentialLR drives"
    )
    # torch refuses the same chain
    torch_optimizers = [optimizers(0.1)[1] for _ in range(2)]
    torch_schedulers = [
        torch.optim.lr_scheduler.LinearLR(torch_optimizers[0]),
        torch.optim.lr_scheduler.CosineAnnealingLR(torch_optimizers[1], T_max=10),
    ]
    with pytest.raises(ValueError, match="belong to the same optimizer"):
        torch.optim.lr_scheduler.SequentialLR(
            torch_optimizers[0], torch_schedulers, milestones=[5]
        )


def test_reduce_on_plateau_cannot_be_chained_as_in_torch():
    optimizer, torch_optimizer = optimizers(0.1)
    with pytest.raises(ValueError, match=r"schedulers\[1\] is a ReduceLROnPlateau"):
        SequentialLR(
            optimizer, [LinearLR(optimizer), ReduceLROnPlateau(optimizer)], [5]
        )
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        torch.optim.lr_scheduler.SequentialLR(
            torch_optimizer,
            [
                torch.optim.lr_scheduler.LinearLR(torch_optimizer),
                torch.optim.lr_scheduler.ReduceLROnPlateau(torch_optimizer),
            ],
            [5],
        )


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda o: SequentialLR(o, [], []), ValueError,
         "SequentialLR: schedulers must hold at least one scheduler."),
        (lambda o: SequentialLR(o, fresh(o)[0], [3]), TypeError,
         "SequentialLR: schedulers must be a list, such as schedulers=[warmup, "
         "decay] and milestones=[5], got LinearLR."),
        (lambda o: SequentialLR(o, fresh(o), 3), TypeError,
         "SequentialLR: milestones must be a list"),
        (lambda o: SequentialLR(o, [StepLR, StepLR(o, 2)], [3]), TypeError,
         "SequentialLR: schedulers[0] must be an LRScheduler such as "
         "LinearLR(optimizer), got type."),
        (lambda o: SequentialLR(torch.zeros(1), fresh(o), [3]), TypeError,
         "SequentialLR: optimizer must be an nnkit Optimizer"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused_with_a_clear_message(make, error, message):
    optimizer = SGD([Parameter([0.0])], lr=0.1)
    with pytest.raises(error) as raised:
        make(optimizer)
    assert message in str(raised.value)


def test_a_scheduler_that_has_already_stepped_is_refused():
    optimizer = SGD([Parameter([0.0])], lr=0.1)
    warmup, decay = fresh(optimizer)
    for _ in range(3):
        decay.step()
    with pytest.raises(
        ValueError,
        match=r"schedulers\[1\] \(CosineAnnealingLR\) has already been stepped 3 times",
    ):
        SequentialLR(optimizer, [warmup, decay], milestones=[3])


@pytest.mark.parametrize("milestones", [[], [4, 4], [0]])
def test_nnkit_torch_refuses_the_same_mistakes_in_the_same_words(milestones):
    messages = []
    for package in (nnkit, nt):
        optimizer = package.SGD([package.Parameter([0.0])], lr=0.1)
        schedulers = [
            package.LinearLR(optimizer, total_iters=3),
            package.StepLR(optimizer, 2),
        ]
        if milestones == [4, 4]:
            schedulers.append(package.StepLR(optimizer, 3))
        with pytest.raises(ValueError) as error:
            package.SequentialLR(optimizer, schedulers, milestones=milestones)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
