"""Material samples (材料样本): a department's picture of a correct material, with boxes and short notes
tied to the material's review points ("此处加盖申请人公章" on NOT_SEALED).

A sample belongs to a rule version and is published with it. A version shows its own sample of a
material, else the one of the version it was based on, else of the latest earlier published version: a
new draft starts with the samples in effect, and only a draft's samples may change (by its own
department: a bundle's by its lead department, which owns the bundle's rule file). The files live in
their own blob store (``window.runtime.sample_store``); a PDF's pages are rendered to PNG once, in a
separate process with a time limit, so a page is served as an image like an uploaded picture.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import io
import multiprocessing
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlmodel import Session, select

from core.errors import NotFound
from core.files import atomic_write
from prereview.sniff import Kind
from rules import service as rule_service
from rules.codes import Code
from rules.errors import NothingPublished, NotYourDepartment, RuleVersionState
from rules.models import RuleVersion, VersionStatus, utcnow
from rules.spec import Item
from window.errors import UploadRefused
from window.models import MaterialSample
from window.storage import BlobStore, Received

__all__ = [
    "MAX_PAGES",
    "SampleNote",
    "annotate",
    "for_material",
    "in_effect",
    "of_version",
    "put",
    "seed",
]

MAX_PAGES = 10
SAMPLE_KINDS = (Kind.PDF, Kind.JPEG, Kind.PNG)
RENDER_TIMEOUT_S = 60.0


class SampleNote(BaseModel):
    """One box on a sample page and its note; ``code`` ties it to the material's review point."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    page: int = Field(default=1, ge=1, le=MAX_PAGES)
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page's width and height
    note: str = Field(min_length=1, max_length=60)
    code: Code | None = None

    @field_validator("box")
    @classmethod
    def _inside(cls, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = box
        if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
            raise ValueError("标注框须在页面内（0–1 的比例坐标，左上角小于右下角）")
        return tuple(round(v, 4) for v in box)  # type: ignore[return-value]

    @model_validator(mode="after")
    def _words(self) -> SampleNote:
        if not self.note.strip():
            raise ValueError("标注说明不能为空")
        return self


# ----------------------------------------------------------------------------------------- reading


def _own(session: Session, version_id: int) -> dict[str, MaterialSample]:
    rows = session.exec(select(MaterialSample).where(MaterialSample.version_id == version_id))
    return {r.material: r for r in rows}


def _lineage(session: Session, version: RuleVersion) -> list[RuleVersion]:
    """The versions whose samples ``version`` shows where it has none of its own, nearest first."""
    chain: list[RuleVersion] = [version]
    seen = {version.id}
    based = version.based_on
    while based is not None and based not in seen:
        parent = session.get(RuleVersion, based)
        if parent is None or parent.item_code != version.item_code:
            break
        chain.append(parent)
        seen.add(parent.id)
        based = parent.based_on
    earlier = [
        v
        for v in rule_service.versions(session, item=version.item_code)
        if v.number < version.number and v.status != VersionStatus.DRAFT.value and v.id not in seen
    ]
    return chain + earlier  # versions() is newest first


def of_version(session: Session, *, version: RuleVersion) -> dict[str, MaterialSample]:
    """Every material's sample as ``version`` shows it."""
    out: dict[str, MaterialSample] = {}
    for v in reversed(_lineage(session, version)):
        assert v.id is not None
        out.update(_own(session, v.id))
    return out


def for_material(session: Session, *, version: RuleVersion, material: str) -> MaterialSample | None:
    return of_version(session, version=version).get(material)


def in_effect(session: Session, *, item: str, on: date) -> tuple[RuleVersion, dict[str, MaterialSample]]:
    """The samples the public sees: those of the version in effect."""
    try:
        version = rule_service.in_effect(session, item=item, on=on)
    except NothingPublished:
        raise NotFound(f"事项 {item} 没有生效的收件标准") from None
    return version, of_version(session, version=version)


# ----------------------------------------------------------------------------------------- changing


def _writable(version: RuleVersion, *, department: str, item: Item, material: str) -> None:
    if version.department != department:
        raise NotYourDepartment(
            f"事项 {version.item_code} 的材料样本属于{version.department}，本账号不能修改"
        )
    if version.status != VersionStatus.DRAFT.value:
        raise RuleVersionState(f"{version.item_code} {version.label} 已发布或停用，样本不能再改；请新建草稿")
    if material not in {m.id for m in item.materials}:
        raise NotFound(f"{version.item_code} {version.label} 没有材料 {material}")


def put(
    session: Session,
    *,
    version: RuleVersion,
    item: Item,
    material: str,
    received: Received,
    store: BlobStore,
    by: str,
    department: str,
) -> MaterialSample:
    """A draft's new sample file for ``material`` (replacing its own one; the notes drawn on the old file
    go with it: their boxes were placed on its pages). ``received`` went through the upload checks (size,
    type sniffing)."""
    _writable(version, department=department, item=item, material=material)
    if received.kind not in SAMPLE_KINDS:
        raise UploadRefused(
            f"{received.name}：样本须为 PDF、JPEG 或 PNG 文件", reason="unsupported", status=415
        )
    pages = _pages(received, store=store)
    store.put(received.tmp, received.sha256)
    assert version.id is not None
    row = _own(session, version.id).get(material)
    if row is None:
        row = MaterialSample(
            version_id=version.id,
            item_code=version.item_code,
            material=material,
            sha256="",
            name="",
            media_type="",
            size=0,
            updated_by=by,
        )
    row.sha256, row.name, row.media_type = received.sha256, received.name[:255], received.media_type
    row.size, row.pages, row.notes = received.size, pages, []
    row.updated_by, row.updated_at = by, utcnow()
    session.add(row)
    session.flush()
    return row


def annotate(
    session: Session,
    *,
    version: RuleVersion,
    item: Item,
    material: str,
    notes: list[SampleNote],
    by: str,
    department: str,
) -> MaterialSample:
    """Replace the notes of a draft's sample of ``material`` (an inherited sample becomes the draft's own)."""
    _writable(version, department=department, item=item, material=material)
    current = for_material(session, version=version, material=material)
    if current is None:
        raise NotFound(f"{material} 还没有样本文件，请先上传")
    codes = {c.code for c in item.material(material).checks} | {Code.MISSING}
    for i, n in enumerate(notes):
        if n.page > len(current.pages):
            raise UploadRefused(
                f"第 {i + 1} 条标注在第 {n.page} 页，样本只有 {len(current.pages)} 页",
                reason="bad_note",
                status=422,
            )
        if n.code is not None and n.code not in codes:
            raise UploadRefused(
                f"第 {i + 1} 条标注关联的审查要点 {n.code.value} 不是 {material} 的审查要点",
                reason="bad_note",
                status=422,
            )
    assert version.id is not None
    if current.version_id != version.id:
        current = MaterialSample(
            version_id=version.id,
            item_code=current.item_code,
            material=material,
            sha256=current.sha256,
            name=current.name,
            media_type=current.media_type,
            size=current.size,
            pages=list(current.pages),
            updated_by=by,
        )
    current.notes = [n.model_dump(mode="json") for n in notes]
    current.updated_by, current.updated_at = by, utcnow()
    session.add(current)
    session.flush()
    return current


def _pages(received: Received, *, store: BlobStore) -> list[dict[str, Any]]:
    if received.kind is not Kind.PDF:
        return [{"sha256": received.sha256, "media_type": received.media_type}]
    try:
        rendered = _render_pdf(received.tmp)
    except Exception:
        raise UploadRefused(
            f"{received.name}：PDF 无法打开或页数超过 {MAX_PAGES} 页，请重新导出后上传",
            reason="corrupt",
            status=422,
        ) from None
    out: list[dict[str, Any]] = []
    for png in rendered:
        out.append({"sha256": _store_bytes(png, store=store), "media_type": "image/png"})
    return out


def _store_bytes(content: bytes, *, store: BlobStore) -> str:
    sha = hashlib.sha256(content).hexdigest()
    if not store.exists(sha):
        tmp = store.tmp / f"page-{sha}"
        with atomic_write(tmp) as fh:
            fh.write(content)
        store.put(tmp, sha)
    return sha


def _render_pdf(path: Path) -> list[bytes]:
    """Every page as PNG, rendered in a process of its own (an untrusted PDF never runs in the service's)."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(render_pdf_pages, str(path)).result(timeout=RENDER_TIMEOUT_S)


def render_pdf_pages(path: str, *, width: int = 1000) -> list[bytes]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        if len(pdf) > MAX_PAGES:
            raise ValueError("too many pages")
        out = []
        for page in pdf:
            scale = width / max(page.get_width(), 1.0)
            image = page.render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil().convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            out.append(buffer.getvalue())
        return out
    finally:
        pdf.close()


# ----------------------------------------------------------------------------------------- seeding


def seed(session: Session, *, samples_dir: Path, store: BlobStore, by: str = "system") -> int:
    """Give the seed versions (v1 from the corpus) the corpus samples (``corpus/samples/ITEM/Mn.png`` and
    the notes in ``ITEM.yaml``) where a version has no sample of a material yet; returns how many."""
    added = 0
    if not samples_dir.is_dir():
        return 0
    for notes_file in sorted(samples_dir.glob("*.yaml")):
        code = notes_file.stem
        v1 = session.exec(
            select(RuleVersion).where(RuleVersion.item_code == code, RuleVersion.number == 1)
        ).first()
        if v1 is None or v1.id is None or v1.created_by != by:
            continue
        have = _own(session, v1.id)
        described = yaml.safe_load(notes_file.read_text(encoding="utf-8")) or {}
        for material, entry in described.items():
            image = samples_dir / code / f"{material}.png"
            if material in have or not image.is_file():
                continue
            try:
                notes = [SampleNote.model_validate(n).model_dump(mode="json") for n in entry.get("notes", [])]
            except ValidationError:
                continue
            content = image.read_bytes()
            sha = _store_bytes(content, store=store)
            session.add(
                MaterialSample(
                    version_id=v1.id,
                    item_code=code,
                    material=material,
                    sha256=sha,
                    name=image.name,
                    media_type="image/png",
                    size=len(content),
                    pages=[{"sha256": sha, "media_type": "image/png"}],
                    notes=notes,
                    updated_by=by,
                )
            )
            added += 1
    session.flush()
    return added
