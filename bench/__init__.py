"""Benchmarks of layerwise against PyTorch (eager, CPU) and scikit-learn, run by ``make bench``.

``python -m bench`` times every case in one process (interleaved rounds, median after a warm-up),
prints a Markdown table and the issue's targets as PASS/FAIL, and writes everything as JSON to
``bench/results/``. ``--quick`` shrinks every case for a smoke test; ``--only NAME`` runs one case.
"""
