// samples.js — material samples (材料样本): a page image with the department's boxes and notes over it.
// sampleFigure() beside a finding (the note of that review point highlighted), sampleLink() beside a
// checklist entry, renderSample() for the public page (/s/ITEM/Mn) and the staff editor. The published
// samples are public: fetched once per item and shown with plain <img> (no token needed).

import { api, clear, h, CODE_LABELS } from "/static/common.js";

const lists = new Map(); // item -> Promise<{material: sample}>

export function samplesOf(item) {
  if (!lists.has(item)) {
    lists.set(item, api(`/samples/${item}`).then((rows) => Object.fromEntries(rows.map((s) => [s.material, s])))
      .catch(() => ({})));
  }
  return lists.get(item);
}

// One page with its boxes; `highlight` (a finding code) marks the notes of that review point; `src` may be
// replaced (a draft's page fetched with the staff member's token).
export function samplePage(sample, page, { highlight = "", src = null, onBox = null } = {}) {
  const img = h("img", { src: src || sample.pages[page - 1], alt: `${sample.material} ${sample.material_name} 样本第 ${page} 页`, draggable: "false" });
  const frame = h("div", { class: "sample-page", "data-testid": "sample-page" }, img);
  sample.notes.forEach((n, i) => {
    if ((n.page || 1) !== page) return;
    const on = highlight && n.code === highlight;
    const [x0, y0, x1, y1] = n.box;
    const box = h("div", { class: `sample-box${on ? " hl" : ""}`, title: n.note, "data-note": String(i + 1) },
      h("span", { class: "sample-num" }, String(i + 1)));
    Object.assign(box.style, { left: `${x0 * 100}%`, top: `${y0 * 100}%`, width: `${(x1 - x0) * 100}%`, height: `${(y1 - y0) * 100}%` });
    if (onBox) box.addEventListener("click", (ev) => { ev.stopPropagation(); onBox(i); });
    frame.append(box);
  });
  return frame;
}

export function sampleNotes(sample, { highlight = "", onRemove = null } = {}) {
  return h("ol", { class: "sample-notes", "data-testid": "sample-notes" }, sample.notes.map((n, i) =>
    h("li", { class: highlight && n.code === highlight ? "hl" : "", "data-code": n.code || "" },
      n.note, n.code ? h("span", { class: "tag check" }, CODE_LABELS[n.code] || n.code) : null,
      onRemove ? h("button", { type: "button", class: "link", onclick: () => onRemove(i) }, "删除") : null)));
}

// The whole sample: every page and the notes (the public page, the staff editor's preview).
export function renderSample(el, sample, { highlight = "" } = {}) {
  clear(el).append(
    h("p", { class: "small muted" }, `${sample.item} ${sample.material} ${sample.material_name} · 收件标准 ${sample.version}`),
    ...sample.pages.map((_, i) => samplePage(sample, i + 1, { highlight })),
    sampleNotes(sample, { highlight }));
}

// Beside a finding: the page that carries the note of the finding's review point (else page 1), with a link
// to the public sample page. Open where a note explains this very point, folded (查看样本) otherwise, so a
// phone's list of findings stays short.
export function sampleFigure(item, material, code = "") {
  const fig = h("details", { class: "sample", "data-testid": "sample", hidden: true });
  samplesOf(item).then((all) => {
    const s = all[material];
    if (!s) return;
    const note = s.notes.find((n) => n.code === code);
    const page = note ? note.page || 1 : 1;
    fig.open = Boolean(note);
    fig.append(h("summary", {}, note ? `样本：${note.note}` : `查看 ${s.material_name || material} 的样本`),
      samplePage(s, page, { highlight: code }),
      h("p", { class: "small" }, h("a", { href: `${s.link}${code ? `?code=${code}` : ""}`, target: "_blank", rel: "noopener" }, "打开样本全文")));
    if (note) fig.append(h("p", { class: "sample-hint", "data-testid": "sample-hint" }, `样本标注：${note.note}`));
    fig.hidden = false;
  });
  return fig;
}

export function sampleLink(item, material) {
  const span = h("span", { class: "sample-link" });
  samplesOf(item).then((all) => {
    if (all[material]) span.append(h("a", { href: all[material].link, target: "_blank", rel: "noopener", "data-testid": "sample-link" }, "查看样本"));
  });
  return span;
}
