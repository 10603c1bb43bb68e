"""The playground: watch the course's networks learn, live, in a browser (Starlette + uvicorn).

``serve(host, port, open_browser)`` runs it; in a notebook ``show()`` runs it in a process of its own and
shows the page in the cell, ``stop()`` ends it; ``make_dataset`` draws the page's data, so the Python
snippet the page exports retrains the same run. Needs the ``web`` extra: pip install 'layerwise[web]'.
"""

from .data import DATASETS, FEATURES, make_dataset
from .notebook import show, stop
from .server import serve

__all__ = ["serve", "show", "stop", "make_dataset", "DATASETS", "FEATURES"]
