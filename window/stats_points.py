"""The review-point figures of the hall's statistics: the most frequent findings per material, and how
far the clerks trust each review point (confirmed, dismissed or overruled). The findings are read from
the JSON of each case's last decided run, so this part is written in each database's JSON SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select, text
from sqlmodel import Session, col

from rules.codes import CODE_LABELS, Code
from window.models import Case, Settlement
from window.stats_base import Period, Table, fetch_rows, in_period

ItemPoint = tuple[str, str, str]  # item, material or condition, code


def _findings_sql(session: Session, key: str, *, period: Period, overridden: bool = False) -> str:
    """The findings (``key``: findings or uncertain) of each case's last decided run, counted per item,
    material or condition, and code."""
    if session.get_bind().dialect.name == "postgresql":
        array = f"r.decision->'{key}'"
        source = f"json_array_elements(CASE WHEN json_typeof({array}) = 'array' THEN {array} END) AS f"
        pick = "f->>'{0}'"
    else:
        source = f"json_each(r.decision, '$.{key}') AS f"
        pick = "json_extract(f.value, '$.{0}')"
    subject = f"COALESCE({pick.format('material')}, {pick.format('condition')})"
    where = ["c.created_at >= :start", "c.created_at < :end"]
    if period.department is not None:
        where.append("c.department = :department")
    if overridden:
        where.append("d.overridden = :yes")
    last = "SELECT case_id, MAX(id) AS last_id FROM clerk_decision GROUP BY case_id"
    return (
        f"SELECT c.item AS item, {subject} AS subject, {pick.format('code')} AS code, COUNT(*) AS n "
        f"FROM clerk_decision d JOIN ({last}) l ON l.last_id = d.id "
        f'JOIN run r ON r.id = d.run_id JOIN "case" c ON c.id = d.case_id, {source} '
        f"WHERE {' AND '.join(where)} GROUP BY c.item, {subject}, {pick.format('code')}"
    )


def _label(code: str) -> str:
    try:
        return CODE_LABELS[Code(code)]
    except ValueError:
        return code


def _params(period: Period) -> dict[str, Any]:
    start, end = period.bounds()
    params: dict[str, Any] = {"start": start, "end": end, "yes": True}
    if period.department is not None:
        params["department"] = period.department
    return params


def findings(session: Session, period: Period) -> Table:
    """The most frequent findings per material, on the runs the clerks decided on."""
    sql = (
        _findings_sql(session, "findings", period=period) + " ORDER BY n DESC, item, subject, code LIMIT 200"
    )
    rows = [
        [item, subject, _label(code), n]
        for item, subject, code, n in session.execute(text(sql), _params(period)).all()
    ]
    return Table(
        name="findings", title="高频问题（按材料）", columns=["事项", "材料或条件", "问题", "次数"], rows=rows
    )


def trust(session: Session, period: Period) -> Table:
    """Per review point (item, material or condition, code): how often the clerks confirmed, dismissed
    (请核对) or overrode (a decision other than the suggestion, on a run with this finding), with their
    reasons; the point most often overruled first."""
    points = _point_counts(session, period)
    reasons = _reasons(session, period)

    def most_overruled(point: ItemPoint) -> tuple[float, int, str, str, str]:
        confirmed, dismissed, overridden = points[point]
        return (-_overruled(confirmed, dismissed, overridden), -(dismissed + overridden), *point)

    rows: list[list[Any]] = []
    for point in sorted(points, key=most_overruled):
        item, subject, code = point
        confirmed, dismissed, overridden = points[point]
        rate = _overruled(confirmed, dismissed, overridden)
        said = "；".join(reasons.get(point, [])[:3])
        rows.append([item, subject, _label(code), confirmed, dismissed, overridden, rate, said])
    return Table(
        name="trust",
        title="审查要点信任度（收件人员推翻情况）",
        columns=["事项", "材料或条件", "问题", "确认", "排除", "改变结论", "推翻率%", "理由"],
        rows=rows,
    )


def _point_counts(session: Session, period: Period) -> dict[ItemPoint, list[int]]:
    """Per review point: [confirmed, dismissed, overridden]."""
    settled = in_period(
        select(
            col(Case.item),
            col(Settlement.subject),
            col(Settlement.code),
            func.sum(case((col(Settlement.action) == "confirm", 1), else_=0)),
            func.sum(case((col(Settlement.action) == "dismiss", 1), else_=0)),
        )
        .join(Case, col(Case.id) == col(Settlement.case_id))
        .group_by(col(Case.item), col(Settlement.subject), col(Settlement.code)),
        period,
    )
    points: dict[ItemPoint, list[int]] = {}
    for item, subject, code, confirmed, dismissed in fetch_rows(session, settled):
        points[(item, subject, code)] = [int(confirmed or 0), int(dismissed or 0), 0]
    sql = _findings_sql(session, "findings", period=period, overridden=True)
    for item, subject, code, n in session.execute(text(sql), _params(period)).all():
        points.setdefault((item, subject or "", code), [0, 0, 0])[2] += int(n)
    return points


def _overruled(confirmed: int, dismissed: int, overridden: int) -> float:
    """The share (%) of a point's judgements in which the clerks did not follow the machine."""
    total = confirmed + dismissed + overridden
    return round(100.0 * (dismissed + overridden) / total, 1) if total else 0.0


def _reasons(session: Session, period: Period) -> dict[ItemPoint, list[str]]:
    """The latest notes the clerks gave when they dismissed a point (at most 2,000 read)."""
    stmt = in_period(
        select(col(Case.item), col(Settlement.subject), col(Settlement.code), col(Settlement.note))
        .join(Case, col(Case.id) == col(Settlement.case_id))
        .where(col(Settlement.action) == "dismiss", col(Settlement.note) != ""),
        period,
    ).order_by(col(Settlement.id).desc())
    out: dict[ItemPoint, list[str]] = {}
    for item, subject, code, note in session.execute(stmt.limit(2000)).all():
        said = out.setdefault((item, subject, code), [])
        if note not in said:
            said.append(note)
    return out
