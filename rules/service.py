"""Rule versions: read, draft, validate, diff (scenarios are run and accepted in ``rules.scenario_runs``;
publishing, rollback and seeding are in ``rules.publishing``).

Every operation takes the caller's session and never commits. ``department`` arguments are the
acting staff member's department: an item's rules belong to the department named in its file, and
only that department's staff may draft, publish or roll them back.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from cachetools import LRUCache
from sqlmodel import Session, col, select

from rules.engine import RuleHost
from rules.errors import (
    NothingPublished,
    NotYourDepartment,
    RuleFileError,
    RuleVersionNotFound,
    RuleVersionState,
)
from rules.loader import LoadedItem, load_catalog, load_common, parse_item
from rules.models import RuleVersion, VersionStatus, utcnow
from rules.places import load_text
from rules.problem_text import located
from rules.spec import FactCatalog, Item


@dataclass
class RuleContext:
    """What parsing a rule file needs besides the file: the fact catalog, common materials, scenarios."""

    catalog: FactCatalog
    common: dict[str, dict[str, Any]]
    scenarios_dir: Path | None = None
    host: RuleHost = field(default_factory=RuleHost)
    _parsed: LRUCache[tuple[str, ...], LoadedItem] = field(default_factory=lambda: LRUCache(maxsize=512))
    _parsed_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_corpus(cls, rules_dir: Path, *, scenarios_dir: Path | None = None) -> RuleContext:
        return cls(
            catalog=load_catalog(rules_dir), common=load_common(rules_dir), scenarios_dir=scenarios_dir
        )

    def parse(
        self, yaml_text: str, *, name: str, siblings: dict[str, LoadedItem] | None = None
    ) -> LoadedItem:
        """Parse and validate one rule file's text (cached by text and the siblings it was parsed with)."""
        sib = siblings or {}
        text_key = hashlib.sha256(yaml_text.encode("utf-8")).hexdigest()
        key = (text_key, *sorted(f"{c}:{li.rule_hash}" for c, li in sib.items()))
        with self._parsed_lock:
            cached = self._parsed.get(key)
        if cached is not None:
            return cached
        raw = load_text(yaml_text, name=name)
        loaded = parse_item(
            raw,
            name=name,
            catalog=self.catalog,
            common=self.common,
            siblings={c: li.item for c, li in sib.items()},
        )
        with self._parsed_lock:
            self._parsed[key] = loaded
        return loaded


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when there: ~20 times faster


def _now() -> datetime:
    return utcnow()


def _today() -> date:
    return datetime.now(UTC).date()


# ----------------------------------------------------------------------------------------- reading


def versions(session: Session, *, item: str) -> list[RuleVersion]:
    stmt = select(RuleVersion).where(RuleVersion.item_code == item).order_by(col(RuleVersion.number).desc())
    return list(session.exec(stmt))


def get_version(session: Session, *, item: str, version_id: int) -> RuleVersion:
    version = session.get(RuleVersion, version_id)
    if version is None or version.item_code != item:
        raise RuleVersionNotFound(f"{item} 没有版本 {version_id}")
    return version


def item_codes(session: Session) -> list[str]:
    stmt = select(RuleVersion.item_code).distinct()
    return sorted(session.exec(stmt))


def in_effect(session: Session, *, item: str, on: date) -> RuleVersion:
    """The published version of ``item`` in effect on ``on``."""
    stmt = (
        select(RuleVersion)
        .where(RuleVersion.item_code == item, RuleVersion.status == VersionStatus.PUBLISHED.value)
        .where(col(RuleVersion.effective_from) <= on)
        .order_by(col(RuleVersion.effective_from).desc(), col(RuleVersion.number).desc())
        .limit(1)
    )
    version = session.exec(stmt).first()
    if version is None:
        raise NothingPublished(f"事项 {item} 在 {on} 没有生效的规则版本")
    return version


def all_in_effect(session: Session, *, on: date) -> dict[str, RuleVersion]:
    stmt = (
        select(RuleVersion)
        .where(RuleVersion.status == VersionStatus.PUBLISHED.value, col(RuleVersion.effective_from) <= on)
        .order_by(col(RuleVersion.item_code), col(RuleVersion.effective_from), col(RuleVersion.number))
    )
    out: dict[str, RuleVersion] = {}
    for version in session.exec(stmt):
        out[version.item_code] = version  # the last one per item wins
    return out


def owner(session: Session, *, item: str) -> str | None:
    """The department that owns ``item``: the one of its latest published (else latest) version."""
    rows = versions(session, item=item)
    for version in rows:
        if version.status == VersionStatus.PUBLISHED.value:
            return version.department
    return rows[0].department if rows else None


def check_department(session: Session, *, item: str, department: str, declared: str | None) -> None:
    own = owner(session, item=item)
    if own is not None and own != department:
        raise NotYourDepartment(f"事项 {item} 的收件标准属于{own}，本账号只能修改{department}的规则")
    if declared is not None and declared != department:
        raise NotYourDepartment(f"规则文件的 department 为「{declared}」，本账号只能提交{department}的规则")


def _declared(yaml_text: str) -> tuple[str | None, str | None]:
    """(code, department) as written in the text, if it parses that far."""
    try:
        raw = yaml.load(yaml_text, Loader=_Loader)
    except yaml.YAMLError:
        return None, None
    if not isinstance(raw, dict):
        return None, None
    code, dept = raw.get("code"), raw.get("department")
    return (code if isinstance(code, str) else None, dept if isinstance(dept, str) else None)


