"""The rule form writes its changes into the rule file's text and nothing else: every corpus file, every
material, the untouched text byte for byte (comments included), the result reading back as intended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.codes import Code
from rules.form import FormEdit, FormError, apply, read, scalar
from rules.loader import item_files
from rules.service import RuleContext
from tests.fixtures.api_app import CORPUS

FILES = item_files(CORPUS / "rules")


def _load(text: str) -> Any:
    return yaml.safe_load(text)


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def context() -> RuleContext:
    return RuleContext.from_corpus(CORPUS / "rules")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_material_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    form = read(text, name=path.name)
    raw = _load(text)
    assert [m.id for m in form.materials] == [m["id"] for m in raw["materials"]]
    for m in form.materials:
        days = (m.tolerance_days or 0) + 1
        changed = apply(text, [FormEdit(op="set", material=m.id, key="tolerance_days", value=days)], name="x")
        expected = _load(text)
        expected["materials"][m.index]["tolerance_days"] = days
        assert _load(changed) == expected and _comments(changed) == _comments(text)
        assert len(changed.splitlines()) - len(text.splitlines()) == (0 if m.tolerance_days else 1)
        if m.tolerance_days is None:  # 容缺 on, then off again: the very same text
            off = FormEdit(op="set", material=m.id, key="tolerance_days", value=None)
            assert apply(changed, [off], name="x") == text
        if m.checks:  # a 审查要点 added, then removed: the very same text
            add = FormEdit(op="add_check", material=m.id, code=Code.NOT_SIGNED, args={"who": "申请人"})
            added = apply(text, [add], name="x")
            checks = _load(added)["materials"][m.index]["checks"]
            assert checks[-1] == {"NOT_SIGNED": "申请人"}
            drop = FormEdit(op="remove_check", material=m.id, check=len(checks) - 1)
            assert apply(added, [drop], name="x") == text


def test_a_change_reads_back_as_a_valid_rule_file(context: RuleContext) -> None:
    text = (CORPUS / "rules" / "HB-001.yaml").read_text(encoding="utf-8")
    edits = [
        FormEdit(op="set", material="M7", key="tolerance_days", value="7"),
        FormEdit(op="set", key="承诺工作日", value="8"),
        FormEdit(op="set", key="收费", value="不收费: 依法免收"),  # ": " needs quoting
        FormEdit(
            op="set", material="M2", key="when", value="applicant_type in [enterprise, individual_business]"
        ),
        FormEdit(op="remove_check", material="M1", check=1),
        FormEdit(
            op="add_check",
            material="M1",
            code=Code.NAME_MISMATCH,
            args={"field": "建设单位", "equals": "applicant_name", "when": "by_agent = true"},
        ),
        FormEdit(op="add_check", material="M2", code=Code.FIELD_EMPTY, args={"fields": "项目名称、建设单位"}),
    ]
    item = context.parse(apply(text, edits, name="HB-001.yaml"), name="HB-001.yaml").item
    m1, m2, m7 = item.material("M1"), item.material("M2"), item.material("M7")
    assert m7.tolerance_days == 7 and item.basic.promise_days == 8 and item.basic.fee == "不收费: 依法免收"
    assert m2.when is not None and m2.checks[-1].fields == ("项目名称", "建设单位")
    assert m1.checks[-1].code is Code.NAME_MISMATCH and m1.checks[-1].equals == ("applicant_name",)
    assert m1.checks[-1].when is not None
    assert Code.UNREADABLE not in [c.code for c in m1.checks]


def test_what_the_form_does_not_edit_is_refused() -> None:
    text = (CORPUS / "rules" / "HB-001.yaml").read_text(encoding="utf-8")
    with pytest.raises(FormError):
        apply(text, [FormEdit(op="set", material="M7", key="recognition", value="x")], name="x")
    with pytest.raises(FormError):
        apply(text, [FormEdit(op="set", material="M99", key="name", value="x")], name="x")
    with pytest.raises(FormError):
        apply(text, [FormEdit(op="add_check", material="M7", code=Code.MISSING)], name="x")
    odd = FormEdit(op="add_check", material="M7", code=Code.NOT_SIGNED, args={"who: x, y": "z"})
    with pytest.raises(FormError):
        apply(text, [odd], name="x")


@pytest.mark.parametrize(
    "value", ["原件 1 份", "true", "10", "a: b", "[x]", "#1", "- x", "须为「证明」，或 'x'", '引号"内']
)
def test_scalars_read_back_as_written(value: str) -> None:
    assert yaml.safe_load(f"k: {scalar(value)}") == {"k": value}
    assert yaml.safe_load(f"k: {{a: {scalar(value)}}}") == {"k": {"a": value}}
