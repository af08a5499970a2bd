"""Number formats and loss scaling: what float16 and bfloat16 lose (chapter 9)."""

import numpy as np
from matplotlib.ticker import MaxNLocator

from nnkit import plot
from nnkit._checks import as_float_array, check_positive
from nnkit.widgets._explorer import Explorer, rounded


def _limits(info):
    """(smallest subnormal, smallest normal, largest finite) of an ``np.finfo``."""
    return float(info.smallest_subnormal), float(info.smallest_normal), float(info.max)


# The limits of the number formats of mixed precision. bfloat16, which NumPy
# lacks, has float32's 8 exponent bits but only 7 stored fraction bits: the same
# smallest normal 2**-126 as float32, subnormals down to 2**-133 and a largest
# value of (2 - 2**-7) * 2**127, about 9.18e-41, 1.18e-38 and 3.39e38.
FLOAT_FORMATS = {
    "float16": _limits(np.finfo(np.float16)),
    "bfloat16": (2.0**-133, 2.0**-126, (2.0 - 2.0**-7) * 2.0**127),
    "float32": _limits(np.finfo(np.float32)),
}


def _format_limits(dtype_name, *, owner):
    """The limits of the format ``dtype_name``, or a clear error."""
    if dtype_name not in FLOAT_FORMATS:
        raise ValueError(
            f"{owner}: dtype_name must be one of {sorted(FLOAT_FORMATS)}, got "
            f"{dtype_name!r}."
        )
    return FLOAT_FORMATS[dtype_name]


def _lost(values, dtype_name, *, owner):
    """Masks of the entries of ``values`` that round to 0 and to infinity."""
    subnormal, _, largest = _format_limits(dtype_name, owner=owner)
    size = np.abs(as_float_array(values, owner=owner, name="values"))
    if size.size == 0:
        raise ValueError(f"{owner}: values is empty; pass at least one number.")
    # Rounding is to the nearest number of the format, ties to the even one.
    # Up to half the smallest subnormal, the nearest is 0. From halfway between
    # the largest finite number and the next power of two (the first number
    # too large to store), the result is infinity.
    to_zero = (size > 0) & (size <= subnormal / 2)
    too_large = 2.0 ** np.ceil(np.log2(largest))
    to_inf = size >= (largest + too_large) / 2
    return to_zero, to_inf


def representable_fraction(values, dtype_name):
    """What storing ``values`` in a number format loses: the fraction of them
    that underflows to 0 and the fraction that overflows to infinity.

    Parameters
    ----------
    values : array_like, any shape
        Finite real numbers, e.g. gradients times a loss scale.
    dtype_name : {"float16", "bfloat16", "float32"}

    Returns
    -------
    underflow : float
        The fraction of ``values`` that are not 0 but round to 0.
    overflow : float
        The fraction that round to plus or minus infinity.

    Notes
    -----
    Each value is rounded to the nearest number of the format, as a cast
    such as ``values.astype(np.float16)`` does, without making the cast:
    NumPy has no bfloat16. Numbers between the smallest subnormal and the
    smallest normal value are kept, but with fewer significant bits.
    Chapter 9.

    Examples
    --------
    >>> representable_fraction([1e-8, 0.5, 1e5, 2e5], "float16")
    (0.25, 0.5)
    >>> representable_fraction([1e-8, 0.5, 1e5, 2e5], "bfloat16")
    (0.0, 0.0)
    """
    to_zero, to_inf = _lost(values, dtype_name, owner="representable_fraction")
    return float(to_zero.mean()), float(to_inf.mean())


def example_gradients():
    """10,000 gradient magnitudes spread evenly on a log scale from 1e-10 to 1e2,
    drawn from ``np.random.default_rng(0)``: the same on every call."""
    rng = np.random.default_rng(0)
    return 10.0 ** rng.uniform(-10.0, 2.0, size=10_000)


