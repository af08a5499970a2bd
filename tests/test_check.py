"""nnkit.check: each check passes nnkit's own answer and explains wrong ones.

A check must never fail with a bare AssertionError: every failure is a
CheckFailed whose message names what is wrong (a value and its index, a
shape, a count) in plain words.
"""

import numpy as np
import pytest

import nnkit.check
from nnkit.check import CheckFailed, Exercise

EXERCISES = [
    getattr(nnkit.check, name)
    for name in nnkit.check.__all__
    if isinstance(getattr(nnkit.check, name), Exercise)
]


def student_style(exercise, change=None):
    """The reference as a student would write it: positional arguments, one
    value or a tuple; ``change`` may alter the first returned value."""

    def function(*args):
        names = exercise.cases(np.random.default_rng(0))[0].args
        outputs = list(exercise.expected(dict(zip(names, args, strict=True))))
        if change:
            outputs[0] = change(outputs[0])
        return tuple(outputs) if len(outputs) > 1 else outputs[0]

    return function


def failure(exercise, function):
    with pytest.raises(CheckFailed) as error:
        exercise(function)
    assert type(error.value) is CheckFailed  # never a bare AssertionError
    return str(error.value)


def test_every_exercise_is_exported():
    assert len(EXERCISES) == 28
    assert len({e.name for e in EXERCISES}) == len(EXERCISES)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_the_reference_passes(exercise, capsys):
    exercise(student_style(exercise))
    exercise(student_style(exercise), seed=7)
    assert capsys.readouterr().out.splitlines() == [
        f"{exercise.name} passed all {len(exercise.cases(np.random.default_rng(0)))} "
        "checks.",
        f"{exercise.name} passed all {len(exercise.cases(np.random.default_rng(7)))} "
        "checks with seed=7.",
    ]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_a_wrong_value_is_named_with_its_index(exercise):
    message = failure(exercise, student_style(exercise, lambda v: np.asarray(v) + 0.5))
    first = exercise.outputs[0]
    assert f"{exercise.name}: {first}" in message
    assert "but should be" in message and "on case 1 of" in message


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_a_wrong_shape_is_named(exercise):
    message = failure(exercise, student_style(exercise, lambda v: np.stack([v, v])))
    assert f"{exercise.outputs[0]} has shape (2" in message and "should be" in message


def test_messages_point_at_the_first_wrong_entry():
    def relu(Z):
        A = np.maximum(Z, 0)
        A[Z == 0] = 1.0  # wrong at the kink only
        return A

    message = failure(nnkit.check.relu, relu)
    assert "A[3] is 1 but should be 0 (2 of 9 values are wrong)" in message
    assert "Z = np.array([" in message  # the case's inputs are shown


def test_a_missing_factor_gets_a_hint():
    message = failure(nnkit.check.mse_gradient, lambda p, t: (p - t) / p.size)
    assert "0.5 times the right one" in message


def test_a_transposed_result_is_recognised():
    message = failure(nnkit.check.linear_forward, lambda X, W, b: (X @ W + b).T)
    assert "looks transposed" in message or "has shape" in message


def test_an_object_equal_to_everything_fails():
    class Anything:
        def __eq__(self, other):
            return True

    message = failure(nnkit.check.relu, lambda Z: Anything())
    assert "A should be a number or a NumPy array of numbers; got a Anything" in message


def test_the_wrong_number_of_values():
    message = failure(nnkit.check.perceptron_update, lambda w, b, x, y, lr: w)
    assert "should return 2 values, (w, b), as a tuple; it returned a single" in message


def test_errors_of_the_function_are_explained():
    def stub(Z):
        raise NotImplementedError()

    assert "is not written yet" in failure(nnkit.check.sigmoid, stub)
    message = failure(nnkit.check.sigmoid, lambda: None)
    assert "sigmoid raised TypeError" in message
    assert "should be called as sigmoid(Z) -> A" in message
    message = failure(nnkit.check.sigmoid, lambda Z: Z[100])
    assert "sigmoid raised IndexError" in message


def test_an_unstable_softmax_is_caught():
    def naive(Z):
        E = np.exp(Z)
        return E / E.sum(axis=1, keepdims=True)

    with np.errstate(over="ignore", invalid="ignore"):
        message = failure(nnkit.check.softmax, naive)
    assert "is nan but should be" in message and "huge equal logits" in message


def test_something_that_is_not_a_function():
    message = failure(nnkit.check.relu, 3)
    assert "expects your function" in message
