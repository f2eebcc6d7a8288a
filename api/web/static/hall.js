// hall.js — the dashboard (/hall) for the hall's 业务科, clerks and department heads: the reminders (cases
// due within a few working days, overdue, 容缺 past its 补交截止日) with the one extension and its notice,
// and the statistics as charts (Chart.js, vendored under /static/vendor/chartjs/) with CSV export.
// Staff see their own department only; the API enforces it.

import { api, busy, clear, CODE_LABELS, downloadBlob, fmtDateTime, h, notify, openNotice, requireLogin, today, $ } from "/static/common.js";

const KIND_LABELS = { overdue: "已超期", due_soon: "临近到期", tolerance_lapsed: "容缺补交逾期" };
const COLORS = ["#1f5fa8", "#d98c1f", "#2e8b57", "#c0392b", "#7d5ba6", "#5b7083", "#1a9aa0", "#b5651d"];
const CHARTS = {
  by_day: { type: "line", wide: true, series: [1, 2] },
  by_verdict: { type: "doughnut", series: [1] },
  by_item: { type: "bar", series: [1] },
  by_department: { type: "bar", series: [1], horizontal: true },
  first_pass: { type: "bar", series: [3] },
  time_to_decision: { type: "bar", series: [2] },
};
const TABLE_ROWS = 15;
const state = { session: null, charts: [], tolerancePoll: null };

async function main() {
  state.session = await requireLogin(["clerk", "staff", "admin"], { title: "业务看板登录" });
  // the dates start empty: the service fills in the last 30 days of the hall's calendar (UTC+8)
  const select = $("#department");
  if (state.session.role === "staff") {
    clear(select).append(h("option", { value: state.session.department || "" }, state.session.department || "本部门"));
    select.disabled = true;
    $("#hall-title").textContent = `业务看板 · ${state.session.department || ""}`;
  } else {
    const items = await api("/items");
    for (const d of [...new Set(items.map((i) => i.department))].sort()) select.append(h("option", { value: d }, d));
  }
  $("#filters").addEventListener("submit", (ev) => {
    ev.preventDefault();
    refresh();
  });
  await refresh();
}

function filters() {
  const department = state.session.role === "staff" ? undefined : $("#department").value || undefined;
  return { since: $("#since").value || undefined, until: $("#until").value || undefined, department };
}

async function refresh() {
  const status = $("#page-status");
  notify(status, "正在统计…");
  try {
    const f = filters();
    const [reminders, stats] = await busy($("#refresh"), Promise.all([
      api("/reminders", { query: { department: f.department } }),
      api("/stats", { query: f }),
    ]));
    $("#since").value = stats.since;
    $("#until").value = stats.until;
    renderReminders(reminders);
    renderFigures(stats.figures);
    await refreshTolerance();
    await refreshOutgoing();
    notify(status, `统计期间：${stats.since} 至 ${stats.until}${stats.department ? "，" + stats.department : ""}`, "ok");
  } catch (err) {
    notify(status, err.message, "error");
  }
}

// ----------------------------------------------------------------------------------------- reminders

function renderReminders(rows) {
  const box = clear($("#reminders"));
  $("#reminders-note").textContent = rows.length ? `共 ${rows.length} 件` : "";
  if (!rows.length) {
    box.append(h("p", { class: "muted" }, "没有临近到期或超期的案件"));
    return;
  }
  const canAct = ["clerk", "staff"].includes(state.session.role);
  const body = h("tbody");
  for (const r of rows) body.append(reminderRow(r, canAct));
  box.append(h("table", { class: "reminders" },
    h("thead", {}, h("tr", {}, ...["提醒", "案件", "事项", "部门", "申请人", "承诺办结日", "剩余工作日", "环节", ""].map((t) => h("th", {}, t)))),
    body));
}

