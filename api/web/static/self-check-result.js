// self-check-result.js — the self-check's ⑤: the verdict, each defect with what was read and where (with a crop of
// the page on request), the points to make sure of, and what each file was recognised as.
//
//   renderResult(run, state)   state: the self-check's (item, checklist, conditions, caseId, token, files)

import {
  $, api, clear, CODE_LABELS, confirmText, explainCode, fmtDate, h, notify, show, VERDICTS, verdictBadge,
} from "/static/common.js";
import { locateFiles } from "/static/clerk-result.js";
import { openViewer } from "/static/evidence.js";
import { sampleFigure } from "/static/samples.js";

function materialNames(state) {
  return Object.fromEntries((state.checklist ? state.checklist.entries : []).map((e) => [e.material, e.name]));
}

// A finding's message names its material and its problem again ("M2 营业执照：已过期——营业期限至…"): under
// the material's heading and the problem's tag, only what is new is said, then what to do.
function detail(f, names) {
  let m = f.message || "";
  const prefix = `${f.material} ${names[f.material] || ""}`;
  if (f.material && m.startsWith(prefix) && m.indexOf("：") >= 0) m = m.slice(m.indexOf("：") + 1);
  if (m.includes("——")) m = m.slice(m.indexOf("——") + 2);
  const label = CODE_LABELS[f.code] || "";
  return m === label ? "" : m;
}

function findingItem(f, names, located, state) {
  const what = f.condition ? `受理条件：${state.conditions[f.condition] || f.condition}`
    : `${f.material} ${names[f.material] || ""}${f.set_label ? `（${f.set_label}）` : ""}`;
  const said = detail(f, names);
  return h("li", { dataset: { code: f.code, material: f.material || f.condition || "" } },
    h("span", { class: "tag code" }, CODE_LABELS[f.code] || f.code),
    f.tolerable ? h("span", { class: "tag tolerable" }, "可容缺") : null, h("strong", {}, what),
    said ? h("div", {}, said) : null,
    (f.evidence || []).filter((e) => e.file || e.text).map((e) => evidenceItem(e, located, state)),
    explainCode(f.code) ? h("div", { class: "small muted" }, `怎么办：${explainCode(f.code)}`) : null,
    f.material ? sampleFigure(state.item.code, f.material, f.code) : null);
}

// What was read, from which file and page, and — on request — the part of the page it was read from.
function evidenceItem(e, located, state) {
  const hit = e.file ? (located.get(e.file) || []).find((x) => x.file) : null;
  const file = hit ? { id: hit.file.id, name: e.file, pages: hit.report.pages || 1 } : null;
  const page = (e.page ?? 0) + 1;
  const holder = h("div", { "data-testid": "crop-holder" });
  const show = file ? h("button", { type: "button", class: "link", "data-testid": "show-crop", onclick: () => crop(holder, file, page, e, show, state) },
    e.box ? "看原件上的这一处" : "看原件") : null;
  return h("div", { class: "evidence-line", "data-testid": "applicant-evidence" },
    e.text ? ["读到：", h("q", {}, e.text), " "] : null,
    e.file ? h("span", { class: "muted" }, `（${e.file} 第 ${page} 页）`) : null, " ", show, holder);
}

async function crop(holder, file, page, e, button, state) {
  button.disabled = true;
  notify($("#status"), "");
  clear(holder).append(h("p", { class: "small muted", role: "status" }, "正在取原件…"));
  try {
    const res = await api(`/cases/${state.caseId}/files/${file.id}/pages/${page}`, { caseToken: state.token, raw: true });
    const image = await createImageBitmap(await res.blob());
    const canvas = h("canvas", { class: "crop", role: "img", "data-testid": "evidence-crop",
      "aria-label": `${file.name} 第 ${page} 页${e.text ? `，读到「${e.text}」的位置` : ""}` });
    drawCrop(canvas, image, e.box);
    clear(holder).append(canvas, h("button", { type: "button", class: "link",
      onclick: () => openViewer({ caseId: state.caseId, file, page, box: e.box || null, text: e.text || "", caseToken: state.token }) },
    "看整页"));
  } catch (err) {
    clear(holder).append(h("p", { class: "status status-error" }, err.message));
  } finally {
    button.disabled = false;
  }
}

// The box with some of the page around it (a whole page when there is no box), at most 680 px wide.
function drawCrop(canvas, image, box) {
  let [x0, y0, x1, y1] = box || [0, 0, image.width, image.height];
  const padX = Math.max(120, (x1 - x0) * 1.2); // the label beside a value is part of what it says
  const padY = Math.max(60, (y1 - y0) * 1.5);
  const sx = Math.max(0, x0 - padX), sy = Math.max(0, y0 - padY);
  const sw = Math.min(image.width, x1 + padX) - sx, sh = Math.min(image.height, y1 + padY) - sy;
  const scale = Math.min(1, 680 / sw);
  canvas.width = Math.round(sw * scale);
  canvas.height = Math.round(sh * scale);
  const g = canvas.getContext("2d");
  g.drawImage(image, sx, sy, sw, sh, 0, 0, canvas.width, canvas.height);
  if (box) {
    g.strokeStyle = "#e5262d";
    g.lineWidth = 3;
    g.strokeRect((x0 - sx) * scale, (y0 - sy) * scale, (x1 - x0) * scale, (y1 - y0) * scale);
  }
}

