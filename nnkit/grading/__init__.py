"""Release and grade the course's assignments (for instructors).

Two commands, run from the repository's root::

    python -m nnkit.grading release
    python -m nnkit.grading grade SUBMISSIONS_DIR --out DIR [--seed-file F]

``release`` turns the instructor notebooks (``book/assignments/source``, in
nbgrader's format) into the student versions the website offers
(``book/_static/assignments``), with nbgrader's own preprocessors.
``grade`` writes ``DIR/grades.json`` (the graded notebooks), one feedback
file per student and assignment, and the course's gradebook
(:mod:`.totals`): ``gradebook.csv``, ``totals.csv``, ``manual.csv``, the
Canvas, Moodle and nbgrader exports (:mod:`.exports`) and ``changes.log``.
Run it again to grade new and changed notebooks: a notebook whose content
hash is unchanged is skipped (``--force`` grades everything again,
``--student`` and ``--assignment`` only theirs). ``--config``, ``--roster``
and ``--timestamps`` name the course's files (:mod:`.course`): deadlines,
late policy and partial credit, the students, and when each notebook was
submitted. ``python -m nnkit.grading.bench`` times it.

A hidden case fails as in ``nnkit.check``: an error, a wrong answer, a
``RuntimeWarning`` from NumPy, or an input array changed in place
(:mod:`.reasons`). Student code may import the standard library and the
course's packages only (:mod:`.imports`).

How grading works
-----------------
Student code and the hidden checks never share a process. The grader reads
each submitted notebook once, without running it: only a regular file inside
the student's own folder (no symbolic or hard link, pipe or folder), at most
10 MB, with at most a million characters of code. It parses each code cell,
removes the visible checks node by node, flags uses of nnkit's own version of
an exercise (:mod:`.flags`, on those very syntax trees), draws each
exercise's hidden cases from a secret seed, and computes nnkit's answers in
its own process. A throw-away child (:mod:`.sandbox`, :mod:`.child`) runs the
compiled cells, calls the student's functions and sends back plain ``.npy``
arrays, no larger than the expected answers, which are compared here. A child
that hangs, exits, crashes or runs out of memory costs the exercise it was
running; a new child runs the rest, within a time budget per submission, and
other submissions are unaffected. Whatever a submission holds, its student
gets a record: a failure of the grader itself gives the exercises it hit 0
points with the reason ``grader error`` and a traceback in the log.

What the sandbox prevents, and what it does not
------------------------------------------------
Each child runs under bubblewrap (``bwrap``; ``apt-get install bubblewrap``
or ``make sandbox-deps``); without it the grader refuses to start. The child
has its own IPC, PID, network, UTS and mount namespaces and ``no_new_privs``;
rlimits cap its memory, CPU time, file sizes, open files and (as root) its
processes. It sees the file system read-only, with a private,
size-limited ``/tmp`` (empty but for the grader's Matplotlib font list),
``/var/tmp`` and ``/dev/shm``; the submissions, the
gradebook (``--out``), the seed file, ``--hide`` and ``--solutions`` paths,
``book/assignments/source`` and ``.git`` of the working directory, and
nnkit's own checkout wherever it is imported from (all but its package and
the interpreter) are covered by empty mounts. Run as root, the child then
becomes a private user id that owns no file. When it ends, its namespaces
end: no file, shared memory segment or process it made survives it. Before
grading, a probe child checks that it cannot read any instructor notebook
(``--solutions``, nnkit's own sources) or hidden file; if it can, grading
refuses to start, as it does for a seed file other users may read.

Student code then cannot read the seed, the gradebook, other submissions or
the instructor notebooks named to the grader, nor any file other users may
not read; it cannot change any file, reach the network, pass anything to
another submission's child, or leave processes or shared memory behind. Its
output is read within a budget and parsed as untrusted; feedback and the
gradebook quote no text the student chose except the student's folder name,
escaped (non-UTF-8 bytes as ``\\xNN``) and never a spreadsheet formula.

It remains possible to:

- read world-readable files that are not hidden: the system's files, and
  copies of the solutions the grader was not told about (keep them private,
  ``chmod -R go-rwx``, or name them with ``--solutions``);
- use nnkit's own implementation in ways the static flag cannot see (names
  built at run time with ``getattr`` or ``exec``, ``globals()``,
  ``sys.modules``; code that digs the hidden inputs out of the child's memory
  and writes answers without calling its function is flagged only if it names
  ``nnkit.check`` or ``nnkit.grading``): the flag is a hint for a human, not a
  proof;
- leak a few bits per exercise through which grade and which failure it got;
- use the CPU and memory within the limits, and the kernel's attack surface
  that namespaces leave open. For real exams, run the grader in a container
  or a virtual machine as well.

Without root, bwrap runs in a user namespace as the grader's own user: the
namespaces, the private folders and the limits hold, but student code can
read every file that user can (it still cannot change them), and the
command warns about it. A system that forbids user namespaces to
unprivileged users makes grading without root refuse to start.
"""
