// vocab.js — words and formats the pages share; re-exported by common.js (import them from there).

import { h } from "/static/common.js";

// ------------------------------------------------------------------------------------ vocabulary

export const VERDICTS = {
  ACCEPT: { label: "受理", cls: "v-accept", hint: "材料齐全、符合法定形式，可以受理。" },
  CORRECTION: { label: "补正", cls: "v-correction", hint: "材料有问题，请按下列说明一次补正后再提交。" },
  TOLERANCE: { label: "容缺受理", cls: "v-tolerance", hint: "主要材料齐全，可先受理；缺少的容缺材料须在期限内补交。" },
  REJECT: { label: "不予受理", cls: "v-reject", hint: "申请不符合受理条件。" },
};

export function verdictBadge(code) {
  const v = VERDICTS[code];
  return h("span", { class: `verdict ${v ? v.cls : ""}`, dataset: { verdict: code || "" } }, v ? v.label : code || "—");
}

export const CODE_LABELS = {
  MISSING: "材料缺失",
  UNREADABLE: "无法辨认",
  WRONG_DOCUMENT: "材料不符",
  EXPIRED: "已过期",
  STALE: "超出时限",
  INVALID_ID: "身份证号码无效",
  INVALID_USCC: "信用代码无效",
  NAME_MISMATCH: "名称不一致",
  ID_MISMATCH: "号码不一致",
  FIELD_EMPTY: "必填项空白",
  NOT_SIGNED: "未签字",
  NOT_SEALED: "未盖章",
  PAGES_MISSING: "缺面缺页",
  NOT_ELIGIBLE: "不符合受理条件",
};

const CODE_EXPLAIN = {
  MISSING: "这份材料没有提交（或者没有认出来），需要补交。",
  UNREADABLE: "文件看不清（模糊、反光、遮挡、倾斜或被截断），请重新拍照或扫描，保证文字清楚。",
  WRONG_DOCUMENT: "提交的不是这份材料，请换成要求的文件。",
  EXPIRED: "证件或文件已经过了有效期，请提供仍在有效期内的。",
  STALE: "文件的出具日期不在要求的时间范围内，请提供近期出具的。",
  INVALID_ID: "身份证号码不对（位数或校验位有误），请核对。",
  INVALID_USCC: "统一社会信用代码不对（位数或校验位有误），请核对。",
  NAME_MISMATCH: "名称或姓名在不同材料之间（或与填写的信息）不一致，请核对。",
  ID_MISMATCH: "证件号码或信用代码在不同材料之间（或与填写的信息）不一致，请核对。",
  FIELD_EMPTY: "表格上有必须填写的栏目空着，请补填。",
  NOT_SIGNED: "缺少签字，请在应签字处亲笔签名。",
  NOT_SEALED: "缺少盖章，请在应盖章处加盖公章。",
  PAGES_MISSING: "材料缺面或缺页（例如身份证只有一面），请补齐。",
  NOT_ELIGIBLE: "不符合本事项的受理条件。",
};

// Where in the acceptance standard a finding comes from, in words ("materials[M2].checks[3]" is the rule
// file's address, which means nothing to a reader): 收件标准 三、申请材料 M2 第 4 项审查要点.
export function ruleWhere(rule) {
  const check = /materials\[(M\d+)\]\.checks\[(\d+)\]/.exec(rule || "");
  if (check) return `收件标准 三、申请材料 ${check[1]} 第 ${Number(check[2]) + 1} 项审查要点`;
  const material = /materials\[(M\d+)\]/.exec(rule || "");
  if (material) return `收件标准 三、申请材料 ${material[1]}`;
  const condition = /conditions\[(C\d+)\]/.exec(rule || "");
  if (condition) return `收件标准 二、受理条件 ${condition[1]}`;
  return "收件标准";
}

export function explainCode(code) {
  return CODE_EXPLAIN[code] || "";
}

// An uncertain point as a thing for the applicant to make sure of, not a defect: "请确认：…". `what` names
// the material (with the person or vehicle) or the condition; `field` the field, part, signer or seal the
// point is about ("" when none).
export function confirmText(code, what, field = "") {
  const at = field ? `${what}上的「${field}」` : what;
  switch (code) {
    case "NAME_MISMATCH":
    case "ID_MISMATCH":
      return `请确认：${at}清晰可辨、与您填写的信息一致`;
    case "INVALID_ID":
    case "INVALID_USCC":
      return `请确认：${at}清晰可辨、号码完整无误`;
    case "EXPIRED":
      return `请确认：${at}清晰可辨，且仍在有效期内`;
    case "STALE":
      return `请确认：${at}清晰可辨，且在规定的时间范围内`;
    case "FIELD_EMPTY":
      return `请确认：${at}已经填写，字迹清晰`;
    case "UNREADABLE":
      return `请确认：${at}拍得清楚、文字完整可辨`;
    case "NOT_SIGNED":
      return `请确认：${what}已由${field || "相关人员"}亲笔签字，签名清晰可见`;
    case "NOT_SEALED":
      return `请确认：${what}已加盖${field || "印章"}，印章清晰可见`;
    case "PAGES_MISSING":
      return field ? `请确认：${what}的「${field}」已经上传，且清晰完整` : `请确认：${what}的各面、各页都已上传，且清晰完整`;
    case "MISSING":
      return `请确认：已上传${what}，且照片或扫描件清晰完整`;
    case "WRONG_DOCUMENT":
      return `请确认：上传的${what}就是这份材料本身，且清晰可辨`;
    case "NOT_ELIGIBLE":
      return `请确认：您符合受理条件“${what}”`;
    default:
      return `请确认：${at}清晰可辨、与申报一致`;
  }
}


// ---------------------------------------------------------------------------------------- formats

function toDate(iso) {
  if (!iso) return null;
  let text = String(iso);
  // "2026-02-12" is a calendar day: parse it as local, not as UTC midnight (timestamps carry their zone)
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += "T00:00:00";
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function fmtDate(iso) {
  const d = toDate(iso);
  return d ? `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日` : "";
}

const pad = (n) => String(n).padStart(2, "0");

export function fmtDateTime(iso) {
  const d = toDate(iso);
  if (!d) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function fmtSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
