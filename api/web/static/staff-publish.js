// staff-publish.js — the hit test and publish controls shared by the FAQ and term editors (#16 "drafts are
// drafts"). 保存草稿 never publishes; 命中测试 searches each of the entry's questions (and the extra ones typed
// here) against the knowledge base as it would be after publishing; 发布 runs the same test first and is refused,
// with the same per-question report, unless every question comes back with the entry as its answer.
//
//   const ctl = publishControls({ prefix: "faq", path: () => "/kb/faqs/JT-001%23Q9", save, onPublished })
//   form.append(ctl.el)   // ctl.reset() when the editor opens another entry

import { api, busy, clear, h, notify } from "/static/common.js";

const SOURCE = { question: "问题", alternative: "其他问法", extra: "测试问法" };
const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);

// save(): saves the editor's draft (resolving to the entry's path) or throws; onPublished(entry) after a publish
export function publishControls({ prefix, save, onPublished }) {
  const extra = h("textarea", { id: `${prefix}-test-questions`, rows: 3, placeholder: "每行一个，例如群众的原话；发布时这些问法也必须找到本条目" });
  const report = h("div", { id: `${prefix}-check`, "data-testid": `${prefix}-check`, "aria-live": "polite" });
  const status = h("p", { class: "status", role: "status", id: `${prefix}-publish-status` });
  const test = h("button", { type: "button", id: `${prefix}-test` }, "命中测试");
  const publish = h("button", { type: "button", id: `${prefix}-publish`, class: "primary" }, "测试通过后发布");

  async function run(button, action) {
    notify(status, "");
    clear(report);
    let path;
    try {
      path = await save(button);
    } catch (err) {
      notify(status, err.message, "error");
      return;
    }
    if (!path) return;
    try {
      const body = { questions: lines(extra.value) };
      // the test first, the confirmation only once it passed (never confirm, then be refused)
      const tested = await busy(button, api(`${path}/check`, { body }));
      render(report, tested);
      if (!tested.ok) return notify(status, action === "publish" ? "未发布：线上仍是原来的版本" : "见下表：修改后再测试", "error");
      if (action === "check") return notify(status, "命中测试通过，可以发布", "info");
      if (!confirm(`命中测试通过（${tested.checks.length} 个问法都以本条目作答）。发布后线上检索立即改用这个版本，确定发布吗？`)) return;
      const out = await busy(button, api(`${path}/publish`, { body }));
      render(report, out.check);
      notify(status, `已发布（第 ${out.entry.version} 版）`, "info");
      onPublished(out.entry);
    } catch (err) {
      const detail = err.body && err.body.detail;
      if (detail && Array.isArray(detail.checks)) render(report, detail);
      notify(status, err.status === 409 && detail && detail.checks ? `${err.message}（未发布，线上仍是原来的版本）` : err.message, "error");
    }
  }
  test.addEventListener("click", () => run(test, "check"));
  publish.addEventListener("click", () => run(publish, "publish"));
  const el = h("fieldset", { class: "publish-check" },
    h("legend", {}, "命中测试与发布"),
    h("p", { class: "small muted" }, "发布前，本条目的各个问法（常见问题：问题和其他问法；术语词条：“词条、别称是什么意思”）和下面的测试问法会按发布后的知识库逐个检索，都以本条目作答才发布；没通过时线上仍用原来的版本。"),
    h("label", {}, "另外要测试的问法", extra),
    h("div", { class: "row" }, test, publish), status, report);
  return {
    el,
    reset() {
      extra.value = "";
      clear(report);
      notify(status, "");
    },
  };
}

function render(el, check) {
  clear(el).append(
    h("p", { class: check.ok ? "pass" : "fail", "data-ok": String(check.ok) }, check.summary),
    h("div", { class: "table-wrap" }, h("table", { class: "small", "data-testid": "check-rows" },
      h("thead", {}, h("tr", {}, ["", "问法", "本条目名次", "有把握", "先出来的条目", "说明"].map((t) => h("th", {}, t)))),
      h("tbody", {}, check.checks.map((c) => h("tr", { "data-ok": String(c.ok) },
        h("td", {}, h("span", { class: c.ok ? "pass" : "fail" }, c.ok ? "通过" : "未通过")),
        h("td", {}, c.query, " ", h("span", { class: "tag" }, SOURCE[c.source] || c.source)),
        h("td", {}, c.rank ? `第 ${c.rank}` : "未检出"),
        h("td", {}, c.confident ? "是" : "否"),
        h("td", {}, c.winner ? `${c.winner} ${c.winner_title}` : "—"),
        h("td", {}, c.why)))))));
}
