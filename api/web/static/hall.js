// hall.js — the dashboard (/hall) for the hall's 业务科, clerks and department heads: the reminders (cases
// due within a few working days, overdue, 容缺 past its 补交截止日) with the one extension and its notice,
// and the statistics as charts (Chart.js, vendored under /static/vendor/chartjs/) with CSV export.
// Staff see their own department only; the API enforces it.

import { api, busy, clear, downloadBlob, h, notify, openNotice, requireLogin, $ } from "/static/common.js";

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
const state = { session: null, charts: [] };

async function main() {
  state.session = await requireLogin(["clerk", "staff", "admin"], { title: "业务看板登录" });
  const until = new Date();
  const since = new Date(until.getTime() - 29 * 86400_000);
  $("#until").value = isoDay(until);
  $("#since").value = isoDay(since);
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

function isoDay(d) {
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

function filters() {
  const department = state.session.role === "staff" ? undefined : $("#department").value || undefined;
  return { since: $("#since").value, until: $("#until").value, department };
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
    renderReminders(reminders);
    renderFigures(stats.figures);
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
