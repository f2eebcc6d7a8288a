"""Scoring pre-review answers against expected.json, by set: the case contract's figures.

Cases are grouped so that tuned-on and held-out figures are never mixed: ``public``; ``hard X01–X03``
(what thresholds and cues may be chosen on); ``hard X04–X05`` (held out: reported, never tuned on).
Figures follow ../shared/cases/score.py: verdict accuracy; findings precision/recall over
(case, material-or-condition, code) triples; uncertain points per case and how many expected
findings were raised only as uncertain; tolerance-deadline accuracy over the expected TOLERANCE cases.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

_HARD_ID = re.compile(r"-X(\d+)$")


def group_of(folder: Path) -> str:
    """The report group of a case folder: its set, with hard/ split into tuned-on and held-out cases."""
    m = _HARD_ID.search(folder.name)
    if m is None:
        return folder.parent.name
    return "hard X01–X03" if int(m.group(1)) <= 3 else "hard X04–X05 (held out)"


def pairs(result: dict[str, Any], key: str = "findings") -> set[tuple[str, str]]:
    return {(f.get("material") or f.get("condition") or "", f["code"]) for f in result.get(key) or []}


@dataclass
class Tally:
    cases: int = 0
    verdict_ok: int = 0
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    uncertain: int = 0
    gold_only_uncertain: int = 0
    tolerance: int = 0
    tolerance_ok: int = 0
    wrong: list[str] = field(default_factory=list)  # case ids with a wrong verdict

    def add(self, case_id: str, expected: dict[str, Any], answer: dict[str, Any]) -> None:
        self.cases += 1
        if answer.get("verdict") == expected["verdict"]:
            self.verdict_ok += 1
        else:
            self.wrong.append(case_id)
        want, got, unsure = pairs(expected), pairs(answer), pairs(answer, "uncertain")
        for _, code in want & got:
            self.tp[code] += 1
        for _, code in got - want:
            self.fp[code] += 1
        for _, code in want - got:
            self.fn[code] += 1
        self.uncertain += len(answer.get("uncertain") or [])
        self.gold_only_uncertain += len((want - got) & unsure)
        if expected["verdict"] == "TOLERANCE":
            self.tolerance += 1
            self.tolerance_ok += answer.get("tolerance_deadline") == expected.get("tolerance_deadline")

    def figures(self) -> dict[str, float]:
        t, f_p, f_n = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        return {
            "verdict": self.verdict_ok / max(self.cases, 1),
            "P": t / (t + f_p) if t + f_p else 1.0,
            "R": t / (t + f_n) if t + f_n else 1.0,
            "uncertain/case": self.uncertain / max(self.cases, 1),
        }


class Scores:
    """Tallies per group, in the order groups were first seen."""

    def __init__(self) -> None:
        self.groups: dict[str, Tally] = {}

    def add(self, folder: Path, expected: dict[str, Any], answer: dict[str, Any]) -> None:
        self.groups.setdefault(group_of(folder), Tally()).add(folder.name, expected, answer)

    def table(self, title: str) -> Table:
        table = Table(title=title)
        for col in (
            "set",
            "cases",
            "verdict",
            "findings P",
            "findings R",
            "uncertain/case",
            "gold only unc.",
            "deadline",
        ):
            table.add_column(col, justify="right")
        for name, t in self.groups.items():
            f = t.figures()
            deadline = f"{t.tolerance_ok}/{t.tolerance}" if t.tolerance else "-"
            table.add_row(
                name,
                str(t.cases),
                f"{f['verdict']:.2f}",
                f"{f['P']:.2f}",
                f"{f['R']:.2f}",
                f"{f['uncertain/case']:.2f}",
                str(t.gold_only_uncertain),
                deadline,
            )
        return table

    def by_code(self, group: str) -> Table:
        t = self.groups[group]
        table = Table(title=f"findings by code — {group}")
        for col in ("code", "expected", "found", "correct", "P", "R"):
            table.add_column(col, justify="right")
        for code in sorted(set(t.tp) | set(t.fp) | set(t.fn)):
            e, g = t.tp[code] + t.fn[code], t.tp[code] + t.fp[code]
            table.add_row(
                code,
                str(e),
                str(g),
                str(t.tp[code]),
                f"{t.tp[code] / g:.2f}" if g else "-",
                f"{t.tp[code] / e:.2f}" if e else "-",
            )
        return table
