// clerk-case.js — one case in the clerk console: the materials due and the files uploaded to each slot
// (or as a scanned pile without slots), the pre-review run (queued → running → done, polled), the result
// (clerk-result.js), its uncertain points to settle (clerk-settle.js), the clerk's decision (accept the
// settled suggestion, or another verdict with a reason; only once every point is settled) and the notice
// to print.
//
//   const view = caseView(container, caseId, {items, onChange});  view.close()

import { VERDICTS, api, busy, clear, fmtDate, fmtDateTime, fmtSize, h, notify, openNotice, verdictBadge } from "/static/common.js";
import { renderResult } from "/static/clerk-result.js";
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
  clear(container).append(status);
  try {
    ctx.data = await api(`/cases/${caseId}`);
    ctx.item = await api(`/items/${encodeURIComponent(ctx.data.item)}`);
    const on = ctx.data.review_date || undefined;
    ctx.due = await api(`/items/${encodeURIComponent(ctx.data.item)}/checklist`, { body: { declared: ctx.data.declared, on } });
  } catch (err) {
    notify(status, err.message, "error");
    return;
  }
  if (!ctx.closed) render(ctx);
}

function render(ctx) {
  const { data } = ctx;
  const last = data.runs[data.runs.length - 1];
  const open = data.status === "open";
  clear(ctx.container).append(...[
    header(ctx),
    open ? materials(ctx) : filesPlain(ctx),
    runPanel(ctx, last),
    h("div", { id: "result" }),
    h("div", { id: "decision" }),
  ].filter(Boolean));
  const done = [...data.runs].reverse().find((r) => r.status === "done");
  if (done) showResult(ctx, done);
  if (last && (last.status === "queued" || last.status === "running")) poll(ctx, last.number);
}

function header(ctx) {
  const { data, item } = ctx;
  const declared = Object.entries(data.declared);
  return h("div", { class: "card", "data-testid": "case-header", "data-case-id": data.id },
    h("div", { class: "pane-head" },
      h("h1", {}, `${item.name}`),
      h("span", { class: `tag status-${data.status}` }, data.status === "open" ? "办理中" : data.status === "decided" ? "已决定" : "已清除")),
    h("dl", { class: "kv" },
      h("dt", {}, "案件编号"), h("dd", { "data-testid": "case-number" }, data.number || data.id.slice(0, 8)),
      h("dt", {}, "事项"), h("dd", {}, `${item.code}${item.bundle ? "（一件事）" : ""} · ${item.department}`),
      h("dt", {}, "申请人"), h("dd", {}, data.applicant_name || "（未填）"),
      h("dt", {}, "审查日"), h("dd", {}, data.review_date ? fmtDate(data.review_date) : "每次预审的当天"),
      h("dt", {}, "建立"), h("dd", {}, `${fmtDateTime(data.created_at)}${data.channel === "applicant" ? "（申请人自助预检）" : ""}`)),
    h("details", {}, h("summary", {}, `申报事实（${declared.length} 项）`),
      h("dl", { class: "kv small" }, declared.map(([k, v]) => [h("dt", {}, k), h("dd", {}, typeof v === "object" ? JSON.stringify(v) : String(v))]))));
}

// ------------------------------------------------------------------------------------- uploads

function materials(ctx) {
  const { data, due } = ctx;
  const byMaterial = new Map(due.entries.map((e) => [e.material, e]));
  const rows = ctx.item.materials.map((m) => slotRow(ctx, m, byMaterial.get(m.id)));
  const pileFiles = data.files.filter((f) => !f.slot);
  const pileInput = h("input", { type: "file", multiple: true, accept: "image/*,.pdf", "data-testid": "upload-pile" });
  const pileStatus = h("p", { class: "status", role: "status" });
  pileInput.addEventListener("change", () => send(ctx, null, pileInput, pileStatus));
  const pile = h("div", { class: "dropzone", "data-testid": "pile" },
    h("strong", {}, "整叠上传（不分材料）"), h("p", { class: "small muted" }, "扫描的一叠材料可整份上传，系统按内容识别每一页是哪份材料。"),
    pileInput, fileList(ctx, pileFiles), pileStatus);
  dropTarget(pile, (files) => send(ctx, null, { files, value: "" }, pileStatus));
  return h("div", { class: "card" },
    h("h2", {}, "材料与上传"),
    due.problems.length ? h("p", { class: "status status-error" }, `申报事实有问题：${due.problems.join("；")}`) : null,
    h("div", {}, rows), pile);
}

function slotRow(ctx, m, entry) {
  const files = ctx.data.files.filter((f) => f.slot === m.id);
  const input = h("input", { type: "file", multiple: true, accept: "image/*,.pdf", "aria-label": `上传 ${m.id} ${m.name}` });
  const status = h("p", { class: "status", role: "status" });
  input.addEventListener("change", () => send(ctx, m.id, input, status));
  const dueTag = !entry || entry.due === "yes" ? null : h("span", { class: "tag" }, entry.due === "no" ? "本案不需要" : "视情况");
  const row = h("div", { class: `material slot${entry && entry.due === "no" ? " not-due" : ""}`, "data-slot": m.id },
    h("div", {},
      h("strong", {}, `${m.id} ${m.name}`), " ",
      h("span", { class: `tag ${m.tolerance_days ? "tolerable" : ""}` }, m.necessity), dueTag,
      h("div", { class: "small muted" }, [m.form, m.per ? `每${m.per}一套` : ""].filter(Boolean).join(" · ")),
      fileList(ctx, files)),
    h("div", {}, input, status));
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
  const bar = h("div", { class: "progress", hidden: true }, h("span", {}));
  button.addEventListener("click", async () => {
    try {
      const run = await busy(button, api(`/cases/${ctx.caseId}/runs`, { method: "POST", query: { wait: 0 } }));
      poll(ctx, run.number);
    } catch (err) {
      notify(status, err.message, "error");
    }
  });
  ctx.runUi = { button, status, bar };
  return h("div", { class: "card no-print" },
    h("h2", {}, "预审"),
    h("p", { class: "small muted" }, open ? `参加预审的文件：${active} 个。补正后上传新文件、撤回错误的文件，再重新预审；每次预审的结论都会保留。` : "案件已作出收件决定。"),
    h("div", { class: "row" }, button), bar, status,
    ctx.data.runs.length ? runHistory(ctx) : null);
}

function runHistory(ctx) {
  return h("details", {}, h("summary", {}, `预审记录（${ctx.data.runs.length} 次）`),
    h("ul", { class: "plain small" }, ctx.data.runs.map((r) =>
      h("li", {}, `第 ${r.number} 次 · ${fmtDateTime(r.created_at)} · `, r.verdict ? verdictBadge(r.verdict) : RUN_STATUS[r.status],
        ` · 规则 ${r.rule_hash ? r.rule_hash.slice(0, 10) : "—"} · ${r.requested_by}`))));
}

