// staff.js — the department-staff page (/staff): their department's items and rule files (staff-rules.js),
// their FAQs, the unanswered questions and hit testing (staff-kb.js), the referred questions (staff-referrals.js)
// and the hall's terms (staff-terms.js). Staff see their own department
// only; the API refuses changes to any other department's rules or FAQs anyway.
// The tab and the item are kept in the URL (#tab=faqs, #item=JT-001).

import { api, clear, h, notify, requireLogin, $, $$ } from "/static/common.js";
import { openItem } from "/static/staff-rules.js";
import { faqPanel, hitTestPanel, unansweredPanel } from "/static/staff-kb.js";
import { samplesPanel } from "/static/staff-samples.js";
import { termsPanel } from "/static/staff-terms.js";
import { referralsPanel } from "/static/staff-referrals.js";

const PANELS = {
  rules: null, samples: samplesPanel, faqs: faqPanel, referrals: referralsPanel, terms: termsPanel, unanswered: unansweredPanel, hits: hitTestPanel,
};
const state = { session: null, items: [], built: new Set(), view: null };

async function main() {
  state.session = await requireLogin(["staff"], { title: "部门工作人员登录" });
  const department = state.session.department;
  $("#dept-title").textContent = department ? `${department} · 部门工作人员` : "本账号没有绑定部门";
  const all = await api("/items");
  state.items = all.filter((i) => i.department === department);
  const list = clear($("#item-list"));
  for (const item of state.items) {
    list.append(h("li", {}, h("button", { type: "button", dataset: { item: item.code }, onclick: () => (location.hash = `#item=${item.code}`) },
      h("span", { class: "title" }, item.code), " ", item.bundle ? h("span", { class: "tag" }, "一件事") : null,
      h("div", { class: "small muted" }, item.name))));
  }
  if (!state.items.length) list.append(h("li", { class: "muted" }, "本部门没有在用的事项"));
  for (const tab of $$("[role=tab]")) tab.addEventListener("click", () => (location.hash = `#tab=${tab.id.slice(4)}`));
  window.addEventListener("hashchange", route);
  route();
}

function route() {
  const tab = (location.hash.match(/^#tab=(\w+)/) || [])[1] || "rules";
  const item = (location.hash.match(/^#item=([A-Z]+-\d+)/) || [])[1];
  select(item ? "rules" : tab in PANELS ? tab : "rules");
  if (item) showItem(item);
}

function select(name) {
  for (const tab of $$("[role=tab]")) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(on));
    $(`#${tab.getAttribute("aria-controls")}`).hidden = !on;
  }
  const build = PANELS[name];
  if (build && !state.built.has(name)) {
    state.built.add(name);
    build($(`#panel-${name}`), { session: state.session, items: state.items }).catch((err) => notify($("#page-status"), err.message, "error"));
  }
}

function showItem(code) {
  for (const b of $$("#item-list button")) b.classList.toggle("current", b.dataset.item === code);
  const item = state.items.find((i) => i.code === code);
  const box = $("#rule-workspace");
  if (!item) {
    clear(box).append(h("div", { class: "card" }, h("p", { class: "status status-error" }, `${code} 不是本部门的事项`)));
    return;
  }
  if (state.view) state.view.close();
  state.view = openItem(box, item, { session: state.session });
}

main().catch((err) => notify($("#page-status"), err.message, "error"));
