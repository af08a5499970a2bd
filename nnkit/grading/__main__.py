"""Command line: ``python -m nnkit.grading release`` and ``... grade``.

release  write the student versions of the instructor notebooks
         (default: book/assignments/source -> book/_static/assignments)
grade    grade SUBMISSIONS_DIR (STUDENT/ASSIGNMENT.ipynb, or nbgrader's
         STUDENT/ASSIGNMENT/ASSIGNMENT.ipynb) into --out DIR: new and changed
         notebooks only, unless --force, --student or --assignment
"""

import argparse
import os
import secrets
import stat
import sys
from pathlib import Path

from nnkit.grading import gradebook

# Hidden from student code when grading from a copy of the repository: the
# instructor notebooks, and the git history that holds them too. (nnkit's own
# checkout is hidden wherever it is: nnkit.grading.grade.make_sandbox.)
DEFAULT_HIDDEN = ("book/assignments/source", ".git")


def read_seed(seed_file, out):
    """The secret seed: from ``seed_file``, else from (or new in) ``OUT/seed``."""
    path = Path(seed_file) if seed_file else Path(out) / "seed"
    if not seed_file and not path.exists():
        gradebook.write_atomically(path, f"{secrets.randbits(128)}\n")
    if path.stat().st_mode & stat.S_IROTH:
        sys.exit(
            f"nnkit.grading: the seed file {path} is readable by every user, so "
            f"student code could read it too. Make it private: chmod 600 {path}"
        )
    try:
        return int(path.read_text().strip())
    except ValueError:
        sys.exit(f"nnkit.grading: the seed file {path} must hold one integer.")


def parser():
    parser = argparse.ArgumentParser(
        prog="python -m nnkit.grading",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="write the student notebooks")
    release.add_argument("--source", default="book/assignments/source")
    release.add_argument("--out", default="book/_static/assignments")
    release.add_argument(
        "--check",
        action="store_true",
        help="only report released notebooks that are out of date",
    )
    grade = commands.add_parser("grade", help="grade a folder of submissions")
    grade.add_argument("submissions", type=Path)
    grade.add_argument("--out", required=True, type=Path)
    grade.add_argument("--seed-file", help="private file holding the secret seed")
    grade.add_argument(
        "--hide",
        action="append",
        default=[],
        metavar="PATH",
        help="a file or folder student code must not see (repeatable); "
        "book/assignments/source and .git are hidden when present",
    )
    grade.add_argument(
        "--solutions",
        action="append",
        default=[],
        metavar="FOLDER",
        help="a private folder of instructor notebooks (repeatable): hidden, and "
        "grading refuses to start if student code could read a notebook in it",
    )
    grade.add_argument("--force", action="store_true", help="grade everything again")
    grade.add_argument(
        "--student",
        action="append",
        default=[],
        metavar="NAME",
        help="grade again only this student's notebooks (repeatable)",
    )
    grade.add_argument(
        "--assignment",
        action="append",
        default=[],
        metavar="NAME",
        help="grade again only this assignment's notebooks (repeatable)",
    )
    grade.add_argument(
        "--config",
        metavar="PATH",
        help="course.toml: deadline, late policy, partial credit per assignment",
    )
    grade.add_argument(
        "--roster", metavar="PATH", help="CSV of the students: id,name,email"
    )
    grade.add_argument(
        "--timestamps",
        metavar="PATH",
        help="CSV of submission times: student,assignment,submitted "
        "(default: each notebook's modification time)",
    )
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    grade.add_argument(
        "--time-limit", type=float, default=20.0, help="seconds per child"
    )
    grade.add_argument("--memory-limit", type=float, default=2.0, help="GiB per child")
    grade.add_argument(
        "--submission-time-limit",
        type=float,
        default=60.0,
        help="seconds for all the children of one submission",
    )
    return parser


def release_command(args):
    from nnkit.grading.release import out_of_date, release

    if args.check:
        stale = out_of_date(args.source, args.out)
        for path in stale:
            print(f"out of date: {path}")
        return 1 if stale else 0
    for path in release(args.source, args.out):
        print(f"wrote {path}")
    return 0


def grade_command(args):
    from nnkit.grading.bwrap import SandboxError, bwrap_path
    from nnkit.grading.course import CourseError, read_course
    from nnkit.grading.grade import grade_folder
    from nnkit.grading.sandbox import Limits

    try:
        bwrap_path()
        course = read_course(args.config, args.roster, args.timestamps)
    except (SandboxError, CourseError) as error:
        sys.exit(f"nnkit.grading: {error}")
    if os.geteuid() != 0:
        print(
            "nnkit.grading: warning: not running as root, so student code runs as "
            "your own user and can read any file you can (it cannot change them). "
            "Grade as root, inside a container or a virtual machine.",
            file=sys.stderr,
        )
    gradebook.private_folder(args.out)
    seed = read_seed(args.seed_file, args.out)
    limits = Limits(
        time_s=args.time_limit,
        memory_bytes=int(args.memory_limit * 1024**3),
        submission_s=args.submission_time_limit,
    )
    present = [Path(p).absolute() for p in DEFAULT_HIDDEN if Path(p).exists()]
    hidden = [*args.hide, *present]
    if args.seed_file:
        hidden.append(args.seed_file)
    solutions = [*args.solutions]
    if Path(DEFAULT_HIDDEN[0]).is_dir():
        solutions.append(Path(DEFAULT_HIDDEN[0]).absolute())
    try:
        graded = grade_folder(
            args.submissions,
            args.out,
            seed=seed,
            limits=limits,
            jobs=args.jobs,
            force=args.force,
            hidden=hidden,
            solutions=solutions,
            course=course,
            students=args.student,
            assignments=args.assignment,
        )
    except CourseError as error:
        sys.exit(f"nnkit.grading: {error}")
    except SandboxError as error:
        sys.exit(f"nnkit.grading: not grading: {error}")
    print(
        f"graded {len(graded)} submission(s); gradebook: {args.out / 'gradebook.csv'}"
    )
    return 0


def main(argv=None):
    args = parser().parse_args(argv)
    folder = Path(args.source if args.command == "release" else args.submissions)
    if not folder.is_dir():
        sys.exit(f"nnkit.grading: no folder {folder}; run from the repository's root?")
    return release_command(args) if args.command == "release" else grade_command(args)


if __name__ == "__main__":
    sys.exit(main())
