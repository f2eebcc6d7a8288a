// clerk-result.js — a finished pre-review run for the clerk: the suggested verdict (settled: see
// clerk-settle.js), every finding with its evidence (the text read, and the page with the field's box:
// evidence.js), a slot for the 请核对 panel, and what each file was recognised as.
//
//   const view = renderResult(el, {caseId, run, files, names: {M1: "…"}, conditions: {C1: "…"}, suggestion})
//   view.settleSlot        where the 请核对 panel goes (between the verdict and the file reports)
//   view.located           the run's files by name (for evidenceLine)
//   view.showSuggestion(s) the verdict made again after a point was settled (announced: aria-live)

import { CODE_LABELS, VERDICTS, clear, fmtDate, h, ruleWhere, verdictBadge } from "/static/common.js";
import { openViewer } from "/static/evidence.js";
import { licencePanel } from "/static/clerk-licences.js";
import { sampleFigure } from "/static/samples.js";

export function renderResult(el, { caseId, item = "", run, files, names, conditions, suggestion, reportsEl }) {
  clear(el);
  if (run.status !== "done") return null;
  const located = locateFiles(run, files);
  const card = verdictCard(caseId, run, located, names, conditions, item);
  const settleSlot = h("div", { id: "settle" });
  const reports = fileReports(caseId, run, located, names);
  el.append(card.el, settleSlot, licencePanel(caseId, run));
  if (reports) (reportsEl ? clear(reportsEl) : el).append(reports);
  card.show(suggestion);
  return { located, settleSlot, showSuggestion: card.show };
}

function verdictCard(caseId, run, located, names, conditions, item) {
  const title = h("h2", {});
  const hint = h("p", {});
  const deadline = h("p", {});
  const status = h("p", { class: "status", role: "status", "aria-live": "polite", "data-testid": "suggestion-status" });
  const uncertain = run.uncertain || [];
  const confirmed = h("p", { "data-testid": "confirmed-points" });
  const findings = findingList(caseId, run, located, names, conditions, item);
  const el = h("div", { class: "card verdict-panel", "data-testid": "verdict" }, title, hint, deadline, status,
    h("p", { class: "small muted" }, `审查日 ${fmtDate(run.review_date)} · 共 ${run.findings.length} 个问题`,
      uncertain.length ? `，另有 ${new Set(uncertain.map(pointKey)).size} 处请核对（不计入结论，见下）` : ""),
    findings, confirmed);
  const what = (p) => `${p.material || p.condition} ${names[p.material] || conditions[p.condition] || ""}`.trim();
  // s: the settled suggestion (SuggestionOut); without one, the run's own verdict
  function show(s) {
    const verdict = s ? s.verdict : run.verdict;
    const v = VERDICTS[verdict] || { label: verdict, cls: "", hint: "" };
    el.className = `card verdict-panel ${v.cls}`;
    clear(title).append(`第 ${run.number} 次预审建议${s && s.open ? "（暂定）" : ""}：`, verdictBadge(verdict));
    hint.textContent = v.hint;
    const due = s ? s.tolerance_deadline : run.tolerance_deadline;
    deadline.textContent = due ? `容缺材料须在 ${fmtDate(due)} 前补交。` : "";
    status.textContent = s && s.uncertain ? settledText(run, s) : "";
    const points = s ? s.confirmed : [];
    confirmed.hidden = !points.length;
    confirmed.textContent = points.length
      ? `经核对确认为问题：${points.map((p) => `${what(p)} · ${CODE_LABELS[p.code] || p.code}`).join("；")}（见下方“请核对”）` : "";
    if (findings.classList.contains("pass")) findings.hidden = points.length > 0; // "未发现确定的问题" no longer the news
  }
  return { el, show };
}

function settledText(run, s) {
  const label = (code) => (VERDICTS[code] ? VERDICTS[code].label : code);
  if (s.open) return `还有 ${s.open} 处请核对未核对：结论暂按这些点“不是问题”计算，全部核对后才能作收件决定。`;
  const change = s.verdict === run.verdict ? `仍为「${label(s.verdict)}」` : `由「${label(run.verdict)}」改为「${label(s.verdict)}」`;
  return `已核对全部 ${s.uncertain} 处（确认为问题 ${s.confirmed.length} 处）：预审建议${change}。`;
}

// an uncertain point's key: one review point (material or condition + code), however many sets it names
export const pointKey = (f) => `${f.material || f.condition || ""} ${f.code}`;

// Evidence names a file by its name; the run lists the case files it read, in order.
export function locateFiles(run, files) {
  const byId = new Map(files.map((f) => [f.id, f]));
  const read = run.file_ids.map((id) => byId.get(id)).filter(Boolean);
  const reports = run.files || [];
  const out = new Map(); // file name -> [{file, report}]
  const seen = new Map();
  for (const report of reports) {
    const k = seen.get(report.name) || 0;
    seen.set(report.name, k + 1);
    const file = read.filter((f) => f.name === report.name)[k];
    if (!out.has(report.name)) out.set(report.name, []);
    out.get(report.name).push({ file, report });
  }
  return out;
}

