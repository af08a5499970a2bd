// The front end of every nnkit explorer (an anywidget ES module).
//
// It only draws. Every number a figure shows was computed by nnkit in Python
// and stored in the widget's `data` for every setting of the controls; moving
// a control picks other stored values and redraws. So the explorer responds
// with or without a kernel: in Jupyter and on the static website alike.

const SVG = "http://www.w3.org/2000/svg";
const BLUE = "#1f77b4";
const ORANGE = "#ff7f0e";
const RED = "#d62728";
const PURPLE = "#9467bd";
const CLASS_COLORS = [BLUE, ORANGE, "#2ca02c", RED, PURPLE, "#8c564b"];
// The class colours at a quarter strength on white, for filled regions.
const PALE = ["#c7dbec", "#ffdfc3", "#cae7ca", "#f5c9c9", "#e4d9ee", "#e2d5d2"];
let uid = 0;

function svg(tag, attrs = {}, parent = null, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

const fmt = (v, digits = 2) => (v === null ? "n/a" : v.toFixed(digits));
const num = (v) => String(+v.toPrecision(6)); // 0.30000000000000004 -> "0.3"

// About `count` tick positions at 1, 2 or 5 times a power of ten.
function ticks(lo, hi, count = 6) {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) {
    out.push(+(k * step).toPrecision(12));
  }
  return out;
}

// One set of axes in the box [left, top, width, height] of the figure. The
// panel's <g> records its limits and box so that a test can read a drawn
// point back into data coordinates.
function panel(figure, box, spec) {
  const [left, top, width, height] = box;
  const [x0, x1] = spec.xlim;
  const [y0, y1] = spec.ylim;
  const x = (v) => left + ((v - x0) / (x1 - x0)) * width;
  const y = (v) => top + height - ((v - y0) / (y1 - y0)) * height;
  const g = svg("g", {
    class: "nnkit-panel",
    "data-xlim": spec.xlim.join(","),
    "data-ylim": spec.ylim.join(","),
    "data-box": box.join(","),
  }, figure);
  svg("rect", { x: left, y: top, width, height, fill: "white" }, g);
  const axis = svg("g", { class: "nnkit-axis", "font-size": 11, fill: "#333" }, g);
  for (const t of spec.xticks ?? ticks(x0, x1)) {
    svg("line", { x1: x(t), x2: x(t), y1: top, y2: top + height, stroke: "#eee" }, axis);
    svg("text", { x: x(t), y: top + height + 14, "text-anchor": "middle" }, axis, num(t));
  }
  for (const t of spec.yticks ?? ticks(y0, y1, 5)) {
    svg("line", { x1: left, x2: left + width, y1: y(t), y2: y(t), stroke: "#eee" }, axis);
    svg("text", { x: left - 5, y: y(t) + 4, "text-anchor": "end" }, axis, num(t));
  }
  const label = { "font-size": 12, "text-anchor": "middle", fill: "#222" };
  svg("text", { ...label, x: left + width / 2, y: top + height + 30 }, axis, spec.xlabel ?? "");
  const ylabel = svg("text", { ...label, x: 0, y: 0 }, axis, spec.ylabel ?? "");
  ylabel.setAttribute("transform", `translate(${left - 38},${top + height / 2}) rotate(-90)`);
  svg("text", { ...label, "font-size": 13, x: left + width / 2, y: top - 8, class: "nnkit-title" },
    axis, spec.title ?? "");
  const id = `nnkit-clip-${++uid}`;
  svg("rect", { x: left, y: top, width, height }, svg("clipPath", { id }, g));
  const plot = svg("g", { "clip-path": `url(#${id})` }, g);
  svg("rect", { x: left, y: top, width, height, fill: "none", stroke: "#999" }, g);
  return { x, y, g, plot, box };
}

// A polyline through the points (xs[i], ys[i]); null values break it.
function line(p, xs, ys, style, name) {
  let d = "";
  let pen = "M";
  xs.forEach((xv, i) => {
    if (xv === null || ys[i] === null) { pen = "M"; return; }
    d += `${pen}${p.x(xv).toFixed(2)},${p.y(ys[i]).toFixed(2)}`;
    pen = "L";
  });
  return svg("path", {
    d, fill: "none", stroke: style.color, "stroke-width": style.width ?? 2,
    "stroke-dasharray": style.dash ?? "none", "data-name": name ?? "",
  }, p.plot);
}