function reminderRow(r, canAct) {
  const due = [r.due_on, r.provisional ? h("div", { class: "provisional", title: "节假日安排未载入" }, "暂定日期") : null];
  if (r.kind === "tolerance_lapsed") due.push(h("div", { class: "small muted" }, `补交截止 ${r.tolerance_deadline}`));
  const actions = h("td", {});
  if (r.extended && state.session.role !== "clerk") {
    actions.append(h("span", { class: "small muted" }, "延期告知书由综合窗口打印"));  // it names the applicant
  } else if (canAct && r.extended) {
    actions.append(h("button", { type: "button", class: "link", "data-testid": "extension-notice",
      onclick: () => openNotice(r.case_id, { path: "clock/extension/notice" }).catch((e) => notify($("#page-status"), e.message, "error")) }, "延期告知书"));
  } else if (canAct && r.kind !== "tolerance_lapsed") {
    actions.append(h("button", { type: "button", class: "link", "data-testid": "extend", onclick: () => extendForm(actions, r) }, "延期"));
  }
  if (canAct) actions.append(" ", stageButton(r.case_id, r.stage));
  return h("tr", { class: `k-${r.kind}`, dataset: { case: r.case_id } },
    h("td", {}, h("span", { class: `kind ${r.kind}` }, KIND_LABELS[r.kind] || r.kind), r.extended ? h("div", { class: "small muted" }, "已延期") : null),
    h("td", { class: "small" }, r.case_id.slice(0, 8)),
    h("td", {}, r.item),
    h("td", { class: "small" }, r.department),
    h("td", {}, r.applicant),
    h("td", {}, ...due),
    h("td", {}, r.days_left === null ? "—" : String(r.days_left)),
    h("td", {}, r.stage_label),
    actions);
}

function extendForm(cell, r) {
  clear(cell);
  const reason = h("input", { name: "reason", required: true, placeholder: "延期理由（载入延期告知书）", "aria-label": "延期理由" });
  const days = h("input", { name: "days", type: "number", min: 1, max: 30, value: 10, "aria-label": "延长工作日数", class: "small" });
  const status = h("span", { class: "status", role: "status" });
  const go = h("button", { type: "submit", class: "primary" }, "确认延期");
  const form = h("form", { class: "extend-form" }, reason, days, "个工作日", go, status);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await busy(go, api(`/cases/${encodeURIComponent(r.case_id)}/clock/extension`, { body: { reason: reason.value.trim(), days: Number(days.value) } }));
      await refresh();
    } catch (err) {
      notify(status, err.message, "error");
    }
  });
  cell.append(form);
  reason.focus();
}

// ------------------------------------------------------------------------------------ stages, 出件

const NEXT = {
  accepted: ["transferred", "转办"],
  transferred: ["done", "办结"],
  done: ["result_ready", "结果已出件"],
  result_ready: ["notified", "已通知领取"],
  notified: ["collected", "已领取"],
};

function stageButton(caseId, stage) {
  // 转办 is the window's; the department may finish a case it was not formally handed
  const next = stage === "accepted" && state.session.role !== "clerk" ? NEXT.transferred : NEXT[stage];
  if (!next) return null;
  const [to, label] = next;
  const path = to === "transferred" ? "transfer" : "stage";
  return h("button", { type: "button", class: "link", dataset: { next: to }, onclick: async (ev) => {
    try {
      await busy(ev.target, api(`/cases/${encodeURIComponent(caseId)}/clock/${path}`, { body: to === "transferred" ? {} : { stage: to } }));
      await refresh();
    } catch (err) {
      notify($("#page-status"), err.message, "error");
    }
  } }, label);
}

async function refreshOutgoing() {
  if (!["clerk", "staff"].includes(state.session.role)) return;
  $("#outgoing-section").hidden = false;
  const rows = await api("/clocks?stage=done&stage=result_ready&stage=notified", { query: { department: filters().department } });
  const box = clear($("#outgoing"));
  if (!rows.length) {
    box.append(h("p", { class: "muted" }, "没有待出件的案件"));
    return;
  }
  box.append(h("table", { class: "reminders" },
    h("thead", {}, h("tr", {}, ...["案件", "事项", "部门", "申请人", "承诺办结日", "环节", ""].map((t) => h("th", {}, t)))),
    h("tbody", {}, ...rows.map((r) => h("tr", { dataset: { case: r.case_id } },
      h("td", { class: "small" }, r.case_id.slice(0, 8)), h("td", {}, r.item), h("td", { class: "small" }, r.department),
      h("td", {}, r.applicant), h("td", {}, r.due_on), h("td", {}, r.stage_label), h("td", {}, stageButton(r.case_id, r.stage)))))));
}

