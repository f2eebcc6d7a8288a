// staff-kb.js — the knowledge-base tabs of the staff page: the department's FAQs (list, create, edit as a draft,
// hit-test and publish through staff-publish.js, retire), the questions the search could not answer, and hit testing (one question, or pasted JSONL with the
// entries each should find → recall, MRR and the misses).
//
//   faqPanel(el, {session, items}) / unansweredPanel(el, {session, items}) / hitTestPanel(el, {session, items})

import { api, busy, clear, fmtDateTime, h, latest, loader, notify } from "/static/common.js";
import { publishControls } from "/static/staff-publish.js";

const FAQ_STATUS = { draft: "草稿", published: "已发布", retired: "已停用" };
const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);
const words = (text) => text.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);
let pending = null; // a question from the unanswered tab, to be answered by a new FAQ

export function answerWithFaq(detail) {
  pending = detail;
  document.dispatchEvent(new CustomEvent("staff:new-faq")); // the FAQ tab, if it is built already
  location.hash = "#tab=faqs"; // otherwise it takes the question when it is built
}

// ---------------------------------------------------------------------------------------------- FAQs

export async function faqPanel(el, { session, items }) {
  const itemFilter = h("select", { id: "faq-item", "aria-label": "事项" }, h("option", { value: "" }, "全部事项"),
    items.map((i) => h("option", { value: i.code }, `${i.code} ${i.name}`)));
  const list = h("div", { "data-testid": "faq-list" });
  const status = h("p", { class: "status", role: "status", id: "faq-status" });
  const editor = faqForm({ session, items, onSaved: () => load().catch((err) => notify(status, err.message, "error")) });
  const fresh = latest();
  const load = async () => {
    const rows = await fresh(() => api("/kb/faqs", { query: { department: session.department, item: itemFilter.value } }));
    if (!rows) return;
    clear(list).append(rows.length ? faqTable(rows, { editor, status, reload: load }) : h("p", { class: "muted" }, "没有常见问题"));
  };
  itemFilter.addEventListener("change", () => load().catch((err) => notify(status, err.message, "error")));
  const take = () => {
    if (pending) editor.open(pending.target ? pending : null, pending).catch((err) => notify(status, err.message, "error"));
    pending = null;
  };
  document.addEventListener("staff:new-faq", take);
  clear(el).append(h("div", { class: "card" },
    h("div", { class: "pane-head" }, h("h2", {}, "常见问题（本部门）"),
      h("div", { class: "row" }, itemFilter, h("button", { type: "button", id: "faq-new", class: "primary", onclick: () => editor.open().catch((err) => notify(status, err.message, "error")) }, "新建常见问题"))),
    status, list), editor.el);
  take();
  await load();
}

function faqTable(rows, { editor, status, reload }) {
  const retire = async (button, path) => {
    try {
      await busy(button, api(`${path}/retire`, { method: "POST" }));
      await reload();
    } catch (err) {
      notify(status, err.message, "error");
    }
  };
  return h("div", { class: "table-wrap" }, h("table", { class: "small" },
    h("thead", {}, h("tr", {}, ["条目", "问题", "状态", "版本", "修改人", ""].map((t) => h("th", { class: "nowrap" }, t)))),
    h("tbody", {}, rows.map((f) => {
      const path = `/kb/faqs/${encodeURIComponent(f.target)}`;
      return h("tr", { "data-target": f.target, "data-status": f.status, "data-pending": String(f.pending) },
        h("td", { class: "nowrap" }, f.target),
        h("td", {}, h("strong", {}, f.question), h("div", { class: "muted" }, f.answer.length > 80 ? `${f.answer.slice(0, 80)}…` : f.answer)),
        h("td", {}, h("span", { class: `tag ${f.status}` }, FAQ_STATUS[f.status] || f.status),
          f.pending ? h("span", { class: "tag draft", title: "已保存的修改还没发布，检索仍用线上版本" }, "有未发布的修改") : null),
        h("td", {}, String(f.version)),
        h("td", { class: "nowrap" }, f.updated_by),
        h("td", { class: "nowrap" },
          h("button", { type: "button", class: "link", "data-action": "edit", onclick: () => editor.open(f).catch((err) => notify(status, err.message, "error")) }, f.status === "published" && !f.pending ? "修改" : "修改并发布"), " ",
          f.status === "published" ? h("button", { type: "button", class: "link", "data-action": "retire", onclick: (ev) => retire(ev.currentTarget, path) }, "停用") : null));
    }))));
}