function dot(p, xv, yv, color, name, r = 5, shape = "circle") {
  const attrs = { fill: color, stroke: "black", "stroke-width": 0.6, "data-name": name ?? "" };
  if (shape === "square") {
    return svg("rect", { ...attrs, x: p.x(xv) - r, y: p.y(yv) - r, width: 2 * r, height: 2 * r }, p.plot);
  }
  return svg("circle", { ...attrs, cx: p.x(xv), cy: p.y(yv), r }, p.plot);
}

function rect(p, xa, xb, ya, yb, attrs) {
  const [left, right] = [p.x(xa), p.x(xb)].sort((a, b) => a - b);
  const [top, bottom] = [p.y(ya), p.y(yb)].sort((a, b) => a - b); // y may point down
  return svg("rect", { x: left, y: top, width: right - left, height: bottom - top, ...attrs }, p.plot);
}

// entries: [label, color, "line" | "dash" | "dot" | "box"]
function legend(p, entries, corner = "left") {
  const width = 8 + 7 * Math.max(...entries.map(([label]) => label.length)) + 30;
  const [left, top] = [corner === "left" ? p.box[0] + 8 : p.box[0] + p.box[2] - width - 8, p.box[1] + 8];
  const g = svg("g", { class: "nnkit-legend", "font-size": 11 }, p.g);
  svg("rect", { x: left, y: top, width, height: 16 * entries.length + 6, fill: "white",
    "fill-opacity": 0.9, stroke: "#ccc" }, g);
  entries.forEach(([label, color, kind], i) => {
    const cy = top + 12 + 16 * i;
    if (kind === "dot") svg("circle", { cx: left + 14, cy, r: 4, fill: color, stroke: "black", "stroke-width": 0.6 }, g);
    else if (kind === "box") svg("rect", { x: left + 7, y: cy - 5, width: 14, height: 10, fill: color }, g);
    else svg("line", { x1: left + 4, x2: left + 24, y1: cy, y2: cy, stroke: color, "stroke-width": 2,
      "stroke-dasharray": kind === "dash" ? "6 3" : "none" }, g);
    svg("text", { x: left + 30, y: cy + 4 }, g, label);
  });
}

// The drawings, one per kind of explorer. Each gets the SVG, the stored data
// and `at(name)`, the position of control `name`; it draws and returns a
// sentence for screen readers and the controls that do nothing just now.

