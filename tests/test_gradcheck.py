"""The gradient checker itself: it must catch a wrong backward, not only pass."""

import numpy as np

import nnkit


def test_numerical_gradient_of_a_known_function():
    x = np.array([1.0, -2.0, 3.0])
    grad = nnkit.numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_allclose(grad, np.cos(x), atol=1e-9)


def test_numerical_gradient_restores_its_input():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    nnkit.numerical_gradient(lambda: float(np.sum(x**2)), x)
    np.testing.assert_array_equal(x, [[1.0, 2.0], [3.0, 4.0]])


def test_a_wrong_backward_is_detected(rng):
    class BrokenTanh(nnkit.Tanh):
        def backward(self, dA):
            return dA * (1.0 - self.A)  # forgot the square

    assert nnkit.gradcheck(BrokenTanh(), rng.normal(size=(4, 3)), rng=rng)["max"] > 0.1


def test_a_wrong_parameter_gradient_is_detected(rng):
    class BrokenLinear(nnkit.Linear):
        def backward(self, dZ):
            dX = super().backward(dZ)
            self.bias.grad *= 2
            return dX

    errors = nnkit.gradcheck(
        BrokenLinear(3, 2, rng=rng), rng.normal(size=(4, 3)), rng=rng
    )
    assert errors["X"] < 1e-6 and errors["param 0"] < 1e-6
    assert errors["param 1"] > 0.4


def test_a_wrong_loss_gradient_is_detected():
    class BrokenMSE(nnkit.MSELoss):
        def backward(self):
            return super().backward() / 2  # forgot the 2 of the square

    error = nnkit.gradcheck_loss(
        BrokenMSE(), np.array([0.3, 2.0]), np.array([1.0, 1.0])
    )
    assert error > 0.4


def test_relative_error_is_zero_for_two_zero_gradients():
    assert nnkit.relative_error(np.zeros(3), np.zeros(3)) == 0.0
