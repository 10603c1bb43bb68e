"""The playground's WebSocket and routes without a browser (Starlette's TestClient), and its command."""

import json
import socket
import time
import warnings

import pytest

pytest.importorskip("starlette", reason="the playground needs the web extra: pip install 'layerwise[web]'")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
with warnings.catch_warnings():  # newer Starlette prefers httpx2 and says so on import; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from layerwise.cli import main
from layerwise.playground.app import create_app

SAME = {"origin": "http://testserver"}


def receive(ws, kind):
    """Messages until one of type ``kind`` ("frame" for a binary frame); returns it."""
    for _ in range(50):
        msg = ws.receive()
        if msg.get("bytes") is not None:
            if kind == "frame":
                data = msg["bytes"]
                n = int.from_bytes(data[:4], "little")
                return json.loads(data[4 : 4 + n]), data[4 + n :]
            continue
        m = json.loads(msg["text"])
        if m["type"] == kind:
            return m
    raise AssertionError(f"no {kind!r} message")


def test_page_schema_and_static_files_are_served():
    client = TestClient(create_app())
    page = client.get("/")
    assert (
        page.status_code == 200
        and 'id="boundary"' in page.text
        and "frame-ancestors" in page.headers["content-security-policy"]
    )
    assert client.get("/schema.json").json()["limits"] == {"layers": 6, "units": 16, "points": 5000}
    for name in ("app.js", "draw.js", "form.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_another_origin_is_refused_and_the_own_origin_accepted():
    client = TestClient(create_app())
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws", headers={"origin": "http://evil.example"}):
            pass
    assert refused.value.code == 1008
    with client.websocket_connect("/ws", headers=SAME) as ws:
        ws.send_text(json.dumps({"type": "settings", "settings": {"hidden": "3"}}))
        assert receive(ws, "network")["layer_dims"] == [2, 3, 1]


def test_a_foreign_host_header_is_refused_dns_rebinding():
    client = TestClient(create_app(allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://evil.example")
    assert client.get("/").status_code == 400


@pytest.mark.parametrize(
    "message, word",
    [
        ("not json", "not JSON"),
        ("[1]", "unknown message type"),
        ('{"type": "launch"}', "unknown message type"),
        ('{"type": "play"}', "before any settings"),
        ('{"type": "settings", "settings": {"hidden": "100000,100000"}}', "16 units"),
        ('{"type": "csv", "text": 5}', "csv"),
        ('{"type": "csv", "text": "1,2\\n"}', "columns"),
        ("[" * 100_000, "not JSON"),
    ],
)
def test_every_bad_message_answers_error_and_the_page_goes_on(message, word):
    client = TestClient(create_app())
    with client.websocket_connect("/ws", headers=SAME) as ws:
        ws.send_text(message)
        assert word in receive(ws, "error")["message"]
        ws.send_bytes(b"\x00\x01")
        assert "binary" in receive(ws, "error")["message"]
        ws.send_text(json.dumps({"type": "settings", "settings": {}}))
        receive(ws, "network")
        ws.send_text(json.dumps({"type": "step"}))
        info, maps = receive(ws, "frame")
        while info["epoch"] != 1:
            info, maps = receive(ws, "frame")
        assert len(maps) == 100 * 100 * (1 + 4)


def test_an_uploaded_csv_trains():
    client = TestClient(create_app())
    rows = "\n".join(f"{x},{-x},{int(x > 0)}" for x in range(-20, 20))
    with client.websocket_connect("/ws", headers=SAME) as ws:
        ws.send_text(json.dumps({"type": "csv", "text": "x1,x2,label\n" + rows}))
        assert receive(ws, "csv") == {"type": "csv", "rows": 40, "task": "classification"}
        ws.send_text(json.dumps({"type": "settings", "settings": {"dataset": "csv", "train_ratio": 1.0}}))
        assert len(receive(ws, "network")["train"]["y"]) == 40


def test_a_diverging_run_pauses_with_the_reason_in_error():
    client = TestClient(create_app())
    settings = {"dataset": "plane", "hidden": "16,16", "activation": "linear", "init": "he", "learning_rate": 10.0}
    with client.websocket_connect("/ws", headers=SAME) as ws:
        ws.send_text(json.dumps({"type": "settings", "settings": settings}))
        receive(ws, "network")
        ws.send_text(json.dumps({"type": "play"}))
        assert "learning rate" in receive(ws, "error")["message"]
        assert receive(ws, "state") == {"type": "state", "playing": False}
        ws.send_text(json.dumps({"type": "reset"}))
        assert receive(ws, "frame")[0]["epoch"] == 0


def test_closing_the_page_stops_its_training():
    app = create_app()
    client = TestClient(app)
    with client.websocket_connect("/ws", headers=SAME) as ws:
        ws.send_text(json.dumps({"type": "settings", "settings": {"epochs_per_frame": 1}}))
        receive(ws, "network")
        ws.send_text(json.dumps({"type": "play"}))
        receive(ws, "frame")
        (page,) = app.state.pages
        assert page.playing is not None
    deadline = time.monotonic() + 10
    while app.state.pages and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not app.state.pages and page.playing is None
    stopped = page.session.epoch
    time.sleep(0.3)
    assert page.session.epoch == stopped


def test_only_the_loopback_interface_is_quiet():
    from layerwise.playground.server import config, host_warning

    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert host_warning(host) is None
    for host in ("0.0.0.0", "192.168.1.5", "example.com"):
        assert "not the loopback interface" in host_warning(host)
    assert config("127.0.0.1", 8123).host == "127.0.0.1"


def test_command_help_and_bad_options(capsys):
    assert main(["playground", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--no-browser" in out and "127.0.0.1" in out and "layerwise[web]" in out
    for argv, word in (
        (["playground", "--port", "70000"], "65535"),
        (["playground", "--port", "http"], "port"),
        (["playground", "--bogus"], "unrecognized"),
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("layerwise: error:") and err.count("\n") == 1 and word in err


def test_command_refuses_a_busy_port_in_one_line(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        code = main(["playground", "--port", str(s.getsockname()[1]), "--no-browser"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot listen" in err and "--port" in err


def test_command_serves_until_interrupted(monkeypatch, capsys):
    import layerwise.playground as playground

    calls = []
    monkeypatch.setattr(playground, "serve", lambda *a, **k: calls.append((a, k)))
    assert main(["playground", "--port", "8765", "--no-browser"]) == 0
    assert calls == [(("127.0.0.1", 8765), {"open_browser": False, "allow_hosts": []})]
