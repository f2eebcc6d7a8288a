"""Request and response bodies of the rule editor (the form and the validation it shows)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from rules.form import FormEdit, RuleForm
from rules.problem_text import Located


class ValidationOut(BaseModel):
    valid: bool
    rule_hash: str | None = None
    problems: list[Located] = Field(
        default_factory=list, description="每个问题：位置（材料 M7《…》的 容缺天数）、问题、行和列（从 1 起）"
    )


class FormIn(BaseModel):
    """The editor's text and the changes made in the form since it was read (none: just read it)."""

    yaml_text: str = Field(min_length=1, max_length=1_000_000)
    edits: list[FormEdit] = Field(default_factory=list, max_length=50)


class FormOut(BaseModel):
    yaml_text: str = Field(description="改后的规则文件全文：表单未改动的部分与原文逐字相同")
    form: RuleForm
    changed: bool
