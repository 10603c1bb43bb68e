"""The playground's edges (issue 26): every handler error in the page's error box with the socket kept,
never a non-finite number on the wire, IPv6 loopback, and the Host allow-list beyond loopback."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import warnings

import pytest

pytest.importorskip("starlette", reason="the playground needs the web extra: pip install 'layerwise[web]'")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from test_playground_fair import SAME, receive, send, strict

from layerwise.cli import main
from layerwise.playground.app import create_app
from layerwise.playground.hosts import allow_list, host_allowed, host_of
from layerwise.playground.page import dumps
from layerwise.playground.server import config, host_warning
from layerwise.playground.session import Session


def still_trains(ws, units=2):
    """The page goes on after an error: new settings are answered with a network and a frame."""
    send(ws, type="settings", settings={"hidden": str(units)})
    assert receive(ws, "network")["layer_dims"] == [2, units, 1]
    receive(ws, "frame")


@pytest.mark.parametrize(
    "text, words",
    [
        ("x1,x2,label\n1,2," + "9" * 140_000 + "\n", ("cannot be read", "field larger")),
        ("1,2,0\n" + "1e308,1e308,1\n" * 5, ("rescale", "1e+308")),
        ("1,2,0\n" + "3,4,1e300\n" * 5, ("rescale",)),
    ],
)
def test_a_bad_csv_is_refused_in_the_error_box_and_the_socket_stays(text, words):
    client = TestClient(create_app())
    with client.websocket_connect("/ws", headers=SAME) as ws:
        send(ws, type="csv", text=text)
        message = receive(ws, "error")["message"]
        assert all(w in message for w in words), message
        still_trains(ws)


def test_any_exception_in_a_handler_shows_and_the_socket_stays(monkeypatch):
    def broken(self):
        raise RuntimeError("an unforeseen failure")

    monkeypatch.setattr(Session, "gradient_check", broken)
    client = TestClient(create_app())
    with client.websocket_connect("/ws", headers=SAME) as ws:
        still_trains(ws)
        send(ws, type="gradcheck")
        message = receive(ws, "error")["message"]
        assert "RuntimeError" in message and "unforeseen" in message and "goes on" in message
        still_trains(ws, 3)


def test_a_gradient_check_that_is_not_a_number_sends_null_and_says_why():
    app = create_app()
    client = TestClient(app)
    with client.websocket_connect("/ws", headers=SAME) as ws:
        send(ws, type="settings", settings={"dataset": "blobs", "hidden": "", "noise": 0.0})
        receive(ws, "network")
        (page,) = app.state.pages
        # a check whose cost is not finite (e.g. log(0) of a saturated unit) comes out NaN: stand one in
        page.session.gradient_check = lambda: float("nan")
        send(ws, type="gradcheck")
        assert "not a number" in receive(ws, "error")["message"]
        assert receive(ws, "gradcheck")["relative_error"] is None  # strict: no NaN on the wire


def test_json_on_the_wire_is_strict():
    assert strict(dumps({"a": float("nan"), "b": [1.0, float("inf")], "c": {"d": -float("inf")}})) == {
        "a": None,
        "b": [1.0, None],
        "c": {"d": None},
    }


# ------------------------------------------------------------ hosts
@pytest.mark.parametrize(
    "header, host, allowed",
    [
        ("[::1]:8000", "::1", True),
        ("[::1]", "::1", True),
        ("127.0.0.1:8000", "127.0.0.1", True),
        ("LOCALHOST:8000", "localhost", True),
        ("192.168.1.5:8000", "192.168.1.5", True),  # an IP literal: no DNS rebinding can produce it
        ("evil.example:8000", "evil.example", False),
        ("localhost.evil.example", "localhost.evil.example", False),
        ("", "", False),
    ],
)
def test_host_headers(header, host, allowed):
    assert host_of(header) == host
    assert host_allowed(header, allow_list("127.0.0.1")) is allowed


def test_a_non_loopback_bind_keeps_the_host_allow_list_and_says_what_is_exposed():
    app = config("0.0.0.0", 8000, allow_hosts=["lab.example"]).app
    assert TestClient(app, base_url="http://evil.example:8000").get("/").status_code == 400
    with pytest.raises(WebSocketDisconnect):  # a DNS-rebinding handshake
        with TestClient(app, base_url="http://evil.example:8000").websocket_connect(
            "/ws", headers={"origin": "http://evil.example:8000"}
        ):
            pass
    for base in ("http://lab.example:8000", "http://10.1.2.3:8000", "http://localhost:8000"):
        assert TestClient(app, base_url=base).get("/").status_code == 200
    warning = host_warning("0.0.0.0", 8000, ["lab.example"])
    for words in ("every interface", "port 8000", "without a password", "CSV", "IP address", "lab.example"):
        assert words in warning
    assert "--allow-host" in warning and "127.0.0.1" in warning


def test_allow_host_refuses_what_is_not_a_name_in_one_line(capsys):
    assert main(["playground", "--allow-host", "*.example", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--allow-host" in err and "host name" in err


def test_ipv6_loopback_answers():
    import uvicorn

    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
            port = s.getsockname()[1]
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    server = uvicorn.Server(config("::1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start on ::1"
            time.sleep(0.05)
        connection = http.client.HTTPConnection("::1", port, timeout=10)  # Host: [::1]:port
        connection.request("GET", "/schema.json")
        assert connection.getresponse().status == 200
    finally:
        server.should_exit = True
        thread.join(10)
