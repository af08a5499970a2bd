"""The graded assignments: the exercises of each, their points, their hidden cases.

Each exercise is an :class:`nnkit.check.Exercise`: the name and signature of
the function, the reference answer and the generator of cases, random shapes
and edge values. Students run the generator with a public seed (the visible
check in their notebook); the grader runs it with a secret seed, mixed with
the student's and the exercise's names so that every student gets different
hidden inputs. The points here must match those of the check cells in the
instructor notebooks (a test compares them).
"""

import os
import zlib

import numpy as np

from nnkit import check

ASSIGNMENTS = {
    "ch01_perceptron": (
        (check.perceptron_predict, 1),
        (check.perceptron_update, 2),
        (check.perceptron_epoch, 2),
    ),
    "ch02_mlp": (
        (check.linear_forward, 1),
        (check.mlp_forward, 2),
        (check.count_mlp_parameters, 1),
    ),
    "ch03_activations": (
        (check.sigmoid, 1),
        (check.sigmoid_derivative, 1),
        (check.relu, 1),
        (check.relu_derivative, 1),
        (check.softmax, 2),
    ),
    "ch04_losses": (
        (check.mse_loss, 1),
        (check.mse_gradient, 1),
        (check.cross_entropy_loss, 2),
        (check.cross_entropy_gradient, 2),
    ),
    "ch05_backprop": (
        (check.linear_backward, 2),
        (check.relu_backward, 1),
        (check.two_layer_backward, 3),
    ),
    "ch06_training": (
        (check.sgd_momentum_step, 2),
        (check.adam_step, 3),
    ),
    "ch07_regularization": (
        (check.dropout_forward, 2),
        (check.dropout_backward, 1),
        (check.l2_penalty, 1),
        (check.l2_gradient, 1),
    ),
    "ch08_metrics": (
        (check.precision, 1),
        (check.recall, 1),
        (check.f1_score, 1),
        (check.roc_auc, 2),
    ),
}


def hidden_cases(exercise, *, seed, student):
    """The hidden cases of ``exercise`` for ``student``, drawn from the secret ``seed``.

    The same seed, student and exercise always give the same cases, so grading
    again gives the same grade. ``student`` is a folder's name: its bytes count
    (``os.fsencode``), whatever their encoding.
    """
    student_hash = zlib.crc32(os.fsencode(student))
    entropy = [seed, student_hash, zlib.crc32(exercise.name.encode())]
    return exercise.cases(np.random.default_rng(np.random.SeedSequence(entropy)))


def max_points(assignment):
    """The most points a submission of ``assignment`` can get."""
    return sum(points for _, points in ASSIGNMENTS[assignment])
