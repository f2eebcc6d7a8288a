// staff-rules.js — one item's rule file for its department's staff: the versions (publish dates,
// rollback), the readable form of the version in effect, and the editor: save a draft, validate (problems
// shown on their lines), run the scenarios, diff against the version in effect, publish (effective-dated).
//
//   const view = openItem(container, item, {session});  view.close()

import { api, busy, clear, CODE_LABELS, fmtDate, fmtDateTime, h, notify, today } from "/static/common.js";
import { ruleEditor } from "/static/rule-editor.js";
import { ruleForm } from "/static/rule-form.js";
import { renderOutline } from "/static/rule-outline.js";

const STATUS = { draft: "草稿", published: "已发布", retired: "已停用" };

export function openItem(container, item, { session }) {
  const ctx = { item, session, closed: false, versions: [], draft: null, base: null, dirty: false };
  build(ctx, container);
  refresh(ctx).then(() => loadEditor(ctx)).catch((err) => notify(ctx.ui.status, err.message, "error"));
  return { close: () => (ctx.closed = true) };
}

function url(ctx, rest = "") {
  return `/rules/${encodeURIComponent(ctx.item.code)}${rest}`;
}

function build(ctx, container) {
  const editor = ruleEditor({ onInput: () => (ctx.dirty = true), onGoto: () => view(ctx, "yaml") });
  const form = ruleForm(ctx.item, {
    onText: (text) => formChanged(ctx, text),
    onError: (err) => failed(ctx, err),
  });
  const views = {
    form: h("div", { id: "view-form" }, form.el),
    yaml: h("div", { id: "view-yaml", hidden: true }, editor.el),
  };
  // Toggle buttons, not role=tab: the page's own tabs (staff.js) are every [role=tab] of the document.
  const tab = (name, label) => h("button", { type: "button", id: `tab-${name}-view`, "aria-pressed": String(name === "form"),
    onclick: () => view(ctx, name) }, label);
  const status = h("p", { class: "status", role: "status", id: "rule-status" });
  const results = h("div", { id: "rule-results" });
  const date = h("input", { type: "date", id: "effective-from", value: today(), "aria-label": "生效日期" });
  const button = (id, text, fn, cls = "") => h("button", { type: "button", id, class: cls, onclick: (ev) => act(ctx, ev.currentTarget, fn) }, text);
  ctx.ui = { editor, form, views, shown: "form", status, results, date, versions: h("div"), outline: h("div", { "data-testid": "outline" }), head: h("p", { class: "small muted" }) };
  clear(container).append(
    h("div", { class: "card" }, h("h2", {}, `${ctx.item.code} ${ctx.item.name}`), ctx.ui.head, ctx.ui.versions),
    h("details", { class: "card", open: true }, h("summary", {}, h("strong", {}, "现行规则（可读形式）")), ctx.ui.outline),
    h("div", { class: "card" },
      h("h2", {}, "编辑规则文件"),
      h("p", { class: "small muted", id: "editing" }),
      h("div", { class: "tabs", role: "group", "aria-label": "编辑方式" }, tab("form", "表单（常用项）"), tab("yaml", "YAML 原文（全部内容）")),
      views.form, views.yaml, editor.problems,
      h("div", { class: "row" },
        button("save-draft", "保存草稿", save),
        button("validate", "校验", validate),
        button("run-scenarios", "运行场景", scenarios),
        button("show-diff", "与现行版本对比", diff),
        button("impact", "影响预览", impact),
        h("span", { class: "grow" }),
        h("label", { class: "choice" }, "生效日期 ", date),
        button("publish", "发布", publish, "primary")),
      status, results));
}

async function act(ctx, button, fn) {
  notify(ctx.ui.status, "");
  try {
    await busy(button, fn(ctx));
  } catch (err) {
    failed(ctx, err);
  }
}

function failed(ctx, err) {
  notify(ctx.ui.status, err.message, "error");
  if (err.code === "rule_file_invalid" && err.body && Array.isArray(err.body.detail)) ctx.ui.editor.show(err.body.detail);
  if (err.code === "scenario_failed" && err.body && Array.isArray(err.body.detail)) showScenarios(ctx, err.body.detail);
}

// The form (常用项) or the YAML text (everything); both edit the same text, the form re-reads it when shown.
function view(ctx, name) {
  if (ctx.ui.shown === name) return;
  ctx.ui.shown = name;
  for (const [key, el] of Object.entries(ctx.ui.views)) el.hidden = key !== name;
  for (const key of Object.keys(ctx.ui.views)) document.getElementById(`tab-${key}-view`).setAttribute("aria-pressed", String(key === name));
  if (name === "form") ctx.ui.form.load(ctx.ui.editor.text);
}

