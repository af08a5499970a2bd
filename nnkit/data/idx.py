"""Reading MNIST and Fashion-MNIST from their IDX files (chapter 6).

IDX is the simple binary format the MNIST files come in. A file starts with a
4-byte *magic number*: two zero bytes, a byte giving the element type (0x08
for unsigned bytes) and a byte giving the number of dimensions. Then comes
each dimension as a 4-byte big-endian integer, then the values themselves,
big-endian, in row-major (C) order. The distributed files are gzip-compressed.

Sources: MNIST by Y. LeCun, C. Cortes and C. J. C. Burges (CC BY-SA 3.0);
Fashion-MNIST by H. Xiao, K. Rasul and R. Vollgraf, Zalando Research (MIT).
"""

import gzip
import hashlib
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from nnkit._checks import shape_str

# IDX element-type codes (the magic number's third byte) -> big-endian dtypes.
IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
# Where download=True fetches from: the mirror torchvision uses for MNIST (the
# original site, yann.lecun.com, often refuses downloads) and Zalando's repository.
MIRRORS = {
    "mnist": "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "fashion-mnist": "https://raw.githubusercontent.com/zalandoresearch/"
    "fashion-mnist/master/data/fashion/",
}
# The published MD5 checksums of the files, to catch a broken or wrong download.
MD5 = {
    "mnist": {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    },
}


def read_idx(path):
    """Read an IDX file (plain or gzip-compressed) into a NumPy array.

    Parameters
    ----------
    path : str or pathlib.Path
        The file. Gzip compression is recognised from the content (its first
        two bytes are 0x1f 0x8b), not from the file name.

    Returns
    -------
    ndarray, shape given by the file, e.g. (N, 28, 28) for images, (N,) for labels
        In native byte order; dtype uint8 for the MNIST files.

    Raises
    ------
    ValueError
        If the magic number is wrong (not an IDX file) or the file is shorter
        or longer than its header says (e.g. an interrupted download).

    Examples
    --------
    >>> import tempfile
    >>> header = bytes([0, 0, 0x08, 2]) + (2).to_bytes(4, "big") * 2
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "tiny-idx2-ubyte"
    ...     _ = path.write_bytes(header + bytes([0, 1, 2, 3]))
    ...     read_idx(path)
    array([[0, 1],
           [2, 3]], dtype=uint8)
    """
    path = Path(path)
    content = path.read_bytes()
    if content[:2] == b"\x1f\x8b":
        try:
            content = gzip.decompress(content)
        except (EOFError, OSError, zlib.error) as err:
            raise ValueError(
                f"read_idx: {path} is not a valid gzip file ({err}); it may be "
                "truncated or damaged. Delete it and download it again."
            ) from err
    if len(content) < 4 or content[:2] != b"\x00\x00" or content[2] not in IDX_DTYPES:
        raise ValueError(
            f"read_idx: {path} has a bad magic number {content[:4].hex(' ')}; an "
            "IDX file starts with 00 00, a type code (08 for unsigned bytes) and "
            "the number of dimensions."
        )
    dtype, ndim = IDX_DTYPES[content[2]], content[3]
    # Header: the 4-byte magic number, then one 4-byte big-endian size per axis.
    offset = 4 + 4 * ndim
    if len(content) < offset:
        raise ValueError(
            f"read_idx: {path} is truncated: its header needs {offset} bytes for "
            f"{ndim} dimensions, but the file has {len(content)}."
        )
    shape = tuple(int(n) for n in np.frombuffer(content, ">u4", ndim, offset=4))
    expected = offset + int(np.prod(shape)) * dtype.itemsize
    if len(content) != expected:
        problem = "truncated" if len(content) < expected else "too long"
        raise ValueError(
            f"read_idx: {path} is {problem}: a {dtype.name} array of shape {shape} "
            f"needs {expected} bytes in all, but the file has {len(content)}."
        )
    values = np.frombuffer(content, dtype, offset=offset).reshape(shape)
    # astype copies into native byte order, giving a writable array.
    return values.astype(dtype.newbyteorder("="))


