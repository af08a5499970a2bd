// Support for the Jupyter widget manager (html-manager 1.0.6, embed-amd.js),
// which shows the explorers from their saved state on the static website.

// 1. The manager locates its own fonts relative to the address require.js
// gives its module. Without this mapping that address is the page's folder,
// and every page with a widget asks our site for font files it does not have.
require.config({
  paths: {
    "@jupyter-widgets/html-manager/dist":
      "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/dist",
  },
});

// 2. The manager typesets widget labels with MathJax 2's MathJax.Hub.Queue,
// but the book loads MathJax 3, which has no Hub. Provide that one call on top
// of MathJax 3's typesetPromise (MathJax is loaded with `defer`, so it exists
// by DOMContentLoaded, before the manager renders anything).
document.addEventListener("DOMContentLoaded", () => {
  if (window.MathJax && !window.MathJax.Hub && window.MathJax.typesetPromise) {
    window.MathJax.Hub = {
      Queue: (job) =>
        window.MathJax.startup.promise.then(() =>
          window.MathJax.typesetPromise([job[2]]),
        ),
    };
  }
});