// A change made in the form: the text takes it (unsaved) and is validated at once, nothing saved.
async function formChanged(ctx, text) {
  const problems = ctx.ui.editor.problems;
  ctx.ui.editor.text = text;
  ctx.dirty = true;
  try {
    const out = await validate(ctx);
    notify(ctx.ui.status, out.valid ? "已写入规则文件（未保存）；校验通过" : `已写入规则文件（未保存）；校验发现 ${out.problems.length} 个问题，见下方`, out.valid ? "ok" : "error");
  } catch (err) {
    failed(ctx, err);
  }
  problems.scrollIntoView({ block: "nearest" });
}

// --------------------------------------------------------------------------------------- versions

// The seeded version is in effect from the start (cases with any review date are judged by it): it says
// so, with the day it was loaded, rather than showing the technical start date.
const FROM_THE_START = "1970-01-01";

function effective(v) {
  if (v.effective_from === FROM_THE_START) return `初始版本，自始有效（${fmtDate(v.published_at || v.created_at)} 载入）`;
  return `${fmtDate(v.effective_from)} 起生效`;
}

async function refresh(ctx) {
  ctx.versions = await api(url(ctx, "/versions"));
  const items = await api(`/items/${encodeURIComponent(ctx.item.code)}`);
  ctx.current = ctx.versions.find((v) => v.id === items.version_id) || null;
  ctx.ui.head.textContent = ctx.current ? `现行版本 ${ctx.current.label}，${effective(ctx.current)} · 规则哈希 ${ctx.current.rule_hash}` : "没有现行版本";
  renderVersions(ctx);
  if (ctx.current) renderOutline(ctx.ui.outline, await api(url(ctx, `/versions/${ctx.current.id}/outline`)));
}

