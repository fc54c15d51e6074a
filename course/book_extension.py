"""The course book's Sphinx extension (``sphinx.extra_extensions`` in ``book/_config.yml``).

It runs inside ``jupyter-book build`` (:mod:`course.book` starts it), not in ``course``:

- every page's head gets :data:`PAGE_FIXES_JS`, so the offline pages find the widget
  manager's files, typeset widget labels with MathJax 3 and name their sliders;
- each inline script is kept once (:func:`drop_duplicate_scripts`);
- the lessons' kernels start with CurveZMQ keys (:func:`encrypt_kernels`).
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from course.kernel import kernel_config

if TYPE_CHECKING:  # Sphinx comes with jupyter-book, in the [dev] extra only
    from sphinx.application import Sphinx

#: run in every page's head, before RequireJS and the widget manager load
PAGE_FIXES_JS = """
// RequireJS reads this before it loads: the widget manager's own files (its icon fonts)
// are in _static/html-manager/, not next to the page.
var require = {paths: {"@jupyter-widgets/html-manager/dist":
  document.documentElement.dataset.content_root + "_static/html-manager"}};
// ipywidgets typesets widget labels with MathJax 2's MathJax.Hub.Queue
// (jupyter-widgets/ipywidgets#3829); the book loads MathJax 3, so map it to typesetPromise.
document.addEventListener("DOMContentLoaded", function () {
  var mj = window.MathJax;
  if (mj && mj.startup && !mj.Hub) {
    mj.Hub = {Queue: function (job) {
      mj.startup.promise.then(function () { return mj.typesetPromise([job[2]]); });
    }};
  }
});
// ipywidgets' slider handle has no accessible name and announces its position: name it by
// the slider's label and announce what its readout shows ("0.19", not "4"), kept up to date.
function nameSliders() {
  document.querySelectorAll(".widget-slider").forEach(function (slider) {
    var handle = slider.querySelector(".noUi-handle");
    var label = slider.querySelector("label");
    var readout = slider.querySelector(".widget-readout");
    if (!handle || !readout || handle.dataset.named) { return; }
    handle.dataset.named = "1";
    if (label && label.textContent.trim()) {
      handle.setAttribute("aria-label", label.textContent.trim());
    }
    var say = function () { handle.setAttribute("aria-valuetext", readout.textContent.trim()); };
    say();
    new MutationObserver(say).observe(readout, {childList: true, characterData: true,
                                                subtree: true});
  });
}
document.addEventListener("DOMContentLoaded", function () {
  new MutationObserver(nameSliders).observe(document.body, {childList: true, subtree: true});
});
// pydata-sphinx-theme reads an empty colour mode on a first visit and logs an error.
if (!document.documentElement.dataset.mode) { document.documentElement.dataset.mode = "auto"; }
"""


def drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    """Keep one of each inline script of the page.

    Sphinx 7.4 lists an inline script that an extension registers after the builder started
    twice (once named ``None``, once ``""``), so sphinx-thebe's ``const THEBE_JS_URL`` is
    declared twice and the browser reports a SyntaxError.
    """
    seen, unique = set(), []
    for js in context.get("script_files", []):
        key = (os.fspath(js.filename or ""), js.priority, tuple(sorted(js.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"][:] = unique


def encrypt_kernels(app: Sphinx) -> None:
    """Start the lessons' kernels as ``course run`` starts its own: with the kernel managers'
    config of :func:`course.kernel.kernel_config` (CurveZMQ keys), so no kernel warns that it
    runs over TCP without encryption.

    myst-nb (``execute_notebooks: force``) runs each lesson through jupyter-cache's
    ``single_nb_execution``, whose keywords go to nbclient's ``NotebookClient``; it has no
    setting for them, so the name myst-nb calls is bound to ``config`` here.
    """
    from myst_nb.core.execute import direct

    direct.single_nb_execution = functools.partial(
        direct.single_nb_execution, config=kernel_config()
    )


def setup(app: Sphinx) -> dict:
    """The book's Sphinx extension (``sphinx.extra_extensions`` in book/_config.yml)."""
    app.add_js_file(None, body=PAGE_FIXES_JS, priority=450)
    app.connect("builder-inited", encrypt_kernels)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
