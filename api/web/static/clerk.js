// clerk.js — the clerk console (/clerk): today's cases and search, a new case (item or 一件事 bundle with
// its declared facts), and the case itself (clerk-case.js). The open case is in the URL (#case=ID), so a
// reload or a second tab lands on the same case.

import { api, busy, clear, fmtDateTime, h, latest, loader, notify, requireLogin, show, today, $ } from "/static/common.js";
import { caseView } from "/static/clerk-case.js";
import { readDeclared, renderQuestions } from "/static/questions-form.js";

const STATUS_LABELS = { open: "办理中", decided: "已决定", purged: "已清除" };
const state = { items: [], facts: null, view: null };

async function main() {
  await requireLogin(["clerk"], { title: "综合窗口人员登录" });
  wire();
  await loadItems();
  await loadCases();
  window.addEventListener("hashchange", route);
  route();
}

function wire() {
  $("#new-case-button").addEventListener("click", () => (location.hash = "#new"));
  $("#cancel-new").addEventListener("click", () => (location.hash = ""));
  $("#case-search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    loadCases();
  });
  let timer = 0;
  $("#case-q").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(loadCases, 300);
  });
  $("#case-today").addEventListener("change", loadCases);
  $("#case-status").addEventListener("change", loadCases);
  $("#item-select").addEventListener("change", () => loadFacts($("#item-select").value));
  $("#new-case").addEventListener("submit", createCase);
  $("#handover").addEventListener("submit", redeem);
  document.addEventListener("keydown", shortcut);
}

