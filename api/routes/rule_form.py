"""The rule editor's form: read what departments change most from a rule file's text and write the
form's changes back into it (nothing is saved: the page saves the text as a draft when asked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import Principal, SessionDep, require
from api.models import Role
from api.rule_schemas import FormIn, FormOut
from core.errors import Forbidden
from rules import form as rule_form
from rules import service as rule_service
from rules.errors import RuleFileError
from rules.problem_text import located

router = APIRouter(prefix="/rules", tags=["rules"])
Staff = Annotated[Principal, Depends(require(Role.STAFF))]


@router.post(
    "/{item}/form",
    summary="表单编辑：读出材料、必要性、容缺、份数、审查要点、时限、收费；带 edits 时写回规则文件（不保存）",
)
def edit_form(item: str, body: FormIn, session: SessionDep, staff: Staff) -> FormOut:
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
    return FormOut(yaml_text=text, form=form, changed=text != body.yaml_text)
