"""Random tokens that are shown once and stored only as their sha256: the bearer tokens of signed-in
users and the case tokens of applicants alike (a stolen database holds no usable token)."""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["new_token", "token_digest"]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
