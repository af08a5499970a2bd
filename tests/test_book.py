"""The website: it builds with warnings as errors, it needs no server but its
own, and its explorers respond in a real browser.

The build goes to a temporary folder (the real ``_build`` is left alone; only
the screenshots of an explorer go to ``_build/screenshots``). The browser
checks serve it on 127.0.0.1 and drive Debian's Chromium with Playwright.
Every request that leaves 127.0.0.1 is refused and fails the test: MathJax,
require.js, the widget manager and the explorers' front end must come from
the site itself (``book/_ext/site_assets.py``).

Each explorer is moved through several values of each control, from the
keyboard and with the mouse-free form calls, and what it draws is read back
from its SVG and compared with nnkit's values at one setting.
"""

import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import numpy as np
import pytest
from bs4 import BeautifulSoup

from nnkit import metrics
from nnkit.activations import leaky_relu, sigmoid
from nnkit.perceptron import Perceptron
from nnkit.widgets import (
    GATE_NAMES,
    example_gradients,
    gradient_descent_1d,
    representable_fraction,
    train_mlp,
)
from nnkit.widgets.gradient_descent import LOSSES

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "_build" / "screenshots"


def toc_files():
    text = (ROOT / "_toc.yml").read_text()
    return re.findall(r"^\s*(?:-\s*)?(?:root|file):\s*(\S+)", text, flags=re.M)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the book with -W into a temporary folder; return its html folder."""
    out = tmp_path_factory.mktemp("site")
    jupyter_book = shutil.which("jupyter-book") or str(
        Path(sys.executable).parent / "jupyter-book"
    )
    result = subprocess.run(
        [
            jupyter_book,
            "build",
            "-W",
            "--keep-going",
            "--path-output",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return out / "_build" / "html"


def pages(site):
    """Every page a reader can reach: the chapters, appendices, index and search."""
    return sorted(site.glob("book/*.html")) + [site / "search.html"]


# Static checks of the built HTML ---------------------------------------------


def test_every_toc_entry_becomes_a_page(site):
    for name in toc_files():
        assert (site / f"{name}.html").is_file(), name


def test_no_orphan_pages(site):
    built = {
        p.relative_to(site).with_suffix("").as_posix() for p in site.glob("book/*.html")
    }
    assert built == set(toc_files())


def test_chapters_have_launch_download_and_repository_buttons(site):
    for name in toc_files():
        if not (ROOT / f"{name}.ipynb").exists():
            continue
        page = (site / f"{name}.html").read_text()
        assert "mybinder.org/v2/gh/nnkit-course/nnkit-book" in page, name
        assert "colab.research.google.com/github/nnkit-course/nnkit-book" in page, name
        assert f"_sources/{name}.ipynb" in page, name  # the download button
        assert "github.com/nnkit-course/nnkit-book/issues" in page, name


def test_internal_links_and_anchors_resolve(site):
    ids = {}

    def ids_of(path):
        if path not in ids:
            soup = BeautifulSoup(path.read_text(), "html.parser")
            ids[path] = {tag["id"] for tag in soup.find_all(id=True)}
        return ids[path]

    broken = []
    for page in pages(site):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for link in soup.find_all("a", href=True):
            href = link["href"]
            if re.match(r"^[a-z]+:", href):
                continue  # external (http, https, mailto): not ours to check
            target = urlsplit(href)
            path = (
                (page.parent / unquote(target.path)).resolve() if target.path else page
            )
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append(f"{page.name}: {href} (no such file)")
            elif target.fragment and path.suffix == ".html":
                if unquote(target.fragment) not in ids_of(path):
                    broken.append(f"{page.name}: {href} (no such anchor)")
    assert broken == []


# Browser checks -----------------------------------------------------------------


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser test needs {CHROMIUM}; `make browser-deps` installs it "
            "(make test runs it)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class Visit:
    """One page load, recording console errors, failed requests and every
    request that tried to leave the site (all refused)."""

    def __init__(self, browser, server):
        self.errors, self.outside = [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self.route)
        self.page = self.context.new_page()
        self.page.on("console", self.console)
        self.page.on(
            "pageerror", lambda error: self.errors.append(f"page error: {error}")
        )
        self.page.on("response", self.response)
        self.server = server

    def route(self, route):
        url = route.request.url
        if url.startswith(self.server):
            return route.continue_()
        self.outside.append(url)  # nothing may be fetched from outside the site
        return route.abort()

    def console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def response(self, response):
        if response.url.startswith(self.server) and response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def open(self, url):
        self.page.goto(url, wait_until="load")
        # Scroll through the page so that lazily loaded images load too.
        self.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self):
        self.context.close()


def reading_pages(site):
    return [p.relative_to(site).as_posix() for p in site.glob("book/*.html")]


def test_every_page_loads_cleanly_with_math_images_and_explorers(site, server, browser):
    problems = []
    for name in reading_pages(site):
        html = (site / name).read_text()
        visit = Visit(browser, server)
        page = visit.open(urljoin(server, name))
        broken_images = page.evaluate(
            "Array.from(document.images)"
            ".filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        problems += [f"{name}: image did not load: {src}" for src in broken_images]
        if 'class="math' in html:
            page.wait_for_function(
                "window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            page.evaluate("MathJax.startup.promise")
            typeset = page.evaluate("document.querySelectorAll('mjx-container').length")
            errors = page.evaluate("document.querySelectorAll('mjx-merror').length")
            if typeset == 0:
                problems.append(f"{name}: MathJax typeset nothing")
            if errors:
                problems.append(f"{name}: {errors} MathJax error(s)")
        views = html.count("application/vnd.jupyter.widget-view+json")
        if views:
            drawn = ".nnkit-explorer svg .nnkit-panel"
            page.wait_for_selector(drawn, state="attached", timeout=20_000)
            explorers = page.evaluate(
                "document.querySelectorAll('.nnkit-explorer').length"
            )
            if explorers != views:
                problems.append(f"{name}: {views} widget view(s), {explorers} drawn")
        problems += [f"{name}: {e}" for e in visit.errors]
        problems += [
            f"{name}: asked a server other than the site for {url}"
            for url in visit.outside
        ]
        visit.close()
    assert problems == []


def test_pages_stay_light(site):
    heavy = {
        name: size
        for name in reading_pages(site)
        if (size := (site / name).stat().st_size) > 3_000_000
    }
    assert heavy == {}


@pytest.mark.parametrize("term", ["perceptron", "backpropagation"])
def test_search_returns_results(site, server, browser, term):
    visit = Visit(browser, server)
    page = visit.open(urljoin(server, f"search.html?q={term}"))
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    results = page.evaluate(
        "document.querySelectorAll('#search-results ul.search li').length"
    )
    visit.close()
    assert results > 0
    assert visit.errors == []


def test_one_search_box_per_page(site, server, browser):
    visit = Visit(browser, server)
    page = visit.open(urljoin(server, "book/01_perceptron.html"))
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('.search-button__button'))"
        ".filter(b => b.getBoundingClientRect().width > 0).length"
    )
    visit.close()
    assert visible == 1


# The explorers ----------------------------------------------------------------

# Reads a drawn path or dot back into the data coordinates of its panel.
READ_DRAWN = """(node) => {
  const g = node.closest('.nnkit-panel');
  const [x0, x1] = g.dataset.xlim.split(',').map(Number);
  const [y0, y1] = g.dataset.ylim.split(',').map(Number);
  const [left, top, width, height] = g.dataset.box.split(',').map(Number);
  const x = (px) => x0 + ((px - left) / width) * (x1 - x0);
  const y = (py) => y0 + ((top + height - py) / height) * (y1 - y0);
  if (node.tagName === 'circle') {
    return [[x(+node.getAttribute('cx')), y(+node.getAttribute('cy'))]];
  }
  return node.getAttribute('d').split(/[ML]/).filter(Boolean)
    .map((p) => p.split(',').map(Number)).map(([a, b]) => [x(a), y(b)]);
}"""


def explorer_states(html):
    """The saved state of each explorer of a page, in the order of the page."""
    soup = BeautifulSoup(html, "html.parser")
    script = soup.find("script", type="application/vnd.jupyter.widget-state+json")
    if script is None:
        return []
    models = json.loads(script.string)["state"]
    views = soup.find_all("script", type="application/vnd.jupyter.widget-view+json")
    states = [models[json.loads(v.string)["model_id"]]["state"] for v in views]
    return [state for state in states if "kind" in state]


class OnPage:
    """One explorer on a page, driven like a reader drives it."""

    def __init__(self, page, root, state):
        self.page, self.root, self.state = page, root, state

    def options(self, name):
        (control,) = [c for c in self.state["controls"] if c["name"] == name]
        return control["options"]

    def position(self, name):
        return int(self.control(name).input_value())

    def control(self, name):
        return self.root.locator(f'[data-control="{name}"]')

    def move(self, name, position):
        """A menu by choosing an entry; a slider from the keyboard."""
        control = self.control(name)
        if control.evaluate("c => c.tagName") == "SELECT":
            control.select_option(str(position))
            return
        control.focus()
        n = len(self.options(name))
        if position == n - 1:
            self.page.keyboard.press("End")
        else:
            self.page.keyboard.press("Home")
            for _ in range(position):
                self.page.keyboard.press("ArrowRight")
        assert self.position(name) == position

    def move_to(self, **values):
        for name, value in values.items():
            self.move(name, self.options(name).index(value))

    def drawing(self):
        return self.root.locator("svg").inner_html()

    def titles(self):
        return self.root.locator(".nnkit-title").all_text_contents()

    def drawn(self, name):
        return np.array(
            self.root.locator(f'[data-name="{name}"]').first.evaluate(READ_DRAWN)
        )


def check_activation(explorer, state):
    explorer.move_to(activation="sigmoid")
    z, a = explorer.drawn("f").T
    assert a[np.argmin(abs(z - 1.0))] == pytest.approx(sigmoid(1.0), abs=1e-3)
    explorer.move_to(activation="leaky ReLU", slope="0.3")
    z, a = explorer.drawn("f").T
    assert a[np.argmin(abs(z + 2.0))] == pytest.approx(leaky_relu(-2.0, 0.3), abs=1e-3)


def check_perceptron(explorer, state):
    explorer.move_to(w1="0.5", w2="-1.0", b="0.25")
    perceptron = Perceptron(2)
    perceptron.weight[:] = 0.5, -1.0
    perceptron.bias = 0.25
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    rows = explorer.root.locator(".nnkit-table text").all_text_contents()[1:]
    drawn = [row.split() for row in rows]
    assert [float(z) for _, _, z, _ in drawn] == pytest.approx(X @ [0.5, -1.0] + 0.25)
    assert [int(y) for *_, y in drawn] == perceptron.predict(X).tolist()
    name = GATE_NAMES[tuple(perceptron.predict(X).tolist())]
    name = name.replace("$x_1$", "x₁").replace("$x_2$", "x₂")
    assert explorer.titles()[0] == f"{name}:  w = (0.5, -1),  b = 0.25"


def check_learning_rate(explorer, state):
    explorer.move_to(loss="w⁴ - 3w² + w", lr="0.1", steps="10", w0="2.0")
    _, grad, _ = LOSSES["w⁴ - 3w² + w"]
    ws = gradient_descent_1d(grad, 2.0, 0.1, 10)
    drawn = [explorer.drawn(f"w{t}")[0, 0] for t in range(11)]
    assert drawn == pytest.approx(ws, abs=2e-3)
    assert explorer.titles()[0] == f"lr = 0.1: w10 = {ws[-1]:.3f}"


def check_width(explorer, state):
    data = state["data"]
    X, y = np.array(data["X"]), np.array(data["y"])
    explorer.move(name="width", position=0)
    width = int(explorer.options("width")[0])
    training = data["training"]
    model = train_mlp(
        X,
        y,
        width,
        epochs=training["epochs"],
        lr=training["lr"],
        rng=np.random.default_rng(training["seed"]),
    )
    accuracy = metrics.accuracy(y, model(X).argmax(axis=1))
    assert explorer.titles()[0] == f"width {width}: training accuracy {accuracy:.2f}"


def check_threshold(explorer, state):
    data = state["data"]
    y_true, y_score = np.array(data["y_true"]), np.array(data["y_score"])
    explorer.move(name="threshold", position=30)
    t = data["thresholds"][30]
    y_pred = (y_score >= t).astype(int)
    p, r = metrics.precision(y_true, y_pred), metrics.recall(y_true, y_pred)
    assert explorer.titles()[1] == f"Predict 1 if score >= {t:.2f}"
    assert explorer.titles()[2] == f"precision {p:.2f}, recall {r:.2f}"
    cm = metrics.confusion_matrix(y_true, y_pred, labels=np.array([0, 1]))
    counts = explorer.root.locator(".nnkit-count").all_text_contents()
    assert [int(c) for c in counts] == cm.ravel().tolist()


def check_precision(explorer, state):
    explorer.move_to(format="float16", scale="1024")
    underflow, overflow = representable_fraction(1024 * example_gradients(), "float16")
    assert explorer.titles()[0] == (
        f"float16, S = 1024: {100 * underflow:.1f}% round to 0, "
        f"{100 * overflow:.1f}% to inf"
    )


# A control that only acts in some settings, and a setting where it does.
ENABLED_BY = {"slope": {"activation": "leaky ReLU"}}

CHECKS = {
    "activation": check_activation,
    "perceptron": check_perceptron,
    "learning_rate": check_learning_rate,
    "width": check_width,
    "threshold": check_threshold,
    "precision": check_precision,
}


def test_every_explorer_responds_and_draws_nnkits_values(site, server, browser):
    kinds = []
    for name in reading_pages(site):
        states = explorer_states((site / name).read_text())
        if not states:
            continue
        visit = Visit(browser, server)
        page = visit.open(urljoin(server, name))
        page.wait_for_selector(".nnkit-explorer svg .nnkit-panel", state="attached")
        roots = page.locator(".nnkit-explorer")
        assert roots.count() == len(states), name
        for k, state in enumerate(states):
            explorer = OnPage(page, roots.nth(k), state)
            where = f"{name}, explorer {k} ({state['kind']})"
            # Labelled for screen readers: every control, and the figure.
            unlabelled = explorer.root.evaluate(
                "r => Array.from(r.querySelectorAll('[data-control]'))"
                ".filter(c => c.labels.length === 0).length"
            )
            assert unlabelled == 0, where
            figure = explorer.root.locator("svg")
            assert figure.get_attribute("role") == "img", where
            # Each control through several values: every move redraws.
            for control in state["controls"]:
                if control["name"] in ENABLED_BY:
                    explorer.move_to(**ENABLED_BY[control["name"]])
                n, start = len(control["options"]), explorer.position(control["name"])
                moves = [p for p in dict.fromkeys((0, n // 2, n - 1)) if p != start]
                for position in [*moves, start]:
                    before = explorer.drawing()
                    explorer.move(control["name"], position)
                    assert explorer.drawing() != before, f"{where}: {control['name']}"
                    assert figure.get_attribute("aria-label"), where
            CHECKS[state["kind"]](explorer, state)
            kinds.append(state["kind"])
        assert visit.errors == [], name
        assert visit.outside == [], name
        visit.close()
    assert sorted(set(kinds)) == sorted(CHECKS)


def test_screenshot_of_an_explorer_before_and_after_a_change(site, server, browser):
    """For a person to look at: the perceptron explorer, then with b = 0.5."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit = Visit(browser, server)
    page = visit.open(urljoin(server, "book/01_perceptron.html"))
    page.wait_for_selector(".nnkit-explorer svg .nnkit-panel", state="attached")
    root = page.locator(".nnkit-explorer").first
    state = explorer_states((site / "book/01_perceptron.html").read_text())[0]
    explorer = OnPage(page, root, state)
    root.scroll_into_view_if_needed()
    before = root.screenshot(path=SCREENSHOTS / "explorer-before.png")
    explorer.move_to(b="0.5")
    after = root.screenshot(path=SCREENSHOTS / "explorer-after.png")
    visit.close()
    assert before != after
    assert visit.errors == [] and visit.outside == []
