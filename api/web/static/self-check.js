// self-check.js — the applicant's self-check (/self-check): choose the item, answer the questions that decide
// the materials, see the checklist, upload per material, run the pre-review, read the verdict, print.
// No account: creating the case returns a case token, kept in this tab's sessionStorage so that a reload
// (or a phone switching apps to take a photo) does not lose the case.

import { $, api, busy, clear, fmtDateTime, fmtSize, h, notify, openNotice, downloadBlob, show } from "/static/common.js";
import { markUnanswered, readDeclared, renderQuestions } from "/static/questions-form.js";
import { watchRun } from "/static/run-progress.js";
import { sampleLink } from "/static/samples.js";
import { renderResult } from "/static/self-check-result.js";

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
    renderQuestions($("#questions"), questions, { declared, onChange: () => (state.skipOpen = false) });
    go("questions");
  } catch (err) {
    notify(status(), err.message, "error");
  }
}

// ------------------------------------------------------------------------------ ②–③ the checklist

async function showChecklist() {
  const form = $("#questions");
  const qStatus = $("#questions-status");
  const open = markUnanswered(form, state.questions);
  if (open.length && !state.skipOpen) {
    // marked where they are; a second click goes on (the window asks what is still open)
    state.skipOpen = true;
    notify(qStatus, `还有 ${open.length} 个问题没有回答，已在问题下方标出。回答后再查看材料清单；实在不清楚的，可以再点一次“查看材料清单”继续，到窗口时工作人员会问您。`, "error");
    open[0].querySelector("input, select, textarea").focus();
    return;
  }
  notify(qStatus, "");
  state.declared = readDeclared(form, state.questions);
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
    problems.append(h("p", { class: "small" }, `有 ${cl.problems.length} 项信息还没有回答或格式不对，材料清单按已回答的列出；窗口办理时会请您补充。`),
      h("button", { type: "button", class: "link", onclick: () => go("questions") }, "返回补充回答"));
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
        e.shared ? h("span", { class: "tag shared" }, e.shared) : null,
        h("div", { class: "small muted" }, e.source), sampleLink(state.item.code, e.material))))))));
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
  return h("div", {}, h("div", { class: "row no-print" }, h("label", { class: "file-button" }, "选择照片或 PDF", pick),
    h("label", { class: "file-button" }, "拍照", camera)), h("p", { class: "status", role: "status", "data-testid": "slot-status" }));
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

// The message goes next to the upload it is about (on a phone the top of the page is out of sight).
async function upload(slot, input) {
  const files = [...input.files];
  if (!files.length) return;
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  const here = input.closest(".material").querySelector("[data-testid=slot-status]");
  notify(here, `正在上传 ${files.length} 个文件…`);
  try {
    const rows = await api(`/cases/${state.caseId}/files`, { form, caseToken: state.token, query: { slot } });
    state.files.push(...rows);
    renderFiles();
    notify(here, `已上传：${rows.map((r) => r.name).join("、")}`, "ok");
  } catch (err) {
    notify(here, `上传失败：${err.message}`, "error");
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

async function run() {
  const here = $("#run-error");
  notify(here, "");
  if (!state.files.some((f) => f.active)) {
    notify(here, "请先上传至少一份材料", "error");
    return;
  }
  const box = $("#run-progress");
  show(box);
  try {
    const started = await busy($("#run"), api(`/cases/${state.caseId}/runs`, { method: "POST", caseToken: state.token }));
    const r = await watchRun(box, { caseId: state.caseId, number: started.number, caseToken: state.token });
    if (r.status === "failed") throw new Error(`预审没有完成：${r.error || "请稍后重试"}`);
    showResult(r);
  } catch (err) {
    notify(here, err.message, "error");
  } finally {
    show(box, false);
  }
}

function showResult(r) {
  renderResult(r, state);
  go("result");
}

// ---------------------------------------------------------------------------------- 预检码 (hand-over)

async function handover() {
  const out = clear($("#handover-out"));
  try {
    const got = await busy($("#handover-button"), api(`/cases/${state.caseId}/handover`, { method: "POST", caseToken: state.token }));
    out.append(h("p", { class: "handover-code", "data-testid": "handover-code" }, got.code),
      h("img", { class: "qr", src: got.qr, alt: `预检码 ${got.code} 的二维码` }),
      h("p", { class: "small muted" }, `有效至 ${fmtDateTime(got.expires_at)}（材料保存期满即失效），只能用一次。再点“生成预检码”会换一个新码，旧码作废。`));
    $("#handover-button").textContent = "重新生成预检码";
  } catch (err) {
    out.append(h("p", { class: "status status-error" }, err.message));
  }
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
  $("#handover-button").addEventListener("click", handover);
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