// Which file was recognised as which material (what the clerk's file report shows).
function showRecognised(r, names) {
  const box = clear($("#recognised"));
  const reports = r.files || [];
  show(box, reports.length > 0);
  if (!reports.length) return;
  box.append(h("h2", {}, "每个文件识别成了什么"),
    h("ul", { class: "plain", "data-testid": "recognised-list" }, reports.map((f) => h("li", {},
      h("strong", {}, f.name), h("div", { class: "small" },
        f.error ? h("span", { class: "fail" }, `无法读取：${f.error.message || f.error}`)
          : (f.materials || []).length ? `识别为：${f.materials.map((m) => `${m} ${names[m] || ""}`).join("、")}`
            : f.looks_like ? `像是“${f.looks_like}”，不是本事项要求的材料` : "没有认出是哪份材料，请确认上传的文件是否正确",
        f.pages ? h("span", { class: "muted" }, ` · ${f.pages} 页`) : null)))));
}

export function renderResult(r, state) {
  const v = VERDICTS[r.verdict] || { label: r.verdict_label, cls: "", hint: "" };
  const panel = clear($("#verdict"));
  panel.className = `card verdict-panel ${v.cls}`;
  panel.append(h("div", {}, h("p", {}, "预审结论：", verdictBadge(r.verdict)), h("p", {}, v.hint),
    r.tolerance_deadline ? h("p", {}, `请在 ${fmtDate(r.tolerance_deadline)} 前补交容缺材料。`) : null,
    h("p", { class: "small muted" }, `${state.item.name} · 审查日 ${fmtDate(r.review_date)} · 第 ${r.number} 次预审 · 仅供参考`)));
  const names = materialNames(state);
  const located = locateFiles(r, state.files);
  const box = clear($("#defects"));
  if (!r.findings.length) {
    box.append(h("p", { id: "no-defects" }, (r.uncertain || []).length
      ? "没有发现确定的问题；下面几处请您确认。请带齐原件到窗口办理。" : "没有发现问题。请带齐原件到窗口办理。"));
  }
  else box.append(h("h2", {}, `发现 ${r.findings.length} 个问题`), h("ul", { class: "findings", id: "findings" },
    r.findings.map((f) => findingItem(f, names, located, state))));
  showToConfirm(r.uncertain || [], names, r.files || [], state);
  showRecognised(r, names);
}

// The points the pre-review could not settle: not defects, things to make sure of before going to the
// window — one per material (or condition) and code, with the file and page they concern.
function showToConfirm(uncertain, names, reports, state) {
  const points = new Map();
  for (const f of uncertain) {
    const k = `${f.material || f.condition} ${f.code}`;
    if (!points.has(k)) points.set(k, []);
    points.get(k).push(f);
  }
  const box = clear($("#to-confirm"));
  show(box, points.size > 0);
  if (!points.size) return;
  box.append(h("h2", {}, `请确认 ${points.size} 处`),
    h("p", { class: "small muted" }, "下面几处预审没能看清，不算问题。请对照原件确认；看不清的，重新拍照或扫描后上传再预审，窗口也会当面核对。"),
    h("ul", { class: "to-confirm", id: "to-confirm-list" }, [...points.values()].map((list) => confirmItem(list, names, reports, state))));
}

// reports: what each file was read as; where a point has no evidence of its own, the files of its material
function confirmItem(list, names, reports, state) {
  const f = list[0];
  const labels = [...new Set(list.map((x) => x.set_label).filter(Boolean))];
  const what = f.condition ? state.conditions[f.condition] || f.condition
    : `${f.material} ${names[f.material] || ""}${labels.length ? `（${labels.join("、")}）` : ""}`;
  const fields = [...new Set(list.map((x) => x.field).filter(Boolean))].join("、");
  let where = [...new Set(list.flatMap((x) => x.evidence || []).filter((e) => e.file)
    .map((e) => `${e.file} 第 ${(e.page ?? 0) + 1} 页`))];
  if (!where.length && f.material) {
    where = reports.filter((r) => r.slot === f.material || (r.materials || []).includes(f.material)).map((r) => r.name);
  }
  const doubts = [...new Set(list.map((x) => x.doubt).filter(Boolean))];
  return h("li", { dataset: { code: f.code, material: f.material || f.condition || "" } },
    h("strong", {}, confirmText(f.code, what, fields)),
    doubts.length ? h("div", { class: "small muted" }, `预审没能确定：${doubts.join("；")}`) : null,
    where.length ? h("div", { class: "where" }, `涉及：${where.join("、")}`) : null);
}
