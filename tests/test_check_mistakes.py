"""nnkit.check catches the typical mistakes of each chapter, and says why.

Each test writes a function the way a student might get it wrong and checks
that the check fails on the case built for that mistake, with a message that
names the cause in plain words; hints appear only where they fit.
"""

import numpy as np
import pytest

import nnkit.check
from nnkit.check import CheckFailed


def failure(exercise, function, **kwargs):
    with pytest.raises(CheckFailed) as error:
        exercise(function, **kwargs)
    return str(error.value)


def test_softmax_with_the_global_max_fails():
    def softmax(Z):
        E = np.exp(Z - Z.max())  # one max for the whole array
        return E / E.sum(axis=1, keepdims=True)

    message = failure(nnkit.check.softmax, softmax)
    assert message.startswith("softmax: A[1, 0] is nan but should be 0.268941")
    assert "Failed on case 1 of" in message and "(two rows, far apart)" in message
    assert "Z = np.array([[1000., 999.], [0., 1.]])" in message
    assert "Z - Z.max(axis=1, keepdims=True)" in message
    assert 'NumPy also warned "invalid value encountered in divide"' in message


def test_softmax_along_the_wrong_axis_fails():
    def softmax(Z):
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        return E / E.sum(axis=0, keepdims=True)

    message = failure(nnkit.check.softmax, softmax)
    assert message.startswith("softmax: A[0, 0] is ")
    assert "warned" not in message


@pytest.mark.parametrize("output", ["loss", "gradient"])
def test_cross_entropy_with_the_global_max_fails(output):
    def cross_entropy(Z, y):
        shifted = Z - Z.max()  # one max for the whole array
        E = np.exp(shifted)
        log_probs = shifted - np.log(E.sum(axis=1, keepdims=True))
        N = len(Z)
        if output == "loss":
            return float(-log_probs[np.arange(N), y].mean())
        P = E / E.sum(axis=1, keepdims=True)
        P[np.arange(N), y] -= 1
        return P / N

    exercise = getattr(nnkit.check, f"cross_entropy_{output}")
    message = failure(exercise, cross_entropy)
    assert "Failed on case 1 of" in message and "(two rows, far apart)" in message
    assert "sends the second row to exp(-1000) = 0" in message
    assert "NumPy also warned" in message


@pytest.mark.parametrize("name", ["sigmoid", "sigmoid_derivative"])
def test_the_naive_sigmoid_fails_on_its_overflow_warning(name):
    def sigmoid(Z):
        return 1 / (1 + np.exp(-Z))  # right answer at -1000, after an overflow

    def function(Z):
        A = sigmoid(Z)
        return A if name == "sigmoid" else A * (1 - A)

    message = failure(getattr(nnkit.check, name), function)
    assert message.startswith(f'{name}: NumPy warned "overflow encountered in exp"')
    assert "at line" in message and "return 1 / (1 + np.exp(-Z))" in message
    assert "a warning fails the check (and the grading)" in message
    assert "np.exp(-np.abs(Z))" in message


def test_a_sigmoid_whose_where_overflows_on_the_other_branch_fails():
    def sigmoid(Z):
        return np.where(Z >= 0, 1 / (1 + np.exp(-Z)), np.exp(Z) / (1 + np.exp(Z)))

    message = failure(nnkit.check.sigmoid, sigmoid)
    assert "overflow encountered in exp" in message
    assert "np.where evaluates both of its branches" in message


def test_a_warning_the_student_silenced_is_not_counted():
    """np.errstate in the student's code is a deliberate choice: the check
    judges the answer, and the naive formula's answer is right."""

    def sigmoid(Z):
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-Z))

    nnkit.check.sigmoid(sigmoid)


