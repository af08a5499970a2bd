"""Checks for chapter 6: one step of SGD with momentum, and one step of Adam.

The references are :class:`nnkit.SGD` and :class:`nnkit.Adam` (which follow
``torch.optim`` exactly), given the optimiser's state of each case. Each case
is a single step, so a mistake in the state (``v``, ``m``) shows on its own.
Adam is also tried on gradients of about 1e-6, where ``eps`` inside the square
root, ``np.sqrt(v_hat + eps)``, would shrink the step a hundredfold.
"""

import numpy as np

from nnkit.check._exercise import Case, Exercise
from nnkit.check._vary import scale
from nnkit.module import Parameter
from nnkit.optim import SGD, Adam


def _parameter(w, dw):
    parameter = Parameter(np.array(w, dtype=np.float64))
    parameter.grad[...] = dw
    return parameter


def _random_shape(rng):
    return tuple(int(n) for n in rng.integers(1, 5, size=rng.integers(1, 3)))


def _sgd_momentum_step(w, dw, v, lr, momentum):
    parameter = _parameter(w, dw)
    optimizer = SGD([parameter], lr=lr, momentum=momentum)
    optimizer.velocities[0][...] = v
    optimizer.step()
    return parameter.data, optimizer.velocities[0]


def _sgd_fixed(rng):
    # The grader scales the gradient: what each case tests stays.
    k = scale(rng)
    return [
        Case(
            "the first step, v = 0",
            dict(
                w=np.array([1.0, -2.0]),
                dw=k * np.array([0.5, 0.5]),
                v=np.zeros(2),
                lr=0.1,
                momentum=0.9,
            ),
        ),
        Case(
            "a step with some velocity",
            dict(
                w=np.array([1.0, -2.0]),
                dw=k * np.array([0.5, 0.5]),
                v=np.array([1.0, -1.0]),
                lr=0.1,
                momentum=0.9,
            ),
            "the velocity first becomes momentum * v + dw, then w moves by "
            "lr times the new velocity.",
        ),
    ]


def _sgd_random(rng):
    cases = []
    for _ in range(7):
        shape = _random_shape(rng)
        args = dict(
            w=rng.normal(size=shape),
            dw=rng.normal(size=shape),
            v=rng.normal(size=shape),
            lr=float(rng.choice([0.01, 0.1, 0.5])),
            momentum=float(rng.choice([0.5, 0.9, 0.99])),
        )
        cases.append(Case(f"random, shape {shape}", args))
    return cases


sgd_momentum_step = Exercise(
    name="sgd_momentum_step",
    signature="sgd_momentum_step(w, dw, v, lr, momentum) -> (w, v)",
    outputs=("w", "v"),
    reference=_sgd_momentum_step,
    fixed=_sgd_fixed,
    random=_sgd_random,
    forbidden=("nnkit.SGD", "nnkit.optim.SGD"),
)


def _adam_step(w, dw, m, v, t, lr, beta1, beta2, eps):
    parameter = _parameter(w, dw)
    optimizer = Adam([parameter], lr=lr, betas=(beta1, beta2), eps=eps)
    optimizer.m[0][...], optimizer.v[0][...] = m, v
    optimizer.t = t - 1  # Adam.step() counts this step: t - 1 steps were taken
    optimizer.step()
    return parameter.data, optimizer.m[0], optimizer.v[0]


DEFAULTS = dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)


def _adam_fixed(rng):
    # The grader scales the gradients: what each case tests stays.
    k = scale(rng)
    first = dict(
        w=np.array([1.0, -2.0, 0.5]),
        dw=k * np.array([100.0, -0.01, 0.0]),
        m=np.zeros(3),
        v=np.zeros(3),
        t=1,
    )
    tiny = dict(
        w=np.array([0.5, -1.0, 2.0]),
        dw=k * np.array([1e-6, -1e-6, 3e-7]),
        m=np.zeros(3),
        v=np.zeros(3),
        t=1,
    )
    return [
        Case(
            "the first step (t = 1): each weight moves by about lr",
            {**first, **DEFAULTS},
            "the bias correction divides m by 1 - beta1**t and v by 1 - beta2**t; "
            "without it the first steps are far too large.",
        ),
        Case(
            "tiny gradients, about 1e-6",
            {**tiny, **DEFAULTS},
            "the step is lr * m_hat / (np.sqrt(v_hat) + eps): eps is added after "
            "the square root. Here sqrt(v_hat) is about 1e-6, so the step is still "
            "about lr; np.sqrt(v_hat + eps) would be 1e-4 and shrink it 100 times.",
        ),
    ]


def _adam_random(rng):
    cases = []
    for _ in range(7):
        shape = _random_shape(rng)
        args = dict(
            w=rng.normal(size=shape),
            dw=rng.normal(size=shape),
            m=rng.normal(scale=0.1, size=shape),
            v=rng.uniform(0, 0.1, size=shape),
            t=int(rng.integers(1, 20)),
            lr=float(rng.choice([0.001, 0.01, 0.1])),
            beta1=float(rng.choice([0.8, 0.9])),
            beta2=float(rng.choice([0.99, 0.999])),
            eps=1e-8,
        )
        cases.append(Case(f"random, shape {shape}, t={args['t']}", args))
    return cases


adam_step = Exercise(
    name="adam_step",
    signature="adam_step(w, dw, m, v, t, lr, beta1, beta2, eps) -> (w, m, v)",
    outputs=("w", "m", "v"),
    reference=_adam_step,
    fixed=_adam_fixed,
    random=_adam_random,
    forbidden=("nnkit.Adam", "nnkit.optim.Adam"),
)