async function poll(ctx, number) {
  const { button, status, bar } = ctx.runUi;
  button.disabled = true;
  bar.hidden = false;
  const started = Date.now();
  const fill = bar.firstChild;
  for (;;) {
    if (ctx.closed) return;
    let run;
    try {
      run = await api(`/cases/${ctx.caseId}/runs/${number}`, { query: { wait: 10 } });
    } catch (err) {
      notify(status, `${err.message}（稍后自动重试）`, "error");
      await new Promise((r) => setTimeout(r, 3000));
      continue;
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    fill.style.width = `${run.status === "queued" ? 10 : Math.min(95, 20 + seconds * 2)}%`;
    notify(status, `第 ${number} 次预审：${RUN_STATUS[run.status] || run.status}（${seconds} 秒）`, "info");
    if (run.status === "done" || run.status === "failed") {
      if (run.status === "failed") notify(status, `第 ${number} 次预审失败：${run.error || "原因不明"}`, "error");
      bar.hidden = true;
      if (!ctx.closed) await reload(ctx);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------- result, decide

function showResult(ctx, run) {
  const names = Object.fromEntries(ctx.item.materials.map((m) => [m.id, m.name]));
  const conditions = Object.fromEntries(ctx.item.conditions.map((c) => [c.id, c.text]));
  const { data } = ctx;
  const suggestion = data.suggestion && data.suggestion.run === run.number ? data.suggestion : null;
  const view = renderResult(ctx.container.querySelector("#result"), { caseId: ctx.caseId, run, files: data.files, names, conditions, suggestion });
  const decision = decisionPanel(ctx, run, suggestion);
  settlePanel(view.settleSlot, { caseId: ctx.caseId, run, located: view.located, names, conditions,
    settlements: suggestion ? data.settlements : [], canSettle: data.status === "open" && data.channel !== "applicant",
    closedNote: data.channel === "applicant" ? "申请人自助预检的案件不在窗口核对；请为申请人新建案件后核对。" : "",
    onSettled: (out) => {
      Object.assign(data, { suggestion: out.suggestion, settlements: out.settlements });
      view.showSuggestion(out.suggestion);
      decision.update(out.suggestion);
    } });
}

function decisionPanel(ctx, run, suggestion) {
  const el = ctx.container.querySelector("#decision");
  const last = ctx.data.decisions[ctx.data.decisions.length - 1];
  const canDecide = ctx.data.status === "open" && ctx.data.channel !== "applicant";
  let suggested = suggestion ? suggestion.verdict : run.verdict;
  let touched = false; // the clerk chose a verdict: a recomputed suggestion no longer moves the choice
  const options = Object.keys(VERDICTS).map((code) => h("option", { value: code }));
  const verdict = h("select", { id: "decision-verdict" }, options);
  const reason = h("textarea", { id: "decision-reason", rows: 3, placeholder: "改变预审建议时必须写明理由（至少 4 个字）" });
  const referTo = h("input", { id: "decision-refer", placeholder: "如：住所所在县（市）交通运输主管部门" });
  const referRow = h("label", { hidden: true }, "不予受理且属于其他机关管辖时：应向哪个机关申请", referTo);
  const status = h("p", { class: "status", role: "status", id: "decision-status" });
  const blocked = h("p", { class: "status status-blocked", "data-testid": "decision-blocked", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", id: "decide-button" }, "确认收件决定");
  const fields = h("fieldset", { class: "plain" }, h("label", {}, "收件决定", verdict), h("label", {}, "理由", reason), referRow, submit);
  const sync = () => {
    const changed = verdict.value !== suggested;
    reason.required = changed;
    referRow.hidden = verdict.value !== "REJECT";
    submit.textContent = changed ? "改判并确认" : "按预审建议确认";
  };
  // s: the settled suggestion; the form stays shut while any uncertain point is open
  const update = (s) => {
    if (s) suggested = s.verdict;
    for (const o of options) o.textContent = `${VERDICTS[o.value].label}${o.value === suggested ? "（预审建议）" : ""}`;
    if (!touched) verdict.value = suggested;
    const open = s ? s.open : 0;
    fields.disabled = open > 0;
    blocked.hidden = open === 0;
    blocked.textContent = open ? `还有 ${open} 处请核对未核对：请先在上方“请核对”中逐一点“确认为问题”或“不是问题”，再作收件决定。` : "";
    sync();
  };
  verdict.addEventListener("change", () => {
    touched = true;
    sync();
  });
  update(suggestion);
  const form = h("form", { class: "no-print", novalidate: true }, blocked, fields, status);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (verdict.value !== suggested && reason.value.trim().length < 4) {
      notify(status, "改变预审建议的结论时必须写明理由（至少 4 个字）", "error");
      reason.focus();
      return;
    }
    try {
      await busy(submit, api(`/cases/${ctx.caseId}/decision`, { body: { verdict: verdict.value, reason: reason.value, refer_to: referTo.value } }));
      await reload(ctx);
    } catch (err) {
      notify(status, err.message, "error");
    }
  });
  clear(el).append(h("div", { class: "card", "data-testid": "decision" },
    h("h2", {}, "收件决定与文书"),
    last ? decisionRecord(last) : null,
    canDecide ? form : ctx.data.channel === "applicant" ? h("p", { class: "muted" }, "申请人自助预检的案件不作收件决定；请为申请人新建案件。") : null,
    noticeButtons(ctx, Boolean(last))));
  return { update };
}

function decisionRecord(d) {
  return h("p", { "data-testid": "decision-record" }, "已决定：", verdictBadge(d.verdict),
    d.overridden ? ` 改变了预审建议（${VERDICTS[d.suggested] ? VERDICTS[d.suggested].label : d.suggested}）` : " 与预审建议一致",
    ` · ${fmtDateTime(d.decided_at)}`, d.reason ? h("span", { class: "muted" }, ` · 理由：${d.reason}`) : null,
    d.refer_to ? h("span", { class: "muted" }, ` · 告知向 ${d.refer_to} 申请`) : null);
}

function noticeButtons(ctx, official) {
  const status = h("p", { class: "status", role: "status", id: "notice-status" });
  const open = (format, print) => openNotice(ctx.caseId, { format, print }).catch((err) => notify(status, err.message, "error"));
  return h("div", { class: "no-print" },
    h("p", { class: "small muted" }, official ? "按收件决定出具正式文书。" : "尚未作出收件决定：现在打印的是标注“仅供参考”的预审样稿；确认收件决定后打印正式文书。"),
    h("div", { class: "row" },
      h("button", { type: "button", id: "print-notice", onclick: () => open("html", true) }, "打印文书"),
      h("button", { type: "button", id: "notice-pdf", onclick: () => open("pdf", false) }, "PDF 文书")),
    status);
}
