// common.js — the one shared layer of the web pages (ES module, no dependencies, no build step).
//
// Exports
//   API                        "/api/v1"
//   ApiError                   thrown by api(): .status, .code, .message (Chinese, for the user), .body
//   api(path, {method, body, form, headers, caseToken, raw, query})
//                              fetch wrapper: path relative to /api/v1 (or absolute "/..."), adds the bearer
//                              token, JSON-encodes `body`, sends `form` (FormData) as multipart, adds
//                              X-Case-Token when `caseToken` is given, `query` object -> ?a=b; returns the
//                              parsed JSON (null for 204), or the Response itself with raw: true.
//   errorMessage(status, body) the Chinese message api() puts into ApiError (for fetches made by hand)
//   session() / saveSession(s) / clearSession()
//                              the signed-in user kept in sessionStorage: {token, role, department, username}
//   login(username, password)  POST /auth/token, saves and returns the session
//   logout()                   revokes the token (best effort) and clears the session
//   loginForm({roles, onLogin, title})
//                              a <form> element: username, password, submit; calls onLogin(session)
//   requireLogin(roles, {title})
//                              Promise<session>: resolves at once when a signed-in user of `roles` exists
//                              (checked with /auth/me), otherwise shows a login dialog until one signs in.
//                              Fills <span id="who"> in the header with the name and a 退出 button.
//   ROLE_LABELS                role -> Chinese
//   h(tag, attrs, ...children) create an element; attrs: class, style (string|object), dataset, on<event>
//                              functions, booleans; children: strings, nodes, arrays, null/false (skipped)
//   $(sel, root) / $$(sel, root) / clear(el) / show(el, yes)
//   notify(el, message, kind)  put a message into a status element (kind: "info"|"ok"|"error"), "" clears
//   busy(button, promise)      disable a button while `promise` runs; returns the promise's value
//   (the vocabulary and formats below live in vocab.js and are re-exported from here)
//   VERDICTS                   ACCEPT|CORRECTION|TOLERANCE|REJECT -> {label, cls, hint}
//   verdictBadge(code)         <span class="verdict v-…">受理</span>
//   CODE_LABELS                finding code -> short label (rules/codes.py)
//   explainCode(code)          finding code -> one plain sentence for applicants
//   confirmText(code, what, field)
//                              an uncertain point as the applicant's "请确认：…" (not a defect)
//   fmtDate(iso) "2026年2月12日" / fmtDateTime(iso) "2026-02-12 14:03" (local time: the API's timestamps
//                              carry their zone, UTC) / today()
//   fmtSize(bytes)             "1.2 MB"
//   ruleWhere(rule)            a finding's place in the standard in words ("收件标准 三、申请材料 M2 第 4 项审查要点")
//   openNotice(caseId, {kind, format, caseToken, run, print})
//                              fetches a notice (format "html" default, or "pdf") with the right credentials
//                              and shows it in a new tab (print: true opens the print dialog); call it
//                              straight from a click handler. Returns the tab (null: downloaded instead)
//   downloadBlob(blob, filename)

export const API = "/api/v1";
export {
  CODE_LABELS, confirmText, explainCode, fmtDate, fmtDateTime, fmtSize, ruleWhere, today, VERDICTS, verdictBadge,
} from "/static/vocab.js";

// ------------------------------------------------------------------------------------------- fetch

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

const STATUS_MESSAGES = {
  400: "请求有误",
  401: "请先登录",
  403: "没有权限执行此操作",
  404: "没有找到",
  409: "操作与当前状态冲突，请刷新后重试",
  413: "文件太大",
  415: "不支持的文件类型",
  422: "输入有误",
  429: "操作太频繁，请稍后再试",
  500: "服务内部错误，请稍后重试",
  502: "服务暂不可用，请稍后重试",
  503: "服务暂不可用，请稍后重试",
};

// FastAPI's own 422 body is {detail: [{loc, msg}]}: English and technical; say which field, in Chinese.
function validationMessage(detail) {
  const fields = detail
    .map((d) => (Array.isArray(d.loc) ? d.loc.filter((p) => p !== "body" && p !== "query").join(".") : ""))
    .filter(Boolean);
  return fields.length ? `输入有误：${[...new Set(fields)].join("、")} 不符合要求` : "输入有误";
}

export function errorMessage(status, body) {
  if (body && typeof body.message === "string" && body.message) return body.message;
  if (body && Array.isArray(body.detail)) return validationMessage(body.detail);
  return STATUS_MESSAGES[status] || `请求失败（${status}）`;
}

export async function api(path, { method, body, form, headers = {}, caseToken, raw = false, query } = {}) {
  let url = /^\/(api|static)\//.test(path) ? path : `${API}${path.startsWith("/") ? "" : "/"}${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, v);
    const qs = params.toString();
    if (qs) url += (url.includes("?") ? "&" : "?") + qs;
  }
  const init = { method: method || (body !== undefined || form ? "POST" : "GET"), headers: { ...headers } };
  const s = session();
  if (s && s.token && !init.headers.Authorization) init.headers.Authorization = `Bearer ${s.token}`;
  if (caseToken) init.headers["X-Case-Token"] = caseToken;
  if (form) init.body = form;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError(0, "network", "无法连接服务，请检查网络后重试", null);
  }
  if (!res.ok) {
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (res.status === 401 && s && s.token) clearSession();
    throw new ApiError(res.status, (data && data.error) || String(res.status), errorMessage(res.status, data), data);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const type = res.headers.get("content-type") || "";
  return type.includes("json") ? res.json() : res.text();
}

// ------------------------------------------------------------------------------------------- login

const KEY = "yichuang.session";

