"""The website builds with warnings as errors, and every chapter becomes a page."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def toc_files():
    text = (ROOT / "_toc.yml").read_text()
    return re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)", text, flags=re.M)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the book into a temporary folder (the real _build is left alone)."""
    out = tmp_path_factory.mktemp("site")
    jupyter_book = shutil.which("jupyter-book") or str(
        Path(sys.executable).parent / "jupyter-book"
    )
    result = subprocess.run(
        [
            jupyter_book,
            "build",
            "-W",
            "--keep-going",
            "--path-output",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return out / "_build" / "html"


def test_every_toc_entry_becomes_a_page(site):
    for name in toc_files():
        assert (site / f"{name}.html").is_file(), name


def test_pages_have_launch_download_and_repository_buttons(site):
    page = (site / "book/00_what_is_deep_learning.html").read_text()
    assert "mybinder.org" in page and "colab.research.google.com" in page
    assert "Download" in page or "download" in page
    assert "github.com/nnkit-course/nnkit-book" in page


def test_search_page_and_index_exist(site):
    assert (site / "search.html").is_file() and (site / "searchindex.js").is_file()