def load_mnist(root, *, kind="train", dataset="mnist", download=False):
    """Load MNIST or Fashion-MNIST from the four standard IDX files in a folder.

    Parameters
    ----------
    root : str or pathlib.Path
        The files are looked for in ``root / dataset``, e.g. ``data/mnist``,
        under their standard names (``train-images-idx3-ubyte.gz``,
        ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``,
        ``t10k-labels-idx1-ubyte.gz``), gzip-compressed or unpacked
        (without ``.gz``). One folder per dataset, because both use the same
        file names.
    kind : {"train", "test"}, default "train"
        The 60,000 training images or the 10,000 test images.
    dataset : {"mnist", "fashion-mnist"}, default "mnist"
        Handwritten digits, or Zalando's images of clothing (same format).
    download : bool, default False
        Fetch missing files from ``MIRRORS[dataset]`` (needs the internet),
        checking each against its published MD5 checksum.

    Returns
    -------
    X : ndarray of uint8, shape (N, 28, 28)
        Grey levels 0 (background) to 255. For a fully connected network use
        ``X.reshape(len(X), -1) / 255.0``, shape (N, 784), values in [0, 1].
    y : ndarray of int64, shape (N,)
        Class labels 0..9.

    Examples
    --------
    With the four MNIST files in ``data/mnist/`` (they are not shipped with
    nnkit, so this example is shown rather than run as a doctest)::

        X, y = load_mnist("data", kind="test")
        X.shape, y.shape  # ((10000, 28, 28), (10000,))
    """
    owner = "load_mnist"
    if kind not in ("train", "test"):
        raise ValueError(f'{owner}: kind must be "train" or "test", got {kind!r}.')
    if dataset not in MIRRORS:
        raise ValueError(
            f'{owner}: dataset must be "mnist" or "fashion-mnist", got {dataset!r}.'
        )
    folder = Path(root) / dataset
    prefix = "train" if kind == "train" else "t10k"
    names = [f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"]
    missing = [name for name in names if _find(folder, name) is None]
    if missing and not download:
        expected = ", ".join(str(folder / name) for name in missing)
        raise FileNotFoundError(
            f"{owner}: {dataset} {kind} files not found: expected {expected} (or "
            "the same without .gz). Pass download=True to fetch them, or copy "
            "them there."
        )
    for name in missing:
        _download(MIRRORS[dataset] + name, folder / name, MD5[dataset][name])
    X = read_idx(_find(folder, names[0]))
    y = read_idx(_find(folder, names[1]))
    if X.ndim != 3 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(
            f"{owner}: expected images (N, 28, 28) and labels (N,) in {folder}, "
            f"got shapes {shape_str(X.shape)} and {shape_str(y.shape)}."
        )
    return X, y.astype(np.int64)


def _find(folder, name):
    """Return the path of ``name`` in ``folder``, or of its unpacked copy, or None."""
    for path in (folder / name, folder / name.removesuffix(".gz")):
        if path.is_file():
            return path
    return None


def _download(url, destination, md5):
    """Download ``url`` to ``destination``, refusing content with the wrong MD5."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            content = response.read()
    except OSError as err:
        raise RuntimeError(
            f"load_mnist: could not download {url} ({err}). Check the internet "
            f"connection, or download the file by hand into {destination.parent}."
        ) from err
    # MD5 only checks integrity here; it is what the dataset authors publish.
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
    if digest != md5:
        raise RuntimeError(
            f"load_mnist: {url} has MD5 {digest}, expected {md5}; the download "
            "is damaged or the mirror changed. Try again later."
        )
    # Write the file only once it is known to be complete and correct, so an
    # interrupted download never leaves a broken file behind.
    destination.write_bytes(content)
