"""The dashboard of classifications: inline in JupyterLab, or served as a web app.

* `dashboard` (`tvs_classifier.ui.app`): the page for a store or a results table,
  displayed inline in a notebook; `serve` serves it (``tvs-classifier serve``);
* `tvs_classifier.ui.results`: what it shows (the classifications, filtered, exported);
* `tvs_classifier.ui.uploads`: light-curve files uploaded to it, classified.

It needs the ``ui`` extra (Panel): ``pip install 'tvs-classifier[ui]'``.

Examples
--------
>>> import pandas as pd
>>> page = dashboard(pd.DataFrame({"object_id": [1], "class": ["RRL"]}))
>>> type(page).__name__
'Row'
"""

from .app import Dashboard, dashboard, serve
from .results import Results

__all__ = ["Dashboard", "Results", "dashboard", "serve"]
