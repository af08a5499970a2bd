"""nnkit.check: each check passes nnkit's own answer and explains wrong ones.

A check must never fail with a bare AssertionError: every failure is a
CheckFailed whose message names what is wrong (a value and its index, a
shape, a count) in plain words, shows the case, and gives the call that
rebuilds it. The typical mistakes of each chapter are in test_check_mistakes.py.
"""

import warnings

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
        names = exercise.public_cases()[0].args
        outputs = list(exercise.expected(dict(zip(names, args, strict=True))))
        if change:
            outputs[0] = change(outputs[0])
        return tuple(outputs) if len(outputs) > 1 else outputs[0]

    return function


def failure(exercise, function, **kwargs):
    with pytest.raises(CheckFailed) as error:
        exercise(function, **kwargs)
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
        f"{exercise.name} passed all {len(exercise.public_cases())} checks.",
        f"{exercise.name} passed all {len(exercise.public_cases(7))} "
        "checks with seed=7.",
    ]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_every_reference_answer_is_finite_and_quiet(exercise):
    """The grader's cases, for many secret seeds, have answers without NaN or
    infinity, and computing them warns of nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for seed in range(20):
            for case in exercise.cases(np.random.default_rng(seed)):
                for output in exercise.expected(case.args):
                    assert np.all(np.isfinite(output)), (seed, case.note)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_the_fixed_cases_come_first(exercise):
    fixed = exercise.fixed(None)
    first = exercise.public_cases()[: len(fixed)]
    assert [case.note for case in first] == [case.note for case in fixed]
    assert all(not case.note.startswith("random") for case in fixed)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_the_grader_never_runs_the_public_fixed_cases(exercise):
    """A function that memorised the answers of the public cases gains nothing:
    for a secret seed, every fixed case has other inputs."""
    public = exercise.fixed(None)
    for seed in range(20):
        hidden = exercise.cases(np.random.default_rng(seed))[: len(public)]
        for shown, drawn in zip(public, hidden, strict=True):
            assert shown.note == drawn.note
            assert any(
                not np.array_equal(np.asarray(shown.args[k]), np.asarray(drawn.args[k]))
                for k in shown.args
            ), (seed, shown.note)


def test_the_grader_cases_keep_the_interface_of_nnkit_grading():
    """nnkit.grading calls ``cases(rng)`` and reads ``Case.args``: both stay."""
    cases = nnkit.check.relu.cases(np.random.default_rng(0))
    assert all(list(case.args) == ["Z"] for case in cases)
    assert len(cases) == len(nnkit.check.relu.public_cases())


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_a_wrong_value_is_named_with_its_index(exercise):
    message = failure(exercise, student_style(exercise, lambda v: np.asarray(v) + 0.5))
    first = exercise.outputs[0]
    assert message.startswith(f"{exercise.name}: {first}")
    assert "but should be" in message and "Failed on case 1 of" in message


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_a_wrong_shape_is_named(exercise):
    message = failure(exercise, student_style(exercise, lambda v: np.stack([v, v])))
    assert f"{exercise.outputs[0]} has shape (2" in message and "should be" in message


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_every_failing_case_can_be_rebuilt(exercise):
    """The message gives the call that rebuilds the case, and that call gives
    back the very inputs of the failing case."""
    function = student_style(exercise, lambda v: np.asarray(v) + 0.5)
    message = failure(exercise, function, seed=3)
    call = f"args = nnkit.check.{exercise.name}.case(1, seed=3)"
    assert call in message
    args = exercise.case(1, seed=3)
    wrong = function(*args.values())
    wrong = wrong[0] if len(exercise.outputs) > 1 else wrong
    assert not np.allclose(wrong, exercise.expected(args)[0])


def test_small_inputs_are_shown_in_full_and_labels_up_to_40():
    from nnkit.check._explain import describe

    text = describe(
        dict(
            Z=np.array([[1000.0, 999.0], [0.0, 1e-8]]),
            y=np.arange(18) % 2,
            X=np.zeros((5, 5)),
            lr=0.5,
        )
    )
    assert "Z = np.array([[1000., 999.], [0., 1e-08]])" in text
    assert (
        "y = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])" in text
    )
    assert "X = an array of shape (5, 5) (rebuild it to see it)" in text
    assert "lr = 0.5" in text


def test_a_transposed_shape_is_named_and_a_transposed_answer_too():
    from nnkit.check import compare

    want = np.arange(6.0).reshape(2, 3)
    problem = compare(want.T, want, name="dW")
    assert problem.detail == (
        "dW has shape (3, 2) but should be shape (2, 3) "
        "(it is the transpose of the right answer)."
    )
    problem = compare(np.zeros((3, 2)), want, name="dW")
    assert problem.detail.endswith("(the shape is the transpose of the right one).")
    problem = compare(np.zeros(6), want, name="dW")
    assert problem.detail == "dW has shape (6,) but should be shape (2, 3)."


def test_messages_point_at_the_first_wrong_entry():
    def relu(Z):
        A = np.maximum(Z, 0)
        A[Z == 0] = 1.0  # wrong at the kink only
        return A

    message = failure(nnkit.check.relu, relu)
    assert message.startswith("relu: A[3] is 1 but should be 0 (2 of 9 values are")
    assert "times the right one" not in message  # 7 values are right: no factor
    assert "Z = np.array([-1000., -40., -1., -0., 0., 1e-08, 1., 40., 1000.])" in (
        message
    )
    assert "What this case tests: at Z = 0 (and -0.0) the ReLU has its kink" in message


def test_an_object_equal_to_everything_fails():
    class Anything:
        def __eq__(self, other):
            return True

    message = failure(nnkit.check.relu, lambda Z: Anything())
    assert "A should be a number or a NumPy array of numbers; got a Anything" in message


def test_the_wrong_number_of_values():
    message = failure(nnkit.check.perceptron_update, lambda w, b, x, y, lr: w)
    assert "should return 2 values, (w, b), as a tuple; it returned a single" in message


def test_something_that_is_not_a_function():
    message = failure(nnkit.check.relu, 3)
    assert "expects your function" in message


def test_other_warnings_are_noted_on_stdout_but_do_not_fail(capsys):
    def relu(Z):
        warnings.warn("a note from the student", UserWarning, stacklevel=1)
        return np.maximum(Z, 0)

    nnkit.check.relu(relu)
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "relu passed all 8 checks.",
        'Note: it warned "a note from the student" (UserWarning); that does not '
        "fail the check.",
    ]
    assert err == ""  # nbgrader zeroes a check cell that writes to stderr


def test_a_factor_hint_says_nonzero_when_the_zeros_are_right():
    from nnkit.check import compare

    want = np.array([0.0, 1.0, -2.0, 0.0, 3.0])
    detail = compare(2 * want, want, name="dZ").detail
    assert detail.endswith(
        "(3 of 5 values are wrong). Every nonzero value is 2 times the right one: "
        "a factor is missing or extra (such as 1/N, or 2)."
    )
    detail = compare(np.array([1.0, 2.0]), np.array([-1.0, -2.0]), name="w").detail
    assert detail == "w[0] is 1 but should be -1 (2 of 2 values are wrong)."
