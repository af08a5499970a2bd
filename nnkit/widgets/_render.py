"""How every explorer shows its figure: drawn off screen, shown as a PNG."""

import io

import ipywidgets as widgets
import matplotlib.pyplot as plt


def _show(image, fig):
    """Put ``fig`` into the Image widget ``image`` as a PNG, then close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # our figures use constrained layout
    plt.close(fig)
    image.value = buffer.getvalue()


def _explorer(controls, draw):
    """Controls above an Image redrawn by ``draw()`` (which returns a Figure)
    now and whenever a control's value changes."""
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))

    def update(change=None):
        _show(image, draw())

    for control in controls:
        control.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox(controls), image])
