// clerk-licences.js — what the run fetched from the 电子证照 library (电子证照库调取): per material the
// outcome, the licence's catalogue fields and its file (the clerk sees identity; the API refuses others).

import { api, clear, h, downloadBlob } from "/static/common.js";

const OUTCOMES = { found: "已调取", not_found: "库中未查到", unavailable: "证照库暂不可用", not_valid: "证照已注销或作废" };

export function licencePanel(caseId, run) {
  const box = h("div", { class: "card", "data-testid": "licences", hidden: true });
  api(`/cases/${caseId}/licences`).then((rows) => {
    const mine = rows;
    if (!mine.length) return;
    clear(box).append(h("h3", {}, "电子证照库调取"), h("ul", {}, mine.map((r) => h("li", { "data-outcome": r.outcome },
      `${r.material} ${r.licence_type}：`, h("strong", {}, OUTCOMES[r.outcome] || r.outcome),
      r.licence ? ` · 证照编号 ${r.licence.number} · ${r.licence.holder} · 有效期至 ${r.licence.valid_until || "长期"}` : "",
      r.reason ? h("span", { class: "small muted" }, `（${r.reason}）`) : null,
      r.has_file ? [" ", h("button", { type: "button", class: "link", onclick: async () => {
        const res = await api(`/cases/${caseId}/licences/${r.id}/file`, { raw: true });
        downloadBlob(await res.blob(), `${r.material}-${r.licence_type}`);
      } }, "查看证照文件")] : null))));
    box.hidden = false;
  }).catch(() => {});
  return box;
}