// ------------------------------------------------------------------------------------------ 容缺补交

const STATE_LABELS = { pending: "待补交", submitted: "已补交，待部门认定" };

// while a 补交's pre-check runs, the section asks again every few seconds
async function refreshTolerance() {
  if (!["clerk", "staff"].includes(state.session.role)) return;
  clearTimeout(state.tolerancePoll);
  $("#tolerance-section").hidden = false;
  const rows = await api("/tolerance", { query: { department: filters().department } });
  renderTolerance(rows);
  if (rows.some((r) => r.clock.supplements.some((s) => !s.precheck.done))) {
    state.tolerancePoll = setTimeout(() => refreshTolerance().catch((e) => notify($("#page-status"), e.message, "error")), 3000);
  }
}

function renderTolerance(rows) {
  const box = clear($("#tolerance"));
  if (!rows.length) {
    box.append(h("p", { class: "muted" }, "没有待补交或待认定的容缺材料"));
    return;
  }
  for (const { clock: c, applicant } of rows) {
    const status = h("p", { class: "status", role: "status" });
    const card = h("div", { class: "tolerance-case", dataset: { case: c.case_id } },
      h("div", { class: "row" },
        h("strong", {}, `${c.item} ${applicant}`),
        h("span", { class: "tag" }, STATE_LABELS[c.tolerance_state] || c.tolerance_state),
        h("span", { class: c.tolerance_deadline < today() ? "kind overdue" : "muted small" },
          `补交截止 ${c.tolerance_deadline}`),
        h("span", { class: "muted small" }, `待补交：${c.tolerance_materials.join("、")}`)),
      ...c.supplements.map((s) => supplementRow(c, s, status)),
      state.session.role === "clerk" ? uploadForm(c, status) : null,
      state.session.role === "staff" ? outcomeForm(c, status) : null,
      status);
    box.append(card);
  }
}

function precheckText(p) {
  if (!p.done) return "预审中…";
  if (p.failed) return "预审未能完成，请人工核对";
  const problems = [...p.findings, ...p.uncertain].map((f) => f.message || CODE_LABELS[f.code] || f.code);
  return problems.length ? `预审发现 ${problems.length} 个问题：${problems.join("；")}` : "预审通过：符合该材料的审查要点";
}

function supplementRow(c, s, status) {
  const row = h("div", { class: "supplement", dataset: { supplement: String(s.id) } },
    h("span", {}, `${s.material} 补交于 ${fmtDateTime(s.submitted_at)}`), " ",
    h("span", { class: s.precheck.done && !s.precheck.findings.length && !s.precheck.failed ? "status-ok" : "status-error" }, precheckText(s.precheck)));
  if (s.decision) {
    row.append(" ", h("span", { class: "tag" }, s.decision === "accepted" ? `部门已认可${s.note ? "：" + s.note : ""}` : `部门不予认可：${s.note}`));
  } else if (state.session.role === "staff") {
    const note = h("input", { name: "note", placeholder: "认定意见（不予认可时必填）", "aria-label": "认定意见" });
    const decide = (accept) => async (ev) => {
      try {
        await busy(ev.target, api(`/cases/${encodeURIComponent(c.case_id)}/supplements/${s.id}/decision`, { body: { accept, note: note.value.trim() } }));
        await refresh();
      } catch (err) {
        notify(status, err.message, "error");
      }
    };
    row.append(h("span", { class: "extend-form" }, note,
      h("button", { type: "button", class: "primary", onclick: decide(true) }, "认可"),
      h("button", { type: "button", onclick: decide(false) }, "不予认可")));
  }
  return row;
}