const DRAW = {
  activation(figure, data, at) {
    const fn = data.functions[at("activation")];
    const curves = fn.by_slope ? fn.by_slope[at("slope")] : fn;
    const p = panel(figure, [60, 30, 560, 310], {
      xlim: data.xlim, ylim: data.ylim, xlabel: "z", ylabel: "value", title: fn.name,
    });
    line(p, data.xlim, [0, 0], { color: "#999", width: 0.8 });
    line(p, [0, 0], data.ylim, { color: "#999", width: 0.8 });
    line(p, data.z, curves.f, { color: BLUE }, "f");
    line(p, data.z, curves.df, { color: ORANGE, dash: "7 4" }, "df");
    legend(p, [[`${fn.name}(z)`, BLUE, "line"], [`${fn.name}'(z)`, ORANGE, "dash"]]);
    const i = data.z.indexOf(1);
    return {
      summary: `${fn.name}: at z = 1 the value is ${fmt(curves.f[i], 3)} and the derivative ${fmt(curves.df[i], 3)}.`,
      disabled: fn.by_slope ? [] : ["slope"],
    };
  },

  perceptron(figure, data, at) {
    const n = data.size;
    const k = (at("w1") * n + at("w2")) * n + at("b");
    const [w1, w2, b] = [data.values[at("w1")], data.values[at("w2")], data.values[at("b")]];
    const yhat = data.yhat[k];
    const name = data.names[yhat];
    const p = panel(figure, [50, 30, 330, 330], {
      xlim: [-0.5, 1.5], ylim: [-0.5, 1.5], xticks: [0, 1], yticks: [0, 1],
      xlabel: "x₁", ylabel: "x₂", title: `${name}:  w = (${num(w1)}, ${num(w2)}),  b = ${num(b)}`,
    });
    // The half-plane where the output is 1, and the boundary along its first edge.
    rect(p, -0.5, 1.5, -0.5, 1.5, { fill: PALE[yhat === "1111" ? 1 : 0] });
    const quad = data.region[k];
    if (quad) {
      const points = [0, 2, 4, 6].map((j) => `${p.x(quad[j])},${p.y(quad[j + 1])}`).join(" ");
      svg("polygon", { points, fill: PALE[1] }, p.plot);
      line(p, [quad[0], quad[2]], [quad[1], quad[3]], { color: "black", width: 1.5 }, "boundary");
      const tip = data.arrow[k];
      line(p, [0.5, tip[0]], [0.5, tip[1]], { color: RED, width: 1.5 }, "w");
      dot(p, tip[0], tip[1], RED, "w tip", 3);
      svg("text", { x: p.x(tip[0]) + 6, y: p.y(tip[1]) - 6, fill: RED, "font-weight": "bold" }, p.plot, "w");
    }
    data.inputs.forEach(([x1, x2], i) => {
      dot(p, x1, x2, CLASS_COLORS[+yhat[i]], `input ${x1},${x2}`, 7);
    });
    legend(p, [["boundary", "black", "line"], ["ŷ = 0", BLUE, "dot"], ["ŷ = 1", ORANGE, "dot"]]);
    const table = svg("g", { class: "nnkit-table", "font-family": "monospace", "font-size": 13 }, figure);
    const z = data.z[k];
    const rows = ["x1  x2      z   ŷ"].concat(data.inputs.map(([x1, x2], i) =>
      ` ${x1}   ${x2}  ${z[i] >= 0 ? "+" : "-"}${fmt(Math.abs(z[i]))}   ${yhat[i]}`));
    rows.forEach((row, i) => svg("text", { x: 400, y: 80 + 20 * i, style: "white-space: pre" }, table, row));
    return { summary: `${name}. Outputs on (0,0), (0,1), (1,0), (1,1): ${yhat.split("").join(", ")}.` };
  },

  learning_rate(figure, data, at) {
    const loss = data.losses[at("loss")];
    const lr = data.lrs[at("lr")];
    const steps = data.steps[at("steps")];
    const path = loss.paths[at("lr")][at("w0")];
    const ws = path.w.slice(0, steps + 1);
    const Ls = path.L.slice(0, steps + 1);
    const inside = (w) => w !== null && w >= loss.window[0] && w <= loss.window[1];
    const last = ws[steps];
    const outcome = inside(last) ? `= ${fmt(last, 3)}` : `= ${last === null ? "inf" : last.toPrecision(3)}, off the plot`;
    const p = panel(figure, [60, 30, 560, 310], {
      xlim: loss.window, ylim: loss.ylim, xlabel: "w", ylabel: "L(w)",
      title: `lr = ${num(lr)}: w${steps} ${outcome}`,
    });
    line(p, loss.w, loss.L, { color: "#4d4d4d" }, "loss");
    line(p, ws, Ls, { color: ORANGE, width: 1 }, "path");
    ws.forEach((w, t) => {
      if (!inside(w)) return;
      const shade = Math.round(230 - 180 * (t / Math.max(steps, 1))); // light to dark
      dot(p, w, Ls[t], `rgb(${Math.min(255, shade + 40)},${shade},${Math.round(shade * 0.4)})`, `w${t}`, 4.5);
    });
    dot(p, ws[0], Ls[0], BLUE, "w0", 5, "square");
    legend(p, [["L(w)", "#4d4d4d", "line"], [`w_t, t = 0..${steps}`, ORANGE, "dot"],
      [`w_0 = ${num(ws[0])}`, BLUE, "box"]], "right");
    return { summary: `Learning rate ${num(lr)}, start ${num(ws[0])}: after ${steps} steps w ${outcome}.` };
  },

  width(figure, data, at) {
    const model = data.models[at("width")];
    const [x0, x1, y0, y1] = data.extent;
    const p = panel(figure, [60, 30, 420, 330], {
      xlim: [x0, x1], ylim: [y0, y1], xlabel: "x₁", ylabel: "x₂",
      title: `width ${model.width}: training accuracy ${fmt(model.accuracy)}`,
    });
    // The predicted class on the grid, one rectangle per run of equal cells.
    const rows = model.grid.length;
    const cols = model.grid[0].length;
    const [dx, dy] = [(x1 - x0) / cols, (y1 - y0) / rows];
    const regions = svg("g", { class: "nnkit-regions", "shape-rendering": "crispEdges" }, p.plot);
    model.grid.forEach((row, r) => {
      let start = 0;
      for (let c = 1; c <= cols; c++) {
        if (c < cols && row[c] === row[start]) continue;
        const x = p.x(x0 + start * dx);
        const y = p.y(y0 + (r + 1) * dy);
        svg("rect", { x, y, width: p.x(x0 + c * dx) - x + 0.5, height: p.y(y0 + r * dy) - y + 0.5,
          fill: PALE[+row[start]] }, regions);
        start = c;
      }
    });
    data.X.forEach(([a, b], i) => dot(p, a, b, CLASS_COLORS[data.y[i]], "", 3.5));
    return { summary: `A hidden layer of ${model.width} units: training accuracy ${fmt(model.accuracy)}.` };
  },

  threshold(figure, data, at) {
    const i = at("threshold");
    const t = data.thresholds[i];
    const [tn, fp, fn, tp] = data.cm[i];
    const hist = panel(figure, [50, 30, 260, 250], {
      xlim: data.hist.xlim, ylim: data.hist.ylim, xlabel: "score", ylabel: "count",
      title: "Scores by true class",
    });
    data.hist.counts.forEach((counts, c) => counts.forEach((count, j) => {
      rect(hist, data.hist.edges[j], data.hist.edges[j + 1], 0, count,
        { fill: CLASS_COLORS[c], "fill-opacity": 0.6 });
    }));
    line(hist, [t, t], data.hist.ylim, { color: "black", width: 1.5, dash: "6 3" }, "threshold");
    legend(hist, [["0 (negative)", BLUE, "box"], ["1 (positive)", ORANGE, "box"], ["threshold", "black", "dash"]], "right");

    const matrix = panel(figure, [400, 30, 250, 250], {
      xlim: [-0.5, 1.5], ylim: [1.5, -0.5], xticks: [0, 1], yticks: [0, 1],
      xlabel: "predicted", ylabel: "true", title: `Predict 1 if score >= ${fmt(t)}`,
    });
    const largest = Math.max(tn, fp, fn, tp, 1);
    [[tn, 0, 0], [fp, 1, 0], [fn, 0, 1], [tp, 1, 1]].forEach(([count, col, row]) => {
      const strength = count / largest;
      rect(matrix, col - 0.5, col + 0.5, row - 0.5, row + 0.5,
        { fill: `rgb(${Math.round(247 - 239 * strength)},${Math.round(251 - 203 * strength)},${Math.round(255 - 148 * strength)})` });
      svg("text", { x: matrix.x(col), y: matrix.y(row) + 6, "text-anchor": "middle", "font-size": 18,
        fill: strength > 0.5 ? "white" : "black", class: "nnkit-count" }, matrix.plot, String(count));
    });

    const precision = data.precision[i];
    const recall = data.recall[i];
    const roc = panel(figure, [730, 30, 250, 250], {
      xlim: [0, 1], ylim: [0, 1.02], xlabel: "false positive rate", ylabel: "true positive rate",
      title: `precision ${precision === null ? "undefined" : fmt(precision)}, recall ${fmt(recall)}`,
    });
    line(roc, [0, 1], [0, 1], { color: "#999", width: 1, dash: "4 3" }, "chance");
    line(roc, data.roc.fpr, data.roc.tpr, { color: BLUE }, "roc");
    dot(roc, fp / (fp + tn), tp / (tp + fn), "black", "rule", 6);
    legend(roc, [[`ROC (AUC = ${fmt(data.roc.auc)})`, BLUE, "line"], [`threshold ${fmt(t)}`, "black", "dot"]], "right");
    return { summary: `Threshold ${fmt(t)}: ${tp} true positives, ${fp} false positives, ${fn} false negatives, ${tn} true negatives; precision ${precision === null ? "undefined" : fmt(precision)}, recall ${fmt(recall)}.` };
  },

  precision(figure, data, at) {
    const format = data.formats[at("format")];
    const scale = data.scales[at("scale")];
    const frame = format.frames[at("scale")];
    const [subnormal, normal, largest] = format.limits;
    const title = `${format.name}, S = ${scale}: ${fmt(100 * frame.underflow, 1)}% round to 0, ${fmt(100 * frame.overflow, 1)}% to inf`;
    const p = panel(figure, [60, 30, 560, 310], {
      xlim: format.xlim, ylim: [0, frame.ymax], xlabel: "log10(|gradient| × S)",
      ylabel: "number of gradients", title,
      xticks: ticks(format.xlim[0], format.xlim[1], 8).filter(Number.isInteger),
    });
    rect(p, subnormal, normal, 0, frame.ymax, { fill: "#d9d9d9" });
    const colors = [RED, BLUE, PURPLE];
    frame.counts[0].forEach((_, j) => {
      const left = data.bin_width * (frame.first + j);
      let bottom = 0;
      frame.counts.forEach((counts, s) => {
        if (counts[j] > 0) rect(p, left, left + data.bin_width, bottom, bottom + counts[j], { fill: colors[s] });
        bottom += counts[j];
      });
    });
    line(p, [subnormal, subnormal], [0, frame.ymax], { color: "black", width: 1, dash: "2 3" }, "subnormal");
    line(p, [normal, normal], [0, frame.ymax], { color: "black", width: 1, dash: "6 3" }, "normal");
    line(p, [largest, largest], [0, frame.ymax], { color: "black", width: 1 }, "largest");
    legend(p, [["rounds to 0", RED, "box"], ["stored", BLUE, "box"], ["overflows to inf", PURPLE, "box"],
      ["subnormal (fewer bits)", "#d9d9d9", "box"], ["smallest normal", "black", "dash"], ["largest", "black", "line"]]);
    return { summary: title };
  },
};

