"""Sphinx extension: drop repeated <script> entries from every page.

With jupyter-book 1.0.4, sphinx-thebe and sphinx-togglebutton register their
inline configuration scripts twice (once per builder-inited/env-before-read-docs
event, which fire twice in a Jupyter Book build). The repeated
``const THEBE_JS_URL = ...`` then throws "Identifier has already been declared"
in every reader's browser console. Keeping the first copy of each script fixes
that without touching the extensions.
"""


def unique_scripts(app, pagename, templatename, context, doctree):
    seen, kept = set(), []
    for script in context.get("script_files", []):
        # An inline script has filename None on one path and "" on the other.
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