function uploadForm(c, status) {
  const material = h("select", { name: "material", "aria-label": "补交材料" }, ...c.tolerance_materials.map((m) => h("option", { value: m }, m)));
  const files = h("input", { type: "file", name: "files", multiple: true, accept: ".pdf,.jpg,.jpeg,.png", "aria-label": "补交文件" });
  const go = h("button", { type: "submit" }, "补交并预审");
  const form = h("form", { class: "extend-form" }, "窗口代收补交：", material, files, go);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!files.files.length) return notify(status, "请选择要补交的文件", "error");
    const data = new FormData();
    for (const f of files.files) data.append("files", f);
    try {
      await busy(go, api(`/cases/${encodeURIComponent(c.case_id)}/supplements`, { form: data, query: { material: material.value } }));
      await refreshTolerance();
    } catch (err) {
      notify(status, err.message, "error");
    }
  });
  return form;
}

function outcomeForm(c, status) {
  const outcome = h("input", { name: "outcome", placeholder: "如：逾期未补交，终止办理", "aria-label": "处理结果" });
  const go = h("button", { type: "submit" }, "记录处理结果");
  const form = h("form", { class: "extend-form" }, "未按期补交或补交不合格的处理：", outcome, go);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await busy(go, api(`/cases/${encodeURIComponent(c.case_id)}/clock/tolerance-outcome`, { body: { outcome: outcome.value.trim() } }));
      await refresh();
    } catch (err) {
      notify(status, err.message, "error");
    }
  });
  return form;
}

// ------------------------------------------------------------------------------------------- figures

function renderFigures(figures) {
  for (const c of state.charts) c.destroy();
  state.charts = [];
  const box = clear($("#figures"));
  for (const fig of figures) {
    const spec = CHARTS[fig.name];
    const card = h("div", { class: `card${spec && !spec.wide ? "" : " wide-figure"}`, dataset: { figure: fig.name } },
      h("div", { class: "figure-head" }, h("h3", {}, fig.title),
        h("button", { type: "button", class: "link no-print", onclick: () => exportCsv(fig.name) }, "导出 CSV")));
    box.append(card);
    if (!fig.rows.length) {
      card.append(h("p", { class: "muted" }, "本期间没有数据"));
    } else if (spec && window.Chart) {
      const canvas = h("canvas", { role: "img", "aria-label": fig.title });
      card.append(h("div", { class: "chart-box" }, canvas));
      state.charts.push(chart(canvas, fig, spec));
    } else {
      card.append(figureTable(fig));
    }
  }
}

function chart(canvas, fig, spec) {
  const labels = fig.rows.map((r) => String(r[0]));
  const datasets = spec.series.map((i, n) => ({
    label: fig.columns[i],
    data: fig.rows.map((r) => Number(r[i] || 0)),
    backgroundColor: spec.type === "doughnut" ? COLORS : COLORS[n],
    borderColor: spec.type === "line" ? COLORS[n] : undefined,
    tension: 0.2,
    pointRadius: 0,
  }));
  return new window.Chart(canvas, {
    type: spec.type,
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? "y" : "x",
      plugins: { legend: { display: spec.type !== "bar" || datasets.length > 1 } },
    },
  });
}

function figureTable(fig) {
  const rows = fig.rows.slice(0, TABLE_ROWS);
  return h("table", { class: "figure-table" },
    h("thead", {}, h("tr", {}, ...fig.columns.map((c) => h("th", {}, c)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((v) => h("td", { class: typeof v === "number" ? "num" : "" }, v === null ? "—" : String(v)))))),
    fig.rows.length > TABLE_ROWS ? h("caption", { class: "small muted" }, `前 ${TABLE_ROWS} 行，共 ${fig.rows.length} 行（导出 CSV 查看全部）`) : null);
}

async function exportCsv(name) {
  try {
    const res = await api(`/stats/${name}.csv`, { query: filters(), raw: true });
    downloadBlob(await res.blob(), `${name}.csv`);
  } catch (err) {
    notify($("#page-status"), err.message, "error");
  }
}

main().catch((err) => notify($("#page-status"), err.message, "error"));
