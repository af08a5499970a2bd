"""Parity of training.py, early_stopping.py and schedulers.py: with the same
rng, ``fit`` records the same history and ends with the same weights in nnkit
and in nnkit.torch (float64, 1e-10), and the same mistakes read the same."""

import numpy as np
import pytest
import torch

import nnkit
import nnkit.torch as nt
from nnkit.data import two_moons
from nnkit.early_stopping import EarlyStopping
from nnkit.training import classification_accuracy, fit

TOL = {"rtol": 0, "atol": 1e-10}


def problem(device, dropout=0.0):
    rng = np.random.default_rng(0)
    X, y = two_moons(160, noise=0.2, rng=rng)
    reference = nnkit.Sequential(
        nnkit.Linear(2, 16, rng=rng),
        nnkit.BatchNorm1d(16),
        nnkit.Tanh(),
        nnkit.Dropout(dropout, rng=np.random.default_rng(1)),
        nnkit.Linear(16, 2, rng=rng),
    )
    return reference, nt.from_numpy(reference, device=device), X, y


def run_both(reference, mirror, X, y, **options):
    """``fit`` in both packages with the same settings and equal fresh rngs."""
    histories = []
    for package, model, fit_, metric, stopper in [
        (nnkit, reference, fit, classification_accuracy, EarlyStopping),
        (nt, mirror, nt.fit, nt.classification_accuracy, nt.EarlyStopping),
    ]:
        kwargs = dict(options)
        if "penalty" in kwargs:
            kwargs["penalty"] = getattr(package, kwargs["penalty"])(1e-3)
        if "early_stopping" in kwargs:
            kwargs["early_stopping"] = stopper(
                patience=1, min_delta=kwargs["early_stopping"]
            )
        optimizer = package.SGD(model.parameters(), lr=0.2, momentum=0.9)
        if "scheduler" in kwargs:
            name, scheduler_kwargs = kwargs["scheduler"]
            kwargs["scheduler"] = getattr(package, name)(optimizer, **scheduler_kwargs)
        history = fit_(
            model,
            package.CrossEntropyLoss(),
            optimizer,
            X,
            y,
            epochs=5,
            batch_size=32,
            rng=np.random.default_rng(7),
            metrics=[metric],
            validation_data=(X[:40], y[:40]),
            progress=False,
            **kwargs,
        )
        histories.append(history)
    return histories


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"penalty": "L2Penalty", "max_grad_norm": 0.5},
        {"early_stopping": 0.05},
        {"shuffle": False},
        {"scheduler": ("CosineAnnealingLR", {"T_max": 3})},
        {"scheduler": ("ReduceLROnPlateau", {"patience": 0, "factor": 0.5})},
    ],
)
def test_fit_records_the_same_history_and_weights_as_numpy(options, device):
    reference, mirror, X, y = problem(device, dropout=0.2)
    numpy_history, torch_history = run_both(reference, mirror, X, y, **options)
    assert torch_history.epochs == numpy_history.epochs
    assert torch_history.history.keys() == numpy_history.history.keys()
    for name, values in numpy_history.history.items():
        np.testing.assert_allclose(torch_history.history[name], values, **TOL)
    for ours, theirs in zip(mirror.parameters(), reference.parameters(), strict=True):
        np.testing.assert_allclose(ours.data.cpu().numpy(), theirs.data, **TOL)


def test_fit_accepts_tensors_and_moves_numpy_data_to_the_model(device):
    _, mirror, X, y = problem(device)
    optimizer = nt.SGD(mirror.parameters(), lr=0.1)
    X_t, y_t = torch.as_tensor(X, device=device), torch.as_tensor(y, device=device)
    for data in [(X, y), (X_t, y_t)]:
        history = nt.fit(
            mirror,
            nt.CrossEntropyLoss(),
            optimizer,
            *data,
            epochs=1,
            batch_size=40,
            rng=np.random.default_rng(0),
            progress=False,
        )
        assert len(history.history["loss"]) == 1


def message(error_type, f):
    with pytest.raises(error_type) as info:
        f()
    return str(info.value)


def fit_with(package, X=None, y=None, **options):
    reference, mirror, X0, y0 = problem("cpu")
    model = reference if package is nnkit else mirror
    fit_ = fit if package is nnkit else nt.fit
    arguments = {
        "model": model,
        "loss_fn": package.CrossEntropyLoss(),
        "optimizer": package.SGD(model.parameters(), lr=0.1),
        "X": X0 if X is None else X,
        "y": y0 if y is None else y,
        "epochs": 2,
        "batch_size": 16,
        "rng": np.random.default_rng(0),
        "progress": False,
    }
    arguments.update(options)
    return fit_(**arguments)


@pytest.mark.parametrize(
    "error_type, options",
    [
        (TypeError, {"loss_fn": None}),
        (ValueError, {"epochs": 0}),
        (ValueError, {"y": np.zeros(3, dtype=int)}),
        (ValueError, {"X": np.full((160, 2), np.nan)}),
        (ValueError, {"max_grad_norm": -1.0}),
        (TypeError, {"scheduler": "cosine"}),
    ],
)
def test_the_same_mistake_gives_the_same_message(error_type, options):
    expected = message(error_type, lambda: fit_with(nnkit, **options))
    assert message(error_type, lambda: fit_with(nt, **options)) == expected


def test_divergence_is_reported_at_the_same_epoch_and_batch():
    def diverge(package):
        reference, mirror, X, y = problem("cpu")
        model = reference if package is nnkit else mirror
        optimizer = package.SGD(model.parameters(), lr=1e6)
        with np.errstate(all="ignore"):  # NumPy warns on the way to infinity
            fit_with(package, model=model, optimizer=optimizer, y=np.eye(2)[y] * 1e300)

    expected = message(FloatingPointError, lambda: diverge(nnkit))
    assert "diverged at epoch 1" in expected
    assert message(FloatingPointError, lambda: diverge(nt)) == expected


def test_early_stopping_restores_the_best_weights_as_tensors():
    _, mirror, X, y = problem("cpu")
    stopper = nt.EarlyStopping(patience=0)
    nt.fit(
        mirror,
        nt.CrossEntropyLoss(),
        nt.SGD(mirror.parameters(), lr=3.0),
        X,
        y,
        epochs=6,
        batch_size=16,
        validation_data=(X, y),
        early_stopping=stopper,
        rng=np.random.default_rng(0),
        progress=False,
    )
    assert all(isinstance(w, torch.Tensor) for w in stopper.best_weights)
    for p, best in zip(mirror.parameters(), stopper.best_weights, strict=True):
        assert torch.equal(p.data, best)
