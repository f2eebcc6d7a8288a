"""Notices as HTML or A4 PDF: official once the clerk has decided, a marked self-check copy before. A clerk's
fetch of the official notice is its printing: the decision cannot be corrected after it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api.deps import Principal, PrincipalDep, ServicesDep, SessionDep, case_for, sees_identity
from api.errors import NotAllowed
from api.models import Role
from rules.codes import Verdict
from window import clock, decisions, notices
from window.workdays import Counted, calendar_of

router = APIRouter(prefix="/cases", tags=["notices"])


class Format(StrEnum):
    PDF = "pdf"
    HTML = "html"


_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/pdf": {}, "text/html": {}}, "description": "文书（PDF 或 HTML）"}
}


@router.get(
    "/{case_id}/notice",
    response_class=Response,
    responses=_RESPONSES,
    summary="文书：受理通知书、补正材料一次性告知书、容缺受理通知书、不予受理决定书",
)
async def notice(
    request: Request,
    case_id: str,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    kind: Annotated[Verdict | None, Query(description="不填：收件决定的结论，未决定时为预审建议")] = None,
    format: Format = Format.PDF,
    run: Annotated[int | None, Query(ge=1, le=10_000, description="第几次预审（默认最近一次完成的）")] = None,
) -> Response:
    case = case_for(session, principal, case_id)
    check_reader(principal)
    due = None
    if principal.has(Role.CLERK) and run is None:
        # printing the official 受理 / 容缺受理 notice is the 受理: the case clock starts (once), and the
        # notice prints the clock's date (the procedure's limit; provisional in a year without the schedule)
        started = clock.start(
            session,
            case=case,
            library=services.library,
            calendar=calendar_of(session),
            actor=principal.actor,
            role=principal.role,
        )
        if started is not None and (kind is None or kind.value == started.verdict):
            due = Counted(day=started.due_on, provisional=started.provisional, note=started.provisional_note)
    base = services.settings.public_url or str(request.base_url)
    content = notices.compose(
        session,
        case=case,
        library=services.library,
        hall=services.hall,
        kind=kind,
        run=run,
        due=due,
        sample_base=base,
    )
    if not content.draft and principal.has(Role.CLERK):  # the official notice leaves: the decision is final
        chosen = notices.noticed_run(session, case=case, number=run)
        final = notices.decided(session, case=case, run=chosen) if chosen is not None else None
        if final is not None and final.verdict == content.kind:
            decisions.mark_printed(session, case=case, row=final, actor=principal.actor, role=principal.role)
    return await notice_response(content, format=format, filename=f"{case.id[:8]}-{content.kind.lower()}.pdf")


def check_reader(principal: Principal) -> None:
    """A notice carries the applicant's identity unmasked: only the clerks and the applicant read it."""
    if not sees_identity(principal):
        raise NotAllowed("文书载有申请人的身份信息，只有综合窗口人员和申请人本人可以查看")


async def notice_response(content: notices.Notice, *, format: Format, filename: str) -> Response:
    """A notice as its page, or printed as PDF off the event loop (reportlab is CPU-bound)."""
    if format is Format.HTML:
        return HTMLResponse(notices.html(content))
    body = await run_in_threadpool(notices.pdf, content)
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )
