"""How long grading takes: ``python -m nnkit.grading.bench [N] [ASSIGNMENT]``.

Grades N copies (default 30) of the instructor's solution of one assignment
(default ch01_perceptron) in a temporary folder, with ``--jobs`` children at
a time (default: the number of CPUs), and prints the time taken. Every copy
must get full marks; anything else is an error.
"""

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from nnkit.grading.exercises import max_points
from nnkit.grading.grade import grade_folder


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnkit.grading.bench")
    parser.add_argument("copies", nargs="?", type=int, default=30)
    parser.add_argument("assignment", nargs="?", default="ch01_perceptron")
    parser.add_argument("--source", default="book/assignments/source", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)

    notebook = args.source / args.assignment / f"{args.assignment}.ipynb"
    with tempfile.TemporaryDirectory() as tmp:
        submissions, out = Path(tmp) / "submissions", Path(tmp) / "out"
        for number in range(args.copies):
            folder = submissions / f"student{number:03d}"
            folder.mkdir(parents=True)
            shutil.copy(notebook, folder / notebook.name)
        start = time.perf_counter()
        records = grade_folder(
            submissions, out, seed=0, jobs=args.jobs, log=lambda line: None
        )
        seconds = time.perf_counter() - start
    full = max_points(args.assignment)
    if len(records) != args.copies or any(r["total"] != full for r in records):
        raise SystemExit("bench: some copies did not get full marks")
    print(
        f"graded {args.copies} submissions of {args.assignment} in {seconds:.1f} s "
        f"({seconds / args.copies:.2f} s each, {args.jobs} jobs)"
    )


if __name__ == "__main__":
    main()