function route() {
  const m = location.hash.match(/^#case=([0-9a-f]{32})$/);
  show($("#welcome"), !m && location.hash !== "#new");
  show($("#new-case"), location.hash === "#new");
  show($("#case-view"), Boolean(m));
  if (state.view) state.view.close();
  state.view = null;
  if (m) state.view = caseView($("#case-view"), m[1], { items: state.items, onChange: loadCases });
  else if (location.hash === "#new" && !state.facts) loadFacts($("#item-select").value);
  markCurrent();
}

// ------------------------------------------------------------------------------------------ cases

const freshCases = latest();

async function loadCases() {
  const status = $("#case-list-status");
  const onlyToday = $("#case-today").checked;
  try {
    const rows = await freshCases(() => api("/cases", { query: { q: $("#case-q").value.trim(), status: $("#case-status").value, limit: 200 } }));
    if (!rows) return;
    const day = today();
    const shown = onlyToday ? rows.filter((c) => localDay(c.created_at) === day) : rows;
    const list = clear($("#case-list"));
    for (const c of shown) list.append(caseRow(c));
    notify(status, shown.length ? "" : onlyToday ? "今天还没有案件" : "没有符合条件的案件", "info");
    markCurrent();
  } catch (err) {
    notify(status, err.message, "error");
  }
}

function localDay(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function caseRow(c) {
  const item = state.items.find((i) => i.code === c.item);
  return h("li", {},
    h("button", { type: "button", dataset: { caseId: c.id }, onclick: () => (location.hash = `#case=${c.id}`) },
      h("span", { class: "title" }, c.applicant_name || "（未填申请人）"), " ",
      h("span", { class: `tag status-${c.status}` }, STATUS_LABELS[c.status] || c.status),
      c.channel === "applicant" ? h("span", { class: "tag" }, "自助预检") : null,
      h("div", { class: "small muted" }, `${c.item} ${item ? item.name : ""}`),
      h("div", { class: "small muted" }, `${fmtDateTime(c.created_at)} · ${c.number || c.id.slice(0, 8).toUpperCase()}`)));
}

function markCurrent() {
  const m = location.hash.match(/^#case=([0-9a-f]{32})$/);
  for (const b of document.querySelectorAll("#case-list button")) b.classList.toggle("current", Boolean(m) && b.dataset.caseId === m[1]);
}

// --------------------------------------------------------------------------------------- new case

async function loadItems() {
  const select = clear($("#item-select"));
  try {
    state.items = await api("/items");
  } catch (err) {
    notify($("#new-case-status"), err.message, "error");
    return;
  }
  const group = (label, rows) => h("optgroup", { label }, rows.map((i) => h("option", { value: i.code }, `${i.code} ${i.name}`)));
  select.append(group("单一事项", state.items.filter((i) => !i.bundle)), group("“一件事”", state.items.filter((i) => i.bundle)));
}

// The questions of the item chosen last: the form is hidden while they load, so that answers typed meanwhile
// do not go into the previous item's questions (replaced a moment later), and a slower earlier load never
// shows its item's questions under the item now chosen.
let loadingFacts = null;

async function loadFacts(code, declared = {}) {
  const info = $("#item-info");
  const item = state.items.find((i) => i.code === code);
  if (!item) return;
  info.textContent = `${item.department} · 承诺 ${item.promise_days} 个工作日 · 规则 ${item.version}`;
  loadingFacts ||= loader($("#facts-form"));
  state.facts = null;
  try {
    const questions = await loadingFacts(() => api(`/items/${encodeURIComponent(code)}/questions`));
    if (!questions) return; // another item was chosen meanwhile
    fillFacts(questions, declared);
    $("#facts-form").hidden = false;
  } catch (err) {
    notify($("#new-case-status"), err.message, "error");
  }
}

// The self-check questionnaire (questions-form.js); facts no question asks for are kept as they are.
function fillFacts(questions, declared) {
  const holder = h("div");
  clear($("#facts-form")).append(holder);
  renderQuestions(holder, questions, { declared });
  const asked = new Set(questions.map((q) => q.fact));
  const extra = Object.fromEntries(Object.entries(declared).filter(([k]) => !asked.has(k)));
  state.facts = { questions, value: () => ({ ...extra, ...readDeclared(holder, questions) }) };
}

async function createCase(ev) {
  ev.preventDefault();
  const status = $("#new-case-status");
  notify(status, "");
  if (!state.facts) {
    notify(status, "事项的问题还没有加载好，请稍候再建案", "error");
    return;
  }
  let declared;
  try {
    declared = state.facts.value();
  } catch (err) {
    notify(status, err.message, "error");
    return;
  }
  const body = { item: $("#item-select").value, declared, review_date: $("#review-date").value || null };
  try {
    const created = await busy($("#create-case"), api("/cases", { body }));
    $("#new-case").reset();
    state.facts = null;
    await loadCases();
    location.hash = `#case=${created.id}`;
  } catch (err) {
    notify(status, err.message, "error");
  }
}

// 预检码: the applicant's finished self-check becomes a clerk case with its files, facts and readings.
async function redeem(ev) {
  ev.preventDefault();
  const status = $("#handover-status");
  const input = $("#handover-code");
  try {
    const taken = await busy($("#handover-button"), api("/handover", { body: { code: input.value } }));
    input.value = "";
    input.removeAttribute("aria-invalid");
    notify(status, `已转入：${taken.applicant_name || "申请人"}的自助预检`, "ok");
    await loadCases();
    location.hash = `#case=${taken.case_id}`;
  } catch (err) {
    input.setAttribute("aria-invalid", "true");
    notify(status, err.message, "error");
    input.focus();
  }
}

// Keyboard flow at the window: J/K walk the findings and points, D goes to the decision, U to the upload,
// / to the case search — only when no field has the focus (typing stays typing).
function shortcut(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || document.querySelector(".viewer")) return;
  const t = ev.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  const key = ev.key.toLowerCase();
  if (key === "j" || key === "k") {
    const items = [...document.querySelectorAll("#case-view .finding, #case-view .point")];
    if (!items.length) return;
    const at = items.findIndex((el) => el === document.activeElement || el.contains(document.activeElement));
    const next = items[key === "j" ? Math.min(items.length - 1, at + 1) : Math.max(0, at < 0 ? 0 : at - 1)];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  } else if (key === "d") {
    const target = document.querySelector("#decision-verdict:not([disabled])") || document.querySelector("#decision-title");
    if (target) target.focus();
  } else if (key === "u") {
    const target = document.querySelector("#upload-files");
    if (target) target.click();
  } else if (key === "/") {
    $("#case-q").focus();
  } else return;
  ev.preventDefault();
}

main().catch((err) => notify($("#case-list-status"), err.message, "error"));