const STYLE = `
.nnkit-explorer { font-family: system-ui, sans-serif; margin: 0.5em 0; }
.nnkit-controls { display: flex; flex-wrap: wrap; gap: 0.4em 1.5em; align-items: center; margin-bottom: 0.4em; }
.nnkit-control { display: flex; gap: 0.5em; align-items: center; }
.nnkit-control input[type=range] { width: 11em; }
.nnkit-control output { min-width: 3.5em; font-variant-numeric: tabular-nums; }
.nnkit-control :focus-visible { outline: 2px solid #1f77b4; outline-offset: 2px; }
.nnkit-explorer svg { width: 100%; height: auto; max-width: 760px; display: block; }
.nnkit-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

const SIZE = { threshold: [1000, 330], perceptron: [640, 400], width: [520, 400] };

function render({ model, el }) {
  const kind = model.get("kind");
  const controls = model.get("controls");
  const root = document.createElement("div");
  root.className = "nnkit-explorer";
  root.dataset.kind = kind;
  root.innerHTML = `<style>${STYLE}</style>`;
  const form = document.createElement("div");
  form.className = "nnkit-controls";
  const inputs = {};
  const outputs = {};
  const id = `nnkit-explorer-${++uid}`;
  for (const control of controls) {
    const wrap = document.createElement("div");
    wrap.className = "nnkit-control";
    const label = document.createElement("label");
    label.textContent = control.label;
    label.htmlFor = `${id}-${control.name}`;
    let input;
    if (control.type === "menu") {
      input = document.createElement("select");
      control.options.forEach((text, i) => input.add(new Option(text, i)));
    } else {
      input = document.createElement("input");
      Object.assign(input, { type: "range", min: 0, max: control.options.length - 1, step: 1 });
      outputs[control.name] = document.createElement("output");
      outputs[control.name].setAttribute("for", label.htmlFor);
    }
    input.id = label.htmlFor;
    input.dataset.control = control.name;
    input.addEventListener("input", () => {
      model.set("index", { ...model.get("index"), [control.name]: Number(input.value) });
      model.save_changes();
    });
    inputs[control.name] = input;
    wrap.append(label, input);
    if (outputs[control.name]) wrap.append(outputs[control.name]);
    form.append(wrap);
  }
  const [width, height] = SIZE[kind] ?? [640, 380];
  const figure = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "nnkit-figure" });
  const summary = document.createElement("p");
  summary.className = "nnkit-sr-only nnkit-summary";
  summary.setAttribute("aria-live", "polite");
  root.append(form, figure, summary);
  el.append(root);

  function draw() {
    const index = model.get("index");
    for (const control of controls) {
      const i = index[control.name];
      inputs[control.name].value = String(i);
      if (outputs[control.name]) {
        outputs[control.name].textContent = control.options[i];
        inputs[control.name].setAttribute("aria-valuetext", control.options[i]);
      }
    }
    figure.replaceChildren();
    const drawn = DRAW[kind](figure, model.get("data"), (name) => index[name]);
    for (const [name, input] of Object.entries(inputs)) {
      input.disabled = (drawn.disabled ?? []).includes(name);
    }
    figure.setAttribute("aria-label", drawn.summary);
    summary.textContent = drawn.summary;
  }
  draw();
  model.on("change:index", draw);
  model.on("change:data", draw);
  return () => {
    model.off("change:index", draw);
    model.off("change:data", draw);
  };
}

export default { render };
