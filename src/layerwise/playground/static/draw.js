// Drawing only: heatmaps, the network with its links, the points, the loss curve. No math here
// beyond mapping the server's numbers to colours and pixels.

const NEG = [245, 147, 34], MID = [232, 234, 235], POS = [8, 119, 189];

// byte 0..255 (value -1..1) -> RGB, orange through light grey to blue
export const PALETTE = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 127.5 - 1, [a, b] = t < 0 ? [MID, NEG] : [MID, POS], s = Math.abs(t);
    for (let c = 0; c < 3; c++) lut[3 * i + c] = a[c] + (b[c] - a[c]) * s;
  }
  return lut;
})();

export function paint(canvas, bytes, res) {
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(res, res), d = img.data;
  for (let i = 0; i < res * res; i++) {
    const k = 3 * bytes[i];
    d[4 * i] = PALETTE[k]; d[4 * i + 1] = PALETTE[k + 1]; d[4 * i + 2] = PALETTE[k + 2]; d[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

export function drawBoundary(canvas, source, net, showTest) {
  const ctx = canvas.getContext("2d"), W = canvas.width, e = net.extent;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(source, 0, 0, W, W);
  ctx.fillStyle = "rgba(255,255,255,.3)"; ctx.fillRect(0, 0, W, W);  // a lighter field, so the points stand out
  const px = (x) => ((x + e) / (2 * e)) * W, py = (y) => ((e - y) / (2 * e)) * W;
  const dot = (p, y, test) => {
    const t = net.task === "classification" ? (y > 0.5 ? 1 : -1) : Math.max(-1, Math.min(1, y));
    const k = 3 * Math.round((t + 1) * 127.5);
    ctx.fillStyle = `rgb(${PALETTE[k]},${PALETTE[k + 1]},${PALETTE[k + 2]})`;
    ctx.strokeStyle = test ? "#000" : "#fff";
    ctx.lineWidth = test ? 1.5 : 1;
    ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), 3.2, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
  };
  net.train.x.forEach((p, i) => dot(p, net.train.y[i], false));
  if (showTest) net.test.x.forEach((p, i) => dot(p, net.test.y[i], true));
  const label = (text, x, y) => {
    ctx.font = "11px sans-serif";
    const w = ctx.measureText(text).width;
    ctx.fillStyle = "rgba(255,255,255,.8)"; ctx.fillRect(x - 2, y - 11, w + 4, 14);
    ctx.fillStyle = "#2c3338"; ctx.fillText(text, x, y);
  };
  label(`x1, x2 from ${-e} to ${e}`, 6, W - 6);
}

export function drawCurve(canvas, train, test) {
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  const all = train.concat(test.filter((v) => v !== null));
  if (!all.length) return;
  const hi = Math.max(...all) * 1.05 || 1, n = Math.max(train.length - 1, 1);
  const line = (ys, color) => {
    ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
    ys.forEach((y, i) => { if (y === null) return; const X = (i / n) * (W - 8) + 4, Y = H - 4 - (y / hi) * (H - 18);
      i ? ctx.lineTo(X, Y) : ctx.moveTo(X, Y); });
    ctx.stroke();
  };
  line(test, "#9aa5ad"); line(train, "#183d4e");
  ctx.fillStyle = "#6b7780"; ctx.font = "11px sans-serif";
  ctx.fillText(`loss (max ${hi.toPrecision(3)})   dark: train   grey: test`, 6, 12);
}

// The network: columns of unit canvases (features, hidden layers, output) and SVG links between them.
export function layoutNetwork(root, svg, net, form, hooks) {
  for (const el of root.querySelectorAll(".node,.colhead,.flabel")) el.remove();
  const dims = net.layer_dims, widest = Math.max(...dims.slice(1, -1), 7);
  const size = widest > 9 ? 30 : 38, gap = size + 8, colW = 110, top = 48;
  const allFeatures = form.byName.features.options;
  const columns = [allFeatures.length, ...dims.slice(1)];
  const nodes = [];  // nodes[c][i] = {x, y, canvas}
  columns.forEach((count, c) => {
    const x = c * colW + 52, col = [];
    const head = document.createElement("div");
    head.className = "colhead"; head.style.left = `${x - 30}px`; head.style.top = "0px"; head.style.width = `${size + 60}px`;
    if (c === 0) head.textContent = "features";
    else if (c === columns.length - 1) head.textContent = `output (${net.output})`;
    else {
      head.append(`layer ${c}: ${count} unit${count > 1 ? "s" : ""}`, document.createElement("br"));
      head.append(hooks.activationSelect(c, net.activations[c - 1]));
    }
    root.append(head);
    for (let i = 0; i < count; i++) {
      const cv = document.createElement("canvas");
      cv.width = cv.height = net.res; cv.className = "node";
      Object.assign(cv.style, { left: `${x}px`, top: `${top + i * gap}px`, width: `${size}px`, height: `${size}px` });
      if (c === 0) {
        const name = allFeatures[i];
        cv.className = "node feature" + (net.features.includes(name) ? "" : " off");
        cv.title = `${name.replace("_", " ")} (click to toggle)`;
        cv.id = `feature-${name.replace("^", "")}`;
        cv.addEventListener("click", () => hooks.toggleFeature(name));
        const label = document.createElement("div");
        label.className = "flabel"; label.textContent = name.replace("_", " ").replace("x1x2", "x1 x2");
        Object.assign(label.style, { left: "0px", top: `${top + i * gap + size / 2 - 8}px` });
        root.append(label);
      }
      root.append(cv);
      col.push({ x, y: top + i * gap, canvas: cv });
    }
    nodes.push(col);
  });
  const height = top + Math.max(...columns) * gap;
  root.style.height = `${height + 10}px`;
  svg.setAttribute("width", columns.length * colW + 60); svg.setAttribute("height", height);
  svg.replaceChildren();
  const links = [];  // links[l][j][k]: path from unit k of layer l-1 to unit j of layer l
  const used = allFeatures.map((f) => net.features.indexOf(f));
  for (let l = 1; l < columns.length; l++) {
    const rows = [];
    for (let j = 0; j < columns[l]; j++) {
      const row = [], b = nodes[l][j];
      const sources = l === 1 ? used.map((k, i) => [k, i]).filter(([k]) => k >= 0) : nodes[l - 1].map((_, i) => [i, i]);
      for (const [k, i] of sources) {
        const a = nodes[l - 1][i], p = document.createElementNS("http://www.w3.org/2000/svg", "path");
        const x1 = a.x + size, y1 = a.y + size / 2, x2 = b.x, y2 = b.y + size / 2, mx = (x1 + x2) / 2;
        p.setAttribute("d", `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`);
        p.addEventListener("mousemove", (ev) => hooks.showWeight(ev, l, j, k));
        p.addEventListener("mouseleave", () => hooks.hideWeight());
        svg.append(p);
        row[k] = p;
      }
      rows.push(row);
    }
    links.push(rows);
  }
  return { nodes, links };
}

export function colorLinks(links, W) {
  let big = 1e-12;
  for (const Wl of W) for (const row of Wl) for (const w of row) big = Math.max(big, Math.abs(w));
  links.forEach((rows, l) => rows.forEach((row, j) => row.forEach((p, k) => {
    const w = W[l][j][k], s = Math.min(1, Math.abs(w) / big);
    p.setAttribute("stroke", w >= 0 ? "#0877bd" : "#f59322");
    p.setAttribute("stroke-width", (0.5 + 5 * s).toFixed(2));
    p.setAttribute("stroke-opacity", (0.25 + 0.7 * s).toFixed(2));
  })));
}

export function dimensionTable(table, rows) {
  const shape = (s) => `(${s[0]}, ${s[1]})`;
  table.innerHTML = "<tr><th>l</th><th>g[l]</th><th>W[l]</th><th>b[l]</th><th>Z[l]</th><th>A[l]</th></tr>" +
    rows.map((r) => `<tr><td>${r.l}</td><td>${r.g}</td><td>${shape(r.W)}</td><td>${shape(r.b)}</td>` +
      `<td>${shape(r.Z)}</td><td>${shape(r.A)}</td></tr>`).join("");
}
