"""Concepts as entries: the glossary file parsed, seeded once, edited by the hall's department only,
versioned like FAQs, and indexed as ``term:<词条>`` with its 依据."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kb import service, terms
from kb.errors import NotYourDepartment, StaleVersion
from kb.schemas import Actor, TermPatch
from tests.kb.conftest import ROOT

GLOSSARY = ROOT / "corpus" / "glossary.md"
HALL = "安和市政务服务中心"


def test_the_glossary_file_gives_every_term_with_its_basis_and_other_names() -> None:
    parsed = {t.term: t for t in terms.parse_glossary(GLOSSARY.read_text(encoding="utf-8"))}
    headings = [ln for ln in GLOSSARY.read_text(encoding="utf-8").splitlines() if ln.startswith("## term:")]
    assert len(parsed) == len(headings) == 29
    rongque = parsed["容缺受理"]
    assert rongque.target == "term:容缺受理"
    assert rongque.definition.startswith("申请人的主要材料齐全合格")
    assert "二连浩特市一窗受理实施方案" in rongque.basis
    assert "缺件受理" in rongque.aliases
    assert "依据" not in rongque.definition and "别称" not in rongque.definition


def test_seeding_adds_once_and_never_overwrites_an_edit(session: Session) -> None:
    assert terms.seed_terms(session, path=GLOSSARY, department=HALL) > 20
    hall = Actor(name="desk-lead", department=HALL)
    terms.update_term(session, actor=hall, target="term:补正", patch=TermPatch(definition="改过的释义。"))
    assert terms.seed_terms(session, path=GLOSSARY, department=HALL) == 0
    assert terms.get_term(session, target="term:补正").definition == "改过的释义。"


def test_only_the_halls_staff_edit_terms_and_every_version_is_kept(session: Session) -> None:
    terms.seed_terms(session, path=GLOSSARY, department=HALL)
    other = Actor(name="jt-staff", department="安和市交通运输局")
    with pytest.raises(NotYourDepartment):
        terms.update_term(session, actor=other, target="term:工作日", patch=TermPatch(basis="x"))
    hall = Actor(name="desk-lead", department=HALL)
    row = terms.update_term(
        session, actor=hall, target="term:工作日", patch=TermPatch(aliases=["上班日"]), expected_version=1
    )
    assert row.version == 2
    with pytest.raises(StaleVersion):
        terms.update_term(
            session, actor=hall, target="term:工作日", patch=TermPatch(basis="y"), expected_version=1
        )
    terms.rollback_term(session, actor=hall, target="term:工作日", to_version=1)
    history = terms.term_history(session, target="term:工作日")
    assert [v.action for v in history] == ["create", "edit", "rollback"]
    assert terms.get_term(session, target="term:工作日").aliases == history[0].snapshot["aliases"]


def test_published_terms_are_indexed_as_entries_with_their_basis(session: Session) -> None:
    terms.seed_terms(session, path=GLOSSARY, department=HALL)
    docs = {d.target: d for d in service.index_documents(session) if d.kind == "term"}
    assert "term:首问负责制" in docs
    assert docs["term:首问负责制"].basis.startswith("《平桥区政务服务中心管理制度》")
    assert docs["term:首问负责制"].department == HALL
    hall = Actor(name="desk-lead", department=HALL)
    terms.retire_term(session, actor=hall, target="term:首问负责制")
    assert "term:首问负责制" not in {d.target for d in service.index_documents(session)}
