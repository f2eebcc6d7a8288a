// staff-samples.js — the 材料样本 tab of the staff page: per item of the department, a draft rule version's
// samples. Upload a picture or PDF per material, draw boxes on the page (drag), write a short note and tie
// it to one of the material's review points, save; the samples are published with the draft (收件标准 tab).
// A new draft starts with the samples in effect.

import { api, clear, h, latest, notify, CODE_LABELS } from "/static/common.js";
import { samplePage, sampleNotes } from "/static/samples.js";

export async function samplesPanel(el, { items }) {
  const status = h("p", { class: "status", role: "status", id: "samples-status" });
  const pick = h("select", { id: "sample-item", "aria-label": "事项" },
    h("option", { value: "" }, "选择事项"), items.map((i) => h("option", { value: i.code }, `${i.code} ${i.name}`)));
  const work = h("div", { id: "sample-work" });
  clear(el).append(h("div", { class: "card" }, h("h2", {}, "材料样本"),
    h("p", { class: "muted small" }, "样本随收件标准的版本发布：在草稿上传、标注，发布草稿后对申请人和窗口生效。"),
    h("label", {}, "事项 ", pick), status), work);
  pick.addEventListener("change", () => pick.value && openItem(work, pick.value, status).catch((e) => notify(status, e.message, "error")));
}

// Another item or draft chosen while one loads: only the last choice is shown.
const freshItem = latest();
const freshVersion = latest();

async function openItem(el, item, status) {
  const versions = await freshItem(() => api(`/rules/${item}/versions`));
  if (!versions) return;
  const drafts = versions.filter((v) => v.status === "draft");
  const current = versions.find((v) => v.status === "published");
  const choose = h("select", { id: "sample-version", "aria-label": "草稿" },
    drafts.map((v) => h("option", { value: v.id }, `${v.label}（草稿）`)));
  const fresh = h("button", { type: "button", id: "sample-new-draft" }, "新建草稿（基于现行版本）");
  const publish = h("button", { type: "button", id: "sample-publish", class: "primary", hidden: !drafts.length }, "发布此草稿（规则与样本）");
  const body = h("div", {});
  clear(el).append(h("div", { class: "card" }, h("p", {}, drafts.length ? h("label", {}, "草稿 ", choose) : "还没有草稿。", " ", fresh, " ", publish), body));
  publish.addEventListener("click", async () => {
    const label = choose.selectedOptions[0].textContent;
    if (!confirm(`发布 ${label}？其规则和材料样本今天起生效。`)) return;
    try {
      const out = await api(`/rules/${item}/versions/${choose.value}/publish`, { body: {} });
      notify(status, `已发布 ${out.label}，材料样本随之生效`, "ok");
      await openItem(el, item, status);
    } catch (e) { notify(status, e.message, "error"); }
  });
  fresh.addEventListener("click", async () => {
    const base = await api(`/rules/${item}/versions/${current.id}`);
    await api(`/rules/${item}/versions`, { body: { yaml_text: base.yaml_text, based_on: base.id, note: "更新材料样本" } });
    notify(status, "已新建草稿", "ok");
    await openItem(el, item, status);
  });
  choose.addEventListener("change", () => openVersion(body, item, Number(choose.value), status));
  if (drafts.length) await openVersion(body, item, Number(choose.value), status);
}

async function openVersion(el, item, versionId, status) {
  const both = await freshVersion(() => Promise.all([
    api(`/rules/${item}/versions/${versionId}/outline`), api(`/rules/${item}/versions/${versionId}/samples`)]));
  if (!both) return;
  const [outline, samples] = both;
  const byMaterial = Object.fromEntries(samples.map((s) => [s.material, s]));
  const editor = h("div", { id: "sample-editor" });
  clear(el).append(h("ul", { class: "pick", id: "sample-materials" }, outline.materials.map((m) =>
    h("li", {}, h("button", { type: "button", dataset: { material: m.id }, onclick: () => edit(editor, item, versionId, m, byMaterial[m.id], status) },
      `${m.id} ${m.name} `, h("span", { class: "tag" }, byMaterial[m.id] ? `样本 ${byMaterial[m.id].pages.length} 页` : "无样本"))))), editor);
}

async function pageUrls(sample) {
  return Promise.all(sample.pages.map(async (url) => URL.createObjectURL(await (await api(url, { raw: true })).blob())));
}