def test_adam_with_eps_inside_the_square_root_fails():
    def adam_step(w, dw, m, v, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * dw
        v = beta2 * v + (1 - beta2) * dw**2
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        return w - lr * m_hat / np.sqrt(v_hat + eps), m, v

    message = failure(nnkit.check.adam_step, adam_step)
    assert message.startswith("adam_step: w[0] is 0.49999 but should be 0.49901")
    assert "(tiny gradients, about 1e-6)" in message
    assert "eps is added after the square root" in message


def test_adam_without_bias_correction_fails_on_the_first_step():
    def adam_step(w, dw, m, v, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * dw
        v = beta2 * v + (1 - beta2) * dw**2
        return w - lr * m / (np.sqrt(v) + eps), m, v

    message = failure(nnkit.check.adam_step, adam_step)
    assert "Failed on case 1 of" in message and "bias correction" in message


@pytest.mark.parametrize(
    ("exercise", "function", "detail"),
    [
        (
            nnkit.check.perceptron_update,
            "def f(w, b, x, y, lr):\n"
            "    error = y - (1 if x @ w + b >= 0 else 0)\n"
            "    w += lr * error * x\n"
            "    return w, b + lr * error",
            "changed its input w in place (w[0] was 1 and is now -0.5)",
        ),
        (
            nnkit.check.relu,
            "def f(Z):\n    Z[Z < 0] = 0\n    return Z",
            "changed its input Z in place (Z[0] was -1000 and is now 0)",
        ),
        (
            nnkit.check.sgd_momentum_step,
            "def f(w, dw, v, lr, momentum):\n"
            "    v *= momentum\n"
            "    v += dw\n"
            "    return w - lr * v, v",
            "changed its input v in place",
        ),
    ],
    ids=["w +=", "Z[Z < 0] = 0", "v *="],
)
def test_changing_an_input_in_place_fails(exercise, function, detail):
    namespace = {}
    exec(function, {"np": np}, namespace)
    message = failure(exercise, namespace["f"])
    assert message.startswith(f"{exercise.name} {detail}")
    assert "return new ones" in message
    assert "What this case tests" not in message  # about the answer, not this


def test_a_transposed_square_result_is_recognised():
    message = failure(nnkit.check.linear_forward, lambda X, W, b: (X @ W + b).T)
    assert "(square: 2 samples, 2 inputs, 2 neurons)" in message
    assert "It is the transpose of the right answer" in message


def test_a_transposed_gradient_is_recognised():
    def linear_backward(X, W, dZ):
        return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)

    message = failure(nnkit.check.linear_backward, linear_backward)
    assert "dW has shape (3, 3)" not in message
    assert "It is the transpose of the right answer" in message


def test_precision_and_recall_swapped_fail_on_the_first_case():
    def tp_fp_fn(y_true, y_pred):
        tp = np.sum((y_pred == 1) & (y_true == 1))
        fp = np.sum((y_pred == 1) & (y_true == 0))
        fn = np.sum((y_pred == 0) & (y_true == 1))
        return tp, fp, fn

    def recall_as_precision(y_true, y_pred):
        tp, _, fn = tp_fp_fn(y_true, y_pred)
        return float(tp / (tp + fn)) if tp + fn else 0.0

    def precision_as_recall(y_true, y_pred):
        tp, fp, _ = tp_fp_fn(y_true, y_pred)
        return float(tp / (tp + fp)) if tp + fp else 0.0

    message = failure(nnkit.check.precision, recall_as_precision)
    assert message.startswith("precision: precision is 0.4 but should be 0.666667")
    assert "Failed on case 1 of" in message
    assert "y_true = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0])" in message
    message = failure(nnkit.check.recall, precision_as_recall)
    assert message.startswith("recall: recall is 0.666667 but should be 0.4")
    assert "Failed on case 1 of" in message

    def accuracy(y_true, y_pred):
        return float(np.mean(y_true == y_pred))

    message = failure(nnkit.check.f1_score, accuracy)
    assert message.startswith("f1_score: f1 is 0.555556 but should be 0.5")


def test_the_sum_instead_of_the_mean_fails_on_the_first_case():
    message = failure(
        nnkit.check.mse_loss, lambda y_pred, y_true: np.sum((y_pred - y_true) ** 2)
    )
    assert message.startswith("mse_loss: L is 8.75 but should be 2.91667")
    assert "(three errors: the mean, not the sum)" in message

    message = failure(
        nnkit.check.linear_backward,
        lambda X, W, dZ: (dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)),
    )
    assert message.startswith("linear_backward: db[0] is 1.5 but should be 3")
    assert "Every value is 0.5 times the right one" in message
    assert "(a sum, not a mean)" in message


