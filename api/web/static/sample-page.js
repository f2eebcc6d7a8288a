// sample-page.js — the public sample page (/s/ITEM/Mn, the 补正 notice's short link and QR code): every page
// of the material's sample in the rule version in effect, with the department's notes; ?code=NOT_SEALED
// highlights the notes of that review point.

import { $, api, notify } from "/static/common.js";
import { renderSample } from "/static/samples.js";

async function main() {
  const [, item, material] = location.pathname.match(/^\/s\/([A-Z]{2,4}-\d{3})\/(M\d{1,3})/) || [];
  if (!item) throw new Error("链接不完整：缺少事项或材料");
  const sample = await api(`/samples/${item}/${material}`);
  $("#sample-title").textContent = `材料样本：${sample.material_name || material}`;
  document.title = `${sample.material_name || material} 样本 · 一窗`;
  const code = new URLSearchParams(location.search).get("code") || "";
  renderSample($("#sample"), sample, { highlight: code });
}

main().catch((err) => notify($("#page-status"), err.message, "error"));
