"""``python -m layerwise``: the ``layerwise`` command."""

from .cli import main

raise SystemExit(main())