function faqForm({ session, items, onSaved }) {
  const title = h("h2", {});
  const state = h("p", { class: "small muted", id: "faq-draft-state" });
  const item = h("select", { name: "item", required: true }, items.map((i) => h("option", { value: i.code }, `${i.code} ${i.name}`)));
  const question = h("input", { name: "question", required: true, maxlength: 500 });
  const answer = h("textarea", { name: "answer", rows: 5, required: true, maxlength: 5000 });
  const alternatives = h("textarea", { name: "alternatives", rows: 3, placeholder: "一行一种问法" });
  const tags = h("input", { name: "tags", placeholder: "用逗号或顿号分隔" });
  const status = h("p", { class: "status", role: "status" });
  const save = h("button", { type: "submit", id: "faq-save" }, "保存草稿");
  let editing = null; // {target, version} of the entry in the editor, once it exists
  let dirty = false;

  async function saveDraft(button) {
    if (question.value.trim().length < 2 || !answer.value.trim()) throw new Error("请填写问题（至少 2 个字）和回答");
    const body = { question: question.value.trim(), answer: answer.value.trim(), alternatives: lines(alternatives.value), tags: words(tags.value) };
    if (!editing) {
      const chosen = items.find((i) => i.code === item.value);
      const made = await busy(button, api("/kb/faqs", { body: { ...body, item: item.value, item_name: chosen ? chosen.name : "", department: session.department } }));
      editing = { target: made.target, version: made.version };
    } else if (dirty) {
      const view = await busy(button, api(pathOf(editing), { method: "PATCH", body: { ...body, expected_version: editing.version } }));
      showState(view);
    }
    dirty = false;
    title.textContent = `编辑 ${editing.target}`;
    item.disabled = true;
    onSaved();
    return pathOf(editing);
  }
  const pathOf = (e) => `/kb/faqs/${encodeURIComponent(e.target)}`;
  const showState = (view) => {
    state.textContent = view.status === "published"
      ? view.pending ? `线上是第 ${view.version} 版；这里是已保存、未发布的修改（${view.updated_by}），发布前检索仍用线上版本。` : `线上第 ${view.version} 版。修改后保存为草稿，测试通过才发布。`
      : `草稿（第 ${view.version} 版），还没有发布，检索不到。`;
  };
  const checks = publishControls({ prefix: "faq", save: saveDraft, onPublished: (entry) => {
    editing.version = entry.version;
    notify(status, "");
    showState({ status: "published", pending: false, version: entry.version });
    onSaved();
  } });
  const form = h("form", { class: "card", hidden: true, id: "faq-form", novalidate: true },
    title, state, h("label", {}, "事项", item), h("label", {}, "问题", question), h("label", {}, "回答", answer),
    h("label", {}, "其他问法", alternatives), h("label", {}, "标签", tags),
    h("div", { class: "row" }, save, h("button", { type: "button", onclick: () => (form.hidden = true) }, "关闭")), status, checks.el);
  form.addEventListener("input", () => (dirty = true));
  const loading = loader(form);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await saveDraft(save);
      notify(status, "草稿已保存（未发布）", "info");
    } catch (err) {
      notify(status, err.message, "error");
    }
  });
  return {
    el: form,
    async open(faq = null, preset = {}) {
      const view = await loading(async () => (faq ? api(pathOf(faq) + "/draft") : { fields: null }));
      if (!view) return; // another entry was opened meanwhile
      editing = faq ? { target: faq.target, version: view.version } : null;
      dirty = false;
      checks.reset();
      notify(status, "");
      const fields = view.fields;
      if (faq) showState(view);
      else state.textContent = "新建的常见问题先保存为草稿，命中测试通过后才发布。";
      title.textContent = faq ? `编辑 ${faq.target}` : "新建常见问题";
      item.disabled = Boolean(faq);
      item.value = faq ? faq.item : preset.item && items.some((i) => i.code === preset.item) ? preset.item : (items[0] || {}).code || "";
      question.value = fields ? fields.question : preset.question || "";
      answer.value = fields ? fields.answer : preset.answer || "";
      alternatives.value = fields ? fields.alternatives.join("\n") : "";
      tags.value = fields ? fields.tags.join("，") : "";
      form.hidden = false;
      form.scrollIntoView({ block: "start" });
      question.focus();
    },
  };
}

