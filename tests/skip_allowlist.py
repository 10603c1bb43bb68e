"""The one reviewed list of tests that may skip in CI, and the pytest plugin that fails a CI run on any other skip.

A skip hides breakage: a renamed module behind ``importorskip`` or a missing data file turns a broken
feature into a green run. So in CI (the environment variable ``CI`` set, as ``make test`` and ``.ci/run``
see it) every skipped test, and every module skipped at collection, must match an entry below by both
its node id (a glob) and its skip reason (a regular expression, searched); anything else turns the run
red and is listed under "skips not on the allow-list". Expected failures (xfail) are not skips: they are
listed with their reasons where they are declared. Locally (``CI`` unset) skips are only reported.

Add an entry only with a reason a reviewer accepts: the feature cannot run on CI's machine at all.
"""

from __future__ import annotations

import fnmatch
import os
import re

import pytest

# (node id glob, skip reason regex, why it may skip in CI); in a glob write [ as [[] or use *
ALLOWED = (
    (
        "tests/test_gpu.py*",
        r"could not import 'cupy'|CuPy sees no GPU",
        "CI has no GPU: the CuPy engine is tested on a GPU machine (the CUDA C itself runs on the CPU in "
        "tests/test_cuda_source.py)",
    ),
    (
        "tests/test_estimators_sklearn.py::test_sklearn_compatible*check_array_api_input(*",
        r"SCIPY_ARRAY_API is not set",
        "scikit-learn runs this check only with SCIPY_ARRAY_API=1 set before SciPy is imported, which would "
        "change SciPy for the whole suite; layerwise's array-API path is tested in tests/test_backends.py",
    ),
    (
        "tests/test_docs.py::test_block_runs_as_written*",
        r"^marked skip in the docs: ",
        "a documentation block that cannot run in a test (it installs, starts a server that runs until Ctrl-C, "
        "...): its reason stands in the docs beside the block, where a reviewer sees it",
    ),
    (
        "tests/test_docs.py::test_block_runs_as_written*",
        r"^needs CuPy and a CUDA GPU|^needs a CUDA GPU",
        "a documentation block for the GPU: CI has none, as for tests/test_gpu.py",
    ),
)


def in_ci():
    return bool(os.environ.get("CI"))


def skip_reason(report):
    """The reason of a skipped test or collection report, without pytest's 'Skipped: ' prefix."""
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def allowed(nodeid, reason, entries=ALLOWED):
    return any(fnmatch.fnmatchcase(nodeid, pattern) and re.search(regex, reason) for pattern, regex, _ in entries)


class SkipGuard:
    """Collects skips; in CI, fails the session on any skip that is not on the allow-list."""

    def __init__(self, entries=ALLOWED):
        self.entries, self.unexpected = entries, []

    def _record(self, report):
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = skip_reason(report)
            if not allowed(report.nodeid, reason, self.entries):
                self.unexpected.append((report.nodeid, reason))

    def pytest_runtest_logreport(self, report):
        self._record(report)

    def pytest_collectreport(self, report):
        self._record(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if self.unexpected and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if self.unexpected:
            terminalreporter.section("skips not on the allow-list (tests/skip_allowlist.py): CI fails", red=True)
            for nodeid, reason in self.unexpected:
                terminalreporter.line(f"{nodeid}: {reason}")


def pytest_configure(config):
    """Plugin entry (``-p skip_allowlist``, or called from tests/conftest.py): guard the run in CI."""
    if in_ci() and not config.pluginmanager.has_plugin("skip-guard"):
        config.pluginmanager.register(SkipGuard(), "skip-guard")
