"""The registry of benchmark sections: name -> module. A new section is one line here.

A section module has ``run() -> list[dict]``, the rows of ``bench.rows`` (it may also take ``quick``,
``repeats`` and ``threads`` keyword arguments; the runner passes those it accepts). A listed module
that is not there yet gives one ``not run`` row; one that raises gives one ``FAIL`` row.
"""

from __future__ import annotations

SECTIONS = {
    "train": "bench.train",  # fit, fresh processes: speed vs JAX/PyTorch/scikit-learn, GEMM peak, memory
    "predict": "bench.predict",  # predict_proba on 10,000 rows and one-row predict vs scikit-learn
    "wide": "bench.wide",  # 784-2048-2048-10 engine epoch vs the GEMM peak (in-process)
    "deep": "bench.course_deep",  # the course's deep model, full batch, vs PyTorch (in-process)
    "vectorization": "bench.vectorization",  # the course's loop vs vectorized logistic step
    "search": "bench.search_speedup",  # Dask search vs sequential, with and without cluster start-up
    "playground": "bench.playground_fps",  # the playground's frames per second (playground engineer)
    "playground-load": "bench.playground_load",  # 4 heaviest pages beside a default one, then closed (issue 26)
    "distributed": "bench.distributed",  # MPI data-parallel training (MPI engineer)
    "defaults": "bench.defaults_accuracy",  # the estimators' defaults against scikit-learn's accuracy
    "tables": "bench.tables",  # raw mixed tables (penguins, R data sets): layerwise train vs sklearn MLP/HGB pipelines
}
