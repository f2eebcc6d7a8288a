// clerk-decision.js — the clerk's decision on the latest finished run, and its notice:
//   1. the verdict (the settled suggestion pre-selected), a reason when it differs, and — for 补正 and
//      容缺受理 — what the notice lists: the run's defects and confirmed points pre-ticked, the dismissed
//      ones offered, any material with a problem the pre-review could not see added by hand;
//   2. 预览文书: POST …/decision/preview checks it (a verdict the notice cannot say is refused, with why)
//      and shows what will be printed;
//   3. 确认记录: POST …/decision. Until the official notice is printed the decision can be corrected
//      (更正决定 opens the form again, the list as decided); after, it is final.
//
//   const panel = decisionPanel(el, {ctx, run, suggestion, names, reload});  panel.update(suggestion)

import { CODE_LABELS, VERDICTS, api, busy, clear, fmtDate, fmtDateTime, h, notify, openNotice, verdictBadge } from "/static/common.js";

const LISTS = new Set(["CORRECTION", "TOLERANCE"]);

export function decisionPanel(el, { ctx, run, suggestion, names, reload }) {
  const { data, item } = ctx;
  const last = data.decisions.filter((d) => d.run_id !== undefined).slice(-1)[0] || null;
  const canDecide = data.channel !== "applicant" && (data.status === "open" || (data.status === "decided" && last && !last.printed_at));
  const state = { suggested: suggestion ? suggestion.verdict : run.verdict, touched: false, open: suggestion ? suggestion.open : 0,
    added: [], manual: new Map(), editing: data.status === "open" };
  const options = Object.keys(VERDICTS).map((code) => h("option", { value: code }));
  const verdict = h("select", { id: "decision-verdict" }, options);
  const reason = h("textarea", { id: "decision-reason", rows: 2, "aria-describedby": "decision-status",
    placeholder: "改变预审建议时必须写明理由（至少 4 个字）" });
  const referTo = h("input", { id: "decision-refer", placeholder: "如：住所所在县（市）交通运输主管部门" });
  const referRow = h("label", { hidden: true }, "不予受理且属于其他机关管辖时：应向哪个机关申请", referTo);
  const picker = h("fieldset", { class: "listed", "data-testid": "listed-picker", hidden: true });
  const status = h("p", { class: "status", role: "status", id: "decision-status" });
  const blocked = h("p", { class: "status status-blocked", "data-testid": "decision-blocked", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", id: "decide-button" }, "预览文书");
  const fields = h("fieldset", { class: "plain" }, h("label", {}, "收件决定", verdict), picker,
    h("label", {}, "理由", reason), referRow, h("div", { class: "row" }, submit));
  const confirmBox = h("div", { class: "confirm-box", "data-testid": "decision-confirm", hidden: true, tabindex: "-1" });
  const form = h("form", { class: "no-print", novalidate: true, "aria-label": "收件决定" }, blocked, fields, status);

  const candidates = () => listCandidates(verdict.value, run, data, item, names);
  const chosen = () => [...picker.querySelectorAll("input[type=checkbox]:checked")].map((b) =>
    ({ subject: b.dataset.subject, code: b.dataset.code, note: b.dataset.note || "" }));

  function drawPicker() {
    picker.hidden = !LISTS.has(verdict.value);
    if (picker.hidden) return;
    const tolerance = verdict.value === "TOLERANCE";
    const decided = last && last.verdict === verdict.value && last.listed ? new Set(last.listed.map((r) => `${r.subject} ${r.code}`)) : null;
    // what the clerk ticked or unticked by hand stays so when the list is drawn again (a row added, a point
    // settled); the rest follows the run and the settlements
    const ticked = state.manual;
    const rows = [...candidates(), ...state.added.filter((r) => !tolerance || r.code === "MISSING")];
    const parts = [h("legend", {}, tolerance ? "容缺受理通知书列出的容缺材料（申请人承诺补交）" : "补正告知书列出的问题"),
      rows.length ? null : h("p", { class: "small muted" }, tolerance ? "本事项没有可容缺的材料。" : "预审没有发现问题：请在下面添加需要补正的内容。"),
      h("ul", { class: "plain" }, rows.map((r) => {
        const key = `${r.subject} ${r.code}`;
        const box = h("input", { type: "checkbox", checked: ticked.has(key) ? ticked.get(key) : decided ? decided.has(key) : r.checked,
          dataset: { subject: r.subject, code: r.code, note: r.note || "" }, onchange: () => ticked.set(key, box.checked) });
        return h("li", {}, h("label", { class: "choice" }, box, ` ${r.subject} ${names[r.subject] || ""} · ${tolerance ? "未提交，承诺补交" : CODE_LABELS[r.code] || r.code}`,
          r.note ? h("span", { class: "muted" }, `：${r.note}`) : null, r.why ? h("span", { class: "small muted" }, `（${r.why}）`) : null));
      })),
      tolerance ? null : adder()];
    clear(picker).append(...parts.filter(Boolean)); // (append would write a null out as "null")
  }

  function adder() {
    const material = h("select", { "aria-label": "添加：材料" }, item.materials.map((m) => h("option", { value: m.id }, `${m.id} ${m.name}`)));
    const problem = h("select", { "aria-label": "添加：问题" }, Object.entries(CODE_LABELS).filter(([c]) => c !== "NOT_ELIGIBLE")
      .map(([c, label]) => h("option", { value: c }, label)));
    const note = h("input", { "aria-label": "添加：具体说明（写入告知书）", placeholder: "具体说明，如：第 2 页未签字", maxlength: 300 });
    const add = h("button", { type: "button", "data-testid": "add-listed", onclick: () => {
      state.added.push({ subject: material.value, code: problem.value, note: note.value.trim(), checked: true, why: "收件人员添加" });
      drawPicker();
    } }, "添加");
    return h("div", { class: "row add-listed" }, material, problem, note, add);
  }

  function sync() {
    const changed = verdict.value !== state.suggested;
    reason.required = changed;
    referRow.hidden = verdict.value !== "REJECT";
    drawPicker();
  }

  function update(s) {
    if (s) {
      state.suggested = s.verdict;
      state.open = s.open;
    }
    for (const o of options) o.textContent = `${VERDICTS[o.value].label}${o.value === state.suggested ? "（预审建议）" : ""}`;
    if (!state.touched) verdict.value = last && data.status === "decided" ? last.verdict : state.suggested;
    fields.disabled = state.open > 0;
    blocked.hidden = state.open === 0;
    blocked.textContent = state.open ? `还有 ${state.open} 处请核对未核对：请先在上方“请核对”中逐一点“确认为问题”或“不是问题”，再作收件决定。` : "";
    sync();
  }

  verdict.addEventListener("change", () => {
    state.touched = true;
    confirmBox.hidden = true;
    state.manual.clear(); // another notice, another list: start from its own pre-filled choice
    sync();
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    confirmBox.hidden = true;
    if (verdict.value !== state.suggested && reason.value.trim().length < 4) {
      notify(status, "改变预审建议的结论时必须写明理由（至少 4 个字）", "error");
      reason.focus();
      return;
    }
    const body = { verdict: verdict.value, reason: reason.value, refer_to: referTo.value, listed: LISTS.has(verdict.value) ? chosen() : null };
    try {
      const preview = await busy(submit, api(`/cases/${ctx.caseId}/decision/preview`, { body }));
      notify(status, "");
      showConfirm(preview, body);
    } catch (err) {
      notify(status, `不能作出这个决定：${err.message}`, "error");
    }
  });

  function showConfirm(preview, body) {
    const n = preview.notice;
    const ok = h("button", { type: "button", class: "primary", id: "confirm-decision" }, preview.correcting ? "确认更正" : "确认并记录");
    const back = h("button", { type: "button", onclick: () => ((confirmBox.hidden = true), verdict.focus()) }, "返回修改");
    ok.addEventListener("click", async () => {
      try {
        await busy(ok, api(`/cases/${ctx.caseId}/decision`, { body }));
        await reload();
      } catch (err) {
        notify(status, `不能作出这个决定：${err.message}`, "error");
        confirmBox.hidden = true;
      }
    });
    clear(confirmBox).append(
      h("h3", {}, `将要打印：${n.title}`),
      h("p", {}, verdictBadge(preview.verdict), preview.overridden ? ` 改变了预审建议（${VERDICTS[preview.suggested].label}）` : " 与预审建议一致",
        preview.correcting ? " · 更正已作出的决定" : ""),
      noticeRows(n),
      h("div", { class: "row" }, ok, back));
    confirmBox.hidden = false;
    confirmBox.focus();
  }

  const record = last ? decisionRecord(last, data.status) : null;
  const correct = last && !last.printed_at && data.status === "decided" && canDecide
    ? h("button", { type: "button", id: "correct-decision", onclick: () => {
      form.hidden = false;
      correct.hidden = true;
      verdict.focus();
    } }, "更正决定") : null;
  form.hidden = data.status !== "open";
  update(suggestion);
  if (last && data.status === "decided") {
    reason.value = last.reason;
    referTo.value = last.refer_to;
    state.added = (last.listed || []).filter((r) => r.note).map((r) => ({ ...r, checked: true, why: "收件人员添加" }));
    sync();
  }
  clear(el).append(h("div", { class: "card", "data-testid": "decision" },
    h("h2", { id: "decision-title", tabindex: "-1" }, "收件决定与文书"),
    record, correct,
    canDecide ? [form, confirmBox] : data.channel === "applicant"
      ? h("p", { class: "muted" }, "申请人自助预检的案件不作收件决定：请申请人出示预检码，转为窗口案件后办理。") : null,
    noticeButtons(ctx, last, reload)));
  return { update, focus: () => (canDecide && !form.hidden ? verdict.focus() : el.querySelector("button") && el.querySelector("button").focus()) };
}

// What a notice of `verdict` could list: the run's findings and its uncertain points (ticked unless the
// clerk dismissed them) for 补正; the item's 容缺 materials (ticked when the run found them missing) for 容缺.
function listCandidates(verdict, run, data, item, names) {
  const dismissed = new Set((data.suggestion ? data.suggestion.dismissed : []).map((p) => `${p.material || p.condition} ${p.code}`));
  const seen = new Map();
  const add = (subject, code, checked, why) => {
    const key = `${subject} ${code}`;
    if (!seen.has(key)) seen.set(key, { subject, code, checked, why });
  };
  if (verdict === "CORRECTION") {
    for (const f of run.findings) if (f.material && f.code !== "NOT_ELIGIBLE") add(f.material, f.code, true, "");
    for (const f of run.uncertain || []) {
      if (f.material) add(f.material, f.code, !dismissed.has(`${f.material} ${f.code}`), dismissed.has(`${f.material} ${f.code}`) ? "核对时排除" : "请核对中确认");
    }
  } else if (verdict === "TOLERANCE") {
    const missing = new Set([...run.findings, ...(run.uncertain || [])].filter((f) => f.code === "MISSING" && !dismissed.has(`${f.material} MISSING`)).map((f) => f.material));
    for (const m of item.materials) if (m.tolerance_days) add(m.id, "MISSING", missing.has(m.id), `可容缺 ${m.tolerance_days} 个工作日`);
  }
  return [...seen.values()].filter((r) => names[r.subject] !== undefined);
}

function noticeRows(n) {
  const rows = [...(n.defects || []), ...(n.missing || [])];
  return h("div", { class: "notice-preview" },
    rows.length ? h("ol", {}, rows.map((r) => h("li", {}, h("strong", {}, r.material), ` · ${r.problem}：${r.detail}`))) : null,
    (n.conditions || []).length ? h("ul", {}, n.conditions.map((c) => h("li", {}, `${c.condition}：${c.reason}`))) : null,
    n.deadline ? h("p", {}, `补交截止日：${fmtDate(n.deadline)}`) : null,
    n.promise_date ? h("p", {}, `承诺办结日：${fmtDate(n.promise_date)}`) : null,
    n.refer_to ? h("p", {}, `告知向 ${n.refer_to} 申请`) : null);
}

function decisionRecord(d, caseStatus) {
  return h("div", { "data-testid": "decision-record" },
    h("p", {}, "已决定：", verdictBadge(d.verdict),
      d.overridden ? ` 改变了预审建议（${VERDICTS[d.suggested] ? VERDICTS[d.suggested].label : d.suggested}）` : " 与预审建议一致",
      ` · ${fmtDateTime(d.decided_at)}`, d.reason ? h("span", { class: "muted" }, ` · 理由：${d.reason}`) : null,
      d.refer_to ? h("span", { class: "muted" }, ` · 告知向 ${d.refer_to} 申请`) : null),
    caseStatus === "decided" ? h("p", { class: "small muted", "data-testid": "decision-final" }, d.printed_at
      ? `正式文书已于 ${fmtDateTime(d.printed_at)} 打印，决定不能再更改。`
      : "正式文书打印前可以更正决定；打印后决定不能再更改。") : null);
}

function noticeButtons(ctx, last, reload) {
  const status = h("p", { class: "status", role: "status", id: "notice-status" });
  const official = Boolean(last) && ctx.data.status === "decided";
  const open = (format, print) => openNotice(ctx.caseId, { format, print })
    .then(() => (official && !last.printed_at ? reload() : null))
    .catch((err) => notify(status, err.message, "error"));
  return h("div", { class: "no-print" },
    h("p", { class: "small muted" }, official ? "按收件决定出具正式文书；打印后决定即为最终决定。" : "尚未作出收件决定：现在打印的是标注“仅供参考”的预审样稿；确认收件决定后打印正式文书。"),
    h("div", { class: "row" },
      h("button", { type: "button", id: "print-notice", onclick: () => open("html", true) }, "打印文书"),
      h("button", { type: "button", id: "notice-pdf", onclick: () => open("pdf", false) }, "PDF 文书")),
    status);
}
