"""Sphinx extension: the site serves every script and font its pages load.

MathJax, require.js, the Jupyter widget manager and anywidget's front end
come from npm, at the versions pinned in ``tests/browser/package-lock.json``
(``make browser-deps`` installs them into ``.cache/browser/node_modules``).
This extension copies the files the pages use into ``_static/vendor/`` of the
built site, so a page asks no other server for anything: it works offline,
behind a firewall and from a saved copy. ``_config.yml`` points MathJax and
the widget scripts at these copies.
"""

import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

# npm package -> (folder under _static/vendor, files and folders to copy).
ASSETS = {
    "mathjax": (
        "mathjax",
        [
            "es5/tex-mml-chtml.js",
            "es5/output/chtml/fonts/woff-v2",
            "es5/input/tex/extensions",  # loaded on demand by \require, autoload
            "es5/a11y",  # the accessibility options of MathJax's menu
            "es5/sre",
            "es5/ui",
        ],
    ),
    "requirejs": ("requirejs", ["require.js"]),
    "@jupyter-widgets/html-manager": ("html-manager", ["dist/embed-amd.js"]),
    "anywidget": ("anywidget", ["dist/index.js"]),
}
# The widget manager's icon fonts, which it looks up next to embed-amd.js.
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".eot", ".svg")


def node_modules(app):
    return Path(app.srcdir) / ".cache" / "browser" / "node_modules"


def check_installed(app):
    if app.builder.format != "html":
        return  # The PDF and other builders load no scripts.
    missing = [name for name in ASSETS if not (node_modules(app) / name).is_dir()]
    if missing:
        raise ExtensionError(
            f"site_assets: the npm packages {missing} are not in "
            f"{node_modules(app)}; run `make browser-deps` (npm ci in .cache/browser "
            "with tests/browser/package.json) before building the book."
        )


def copy_assets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    vendor = Path(app.outdir) / "_static" / "vendor"
    for package, (folder, paths) in ASSETS.items():
        source = node_modules(app) / package
        target = vendor / folder
        for path in paths:
            # Strip the package's build folder (es5/, dist/) from the target path.
            relative = Path(*Path(path).parts[1:]) if "/" in path else Path(path)
            copy(source / path, target / relative)
        if package == "@jupyter-widgets/html-manager":
            for font in (source / "dist").iterdir():
                if font.suffix in FONT_SUFFIXES:
                    copy(font, target / font.name)


def copy(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def setup(app):
    app.connect("builder-inited", check_installed)
    app.connect("build-finished", copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
