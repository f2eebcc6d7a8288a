"""The rule editor's form: read what departments change most from a rule file's text and write the
form's changes back into it (nothing is saved: the page saves the text as a draft when asked)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.deps import Principal, ServicesDep, SessionDep, require
from api.models import Role
from api.rule_outline import check_line
from api.rule_schemas import FormIn, FormOut
from core.errors import Forbidden
from rules import form as rule_form
from rules import service as rule_service
from rules.errors import RuleFileError
from rules.expr import Expr, parse
from rules.form import RuleForm
from rules.places import load_text
from rules.problem_text import located
from rules.spec import Check, FactCatalog
from rules.wording import describe

router = APIRouter(prefix="/rules", tags=["rules"])
Staff = Annotated[Principal, Depends(require(Role.STAFF))]


@router.post(
    "/{item}/form",
    summary="表单编辑：读出材料、必要性、容缺、份数、审查要点、时限、收费；带 edits 时写回规则文件（不保存）",
)
def edit_form(item: str, body: FormIn, session: SessionDep, services: ServicesDep, staff: Staff) -> FormOut:
    own = rule_service.owner(session, item=item)
    if not staff.department or (own is not None and own != staff.department):
        raise Forbidden(f"事项 {item} 的收件标准属于{own}，本账号只能修改本部门的规则")
    name = f"{item}.yaml"
    text = body.yaml_text
    try:
        text = rule_form.apply(text, body.edits, name=name)
        form = rule_form.read(text, name=name)
    except RuleFileError as exc:
        placed = [p.model_dump() for p in located(text, exc)]
        raise RuleFileError(exc.file, exc.problems, located=placed) from None
    return FormOut(
        yaml_text=text,
        form=_in_words(form, text, catalog=services.context.catalog, name=name),
        changed=text != body.yaml_text,
    )


def _in_words(form: RuleForm, text: str, *, catalog: FactCatalog, name: str) -> RuleForm:
    """The form with each 审查要点 and 条件 in words, as the outline shows them (those that read)."""
    raw = load_text(text, name=name)
    names = {m.id: m.name for m in form.materials}
    facts = {name: spec.label for name, spec in {**catalog.facts, **catalog.derived}.items()}

    def words(expr: Expr) -> str:
        return describe(expr, catalog=catalog, materials=names)

    materials = []
    for material in form.materials:
        written = raw["materials"][material.index].get("checks") or []
        rows = [
            row.model_copy(update={"said": _said(written[row.index], words, facts)})
            for row in material.checks
        ]
        when = _quietly(functools.partial(_said_when, material.when, words)) if material.when else ""
        materials.append(material.model_copy(update={"checks": rows, "when_said": when}))
    return form.model_copy(update={"materials": materials})


def _said(raw: Any, words: Callable[[Expr], str], facts: dict[str, str]) -> str:
    def say() -> str:
        line = check_line(Check.model_validate(raw), words, facts=facts)
        return line.text + (f"（仅当 {line.when}）" if line.when else "")

    return _quietly(say)


def _said_when(when: str, words: Callable[[Expr], str]) -> str:
    return words(parse(when))


def _quietly(say: Callable[[], str]) -> str:
    """The words, or nothing when the text does not read yet (validation says why)."""
    try:
        return say()
    except (ValueError, KeyError, TypeError):  # pydantic's ValidationError and ExprError are ValueErrors
        return ""
