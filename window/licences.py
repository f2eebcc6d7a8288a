"""The 电子证照 library: look up a holder's licence of a type, get its GB/T 36902 目录信息 and its file.

Two sources answer ``LicenceSource.lookup``: ``LocalLibrary`` (the licences an administrator imported,
the embedded default) and ``HttpSource`` (a provincial platform speaking the JSON contract of
docs/licences.md). Each answers found, not found or unavailable, and never raises: a source that is slow
or down must not hold a case (HttpSource's timeout, retries and circuit breaker).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, col, select

from core.db import Database
from window.models import Licence
from window.storage import BlobStore

__all__ = [
    "CatalogueEntry",
    "CircuitBreaker",
    "HttpSource",
    "LicenceFile",
    "LicenceSource",
    "LicenceStatus",
    "LocalLibrary",
    "Lookup",
    "LookupOutcome",
    "import_licence",
]

log = logging.getLogger("yichuang.licences")


class LicenceStatus(StrEnum):
    VALID = "valid"  # 有效
    EXPIRED = "expired"  # 已过期 (still found: the material's EXPIRED check says so)
    REVOKED = "revoked"  # 已注销 / 已吊销 / 已作废: cannot stand for the material


class CatalogueEntry(BaseModel):
    """A licence's 目录信息 (GB/T 36902); the JSON contract uses the English names, the aliases are the
    standard's."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)
    licence_type: str = Field(alias="证照类型", min_length=1, max_length=60)
    number: str = Field(alias="证照编号", min_length=1, max_length=100)
    holder: str = Field(alias="持证主体", min_length=1, max_length=200)
    holder_code: str = Field(alias="持证主体代码", min_length=1, max_length=64)
    issuer: str = Field(default="", alias="颁发机构", max_length=200)
    issued_on: date | None = Field(default=None, alias="颁发日期")
    valid_from: date | None = Field(default=None, alias="有效期起始")
    valid_until: date | None = Field(default=None, alias="有效期截止")  # None: 长期
    status: LicenceStatus = LicenceStatus.VALID

    def catalogue(self) -> dict[str, str]:
        """The catalogue fields a rule file's ``licence.fields`` may name, as text a material shows."""
        start = f"{self.valid_from:%Y年%m月%d日}" if self.valid_from else ""
        end = f"{self.valid_until:%Y年%m月%d日}" if self.valid_until else "长期"
        return {
            "证照编号": self.number,
            "持证主体": self.holder,
            "持证主体代码": self.holder_code,
            "颁发机构": self.issuer,
            "颁发日期": f"{self.issued_on:%Y年%m月%d日}" if self.issued_on else "",
            "有效期": f"{start}至{end}" if start else end,
        }


class LicenceFile(BaseModel):
    model_config = ConfigDict(frozen=True)
    media_type: str
    content: bytes = Field(repr=False)


