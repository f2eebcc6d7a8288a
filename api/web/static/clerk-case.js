// clerk-case.js — one case in the clerk console, in two columns on a desk screen: on the left the materials
// due (with the files recognition put in each), one drop zone for the whole pile, the run (its real
// progress: run-progress.js) and the file report; on the right the result (clerk-result.js), its
// uncertain points to settle (clerk-settle.js) and the decision with its notice (clerk-decision.js), which
// stays in view at the foot of the column.
//
//   const view = caseView(container, caseId, {items, onChange});  view.close()

import { api, busy, clear, fmtDate, fmtDateTime, fmtSize, h, notify, verdictBadge } from "/static/common.js";
import { renderResult } from "/static/clerk-result.js";
import { decisionPanel } from "/static/clerk-decision.js";
import { watchRun } from "/static/run-progress.js";
import { settlePanel } from "/static/clerk-settle.js";

const RUN_STATUS = { queued: "排队等待预审…", running: "正在读取材料、识别并审查…", done: "预审完成", failed: "预审失败" };

export function caseView(container, caseId, { items, onChange }) {
  const ctx = { caseId, items, onChange, container, closed: false, data: null, item: null, due: null };
  load(ctx);
  return {
    close() {
      ctx.closed = true;
      clear(container);
    },
  };
}

async function load(ctx) {
  const { container, caseId } = ctx;
  const status = h("p", { class: "status", role: "status" }, "正在打开案件…");
  // the first time only: a reload after a step keeps the case on screen until the new state replaces it
  if (!ctx.data) clear(container).append(status);
  else container.prepend(status);
  try {
    ctx.data = await api(`/cases/${caseId}`);
    ctx.item = await api(`/items/${encodeURIComponent(ctx.data.item)}`);
    const on = ctx.data.review_date || undefined;
    ctx.due = await api(`/items/${encodeURIComponent(ctx.data.item)}/checklist`, { body: { declared: ctx.data.declared, on } });
    ctx.facts = await factLines(ctx.data.item, ctx.data.declared);
  } catch (err) {
    notify(status, err.message, "error");
    return;
  }
  if (!ctx.closed) render(ctx);
}

function render(ctx) {
  const scrolled = ctx.container.querySelector(".case-work");
  const keep = scrolled ? scrolled.scrollTop : 0; // the right column stays where the clerk was
  const { data } = ctx;
  const last = data.runs[data.runs.length - 1];
  const open = data.status === "open";
  // two columns on a desk screen: what came in on the left, what to do about it on the right, side by side
  const left = h("div", { class: "case-materials" }, open ? materials(ctx) : filesPlain(ctx), runPanel(ctx, last),
    h("div", { id: "file-reports" }));
  const right = h("div", { class: "case-work" }, h("div", { id: "result" }), h("div", { id: "decision" }));
  clear(ctx.container).append(header(ctx), h("div", { class: "case-grid" }, left, right));
  const done = [...data.runs].reverse().find((r) => r.status === "done");
  if (done) showResult(ctx, done);
  else right.prepend(h("div", { class: "card muted" }, "上传材料并提交预审后，预审建议、问题与证据和收件决定显示在这里。"));
  right.scrollTop = keep;
  if (last && (last.status === "queued" || last.status === "running")) poll(ctx, last.number);
}

// a case's short number as people read it out (the full id stays in the address)
export const shortId = (id) => id.slice(0, 8).toUpperCase();

function header(ctx) {
  const { data, item } = ctx;
  const facts = ctx.facts || [];
  return h("div", { class: "card", "data-testid": "case-header", "data-case-id": data.id },
    h("div", { class: "pane-head" },
      h("h1", {}, `${item.name}`),
      h("span", { class: `tag status-${data.status}` }, data.status === "open" ? "办理中" : data.status === "decided" ? "已决定" : "已清除")),
    h("dl", { class: "kv kv-inline" },
      h("dt", {}, "案件编号"), h("dd", { "data-testid": "case-id", "data-case-id": data.id }, data.number || shortId(data.id)),
      h("dt", {}, "申请人"), h("dd", {}, data.applicant_name || "（未填）"),
      h("dt", {}, "事项"), h("dd", {}, `${item.code}${item.bundle ? "（一件事）" : ""} · ${item.department}`),
      h("dt", {}, "审查日"), h("dd", {}, data.review_date ? fmtDate(data.review_date) : "每次预审的当天"),
      h("dt", {}, "建立"), h("dd", {}, `${fmtDateTime(data.created_at)}${data.channel === "applicant" ? "（申请人自助预检）" : ""}${data.taken_from ? "（由预检码转入）" : ""}`)),
    facts.length ? h("details", {}, h("summary", {}, `申报事实（${facts.length} 项）`),
      h("dl", { class: "kv small" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))) : null);
}

// The declared facts in words: each question's wording and its answer's label, never the fact's key.
async function factLines(item, declared) {
  let questions = [];
  try {
    questions = await api(`/items/${encodeURIComponent(item)}/questions`);
  } catch {
    questions = [];
  }
  const byFact = new Map(questions.map((q) => [q.fact, q]));
  const say = (q, v) => {
    if (typeof v === "boolean") return v ? "是" : "否";
    if (Array.isArray(v)) return v.map((x) => say(q, x)).join("、");
    if (v && typeof v === "object") return Object.values(v).map((x) => say(q, x)).join("，");
    return (q && q.value_labels && q.value_labels[v]) || String(v);
  };
  return Object.entries(declared).filter(([k]) => byFact.has(k)).map(([k, v]) => {
    const q = byFact.get(k);
    return [q.label || q.ask || "申报事实", say(q, v)];
  });
}

// ------------------------------------------------------------------------------------- uploads

function materials(ctx) {
  const { data, due } = ctx;
  const byMaterial = new Map(due.entries.map((e) => [e.material, e]));
  const recognised = recognisedAs(ctx);
  const rows = ctx.item.materials.map((m) => slotRow(ctx, m, byMaterial.get(m.id), recognised.get(m.id) || []));
  const pileFiles = data.files.filter((f) => !f.slot);
  const input = h("input", { type: "file", multiple: true, accept: "image/*,.pdf", class: "visually-hidden",
    "data-testid": "upload-pile", id: "upload-files" });
  const pileStatus = h("p", { class: "status", role: "status", "data-testid": "upload-status" });
  input.addEventListener("change", () => send(ctx, null, input, pileStatus));
  const pile = h("div", { class: "dropzone", "data-testid": "pile" },
    h("label", { class: "file-button primary-button", for: "upload-files" }, "选择文件（可多选）", input),
    h("p", { class: "small muted" }, "或把扫描件、照片整批拖到这里：不必逐份选择材料，系统按内容识别每一页是哪份材料。"),
    fileList(ctx, pileFiles), pileStatus);
  dropTarget(pile, (files) => send(ctx, null, { files, value: "" }, pileStatus));
  return h("div", { class: "card" },
    h("h2", {}, "材料"),
    due.problems.length ? h("p", { class: "status status-error" }, `申报事实有问题：${due.problems.join("；")}`) : null,
    pile, h("ul", { class: "plain slots" }, rows));
}

// material -> names of the files the latest run recognised as it
function recognisedAs(ctx) {
  const done = [...ctx.data.runs].reverse().find((r) => r.status === "done");
  const out = new Map();
  for (const r of (done && done.files) || []) {
    for (const m of r.materials || []) {
      if (!out.has(m)) out.set(m, []);
      if (!out.get(m).includes(r.name)) out.get(m).push(r.name);
    }
  }
  return out;
}

function slotRow(ctx, m, entry, recognised) {
  const files = ctx.data.files.filter((f) => f.slot === m.id);
  const dueTag = !entry || entry.due === "yes" ? null : h("span", { class: "tag" }, entry.due === "no" ? "本案不需要" : "视情况");
  const status = h("p", { class: "status", role: "status" });
  const row = h("li", { class: `material slot${entry && entry.due === "no" ? " not-due" : ""}`, "data-slot": m.id },
    h("div", {},
      h("strong", {}, `${m.id} ${m.name}`), " ",
      h("span", { class: `tag ${m.tolerance_days ? "tolerable" : ""}` }, m.necessity), dueTag,
      recognised.length ? h("div", { class: "small recognised" }, "识别到：", recognised.join("、")) : null,
      fileList(ctx, files), status));
  dropTarget(row, (list) => send(ctx, m.id, { files: list, value: "" }, status));
  return row;
}

function fileList(ctx, files) {
  if (!files.length) return null;
  return h("ul", { class: "plain files small" }, files.map((f) =>
    h("li", { class: f.active ? "" : "withdrawn", "data-file-id": f.id },
      h("span", { class: "grow" }, `${f.name}（${fmtSize(f.size)}）`),
      f.active && ctx.data.status === "open"
        ? h("button", { type: "button", class: "link", onclick: (ev) => withdraw(ctx, f, ev.target) }, "撤回")
        : f.active ? null : h("span", { class: "muted" }, "已撤回"))));
}

function dropTarget(el, onFiles) {
  el.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    el.classList.add("over");
  });
  el.addEventListener("dragleave", () => el.classList.remove("over"));
  el.addEventListener("drop", (ev) => {
    ev.preventDefault();
    el.classList.remove("over");
    if (ev.dataTransfer && ev.dataTransfer.files.length) onFiles([...ev.dataTransfer.files]);
  });
}

async function send(ctx, slot, input, status) {
  const files = [...(input.files || [])];
  if (!files.length) return;
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  notify(status, `正在上传 ${files.length} 个文件…`, "info");
  try {
    await api(`/cases/${ctx.caseId}/files`, { form, query: { slot } });
    input.value = "";
    await reload(ctx);
  } catch (err) {
    notify(status, err.message, "error");
  }
}

async function withdraw(ctx, file, button) {
  try {
    await busy(button, api(`/cases/${ctx.caseId}/files/${file.id}`, { method: "DELETE" }));
    await reload(ctx);
  } catch (err) {
    alert(err.message);
  }
}

function filesPlain(ctx) {
  return h("div", { class: "card" }, h("h2", {}, "已上传的文件"), fileList(ctx, ctx.data.files) || h("p", { class: "muted" }, "没有文件"));
}

async function reload(ctx) {
  if (ctx.closed) return;
  const y = window.scrollY;
  await load(ctx);
  window.scrollTo(0, y);
  if (ctx.onChange) ctx.onChange();
}

// -------------------------------------------------------------------------------------------- runs

function runPanel(ctx, last) {
  const open = ctx.data.status === "open";
  const active = ctx.data.files.filter((f) => f.active).length;
  const button = h("button", { type: "button", class: "primary", id: "run-button", disabled: !open || !active }, last ? "重新预审" : "提交预审");
  const status = h("p", { class: "status", role: "status", id: "run-status" });
  const watch = h("div", { "data-testid": "run-progress" });
  button.addEventListener("click", async () => {
    try {
      const run = await busy(button, api(`/cases/${ctx.caseId}/runs`, { method: "POST", query: { wait: 0 } }));
      poll(ctx, run.number);
    } catch (err) {
      notify(status, err.message, "error");
    }
  });
  ctx.runUi = { button, status, watch };
  return h("div", { class: "card no-print" },
    h("h2", {}, "预审"),
    h("p", { class: "small muted" }, open ? `参加预审的文件：${active} 个。补正后上传新文件、撤回错误的文件，再重新预审；每次预审的结论都会保留。` : "案件已作出收件决定。"),
    h("div", { class: "row" }, button), watch, status,
    ctx.data.runs.length ? runHistory(ctx) : null);
}

function runHistory(ctx) {
  return h("details", {}, h("summary", {}, `预审记录（${ctx.data.runs.length} 次）`),
    h("ul", { class: "plain small" }, ctx.data.runs.map((r) =>
      h("li", {}, `第 ${r.number} 次 · ${fmtDateTime(r.created_at)} · `, r.verdict ? verdictBadge(r.verdict) : RUN_STATUS[r.status],
        ` · 规则 ${r.rule_hash ? r.rule_hash.slice(0, 10) : "—"} · ${r.requested_by}`))));
}

async function poll(ctx, number) {
  const { button, status, watch } = ctx.runUi;
  button.disabled = true;
  notify(status, "");
  const run = await watchRun(watch, { caseId: ctx.caseId, number, isClosed: () => ctx.closed });
  if (!run || ctx.closed) return;
  if (run.status === "failed") notify(status, `第 ${number} 次预审失败：${run.error || "原因不明"}`, "error");
  await reload(ctx);
}

// ---------------------------------------------------------------------------------- result, decide

function showResult(ctx, run) {
  const names = Object.fromEntries(ctx.item.materials.map((m) => [m.id, m.name]));
  const conditions = Object.fromEntries(ctx.item.conditions.map((c) => [c.id, c.text]));
  const { data } = ctx;
  const suggestion = data.suggestion && data.suggestion.run === run.number ? data.suggestion : null;
  const view = renderResult(ctx.container.querySelector("#result"), { caseId: ctx.caseId, item: ctx.item.code, run, files: data.files, names,
    conditions, suggestion, reportsEl: ctx.container.querySelector("#file-reports") });
  const decision = decisionPanel(ctx.container.querySelector("#decision"), { ctx, run, suggestion, names, reload: () => reload(ctx) });
  settlePanel(view.settleSlot, { caseId: ctx.caseId, run, located: view.located, names, conditions,
    settlements: suggestion ? data.settlements : [], canSettle: data.status === "open" && data.channel !== "applicant",
    closedNote: data.channel === "applicant" ? "申请人自助预检的案件不在窗口核对：请申请人出示预检码，在左侧“预检码”中转为窗口案件。" : "",
    onSettled: (out) => {
      Object.assign(data, { suggestion: out.suggestion, settlements: out.settlements });
      view.showSuggestion(out.suggestion);
      decision.update(out.suggestion);
    } });
}
