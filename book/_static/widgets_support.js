// Support for the Jupyter widget manager (html-manager, embed-amd.js), which
// shows the explorers from their saved state on the static website. Every
// file it needs is served by the site itself, from _static/vendor/ (copied
// from npm by book/_ext/site_assets.py).

// 1. Tell require.js where the site keeps the manager (whose icon fonts are
// looked up next to it) and anywidget's front end, which every explorer
// uses. The manager asks require.js for "anywidget" first; with this mapping
// it never falls back to a CDN.
const vendor = new URL("vendor/", document.currentScript.src).href;
require.config({
  paths: {
    "@jupyter-widgets/html-manager/dist": `${vendor}html-manager`,
    anywidget: `${vendor}anywidget/index`,
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
