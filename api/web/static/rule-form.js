// rule-form.js — the rule file as a form, for what departments change most: 承诺 / 法定时限, 收费, and per
// material its name, 材料形式及份数, 必要 / 条件必要, 容缺 and its days, and the 审查要点 (removed, or added
// from the catalogue of checks). Every change is written into the rule file's text by the server
// (POST /rules/{item}/form), which rewrites only what changed; nothing is saved here.
//
//   const f = ruleForm(item, { onText(text), onError(err) });  container.append(f.el);  await f.load(text)

import { api, clear, h } from "/static/common.js";

const ASKS = {
  fields: "字段（多个用、分隔）", parts: "组成部分（多个用、分隔）", accept: "应为（材料说明）", field: "字段",
  who: "签字或盖章的人", within: "时限（如 90d、3m、1y）", equals: "应一致的对象（申报事实或 Mn「字段」）",
};
const BASIC = [
  ["承诺时限", "承诺时限", "text"], ["承诺工作日", "承诺工作日（天数）", "number"],
  ["法定时限", "法定时限", "text"], ["收费", "收费", "text"],
];

export function ruleForm(item, { onText, onError }) {
  const el = h("div", { class: "rule-form", "data-testid": "rule-form" });
  const state = { text: "", form: null, open: new Set() }; // open: the materials unfolded, kept across redraws

  async function send(edits) {
    const out = await api(`/rules/${encodeURIComponent(item.code)}/form`, { body: { yaml_text: state.text, edits } });
    state.text = out.yaml_text;
    state.form = out.form;
    if (out.changed) onText(out.yaml_text);
    return out;
  }

  async function load(text) {
    state.text = text;
    try {
      await send([]);
      render();
    } catch (err) {
      // The text does not read as a rule file (a YAML error): the form waits until it is fixed.
      clear(el).append(h("p", { class: "status status-error", "data-testid": "form-unreadable" },
        `表单无法读取当前的规则文件：${err.message}。请在“YAML 原文”中改正后再用表单。`));
    }
  }

  // A field changed: written into the text; the form is redrawn only when its structure changed.
  async function edit(change, { redraw = false } = {}) {
    try {
      await send([change]);
    } catch (err) {
      onError(err);
      return;
    }
    if (redraw) render();
  }

  function render() {
    const f = state.form;
    clear(el).append(
      h("fieldset", { class: "form-basic" }, h("legend", {}, "事项基本信息"),
        BASIC.map(([key, label, type]) => h("label", { class: "field" }, h("span", {}, label),
          h("input", { type, value: f.basic[key] ?? "", "data-key": key, class: type === "number" ? "num" : "wide",
            onchange: (ev) => edit({ op: "set", key, value: ev.target.value === "" ? null : ev.target.value }) })))),
      h("h3", {}, `申请材料（${f.materials.length} 项）`),
      ...f.materials.map((m) => material(m, f.catalogue)));
  }

  function material(m, catalogue) {
    const set = (key, value, opts) => edit({ op: "set", material: m.id, key, value }, opts);
    const days = h("input", { type: "number", min: 1, max: 60, class: "num", value: m.tolerance_days ?? "", disabled: m.tolerance_days == null,
      "aria-label": `${m.id} 容缺天数`, "data-testid": "tolerance-days", onchange: (ev) => set("tolerance_days", ev.target.value || null, { redraw: true }) });
    const tolerable = h("input", { type: "checkbox", checked: m.tolerance_days != null, "data-testid": "tolerable",
      onchange: (ev) => set("tolerance_days", ev.target.checked ? days.value || 5 : null, { redraw: true }) });
    const when = h("input", { type: "text", class: "wide", value: m.when, placeholder: "如 by_agent = true", "aria-label": `${m.id} 需要提交的条件`,
      hidden: !m.when, onchange: (ev) => ev.target.value.trim() && set("when", ev.target.value.trim(), { redraw: true }) });
    const necessity = (value, label) => h("label", { class: "choice" }, h("input", { type: "radio", name: `nec-${m.id}`, value, checked: (value === "conditional") === Boolean(m.when),
      onchange: () => (value === "required" ? set("when", null, { redraw: true }) : ((when.hidden = false), when.focus())) }), label);
    return h("details", { class: "material", "data-material": m.id, open: state.open.has(m.id),
      ontoggle: (ev) => (ev.target.open ? state.open.add(m.id) : state.open.delete(m.id)) },
      h("summary", {}, h("strong", {}, `${m.id} ${m.name}`), " ",
        h("span", { class: `tag ${m.when ? "conditional" : "required"}` }, m.when ? "条件必要" : "必要"),
        m.tolerance_days != null ? h("span", { class: "tag tolerable" }, `容缺 ${m.tolerance_days} 个工作日`) : null),
      h("label", { class: "field" }, h("span", {}, "材料名称"),
        h("input", { type: "text", class: "wide", value: m.name, onchange: (ev) => set("name", ev.target.value, { redraw: true }) })),
      h("label", { class: "field" }, h("span", {}, "材料形式及份数"),
        h("input", { type: "text", class: "wide", value: m.form, placeholder: "如 原件 1 份", onchange: (ev) => set("form", ev.target.value) })),
      h("div", { class: "field" }, h("span", {}, "必要性"), necessity("required", "必要（都要提交）"), necessity("conditional", "条件必要，当："), when,
        m.when_said ? h("span", { class: "small muted said" }, `即：${m.when_said}时需要提交`) : null),
      h("div", { class: "field" }, h("span", {}, "容缺"), h("label", { class: "choice" }, tolerable, "允许容缺受理，"), "补交期限 ", days, " 个工作日"),
      m.inherited ? h("p", { class: "small muted" }, `另有 ${m.inherited} 的审查要点（通用材料，不在此列出）`) : null,
      h("h4", {}, "审查要点"),
      h("ol", { class: "small checks" }, m.checks.map((c) => h("li", { "data-code": c.code },
        c.label ? h("span", { class: "tag code" }, c.label) : null, " ",
        c.said ? h("span", { title: `规则文件原文：${c.written}` }, c.said) : h("code", {}, c.written), " ",
        h("button", { type: "button", class: "link", "data-testid": "remove-check",
          onclick: () => confirm(`删除 ${m.id} 的这条审查要点？\n${c.written}`) && edit({ op: "remove_check", material: m.id, check: c.index }, { redraw: true }) }, "删除")))),
      addCheck(m, catalogue));
  }

  function addCheck(m, catalogue) {
    const args = h("span", { class: "row" });
    const pick = h("select", { "aria-label": `${m.id} 新增审查要点`, "data-testid": "check-code", onchange: () => fill() },
      h("option", { value: "" }, "从要点目录中选择……"), catalogue.map((c) => h("option", { value: c.code }, `${c.label}（${c.code}）`)));
    const inputs = {};
    function fill() {
      const entry = catalogue.find((c) => c.code === pick.value);
      clear(args);
      for (const k of Object.keys(inputs)) delete inputs[k];
      for (const ask of [...(entry ? entry.asks : []), "when", "note"]) {
        inputs[ask] = h("input", { type: "text", size: ask === "when" || ask === "note" ? 16 : 22, "data-ask": ask,
          placeholder: ASKS[ask] || (ask === "when" ? "仅当（可选）" : "说明（可选）"), "aria-label": ASKS[ask] || ask });
        args.append(inputs[ask]);
      }
    }
    const add = () => {
      if (!pick.value) return;
      const values = Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value.trim()]).filter(([, v]) => v));
      edit({ op: "add_check", material: m.id, code: pick.value, args: values }, { redraw: true });
    };
    return h("div", { class: "row add-check" }, pick, args, h("button", { type: "button", "data-testid": "add-check", onclick: add }, "添加要点"));
  }

  return { el, load, get text() { return state.text; } };
}