function viewable(located, name) {
  const hit = (located.get(name) || []).find((x) => x.file);
  return hit ? { id: hit.file.id, name, pages: hit.report.pages || 1 } : null;
}

function findingList(caseId, run, located, names, conditions, item) {
  if (!run.findings.length) {
    return h("p", { class: "pass" }, (run.uncertain || []).length ? "未发现确定的问题。" : "材料齐全，未发现问题。");
  }
  const groups = new Map();
  for (const f of run.findings) {
    const key = f.material || f.condition || "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  return h("div", { "data-testid": "findings" }, [...groups].map(([key, list]) =>
    h("div", {},
      h("h3", {}, key.startsWith("C") ? `受理条件 ${key} ${conditions[key] || ""}` : `${key} ${names[key] || ""}`),
      list.map((f) => finding(caseId, f, located, run)),
      item && !key.startsWith("C") ? sampleFigure(item, key, list[0].code) : null)));
}

function finding(caseId, f, located, run) {
  const cls = f.code === "NOT_ELIGIBLE" ? "not-eligible" : f.tolerable ? "tolerable" : "";
  const evidence = f.evidence || [];
  const files = evidence.length ? [] : filesOf(f.material, run, located);
  return h("div", { class: `finding ${cls}`, tabindex: "-1", "data-code": f.code, "data-material": f.material || f.condition || "" },
    h("div", {},
      h("span", { class: "tag code" }, CODE_LABELS[f.code] || f.code),
      f.tolerable ? h("span", { class: "tag tolerable" }, "可容缺") : null,
      f.set_label ? h("span", { class: "tag" }, f.set_label) : null,
      f.field ? h("strong", {}, `${f.field}：`) : null,
      said(f)),
    f.rule ? h("div", { class: "where" }, `依据：${ruleWhere(f.rule)}`) : null,
    evidence.map((e) => evidenceLine(caseId, e, located)),
    files.length ? h("div", { class: "evidence" }, "相关文件：", files.map((file) =>
      h("button", { type: "button", class: "link", onclick: () => openViewer({ caseId, file }) }, file.name))) : null);
}

// The message under its material's heading and its problem's tag: only what is new ("M1 申请表：未盖章——缺少
// 印章" says the material and the problem again).
function said(f) {
  let m = f.message || "";
  const colon = m.indexOf("：");
  if (f.material && m.startsWith(f.material) && colon >= 0) m = m.slice(colon + 1);
  const label = CODE_LABELS[f.code] || "";
  if (label && m.startsWith(`${label}——`)) m = m.slice(label.length + 2);
  return m === label ? "" : m;
}

export function evidenceLine(caseId, e, located) {
  const file = e.file ? viewable(located, e.file) : null;
  const page = (e.page ?? 0) + 1;
  return h("div", { class: "evidence", "data-testid": "evidence" },
    e.file ? `${e.file} 第 ${page} 页` : "",
    e.text ? [" ", h("q", {}, e.text)] : null, " ",
    file ? h("button", { type: "button", class: "link", "data-testid": "show-evidence",
      onclick: () => openViewer({ caseId, file, page, box: e.box || null, text: e.text || "" }) },
      e.box ? "查看原件（标出位置）" : "查看原件") : null);
}

export function filesOf(material, run, located) {
  if (!material) return [];
  const out = [];
  for (const report of run.files || []) {
    if (report.slot === material || (report.materials || []).includes(material)) {
      const file = viewable(located, report.name);
      if (file && !out.some((x) => x.id === file.id)) out.push(file);
    }
  }
  return out;
}

function fileReports(caseId, run, located, names) {
  const reports = run.files || [];
  if (!reports.length) return null;
  const seen = new Map();
  const rows = reports.map((r) => {
    const k = seen.get(r.name) || 0;
    seen.set(r.name, k + 1);
    const hit = (located.get(r.name) || [])[k];
    const file = hit && hit.file ? { id: hit.file.id, name: r.name, pages: r.pages || 1 } : null;
    const as = (r.materials || []).map((m) => `${m} ${names[m] || ""}`).join("、");
    return h("tr", {},
      h("td", {}, r.name),
      h("td", {}, r.slot ? `${r.slot} ${names[r.slot] || ""}` : "（整叠上传）"),
      h("td", {}, r.error ? h("span", { class: "fail" }, r.error.message || "无法读取")
        : as || (r.looks_like ? `像是“${r.looks_like}”，不是本事项的材料` : h("span", { class: "muted" }, "未识别出本事项的材料"))),
      h("td", {}, String(r.pages ?? "")),
      h("td", {}, file && !r.error ? h("button", { type: "button", class: "link", onclick: () => openViewer({ caseId, file }) }, "查看") : null));
  });
  return h("div", { class: "card" },
    h("h2", {}, "文件识别结果"),
    h("div", { class: "table-wrap" }, h("table", { "data-testid": "file-reports" },
      h("thead", {}, h("tr", {}, ["文件", "上传到", "识别为", "页数", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows))));
}
