// consult.js — the consultation desk (/consult): one search box over the knowledge base (FAQs and the
// service guides rendered from the rules), filters by department and item, every answer with its source,
// the confidence said plainly, and 有帮助 / 没帮助 feedback. Terms (容缺受理, 补正 …) are answered with their
// 依据; when the answer differs by item the desk is asked which item, one button per item.

import { $, api, busy, clear, h, notify, requireLogin } from "/static/common.js";

const KIND = { faq: "常见问题（FAQ）", guide: "办事指南", term: "术语解释" };
const state = { items: [], names: {}, who: null };

function fillItems() {
  const department = $("#department").value;
  const select = $("#item");
  const keep = select.value;
  clear(select).append(h("option", { value: "" }, "全部事项"));
  for (const i of state.items.filter((x) => !department || x.department === department)) {
    select.append(h("option", { value: i.code, selected: i.code === keep }, `${i.code} ${i.name}`));
  }
}

function confidenceLine(result) {
  const pct = `${Math.round(result.confidence * 100)}%`;
  if (result.clarify && result.clarify.length) {
    return h("p", { class: "confidence low", id: "confidence", dataset: { confident: "false" } },
      "这个问题各事项的答案不同：请先问清群众办的是哪个事项。");
  }
  if (!result.hits.length) {
    return h("p", { class: "confidence low", id: "confidence", dataset: { confident: "false" } },
      "未找到可靠答案：知识库中没有相关条目。问题已记入“未解答问题”，由部门补充。");
  }
  if (result.route) {
    return h("p", { class: "confidence high", id: "confidence", dataset: { confident: "true" } },
      `要办的事项：${result.route.item_name}${result.route.bundle ? "（一件事，一次办齐）" : ""}`);
  }
  if (!result.confident) {
    return h("p", { class: "confidence low", id: "confidence", dataset: { confident: "false" } },
      `未找到可靠答案（最接近条目的可信度 ${pct}）。下面的条目可能相关，请核对原文，不要直接作答；问题已记入“未解答问题”。`);
  }
  return h("p", { class: "confidence high", id: "confidence", dataset: { confident: "true" } }, `找到答案（可信度 ${pct}）`);
}

function rewriteLine(result) {
  const fixes = Object.entries(result.corrections || {}).map(([a, b]) => `${a}→${b}`);
  const more = Object.entries(result.expansions || {}).map(([a, b]) => `${a}＝${b}`);
  if (!fixes.length && !more.length) return null;
  return h("p", { class: "small muted" }, `已按“${result.rewritten}”检索`,
    fixes.length ? `（纠正：${fixes.join("，")}）` : "", more.length ? `（同义：${more.join("，")}）` : "");
}

function source(hit) {
  const item = hit.item ? `${hit.item} ${state.names[hit.item] || ""}`.trim() : "通用";
  return h("p", { class: "source" }, "来源：", h("span", { class: "kind" }, KIND[hit.kind] || hit.kind), ` · ${item} · `,
    h("span", { class: "department" }, hit.department), " · 条目 ", h("code", { class: "target" }, hit.target));
}

async function feedback(query, hit, helpful, box) {
  const buttons = [...box.querySelectorAll("button")];
  try {
    await busy(buttons[helpful ? 0 : 1], api("/kb/feedback", { body: { query, target: hit.target, helpful } }));
  } catch (err) {
    notify(box.querySelector(".status"), err.message, "error");
    return;
  }
  for (const b of buttons) b.disabled = true;
  let tally = "";
  if (state.who && state.who.role === "consult") {
    // the desk may read the running counts: shows the click was recorded, and how others judged it
    const rows = await api("/kb/feedback/summary").catch(() => []);
    const row = rows.find((r) => r.target === hit.target);
    if (row) tally = `本条累计：有帮助 ${row.helpful}，没帮助 ${row.not_helpful}`;
  }
  notify(box.querySelector(".status"), `已记录：${helpful ? "有帮助" : "没帮助"}。${tally}`, "ok");
}

function hitCard(query, hit, rank, confident) {
  const box = h("div", { class: "row feedback no-print" },
    h("button", { type: "button", class: "helpful", onclick: () => feedback(query, hit, true, box) }, "有帮助"),
    h("button", { type: "button", class: "not-helpful", onclick: () => feedback(query, hit, false, box) }, "没帮助"),
    h("span", { class: "status small", role: "status" }));
  const label = rank === 0 && confident ? "答案" : "可能相关";
  // the whole answer for the answer; a related entry shows its beginning (the full text one click away)
  const text = rank === 0 && confident ? (hit.answer || hit.snippet) : hit.snippet;
  const body = h("div", { class: "answer" }, text);
  const basis = hit.basis ? h("p", { class: "small basis" }, `依据：${hit.basis}`) : null;
  return h("article", { class: "card hit", dataset: { target: hit.target, kind: hit.kind } },
    h("p", { class: "small muted" }, `${rank + 1}. ${label}`), h("h3", {}, hit.title), body, basis, source(hit), box);
}