# ----------------------------------------------------------------------------------------- drafting


def draft(
    session: Session,
    *,
    item: str,
    yaml_text: str,
    by: str,
    department: str,
    scenarios_yaml: str | None = None,
    label: str = "",
    note: str = "",
    based_on: int | None = None,
) -> RuleVersion:
    """Save a new draft (valid or not: ``validate`` says what is wrong)."""
    code, declared = _declared(yaml_text)
    if code is not None and code != item:
        raise RuleFileError(f"{item}.yaml", [("code", f"文件写的是 {code}，草稿是 {item} 的")])
    check_department(session, item=item, department=department, declared=declared)
    number = max((v.number for v in versions(session, item=item)), default=0) + 1
    version = RuleVersion(
        item_code=item,
        department=department,
        number=number,
        label=label or f"v{number}",
        yaml_text=yaml_text,
        scenarios_yaml=scenarios_yaml,
        based_on=based_on,
        note=note,
        created_by=by,
        created_at=_now(),
    )
    session.add(version)
    session.flush()
    return version


def update_draft(
    session: Session,
    *,
    version: RuleVersion,
    by: str,
    department: str,
    yaml_text: str | None = None,
    scenarios_yaml: str | None = None,
    note: str | None = None,
) -> RuleVersion:
    if version.status != VersionStatus.DRAFT.value:
        raise RuleVersionState(
            f"{version.item_code} {version.label} 已{_status_zh(version.status)}，不能再修改；请新建草稿"
        )
    check_department(session, item=version.item_code, department=department, declared=None)
    if yaml_text is not None:
        code, declared = _declared(yaml_text)
        if code is not None and code != version.item_code:
            raise RuleFileError(
                f"{version.item_code}.yaml",
                [("code", f"文件写的是 {code}，草稿是 {version.item_code} 的")],
            )
        check_department(session, item=version.item_code, department=department, declared=declared)
        version.yaml_text = yaml_text
        version.rule_hash = ""
    if scenarios_yaml is not None:
        version.scenarios_yaml = scenarios_yaml or None
    if note is not None:
        version.note = note
    session.add(version)
    session.flush()
    return version


def _status_zh(status: str) -> str:
    return {"draft": "是草稿", "published": "发布", "retired": "停用"}.get(status, status)


# ----------------------------------------------------------------------------------------- checking


def siblings_on(session: Session, *, context: RuleContext, on: date) -> dict[str, LoadedItem]:
    """The plain items (not bundles) in effect on ``on``, parsed: what a bundle's ``same_as`` points into."""
    out: dict[str, LoadedItem] = {}
    for code, version in all_in_effect(session, on=on).items():
        if is_bundle(version.yaml_text):
            continue
        try:
            out[code] = context.parse(version.yaml_text, name=f"{code}.yaml")
        except RuleFileError:
            continue  # a file that no longer parses against today's catalog: not a sibling
    return out


@functools.lru_cache(maxsize=256)
def is_bundle(yaml_text: str) -> bool:
    try:
        raw = yaml.load(yaml_text, Loader=_Loader)
    except yaml.YAMLError:
        return False
    return isinstance(raw, dict) and bool(raw.get("bundle"))


def validate(
    session: Session, *, version: RuleVersion, context: RuleContext, on: date | None = None
) -> LoadedItem:
    """Parse the version's text with the items in effect as siblings; raise RuleFileError on problems."""
    name = f"{version.item_code}.yaml"
    code, _ = _declared(version.yaml_text)
    siblings = siblings_on(session, context=context, on=on or _today())
    siblings.pop(version.item_code, None)
    try:
        loaded = context.parse(version.yaml_text, name=name, siblings=siblings)
    except RuleFileError as exc:
        placed = [p.model_dump() for p in located(version.yaml_text, exc)]
        raise RuleFileError(exc.file, exc.problems, located=placed) from None
    if code != version.item_code:
        raise RuleFileError(name, [("code", f"文件写的是 {code}，这个版本是 {version.item_code} 的")])
    if loaded.item.department != version.department:
        raise RuleFileError(
            name,
            [
                (
                    "department",
                    f"文件写的是 {loaded.item.department}，事项属于 {version.department}",
                )
            ],
        )
    return loaded


def diff(
    session: Session, *, version: RuleVersion, against: RuleVersion | None = None, on: date | None = None
) -> str:
    """Unified diff of the YAML text against ``against`` (default: the version in effect today)."""
    if against is None:
        try:
            against = in_effect(session, item=version.item_code, on=on or _today())
        except NothingPublished:
            against = None
    old = against.yaml_text if against is not None else ""
    old_name = f"{version.item_code}.yaml@{against.label}" if against is not None else "/dev/null"
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        version.yaml_text.splitlines(keepends=True),
        fromfile=old_name,
        tofile=f"{version.item_code}.yaml@{version.label}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def describe(item: Item) -> dict[str, Any]:
    """A short summary of an item for listings."""
    return {
        "code": item.code,
        "name": item.name,
        "department": item.department,
        "bundle": item.bundle,
        "version": item.version,
        "promise_days": item.basic.promise_days,
        "window": item.basic.window,
    }