def plot_precision(dtype_name, loss_scale, *, ax=None):
    """Histogram of :func:`example_gradients` times the loss scale ``S``, against
    the range of the number format ``dtype_name``.

    Bars are red where a gradient underflows to 0 and purple where it
    overflows; the grey band holds the subnormal numbers. The title gives
    both fractions, from :func:`representable_fraction`. Chapter 9.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_precision("float16", 1)
    >>> ax.get_title()
    'float16, S = 1: 21.0% round to 0, 0.0% to inf'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    owner = "plot_precision"
    check_positive(loss_scale, owner=owner, name="loss_scale")
    subnormal, normal, largest = _format_limits(dtype_name, owner=owner)
    gradients = example_gradients()
    to_zero, to_inf = _lost(loss_scale * gradients, dtype_name, owner=owner)
    kept = ~(to_zero | to_inf)
    x = np.log10(loss_scale * gradients)
    limits = np.log10([subnormal, normal, largest])
    # Quarter-decade bins over the format's range and the gradients times any S
    # from 1 to 2**16, the explorer's range: moving S moves the bars, not the axis.
    smallest_scale, largest_scale = min(loss_scale, 1), max(loss_scale, 2**16)
    low = np.floor(min(np.log10(smallest_scale * gradients.min()), limits[0])) - 1
    high = np.ceil(max(np.log10(largest_scale * gradients.max()), limits[2])) + 1
    bins = np.arange(low, high + 0.25, 0.25)

    ax = plot._axes(ax, figsize=(6.4, 4.0))
    ax.axvspan(*limits[:2], color="0.85", label="subnormal (fewer bits)")
    ax.hist(
        [x[to_zero], x[kept], x[to_inf]],
        bins=bins,
        stacked=True,
        color=["tab:red", "tab:blue", "tab:purple"],
        label=["rounds to 0", "stored", "overflows to inf"],
    )
    lines = [
        (limits[0], ":", f"smallest subnormal {subnormal:.3g}"),
        (limits[1], "--", f"smallest normal {normal:.3g}"),
        (limits[2], "-", f"largest {largest:.3g}"),
    ]
    for position, style, label in lines:
        ax.axvline(position, color="black", linestyle=style, label=label)
    underflow, overflow = to_zero.mean(), to_inf.mean()
    ax.set(
        xlim=(low, high),
        ylim=(0, 1.6 * np.histogram(x, bins)[0].max()),  # room for the legend
        xlabel=r"$\log_{10}$(|gradient| $\times$ S)",
        ylabel="number of gradients",
        title=(
            f"{dtype_name}, S = {loss_scale:g}: {underflow:.1%} round to 0, "
            f"{overflow:.1%} to inf"
        ),
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole powers of ten
    ax.legend(loc="upper left", fontsize="small", ncols=2)
    return ax


def precision_explorer():
    """A menu for the number format and a slider for the loss scale ``S``
    (powers of two from 1 to 2**16), drawn as :func:`plot_precision` draws
    them: how many of the example gradients times ``S`` the format loses to 0
    or to infinity. Chapter 9.

    For every format and scale the three histograms (lost to 0, stored, lost
    to infinity) and both fractions of :func:`representable_fraction` are
    computed here, over quarter-decade bins.
    """
    owner = "precision_explorer"
    gradients = example_gradients()
    scales = [2**k for k in range(17)]
    formats = []
    for name, (subnormal, normal, largest) in FLOAT_FORMATS.items():
        limits = np.log10([subnormal, normal, largest])
        # plot_precision's axis: the format's range and the gradients times any S.
        low = np.floor(min(np.log10(gradients.min()), limits[0])) - 1
        high = np.ceil(max(np.log10(2**16 * gradients.max()), limits[2])) + 1
        frames = []
        for scale in scales:
            to_zero, to_inf = _lost(scale * gradients, name, owner=owner)
            x = np.log10(scale * gradients)
            # Quarter-decade bins numbered from 0 at x = 0; only those that
            # hold gradients are stored, from bin `first` on.
            first, last = int(np.floor(4 * x.min())), int(np.ceil(4 * x.max()))
            bins = np.arange(first, last + 1) / 4
            kept = ~(to_zero | to_inf)
            counts = [np.histogram(x[m], bins)[0] for m in (to_zero, kept, to_inf)]
            frames.append(
                {
                    "first": first,
                    "counts": [c.tolist() for c in counts],
                    "ymax": float(1.6 * sum(counts).max()),  # room for the legend
                    "underflow": float(to_zero.mean()),
                    "overflow": float(to_inf.mean()),
                }
            )
        formats.append(
            {
                "name": name,
                "limits": rounded(limits, 6),
                "xlim": [float(low), float(high)],
                "frames": frames,
            }
        )
    data = {"scales": scales, "bin_width": 0.25, "formats": formats}
    controls = [
        ("format", "format", list(FLOAT_FORMATS), "float16"),
        ("scale", "loss scale S", scales, 1),
    ]
    return Explorer(
        "precision",
        controls,
        data,
        menus=("format",),
        figure=lambda format, scale: plot_precision(format, scale),
    )
