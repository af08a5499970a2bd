"""The widget behind every explorer: controls and a figure that the browser
draws from values nnkit computed beforehand.

An explorer computes, in Python and with nnkit, what its figure shows for
every setting of its controls, and stores those values in the widget
(``data``). The front end, ``explorer.js``, only draws: it reads the values
for the current setting and turns them into SVG. So the same widget responds
in Jupyter and on the static website, where no kernel runs: the website keeps
the widget's state, values and front end included, in the page.

Where no browser draws at all (the PDF edition, a plain-text viewer), the
widget's output also carries a PNG of its static twin, drawn by matplotlib at
the controls' current values (``figure``).
"""

import base64
import io
from pathlib import Path

import anywidget
import matplotlib.pyplot as plt
import numpy as np
import traitlets

FRONT_END = Path(__file__).with_name("explorer.js")


class Explorer(anywidget.AnyWidget):
    """Controls above a figure, drawn by ``explorer.js`` from ``data``.

    Parameters
    ----------
    kind : str
        Which drawing of ``explorer.js`` shows ``data`` (e.g. ``"activation"``).
    controls : list of (name, label, options, value)
        One slider per control, or a menu if ``name`` is in ``menus``.
        ``options`` are the values the control can take, ``value`` the one it
        starts at. The browser sees each option as its text ``str(option)``
        and a control's setting as the option's position in ``options``.
    data : dict
        Everything the figure shows, for every setting (JSON: lists, numbers,
        strings, None).
    menus : tuple of str
        The names of the controls shown as menus.
    figure : callable, optional
        ``figure(**value)`` draws the same picture with matplotlib for the
        controls' ``value`` and returns its Figure or Axes. Its PNG goes into
        the widget's output beside the widget, for readers without a browser.
    """

    _esm = FRONT_END.read_text()
    kind = traitlets.Unicode().tag(sync=True)
    controls = traitlets.List().tag(sync=True)
    index = traitlets.Dict().tag(sync=True)  # control name -> option position
    data = traitlets.Dict().tag(sync=True)

    def __init__(self, kind, controls, data, *, menus=(), figure=None):
        self.options = {name: list(options) for name, _, options, _ in controls}
        self.figure = figure
        super().__init__(
            kind=kind,
            controls=[
                {
                    "name": name,
                    "label": label,
                    "type": "menu" if name in menus else "slider",
                    "options": [str(option) for option in options],
                }
                for name, label, options, _ in controls
            ],
            index={
                name: list(options).index(value) for name, _, options, value in controls
            },
            data=data,
        )

    @property
    def value(self):
        """The value of each control now: ``{name: option}``."""
        return {name: self.options[name][i] for name, i in self.index.items()}

    def set(self, **values):
        """Move controls to the given options, e.g. ``explorer.set(w1=0.5)``."""
        index = dict(self.index)
        for name, value in values.items():
            if name not in self.options:
                raise ValueError(
                    f"{type(self).__name__}({self.kind!r}) has controls "
                    f"{list(self.options)}, got {name!r}."
                )
            if value not in self.options[name]:
                raise ValueError(
                    f"{type(self).__name__}({self.kind!r}): {name} must be one of "
                    f"{self.options[name]}, got {value!r}."
                )
            index[name] = self.options[name].index(value)
        self.index = index

    def static_png(self):
        """The PNG (base64 text) of ``figure`` at the current values, or None."""
        if self.figure is None:
            return None
        drawn = self.figure(**self.value)
        fig = getattr(drawn, "figure", drawn)  # an Axes knows its Figure
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        plt.close(fig)
        return base64.b64encode(buffer.getvalue()).decode("ascii")

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)  # (data, metadata) or None
        png = self.static_png()
        if bundle is None or png is None:
            return bundle
        data, metadata = bundle
        # The website shows the widget (its priority is higher); paper, the PNG.
        return {**data, "image/png": png}, metadata

    def __repr__(self):
        # Shown as the widget's text output, which strict nbval compares: the
        # kind and the controls' values, the same on every run.
        settings = ", ".join(
            f"{name}={self.options[name][i]!r}" for name, i in self.index.items()
        )
        return f"{type(self).__name__}({self.kind!r}, {settings})"


def rounded(values, digits=4):
    """``values`` as a list of floats with ``digits`` significant digits, for
    the JSON state; ``inf`` and ``nan`` become ``None`` (JSON has neither)."""
    values = np.asarray(values, dtype=float)
    out = [float(f"{v:.{digits}g}") if np.isfinite(v) else None for v in values.flat]
    return out if values.ndim else out[0]
