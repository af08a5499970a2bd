"""Prove that the stored notebook outputs do not depend on the CPU.

Usage: python book/_tools/check_portable.py [NOTEBOOK_OR_FOLDER ...]
(default: book/, as `make test` validates it). Run it through
`make check-portable` before committing regenerated outputs.

A matrix product rounds differently in its last bits depending on the BLAS
kernel that computes it (NumPy's OpenBLAS picks one by CPU at run time), and
NumPy's own loops (exp, sum, ...) are dispatched by SIMD level. A stored
output that shows those bits passes strict nbval on one machine and fails on
the next. This script runs strict nbval over the book once per setting:

- native: whatever this machine picks;
- OpenBLAS forced to the Prescott, Sandybridge, Haswell and SkylakeX kernels
  (each only where the CPU has the instructions the kernel needs);
- NumPy's dispatch limited to its compiled baseline;
- PyTorch's kernels limited to their baseline (ATen's "default" capability,
  MKL limited to SSE4.2), for the chapters that use torch.

It reads the CPU flags first, skips the settings the CPU cannot run (saying
so), and exits non-zero if any setting fails. These variables are for this
check only: `make test` and CI never set them, because some machines set
OPENBLAS_CORETYPE on purpose.
"""

import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

# The environment the outputs are generated and validated in: the one its
# neighbour run_notebooks.py pins (imported by path: book/_tools is no package).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_notebooks import PINNED, ROOT  # noqa: E402

# OpenBLAS kernel -> the /proc/cpuinfo flags it needs (Linux calls SSE3 "pni").
OPENBLAS_KERNELS = {
    "Prescott": {"pni"},
    "Sandybridge": {"avx"},
    "Haswell": {"avx2", "fma"},
    "SkylakeX": {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"},
}


def cpu_flags():
    """The CPU's feature flags from /proc/cpuinfo (empty where there is none)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    match = re.search(r"^flags\s*:\s*(.*)$", text, re.MULTILINE)
    return set(match.group(1).split()) if match else set()


def numpy_dispatch_targets():
    """NumPy's dispatched SIMD targets above its baseline (e.g. X86_V3 X86_V4)."""
    code = (
        "from numpy._core._multiarray_umath import __cpu_dispatch__;"
        "print(' '.join(__cpu_dispatch__))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def settings():
    """(name, extra environment, reason to skip or None) for each setting."""
    flags = cpu_flags()
    x86 = platform.machine() in ("x86_64", "AMD64", "i686")
    yield "native", {}, None
    for kernel, needs in OPENBLAS_KERNELS.items():
        if not x86:
            skip = f"not an x86 CPU ({platform.machine()})"
        elif not needs <= flags:
            skip = f"CPU lacks {' '.join(sorted(needs - flags))}"
        else:
            skip = None
        yield f"OpenBLAS {kernel}", {"OPENBLAS_CORETYPE": kernel}, skip
    targets = numpy_dispatch_targets()
    yield (
        "NumPy baseline SIMD",
        {"NPY_DISABLE_CPU_FEATURES": " ".join(targets)},
        None if targets else "NumPy dispatches nothing above its baseline here",
    )
    yield (
        "PyTorch baseline kernels",
        {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2"},
        None if x86 else f"not an x86 CPU ({platform.machine()})",
    )


def run_nbval(targets, extra_env):
    """Run strict nbval (as `make test` does) and return (passed, failed cells)."""
    env = {**os.environ, **PINNED, **extra_env}
    command = [
        sys.executable, "-m", "pytest", "-p", "no:python", "-q", "-n", "2",
        "--dist", "loadscope", "--nbval", "--nbval-current-env",
        "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
        "--ignore=book/_static", "-p", "no:cacheprovider", *targets,
    ]  # fmt: skip
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    failed = sorted(set(re.findall(r"^FAILED (\S+::Cell \d+)", out.stdout, re.M)))
    passed = re.search(r"(\d+) passed", out.stdout)
    if out.returncode != 0 and not failed:
        failed = [f"pytest exited with {out.returncode}:\n{out.stdout[-2000:]}"]
    return int(passed.group(1)) if passed else 0, failed


def main(args):
    forced = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")
    leaked = [name for name in forced if name in os.environ]
    if leaked:
        sys.exit(
            f"check_portable: unset {' and '.join(leaked)} first; "
            "each setting sets its own."
        )
    targets = args or ["book"]
    results = []
    for name, extra_env, skip in settings():
        if skip:
            print(f"SKIP  {name:<26} {skip}", flush=True)
            results.append((name, "skipped", []))
            continue
        start = time.perf_counter()
        passed, failed = run_nbval(targets, extra_env)
        seconds = time.perf_counter() - start
        status = "FAIL" if failed else "ok"
        shown = " ".join(f"{k}={v}" for k, v in extra_env.items())
        print(
            f"{status:<5} {name:<26} {passed} cells passed in {seconds:.0f} s  "
            f"{shown or '(as the CPU picks)'}"
        )
        for cell in failed:
            print(f"        {cell}")
        sys.stdout.flush()
        results.append((name, status, failed))
    failing = [name for name, status, _ in results if status == "FAIL"]
    skipped = [name for name, status, _ in results if status == "skipped"]
    print()
    print(f"skipped (this CPU cannot run them): {', '.join(skipped) or 'none'}")
    if failing:
        sys.exit(f"outputs depend on the CPU under: {', '.join(failing)}")
    print("every stored output is the same under every setting this CPU can run")


if __name__ == "__main__":
    main(sys.argv[1:])