// ------------------------------------------------------------------------------------- unanswered

export async function unansweredPanel(el, { session, items }) {
  const mine = new Set(items.map((i) => i.code));
  const loose = h("input", { type: "checkbox", id: "unanswered-loose", checked: true });
  const list = h("div", { "data-testid": "unanswered" });
  const status = h("p", { class: "status", role: "status" });
  const ours = (q) => q.department === session.department || (q.item && mine.has(q.item)) || (loose.checked && !q.department && !q.item);
  const fresh = latest();
  const load = async () => {
    const open = await fresh(() => api("/kb/unanswered", { query: { status: "open", limit: 500 } }));
    if (!open) return;
    const rows = open.filter(ours);
    clear(list).append(rows.length ? h("ul", { class: "plain" }, rows.map((q) => questionRow(q, { status, reload: load })))
      : h("p", { class: "muted" }, "没有待处理的问题"));
  };
  loose.addEventListener("change", () => load().catch((err) => notify(status, err.message, "error")));
  clear(el).append(h("div", { class: "card" },
    h("h2", {}, "未能回答的问题"),
    h("p", { class: "small muted" }, "检索没有把握回答的问题，按被问次数排序。写一条常见问题回答它，或标为已解答（填上回答它的条目），或标为不属于知识库。"),
    h("label", { class: "choice" }, loose, "也显示没有归属部门的问题"), status, list));
  await load();
}

function questionRow(q, { status, reload }) {
  const target = h("input", { placeholder: "回答它的条目，如 JT-001#Q3", value: q.best_target || "", "aria-label": "条目编号" });
  const mark = async (button, body) => {
    try {
      await busy(button, api(`/kb/unanswered/${q.id}`, { body }));
      await reload();
    } catch (err) {
      notify(status, err.message, "error");
    }
  };
  return h("li", { "data-question": q.id },
    h("strong", {}, q.query), " ", h("span", { class: "tag" }, `问过 ${q.count} 次`), q.item ? h("span", { class: "tag" }, q.item) : null,
    h("div", { class: "small muted" }, `最近 ${fmtDateTime(q.last_at)}`,
      q.best_target ? ` · 最接近的条目 ${q.best_target}（把握 ${Math.round(100 * q.best_confidence)}%）` : ""),
    h("div", { class: "row small" },
      h("button", { type: "button", onclick: () => answerWithFaq({ question: q.query, item: q.item }) }, "写一条常见问题"),
      target,
      h("button", { type: "button", onclick: (ev) => mark(ev.currentTarget, { status: "answered", resolved_target: target.value.trim() || null }) }, "标为已解答"),
      h("button", { type: "button", onclick: (ev) => mark(ev.currentTarget, { status: "out_of_scope" }) }, "不属于知识库")));
}

// ------------------------------------------------------------------------------------ hit testing

