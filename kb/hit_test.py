"""Hit testing (命中测试): expected targets against what the current index returns.

Scored as the evaluation README prescribes: results map to target ids, duplicates keep their
best rank, an abstention ("not confident") on an answerable question is a miss, and for an
out-of-scope question only an abstention counts as right.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from kb.errors import InvalidQueryFile
from kb.schemas import HitTestCase, HitTestOutcome, HitTestReport, SearchResult


def load_cases(path: Path) -> list[HitTestCase]:
    cases: list[HitTestCase] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                cases.append(HitTestCase.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as exc:
                raise InvalidQueryFile(f"{path}:{n}: {exc}") from exc
    return cases


def ranked_targets(result: SearchResult) -> list[str]:
    seen: list[str] = []
    for hit in result.hits:
        if hit.target not in seen:
            seen.append(hit.target)
    return seen


def evaluate(cases: Sequence[HitTestCase], results: Sequence[SearchResult], *, k: int = 10) -> HitTestReport:
    outcomes: list[HitTestOutcome] = []
    r1 = r5 = rk = mrr = 0.0
    n_in = n_oos = oos_ok = false_abstain = 0
    for case, result in zip(cases, results, strict=True):
        ranked = ranked_targets(result)[:k]
        rank = None
        if case.targets:
            n_in += 1
            false_abstain += not result.confident
            hits = [i for i, t in enumerate(ranked) if t in case.targets]
            if hits and result.confident:
                rank = hits[0] + 1
                mrr += 1.0 / rank if rank <= 10 else 0.0
                r1 += rank == 1
                r5 += rank <= 5
                rk += 1
            ok = rank is not None and rank <= 5
        else:
            n_oos += 1
            ok = not result.confident
            oos_ok += ok
        outcomes.append(
            HitTestOutcome(
                id=case.id,
                query=case.query,
                targets=case.targets,
                confident=result.confident,
                rank=rank,
                top=ranked[:3],
                ok=ok,
            )
        )
    div = max(n_in, 1)
    return HitTestReport(
        k=k,
        n_in_scope=n_in,
        n_out_of_scope=n_oos,
        recall_at_1=r1 / div,
        recall_at_5=r5 / div,
        recall_at_k=rk / div,
        mrr=mrr / div,
        no_answer_rate=oos_ok / n_oos if n_oos else None,
        false_abstention_rate=false_abstain / div,
        outcomes=outcomes,
    )
