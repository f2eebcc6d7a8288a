// rule-outline.js — a rule version in readable form (GET /rules/{item}/versions/{id}/outline): 事项基本信息,
// 受理条件, 申请材料 (必要 / 条件必要 / 容缺) with every 审查要点, 不予受理情形.
//
//   renderOutline(el, outline)

import { clear, h } from "/static/common.js";

export function renderOutline(el, o) {
  clear(el).append(...[
    h("h3", {}, "事项基本信息"),
    h("dl", { class: "kv small" }, Object.entries(o.basic).map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])),
    o.required_facts.length ? h("p", { class: "small", "data-testid": "required-facts" }, h("span", { class: "muted" }, "必填的申报事实："),
      o.required_facts.flatMap((f, i) => [i ? "、" : "", h("span", { title: `规则中写作 ${f.fact}` }, f.label,
        f.ask ? h("span", { class: "muted" }, `（${f.ask}）`) : null, f.when ? h("span", { class: "muted" }, `，当 ${f.when}`) : null)])) : null,
    conditions(o),
    materials(o),
    o.shared.length ? h("div", {}, h("h3", {}, "共享材料（只交一次）"),
      h("ul", {}, o.shared.map((s) => h("li", {}, `${s.material} 供 ${s.used_by} 使用${s.note ? `：${s.note}` : ""}`)))) : null,
    o.rejections.length ? h("div", {}, h("h3", {}, "不予受理情形"),
      h("ul", {}, o.rejections.map((r) => h("li", {}, `${r.situation}（${r.condition}）：${r.handling}`)))) : null,
  ].filter(Boolean));
}

function facts(o, expr) {
  // the expression as written, with the 栏目 of each fact it names (hover) — staff write these names
  const names = Object.keys(o.fact_labels).filter((n) => new RegExp(`\\b${n}\\b`).test(expr));
  return h("code", { title: names.map((n) => `${n}：${o.fact_labels[n]}`).join("\n") }, expr);
}

function conditions(o) {
  return h("section", { "data-testid": "outline-conditions" },
    h("h3", {}, `受理条件（${o.conditions.length} 条）`),
    h("div", { class: "table-wrap" }, h("table", { class: "small" },
      h("thead", {}, h("tr", {}, ["", "条件", "判定", "不满足时"].map((t) => h("th", {}, t)))),
      h("tbody", {}, o.conditions.map((c) => h("tr", {},
        h("td", {}, c.id),
        h("td", {}, c.text, c.legal_basis ? h("div", { class: "muted" }, c.legal_basis) : null),
        h("td", {}, facts(o, c.require), c.when ? h("div", { class: "muted" }, "仅当 ", facts(o, c.when)) : null,
          c.basis ? h("div", { class: "muted" }, c.basis) : null),
        h("td", {}, c.on_fail, c.refer_to ? h("div", { class: "muted" }, `告知向 ${c.refer_to} 申请`) : null)))))),
    o.manual_checks.length ? h("p", { class: "small" }, h("span", { class: "muted" }, "收件人员人工核对："), o.manual_checks.join("；")) : null);
}

function materials(o) {
  return h("section", { "data-testid": "outline-materials" },
    h("h3", {}, `申请材料（${o.materials.length} 项）`),
    o.materials.map((m) => h("details", { class: "material", "data-material": m.id },
      h("summary", {},
        h("strong", {}, `${m.id} ${m.name}`), " ",
        h("span", { class: `tag ${m.necessity}` }, m.necessity === "required" ? "必要" : "条件必要"),
        m.tolerance_days ? h("span", { class: "tag tolerable" }, `容缺 ${m.tolerance_days} 个工作日`) : null,
        h("span", { class: "small muted" }, ` ${m.form}`)),
      h("dl", { class: "kv small" },
        m.when ? [h("dt", {}, "需要提交，当"), h("dd", {}, facts(o, m.when), m.necessity_note ? `（${m.necessity_note}）` : "")] : null,
        m.source ? [h("dt", {}, "来源"), h("dd", {}, m.source)] : null,
        m.per ? [h("dt", {}, "每套对应"), h("dd", {}, m.per)] : null,
        m.parts.length ? [h("dt", {}, "组成部分"), h("dd", {}, m.parts.join("、"))] : null,
        m.common ? [h("dt", {}, "通用材料"), h("dd", {}, m.common)] : null,
        m.same_as ? [h("dt", {}, "同"), h("dd", {}, m.same_as)] : null,
        m.maps_to ? [h("dt", {}, "替代"), h("dd", {}, m.maps_to)] : null),
      h("h4", {}, "审查要点"),
      h("ol", { class: "small" }, m.checks.map((c) => h("li", { "data-code": c.code },
        h("span", { class: "tag code" }, c.label), " ", c.text,
        c.when ? h("span", { class: "muted" }, "（仅当 ", facts(o, c.when), "）") : null,
        c.note ? h("div", { class: "muted" }, c.note) : null))))),
    o.material_notes.length ? h("ul", { class: "small muted" }, o.material_notes.map((n) => h("li", {}, n))) : null);
}
