// staff-referrals.js — the 转交问题 tab of the staff page (#15 首问负责): the questions the consultation desk referred
// to this department, overdue ones marked; answering one sends the answer back to the desk's list and turns it into
// an FAQ draft of the chosen item, which goes through the same hit test and publish as any FAQ (the FAQ tab opens it).
// 只看超期: the department's overdue ones; the hall's own staff (政务服务中心) see every department's.
//
//   referralsPanel(el, {session, items})

import { api, busy, clear, fmtDateTime, h, latest, notify } from "/static/common.js";
import { answerWithFaq } from "/static/staff-kb.js";

export async function referralsPanel(el, { session, items }) {
  const overdue = h("input", { type: "checkbox", id: "referrals-overdue" });
  const list = h("div", { "data-testid": "referral-list" });
  const status = h("p", { class: "status", role: "status", id: "referral-status" });
  const fresh = latest();
  const load = async () => {
    const rows = await fresh(() => api("/kb/referrals", { query: overdue.checked ? { overdue: true } : {} }));
    if (!rows) return;
    clear(list).append(rows.length ? h("ul", { class: "plain" }, rows.map((r) => referralRow(r, { session, items, status, reload: load })))
      : h("p", { class: "muted" }, overdue.checked ? "没有超期未答复的问题" : "没有转交给本部门的问题"));
  };
  overdue.addEventListener("change", () => load().catch((err) => notify(status, err.message, "error")));
  clear(el).append(h("div", { class: "card" },
    h("h2", {}, "转交问题（首问负责）"),
    h("p", { class: "small muted" }, "咨询台答不了、转交本部门的问题，须在期限内答复。答复会回到咨询台，并生成一条常见问题草稿，命中测试通过后发布。"),
    h("label", { class: "choice" }, overdue, "只看超期未答复的（政务服务中心可看全部部门）"), status, list));
  await load();
}

function referralRow(r, { session, items, status, reload }) {
  const state = r.status === "answered" ? "已答复" : r.overdue ? "已超期" : "待答复";
  const head = h("p", {}, h("strong", { class: "referral-state" }, state), " ", r.query);
  const meta = h("div", { class: "small muted" }, `${r.department} · 咨询台 ${r.asked_by} · ${fmtDateTime(r.created_at)} 转交 · 应于 ${r.due_on} 前答复`);
  const li = h("li", { class: `referral ${r.overdue ? "overdue" : ""}`, dataset: { id: String(r.id), status: r.status } }, head, meta);
  if (r.status === "answered") {
    li.append(h("p", { class: "referral-answer" }, `答复（${r.answered_by}）：${r.answer}`));
    if (r.faq_target && r.department === session.department) li.append(draftLink(r));
    return li;
  }
  if (r.department !== session.department) return li; // the hall following up another department's
  const item = h("select", { name: "item", "aria-label": "答复所属事项" },
    h("option", { value: "" }, "不属于具体事项（不生成常见问题）"),
    items.map((i) => h("option", { value: i.code, selected: i.code === r.item }, `${i.code} ${i.name}`)));
  const answer = h("textarea", { name: "answer", rows: 3, maxlength: 5000, "aria-label": "答复" });
  const send = h("button", { type: "button", class: "primary", "data-action": "answer" }, "答复");
  send.addEventListener("click", async () => {
    if (!answer.value.trim()) return notify(status, "请填写答复", "error");
    try {
      const done = await busy(send, api(`/kb/referrals/${r.id}/answer`, { body: { answer: answer.value.trim(), item: item.value || null } }));
      notify(status, done.faq_target ? `已答复，答复已回到咨询台，并生成常见问题草稿 ${done.faq_target}` : "已答复，答复已回到咨询台", "info");
      await reload();
    } catch (err) {
      notify(status, err.message, "error");
    }
  });
  li.append(h("div", { class: "referral-form" }, h("label", {}, "答复", answer), h("label", {}, "所属事项", item), send));
  return li;
}

function draftLink(r) {
  return h("p", { class: "small" }, `已生成常见问题草稿 ${r.faq_target} `,
    h("button", { type: "button", class: "link", "data-action": "open-draft", onclick: () => answerWithFaq({ target: r.faq_target, item: r.item }) }, "去测试并发布"));
}
