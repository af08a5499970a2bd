"""The perceptron: one neuron with a step activation and its learning rule (chapter 1).

Rosenblatt's perceptron (1958) computes ``y_hat = step(x @ w + b)``: 1 if the
weighted sum reaches 0, else 0. It learns one sample at a time with the
perceptron rule, which moves the weights only when the prediction is wrong::

    w += lr * (y - y_hat) * x
    b += lr * (y - y_hat)

``y - y_hat`` is 0 for a correct prediction, +1 if the neuron said 0 for a 1
(so ``w`` moves towards ``x``) and -1 if it said 1 for a 0 (away from ``x``).
There is no loss and no gradient: the step has none (see ``nnkit.Step``).
"""

import numpy as np

from nnkit._checks import (
    as_float_array,
    as_generator,
    check_count,
    check_ndim,
    check_positive,
    shape_str,
)
from nnkit.activations import step


class Perceptron:
    """Perceptron: ``y_hat = step(X @ w + b)``, trained by the perceptron rule.

    Parameters
    ----------
    n_features : int
        D, the number of inputs of the neuron.
    lr : float, default 1.0
        Learning rate, > 0: how far each mistake moves ``w`` and ``b``.
    rng : numpy.random.Generator, optional
        Each epoch visits the samples in an order drawn from ``rng``
        (``rng.permutation(N)``). If None, the samples are visited in the
        order given, every epoch, so training is fully deterministic.

    Attributes
    ----------
    weight : ndarray of float64, shape (D,)
        ``w``, starting at zero.
    bias : float
        ``b``, starting at zero.

    Shapes
    ------
    X: (N, D) -> predictions: (N,) of 0s and 1s.

    Notes
    -----
    Convergence theorem (Novikoff, 1962): if the data are linearly separable,
    that is some line (hyperplane) puts every 1 on one side and every 0 on the
    other with a margin ``gamma > 0``, the perceptron makes at most
    ``(R / gamma) ** 2`` mistakes in all, whatever the order of the samples,
    where ``R`` is the largest length of an input (counting the bias as an
    input fixed at 1). So after finitely many epochs an epoch has no mistake,
    and from then on nothing changes. If the data are not separable (XOR), some
    sample is misclassified in every epoch and the weights cycle for ever.

    Starting from zero, ``w`` and ``b`` are sums of ``lr`` times inputs, so
    ``lr`` only scales them: it does not change which side of the boundary a
    point falls on, nor the number of mistakes. Chapter 1, "The perceptron".

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> y = np.array([0, 0, 0, 1])  # AND
    >>> perceptron = Perceptron(2)
    >>> perceptron.fit(X, y, epochs=6)  # mistakes per epoch
    [2, 3, 3, 2, 1, 0]
    >>> perceptron.predict(X)
    array([0, 0, 0, 1])
    >>> perceptron.weight, perceptron.bias
    (array([2., 1.]), -3.0)
    """

    def __init__(self, n_features, *, lr=1.0, rng=None):
        check_count(n_features, owner="Perceptron", name="n_features")
        check_positive(lr, owner="Perceptron", name="lr")
        self.n_features = int(n_features)
        self.lr = lr
        # None: visit the samples in their given order, epoch after epoch.
        self.rng = None if rng is None else as_generator(rng, owner="Perceptron")
        self.weight = np.zeros(self.n_features)
        self.bias = 0.0

    def predict(self, X):
        """Predicted classes ``step(X @ w + b)``: 1 where ``X @ w + b >= 0``, else 0.

        Parameters
        ----------
        X : array_like, shape (N, D)

        Returns
        -------
        ndarray of int64, shape (N,)
        """
        X = self._inputs(X)
        return step(X @ self.weight + self.bias).astype(np.int64)

    def fit(self, X, y, epochs):
        """Train with the perceptron rule, one sample at a time, for ``epochs`` epochs.

        Training continues from the current ``weight`` and ``bias`` (zeros for
        a new perceptron), so a second call trains further. All ``epochs``
        epochs run, even after one without mistakes: from then on the weights
        no longer change, and the list shows the zeros.

        Parameters
        ----------
        X : array_like, shape (N, D)
            Inputs, one row per sample.
        y : array_like, shape (N,)
            Labels, each 0 or 1.
        epochs : int
            Number of passes over the data, >= 1.

        Returns
        -------
        list of int, length ``epochs``
            The number of mistakes (updates) made in each epoch.
        """
        X = self._inputs(X)
        y = self._labels(y, len(X))
        check_count(epochs, owner="Perceptron.fit", name="epochs")
        N, mistakes = len(X), []
        for _ in range(epochs):
            order = np.arange(N) if self.rng is None else self.rng.permutation(N)
            count = 0
            for i in order:
                y_hat = 1 if X[i] @ self.weight + self.bias >= 0 else 0  # step
                error = int(y[i]) - y_hat  # 0 if right, +1 or -1 if wrong
                if error != 0:
                    self.weight += self.lr * error * X[i]
                    self.bias += self.lr * error
                    count += 1
            mistakes.append(count)
        return mistakes

    def _inputs(self, X):
        """Return ``X`` as a float64 array of shape (N, D), N >= 1."""
        owner, D = repr(self), self.n_features
        X = as_float_array(X, owner=owner, name="X", dtype=np.float64)
        check_ndim(X, 2, owner=owner, name="X", layout=f"(N, {D})")
        if X.shape[1] != D or len(X) == 0:
            raise ValueError(
                f"{owner} expected X with {D} features and at least one row "
                f"(shape (N, {D})), got shape {shape_str(X.shape)}."
            )
        return X

    def _labels(self, y, N):
        """Return ``y`` as int64 labels of shape (N,), refusing anything but 0 and 1."""
        owner = repr(self)
        y = np.asarray(y)
        if y.shape != (N,):
            raise ValueError(
                f"{owner}: expected labels y of shape ({N},), one per row of X, got "
                f"shape {shape_str(y.shape)}."
            )
        if y.dtype.kind not in "biuf" or not np.all((y == 0) | (y == 1)):
            raise ValueError(
                f"{owner}: labels y must be 0 or 1, got {np.unique(y)[:5].tolist()}. "
                "For labels -1 and +1, pass (y > 0).astype(int)."
            )
        return y.astype(np.int64)

    def __repr__(self):
        return f"Perceptron(n_features={self.n_features}, lr={self.lr})"
