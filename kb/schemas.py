"""Pure values of the knowledge base: inputs, what gets indexed, what a search returns."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

ITEM_RE = re.compile(r"^[A-Z]{1,5}-\d{3}$")
FAQ_TARGET_RE = re.compile(r"^([A-Z]{1,5}-\d{3})#Q(\d+)$")
SECTION_TARGET_RE = re.compile(r"^([A-Z]{1,5}-\d{3})#(basic|conditions|materials|reject)$")
TERM_PREFIX = "term:"
EntryKind = Literal["faq", "guide", "term"]


class FaqStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Section(StrEnum):
    BASIC = "basic"
    CONDITIONS = "conditions"
    MATERIALS = "materials"
    REJECT = "reject"


class Actor(BaseModel):
    """Who is acting. Staff may change their own department's entries; admins any."""

    name: str
    department: str | None = None
    role: Literal["staff", "admin", "system"] = "staff"


SYSTEM = Actor(name="system", role="system")


class FaqIn(BaseModel):
    item: str
    item_name: str = ""
    department: str
    question: str = Field(min_length=2, max_length=500)
    answer: str = Field(min_length=1, max_length=5000)
    alternatives: list[str] = Field(default_factory=list, description="Other ways people ask it.")
    tags: list[str] = Field(default_factory=list)
    valid_from: date | None = None
    valid_until: date | None = None
    target: str | None = Field(default=None, description="ITEM#QN; assigned when omitted.")

    @field_validator("item")
    @classmethod
    def _item(cls, v: str) -> str:
        if not ITEM_RE.match(v):
            raise ValueError("item must look like SC-001")
        return v

    @model_validator(mode="after")
    def _dates(self) -> FaqIn:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        if self.target is not None:
            m = FAQ_TARGET_RE.match(self.target)
            if not m or m.group(1) != self.item:
                raise ValueError("target must be ITEM#QN of this item")
        return self


class FaqPatch(BaseModel):
    """Fields to change; None leaves a field as it is."""

    question: str | None = Field(default=None, min_length=2, max_length=500)
    answer: str | None = Field(default=None, min_length=1, max_length=5000)
    alternatives: list[str] | None = None
    tags: list[str] | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    clear_validity: bool = False


class GuideSectionIn(BaseModel):
    """One service-guide section rendered from a rule file (plain data: kb never reads rules)."""

    target: str
    item: str
    section: Section
    title: str
    text: str
    item_name: str = ""

    @model_validator(mode="after")
    def _target(self) -> GuideSectionIn:
        if self.target != f"{self.item}#{self.section.value}":
            raise ValueError("target must be ITEM#section")
        return self


class TermIn(BaseModel):
    """A concept as the glossary defines it: the definition in plain Chinese, its 依据 and other names."""

    term: str = Field(min_length=1, max_length=50)
    definition: str = Field(min_length=2, max_length=5000)
    basis: str = Field(default="", max_length=2000)
    aliases: list[str] = Field(default_factory=list, description="别称: other names people use.")

    @property
    def target(self) -> str:
        return TERM_PREFIX + self.term


class TermPatch(BaseModel):
    """Fields to change; None leaves a field as it is (the term itself is never renamed)."""

    definition: str | None = Field(default=None, min_length=2, max_length=5000)
    basis: str | None = Field(default=None, max_length=2000)
    aliases: list[str] | None = None


class IndexDoc(BaseModel):
    """One searchable entry as the index sees it."""

    target: str
    kind: EntryKind
    item: str
    item_name: str = ""
    department: str
    title: str  # the FAQ question, or "item name + section title"
    alternatives: list[str] = Field(default_factory=list)
    body: str  # the answer, the section text, or the term's definition
    basis: str = ""  # a term's 依据
    valid_from: date | None = None
    valid_until: date | None = None
    content_hash: str


class SyncReport(BaseModel):
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)


