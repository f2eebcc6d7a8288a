// questions-form.js — the declared-facts questionnaire of an item (GET /items/{code}/questions), shared by the
// self-check page and anyone else who asks an applicant's facts.
//
// Exports
//   renderQuestions(form, questions, {declared, onChange})
//                                      fills <form> with one fieldset per group; questions asked only
//                                      when others have some answer (ask_when) are shown and hidden live
//   readDeclared(form, questions)      the answers as declared facts (unanswered and hidden ones left out)
//   markUnanswered(form, questions)    the shown questions without an answer, marked inline; returns them
//   valueLabel(question, value)        "enterprise" -> "企业" (the rule catalog's names, sent with each question)

import { h, clear } from "/static/common.js";

export function valueLabel(q, value) {
  return (q.value_labels && q.value_labels[value]) || value;
}

const GROUPS = {
  materials: "决定要交哪些材料",
  conditions: "是否符合受理条件",
  details: "申请信息（用于和材料核对）",
};

// The standard's 含义 column: what comes before "：" is the question, the rest explains it.
function wording(q) {
  const meaning = q.ask || q.label;
  const [head, ...rest] = meaning.split("：");
  return { title: head, hint: rest.join("：") };
}

function choice(type, name, value, text, checked) {
  return h("label", { class: "choice" }, h("input", { type, name, value, checked }), text);
}

function control(q, current) {
  const name = `fact-${q.fact}`;
  if (q.type === "bool") {
    return h("div", { role: "radiogroup" }, choice("radio", name, "true", "是", current === true),
      choice("radio", name, "false", "否", current === false));
  }
  if (q.type === "enum" && q.values.length <= 4) {
    return h("div", { role: "radiogroup" },
      q.values.map((v) => choice("radio", name, v, valueLabel(q, v), current === v)));
  }
  if (q.type === "enum") {
    return h("select", { name }, h("option", { value: "" }, "请选择"),
      q.values.map((v) => h("option", { value: v, selected: current === v }, valueLabel(q, v))));
  }
  if (q.type === "enum_list") {
    const have = Array.isArray(current) ? current : [];
    return h("div", {}, q.values.map((v) => choice("checkbox", name, v, valueLabel(q, v), have.includes(v))));
  }
  if (q.type === "integer" || q.type === "number") {
    return h("input", { type: "number", name, min: 0, step: q.type === "integer" ? 1 : "any", inputmode: "decimal",
      value: current ?? "" });
  }
  if (q.type === "date") return h("input", { type: "date", name, value: current || "" });
  if (q.type === "shareholders") return shareholders(name, current);
  const max = q.type === "id_number" || q.type === "uscc" ? 18 : 100;
  return h("input", { type: "text", name, maxlength: max, value: current || "", autocomplete: "off" });
}

function shareholderRow(s = {}) {
  const row = h("div", { class: "row shareholder" },
    h("select", { name: "sh-type" }, h("option", { value: "natural_person", selected: s.shareholder_type !== "corporate" }, "自然人"),
      h("option", { value: "corporate", selected: s.shareholder_type === "corporate" }, "法人")),
    h("input", { name: "sh-name", placeholder: "姓名或名称", value: s.name || "", class: "grow" }),
    h("input", { name: "sh-number", placeholder: "身份证号码或信用代码", value: s.id_number || s.uscc || "", class: "grow" }),
    h("button", { type: "button", class: "link", onclick: () => row.remove() }, "删除"));
  return row;
}

function shareholders(name, current) {
  const list = h("div", { class: "shareholders", dataset: { name } });
  for (const s of Array.isArray(current) ? current : []) list.append(shareholderRow(s));
  const add = h("button", { type: "button", onclick: () => list.append(shareholderRow()) }, "添加股东");
  return h("div", {}, list, add);
}

