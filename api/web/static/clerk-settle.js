// clerk-settle.js — the 请核对 panel of the clerk console: the points the pre-review was not sure of (not
// counted in its verdict), each with why, what was read and where (the evidence viewer), and two buttons —
// 确认为问题 / 不是问题 — that settle it in one step (PUT /cases/{id}/settlements/{subject}/{code}),
// changeable until the decision is recorded. Every answer carries the suggestion made again.
//
//   settlePanel(el, {caseId, run, located, names, conditions, settlements, canSettle, closedNote, onSettled})
//   onSettled(out): out is the SettlementsOut the API answered (settlements, suggestion)

import { CODE_LABELS, api, h, notify } from "/static/common.js";
import { evidenceLine, filesOf, pointKey } from "/static/clerk-result.js";

const STATE = { open: "待核对", confirm: "已确认为问题", dismiss: "已排除：不是问题" };
const ACTIONS = [["confirm", "确认为问题"], ["dismiss", "不是问题"]];

export function settlePanel(el, opts) {
  const points = groups(opts.run.uncertain || []);
  if (!points.length) return;
  const actions = new Map(opts.settlements.map((s) => [pointKey(s), s]));
  const heading = h("h2", { id: "settle-title" });
  const status = h("p", { class: "status", role: "status", "data-testid": "settle-status" });
  const items = points.map((p) => pointView(p, opts, actions, (out) => settled(out)));
  const intro = opts.canSettle
    ? "预审对下列各处拿不准，没有算作问题。请对照原件逐一判断：确认为问题的，结论按问题重新计算；不是问题的予以排除。作出收件决定前可以改，每一次核对都会记录。"
    : opts.closedNote || "核对结果如下。";
  el.append(h("section", { class: "card settle-panel", "aria-labelledby": "settle-title", "data-testid": "settle" },
    heading, h("p", { class: "small muted" }, intro), items.map((i) => i.el), status));
  const refresh = () => {
    const open = points.filter((p) => !actions.has(p.key)).length;
    heading.textContent = `请核对（${points.length} 处${open ? `，待核对 ${open} 处` : "，已全部核对"}）`;
    for (const i of items) i.show();
  };

  function settled(out) {
    if (out.error) {
      notify(status, out.error, "error");
      return;
    }
    actions.clear();
    for (const s of out.settlements) actions.set(pointKey(s), s);
    notify(status, "");
    refresh();
    opts.onSettled(out);
  }
  refresh();
}

// One entry per review point: the run may name a point once per person or vehicle (set).
function groups(uncertain) {
  const out = new Map();
  for (const f of uncertain) {
    const k = pointKey(f);
    if (!out.has(k)) out.set(k, { key: k, subject: f.material || f.condition, code: f.code, items: [] });
    out.get(k).items.push(f);
  }
  return [...out.values()];
}

function pointView(p, opts, actions, onAnswer) {
  const { caseId, run, located, names, conditions, canSettle } = opts;
  const what = p.subject.startsWith("C") ? `受理条件 ${p.subject} ${conditions[p.subject] || ""}` : `${p.subject} ${names[p.subject] || ""}`;
  const titleId = `point-${p.subject}-${p.code}`;
  const unique = (xs) => [...new Set(xs.filter(Boolean))];
  const evidence = p.items.flatMap((f) => f.evidence || []);
  const files = evidence.length ? [] : filesOf(p.items[0].material, run, located);
  const note = h("input", { type: "text", class: "note", maxlength: 500, placeholder: "备注（可不填）", "aria-label": `${p.subject} ${CODE_LABELS[p.code] || p.code} 的核对备注` });
  const noteText = h("span", { class: "note small muted" }); // once decided: the note as written
  const state = h("span", { class: "state" });
  const buttons = ACTIONS.map(([action, label]) => h("button", { type: "button", class: `settle-${action}`, "aria-pressed": "false",
    disabled: !canSettle, onclick: () => send(action) }, label));
  // the finding's message repeats the material ("M2 营业执照：已过期——「营业期限」已过期"): its detail is new
  const detail = (m) => (m && m.includes("——") ? m.split("——").slice(1).join("——") : m);
  const el = h("div", { class: "point", role: "group", tabindex: "-1", "aria-labelledby": titleId, "data-subject": p.subject, "data-code": p.code },
    h("div", { id: titleId },
      h("span", { class: "tag check" }, "请核对"), h("span", { class: "tag" }, CODE_LABELS[p.code] || p.code),
      h("strong", {}, what),
      unique(p.items.map((f) => f.set_label)).map((l) => h("span", { class: "tag" }, l)),
      unique(p.items.map((f) => f.field)).length ? ` · ${unique(p.items.map((f) => f.field)).join("、")}` : ""),
    unique(p.items.map((f) => detail(f.message))).map((m) => h("div", {}, m)),
    h("div", { class: "reason" }, "拿不准的原因：", unique(p.items.map((f) => f.doubt)).join("；") || "—"),
    evidence.map((e) => evidenceLine(caseId, e, located)),
    files.length ? h("div", { class: "evidence" }, "相关文件：", files.map((file) => evidenceLine(caseId, { file: file.name, page: 0 }, located))) : null,
    h("div", { class: "row settle-actions" }, buttons, canSettle ? note : noteText, state));

  // Not disabled while the answer comes: a disabled button loses the keyboard focus.
  let pending = false;
  async function send(action) {
    if (pending) return;
    pending = true;
    for (const b of buttons) b.setAttribute("aria-busy", "true");
    try {
      const [subject, code] = p.key.split(" ");
      const out = await api(`/cases/${encodeURIComponent(caseId)}/settlements/${subject}/${code}`,
        { method: "PUT", body: { action, note: note.value, run: run.number } });
      onAnswer(out);
    } catch (err) {
      onAnswer({ error: `${p.subject} ${CODE_LABELS[p.code] || p.code}：${err.message}` });
    } finally {
      pending = false;
      for (const b of buttons) b.removeAttribute("aria-busy");
    }
  }

  function show() {
    const s = actions.get(p.key);
    const action = s ? s.action : "open";
    el.dataset.state = action;
    state.textContent = STATE[action];
    for (const [i, [a]] of ACTIONS.entries()) buttons[i].setAttribute("aria-pressed", String(a === action));
    if (s && document.activeElement !== note) note.value = s.note || "";
    noteText.textContent = s && s.note ? `备注：${s.note}` : "";
  }
  return { el, show };
}
