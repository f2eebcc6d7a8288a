// staff-terms.js — the 术语词条 tab of the staff page (#15): concepts people ask about (容缺受理, 补正 …) are the hall's
// entries, maintained by the hall's own department (政务服务中心). Its staff edit a term's definition, other names
// and 依据 as a draft (the live entry keeps answering meanwhile), hit-test it and publish it (staff-publish.js);
// other departments see the terms read-only.
//
//   termsPanel(el, {session})

import { api, busy, clear, h, loader, notify } from "/static/common.js";
import { publishControls } from "/static/staff-publish.js";

const STATUS = { draft: "草稿", published: "已发布", retired: "已停用" };
const names = (text) => text.split(/[,，、;；\n]+/).map((s) => s.trim()).filter(Boolean);

export async function termsPanel(el, { session }) {
  const list = h("div", { "data-testid": "term-list" });
  const status = h("p", { class: "status", role: "status", id: "term-status" });
  const editor = termForm({ onSaved: () => load().catch((err) => notify(status, err.message, "error")) });
  const add = h("button", { type: "button", id: "term-new", class: "primary", hidden: true,
    onclick: () => editor.open(null).catch((err) => notify(status, err.message, "error")) }, "新建词条");
  const load = async () => {
    const rows = await api("/kb/terms/manage");
    add.hidden = !rows.some((t) => t.department === session.department); // the hall's own staff
    clear(list).append(rows.length ? termTable(rows, { session, editor, status }) : h("p", { class: "muted" }, "没有术语词条"));
  };
  clear(el).append(h("div", { class: "card" },
    h("div", { class: "pane-head" }, h("h2", {}, "术语词条"), add),
    h("p", { class: "small muted" }, "群众常问的概念（如“容缺受理是什么意思”）。术语属于整个大厅，由政务服务中心维护；修改先存为草稿，命中测试通过才发布。"),
    status, list), editor.el);
  await load();
}

function termTable(rows, { session, editor, status }) {
  return h("div", { class: "table-wrap" }, h("table", { class: "small" },
    h("thead", {}, h("tr", {}, ["词条", "释义", "别称", "状态", "版本", "修改人", ""].map((t) => h("th", { class: "nowrap" }, t)))),
    h("tbody", {}, rows.map((t) => h("tr", { "data-target": t.target, "data-pending": String(t.pending) },
      h("td", { class: "nowrap" }, h("strong", {}, t.term)),
      h("td", {}, t.definition.length > 60 ? `${t.definition.slice(0, 60)}…` : t.definition),
      h("td", {}, t.aliases.join("、")),
      h("td", {}, h("span", { class: `tag ${t.status}` }, STATUS[t.status] || t.status),
        t.pending ? h("span", { class: "tag draft" }, "有未发布的修改") : null),
      h("td", {}, String(t.version)),
      h("td", {}, t.updated_by),
      h("td", { class: "nowrap" }, t.department === session.department
        ? h("button", { type: "button", class: "link", "data-action": "edit", onclick: () => editor.open(t).catch((err) => notify(status, err.message, "error")) }, "修改")
        : h("span", { class: "muted" }, `${t.department}维护`)))))));
}

function termForm({ onSaved }) {
  const title = h("h2", {});
  const state = h("p", { class: "small muted", id: "term-draft-state" });
  const name = h("input", { name: "term", maxlength: 50, placeholder: "如：容缺受理" });
  const nameRow = h("label", {}, "词条", name);
  const definition = h("textarea", { name: "definition", rows: 5, maxlength: 5000 });
  const aliases = h("input", { name: "aliases", placeholder: "其他叫法，用顿号或逗号分隔" });
  const basis = h("textarea", { name: "basis", rows: 2, maxlength: 2000, placeholder: "依据，如《……》第几条" });
  const status = h("p", { class: "status", role: "status" });
  const save = h("button", { type: "submit", id: "term-save" }, "保存草稿");
  let editing = null;
  let dirty = false;
  const pathOf = (entry = editing) => `/kb/terms/${encodeURIComponent(entry.target)}`;
  const showState = (v) => {
    state.textContent = v.pending ? `线上是第 ${v.version} 版；这里是已保存、未发布的修改（${v.updated_by}），发布前检索仍用线上版本。`
      : v.status === "published" ? `线上第 ${v.version} 版。修改后保存为草稿，测试通过才发布。` : `草稿（第 ${v.version} 版），还没有发布。`;
  };

  async function saveDraft(button) {
    if (definition.value.trim().length < 2) throw new Error("请填写释义（至少 2 个字）");
    if (!editing) {
      if (!name.value.trim()) throw new Error("请填写词条名称");
      const body = { term: name.value.trim(), definition: definition.value.trim(), aliases: names(aliases.value), basis: basis.value.trim() };
      const made = await busy(button, api("/kb/terms", { body }));
      editing = { target: made.target, version: made.version };
      nameRow.hidden = true;
      title.textContent = `修改词条：${made.term}`;
      showState({ status: made.status, pending: false, version: made.version });
      dirty = false;
      onSaved();
    } else if (dirty) {
      const body = { definition: definition.value.trim(), aliases: names(aliases.value), basis: basis.value.trim(), expected_version: editing.version };
      showState(await busy(button, api(pathOf(), { method: "PATCH", body })));
      dirty = false;
      onSaved();
    }
    return pathOf();
  }
  const checks = publishControls({ prefix: "term", save: saveDraft, onPublished: (entry) => {
    editing.version = entry.version;
    notify(status, "");
    showState({ status: "published", pending: false, version: entry.version });
    onSaved();
  } });
  const form = h("form", { class: "card", hidden: true, id: "term-form", novalidate: true },
    title, state, nameRow, h("label", {}, "释义", definition), h("label", {}, "别称", aliases), h("label", {}, "依据", basis),
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
    async open(term) {
      const view = await loading(async () => (term ? api(`${pathOf(term)}/draft`) : { fields: null }));
      if (!view) return; // another entry was opened meanwhile
      editing = term ? { target: term.target, version: view.version } : null;
      dirty = false;
      checks.reset();
      notify(status, "");
      nameRow.hidden = Boolean(term);
      if (term) showState(view);
      else state.textContent = "新词条先保存为草稿，命中测试通过后才发布。";
      title.textContent = term ? `修改词条：${term.term}` : "新建词条";
      name.value = "";
      definition.value = term ? view.fields.definition : "";
      aliases.value = term ? view.fields.aliases.join("、") : "";
      basis.value = term ? view.fields.basis : "";
      form.hidden = false;
      form.scrollIntoView({ block: "start" });
      (term ? definition : name).focus();
    },
  };
}
