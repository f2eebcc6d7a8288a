// rule-editor.js — the rule file editor of the staff page: a monospace textarea with line numbers, and the
// validation problems shown in place (the lines marked in the gutter, a click on a problem selects its line).
//
//   const ed = ruleEditor({onInput, onGoto});  container.append(ed.el, ed.problems);  ed.text = yaml;  ed.text -> string
//   ed.show(problems)          problems from POST /rules/{item}/versions/{id}/validate: [{message, line, column, where}]
//                              (line and column 1-based; older answers give only {where, problem})
//   ed.goto(line, column)      select the line (from the column) and scroll to it; onGoto() runs first (the page
//                              shows the YAML view)
//   lineOf(text, where)        the line a problem's `where` points at: "第 12 行第 4 列" (YAML syntax) or
//                              a path into the file, "materials[7].fields.证号.type" (schema, references);
//                              the deepest part of the path found in the text, or null

import { h } from "/static/common.js";

export function ruleEditor({ onInput, onGoto } = {}) {
  const gutter = h("pre", { class: "gutter", "aria-hidden": "true" });
  const area = h("textarea", { class: "code", spellcheck: false, wrap: "off", "aria-label": "规则文件（YAML）",
    "data-testid": "rule-text", autocomplete: "off", autocapitalize: "off" });
  const list = h("ul", { class: "problems", "data-testid": "problems" });
  const el = h("div", { class: "editor" }, gutter, area);
  let bad = new Map(); // line -> problems on it

  function number() {
    const count = area.value.split("\n").length;
    const lines = [];
    for (let i = 1; i <= count; i += 1) lines.push(bad.has(i) ? h("span", { class: "bad", title: bad.get(i).join("\n") }, String(i)) : String(i), "\n");
    gutter.replaceChildren(...lines);
    gutter.scrollTop = area.scrollTop;
  }

  area.addEventListener("input", () => {
    number();
    if (onInput) onInput();
  });
  area.addEventListener("scroll", () => (gutter.scrollTop = area.scrollTop));

  // Scroll so that `line` is in view, without moving the caret or the focus.
  function reveal(line) {
    const lines = area.value.split("\n");
    const height = area.scrollHeight / Math.max(1, lines.length);
    area.scrollTop = Math.max(0, (line - 5) * height);
    gutter.scrollTop = area.scrollTop;
  }

  function goto(line, column = 1) {
    if (onGoto) onGoto();
    const lines = area.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    const from = Math.min(start + Math.max(0, column - 1), start + (lines[line - 1] || "").length);
    area.focus();
    area.setSelectionRange(from, start + (lines[line - 1] || "").length);
    reveal(line);
  }

  function show(problems) {
    bad = new Map();
    list.replaceChildren();
    for (const p of problems || []) {
      const line = p.line || lineOf(area.value, p.where);
      const column = p.line ? p.column || 1 : 1;
      const said = p.message || p.problem;
      if (line) bad.set(line, [...(bad.get(line) || []), said]);
      list.append(h("li", { dataset: { line: line || "" }, title: p.where || "" },
        line ? h("button", { type: "button", class: "link", "data-testid": "goto-line", onclick: () => goto(line, column) },
          p.line && p.column ? `第 ${line} 行第 ${column} 列` : `第 ${line} 行`) : "（整个文件）", "：", said));
    }
    number();
    const first = Math.min(...bad.keys());
    if (Number.isFinite(first)) reveal(first); // the first problem in view, not wherever the text was scrolled
  }

  return {
    el,
    problems: list,
    goto,
    show,
    get text() {
      return area.value;
    },
    set text(value) {
      area.value = value;
      show([]);
      area.scrollTop = 0;
    },
    area,
  };
}

// ------------------------------------------------------------------------------- path -> line

// Each content line as {i, indent, dash, col, key}: `dash` the column of a leading "- " (or -1), `col`
// the column where the mapping key (or scalar) starts after the dashes, `key` the key if the line has one.
function scan(text) {
  const out = [];
  text.split("\n").forEach((raw, i) => {
    const body = raw.replace(/\s+$/, "");
    const indent = body.length - body.trimStart().length;
    if (!body.trim() || body.trimStart().startsWith("#")) return;
    let col = indent;
    let dash = -1;
    while (body[col] === "-" && (body[col + 1] === " " || col + 1 === body.length)) {
      if (dash < 0) dash = col;
      col += 1;
      while (body[col] === " ") col += 1;
    }
    const m = body.slice(col).match(/^(["']?)([^"':#{}[\],]+?)\1\s*:(\s|$)/);
    out.push({ i, indent, dash, col, key: m ? m[2].trim() : null, value: m ? body.slice(col + m[0].length).trim() : "" });
  });
  return out;
}

function segments(path) {
  const out = [];
  for (const m of path.matchAll(/\[([^\]]*)\]|([^.[\]]+)/g)) out.push(m[1] !== undefined ? { index: m[1] } : { key: m[2] });
  return out;
}

export function lineOf(text, where) {
  if (!where) return null;
  const syntax = where.match(/^第 (\d+) 行/);
  if (syntax) return Number(syntax[1]);
  const toks = scan(text);
  let range = toks; // the tokens of the block the next segment is looked up in
  let found = null;
  for (const seg of segments(where)) {
    if (!range.length) break;
    if (seg.index !== undefined) {
      const seqCol = Math.min(...range.filter((t) => t.dash >= 0).map((t) => t.dash));
      const starts = range.filter((t) => t.dash === seqCol && t.indent === seqCol);
      const pick = /^\d+$/.test(seg.index)
        ? starts[Number(seg.index)]
        : starts.find((s) => itemOf(range, s, seqCol).some((t) => t.key === "id" && t.value === seg.index));
      if (!pick) break;
      found = pick;
      range = itemOf(range, pick, seqCol);
    } else {
      const col = range[0].col;
      const hit = range.find((t) => t.key === seg.key && t.col === col);
      if (!hit) break;
      found = hit;
      range = blockOf(range, hit);
    }
  }
  return found ? found.i + 1 : null;
}

// An item of a sequence: its first line (which holds its first key after the dash) to the next item.
function itemOf(range, start, seqCol) {
  const from = range.indexOf(start);
  let to = from + 1;
  while (to < range.length && range[to].indent > seqCol) to += 1;
  const item = range.slice(from, to);
  return [{ ...item[0], dash: -1, indent: item[0].col }, ...item.slice(1)];
}

// The lines under a key: deeper than the key, or a sequence written at the key's own column.
function blockOf(range, key) {
  const from = range.indexOf(key) + 1;
  let to = from;
  while (to < range.length && (range[to].indent > key.col || (range[to].indent === key.col && range[to].dash === key.col))) to += 1;
  return range.slice(from, to);
}
