// self-check.js — the applicant's self-check (/self-check): choose the item, answer the questions that decide
// the materials, see the checklist, upload per material, run the pre-review, read the verdict, print.
// No account: creating the case returns a case token, kept in this tab's sessionStorage so that a reload
// (or a phone switching apps to take a photo) does not lose the case.

import {
  $, api, busy, clear, CODE_LABELS, confirmText, explainCode, fmtDate, fmtDateTime, fmtSize, h, notify, openNotice,
  downloadBlob, show, VERDICTS, verdictBadge,
} from "/static/common.js";
import { readDeclared, renderQuestions } from "/static/questions-form.js";

const KEY = "yichuang.self-check";
const STEPS = ["item", "questions", "checklist", "upload", "result"];
const state = { items: [], item: null, questions: [], checklist: null, conditions: {}, caseId: null, number: null,
  token: null, files: [] };
const status = () => $("#status");

function go(step) {
  for (const s of STEPS) show($(`#step-${s}`), s === step);
  const at = STEPS.indexOf(step);
  for (const li of document.querySelectorAll("#steps li")) {
    const i = STEPS.indexOf(li.dataset.step);
    li.className = i === at ? "current" : i < at ? "done" : "";
  }
  notify(status(), "");
  window.scrollTo(0, 0);
}

function remember() {
  sessionStorage.setItem(KEY, JSON.stringify({ item: state.item && state.item.code, caseId: state.caseId,
    token: state.token, declared: state.declared || {} }));
}

// ------------------------------------------------------------------------------------- ① the item

// The search box lists the items whose name, department or code holds the words at once, then asks the item
// finder the consultation desk uses (/items/find: common names, goals such as "开饭店", pinyin, typos) and
// shows what it found. An answer that arrives after a newer keystroke is dropped.
let findSeq = 0;

function showItems(shown) {
  const list = clear($("#item-list"));
  for (const item of shown) {
    list.append(h("li", {}, h("button", { type: "button", class: "link item-choice", dataset: { code: item.code },
      onclick: () => chooseItem(item) }, item.name), h("div", { class: "small muted" },
      `${item.department} · ${item.code}${item.bundle ? " · 一件事" : ""} · 承诺 ${item.promise_days} 个工作日`)));
  }
  if (!shown.length) list.append(h("li", { class: "muted" }, "没有找到匹配的事项，请换个说法试试"));
}

async function listItems() {
  const q = $("#item-q").value.trim();
  const seq = ++findSeq;
  const lower = q.toLowerCase();
  const literal = state.items.filter((i) => !q || `${i.code} ${i.name} ${i.department}`.toLowerCase().includes(lower));
  showItems(literal);
  if (!q) return;
  let found;
  try {
    found = await api("/items/find", { query: { q, limit: 10 } });
  } catch {
    return; // the literal list stays
  }
  if (seq !== findSeq) return;
  const codes = found.map((f) => f.code);
  const shown = codes.map((c) => state.items.find((i) => i.code === c)).filter(Boolean);
  if (shown.length && codes.join() !== literal.map((i) => i.code).join()) showItems(shown);
}

async function chooseItem(item, declared = {}) {
  try {
    const [questions, detail] = await Promise.all([api(`/items/${item.code}/questions`), api(`/items/${item.code}`)]);
    Object.assign(state, { item, questions, declared });
    state.conditions = Object.fromEntries(detail.conditions.map((c) => [c.id, c.text]));
    $("#item-title").textContent = `${item.name}（${item.department}）`;
    renderQuestions($("#questions"), questions, { declared });
    go("questions");
  } catch (err) {
    notify(status(), err.message, "error");
  }
}

// ------------------------------------------------------------------------------ ②–③ the checklist

async function showChecklist() {
  state.declared = readDeclared($("#questions"), state.questions);
  try {
    state.checklist = await busy($("#show-checklist"), api(`/items/${state.item.code}/checklist`,
      { body: { declared: state.declared } }));
  } catch (err) {
    notify(status(), err.message, "error");
    return;
  }
  renderChecklist(state.checklist);
  remember();
  go("checklist");
}

function formText(e) {
  return e.form || "";
}

