"""Rules administration: department staff draft, validate, test, diff, publish and roll back their
department's item rules. Publishing refuses an invalid file and any failing scenario."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from api import knowledge
from api.deps import DbId, Principal, ServicesDep, SessionDep, require
from api.models import Role
from api.rule_outline import RuleOutline, outline
from api.rule_schemas import ValidationOut
from api.schemas import (
    AcceptIn,
    CheckIn,
    PublishIn,
    RollbackIn,
    ScenarioOut,
    ScenariosOut,
    VersionIn,
    VersionOut,
    VersionPatch,
)
from core.errors import Forbidden
from rules import publishing, scenario_runs
from rules import service as rule_service
from rules.errors import NothingPublished, RuleFileError
from rules.evaluate import Evaluator
from rules.impact import Impact
from rules.models import RuleVersion, utcnow
from rules.problem_text import located
from window import audit
from window import impact as window_impact

router = APIRouter(prefix="/rules", tags=["rules"])
Staff = Annotated[Principal, Depends(require(Role.STAFF))]
Reader = Annotated[Principal, Depends(require(Role.STAFF, Role.CLERK, Role.CONSULT))]


def _out(v: RuleVersion, *, text: bool = False) -> VersionOut:
    out = VersionOut.model_validate(v, from_attributes=True)
    return out if text else out.model_copy(update={"yaml_text": None, "scenarios_yaml": None})


def _department(principal: Principal) -> str:
    if not principal.department:
        raise Forbidden("本账号没有绑定部门")
    return principal.department


def _current(session: SessionDep, item: str) -> dict[str, object] | None:
    try:
        v = rule_service.in_effect(session, item=item, on=utcnow().date())
    except NothingPublished:
        return None
    return _summary(v)


def _summary(v: RuleVersion) -> dict[str, object]:
    return {"version": v.label, "id": v.id, "rule_hash": v.rule_hash, "effective_from": str(v.effective_from)}


@router.get("/{item}/versions", summary="版本列表")
def list_versions(item: str, session: SessionDep, _: Reader) -> list[VersionOut]:
    return [_out(v) for v in rule_service.versions(session, item=item)]


@router.post("/{item}/versions", status_code=201, summary="新建草稿（只能是本部门的事项）")
def create_draft(item: str, body: VersionIn, session: SessionDep, staff: Staff) -> VersionOut:
    version = rule_service.draft(
        session,
        item=item,
        yaml_text=body.yaml_text,
        scenarios_yaml=body.scenarios_yaml,
        by=staff.actor,
        department=_department(staff),
        label=body.label,
        note=body.note,
        based_on=body.based_on,
    )
    audit.record(
        session,
        actor=staff.actor,
        role=staff.role,
        action="rule.draft",
        target=f"rule:{item}",
        after={"version": version.label, "id": version.id},
    )
    return _out(version, text=True)


@router.get("/{item}/versions/{version_id}", summary="一个版本（含规则全文）")
def get_version(item: str, version_id: DbId, session: SessionDep, _: Reader) -> VersionOut:
    return _out(rule_service.get_version(session, item=item, version_id=version_id), text=True)


@router.patch("/{item}/versions/{version_id}", summary="修改草稿")
def patch_version(
    item: str, version_id: DbId, body: VersionPatch, session: SessionDep, staff: Staff
) -> VersionOut:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    rule_service.update_draft(
        session,
        version=version,
        by=staff.actor,
        department=_department(staff),
        yaml_text=body.yaml_text,
        scenarios_yaml=body.scenarios_yaml,
        note=body.note,
    )
    return _out(version, text=True)


def _as_edited(version: RuleVersion, body: CheckIn | None) -> RuleVersion:
    """The version with the editor's text instead of its own: a copy that is never saved."""
    if body is None or (body.yaml_text is None and body.scenarios_yaml is None):
        return version
    return RuleVersion(
        item_code=version.item_code,
        department=version.department,
        number=version.number,
        label=version.label,
        created_by=version.created_by,
        yaml_text=body.yaml_text if body.yaml_text is not None else version.yaml_text,
        scenarios_yaml=body.scenarios_yaml if body.scenarios_yaml is not None else version.scenarios_yaml,
    )


@router.post(
    "/{item}/versions/{version_id}/validate",
    summary="校验（结构、引用、表达式）；带 yaml_text 时校验这段文字，不保存",
)
def validate(
    item: str,
    version_id: DbId,
    session: SessionDep,
    services: ServicesDep,
    staff: Staff,
    body: CheckIn | None = None,
) -> ValidationOut:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    if version.department != _department(staff):
        raise Forbidden("只能校验本部门的规则")
    version = _as_edited(version, body)
    try:
        loaded = rule_service.validate(session, version=version, context=services.context)
    except RuleFileError as exc:
        return ValidationOut(valid=False, problems=located(version.yaml_text, exc))
    return ValidationOut(valid=True, rule_hash=loaded.rule_hash)


@router.get(
    "/{item}/versions/{version_id}/outline",
    summary="一个版本的可读形式：受理条件、申请材料（必要/条件必要/容缺）、审查要点；文件有错时 422 列出问题",
)
def version_outline(
    item: str, version_id: DbId, session: SessionDep, services: ServicesDep, _: Reader
) -> RuleOutline:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    loaded = rule_service.validate(session, version=version, context=services.context)
    return outline(loaded.item, catalog=services.context.catalog)


