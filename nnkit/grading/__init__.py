"""Release and grade the course's assignments (for instructors).

Two commands, run from the repository's root::

    python -m nnkit.grading release
    python -m nnkit.grading grade SUBMISSIONS_DIR --out DIR [--seed-file F]

``release`` turns the instructor notebooks (``book/assignments/source``, in
nbgrader's format) into the student versions the website offers
(``book/_static/assignments``), with nbgrader's own preprocessors.
``grade`` writes ``DIR/gradebook.csv``, ``DIR/grades.json`` and one feedback
file per student and assignment; run it again to grade new submissions
(``--force`` grades everything again). ``python -m nnkit.grading.bench``
times it.

How grading works
-----------------
Student code and the hidden checks never share a process. The grader reads a
notebook's code without running it (and flags uses of nnkit's own version of
an exercise), draws each exercise's hidden cases from a secret seed, and
starts a throw-away child process (:mod:`.sandbox`, :mod:`.child`) that runs
the code cells, calls the student's functions on the inputs and writes the
answers as ``.npy`` files. The grader loads them with ``allow_pickle=False``
and compares them, as plain arrays, with nnkit's answers computed in its own
process. A child that hangs, exits, crashes or runs out of memory costs the
exercise it was running; a new child runs the rest, and other submissions
are unaffected.

What the sandbox prevents, and what it does not
------------------------------------------------
Run as root on Linux, each child reads its inputs, limits its memory, CPU
time, file sizes and open files, enters new network and mount namespaces
(no network; ``SUBMISSIONS_DIR``, ``DIR``, the seed file, ``--hide`` paths
and, from the repository's root, ``book/assignments/source`` and ``.git``
covered by empty mounts), forbids itself new processes and becomes a
private, unused user id. Student code then cannot read the seed (it is never
on disk where the child runs, and the seed file must not be world-readable),
the gradebook, other submissions or the instructor notebooks, nor any file
other users may not read; it cannot change the grader's files or nnkit's,
reach the network, or leave processes behind. Its feedback quotes no text the
student chose, so little can leak through it.

It remains possible to:

- read world-readable files that are not hidden, such as the rest of the
  repository or the system's files;
- write to world-writable places (``/tmp``), within the file size and time
  limits: a channel between submissions graded in the same batch, and a way
  to fill the disk;
- use nnkit's own implementation in ways the static flag cannot see
  (``getattr``, ``exec``): the flag is a hint for a human, not a proof;
- leak a few bits per exercise through which grade and which failure it got;
- attack the kernel or the Python interpreter itself. For real exams, run
  the grader in a container or a virtual machine as well.

A container without ``CAP_SYS_ADMIN`` refuses the namespaces: the child then
keeps the network and sees world-readable paths, but still runs under its
private user id. Where the interpreter's files are readable only by their
owner (a Python under ``/root``), only modules imported before the switch of
user (numpy, nnkit and common standard modules, ``child.PRELOAD``) can be
imported by student code.

Without root, the children run as the grader's own user: the limits and the
separate process still hold, but student code can read and change every file
that user can, and start processes that outlive it. The command warns about
it; grade in a container.
"""
