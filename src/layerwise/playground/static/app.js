// Wiring: the WebSocket to the server, the buttons, and the drawing of each frame.
import { Form } from "./form.js";
import { paint, drawBoundary, drawCurve, layoutNetwork, colorLinks, dimensionTable } from "./draw.js";

const $ = (id) => document.getElementById(id);
let ws, form, net = null, view = null, latest = null, shown = null, W = null, curve = { train: [], test: [] };
const outputSource = document.createElement("canvas");

function send(msg) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg)); }
function sendSettings() { send({ type: "settings", settings: form.values() }); }
const fmt = (x) => (x === null || x === undefined ? "–" : Number(x).toPrecision(6));

function showError(text) { $("error").textContent = text; $("error").hidden = false; }
function clearError() { $("error").hidden = true; $("error").textContent = ""; }

function onNetwork(msg) {
  net = msg;
  latest = shown = W = null;  // a frame of the old network not yet drawn would be drawn on the new one's links
  outputSource.width = outputSource.height = net.res;
  $("batch").textContent = `m = ${net.batch}`;
  dimensionTable($("dimensions"), net.dimensions);
  view = layoutNetwork($("network"), $("links"), net, form, {
    activationSelect: (c, current) => {
      const sel = document.createElement("select");
      for (const a of form.byName.activation.options) sel.add(new Option(a.replace("_", " "), a));
      sel.value = current; sel.id = `activation-${c}`; sel.title = `g[${c}]`;
      sel.addEventListener("change", () => {
        form.activations = net.activations.map((a, i) => (i === c - 1 ? sel.value : a));
        sendSettings();
      });
      return sel;
    },
    toggleFeature: (name) => {
      form.featureSet.has(name) ? form.featureSet.delete(name) : form.featureSet.add(name);
      sendSettings();
    },
    showWeight: (ev, l, j, k) => {
      if (!W) return;
      const tip = $("weight-tip");
      tip.textContent = `W[${l}][${j + 1},${k + 1}] = ${W[l - 1][j][k].toPrecision(4)}`;
      tip.style.left = `${ev.clientX + 12}px`; tip.style.top = `${ev.clientY + 8}px`; tip.hidden = false;
    },
    hideWeight: () => { $("weight-tip").hidden = true; },
  });
  const names = form.byName.features.options;
  names.forEach((name, i) => paint(view.nodes[0][i].canvas, net.feature_maps[name], net.res));
  curve = { train: [], test: [] };
}

function onFrame(buffer) {
  const n = new DataView(buffer).getUint32(0, true);
  const info = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  latest = { info, maps: new Uint8Array(buffer, 4 + n) };
  $("epoch").textContent = String(info.epoch);
  $("train-loss").textContent = fmt(info.train_loss);
  $("test-loss").textContent = fmt(info.test_loss);
  $("train-accuracy").textContent = fmt(info.train_accuracy);
  $("test-accuracy").textContent = fmt(info.test_accuracy);
  curve.train.push(info.train_loss); curve.test.push(info.test_loss);
  if (curve.train.length > 600) { curve.train.shift(); curve.test.shift(); }
  requestAnimationFrame(draw);
}

function draw() {
  if (!latest || !net || !view) return;
  const { info, maps } = latest, R = net.res * net.res;
  shown = latest; latest = null;
  W = info.W;
  paint(outputSource, maps.subarray(0, R), net.res);
  drawBoundary($("boundary"), outputSource, net, $("show-test").checked);
  let offset = R;
  for (let c = 1; c < view.nodes.length - 1; c++) {
    for (const node of view.nodes[c]) { paint(node.canvas, maps.subarray(offset, offset + R), net.res); offset += R; }
  }
  const out = view.nodes[view.nodes.length - 1][0].canvas;
  out.getContext("2d").drawImage(outputSource, 0, 0);
  colorLinks(view.links, info.W);
  drawCurve($("loss-curve"), curve.train, curve.test);
}

function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob); a.download = name;
  document.body.append(a); a.click(); a.remove();
}

function onMessage(ev) {
  if (ev.data instanceof ArrayBuffer) return onFrame(ev.data);
  const msg = JSON.parse(ev.data);
  if (msg.type === "network") { clearError(); onNetwork(msg); }
  else if (msg.type === "accepted") { clearError(); history.replaceState(null, "", form.toHash()); }
  else if (msg.type === "error") showError(msg.message);
  else if (msg.type === "state") { $("play").classList.toggle("active", msg.playing); document.body.dataset.playing = msg.playing; }
  else if (msg.type === "reset") { curve = { train: [], test: [] }; }
  else if (msg.type === "gradcheck" && msg.relative_error === null) $("gradcheck-result").textContent = "rel. error: not a number";
  else if (msg.type === "gradcheck") {
    const ok = msg.relative_error < 1e-7;
    $("gradcheck-result").textContent = `rel. error ${msg.relative_error.toExponential(2)} ${ok ? "< 1e-7 ✓" : "(≥ 1e-7)"}`;
    $("gradcheck-result").dataset.value = msg.relative_error;
  } else if (msg.type === "export") {
    const bytes = Uint8Array.from(atob(msg.model), (c) => c.charCodeAt(0));
    download(msg.filename, new Blob([bytes], { type: "application/octet-stream" }));
    $("snippet").textContent = msg.snippet;
    const link = $("snippet-download");
    link.href = URL.createObjectURL(new Blob([msg.snippet], { type: "text/x-python" })); link.download = msg.snippet_name;
  } else if (msg.type === "csv") {
    $("csv-status").textContent = `${msg.rows} rows (${msg.task})`;
    $("dataset").value = "csv"; sendSettings();
  }
}

function connect() {
  const url = new URL("ws", location.href);  // relative: the page may be served under a proxy's path
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  ws = new WebSocket(url.href);
  ws.binaryType = "arraybuffer";
  ws.onopen = () => { $("connection").textContent = "connected"; sendSettings(); };
  ws.onclose = () => { $("connection").textContent = "disconnected: reload the page"; document.body.dataset.playing = false; };
  ws.onmessage = onMessage;
}

async function start() {
  const schema = await (await fetch("schema.json")).json();
  form = new Form(schema, sendSettings);
  form.set(form.fromHash(location.hash));
  for (const name of Object.keys(schema.presets)) $("preset").add(new Option(name, name));
  $("preset").addEventListener("change", () => {
    const p = schema.presets[$("preset").value];
    if (p) { form.set(p); sendSettings(); }
  });
  $("play").onclick = () => send({ type: "play" });
  $("pause").onclick = () => send({ type: "pause" });
  $("step").onclick = () => send({ type: "step" });
  $("reset").onclick = () => send({ type: "reset" });
  $("gradcheck").onclick = () => { $("gradcheck-result").textContent = "checking…"; send({ type: "gradcheck" }); };
  $("export").onclick = () => send({ type: "export" });
  $("show-test").addEventListener("change", () => { latest = latest || shown; requestAnimationFrame(draw); });
  $("csv").addEventListener("change", async () => {
    const file = $("csv").files[0];
    if (!file) return;
    if (file.size > 5 * 1024 * 1024) return showError("The CSV is larger than 5 MB; choose a smaller file.");
    send({ type: "csv", text: await file.text() });
  });
  window.addEventListener("hashchange", () => { form.set(form.fromHash(location.hash)); sendSettings(); });
  connect();
}

start();
