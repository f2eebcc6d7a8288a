"""Multipart uploads streamed to disk, checked while they stream.

Every file part is written to a temporary file beside the blob store while its sha256 is computed;
its first kilobyte decides its type by magic bytes (``prereview.sniff``: an .exe renamed .pdf is
refused before the rest is read) and a part or a request over its byte cap stops the read at once
(413). An image whose header declares more pixels than the limit is refused after it is stored
(422). Nothing reaches the blob store until the whole request was accepted.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from PIL import Image
from python_multipart.multipart import MultipartParser, parse_options_header

from core.config import Settings
from prereview.errors import UnreadableFile
from prereview.sniff import HEAD_BYTES, IMAGE_KINDS, Kind, Sniffed, check_readable, claimed_kind, sniff_bytes
from window.errors import UploadRefused
from window.storage import Received

T = TypeVar("T")

_STATUS = {"too_large": 413, "unsupported": 415, "disguised": 415, "empty": 422}


@dataclass
class Limits:
    max_file_bytes: int
    case_bytes_left: int
    files_left: int
    max_pixels: int


def case_limits(settings: Settings, *, used_bytes: int, used_files: int) -> Limits:
    """What one more upload to a case may hold: the per-file caps and what the case's caps leave. A case
    with no file left to take is refused before its body is read."""
    limits = Limits(
        max_file_bytes=settings.max_file_bytes,
        case_bytes_left=max(0, settings.max_case_bytes - used_bytes),
        files_left=max(0, settings.max_case_files - used_files),
        max_pixels=settings.max_pixels,
    )
    if limits.files_left == 0:
        raise UploadRefused("本案上传的文件数已达上限", reason="too_many_files", status=413)
    return limits


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    header_name: bytes = b""
    header_value: bytes = b""
    disposition: bytes = b""
    data: bytearray = field(default_factory=bytearray)
    head: bytearray = field(default_factory=bytearray)
    checked: bool = False
    size: int = 0
    digest: Any = None
    fh: Any = None
    tmp: Path | None = None


def _refuse(name: str, exc: UnreadableFile) -> UploadRefused:
    return UploadRefused(
        f"{name}：{exc.message}",
        reason=exc.reason,
        status=_STATUS.get(exc.reason, 422),
        detail=[{"name": name, "reason": exc.reason, "message": exc.message}],
    )


class _Collector:
    def __init__(self, *, tmp_dir: Path, limits: Limits) -> None:
        self.tmp_dir = tmp_dir
        self.limits = limits
        self.part = _Part()
        self.files: list[Received] = []
        self.fields: dict[str, str] = {}
        self.total = 0

    # python-multipart callbacks -----------------------------------------------------------------
    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.part.header_name.lower() == b"content-disposition":
            self.part.disposition = self.part.header_value
        self.part.header_name, self.part.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.part.disposition)
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            name = options[b"filename"].decode("utf-8", "replace")
            self.part.filename = os.path.basename(name.replace("\\", "/"))[:200] or "upload"
            if len(self.files) >= self.limits.files_left:
                raise UploadRefused("本案上传的文件数已达上限", reason="too_many_files", status=413)
            fd, tmp = tempfile.mkstemp(dir=self.tmp_dir, prefix="up-")
            self.part.fh = os.fdopen(fd, "wb")
            self.part.tmp = Path(tmp)
            self.part.digest = hashlib.sha256()
            self.files.append(Received(name=self.part.filename, tmp=self.part.tmp))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        part = self.part
        if part.fh is None:
            if len(part.data) + len(chunk) > 64 * 1024:
                raise UploadRefused("表单字段过长", reason="field_too_large", status=413)
            part.data.extend(chunk)
            return
        part.size += len(chunk)
        self.total += len(chunk)
        name = part.filename or "upload"
        if part.size > self.limits.max_file_bytes:
            raise UploadRefused(
                f"{name}：文件超过 {_mib(self.limits.max_file_bytes)} 的上限，请压缩或拆分后重新上传",
                reason="too_large",
                status=413,
                detail=[
                    {
                        "name": name,
                        "reason": "too_large",
                        "message": f"超过 {_mib(self.limits.max_file_bytes)}",
                    }
                ],
            )
        if self.total > self.limits.case_bytes_left:
            raise UploadRefused(
                f"本案上传文件总量超过上限（剩余 {_mib(self.limits.case_bytes_left)}）",
                reason="case_too_large",
                status=413,
            )
        if not part.checked:
            part.head.extend(chunk[: HEAD_BYTES - len(part.head)])
            if len(part.head) >= HEAD_BYTES:
                self._check_type(part)
        part.digest.update(chunk)
        part.fh.write(chunk)

    def on_part_end(self) -> None:
        part = self.part
        if part.fh is None:
            self.fields[part.name] = part.data.decode("utf-8", "replace")
            return
        part.fh.close()
        name = part.filename or "upload"
        if part.size == 0:
            from prereview.errors import EmptyFile

            raise _refuse(name, EmptyFile())
        if not part.checked:
            self._check_type(part)
        received = self.files[-1]
        received.size = part.size
        received.sha256 = part.digest.hexdigest()

    def on_end(self) -> None:
        return None

    # ---------------------------------------------------------------------------------------------
    def _check_type(self, part: _Part) -> None:
        part.checked = True
        name = part.filename or "upload"
        sniffed = Sniffed(
            kind=sniff_bytes(bytes(part.head)), claimed=claimed_kind(name), size=max(part.size, 1)
        )
        try:
            kind = check_readable(sniffed, max_bytes=self.limits.max_file_bytes)
        except UnreadableFile as exc:
            raise _refuse(name, exc) from None
        self.files[-1].kind = kind
        self.files[-1].media_type = sniffed.media_type

    def cleanup(self) -> None:
        if self.part.fh is not None and not self.part.fh.closed:
            self.part.fh.close()
        for f in self.files:
            f.tmp.unlink(missing_ok=True)


async def receive(
    request: Request, *, tmp_dir: Path, limits: Limits
) -> tuple[list[Received], dict[str, str]]:
    """Read a multipart/form-data body into temporary files; refuse it (UploadRefused) as soon as it
    breaks a limit. On refusal every temporary file is removed."""
    content_type = request.headers.get("content-type", "")
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused(
            "请以 multipart/form-data 上传文件（字段名 files）", reason="not_multipart", status=415
        )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.case_bytes_left + 1024 * 1024:
        raise UploadRefused(
            f"上传内容超过上限（剩余 {_mib(limits.case_bytes_left)}）", reason="too_large", status=413
        )
    tmp_dir.mkdir(parents=True, exist_ok=True)
    collector = _Collector(tmp_dir=tmp_dir, limits=limits)
    callbacks: Any = {
        name: getattr(collector, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_end",
        )
    }
    try:
        parser = MultipartParser(params[b"boundary"], callbacks)
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        for received in collector.files:
            if received.kind in IMAGE_KINDS and received.kind is not Kind.HEIC:
                _check_pixels(received, max_pixels=limits.max_pixels)
    except UploadRefused:
        collector.cleanup()
        await _drain(request, limit=limits.case_bytes_left + limits.max_file_bytes)
        raise
    except Exception as exc:
        collector.cleanup()
        raise UploadRefused(
            "上传内容不是有效的 multipart/form-data", reason="bad_multipart", status=422
        ) from exc
    if not collector.files:
        raise UploadRefused("没有收到文件（multipart 字段 files）", reason="no_file", status=422)
    return collector.files, collector.fields


async def stored(received: list[Received], store: Callable[[], T]) -> T:
    """``store`` (it copies the received files into the blob store and writes the database) run off the
    event loop; the temporary files are removed afterwards, whether it stored them or refused them."""
    try:
        return await run_in_threadpool(store)
    finally:
        for r in received:
            r.tmp.unlink(missing_ok=True)


async def _drain(request: Request, *, limit: int) -> None:
    """Read (and drop) what the client is still sending, so it gets the refusal instead of a reset
    connection; past ``limit`` bytes the connection is left to close."""
    seen = 0
    try:
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > limit:
                return
    except Exception:  # the stream was already consumed or the client went away
        return


def _check_pixels(received: Received, *, max_pixels: int) -> None:
    """Read only the image header: refuse a picture declaring more pixels than ``max_pixels``."""
    size: tuple[int, int] | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(received.tmp) as im:
                size = im.size
    except Image.DecompressionBombError:
        size = None  # more than twice PIL's own limit: far beyond ours
    except Exception:
        raise UploadRefused(
            f"{received.name}：图片文件已损坏，无法打开，请重新拍摄或扫描后上传",
            reason="corrupt",
            status=422,
            detail=[{"name": received.name, "reason": "corrupt"}],
        ) from None
    if size is None or size[0] * size[1] > max_pixels:
        dims = f"（{size[0]}×{size[1]} 像素）" if size else ""
        raise UploadRefused(
            f"{received.name}：图片尺寸过大{dims}，请缩小到 {max_pixels // 1_000_000} 百万像素以内后上传",
            reason="too_many_pixels",
            status=422,
            detail=[{"name": received.name, "reason": "too_many_pixels"}],
        )


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"