class LookupOutcome(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


class Lookup(BaseModel):
    model_config = ConfigDict(frozen=True)
    outcome: LookupOutcome
    entry: CatalogueEntry | None = None
    file: LicenceFile | None = None
    reason: str = ""  # why unavailable, for the log and the clerk (never shown to applicants verbatim)


class LicenceSource(Protocol):
    def lookup(self, *, licence_type: str, holder_code: str, case_ref: str, requested_by: str) -> Lookup: ...


# ----------------------------------------------------------------------------------------- local library


class LocalLibrary:
    """The licences an administrator imported (``import_licence``), files in their own blob store."""

    def __init__(self, *, db: Database, store: BlobStore) -> None:
        self.db = db
        self.store = store

    def lookup(self, *, licence_type: str, holder_code: str, case_ref: str, requested_by: str) -> Lookup:
        try:
            with self.db.scope() as session:
                row = _newest(session, licence_type=licence_type, holder_code=holder_code)
                if row is None:
                    return Lookup(outcome=LookupOutcome.NOT_FOUND)
                entry = _entry(row)
                path, media_type = self.store.path(row.sha256), row.media_type
            return Lookup(
                outcome=LookupOutcome.FOUND,
                entry=entry,
                file=LicenceFile(media_type=media_type, content=path.read_bytes()),
            )
        except Exception as exc:  # the library's database or store failed: the case is judged without it
            log.exception("local licence library failed for %s", case_ref)
            return Lookup(
                outcome=LookupOutcome.UNAVAILABLE, reason=f"本地电子证照库读取失败：{type(exc).__name__}"
            )


def _newest(session: Session, *, licence_type: str, holder_code: str) -> Licence | None:
    """The holder's licence of the type: a valid one first, then the latest issued."""
    stmt = select(Licence).where(
        Licence.licence_type == licence_type, Licence.holder_code == holder_code.strip().upper()
    )
    rows = list(session.exec(stmt.order_by(col(Licence.imported_at).desc())))
    rows.sort(key=lambda r: (r.status != LicenceStatus.VALID.value, -(r.issued_on or date.min).toordinal()))
    return rows[0] if rows else None


def _entry(row: Licence) -> CatalogueEntry:
    return CatalogueEntry(
        licence_type=row.licence_type,
        number=row.number,
        holder=row.holder,
        holder_code=row.holder_code,
        issuer=row.issuer,
        issued_on=row.issued_on,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        status=LicenceStatus(row.status),
    )


def import_licence(
    session: Session,
    *,
    entry: CatalogueEntry,
    tmp: Path,
    sha256: str,
    name: str,
    media_type: str,
    store: BlobStore,
    by: str,
) -> Licence:
    """Import (or replace, by 证照类型 + 证照编号) one licence with its file, already received and checked."""
    store.put(tmp, sha256)
    stmt = select(Licence).where(Licence.licence_type == entry.licence_type, Licence.number == entry.number)
    row = session.exec(stmt).first() or Licence(
        licence_type=entry.licence_type,
        number=entry.number,
        holder="",
        holder_code="",
        sha256="",
        file_name="",
        media_type="",
        imported_by=by,
    )
    row.holder, row.holder_code, row.issuer = entry.holder, entry.holder_code.strip().upper(), entry.issuer
    row.issued_on, row.valid_from, row.valid_until = entry.issued_on, entry.valid_from, entry.valid_until
    row.status, row.sha256, row.file_name, row.media_type = entry.status.value, sha256, name, media_type
    row.imported_by = by
    session.add(row)
    session.flush()
    return row


# ----------------------------------------------------------------------------------------- http source


class CircuitBreaker:
    """Opens after ``failures`` failed look-ups in a row: for ``reset_s`` every look-up is answered
    unavailable at once; then one trial look-up is let through (half-open) and closes it on success."""

    def __init__(self, *, failures: int, reset_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures, self.reset_s, self._clock = failures, reset_s, clock
        self._lock = threading.Lock()
        self._count = 0
        self._opened_at: float | None = None

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at >= self.reset_s:
                self._opened_at = self._clock()  # half-open: this one tries, the others keep waiting
                return True
            return False

    def succeeded(self) -> None:
        with self._lock:
            self._count, self._opened_at = 0, None

    def failed(self) -> None:
        with self._lock:
            self._count += 1
            if self._count >= self.failures:
                self._opened_at = self._clock()

    @property
    def open(self) -> bool:
        with self._lock:
            return self._opened_at is not None


class _Answer(BaseModel):
    found: bool
    licence: CatalogueEntry | None = None
    file_media_type: str = ""
    file_base64: str = ""


class HttpSource:
    """A platform speaking docs/licences.md: ``POST {base}/lookup`` with a bearer token."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str = "",
        timeout_s: float = 3.0,
        retries: int = 1,
        breaker: CircuitBreaker | None = None,
        max_file_bytes: int = 30 * 1024 * 1024,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout_s, transport=transport
        )
        self.retries = retries
        self.breaker = breaker or CircuitBreaker(failures=3, reset_s=60.0)
        self.max_file_bytes = max_file_bytes

    def close(self) -> None:
        self._client.close()

    def lookup(self, *, licence_type: str, holder_code: str, case_ref: str, requested_by: str) -> Lookup:
        if not self.breaker.allow():
            return Lookup(outcome=LookupOutcome.UNAVAILABLE, reason="电子证照库连续无响应，暂停调取（熔断）")
        body = {
            "licence_type": licence_type,
            "holder_code": holder_code,
            "case_ref": case_ref,
            "requested_by": requested_by,
        }
        reason = ""
        for attempt in range(self.retries + 1):
            try:
                answer = self._client.post("/lookup", json=body)
            except httpx.HTTPError as exc:
                reason = f"电子证照库无响应（{type(exc).__name__}）"
            else:
                if answer.status_code == 200:
                    lookup = self._parse(answer, licence_type=licence_type, holder_code=holder_code)
                    if lookup.outcome is not LookupOutcome.UNAVAILABLE:
                        self.breaker.succeeded()
                        return lookup
                    reason = lookup.reason
                elif answer.status_code == 404:
                    self.breaker.succeeded()
                    return Lookup(outcome=LookupOutcome.NOT_FOUND)
                else:
                    reason = f"电子证照库返回 HTTP {answer.status_code}"
                    if answer.status_code < 500:
                        break  # refused (credentials, contract): trying again changes nothing
            if attempt < self.retries:
                time.sleep(min(0.2 * (attempt + 1), 1.0))
        self.breaker.failed()
        log.warning("licence look-up for %s failed: %s", case_ref, reason)
        return Lookup(outcome=LookupOutcome.UNAVAILABLE, reason=reason)

    def _parse(self, answer: httpx.Response, *, licence_type: str, holder_code: str) -> Lookup:
        try:
            parsed = _Answer.model_validate_json(answer.content)
        except ValidationError:
            return Lookup(outcome=LookupOutcome.UNAVAILABLE, reason="电子证照库的答复不符合约定格式")
        if not parsed.found or parsed.licence is None:
            return Lookup(outcome=LookupOutcome.NOT_FOUND)
        entry = parsed.licence
        if entry.licence_type != licence_type or entry.holder_code.upper() != holder_code.strip().upper():
            return Lookup(outcome=LookupOutcome.UNAVAILABLE, reason="电子证照库答复的证照与查询不符")
        try:
            content = base64.b64decode(parsed.file_base64, validate=True)
        except (binascii.Error, ValueError):
            return Lookup(outcome=LookupOutcome.UNAVAILABLE, reason="电子证照库答复的文件无法解码")
        if not content or len(content) > self.max_file_bytes:
            return Lookup(outcome=LookupOutcome.UNAVAILABLE, reason="电子证照库答复的文件为空或过大")
        media_type = parsed.file_media_type or "application/pdf"
        return Lookup(
            outcome=LookupOutcome.FOUND, entry=entry, file=LicenceFile(media_type=media_type, content=content)
        )


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
