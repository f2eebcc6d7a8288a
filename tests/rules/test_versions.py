"""rules.service and rules.live: the rule versions table without the API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel

from core.db import make_engine
from rules import publishing, service
from rules.errors import NothingPublished, NotYourDepartment, RuleVersionState, ScenarioFailed
from rules.live import LiveEvaluator, RuleLibrary
from rules.models import RuleVersion

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
JT = "安和市交通运输局"


@pytest.fixture(scope="module")
def context() -> service.RuleContext:
    return service.RuleContext.from_corpus(CORPUS / "rules", scenarios_dir=CORPUS / "scenarios")


@pytest.fixture
def session(context: service.RuleContext) -> Iterator[Session]:
    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine, tables=[RuleVersion.__table__])  # type: ignore[attr-defined]
    with Session(engine) as s:
        publishing.seed(s, rules_dir=CORPUS / "rules", context=context)
        yield s


def test_seed_is_idempotent_and_in_effect(session: Session, context: service.RuleContext) -> None:
    assert service.item_codes(session) == [
        "HB-001",
        "JT-001",
        "RS-001",
        "SC-001",
        "SL-001",
        "YJ-001",
        "YJS-001",
    ]
    assert publishing.seed(session, rules_dir=CORPUS / "rules", context=context) == []
    v = service.in_effect(session, item="JT-001", on=date(2026, 3, 2))
    assert v.label == "v1" and v.status == "published" and v.department == JT
    with pytest.raises(NothingPublished):
        service.in_effect(session, item="XX-001", on=date(2026, 3, 2))


def test_publish_effective_dated_and_rollback(session: Session, context: service.RuleContext) -> None:
    text = (
        (CORPUS / "rules" / "JT-001.yaml")
        .read_text(encoding="utf-8")
        .replace("承诺工作日: 5", "承诺工作日: 4")
    )
    draft = service.draft(session, item="JT-001", yaml_text=text, by="s", department=JT)
    assert "+  承诺工作日: 4" in service.diff(session, version=draft)
    publishing.publish(
        session, version=draft, context=context, by="s", department=JT, effective_from=date(2027, 1, 1)
    )
    with pytest.raises(RuleVersionState):
        publishing.publish(session, version=draft, context=context, by="s", department=JT)
    assert service.in_effect(session, item="JT-001", on=date(2026, 12, 31)).label == "v1"
    assert service.in_effect(session, item="JT-001", on=date(2027, 1, 1)).label == "v2"
    library = RuleLibrary(
        context=context,
        resolve=lambda on: {c: v.yaml_text for c, v in service.all_in_effect(session, on=on).items()},
    )
    live = library.evaluator()
    with LiveEvaluator.at(date(2027, 1, 4)):
        assert live.loaded("JT-001").item.basic.promise_days == 4
    assert library.loaded("JT-001", date(2026, 1, 4)).item.basic.promise_days == 5
    v1 = service.in_effect(session, item="JT-001", on=date(2026, 1, 1))
    back = publishing.rollback(
        session,
        item="JT-001",
        to_version=v1.id or 0,
        context=context,
        by="s",
        department=JT,
        effective_from=date(2026, 6, 1),
    )
    assert back.rule_hash == v1.rule_hash and draft.status == "retired"
    assert service.in_effect(session, item="JT-001", on=date(2027, 6, 1)).id == back.id


def test_refusals(session: Session, context: service.RuleContext) -> None:
    text = (CORPUS / "rules" / "JT-001.yaml").read_text(encoding="utf-8")
    with pytest.raises(NotYourDepartment):
        service.draft(session, item="JT-001", yaml_text=text, by="x", department="安和市水利局")
    failing = service.draft(
        session,
        item="JT-001",
        yaml_text=text.replace("    tolerance_days: 3\n", "", 1),
        by="s",
        department=JT,
    )
    with pytest.raises(ScenarioFailed) as err:
        publishing.publish(session, version=failing, context=context, by="s", department=JT)
    assert err.value.detail and failing.status == "draft"
