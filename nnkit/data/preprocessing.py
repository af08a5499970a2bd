"""Preparing inputs and targets for a network: one-hot labels, standardized
features (chapter 6).
"""

import numpy as np

from nnkit._checks import as_float_array, check_count, check_ndim, shape_str


def one_hot(y, num_classes=None):
    """One-hot encode class labels: ``Y[n, y[n]] = 1``, every other entry 0.

    Parameters
    ----------
    y : array of int, shape (N,)
        Class labels in ``[0, C)``.
    num_classes : int, optional
        C, the number of columns. Defaults to ``y.max() + 1``; pass it
        explicitly when a batch might not contain the largest class.

    Returns
    -------
    Y : ndarray of float64, shape (N, C)
        One row per sample; ``Y.argmax(axis=1)`` gives ``y`` back.

    Examples
    --------
    >>> one_hot(np.array([0, 2, 1]))
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    owner = "one_hot"
    y = np.asarray(y)
    check_ndim(y, 1, owner=owner, name="labels y", layout="(N,)")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"{owner}: labels y must be integers, got dtype {y.dtype}. "
            "If they are whole numbers stored as floats, use y.astype(int)."
        )
    if num_classes is None:
        if len(y) == 0:
            raise ValueError(
                f"{owner}: cannot infer num_classes from an empty y; pass num_classes."
            )
        num_classes = int(y.max()) + 1
    check_count(num_classes, owner=owner, name="num_classes")
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"{owner}: labels must lie in [0, {num_classes}) for "
            f"num_classes={num_classes}, got labels in [{y.min()}, {y.max()}]."
        )
    Y = np.zeros((len(y), num_classes))
    Y[np.arange(len(y)), y] = 1.0
    return Y


def standardize(X_train, *others):
    """Standardize features with the training set's statistics: ``(X - mean) / std``.

    ``mean`` and ``std`` are computed per feature (column) on ``X_train`` only
    and then applied unchanged to every array in ``others`` (a validation or
    test set, new data).

    Parameters
    ----------
    X_train : array, shape (N, D)
        Training inputs; their statistics define the transformation.
    *others : arrays, shape (M, D)
        Further inputs with the same D features, standardized the same way.

    Returns
    -------
    X_train_s : ndarray, shape (N, D)
        ``X_train`` with mean 0 and standard deviation 1 in each column.
    *others_s : ndarrays, shape (M, D)
        One per array in ``others``, in the same order.
    (mean, std) : tuple of ndarrays, each shape (D,)
        The statistics used, so new data can be transformed later with
        ``(X_new - mean) / std``. ``std`` is 1 for constant columns.

    Notes
    -----
    Why the training set only: the test set stands for data the model has
    never seen. Computing the mean over it as well would leak information
    about it into training and make the test score optimistic.

    A column whose values are all equal has standard deviation 0; dividing
    by it would give NaN, so its ``std`` is replaced by 1 and the column
    becomes all zeros (it carries no information anyway). Integer inputs
    become float64; float32 inputs stay float32.

    Examples
    --------
    >>> X_train = np.array([[1.0, 5.0], [3.0, 5.0]])
    >>> X_test = np.array([[2.0, 6.0]])
    >>> X_train_s, X_test_s, (mean, std) = standardize(X_train, X_test)
    >>> X_train_s
    array([[-1.,  0.],
           [ 1.,  0.]])
    >>> X_test_s, mean, std
    (array([[0., 1.]]), array([2., 5.]), array([1., 1.]))
    """
    owner = "standardize"
    X_train = as_float_array(X_train, owner=owner, name="X_train")
    check_ndim(X_train, 2, owner=owner, name="X_train", layout="(N, D)")
    if len(X_train) == 0:
        raise ValueError(f"{owner}: X_train is empty (0 rows); it needs at least one.")
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    # Test for constant columns exactly (max == min) rather than std < some
    # threshold, which would wrongly catch features measured in tiny units.
    constant = X_train.max(axis=0) == X_train.min(axis=0)
    std[constant] = 1.0
    D = X_train.shape[1]
    results = [(X_train - mean) / std]
    for i, X in enumerate(others):
        X = as_float_array(X, owner=owner, name=f"others[{i}]", dtype=X_train.dtype)
        if X.ndim != 2 or X.shape[1] != D:
            raise ValueError(
                f"{owner}: expected others[{i}] with {D} features, shape (M, {D}), "
                f"like X_train {shape_str(X_train.shape)}; got shape "
                f"{shape_str(X.shape)}."
            )
        results.append((X - mean) / std)
    return (*results, (mean, std))
