"""Bodies of the knowledge-base entry routes: FAQs and terms as staff see them, their drafts, hit tests
and publishing (#16, #15)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from kb.schemas import FaqPatch, PublishCheck, TermPatch

__all__ = ["FaqDraftIn", "FaqOut", "FaqPublished", "PublishIn", "TermDraftIn", "TermOut", "TermPublished"]


class FaqOut(BaseModel):
    target: str
    item: str
    item_name: str
    department: str
    question: str
    answer: str
    alternatives: list[str]
    tags: list[str]
    status: str
    valid_from: date | None
    valid_until: date | None
    version: int
    updated_by: str
    pending: bool = Field(default=False, description="有已保存、未发布的修改稿（线上仍是已发布的版本）")


class TermOut(BaseModel):
    target: str
    term: str
    definition: str
    basis: str
    aliases: list[str]
    department: str
    status: str
    version: int
    updated_by: str
    pending: bool = Field(default=False, description="有已保存、未发布的修改稿")


class PublishIn(BaseModel):
    """Extra test questions the staff member adds to the entry's own questions."""

    questions: list[str] = Field(
        default_factory=list, max_length=20, description="另外要测试的问法（每个都必须找到本条目）"
    )


class FaqPublished(BaseModel):
    entry: FaqOut
    check: PublishCheck


class TermPublished(BaseModel):
    entry: TermOut
    check: PublishCheck


_EXPECTED = Field(default=None, ge=1, description="编辑时看到的线上版本（其间有人发布则拒绝保存，防止覆盖）")


class FaqDraftIn(FaqPatch):
    expected_version: int | None = _EXPECTED


class TermDraftIn(TermPatch):
    expected_version: int | None = _EXPECTED