@router.post(
    "/{item}/versions/{version_id}/scenarios", summary="运行场景测试；带 yaml_text 时测试这段文字，不保存"
)
def scenarios(
    item: str,
    version_id: DbId,
    session: SessionDep,
    services: ServicesDep,
    staff: Staff,
    body: CheckIn | None = None,
) -> ScenariosOut:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    if version.department != _department(staff):
        raise Forbidden("只能测试本部门的规则")
    version = _as_edited(version, body)
    outcomes = scenario_runs.run_scenarios(session, version=version, context=services.context)
    failed = sum(1 for o in outcomes if not o.passed)
    return ScenariosOut(
        passed=len(outcomes) - failed,
        failed=failed,
        outcomes=[
            ScenarioOut(name=o.name, passed=o.passed, problems=o.problems, findings=o.findings)
            for o in outcomes
        ],
    )


class ImpactOut(Impact):
    seconds: float  # load, judge twice, compare
    days: int
    limit: int


@router.post(
    "/{item}/versions/{version_id}/impact",
    summary="影响预览：近 90 天（至多 1 万件）窗口案件的最近一次预审，按现行规则与本草稿分别重判并比较",
)
def impact(
    item: str,
    version_id: DbId,
    session: SessionDep,
    services: ServicesDep,
    staff: Staff,
    body: CheckIn | None = None,
) -> ImpactOut:
    started = time.perf_counter()
    version = rule_service.get_version(session, item=item, version_id=version_id)
    if version.department != _department(staff):
        raise Forbidden("只能预览本部门的规则")
    version = _as_edited(version, body)
    context = services.context
    loaded = rule_service.validate(session, version=version, context=context)
    draft = Evaluator(items={item: loaded}, catalog=context.catalog, host=context.host, reuse_fired=True)
    current = services.library.evaluator_for(item, utcnow().date())
    result = window_impact.preview(
        session, item=item, current=current, draft=draft, cache=services.facts_cache
    )
    return ImpactOut(
        **result.model_dump(),
        seconds=round(time.perf_counter() - started, 3),
        days=window_impact.DAYS,
        limit=window_impact.LIMIT,
    )


@router.post(
    "/{item}/versions/{version_id}/scenarios/accept",
    summary="接受一个场景的新结果：场景改为预期草稿现在的结论（记录经办人和原因）",
)
def accept_scenario(
    item: str, version_id: DbId, body: AcceptIn, session: SessionDep, services: ServicesDep, staff: Staff
) -> VersionOut:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    before, now = scenario_runs.accept_scenario(
        session,
        version=version,
        context=services.context,
        name=body.name,
        by=staff.actor,
        department=_department(staff),
        reason=body.reason,
    )
    audit.record(
        session,
        actor=staff.actor,
        role=staff.role,
        action="rule.scenario_accept",
        target=f"rule:{item}",
        before={"version": version.label, "scenario": body.name, "expect": before.model_dump(mode="json")},
        after={"expect": now.model_dump(mode="json"), "reason": body.reason},
    )
    return _out(version, text=True)


@router.get(
    "/{item}/versions/{version_id}/diff",
    response_class=PlainTextResponse,
    summary="与现行版本（或 against 指定的版本）的差异（unified diff）",
)
def diff(
    item: str,
    version_id: DbId,
    session: SessionDep,
    _: Reader,
    against: int | None = Query(default=None, ge=1, le=2_147_483_647, description="对比的版本 id"),
) -> str:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    other = rule_service.get_version(session, item=item, version_id=against) if against is not None else None
    return rule_service.diff(session, version=version, against=other)


@router.post("/{item}/versions/{version_id}/publish", summary="发布（可指定生效日期）；有场景不通过则拒绝")
def publish(
    item: str, version_id: DbId, body: PublishIn, session: SessionDep, services: ServicesDep, staff: Staff
) -> VersionOut:
    version = rule_service.get_version(session, item=item, version_id=version_id)
    before = _current(session, item)
    outcomes = publishing.publish(
        session,
        version=version,
        context=services.context,
        by=staff.actor,
        department=_department(staff),
        effective_from=body.effective_from,
    )
    return _went_live(
        session,
        services,
        staff,
        version=version,
        action="rule.publish",
        before=before,
        scenarios_passed=len(outcomes),
    )


def _went_live(
    session: SessionDep,
    services: ServicesDep,
    staff: Staff,
    *,
    version: RuleVersion,
    action: str,
    before: dict[str, object] | None,
    **after: object,
) -> VersionOut:
    """What follows every version that goes live (publish, rollback): the audit line, the rule
    library and the KB's guide brought up to date."""
    audit.record(
        session,
        actor=staff.actor,
        role=staff.role,
        action=action,
        target=f"rule:{version.item_code}",
        before=before,
        after=_summary(version) | after,
    )
    services.library.invalidate()
    _sync_guides(session, services, version)
    return _out(version)


def _sync_guides(session: SessionDep, services: ServicesDep, version: RuleVersion) -> None:
    """The KB's service guide follows the rules in effect (a version taking effect later is synced
    when the service next starts)."""
    if services.kb is None or version.effective_from is None or version.effective_from > utcnow().date():
        return
    loaded = rule_service.validate(session, version=version, context=services.context)
    knowledge.sync_item_guides(session, library=services.library, items={version.item_code: loaded})
    knowledge.refresh_item(
        services.kb, session, settings=services.settings, library=services.library, loaded=loaded
    )


@router.post("/{item}/rollback", summary="回滚到任一已发布过的版本（以其原文发布一个新版本）")
def rollback(
    item: str, body: RollbackIn, session: SessionDep, services: ServicesDep, staff: Staff
) -> VersionOut:
    before = _current(session, item)
    version = publishing.rollback(
        session,
        item=item,
        to_version=body.to_version,
        context=services.context,
        by=staff.actor,
        department=_department(staff),
        effective_from=body.effective_from,
    )
    return _went_live(
        session,
        services,
        staff,
        version=version,
        action="rule.rollback",
        before=before,
        to_version=body.to_version,
    )
