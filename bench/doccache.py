"""A folder of read Documents, one JSON per uploaded file, for judging cases again without OCR.

Layout: ``CACHE/<case_id>/<file name>.json`` and the page images beside it in
``CACHE/<case_id>/<file name>.pages/``. bench/cases.py writes it (``--cache DIR``);
bench/cases_cached.py reads it.
"""

from __future__ import annotations

from pathlib import Path

import cv2

from prereview.documents import Document
from prereview.pipeline import UploadedFile


def json_path(cache: Path, case_id: str, file: UploadedFile) -> Path:
    return cache / case_id / f"{file.name}.json"


def store(cache: Path, case_id: str, file: UploadedFile, doc: Document) -> None:
    """Write ``doc`` with its page images copied next to it (image paths rewritten)."""
    target = json_path(cache, case_id, file)
    pages_dir = target.with_suffix(".pages")
    pages_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for page in doc.pages:
        if page.image_path and Path(page.image_path).is_file():
            # kept as PNG: the reader's uncompressed working images would make a cache of gigabytes
            copy = pages_dir / (Path(page.image_path).stem + ".png")
            cv2.imwrite(
                str(copy), cv2.imread(page.image_path, cv2.IMREAD_COLOR), [cv2.IMWRITE_PNG_COMPRESSION, 1]
            )
            page = page.model_copy(update={"image_path": str(copy.resolve())})
        pages.append(page)
    target.write_text(doc.model_copy(update={"pages": pages}).model_dump_json(), encoding="utf-8")


def load(cache: Path, case_id: str, file: UploadedFile) -> Document | None:
    path = json_path(cache, case_id, file)
    if not path.is_file():
        return None
    return Document.model_validate_json(path.read_text(encoding="utf-8"))
