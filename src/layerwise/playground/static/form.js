// The settings form and the URL, both built from the server's one schema (/schema.json).
// A field's element id is its name with "_" as "-" (learning_rate -> #learning-rate).

export const idOf = (name) => name.replace(/_/g, "-");

export class Form {
  constructor(schema, onChange) {
    this.fields = schema.fields;
    this.byName = Object.fromEntries(this.fields.map((f) => [f.name, f]));
    this.presets = schema.presets;
    this.onChange = onChange;
    for (const box of document.querySelectorAll("[data-fields]")) {
      for (const name of box.dataset.fields.split(" ")) this.build(box, this.byName[name]);
    }
    this.activations = [];  // per-layer selects live in the network drawing (see draw.js)
    this.featureSet = new Set(this.byName.features.default.split(","));
  }

  build(box, f) {
    const label = document.createElement("label");
    label.textContent = f.label;
    label.htmlFor = idOf(f.name);
    let el;
    if (f.kind === "choice") {
      el = document.createElement("select");
      for (const o of f.options) el.add(new Option(o.replace("_", " "), o));
    } else {
      el = document.createElement("input");
      if (f.kind === "bool") el.type = "checkbox";
      else if (f.kind === "int" || f.kind === "float") {
        el.type = "number";
        el.min = f.low; el.max = f.high;
        el.step = f.kind === "int" ? 1 : "any";
      } else el.type = "text";
    }
    el.id = idOf(f.name);
    el.addEventListener("change", () => {
      if (f.name === "hidden" || f.name === "activation") this.activations = [];  // per-layer choices reset
      this.onChange();
    });
    box.append(label, el);
  }

  // the form's values, typed as the schema says (numbers as numbers), ready to send
  values() {
    const v = {};
    for (const f of this.fields) {
      if (f.name === "features") { v.features = [...this.featureSet].join(","); continue; }
      if (f.name === "activations") { v.activations = this.activations.join(","); continue; }
      const el = document.getElementById(idOf(f.name));
      if (f.kind === "bool") v[f.name] = el.checked;
      else if (f.kind === "int" || f.kind === "float") v[f.name] = el.value === "" ? null : Number(el.value);
      else v[f.name] = el.value;
    }
    return v;
  }

  set(values) {
    const v = { ...this.defaults(), ...values };
    for (const f of this.fields) {
      if (f.name === "features") { this.featureSet = new Set(String(v.features).split(",").filter(Boolean)); continue; }
      if (f.name === "activations") { this.activations = String(v.activations).split(",").filter(Boolean); continue; }
      const el = document.getElementById(idOf(f.name));
      if (f.kind === "bool") el.checked = v[f.name] === true || v[f.name] === "true";
      else el.value = v[f.name];
    }
  }

  defaults() { return Object.fromEntries(this.fields.map((f) => [f.name, f.default])); }

  // URL hash <-> settings: every field, as text
  toHash() {
    const v = this.values();
    return "#" + this.fields.map((f) => `${f.name}=${encodeURIComponent(v[f.name])}`).join("&");
  }

  fromHash(hash) {
    const out = {};
    for (const part of hash.replace(/^#/, "").split("&")) {
      const [key, raw] = part.split("=");
      const f = this.byName[key];
      if (!f || raw === undefined) continue;
      const text = decodeURIComponent(raw);
      out[key] = f.kind === "int" || f.kind === "float" ? Number(text) : f.kind === "bool" ? text === "true" : text;
    }
    return out;
  }
}