function routeCard(route) {
  // what to prepare and how long, from the item's guide; the basic section follows as the answer
  return h("section", { class: "card route", id: "route" }, h("h3", {}, route.item_name),
    h("p", {}, `${route.department} · ${route.window}`), h("p", {}, `办理时限：${route.promise}`),
    h("p", { class: "small muted" }, "要准备的材料："),
    h("ul", { class: "prepare" }, ...route.prepare.map((m) => h("li", {}, m))));
}

function clarifyCard(result) {
  // one button per item: choosing one searches again within that item
  const buttons = result.clarify.map((c) => h("button", { type: "button", class: "clarify-choice",
    dataset: { item: c.item }, onclick: () => { $("#department").value = ""; fillItems(); $("#item").value = c.item;
      $("#search").requestSubmit(); } }, `${c.item_name || state.names[c.item] || c.item}`));
  return h("section", { class: "card clarify", id: "clarify" }, h("h3", {}, "请问您办的是哪个事项？"),
    h("div", { class: "row" }, ...buttons));
}

// ------------------------------------------------------------------ 首问负责: refer what the KB cannot answer

function showReferBox(q, result) {
  const box = $("#refer-box");
  box.hidden = false;
  box.dataset.query = q;
  const top = result.hits[0];
  const select = $("#refer-department");
  if (top && top.department && !result.confident) select.value = top.department;
  notify($("#refer-status"), "");
}

async function refer(ev) {
  ev.preventDefault();
  const body = { query: $("#refer-box").dataset.query, department: $("#refer-department").value,
    item: $("#item").value || null, contact: $("#refer-contact").value.trim(), consent: $("#refer-consent").checked };
  try {
    const r = await busy($("#refer-go"), api("/kb/referrals", { body }));
    notify($("#refer-status"), `已转交${r.department}，须在 ${r.due_on} 前答复；答复会出现在下面的列表里。`, "ok");
  } catch (err) {
    notify($("#refer-status"), err.message, "error");
    return;
  }
  await listReferrals(false);
}

async function listReferrals(overdue) {
  const list = clear($("#referral-list"));
  $("#referrals h2").textContent = overdue ? "已超期未答复的问题" : "我转交的问题";
  let rows;
  try {
    rows = await api("/kb/referrals", { query: overdue ? { overdue: true } : { mine: true } });
  } catch (err) {
    list.append(h("li", { class: "muted" }, err.message));
    return;
  }
  for (const r of rows) {
    const state = r.status === "answered" ? "已答复" : r.overdue ? "已超期" : "待答复";
    list.append(h("li", { class: `referral ${r.overdue ? "overdue" : ""}`, dataset: { id: String(r.id), status: r.status } },
      h("p", {}, h("strong", { class: "referral-state" }, state), ` ${r.query}`),
      h("p", { class: "small muted" }, `${r.department} · 须在 ${r.due_on} 前答复${r.faq_target ? ` · 已生成 FAQ 草稿 ${r.faq_target}` : ""}`),
      r.answer ? h("p", { class: "referral-answer" }, `答复：${r.answer}`) : null));
  }
  if (!rows.length) list.append(h("li", { class: "muted" }, overdue ? "没有超期的问题" : "还没有转交的问题"));
}

async function search(ev) {
  ev.preventDefault();
  const q = $("#q").value.trim();
  if (!q) {
    notify($("#status"), "请输入问题", "error");
    return;
  }
  const out = clear($("#results"));
  notify($("#status"), "检索中…");
  let result;
  try {
    result = await busy($("#go"), api("/kb/search", { query: { q, k: 5, department: $("#department").value,
      item: $("#item").value } }));
  } catch (err) {
    notify($("#status"), err.message, "error");
    return;
  }
  notify($("#status"), "");
  out.append(confidenceLine(result));
  const rewrite = rewriteLine(result);
  if (rewrite) out.append(rewrite);
  if (result.clarify && result.clarify.length) out.append(clarifyCard(result));
  if (result.route) out.append(routeCard(result.route));
  showReferBox(q, result);
  result.hits.forEach((hit, i) => out.append(hitCard(q, hit, i, result.confident)));
}

async function main() {
  state.who = await requireLogin(["consult", "clerk"], { title: "咨询台登录" });
  $("#search").addEventListener("submit", search);
  $("#department").addEventListener("change", fillItems);
  try {
    state.items = await api("/items");
  } catch (err) {
    notify($("#status"), err.message, "error");
    return;
  }
  state.names = Object.fromEntries(state.items.map((i) => [i.code, i.name]));
  for (const d of [...new Set(state.items.map((i) => i.department))].sort()) {
    $("#department").append(h("option", { value: d }, d));
  }
  fillItems();
  const departments = [...new Set(state.items.map((i) => i.department))].sort();
  for (const d of departments) $("#refer-department").append(h("option", { value: d }, d));
  $("#refer").addEventListener("submit", refer);
  $("#show-mine").addEventListener("click", () => listReferrals(false));
  $("#show-overdue").addEventListener("click", () => listReferrals(true));
  listReferrals(false);
  $("#q").focus();
}

main();
