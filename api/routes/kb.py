"""Knowledge base routes (kb/ is written alongside; wired in only when its API is importable)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

router = APIRouter(prefix="/kb", tags=["kb"])


def available() -> bool:
    return False


def build(services: Any) -> Any:
    return None
