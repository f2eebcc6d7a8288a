"""Request and response bodies of rules administration: rule versions, validation and scenarios (pure
pydantic values). Every timestamp sent is aware (UTC, with its offset): the pages show it in the
reader's local time as it is, without guessing a zone."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, Field


class VersionIn(BaseModel):
    yaml_text: str = Field(min_length=1, max_length=1_000_000, description="规则文件全文（YAML）")
    scenarios_yaml: str | None = Field(
        default=None, max_length=1_000_000, description="本版本的场景文件；不填则用语料中的场景"
    )
    label: str = Field(default="", max_length=60)
    note: str = Field(default="", max_length=500)
    based_on: int | None = Field(default=None, ge=1, le=2_147_483_647)


class VersionPatch(BaseModel):
    yaml_text: str | None = Field(default=None, min_length=1, max_length=1_000_000)
    scenarios_yaml: str | None = Field(default=None, max_length=1_000_000)
    note: str | None = Field(default=None, max_length=500)


class AcceptIn(BaseModel):
    """Accept what the draft now decides for one scenario as its new expectation."""

    name: str = Field(min_length=1, max_length=300, description="场景名称")
    reason: str = Field(min_length=2, max_length=500, description="为什么接受（记入场景文件和审计日志）")


class CheckIn(BaseModel):
    """Text to check as it stands in the editor, without saving it (default: the version's own)."""

    yaml_text: str | None = Field(default=None, min_length=1, max_length=1_000_000)
    scenarios_yaml: str | None = Field(default=None, max_length=1_000_000)


class VersionOut(BaseModel):
    id: int
    item_code: str
    department: str
    number: int
    label: str
    status: str
    rule_hash: str
    based_on: int | None
    effective_from: date | None
    note: str
    created_by: str
    created_at: AwareDatetime
    published_by: str | None
    published_at: AwareDatetime | None
    yaml_text: str | None = None
    scenarios_yaml: str | None = None


class PublishIn(BaseModel):
    effective_from: date | None = Field(default=None, description="生效日期；不填为今天")


class RollbackIn(BaseModel):
    to_version: int = Field(ge=1, le=2_147_483_647, description="回滚到的版本 id")
    effective_from: date | None = None


class ScenarioOut(BaseModel):
    name: str
    passed: bool
    problems: list[str]
    findings: list[str]


class ScenariosOut(BaseModel):
    passed: int
    failed: int
    outcomes: list[ScenarioOut]