async function edit(el, item, versionId, material, sample, status) {
  const base = `/rules/${item}/versions/${versionId}/samples/${material.id}`;
  const file = h("input", { type: "file", accept: "image/png,image/jpeg,application/pdf", id: "sample-file" });
  const upload = h("button", { type: "button", id: "sample-upload" }, "上传样本");
  const view = h("div", { class: "sample-wide" });
  clear(el).append(h("div", { class: "card" }, h("h3", {}, `${material.id} ${material.name}`),
    h("p", {}, h("label", {}, "样本文件（图片或 PDF）", file), " ", upload), view));
  upload.addEventListener("click", async () => {
    if (!file.files.length) return notify(status, "请先选择文件", "error");
    const form = new FormData();
    form.append("files", file.files[0]);
    try {
      const saved = await api(base, { method: "PUT", form });
      notify(status, "样本已上传", "ok");
      await draw(view, saved, material, base, status);
    } catch (e) { notify(status, e.message, "error"); }
  });
  if (sample) await draw(view, sample, material, base, status);
}

// Drag on a page to draw a box; then write its note and choose the review point it explains.
async function draw(el, sample, material, base, status) {
  const notes = sample.notes.map((n) => ({ ...n }));
  const urls = await pageUrls(sample);
  const codes = [...new Set(material.checks.map((c) => c.code))];
  const note = h("input", { type: "text", id: "sample-note", maxlength: "60", placeholder: "例如：此处加盖申请人公章" });
  const code = h("select", { id: "sample-code", "aria-label": "关联的审查要点" }, h("option", { value: "" }, "（不关联审查要点）"),
    codes.map((c) => h("option", { value: c }, `${CODE_LABELS[c] || c}（${c}）`)));
  const add = h("button", { type: "button", id: "sample-add", disabled: true }, "添加标注");
  const save = h("button", { type: "button", id: "sample-save" }, "保存标注");
  const pages = h("div", {});
  const list = h("div", {});
  let pending = null;
  function render() {
    clear(pages).append(...urls.map((src, i) => {
      const frame = samplePage({ ...sample, notes }, i + 1, { src });
      frame.classList.add("sample-draw");
      frame.dataset.page = String(i + 1);
      let start = null;
      let ghost = null;
      const at = (ev) => { const r = frame.getBoundingClientRect(); return [Math.min(Math.max((ev.clientX - r.left) / r.width, 0), 1), Math.min(Math.max((ev.clientY - r.top) / r.height, 0), 1)]; };
      frame.addEventListener("mousedown", (ev) => { ev.preventDefault(); start = at(ev); ghost = h("div", { class: "sample-box hl" }); frame.append(ghost); });
      frame.addEventListener("mousemove", (ev) => {
        if (!start) return;
        const [x, y] = at(ev);
        Object.assign(ghost.style, { left: `${Math.min(x, start[0]) * 100}%`, top: `${Math.min(y, start[1]) * 100}%`,
          width: `${Math.abs(x - start[0]) * 100}%`, height: `${Math.abs(y - start[1]) * 100}%` });
      });
      frame.addEventListener("mouseup", (ev) => {
        if (!start) return;
        const [x, y] = at(ev);
        const box = [Math.min(x, start[0]), Math.min(y, start[1]), Math.max(x, start[0]), Math.max(y, start[1])];
        start = null;
        if (box[2] - box[0] < 0.01 || box[3] - box[1] < 0.01) { ghost.remove(); return; }
        pending = { page: i + 1, box };
        add.disabled = false;
        note.focus();
      });
      return frame;
    }));
    clear(list).append(sampleNotes({ notes }, { onRemove: (i) => { notes.splice(i, 1); render(); } }));
  }
  add.addEventListener("click", () => {
    if (!pending || !note.value.trim()) return notify(status, "请先在页面上拖出一个框，并填写说明", "error");
    notes.push({ ...pending, note: note.value.trim(), code: code.value || null });
    pending = null;
    note.value = "";
    add.disabled = true;
    render();
  });
  save.addEventListener("click", async () => {
    try {
      await api(`${base}/notes`, { method: "PUT", body: { notes } });
      notify(status, `已保存 ${notes.length} 条标注`, "ok");
    } catch (e) { notify(status, e.message, "error"); }
  });
  clear(el).append(h("p", { class: "small muted" }, "在页面上按住鼠标拖出一个框，再填写说明、选择关联的审查要点，点“添加标注”。"),
    h("p", {}, note, " ", code, " ", add, " ", save), pages, list);
  render();
}
