"""Datasets and the tools to feed them to a network.

================================  ==========================================
``nnkit.data.toy``                ``logic_gate``, ``two_moons``, ``circles``,
                                  ``spirals``, ``noisy_sine``: small synthetic
                                  sets, X of shape (N, 2) or (N, 1)
``nnkit.data.utils``              ``train_test_split``, ``minibatches``
``nnkit.data.preprocessing``      ``one_hot``, ``standardize``
``nnkit.data.digits``             ``load_digits``: 1,797 8x8 digits, offline
``nnkit.data.idx``                ``read_idx``, ``load_mnist``: MNIST and
                                  Fashion-MNIST from their IDX files
================================  ==========================================

Everything random takes a keyword-only ``rng``, a ``numpy.random.Generator``:

>>> import numpy as np
>>> from nnkit.data import two_moons, train_test_split
>>> rng = np.random.default_rng(0)
>>> X, y = two_moons(200, noise=0.1, rng=rng)
>>> X_train, X_test, y_train, y_test = train_test_split(X, y, rng=rng)
>>> X_train.shape, X_test.shape
((150, 2), (50, 2))
"""

from nnkit.data.digits import load_digits
from nnkit.data.idx import load_mnist, read_idx
from nnkit.data.preprocessing import one_hot, standardize
from nnkit.data.toy import circles, logic_gate, noisy_sine, spirals, two_moons
from nnkit.data.utils import minibatches, train_test_split

__all__ = [
    "circles",
    "load_digits",
    "load_mnist",
    "logic_gate",
    "minibatches",
    "noisy_sine",
    "one_hot",
    "read_idx",
    "spirals",
    "standardize",
    "train_test_split",
    "two_moons",
]
