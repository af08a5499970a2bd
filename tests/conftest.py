"""Shared fixtures: a seeded generator per test, so every test is reproducible."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(20261121)
