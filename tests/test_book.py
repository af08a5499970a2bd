"""The website: it builds with warnings as errors, and it works in a real browser.

The build goes to a temporary folder (the real ``_build`` is left alone). The
browser checks serve it on 127.0.0.1 and drive Debian's Chromium with
Playwright. This machine reaches no CDN, so the CDN addresses of MathJax,
require.js and the Jupyter widget manager are answered from local copies
installed from the npm registry (``make browser-deps``); that way the test
proves that math is typeset and widgets render, instead of assuming it.
"""

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".cache" / "browser" / "node_modules"
CHROMIUM = "/usr/bin/chromium"
# A CDN address -> the npm package folder that holds the same files.
CDN_PACKAGES = re.compile(
    r"https://cdn\.jsdelivr\.net/npm/((?:@[^/@]+/)?[^/@]+)@[^/]+/(.*)"
)
REQUIREJS = re.compile(r"https://cdnjs\.cloudflare\.com/ajax/libs/require\.js/[^/]+/.*")
# The page pins cdnjs's minified require.js with a Subresource Integrity hash.
# npm ships the same release (2.3.4) only unminified, so when the test serves a
# page it drops that one integrity attribute; everything else is served as built.
REQUIREJS_INTEGRITY = re.compile(
    r'integrity="[^"]*"(?= src="https://cdnjs[^"]*require)'
)


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
    if not Path(CHROMIUM).exists() or not NODE_MODULES.is_dir():
        pytest.fail(
            f"The browser test needs {CHROMIUM} and the npm copies in {NODE_MODULES}; "
            "`make browser-deps` installs both (make test runs it)."
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


def local_copy(url):
    """The local file that answers a CDN address, or None."""
    if match := CDN_PACKAGES.match(url):
        package, path = match.groups()
        candidate = NODE_MODULES / package / path
    elif REQUIREJS.match(url):
        candidate = NODE_MODULES / "requirejs" / "require.js"
    else:
        return None
    return candidate if candidate.is_file() else None


class Visit:
    """One page load, recording console errors, failed requests and CDN misses."""

    def __init__(self, browser, server):
        self.errors, self.missing = [], []
        self.context = browser.new_context()
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
        if url.startswith(self.server) and urlsplit(url).path.endswith(".html"):
            response = route.fetch()
            html = REQUIREJS_INTEGRITY.sub("", response.text())
            return route.fulfill(response=response, body=html)
        if url.startswith(self.server):
            return route.continue_()
        if path := local_copy(url):
            return route.fulfill(path=str(path))
        self.missing.append(url)  # nothing else may be fetched from outside
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


def test_every_page_loads_cleanly_with_math_images_and_widgets(site, server, browser):
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
            page.wait_for_selector(".jupyter-widgets", timeout=20_000)
            rendered = page.evaluate(
                "document.querySelectorAll('.jupyter-widgets.widget-image img, "
                "img.jupyter-widgets, .widget-image').length"
            )
            if rendered == 0:
                problems.append(
                    f"{name}: {views} widget view(s) but no widget image rendered"
                )
        problems += [f"{name}: {e}" for e in visit.errors]
        problems += [f"{name}: fetched from outside: {url}" for url in visit.missing]
        visit.close()
    assert problems == []


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
