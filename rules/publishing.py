"""Publishing rule versions: publish a draft (effective-dated, after its file and scenarios pass), roll
back to an earlier version, and seed the corpus files as the first published versions.

Like ``rules.service`` every operation takes the caller's session and never commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from rules.errors import RuleVersionState, ScenarioFailed
from rules.loader import LoadedItem, item_files
from rules.models import RuleVersion, VersionStatus, utcnow
from rules.scenario_runs import run_scenarios
from rules.scenarios import Outcome
from rules.service import (
    RuleContext,
    check_department,
    draft,
    get_version,
    is_bundle,
    item_codes,
    validate,
)

SEED_EFFECTIVE_FROM = date(1970, 1, 1)  # the corpus versions are in effect for every review date


def _now() -> datetime:
    return utcnow()


def _today() -> date:
    return datetime.now(UTC).date()


def publish(
    session: Session,
    *,
    version: RuleVersion,
    context: RuleContext,
    by: str,
    department: str,
    effective_from: date | None = None,
    check_scenarios: bool = True,
) -> list[Outcome]:
    """Publish a draft to take effect on ``effective_from`` (default today).

    Refuses an invalid file (RuleFileError) and, with ``check_scenarios``, any failing scenario
    (ScenarioFailed, the outcomes in ``detail``). Published versions of the item taking effect on or
    after the same date are retired: the newest publication wins from its date on.
    """
    if version.status != VersionStatus.DRAFT.value:
        raise RuleVersionState(f"{version.item_code} {version.label} 不是草稿（{version.status}），不能发布")
    check_department(session, item=version.item_code, department=department, declared=None)
    start = effective_from or _today()
    loaded = validate(session, version=version, context=context, on=start)
    outcomes: list[Outcome] = []
    if check_scenarios:
        outcomes = run_scenarios(session, version=version, context=context, on=start)
        failed = [o for o in outcomes if not o.passed]
        if failed:
            raise ScenarioFailed(
                f"{len(failed)} 个场景未通过，不能发布："
                + "；".join(f"{o.name}（{'; '.join(o.problems)}）" for o in failed[:5]),
                detail=[o.model_dump() for o in failed],
            )
    stmt = select(RuleVersion).where(
        RuleVersion.item_code == version.item_code,
        RuleVersion.status == VersionStatus.PUBLISHED.value,
        col(RuleVersion.effective_from) >= start,
    )
    for older in session.exec(stmt):
        older.status = VersionStatus.RETIRED.value
        session.add(older)
    version.status = VersionStatus.PUBLISHED.value
    version.rule_hash = loaded.rule_hash
    version.effective_from = start
    version.published_by = by
    version.published_at = _now()
    session.add(version)
    session.flush()
    return outcomes


def rollback(
    session: Session,
    *,
    item: str,
    to_version: int,
    context: RuleContext,
    by: str,
    department: str,
    effective_from: date | None = None,
) -> RuleVersion:
    """Publish a copy of an earlier version (its text unchanged, so its rule hash is the same)."""
    check_department(session, item=item, department=department, declared=None)
    target = get_version(session, item=item, version_id=to_version)
    if target.status == VersionStatus.DRAFT.value:
        raise RuleVersionState(f"{item} {target.label} 是未发布的草稿，不能回滚到它；请发布它")
    copy = draft(
        session,
        item=item,
        yaml_text=target.yaml_text,
        scenarios_yaml=target.scenarios_yaml,
        by=by,
        department=department,
        based_on=target.id,
        note=f"回滚到 {target.label}",
    )
    publish(
        session,
        version=copy,
        context=context,
        by=by,
        department=department,
        effective_from=effective_from,
        check_scenarios=False,
    )
    return copy


def seed(session: Session, *, rules_dir: Path, context: RuleContext, by: str = "system") -> list[RuleVersion]:
    """First start: every corpus rule file whose item has no version yet becomes its published v1."""
    known = set(item_codes(session))
    added: list[RuleVersion] = []
    texts = {path.stem: path.read_text(encoding="utf-8") for path in item_files(rules_dir)}
    parsed: dict[str, LoadedItem] = {}
    # Items before bundles: a bundle's same_as points into items.
    order = sorted(texts, key=lambda code: is_bundle(texts[code]))
    for code in order:
        siblings = {c: li for c, li in parsed.items() if not li.item.bundle}
        loaded = context.parse(texts[code], name=f"{code}.yaml", siblings=siblings)
        parsed[code] = loaded
        if code in known:
            continue
        version = RuleVersion(
            item_code=code,
            department=loaded.item.department,
            number=1,
            label="v1",
            yaml_text=texts[code],
            rule_hash=loaded.rule_hash,
            status=VersionStatus.PUBLISHED.value,
            effective_from=SEED_EFFECTIVE_FROM,
            note=f"corpus/rules/{code}.yaml",
            created_by=by,
            created_at=_now(),
            published_by=by,
            published_at=_now(),
        )
        session.add(version)
        added.append(version)
    session.flush()
    return added