function renderChecklist(cl) {
  const problems = clear($("#fact-problems"));
  if (cl.problems.length) {
    problems.append(h("p", { class: "status-error" }, "以下信息未填写或格式不对，窗口会请您补充（也可返回修改）："),
      h("ul", {}, cl.problems.map((p) => h("li", {}, p))));
  }
  const due = cl.entries.filter((e) => e.due !== "no");
  const notDue = cl.entries.filter((e) => e.due === "no");
  const box = clear($("#checklist"));
  box.append(h("p", {}, `共需准备 ${due.length} 份材料：`), h("div", { class: "table-wrap" }, h("table", { id: "checklist-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "材料"), h("th", {}, "形式及份数"), h("th", {}, "说明"))),
    h("tbody", {}, due.map((e) => h("tr", { dataset: { material: e.material } },
      h("td", {}, `${e.material} ${e.name}`),
      h("td", {}, formText(e)),
      h("td", {}, e.due === "depends" ? h("span", { class: "tag" }, "视情况") : null,
        e.tolerance_days ? h("span", { class: "tag tolerable" }, `可容缺：受理后 ${e.tolerance_days} 个工作日内补交`) : null,
        h("div", { class: "small muted" }, e.source))))))));
  if (notDue.length) {
    box.append(h("details", {}, h("summary", {}, `按您的回答不需要提交的材料（${notDue.length} 份）`),
      h("ul", {}, notDue.map((e) => h("li", { class: "muted" }, `${e.material} ${e.name}`)))));
  }
}

// ----------------------------------------------------------------------------------- ④ the uploads

async function startCase() {
  try {
    const c = await busy($("#start-case"), api("/cases", { body: { item: state.item.code, declared: state.declared } }));
    state.caseId = c.id;
    state.number = c.number;
    state.token = c.token;
    state.files = [];
    state.expires = c.expires_at;
    remember();
    renderSlots();
    go("upload");
  } catch (err) {
    notify(status(), err.message, "error");
  }
}

// Labels styled as buttons: the native file input's own text follows the browser's language, not the page's.
function fileInputs(slot) {
  const pick = h("input", { type: "file", accept: "image/*,application/pdf", multiple: true,
    class: "pick visually-hidden" });
  // capture opens the phone's camera directly; desktops ignore it and show the file chooser
  const camera = h("input", { type: "file", accept: "image/*", capture: "environment", class: "camera visually-hidden" });
  for (const input of [pick, camera]) input.addEventListener("change", () => upload(slot, input));
  return h("div", { class: "row no-print" }, h("label", { class: "file-button" }, "选择照片或 PDF", pick),
    h("label", { class: "file-button" }, "拍照", camera));
}

function renderSlots() {
  const box = clear($("#slots"));
  const due = state.checklist.entries.filter((e) => e.due !== "no");
  for (const e of due) {
    box.append(h("div", { class: "material", dataset: { slot: e.material } },
      h("strong", {}, `${e.material} ${e.name}`), " ",
      e.tolerance_days ? h("span", { class: "tag tolerable" }, `可容缺 ${e.tolerance_days} 日`) : null,
      h("div", { class: "small muted" }, formText(e)), fileInputs(e.material),
      h("ul", { class: "files plain" })));
  }
  box.append(h("div", { class: "material", dataset: { slot: "" } }, h("strong", {}, "其他材料"),
    h("div", { class: "small muted" }, "不确定属于哪一份的，放在这里，系统会自动识别"), fileInputs(null),
    h("ul", { class: "files plain" })));
  if (state.number) box.append(h("p", { class: "small muted", "data-testid": "case-number" }, `预检编号：${state.number}`));
  if (state.expires) box.append(h("p", { class: "small muted" }, `上传的材料保存到 ${fmtDateTime(state.expires)}，之后自动删除。`));
  renderFiles();
}

function renderFiles() {
  for (const el of document.querySelectorAll("#slots .material")) {
    const list = clear(el.querySelector(".files"));
    for (const f of state.files.filter((x) => x.active && (x.slot || "") === el.dataset.slot)) {
      list.append(h("li", { class: "row" }, h("span", { class: "grow" }, `${f.name}（${fmtSize(f.size)}）`),
        h("button", { type: "button", class: "link no-print", onclick: () => withdraw(f) }, "撤回")));
    }
  }
}

async function upload(slot, input) {
  const files = [...input.files];
  if (!files.length) return;
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  notify(status(), `正在上传 ${files.length} 个文件…`);
  try {
    const rows = await api(`/cases/${state.caseId}/files`, { form, caseToken: state.token, query: { slot } });
    state.files.push(...rows);
    renderFiles();
    notify(status(), `已上传：${rows.map((r) => r.name).join("、")}`, "ok");
  } catch (err) {
    notify(status(), `上传失败：${err.message}`, "error");
  } finally {
    input.value = "";
  }
}

async function withdraw(f) {
  try {
    await api(`/cases/${state.caseId}/files/${f.id}`, { method: "DELETE", caseToken: state.token });
    f.active = false;
    renderFiles();
  } catch (err) {
    notify(status(), err.message, "error");
  }
}

// ------------------------------------------------------------------------------ ⑤ run and verdict

const RUN_TEXT = { queued: "排队中，请稍候…", running: "正在识别和核对材料…" };

async function run() {
  if (!state.files.some((f) => f.active)) {
    notify(status(), "请先上传至少一份材料", "error");
    return;
  }
  const bar = $("#run-progress span");
  show($("#run-progress"));
  const started = Date.now();
  const tick = setInterval(() => {
    const s = Math.round((Date.now() - started) / 1000);
    bar.style.width = `${Math.min(95, 10 + s * 4)}%`;
  }, 500);
  try {
    let r = await busy($("#run"), api(`/cases/${state.caseId}/runs`, { method: "POST", caseToken: state.token,
      query: { wait: 2 } }));
    while (r.status !== "done" && r.status !== "failed") {
      $("#run-text").textContent = `${RUN_TEXT[r.status] || r.status}（已用 ${Math.round((Date.now() - started) / 1000)} 秒）`;
      r = await api(`/cases/${state.caseId}/runs/${r.number}`, { caseToken: state.token, query: { wait: 10 } });
    }
    bar.style.width = "100%";
    if (r.status === "failed") throw new Error(`预审没有完成：${r.error || "请稍后重试"}`);
    showResult(r);
  } catch (err) {
    notify(status(), err.message, "error");
  } finally {
    clearInterval(tick);
    show($("#run-progress"), false);
  }
}

function materialNames() {
  return Object.fromEntries((state.checklist ? state.checklist.entries : []).map((e) => [e.material, e.name]));
}

// The finding's message names its material again ("M2 营业执照：材料缺失——未提交"): shown under the
// material's heading, only the part after the name is new.
function detail(f, names) {
  const m = f.message || "";
  const prefix = `${f.material} ${names[f.material] || ""}`;
  const cut = f.material && m.startsWith(prefix) ? m.indexOf("：") : -1;
  return cut >= 0 ? m.slice(cut + 1) : m;
}

function findingItem(f, names) {
  const what = f.condition ? `受理条件：${state.conditions[f.condition] || f.condition}`
    : `${f.material} ${names[f.material] || ""}${f.set_label ? `（${f.set_label}）` : ""}`;
  return h("li", { dataset: { code: f.code } }, h("span", { class: "tag code" }, CODE_LABELS[f.code] || f.code),
    f.tolerable ? h("span", { class: "tag tolerable" }, "可容缺") : null, h("strong", {}, what),
    h("div", {}, detail(f, names) || explainCode(f.code)),
    f.message && explainCode(f.code) ? h("div", { class: "small muted" }, explainCode(f.code)) : null);
}

function showResult(r) {
  const v = VERDICTS[r.verdict] || { label: r.verdict_label, cls: "", hint: "" };
  const panel = clear($("#verdict"));
  panel.className = `card verdict-panel ${v.cls}`;
  panel.append(h("div", {}, h("p", {}, "预审结论：", verdictBadge(r.verdict)), h("p", {}, v.hint),
    r.tolerance_deadline ? h("p", {}, `请在 ${fmtDate(r.tolerance_deadline)} 前补交容缺材料。`) : null,
    h("p", { class: "small muted" }, `${state.item.name} · 审查日 ${fmtDate(r.review_date)} · 第 ${r.number} 次预审 · 仅供参考`)));
  const names = materialNames();
  const box = clear($("#defects"));
  if (!r.findings.length) {
    box.append(h("p", { id: "no-defects" }, (r.uncertain || []).length
      ? "没有发现确定的问题；下面几处请您确认。请带齐原件到窗口办理。" : "没有发现问题。请带齐原件到窗口办理。"));
  }
  else box.append(h("h2", {}, `发现 ${r.findings.length} 个问题`), h("ul", { class: "findings", id: "findings" },
    r.findings.map((f) => findingItem(f, names))));
  const unread = r.files.filter((f) => f.error);
  if (unread.length) {
    box.append(h("h3", {}, "无法读取的文件"), h("ul", {}, unread.map((f) => h("li", {}, `${f.name}：${f.error}`))));
  }
  showToConfirm(r.uncertain || [], names, r.files || []);
  go("result");
}

// The points the pre-review could not settle: not defects, things to make sure of before going to the
// window — one per material (or condition) and code, with the file and page they concern.
function showToConfirm(uncertain, names, reports) {
  const points = new Map();
  for (const f of uncertain) {
    const k = `${f.material || f.condition} ${f.code}`;
    if (!points.has(k)) points.set(k, []);
    points.get(k).push(f);
  }
  const box = clear($("#to-confirm"));
  show(box, points.size > 0);
  if (!points.size) return;
  box.append(h("h2", {}, `请确认 ${points.size} 处`),
    h("p", { class: "small muted" }, "下面几处预审没能看清，不算问题。请对照原件确认；看不清的，重新拍照或扫描后上传再预审，窗口也会当面核对。"),
    h("ul", { class: "to-confirm", id: "to-confirm-list" }, [...points.values()].map((list) => confirmItem(list, names, reports))));
}

// reports: what each file was read as; where a point has no evidence of its own, the files of its material
function confirmItem(list, names, reports) {
  const f = list[0];
  const labels = [...new Set(list.map((x) => x.set_label).filter(Boolean))];
  const what = f.condition ? state.conditions[f.condition] || f.condition
    : `${f.material} ${names[f.material] || ""}${labels.length ? `（${labels.join("、")}）` : ""}`;
  const fields = [...new Set(list.map((x) => x.field).filter(Boolean))].join("、");
  let where = [...new Set(list.flatMap((x) => x.evidence || []).filter((e) => e.file)
    .map((e) => `${e.file} 第 ${(e.page ?? 0) + 1} 页`))];
  if (!where.length && f.material) {
    where = reports.filter((r) => r.slot === f.material || (r.materials || []).includes(f.material)).map((r) => r.name);
  }
  const doubts = [...new Set(list.map((x) => x.doubt).filter(Boolean))];
  return h("li", { dataset: { code: f.code, material: f.material || f.condition || "" } },
    h("strong", {}, confirmText(f.code, what, fields)),
    doubts.length ? h("div", { class: "small muted" }, `预审没能确定：${doubts.join("；")}`) : null,
    where.length ? h("div", { class: "where" }, `涉及：${where.join("、")}`) : null);
}

// ---------------------------------------------------------------------------------------- notices

async function printNotice() {
  try {
    await openNotice(state.caseId, { caseToken: state.token, format: "html", print: true });
  } catch (err) {
    notify(status(), err.message, "error");
  }
}

async function downloadNotice() {
  try {
    const res = await busy($("#download-notice"), api(`/cases/${state.caseId}/notice`, { caseToken: state.token,
      raw: true, query: { format: "pdf" } }));
    downloadBlob(await res.blob(), `预检告知书-${state.caseId.slice(0, 8)}.pdf`);
  } catch (err) {
    notify(status(), err.message, "error");
  }
}

// ---------------------------------------------------------------------------------- resume, start

async function resume(saved) {
  const item = state.items.find((i) => i.code === saved.item);
  if (!item) return;
  await chooseItem(item, saved.declared || {});
  if (!saved.caseId) return;
  try {
    const c = await api(`/cases/${saved.caseId}`, { caseToken: saved.token });
    Object.assign(state, { caseId: c.id, number: c.number, token: saved.token, files: c.files, expires: c.expires_at });
    state.checklist = await api(`/items/${item.code}/checklist`, { body: { declared: state.declared } });
    renderChecklist(state.checklist);
    renderSlots();
    const last = c.runs.filter((r) => r.status === "done").pop();
    if (last) showResult(last);
    else go("upload");
  } catch (err) {
    sessionStorage.removeItem(KEY);
    notify(status(), `上次的预检已无法继续（${err.message}），请重新开始`, "error");
  }
}

async function main() {
  $("#item-q").addEventListener("input", listItems);
  $("#back-to-items").addEventListener("click", () => go("item"));
  $("#show-checklist").addEventListener("click", showChecklist);
  $("#back-to-questions").addEventListener("click", () => go("questions"));
  $("#start-case").addEventListener("click", startCase);
  $("#run").addEventListener("click", run);
  $("#print-notice").addEventListener("click", printNotice);
  $("#download-notice").addEventListener("click", downloadNotice);
  $("#print-page").addEventListener("click", () => window.print());
  $("#again").addEventListener("click", () => go("upload"));
  go("item");
  try {
    state.items = await api("/items");
  } catch (err) {
    notify(status(), err.message, "error");
    return;
  }
  listItems();
  const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
  if (saved && saved.item) {
    const item = state.items.find((i) => i.code === saved.item);
    $("#resume-item").textContent = item ? item.name : saved.item;
    show($("#resume"));
    $("#resume-go").addEventListener("click", () => { show($("#resume"), false); resume(saved); });
    $("#resume-drop").addEventListener("click", () => { sessionStorage.removeItem(KEY); show($("#resume"), false); });
  }
}

main();