def test_a_missing_factor_gets_a_hint():
    message = failure(nnkit.check.mse_gradient, lambda p, t: (p - t) / p.size)
    assert "(3 of 3 values are wrong). Every value is 0.5 times the right one" in (
        message
    )


def test_the_wrong_sign_is_said_only_when_every_value_is_negated():
    message = failure(nnkit.check.mse_gradient, lambda p, t: 2 * (t - p) / p.size)
    assert "Every value has the wrong sign." in message

    def perceptron_epoch(w, b, X, y, lr):  # one batch update, not one per sample
        error = y - (X @ w + b >= 0)
        return w + lr * error @ X, b + lr * error.sum(), int(np.sum(error != 0))

    message = failure(nnkit.check.perceptron_epoch, perceptron_epoch)
    assert message.startswith("perceptron_epoch: w[0] is -1 but should be 1")
    assert "sign" not in message and "times the right one" not in message
    assert "one sample at a time, in order" in message


def test_the_l2_gradient_with_an_extra_2_gets_the_factor_hint():
    message = failure(nnkit.check.l2_gradient, lambda W, lam: 2 * lam * W)
    assert "(a (2, 2) W)" in message
    assert "Every value is 2 times the right one" in message
    assert "the 1/2 cancels the 2" in message


def test_a_factor_on_some_values_only_gets_no_hint():
    def mse_gradient(y_pred, y_true):
        d = 2 * (y_pred - y_true) / y_pred.size
        d.flat[0] *= 2  # one value off, the others right
        return d

    message = failure(nnkit.check.mse_gradient, mse_gradient)
    assert "(1 of 3 values are wrong)." in message
    assert "times the right one" not in message


def test_a_type_error_inside_the_function_is_reported_at_its_line():
    def sigmoid_derivative(Z):
        A = 1 / (1 + np.exp(-np.abs(Z)))
        return A * (1 - A) + None  # the student's own mistake

    message = failure(nnkit.check.sigmoid_derivative, sigmoid_derivative)
    assert message.startswith(
        "sigmoid_derivative raised TypeError: unsupported operand type(s) for +"
    )
    assert "in sigmoid_derivative, line" in message
    assert ": return A * (1 - A) + None" in message
    assert "should be called as" not in message
    assert "What this case tests" not in message


def test_an_error_inside_numpy_is_reported_at_the_students_line():
    def linear_forward(X, W, b):
        return X @ W.T + b

    message = failure(nnkit.check.linear_forward, linear_forward)
    assert message.startswith("linear_forward raised ValueError: matmul")
    assert "in linear_forward, line" in message and "return X @ W.T + b" in message


def test_a_wrong_signature_gets_the_signature_hint():
    message = failure(nnkit.check.sigmoid, lambda: None)
    assert message.startswith("sigmoid could not be called: TypeError")
    assert "The function should be called as sigmoid(Z) -> A." in message


def test_a_syntax_error_inside_the_function_is_reported_as_such():
    def relu(Z):
        return eval("np.maximum(Z, 0")

    message = failure(nnkit.check.relu, relu)
    assert message.startswith("relu raised SyntaxError: ")
    assert "at line 1: np.maximum(Z, 0" in message
    assert "not defined" not in message


def test_an_untouched_stub_gets_one_short_message():
    def relu(Z):
        raise NotImplementedError()

    with pytest.raises(CheckFailed) as error:
        nnkit.check.relu(relu)
    assert str(error.value) == (
        "relu is not written yet: it raises NotImplementedError. "
        "Replace `raise NotImplementedError()` with your code."
    )
    assert error.value.__cause__ is None and error.value.__suppress_context__
    assert error.value._render_traceback_() == [f"CheckFailed: {error.value}"]