export async function hitTestPanel(el) {
  const query = h("input", { id: "hit-query", placeholder: "如：营业执照忘带了能先受理吗" });
  const targets = h("input", { id: "hit-targets", placeholder: "应命中的条目，如 JT-001#Q3，多个用逗号分隔；留空表示不应有答案" });
  const jsonl = h("textarea", { id: "hit-jsonl", class: "code", rows: 8,
    placeholder: '{"id": "d001", "query": "法人必须是股东之一吗", "targets": ["SC-001#Q3"]}\n{"id": "d002", "query": "…", "targets": []}' });
  const file = h("input", { type: "file", accept: ".jsonl,.json,.txt", "aria-label": "读入 JSONL 文件" });
  const k = h("input", { type: "number", id: "hit-k", value: 10, min: 1, max: 50 });
  const status = h("p", { class: "status", role: "status", id: "hit-status" });
  const report = h("div", { "data-testid": "hit-report" });
  const run = async (button, cases) => {
    notify(status, "");
    try {
      const out = await busy(button, api("/kb/hit-test", { body: cases, query: { k: k.value || 10 } }));
      renderReport(report, out);
    } catch (err) {
      notify(status, err.message, "error");
    }
  };
  const one = h("button", { type: "button", id: "hit-one", class: "primary", onclick: (ev) => {
    if (!query.value.trim()) return notify(status, "请输入一个问题", "error");
    run(ev.currentTarget, [{ id: "q1", query: query.value.trim(), targets: words(targets.value) }]);
  } }, "测试这个问题");
  const many = h("button", { type: "button", id: "hit-many", onclick: (ev) => {
    const { cases, errors } = parseJsonl(jsonl.value);
    if (errors.length) return notify(status, errors.slice(0, 5).join("；"), "error");
    if (!cases.length) return notify(status, "请粘贴至少一行问题", "error");
    run(ev.currentTarget, cases);
  } }, "测试全部");
  file.addEventListener("change", async () => {
    if (file.files.length) jsonl.value = await file.files[0].text();
  });
  clear(el).append(h("div", { class: "card" },
    h("h2", {}, "命中测试"),
    h("p", { class: "small muted" }, "检查知识库能否把问题找到应有的条目：召回率（前 1 / 前 5 / 前 k 条里有应命中的条目）、MRR，以及没找到的问题。"),
    h("div", { class: "grid two" },
      h("div", {}, h("h3", {}, "一个问题"), h("label", {}, "问题", query), h("label", {}, "应命中的条目", targets), one),
      h("div", {}, h("h3", {}, "一组问题（JSONL，每行一个）"), jsonl, h("div", { class: "row" }, file, h("label", { class: "choice" }, "k ", k), many))),
    status), report);
}

export function parseJsonl(text) {
  const cases = [];
  const errors = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let row;
    try {
      row = JSON.parse(line);
    } catch {
      errors.push(`第 ${i + 1} 行不是合法的 JSON`);
      return;
    }
    if (!row || typeof row.query !== "string" || !row.query.trim()) {
      errors.push(`第 ${i + 1} 行缺少 query（问题）`);
      return;
    }
    const targets = Array.isArray(row.targets) ? row.targets.map(String) : row.targets ? [String(row.targets)] : [];
    cases.push({ id: String(row.id || `q${i + 1}`), query: row.query, targets, who: row.who || null, note: row.note || null });
  });
  if (cases.length > 500) errors.push(`一次最多 500 个问题（现有 ${cases.length} 个）`);
  return { cases, errors };
}

function renderReport(el, r) {
  const pct = (x) => (x === null || x === undefined ? "—" : `${(100 * x).toFixed(1)}%`);
  const misses = r.outcomes.filter((o) => !o.ok);
  const number = (label, value, id) => h("div", { "data-metric": id }, h("strong", {}, value), label);
  clear(el).append(h("div", { class: "card" },
    h("h2", {}, `结果：${r.outcomes.length} 个问题，${misses.length} 个未命中`),
    h("div", { class: "numbers" },
      number("前 1 条召回", pct(r.recall_at_1), "recall_at_1"), number("前 5 条召回", pct(r.recall_at_5), "recall_at_5"),
      number(`前 ${r.k} 条召回`, pct(r.recall_at_k), "recall_at_k"), number("MRR", r.mrr.toFixed(3), "mrr"),
      number("应无答案时正确拒答", pct(r.no_answer_rate), "no_answer_rate"), number("有答案却拒答", pct(r.false_abstention_rate), "false_abstention_rate")),
    h("div", { class: "table-wrap" }, h("table", { class: "small", "data-testid": "hit-outcomes" },
      h("thead", {}, h("tr", {}, ["", "问题", "应命中", "名次", "检索到的前几条"].map((t) => h("th", {}, t)))),
      h("tbody", {}, [...misses, ...r.outcomes.filter((o) => o.ok)].map((o) => h("tr", { "data-ok": String(o.ok) },
        h("td", {}, h("span", { class: o.ok ? "pass" : "fail" }, o.ok ? "命中" : "未命中")),
        h("td", {}, o.query, o.confident ? null : h("span", { class: "tag" }, "没把握")),
        h("td", {}, o.targets.length ? o.targets.join("、") : "（不应有答案）"),
        h("td", {}, o.rank ? String(o.rank) : "—"),
        h("td", {}, o.top.slice(0, 5).join("、")))))))));
}
