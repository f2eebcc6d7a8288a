// run-progress.js — a pre-review run watched to its end, for the clerk and the applicant alike: the run's
// own progress (GET /cases/{id}/runs/{n}, `progress` while it runs): per file its stage (读取/识别/核对)
// and pages read of pages total, with one aria-live line that screen readers announce when the stage
// changes (not on every page, which would drown the reader).
//
//   const run = await watchRun(el, {caseId, number, caseToken, isClosed})   resolves with the finished run

import { api, clear, h } from "/static/common.js";

export const STAGES = { waiting: "等待读取", reading: "读取", recognising: "识别", checking: "核对", done: "完成" };
const RUN_STATUS = { queued: "排队等待预审…", running: "正在预审…" };

export async function watchRun(el, { caseId, number, caseToken, isClosed = () => false }) {
  const status = h("p", { class: "status", role: "status", "aria-live": "polite", "data-testid": "run-status" });
  const bar = h("div", { class: "progress", "aria-hidden": "true" }, h("span", {}));
  const pagesLine = h("p", { class: "small muted", "data-testid": "run-pages" });
  const list = h("ul", { class: "plain run-files small", "data-testid": "run-files" });
  clear(el).append(status, bar, pagesLine, list);
  let said = "";
  const say = (text) => {
    if (text !== said) status.textContent = said = text;
  };
  say(`第 ${number} 次预审：已提交，排队等待…`);
  for (;;) {
    if (isClosed()) return null;
    let run;
    try {
      run = await api(`/cases/${caseId}/runs/${number}`, { caseToken, query: { wait: 1 } });
    } catch (err) {
      say(`${err.message}（稍后自动重试）`);
      await new Promise((r) => setTimeout(r, 3000));
      continue;
    }
    if (run.status === "done" || run.status === "failed") {
      bar.firstChild.style.width = "100%";
      say(run.status === "done" ? `第 ${number} 次预审完成` : `第 ${number} 次预审失败：${run.error || "原因不明"}`);
      return run;
    }
    const p = run.progress;
    if (!p) {
      say(`第 ${number} 次预审：${RUN_STATUS[run.status] || run.status}`);
      continue;
    }
    const share = p.pages_total ? p.pages_done / p.pages_total : 0;
    const stageShare = { reading: 0.85 * share, recognising: 0.9, checking: 0.95 }[p.stage] || 0.05;
    bar.firstChild.style.width = `${Math.round(100 * Math.max(0.05, stageShare))}%`;
    clear(list).append(...p.files.map((f) => h("li", { dataset: { stage: f.stage } },
      h("span", { class: `tag stage-${f.stage}` }, STAGES[f.stage] || f.stage), " ", f.name,
      f.pages_total ? h("span", { class: "muted" }, ` · ${f.pages_done}/${f.pages_total} 页`) : null)));
    pagesLine.textContent = p.pages_total ? `已读 ${p.pages_done} / ${p.pages_total} 页` : `已读 ${p.pages_done} 页`;
    say(p.stage === "reading"
      ? `第 ${number} 次预审：正在读取 ${p.files.length} 个文件`
      : `第 ${number} 次预审：正在${STAGES[p.stage] || p.stage}材料`);
  }
}
