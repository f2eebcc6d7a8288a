// evidence.js — the evidence viewer: a page of an uploaded file as the pre-review read it (turned upright;
// GET /cases/{id}/files/{file}/pages/{n}, clerks and the case's applicant), with the box of the field a
// finding is about. A modal dialog: Tab stays inside it; closing gives the focus back to where it was.
//
//   openViewer({caseId, file: {id, name, pages}, page: 1, box: [x0, y0, x1, y1] | null, text, caseToken})
//
// Boxes are pixels of that very image, so they are drawn as percentages of its natural size and stay on
// the field at any zoom. Esc or 关闭 closes it; ←/→ turn the pages.

import { api, h } from "/static/common.js";

let current = null;

export function openViewer({ caseId, file, page = 1, box = null, text = "", caseToken }) {
  if (current) current.close();
  const pages = Math.max(1, file.pages || 1);
  let number = Math.min(Math.max(1, page), pages);
  let fit = true;
  let url = null;
  const title = h("span", { class: "grow" });
  const status = h("p", { class: "status", role: "status" });
  const img = h("img", { alt: "", "data-testid": "evidence-image" });
  const mark = h("div", { class: "box", "data-testid": "evidence-box", hidden: true });
  const frame = h("div", { class: "page-frame" }, img, mark);
  const stage = h("div", { class: "stage" }, status, frame);
  const prev = h("button", { type: "button", onclick: () => go(number - 1) }, "上一页");
  const next = h("button", { type: "button", onclick: () => go(number + 1) }, "下一页");
  const zoom = h("button", { type: "button", onclick: () => ((fit = !fit), size()) }, "原始大小");
  const closer = h("button", { type: "button", class: "primary", onclick: () => close() }, "关闭");
  const quote = text ? h("span", { class: "small" }, "识别到：", h("q", {}, text)) : null;
  const el = h("div", { class: "viewer", role: "dialog", "aria-modal": "true", "aria-label": "材料原件", "data-testid": "evidence-viewer" },
    h("div", { class: "bar" }, title, quote, prev, next, zoom, closer), stage);

  function size() {
    img.style.width = fit ? `${Math.max(200, stage.clientWidth - 32)}px` : "";
    zoom.textContent = fit ? "原始大小" : "适合宽度";
  }

  function place() {
    const show = box && number === page && img.naturalWidth > 0;
    mark.hidden = !show;
    if (!show) return;
    const [x0, y0, x1, y1] = box;
    Object.assign(mark.style, {
      left: `${(100 * x0) / img.naturalWidth}%`,
      top: `${(100 * y0) / img.naturalHeight}%`,
      width: `${(100 * (x1 - x0)) / img.naturalWidth}%`,
      height: `${(100 * (y1 - y0)) / img.naturalHeight}%`,
    });
    mark.scrollIntoView({ block: "center", inline: "center" });
  }

  async function go(n) {
    if (n < 1 || n > pages) return;
    number = n;
    title.textContent = `${file.name} · 第 ${number} / ${pages} 页`;
    prev.disabled = number <= 1;
    next.disabled = number >= pages;
    frame.hidden = true;
    status.className = "status";
    status.textContent = "正在生成页面图像（首次查看要重新读取文件，可能需要几秒）…";
    try {
      const res = await api(`/cases/${encodeURIComponent(caseId)}/files/${file.id}/pages/${number}`, { raw: true, caseToken });
      const blob = await res.blob();
      if (number !== n || current !== handle) return; // turned on, or closed, meanwhile
      if (url) URL.revokeObjectURL(url);
      url = URL.createObjectURL(blob);
      img.onload = () => {
        status.textContent = "";
        frame.hidden = false;
        size();
        place();
        el.dataset.loaded = String(number);
      };
      img.src = url;
    } catch (err) {
      status.textContent = err.message;
      status.className = "status status-error";
    }
  }

  // a modal dialog: Tab and Shift+Tab go round its own controls, never to the page behind it
  function trap(ev) {
    const stops = [...el.querySelectorAll("button:not([disabled]), [href], input, [tabindex]:not([tabindex='-1'])")];
    if (!stops.length) return;
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (!el.contains(document.activeElement)) {
      ev.preventDefault();
      first.focus();
    } else if (ev.shiftKey && document.activeElement === first) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && document.activeElement === last) {
      ev.preventDefault();
      first.focus();
    }
  }

  function onKey(ev) {
    if (ev.key === "Tab") trap(ev);
    else if (ev.key === "Escape") close();
    else if (ev.key === "ArrowLeft") go(number - 1);
    else if (ev.key === "ArrowRight") go(number + 1);
  }

  function close() {
    document.removeEventListener("keydown", onKey);
    if (opener && document.contains(opener)) opener.focus(); // back where the clerk was
    window.removeEventListener("resize", size);
    el.remove();
    if (url) URL.revokeObjectURL(url);
    if (current === handle) current = null;
  }

  const opener = document.activeElement;
  const handle = { close };
  current = handle;
  document.addEventListener("keydown", onKey);
  window.addEventListener("resize", size);
  document.body.append(el);
  closer.focus();
  go(number);
  return handle;
}
