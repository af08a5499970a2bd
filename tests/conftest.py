"""Shared fixtures: a seeded generator per test, so every test is reproducible."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(20261121)


@pytest.fixture
def no_leaked_figures():
    """Fail a plotting test that leaves a matplotlib figure open (used by the
    plot and widget tests through pytest.mark.usefixtures)."""
    import matplotlib.pyplot as plt

    yield
    leaked = plt.get_fignums()
    plt.close("all")
    assert not leaked, f"figures left open: {leaked}"