class MatchReason(BaseModel):
    keyword_terms: list[str] = Field(default_factory=list, description="Query tokens found in the entry.")
    keyword_score: float | None = None
    keyword_rank: int | None = None
    vector_score: float | None = Field(default=None, description="Cosine similarity of the best chunk.")
    vector_rank: int | None = None
    matched_text: str = Field(default="", description="The chunk or phrasing that matched best.")


class SearchHit(BaseModel):
    target: str
    kind: EntryKind
    item: str
    item_name: str = ""
    department: str
    title: str
    snippet: str
    answer: str = Field(
        default="",
        description="What the desk reads out: the FAQ's answer, the term's definition, "
        "or the whole guide section, never a cut chunk.",
    )
    basis: str = Field(default="", description="依据 of a term, in words.")
    score: float
    why: MatchReason


class ClarifyOption(BaseModel):
    """An item the answer depends on, with the entry that answers the question for it."""

    item: str
    item_name: str = ""
    target: str
    title: str = ""


class RouteAnswer(BaseModel):
    """The item a goal was routed to, as the item finder knows it: what to prepare and how long."""

    item: str
    item_name: str
    department: str
    bundle: bool = False
    promise: str = Field(default="", description="承诺时限, from the item's guide")
    window: str = ""
    prepare: list[str] = Field(default_factory=list, description="The materials to prepare (必要材料).")


class SearchResult(BaseModel):
    query: str
    rewritten: str = Field(description="The query after glossary and typo repair.")
    expansions: dict[str, str] = Field(default_factory=dict)
    corrections: dict[str, str] = Field(default_factory=dict)
    confident: bool
    confidence: float = Field(description="Estimated probability that the top hit answers the query.")
    hits: list[SearchHit] = Field(default_factory=list)
    clarify: list[ClarifyOption] = Field(
        default_factory=list,
        description="When the answer differs by item: the items to ask the person to choose between.",
    )
    route: RouteAnswer | None = Field(default=None, description="The item a goal was routed to.")
    took_ms: float = 0.0


class HitTestCase(BaseModel):
    id: str
    query: str
    targets: list[str] = Field(default_factory=list)  # [] = nothing in the KB should answer it
    who: str | None = None
    note: str | None = None


class HitTestOutcome(BaseModel):
    id: str
    query: str
    targets: list[str]
    confident: bool
    rank: int | None = Field(
        description="1-based rank of the first expected target within k, None if missed."
    )
    top: list[str]
    ok: bool


class HitTestReport(BaseModel):
    k: int
    n_in_scope: int
    n_out_of_scope: int
    recall_at_1: float
    recall_at_5: float
    recall_at_k: float
    mrr: float
    no_answer_rate: float | None
    false_abstention_rate: float
    outcomes: list[HitTestOutcome]

    @property
    def misses(self) -> list[HitTestOutcome]:
        return [o for o in self.outcomes if not o.ok]


class QuestionCheck(BaseModel):
    """One question of a publish check: searched against the knowledge base as it would be after
    publishing, it must come back with the entry as its answer."""

    query: str
    source: Literal["question", "alternative", "extra"]
    rank: int | None = Field(description="1-based rank of the entry among the results, None if absent.")
    confident: bool
    asked_back: bool = Field(description="The search asked back, offering this entry among the choices.")
    winner: str | None = Field(default=None, description="The entry that came first instead, if another.")
    winner_title: str = ""
    ok: bool
    why: str = Field(description="In Chinese, for the staff member.")


class PublishCheck(BaseModel):
    target: str
    ok: bool
    summary: str
    checks: list[QuestionCheck]


class DraftView(BaseModel):
    """What the editor shows: the draft's content (the live entry's where the draft leaves it)."""

    target: str
    kind: Literal["faq", "term"]
    department: str
    status: FaqStatus = Field(description="The live entry's status.")
    version: int = Field(description="The live entry's version.")
    pending: bool = Field(description="A saved edit of a live entry, not yet published.")
    fields: dict[str, object]
    base_version: int
    updated_by: str
    source: str = ""
