"""A malformed rule file gets an error naming the file, the place inside it and what is wrong."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.book import RuleBook
from rules.errors import RuleFileError
from rules.loader import load_catalog, load_common, parse_item, read_yaml

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "rules"


@pytest.fixture(scope="module")
def jt() -> dict[str, Any]:
    return dict(yaml.safe_load((CORPUS / "JT-001.yaml").read_text(encoding="utf-8")))


def _problems(raw: Any) -> list[tuple[str, str]]:
    with pytest.raises(RuleFileError) as info:
        parse_item(raw, name="X.yaml", catalog=load_catalog(CORPUS), common=load_common(CORPUS))
    assert "X.yaml" in info.value.message
    return info.value.problems


def test_all_seven_files_load() -> None:
    book = RuleBook.load(CORPUS, strict=False)
    assert not book.errors
    assert sorted(book.items) == ["HB-001", "JT-001", "RS-001", "SC-001", "SL-001", "YJ-001", "YJS-001"]
    assert all(len(li.rule_hash) == 16 for li in book.items.values())


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "JT-001.yaml"
    bad.write_text("code: JT-001\nmaterials: [\n  - id: M1\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        read_yaml(bad)
    where, problem = info.value.problems[0]
    assert re.fullmatch(r"第 \d+ 行第 \d+ 列", where) and problem.startswith("YAML 格式错误：")


def test_unknown_fact_in_condition(jt: dict[str, Any]) -> None:
    raw = {**jt, "conditions": [{**jt["conditions"][0], "require": "applicant_kind = enterprise"}]}
    where, what = _problems(raw)[0]
    assert where == "conditions[0].require" and "applicant_kind" in what


def test_bad_enum_literal(jt: dict[str, Any]) -> None:
    raw = {**jt, "conditions": [{**jt["conditions"][0], "require": "applicant_type = enterprize"}]}
    assert "enterprize" in _problems(raw)[0][1]


def test_dangling_field_and_unknown_code(jt: dict[str, Any]) -> None:
    m1 = dict(jt["materials"][0])
    m1["checks"] = [{"EXPIRED": "没有这个栏目"}]
    problems = _problems({**jt, "materials": [m1, *jt["materials"][1:]]})
    assert any("没有这个栏目" in what for _, what in problems)
    m1["checks"] = [{"SMUDGED": "申请人名称"}]
    problems = _problems({**jt, "materials": [m1, *jt["materials"][1:]]})
    assert problems[0][0].startswith("materials[0].checks[0]")


def test_duplicate_ids(jt: dict[str, Any]) -> None:
    problems = _problems({**jt, "materials": [jt["materials"][0], jt["materials"][0], *jt["materials"][2:]]})
    assert any("编号 M1 重复" in what for _, what in problems)


def test_unknown_key_and_wrong_type(jt: dict[str, Any]) -> None:
    problems = _problems({**jt, "colour": "red"})
    assert problems[0][0] == "colour"
    m2 = {**jt["materials"][1], "tolerance_days": "three"}
    problems = _problems({**jt, "materials": [jt["materials"][0], m2, *jt["materials"][2:]]})
    assert problems[0][0] == "materials[1].tolerance_days"


def test_not_a_mapping() -> None:
    assert _problems(["just", "a", "list"])[0][1].startswith("规则文件应由")


def test_validate_collects_every_bad_file(tmp_path: Path) -> None:
    for name in ("facts.yaml", "common.yaml", "JT-001.yaml"):
        (tmp_path / name).write_text((CORPUS / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "XX-001.yaml").write_text("code: XX-001\n", encoding="utf-8")
    book = RuleBook.load(tmp_path, strict=False)
    assert list(book.items) == ["JT-001"]
    assert [e.file for e in book.errors] == ["XX-001.yaml"]


def test_licence_marking_is_checked(jt: dict[str, Any]) -> None:
    raw = {**jt, "materials": [dict(m) for m in jt["materials"]]}
    m2 = raw["materials"][1]
    m2["licence"] = {"type": "营业执照", "holder": "no_such_fact", "fields": {"没有这个字段": "持证主体"}}
    raw["materials"][7]["licence"] = {"type": "驾驶证", "holder": "legal_rep_id"}  # M8: one set per driver
    problems = dict(_problems(raw))
    assert "申报事实「no_such_fact」不存在" in problems["materials[1].licence.holder"]
    assert "没有字段「没有这个字段」" in problems["materials[1].licence.fields.没有这个字段"]
    assert "不能用一份电子证照代替" in problems["materials[7].licence"]
    m2["licence"] = {"type": "营业执照", "holder": "applicant_type"}
    assert "不是持证主体代码" in dict(_problems(raw))["materials[1].licence.holder"]
    m2["licence"] = {"type": "营业执照", "holder": "uscc", "fields": {"名称": "照面信息"}}
    assert "materials[1].licence.fields.名称" in dict(_problems(raw))


def test_unmarked_items_hash_as_before_the_licence_key(jt: dict[str, Any]) -> None:
    catalog, common = load_catalog(CORPUS), load_common(CORPUS)
    unmarked = {**jt, "materials": [{k: v for k, v in m.items() if k != "licence"} for m in jt["materials"]]}
    marked = parse_item(jt, name="JT-001.yaml", catalog=catalog, common=common)
    plain = parse_item(unmarked, name="JT-001.yaml", catalog=catalog, common=common)
    assert marked.item.material("M2").licence is not None and plain.item.material("M2").licence is None
    assert marked.rule_hash != plain.rule_hash
    # a file without any marking hashes as before the key existed: its dump has no "licence" at all
    dumped = plain.item.model_dump(mode="json", by_alias=True)
    for material in dumped["materials"]:
        assert material.pop("licence") is None
    canonical = json.dumps(dumped, ensure_ascii=False, sort_keys=True)
    assert plain.rule_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