function holds(cond, declared) {
  const v = declared[cond.fact];
  if (v === undefined) return false;
  const want = cond.value;
  switch (cond.op) {
    case "==": return v === want;
    case "!=": return v !== want;
    case "<": return v < want;
    case "<=": return v <= want;
    case ">": return v > want;
    case ">=": return v >= want;
    case "in": return Array.isArray(want) && want.includes(v);
    case "not in": return Array.isArray(want) && !want.includes(v);
    case "contains": return Array.isArray(v) && v.includes(want);
    case "not contains": return Array.isArray(v) && !v.includes(want);
    default: return true;
  }
}

function asked(q, declared) {
  return !q.ask_when.length || q.ask_when.some((group) => group.every((c) => holds(c, declared)));
}

export function renderQuestions(form, questions, { declared = {}, onChange } = {}) {
  clear(form);
  for (const [group, title] of Object.entries(GROUPS)) {
    const qs = questions.filter((q) => q.group === group);
    if (!qs.length) continue;
    const set = h("fieldset", { dataset: { group } }, h("legend", {}, title));
    for (const q of qs) {
      const { title: text, hint } = wording(q);
      set.append(h("div", { class: "question", dataset: { fact: q.fact } },
        h("label", { for: undefined }, text, control(q, declared[q.fact])),
        hint ? h("p", { class: "small muted" }, hint) : null));
    }
    form.append(set);
  }
  const refresh = () => {
    const now = readDeclared(form, questions, { all: true });
    for (const q of questions) {
      const el = form.querySelector(`[data-fact="${q.fact}"]`);
      if (el) el.hidden = !asked(q, now);
    }
    if (onChange) onChange();
  };
  form.addEventListener("change", refresh);
  refresh();
}

function readOne(form, q) {
  const name = `fact-${q.fact}`;
  if (q.type === "bool") {
    const el = form.querySelector(`input[name="${name}"]:checked`);
    return el ? el.value === "true" : undefined;
  }
  if (q.type === "enum_list") {
    const on = [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((el) => el.value);
    return on.length ? on : undefined;
  }
  if (q.type === "enum") {
    const el = form.querySelector(`input[name="${name}"]:checked`) || form.querySelector(`select[name="${name}"]`);
    return el && el.value ? el.value : undefined;
  }
  if (q.type === "shareholders") {
    const rows = [...form.querySelectorAll(`[data-name="${name}"] .shareholder`)];
    const out = rows.map((r) => {
      const type = r.querySelector('[name="sh-type"]').value;
      const number = r.querySelector('[name="sh-number"]').value.trim();
      const s = { shareholder_type: type, name: r.querySelector('[name="sh-name"]').value.trim() };
      s[type === "corporate" ? "uscc" : "id_number"] = number;
      return s;
    }).filter((s) => s.name);
    return out.length ? out : undefined;
  }
  const el = form.querySelector(`[name="${name}"]`);
  if (!el || el.value.trim() === "") return undefined;
  if (q.type === "integer" || q.type === "number") {
    const n = Number(el.value);
    return Number.isFinite(n) ? n : el.value;  // a non-number is sent as typed: the API names it
  }
  return el.value.trim();
}

export function readDeclared(form, questions, { all = false } = {}) {
  const out = {};
  for (const q of questions) {
    const el = form.querySelector(`[data-fact="${q.fact}"]`);
    if (!all && el && el.hidden) continue;
    const v = readOne(form, q);
    if (v !== undefined) out[q.fact] = v;
  }
  return out;
}

// The questions shown and not answered, each marked where it is (an error next to the field, its inputs
// aria-invalid, the message tied to them); earlier marks are cleared. Returns the marked elements.
export function markUnanswered(form, questions, message = "请回答这一项") {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
  const marked = [];
  for (const q of questions) {
    const el = form.querySelector(`[data-fact="${q.fact}"]`);
    if (!el || el.hidden || readOne(form, q) !== undefined) continue;
    const id = `err-${q.fact}`;
    el.append(h("p", { class: "field-error", id }, message));
    for (const input of el.querySelectorAll("input, select, textarea")) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
    }
    marked.push(el);
  }
  return marked;
}
