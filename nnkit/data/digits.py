"""The 8x8 handwritten digits, stored inside nnkit so they load offline (chapter 6).

Provenance: the test-set portion of the UCI Machine Learning Repository's
"Optical Recognition of Handwritten Digits" dataset, by E. Alpaydin and
C. Kaynak (1998), https://archive.ics.uci.edu/dataset/80, licensed under
CC BY 4.0. Forms filled in by 13 writers were scanned to 32x32 bitmaps, and
each 4x4 block was replaced by its count of ink pixels, giving 8x8 images with
values 0..16. nnkit's copy, ``digits.npz``, was made from the one bundled with
scikit-learn (``sklearn/datasets/data/digits.csv.gz``) by
``nnkit/data/make_digits_data.py``, which regenerates it byte for byte.
"""

import hashlib
import io
from importlib.resources import files

import numpy as np

DIGITS_FILE = "digits.npz"
# SHA-256 of digits.npz: loading refuses a file that is damaged or replaced.
DIGITS_SHA256 = "78a85852f7f6b2b5d209ab9b246a3f6783ba99bf264099704d8725980b7e0b97"


def load_digits(*, return_images=False):
    """Load the 1,797 8x8 handwritten digits: ``X`` (pixel counts 0..16), ``y`` (0..9).

    Parameters
    ----------
    return_images : bool, default False
        If True, ``X`` keeps the image layout (N, 8, 8), ready for
        ``plt.imshow(X[i])``; otherwise each image is flattened row by row
        into 64 features, the input a fully connected network expects.

    Returns
    -------
    X : ndarray of float64, shape (1797, 64), or (1797, 8, 8) with ``return_images``
        Pixel values, whole numbers from 0 (white) to 16 (black). Divide by 16
        or use ``standardize`` before training.
    y : ndarray of int64, shape (1797,)
        The digit each image shows; the 10 classes have 174 to 183 images each.

    Raises
    ------
    RuntimeError
        If the data file does not match its SHA-256 checksum (it is corrupted).

    Notes
    -----
    Source: UCI ML "Optical Recognition of Handwritten Digits" (Alpaydin and
    Kaynak, 1998), test set portion, CC BY 4.0,
    https://archive.ics.uci.edu/dataset/80; see the module docstring.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.shape, float(X.max()), np.unique(y).tolist()
    ((1797, 64), (1797,), 16.0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    >>> load_digits(return_images=True)[0].shape
    (1797, 8, 8)
    """
    images, labels = _read_digits_file(files("nnkit.data") / DIGITS_FILE)
    X = images.astype(np.float64)
    if not return_images:
        X = X.reshape(len(X), 64)
    return X, labels.astype(np.int64)


def _read_digits_file(path):
    """Return ``(images, labels)`` from ``path`` after checking its SHA-256.

    Takes the path as an argument so that tests can point it at a damaged copy.
    """
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != DIGITS_SHA256:
        raise RuntimeError(
            f"load_digits: the data file {path} is corrupted: its SHA-256 is "
            f"{digest}, expected {DIGITS_SHA256}. Reinstall nnkit, or regenerate "
            "the file with python -m nnkit.data.make_digits_data."
        )
    with np.load(io.BytesIO(content), allow_pickle=False) as archive:
        return archive["images"], archive["labels"]