export const ROLE_LABELS = {
  admin: "系统管理员",
  clerk: "综合窗口人员",
  staff: "部门工作人员",
  consult: "咨询台人员",
  applicant: "申请人",
};

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

export function saveSession(s) {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

export async function login(username, password) {
  const form = new URLSearchParams({ username, password });
  let res;
  try {
    res = await fetch(`${API}/auth/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
  } catch {
    throw new ApiError(0, "network", "无法连接服务，请检查网络后重试", null);
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (data && data.error) || "", errorMessage(res.status, data), data);
  const s = { token: data.access_token, role: data.role, department: data.department || null, username };
  saveSession(s);
  return s;
}

export async function logout() {
  try {
    await api("/auth/logout", { method: "POST" });
  } catch {
    // the token may already be gone; signing out locally is what matters
  }
  clearSession();
}

export function loginForm({ roles = [], onLogin, title = "登录" } = {}) {
  const status = h("p", { class: "status", role: "status" });
  const user = h("input", { name: "username", autocomplete: "username", required: true });
  const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const button = h("button", { type: "submit", class: "primary" }, "登录");
  const form = h(
    "form",
    { class: "login-form card", "aria-label": title },
    h("h2", {}, title),
    roles.length ? h("p", { class: "muted" }, `请使用${roles.map((r) => ROLE_LABELS[r] || r).join("或")}账号登录`) : null,
    h("label", {}, "用户名", user),
    h("label", {}, "密码", pass),
    button,
    status,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    notify(status, "");
    try {
      const s = await busy(button, login(user.value.trim(), pass.value));
      if (roles.length && !roles.includes(s.role)) {
        await logout();
        notify(status, `此页面需要${roles.map((r) => ROLE_LABELS[r] || r).join("或")}账号`, "error");
        return;
      }
      if (onLogin) onLogin(s);
    } catch (err) {
      notify(status, err.message, "error");
    }
  });
  return form;
}

function showWho(s) {
  const who = $("#who");
  if (!who) return;
  clear(who);
  if (!s) return;
  const out = h("button", { type: "button", class: "link", onclick: async () => { await logout(); location.reload(); } }, "退出");
  who.append(`${s.username}（${ROLE_LABELS[s.role] || s.role}${s.department ? "，" + s.department : ""}）`, " ", out);
}

export async function requireLogin(roles = [], { title = "登录" } = {}) {
  const s = session();
  if (s && s.token && (!roles.length || roles.includes(s.role))) {
    try {
      const me = await api("/auth/me");
      const fresh = { ...s, role: me.role, department: me.department || null, display_name: me.display_name };
      saveSession(fresh);
      showWho(fresh);
      return fresh;
    } catch (err) {
      if (err.status !== 401) throw err;
    }
  }
  return new Promise((resolve) => {
    const dialog = h("div", { class: "overlay", id: "login-overlay" });
    dialog.append(
      loginForm({
        roles,
        title,
        onLogin: (fresh) => {
          dialog.remove();
          showWho(fresh);
          resolve(fresh);
        },
      }),
    );
    document.body.append(dialog);
    const first = dialog.querySelector("input");
    if (first) first.focus();
  });
}

// --------------------------------------------------------------------------------------------- DOM

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value" || key === "checked" || key === "selected") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function show(el, yes = true) {
  el.hidden = !yes;
  return el;
}

export function notify(el, message, kind = "info") {
  if (!el) return;
  el.textContent = message || "";
  el.className = `status${message ? " status-" + kind : ""}`;
}

// An editor that loads the entry it opens: hidden while the entry loads, so that nothing typed meanwhile is
// overwritten by the loaded values (and saved as the draft); of several quick opens only the last fills it.
//   const loading = loader(form);  …  const view = await loading(() => api(path)); if (!view) return;
export function loader(form) {
  const fresh = latest();
  return (fetch) => {
    form.hidden = true;
    return fresh(fetch);
  };
}

// A list its filters reload: of overlapping loads only the last one's answer is shown. The first load of a panel
// can answer after the load a filter started, and would put the unfiltered rows back.
//   const fresh = latest();  …  const rows = await fresh(() => api(path)); if (!rows) return;
export function latest() {
  let last = 0;
  return async (fetch) => {
    const mine = ++last;
    const value = await fetch();
    return mine === last ? value : null;
  };
}

export async function busy(button, promise) {
  const was = button.disabled;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await promise;
  } finally {
    button.disabled = was;
    button.removeAttribute("aria-busy");
  }
}

// ----------------------------------------------------------------------------------------- notices

export function downloadBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// The notice needs the bearer token or the case token, which a plain link cannot carry: fetch it, then
// show it in a tab opened before the first await (popup blockers allow only that), or download it.
// ``path``: "notice" (the verdict's notice) or "clock/extension/notice" (延长办理期限告知书).
export async function openNotice(caseId, { kind, format = "html", caseToken, run, print = false, path = "notice" } = {}) {
  const win = window.open("", "_blank");
  try {
    const res = await api(`/cases/${encodeURIComponent(caseId)}/${path}`, {
      caseToken,
      raw: true,
      query: { kind, format, run },
    });
    const blob = await res.blob();
    const name = `告知书-${caseId.slice(0, 8)}.${format === "pdf" ? "pdf" : "html"}`;
    if (!win) {
      downloadBlob(blob, name);
      return null;
    }
    if (format === "pdf") {
      win.location.href = URL.createObjectURL(blob);
    } else {
      // written into the tab (same origin) so that it can be printed from here
      win.document.open();
      win.document.write(await blob.text());
      win.document.close();
      if (print) win.print();
    }
    return win;
  } catch (err) {
    if (win) win.close();
    throw err;
  }
}
