"""The contract's vocabulary: finding codes, verdicts, necessity (standards README §3–§6)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    MISSING = "MISSING"
    UNREADABLE = "UNREADABLE"
    WRONG_DOCUMENT = "WRONG_DOCUMENT"
    EXPIRED = "EXPIRED"
    STALE = "STALE"
    INVALID_ID = "INVALID_ID"
    INVALID_USCC = "INVALID_USCC"
    NAME_MISMATCH = "NAME_MISMATCH"
    ID_MISMATCH = "ID_MISMATCH"
    FIELD_EMPTY = "FIELD_EMPTY"
    NOT_SIGNED = "NOT_SIGNED"
    NOT_SEALED = "NOT_SEALED"
    PAGES_MISSING = "PAGES_MISSING"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"


CODE_LABELS: dict[Code, str] = {
    Code.MISSING: "材料缺失",
    Code.UNREADABLE: "无法辨认",
    Code.WRONG_DOCUMENT: "材料不符",
    Code.EXPIRED: "已过期",
    Code.STALE: "超出时限",
    Code.INVALID_ID: "身份证号码无效",
    Code.INVALID_USCC: "信用代码无效",
    Code.NAME_MISMATCH: "名称不一致",
    Code.ID_MISMATCH: "号码不一致",
    Code.FIELD_EMPTY: "必填项空白",
    Code.NOT_SIGNED: "未签字",
    Code.NOT_SEALED: "未盖章",
    Code.PAGES_MISSING: "缺面缺页",
    Code.NOT_ELIGIBLE: "不符合受理条件",
}


class Verdict(StrEnum):
    ACCEPT = "ACCEPT"
    CORRECTION = "CORRECTION"
    TOLERANCE = "TOLERANCE"
    REJECT = "REJECT"


VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.ACCEPT: "受理",
    Verdict.CORRECTION: "补正",
    Verdict.TOLERANCE: "容缺受理",
    Verdict.REJECT: "不予受理",
}
