"""Load and validate rule files: YAML → typed Item, with every reference checked at load.

Errors name the file, the path inside it (``materials[3].checks[2].field``) and what is wrong;
a YAML syntax error names the line and column. The messages are in Chinese, for department staff;
nothing here raises a bare traceback at a department.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from rules.errors import RuleFileError
from rules.places import syntax_problem
from rules.problem_text import pydantic_message
from rules.spec import FactCatalog, Item, Material
from rules.validate import problems_of

# libyaml's loader when the wheel has it: about 20 times faster than the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FACTS_FILE = "facts.yaml"
COMMON_FILE = "common.yaml"


class LoadedItem(BaseModel):
    model_config = ConfigDict(frozen=True)
    item: Item
    rule_hash: str
    source: str  # the file it came from


def read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise RuleFileError(path.name, [syntax_problem(exc)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(path.name, [("", f"无法读取文件：{exc}")]) from None


def _loc(loc: tuple[Any, ...], raw: Any) -> str:
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            if isinstance(node, list):  # pydantic names tagged-union branches; skip them
                continue
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def pydantic_problems(exc: ValidationError, raw: Any) -> list[tuple[str, str]]:
    return [(_loc(tuple(e["loc"]), raw), pydantic_message(e)) for e in exc.errors()]


def load_catalog(directory: Path) -> FactCatalog:
    path = directory / FACTS_FILE
    raw = read_yaml(path)
    try:
        return FactCatalog.model_validate(raw)
    except ValidationError as exc:
        raise RuleFileError(path.name, pydantic_problems(exc, raw)) from None


def load_common(directory: Path) -> dict[str, dict[str, Any]]:
    path = directory / COMMON_FILE
    raw = read_yaml(path) if path.exists() else {}
    if not isinstance(raw, dict):
        raise RuleFileError(path.name, [("", "应为 GM-* 通用材料的“名称: 值”列表")])
    return raw


def _inherit(
    raw: dict[str, Any], common: dict[str, dict[str, Any]], siblings: dict[str, Item]
) -> dict[str, Any]:
    """Fill a material from its common material (GM-*) or, in bundles, from the material it is the same as."""
    out = dict(raw)
    base: dict[str, Any] = {}
    if isinstance(raw.get("common"), str) and raw["common"] in common:
        base = {k: v for k, v in common[raw["common"]].items() if k in ("recognition", "fields", "parts")}
    same = raw.get("same_as")
    if isinstance(same, str) and "/" in same:
        code, mid = same.split("/", 1)
        if code in siblings:
            try:
                origin = siblings[code].material(mid)
            except KeyError:
                origin = None
            if origin is not None:
                base = _material_as_raw(origin)
                extra = out.pop("extra_checks", None) or []
                out["checks"] = list(out.get("checks") or base.pop("checks", [])) + list(extra)
    for key, value in base.items():
        out.setdefault(key, value)
    return out


def _material_as_raw(material: Material) -> dict[str, Any]:
    dumped = material.model_dump(mode="json", exclude={"id", "name", "form", "source", "same_as", "maps_to"})
    # Expressions were parsed already; keep the parsed form (model_validate accepts it).
    dumped["checks"] = [c for c in material.checks]
    dumped["when"] = material.when
    return {
        k: v for k, v in dumped.items() if k in ("recognition", "fields", "parts", "checks", "per", "common")
    }


def parse_item(
    raw: Any,
    *,
    name: str,
    catalog: FactCatalog,
    common: dict[str, dict[str, Any]],
    siblings: dict[str, Item] | None = None,
) -> LoadedItem:
    """Validate one rule file's content; raise RuleFileError listing every problem found."""
    if not isinstance(raw, dict):
        raise RuleFileError(name, [("", "规则文件应由 code、name、basic、materials 等“名称: 值”组成")])
    prepared = dict(raw)
    if isinstance(raw.get("materials"), list):
        prepared["materials"] = [
            _inherit(m, common, siblings or {}) if isinstance(m, dict) else m for m in raw["materials"]
        ]
    try:
        item = Item.model_validate(prepared)
    except ValidationError as exc:
        raise RuleFileError(name, pydantic_problems(exc, raw)) from None
    problems = problems_of(item, catalog)
    if problems:
        raise RuleFileError(name, problems)
    dumped = item.model_dump(mode="json", by_alias=True)
    for material in dumped["materials"]:
        if material.get("licence") is None:  # unmarked materials hash as before the key existed
            material.pop("licence", None)
    canonical = json.dumps(dumped, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    return LoadedItem(item=item, rule_hash=digest, source=name)


def load_item(
    path: Path,
    *,
    catalog: FactCatalog,
    common: dict[str, dict[str, Any]],
    siblings: dict[str, Item] | None = None,
) -> LoadedItem:
    return parse_item(read_yaml(path), name=path.name, catalog=catalog, common=common, siblings=siblings)


def item_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name not in (FACTS_FILE, COMMON_FILE))
