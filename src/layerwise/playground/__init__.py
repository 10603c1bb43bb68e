"""The playground: watch the course's networks learn, live, in a browser (Starlette + uvicorn).

``serve(host, port, open_browser)`` runs it; ``make_dataset`` draws the page's data, so the Python
snippet the page exports retrains the same run. Needs the ``web`` extra: pip install 'layerwise[web]'.
"""

from .data import DATASETS, FEATURES, make_dataset
from .server import serve

__all__ = ["serve", "make_dataset", "DATASETS", "FEATURES"]
