"""``layerwise.playground.show()`` and ``stop()`` (issue 25): the server in a process of its own that answers,
an iframe to show it, one server however often show() is called, and nothing left running after stop()."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("starlette", reason="the playground needs the web extra: pip install 'layerwise[web]'")
pytest.importorskip("uvicorn", reason="the playground needs the web extra: pip install 'layerwise[web]'")

from layerwise import playground
from layerwise.playground import notebook


@pytest.fixture(autouse=True)
def _stopped():
    yield
    playground.stop()


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.status, answer.read().decode()


def refuses(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


def gone(pid: int) -> bool:
    """True when no process has this id (or only a zombie, which holds no port and runs nothing)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_show_serves_the_page_in_its_own_process_and_stop_ends_it():
    shown = playground.show()
    assert shown.pid != os.getpid() and notebook.running() is not None
    status, page = get(shown.url)
    assert status == 200 and 'id="boundary"' in page  # the playground's page, not any server's
    html = shown._repr_html_()
    assert html.startswith("<iframe") and f'src="{shown.url}"' in html and 'height="760"' in html
    port, pid = shown.server.port, shown.pid
    again = playground.show(width=500, height=300)  # reused: the same process, a new iframe
    assert again.pid == pid and again.url == shown.url and 'width="500"' in again._repr_html_()
    playground.stop()
    t = time.monotonic()
    while not refuses(port) and time.monotonic() - t < 1.0:
        time.sleep(0.05)
    assert refuses(port), "the port still answers a second after stop()"
    assert gone(pid) and notebook.running() is None and "stopped" in repr(shown)
    playground.stop()  # stopping twice is harmless


@pytest.mark.slow  # each start of a server takes a few seconds
def test_other_options_replace_the_server_never_two():
    first = playground.show()
    port = first.server.port
    second = playground.show(port=notebook.free_port("127.0.0.1"))
    assert second.pid != first.pid and gone(first.pid) and refuses(port)
    assert get(second.url)[0] == 200


@pytest.mark.slow  # each start of a server takes a few seconds
def test_a_dead_server_is_replaced():
    first = playground.show()
    first.server.process.kill()
    first.server.process.wait(5)
    second = playground.show()
    assert second.pid != first.pid and get(second.url)[0] == 200


@pytest.mark.slow  # each start of a server takes a few seconds
def test_the_iframe_address_for_a_proxy_or_a_forwarded_port(monkeypatch):
    shown = playground.show()
    port = shown.server.port
    assert playground.show(url="https://hub.example/user/ana/proxy/{port}/").src == (
        f"https://hub.example/user/ana/proxy/{port}/"
    )
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ana/")
    assert playground.show(proxy=True).src == f"/user/ana/proxy/{port}/"
    monkeypatch.setenv(notebook.URL_VARIABLE, "/proxy/{port}/")
    assert playground.show().src == f"/proxy/{port}/" and playground.show().pid == shown.pid


@pytest.mark.slow  # each start of a server takes a few seconds
def test_a_busy_port_says_why_and_leaves_nothing_running():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"cannot listen on 127.0.0.1:{port}"):
            playground.show(port=port, timeout=30)
    assert notebook.running() is None


@pytest.mark.parametrize("port", [0, 70000, "8000", True])
def test_a_bad_port_is_refused_in_one_line(port):
    with pytest.raises(ValueError, match="port must be a number from 1 to 65535"):
        playground.show(port=port)


@pytest.mark.slow  # a kernel of its own, killed
def test_a_killed_kernel_leaves_no_server_behind():
    kernel = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from layerwise import playground; s = playground.show(); print(s.pid, s.server.port, flush=True); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    pid, port = map(int, kernel.stdout.readline().split())
    assert not gone(pid) and not refuses(port)
    kernel.kill()  # no atexit runs
    kernel.wait(5)
    t = time.monotonic()
    while not (gone(pid) and refuses(port)) and time.monotonic() - t < 10:
        time.sleep(0.1)
    assert gone(pid) and refuses(port), "the server outlived its kernel"
    kernel.stdin.close()
    kernel.stdout.close()
