"""Notices as HTML or A4 PDF: official once the clerk has decided, a marked self-check copy before."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select

from api import cases_service as cases
from api import settlements
from api.deps import PrincipalDep, ServicesDep, SessionDep, case_for, sees_identity
from api.errors import NotAllowed, StateConflict
from api.models import RuleVersion
from api.notices.content import build_notice
from api.notices.render import html, pdf
from rules.calendar import add_working_days
from rules.codes import Code, Verdict

router = APIRouter(prefix="/cases", tags=["notices"])


class Format(StrEnum):
    PDF = "pdf"
    HTML = "html"


_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/pdf": {}, "text/html": {}}, "description": "文书（PDF 或 HTML）"}
}


@router.get("/{case_id}/notice", response_class=Response, responses=_RESPONSES,
            summary="文书：受理通知书、补正材料一次性告知书、容缺受理通知书、不予受理决定书")  # fmt: skip
async def notice(
    case_id: str,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    kind: Annotated[Verdict | None, Query(description="不填：收件决定的结论，未决定时为预审建议")] = None,
    format: Format = Format.PDF,
    run: Annotated[int | None, Query(ge=1, le=10_000, description="第几次预审（默认最近一次完成的）")] = None,
) -> Response:
    case = case_for(session, principal, case_id)
    if not sees_identity(principal):
        raise NotAllowed("文书载有申请人的身份信息，只有综合窗口人员和申请人本人可以查看")
    chosen = (
        cases.run_of(session, case_id=case.id, number=run)
        if run
        else cases.latest_done(session, case_id=case.id)
    )
    if chosen is None or chosen.decision is None:
        raise StateConflict("本案还没有完成的预审，不能出具文书")
    # settled as the clerk settled its uncertain points: the confirmed ones are listed like findings
    decision = settlements.suggestion(chosen, settlements.rows_of(session, run_id=chosen.id)).decision
    decided = [d for d in cases.decisions_of(session, case_id=case.id) if d.run_id == chosen.id]
    final = decided[-1] if decided else None
    verdict = kind or Verdict(final.verdict if final else decision.verdict)
    version = session.exec(select(RuleVersion).where(RuleVersion.item_code == case.item,
                                                     RuleVersion.rule_hash == decision.rule_hash)).first()  # fmt: skip
    if version is not None:
        item = services.library.context.parse(version.yaml_text, name=f"{case.item}.yaml",
                                              siblings=services.library.items_on(decision.review_date)).item  # fmt: skip
    else:
        item = services.library.loaded(case.item, decision.review_date).item
    if verdict is Verdict.TOLERANCE and decision.tolerance_deadline is None:
        days = [item.material(f.material).tolerance_days or 0 for f in decision.findings
                if f.code is Code.MISSING and f.tolerable and f.material]  # fmt: skip
        if not days:
            raise StateConflict("本案没有缺少的容缺材料，不能出具容缺受理通知书")
        decision = decision.model_copy(
            update={
                "tolerance_days": max(days),
                "tolerance_deadline": add_working_days(decision.review_date, max(days)),
            }
        )
    reason = final.reason if final else ""
    if (
        verdict is Verdict.REJECT
        and not any(f.code is Code.NOT_ELIGIBLE for f in decision.findings)
        and not reason
    ):
        raise StateConflict("没有不满足的受理条件，也没有收件人员写明的理由，不能出具不予受理决定书")
    content = build_notice(kind=verdict, item=item, decision=decision, applicant=case.applicant_name, case_id=case.id,
                           draft=final is None or case.channel == "applicant", reason=reason,
                           refer_to=final.refer_to if final else "")  # fmt: skip
    if format is Format.HTML:
        return HTMLResponse(html(content))
    body = await run_in_threadpool(pdf, content)
    filename = f"{case.id[:8]}-{verdict.value.lower()}.pdf"
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )
