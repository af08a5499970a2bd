"""Regenerate ``nnkit/data/digits.npz`` from scikit-learn's bundled copy.

The 8x8 digits are the test-set portion of the UCI ML "Optical Recognition of
Handwritten Digits" data (E. Alpaydin and C. Kaynak, 1998; CC BY 4.0;
https://archive.ics.uci.edu/dataset/80). scikit-learn ships them as
``sklearn/datasets/data/digits.csv.gz``: 1,797 rows of 64 pixel counts (0..16)
followed by the label (0..9).

Run from the repository root, with scikit-learn installed::

    python -m nnkit.data.make_digits_data

It writes the file byte for byte the same on every run (fixed zip timestamps),
then prints its size and SHA-256; if the checksum differs from
``nnkit.data.digits.DIGITS_SHA256`` (a different zlib can compress differently),
paste the printed value there.
"""

import gzip
import hashlib
import importlib.resources
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "digits.npz"
# A fixed timestamp (the earliest a zip file can hold) makes the output
# reproducible: np.savez_compressed would stamp each member with the current time.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def read_sklearn_digits():
    """Return ``(images, labels)`` as uint8 arrays of shape (1797, 8, 8) and (1797,)."""
    source = importlib.resources.files("sklearn.datasets.data") / "digits.csv.gz"
    with gzip.open(io.BytesIO(source.read_bytes()), "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    if table.shape != (1797, 65) or table.min() < 0 or table[:, :64].max() > 16:
        sys.exit(f"unexpected digits.csv.gz content: shape {table.shape}")
    images = table[:, :64].reshape(-1, 8, 8).astype(np.uint8)
    labels = table[:, 64].astype(np.uint8)
    return images, labels


def write_npz(path, arrays):
    """Write ``arrays`` (name -> array) as a compressed .npz with fixed timestamps."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            member = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            archive.writestr(member, buffer.getvalue())


def main():
    images, labels = read_sklearn_digits()
    write_npz(OUT, {"images": images, "labels": labels})
    data = OUT.read_bytes()
    print(f"wrote {OUT} ({len(data)} bytes)")
    print(f"SHA-256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
