"""Case folders as ../shared/cases/README.md defines them: case.json + files/."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from prereview.errors import CaseFolderError
from prereview.pipeline import UploadedFile


class CaseFile(BaseModel):
    path: str
    slot: str | None = None


class CaseFolder(BaseModel):
    case_id: str
    item: str
    review_date: date
    declared: dict[str, Any] = Field(default_factory=dict)
    files: list[CaseFile] = Field(default_factory=list)

    def uploads(self, root: Path) -> list[UploadedFile]:
        out = []
        for f in self.files:
            path = (root / f.path).resolve()
            if root.resolve() not in path.parents:
                raise CaseFolderError(f"{root.name}: 文件路径 {f.path!r} 指向案件目录之外")
            out.append(UploadedFile(path=path, name=Path(f.path).name, slot=f.slot))
        return out


def load_case(folder: Path) -> CaseFolder:
    path = folder / "case.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return CaseFolder.model_validate(raw)
    except FileNotFoundError:
        raise CaseFolderError(f"{folder}: 没有 case.json") from None
    except (ValueError, ValidationError) as exc:
        raise CaseFolderError(f"{path}: case.json 格式不对：{exc}") from None


def find_cases(root: Path) -> list[Path]:
    """Every case folder at or below ``root`` (a folder holding case.json)."""
    if (root / "case.json").exists():
        return [root]
    return sorted(p.parent for p in root.rglob("case.json"))