function renderVersions(ctx) {
  const rows = [...ctx.versions].reverse().map((v) => h("tr", { "data-version": v.label, "data-status": v.status },
    h("td", {}, v.label, ctx.current && v.id === ctx.current.id ? h("span", { class: "tag published" }, "现行") : null),
    h("td", {}, h("span", { class: `tag ${v.status}` }, STATUS[v.status] || v.status)),
    h("td", { class: "nowrap" }, v.effective_from ? effective(v) : "—"),
    h("td", {}, `${v.published_by || v.created_by} · ${fmtDateTime(v.published_at || v.created_at)}`),
    h("td", {}, v.note),
    h("td", { class: "nowrap" },
      h("button", { type: "button", class: "link", onclick: () => openVersion(ctx, v.id) }, v.status === "draft" ? "编辑" : "查看"), " ",
      v.status !== "draft" && !(ctx.current && v.id === ctx.current.id)
        ? h("button", { type: "button", class: "link", "data-testid": "rollback", onclick: (ev) => act(ctx, ev.currentTarget, () => rollback(ctx, v)) }, "回滚到此版本")
        : null)));
  clear(ctx.ui.versions).append(h("details", { open: ctx.versions.length <= 6 },
    h("summary", {}, `版本（${ctx.versions.length}）`),
    h("div", { class: "table-wrap" }, h("table", { class: "small", "data-testid": "versions" },
      h("thead", {}, h("tr", {}, ["版本", "状态", "生效", "经办", "说明", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows)))));
}

async function rollback(ctx, v) {
  if (!confirm(`回滚到 ${v.label}？将以它的原文发布一个新版本，${ctx.ui.date.value || "今天"}起生效。`)) return;
  const out = await api(url(ctx, "/rollback"), { body: { to_version: v.id, effective_from: ctx.ui.date.value || null } });
  await refresh(ctx);
  await openVersion(ctx, out.id);
  notify(ctx.ui.status, `已回滚：${out.label}（${v.label} 的原文）自 ${fmtDate(out.effective_from)} 起生效`, "ok");
}

// ------------------------------------------------------------------------------------------ editor

async function loadEditor(ctx) {
  const draft = [...ctx.versions].reverse().find((v) => v.status === "draft");
  const pick = draft || ctx.current || ctx.versions[ctx.versions.length - 1];
  if (pick) await openVersion(ctx, pick.id);
}

async function openVersion(ctx, id) {
  if (ctx.dirty && !confirm("编辑器里有未保存的修改，放弃它们？")) return;
  const v = await api(url(ctx, `/versions/${id}`));
  ctx.draft = v.status === "draft" ? v : null;
  ctx.base = v;
  ctx.ui.editor.text = v.yaml_text;
  if (ctx.ui.shown === "form") await ctx.ui.form.load(v.yaml_text);
  ctx.dirty = false;
  clear(ctx.ui.results);
  document.getElementById("editing").textContent = ctx.draft
    ? `正在编辑草稿 ${v.label}（校验、运行场景、影响预览检查编辑器里的内容，不会保存；点“保存草稿”才保存）`
    : `显示的是 ${v.label}（${STATUS[v.status]}）：修改后可直接校验、运行场景、预览影响（都不保存）；“保存草稿”会新建一个草稿，原版本不变`;
}

async function save(ctx) {
  const text = ctx.ui.editor.text;
  if (ctx.draft && !ctx.dirty) return ctx.draft;
  if (ctx.draft) {
    ctx.draft = await api(url(ctx, `/versions/${ctx.draft.id}`), { method: "PATCH", body: { yaml_text: text } });
  } else {
    ctx.draft = await api(url(ctx, "/versions"), { body: { yaml_text: text, based_on: ctx.base ? ctx.base.id : null } });
    ctx.versions.push(ctx.draft);
    renderVersions(ctx);
  }
  ctx.dirty = false;
  document.getElementById("editing").textContent = `正在编辑草稿 ${ctx.draft.label}（校验、运行场景、影响预览检查编辑器里的内容，不会保存；点“保存草稿”才保存）`;
  notify(ctx.ui.status, `已保存草稿 ${ctx.draft.label}`, "ok");
  return ctx.draft;
}

// The version the editor's text is checked against (its department and scenarios); nothing is saved.
function checkTarget(ctx) {
  const base = ctx.draft || ctx.base || ctx.current;
  return { id: base.id, body: { yaml_text: ctx.ui.editor.text } };
}

async function validate(ctx) {
  const { id, body } = checkTarget(ctx);
  const out = await api(url(ctx, `/versions/${id}/validate`), { body });
  ctx.ui.editor.show(out.problems);
  clear(ctx.ui.results);
  const unsaved = ctx.dirty || !ctx.draft ? "（编辑器中的内容，未保存）" : "";
  if (out.valid) notify(ctx.ui.status, `校验通过${unsaved}`, "ok");
  else notify(ctx.ui.status, `校验发现 ${out.problems.length} 个问题（已在 YAML 原文的对应行标出，点“第 N 行”跳过去）${unsaved}`, "error");
  return out;
}

async function scenarios(ctx) {
  const { id, body } = checkTarget(ctx);
  const out = await api(url(ctx, `/versions/${id}/scenarios`), { body });
  showScenarios(ctx, out.outcomes);
  notify(ctx.ui.status, `场景：${out.passed} 个通过，${out.failed} 个未通过`, out.failed ? "error" : "ok");
  return out;
}

async function impact(ctx) {
  const { id, body } = checkTarget(ctx);
  notify(ctx.ui.status, "正在用近 90 天的窗口案件重判，请稍候……");
  const out = await api(url(ctx, `/versions/${id}/impact`), { body });
  showImpact(ctx, out);
  notify(ctx.ui.status, `影响预览：重判 ${out.replayed} 件，${out.changed} 件有变化（用时 ${out.seconds} 秒）`, out.changed ? "" : "ok");
  return out;
}

const fmtDay = (d) => (d ? fmtDate(d) : "—");

function showImpact(ctx, out) {
  const summary = [
    `近 ${out.days} 天窗口受理的案件（每件取最近一次预审，至多 ${out.limit} 件）共重判 ${out.replayed} 件：`,
    `${out.changed} 件有变化，其中结论改变 ${out.verdicts_flipped} 件、补交期限改变 ${out.deadlines_moved} 件。`,
  ].join("");
  const counts = (title, map) => Object.keys(map).length
    ? h("p", { class: "small" }, `${title}：`, Object.entries(map).map(([k, n]) => `${k} ${n} 件`).join("；"))
    : null;
  const points = (list) => list.map((c) => c.subject + " " + c.label).join("、") || "—";
  const rows = out.cases.map((c) => h("tr", { "data-case": c.case_id },
    h("td", {}, h("a", { href: `/clerk#case=${c.case_id}`, target: "_blank", rel: "noopener" }, c.case_id.slice(0, 8))),
    h("td", { class: "nowrap" }, fmtDay(c.review_date)),
    h("td", { class: "nowrap" }, c.verdict_before === c.verdict_after ? c.verdict_after_label : `${c.verdict_before_label} → ${c.verdict_after_label}`),
    h("td", { class: "nowrap" }, c.deadline_before === c.deadline_after ? fmtDay(c.deadline_after) : `${fmtDay(c.deadline_before)} → ${fmtDay(c.deadline_after)}`),
    h("td", {}, points(c.added)),
    h("td", {}, points(c.removed))));
  clear(ctx.ui.results).append(h("div", { "data-testid": "impact" },
    h("h3", {}, "影响预览（按本草稿重判近期真实案件）"),
    h("p", {}, summary),
    counts("结论变化", out.flips), counts("新增问题", out.added_by_subject), counts("不再提示的问题", out.removed_by_subject),
    out.cases.length
      ? h("div", { class: "table-wrap" }, h("table", { class: "small" },
        h("thead", {}, h("tr", {}, ["案件", "审查日期", "结论", "补交期限", "新增问题", "去掉的问题"].map((t) => h("th", { class: "nowrap" }, t)))),
        h("tbody", {}, rows)))
      : h("p", { class: "muted" }, "没有案件的结论、问题或补交期限因本草稿改变。")));
}

function showScenarios(ctx, outcomes) {
  const failed = outcomes.filter((o) => !o.passed).length;
  clear(ctx.ui.results).append(
    failed ? h("p", { class: "small" }, `有 ${failed} 个场景的结果与预期不同。若规则本来就要这样改，请逐个写明原因并“接受新结果”（场景改为预期现在的结果，记下经办人和原因）；否则请修改规则。`) : null,
    h("div", { class: "table-wrap" }, h("table", { class: "small", "data-testid": "scenarios" },
      h("thead", {}, h("tr", {}, ["场景", "结果", "预期 → 现在", ""].map((t) => h("th", { class: "nowrap" }, t)))),
      // The scenarios that need the staff member come first.
      h("tbody", {}, [...outcomes].sort((a, b) => Number(a.passed) - Number(b.passed)).map((o) => h("tr", { "data-passed": String(o.passed), "data-scenario": o.name },
        h("td", {}, o.name),
        h("td", { class: "nowrap" }, h("span", { class: o.passed ? "pass" : "fail" }, o.passed ? "通过" : "未通过")),
        h("td", {}, (o.problems || []).join("；") || (o.findings || []).map(finding).join("、") || "—"),
        h("td", {}, o.passed ? null : acceptForm(ctx, o))))))));
}

// "M7 UNREADABLE" → "M7 无法辨认": a scenario's findings in the words of the clerk console.
const finding = (text) => text.replace(/\b[A-Z_]{4,}\b/g, (code) => CODE_LABELS[code] || code);

function acceptForm(ctx, outcome) {
  const reason = h("input", { type: "text", placeholder: "原因，如：M7 容缺期限改为 7 个工作日", "aria-label": "接受原因", "data-testid": "accept-reason", size: 22 });
  const go = async (ev) => {
    if (reason.value.trim().length < 2) {
      notify(ctx.ui.status, "请先写明接受新结果的原因", "error");
      reason.focus();
      return;
    }
    await act(ctx, ev.currentTarget, async () => {
      const draft = await save(ctx); // accepting changes the draft's scenarios: the draft is saved first
      ctx.draft = await api(url(ctx, `/versions/${draft.id}/scenarios/accept`), { body: { name: outcome.name, reason: reason.value.trim() } });
      const out = await scenarios(ctx);
      notify(ctx.ui.status, `已接受「${outcome.name}」的新结果（已保存到草稿 ${ctx.draft.label}）；场景：${out.passed} 个通过，${out.failed} 个未通过`, out.failed ? "" : "ok");
    });
  };
  return h("span", { class: "row" }, reason, h("button", { type: "button", "data-testid": "accept", onclick: go }, "接受新结果"));
}

async function diff(ctx) {
  const draft = await save(ctx);
  const text = await api(url(ctx, `/versions/${draft.id}/diff`));
  const pre = h("pre", { class: "diff", "data-testid": "diff" });
  for (const line of String(text).split("\n")) {
    const cls = line.startsWith("@@") ? "hunk" : line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : null;
    pre.append(cls ? h("span", { class: cls }, line) : `${line}\n`);
  }
  clear(ctx.ui.results).append(text ? pre : h("p", { class: "muted" }, "与现行版本没有差异"));
}

async function publish(ctx) {
  // Check first, ask last: the confirmation comes only once the file is valid and every scenario passes.
  const checked = await validate(ctx);
  if (!checked.valid) return;
  const tested = await scenarios(ctx);
  if (tested.failed) {
    notify(ctx.ui.status, `有 ${tested.failed} 个场景未通过，不能发布：请修改规则，或确认新的预期结果`, "error");
    return;
  }
  const preview = await impact(ctx);
  const when = ctx.ui.date.value || null;
  const effect = preview.changed ? `近期 ${preview.changed} 件案件的结果会改变（见下方影响预览）。` : "近期案件的结果都不会改变。";
  if (!confirm(`校验和 ${tested.passed} 个场景均已通过。${effect}\n发布后 ${when || "今天"} 起生效，确定发布？`)) return;
  const draft = await save(ctx);
  const out = await api(url(ctx, `/versions/${draft.id}/publish`), { body: { effective_from: when } });
  ctx.draft = null;
  await refresh(ctx);
  await openVersion(ctx, out.id);
  notify(ctx.ui.status, `已发布 ${out.label}，${effective(out)}（规则哈希 ${out.rule_hash}）`, "ok");
}
