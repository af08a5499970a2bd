"""Smoke test of tests/benchmarks/gpu.py: it runs, on the CPU, at a tiny size."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu.py"


def test_benchmark_runs_on_the_cpu_and_prints_the_ratios():
    arguments = "--device cpu --sizes 32,32,10 --batch 16 --steps 2 --repeats 1"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *arguments.split()],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "torch.nn + torch.optim" in result.stdout
    assert "nnkit.torch" in result.stdout and "x\n" in result.stdout
