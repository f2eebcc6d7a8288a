"""What reading a file yields: pages of positioned text lines, plus what the eye sees (seals, signatures).

Pure values (pydantic), shared by the readers, the extractors and the recogniser. Coordinates are
pixels of the page as read, origin top-left, after the page was turned upright: image pixels for
photos, and for PDFs pixels at the page's `dpi` (text-layer pages included, so their boxes line up with
the rendered page image).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Box(BaseModel):
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


class TextLine(BaseModel):
    text: str
    box: Box
    score: float = 1.0  # recogniser confidence; 1.0 for a PDF text layer


class Mark(BaseModel):
    """A seal or a signature found on a page."""

    kind: str  # "seal" | "signature"
    box: Box
    text: str = ""  # the seal's legible ring text, when OCR could read it
    score: float = 1.0
    label: str = ""  # a signature's signing label as printed ("法定代表人（签字）"); "" when found unlabelled


class PageSource(StrEnum):
    TEXT = "text"  # PDF text layer
    OCR = "ocr"  # rendered or photographed, then OCRed


class Page(BaseModel):
    index: int  # 0-based within its file
    width: float
    height: float
    source: PageSource
    rotation: int = 0  # degrees the page was turned clockwise to read it upright (0/90/180/270)
    skew: float = 0.0  # degrees of tilt removed after that (positive: lines fell to the right)
    dpi: float | None = None  # pixels per inch for PDF pages; None for photos
    image_path: str | None = None  # upright page image (lossless, RGB) when read with a work_dir
    lines: list[TextLine] = Field(default_factory=list)
    # The part of the image this page stands for when one photo or scan held several materials (its lines
    # are those inside); None for the whole image
    region: Box | None = None
    marks: list[Mark] = Field(default_factory=list)
    blank: bool = False  # nothing legible on it
    blur: float | None = None  # variance of the Laplacian; low means blurred
    ocr_seconds: float = 0.0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class FileError(BaseModel):
    # "corrupt" | "encrypted" | "too_large" | "disguised" |
    # "unsupported" | "timeout" | "empty" | "read_failed"
    code: str
    message: str  # for a person, in Chinese


class Document(BaseModel):
    """One uploaded file as read."""

    name: str
    sha256: str = ""
    media_type: str = ""  # from the magic bytes, never from the name
    pages: list[Page] = Field(default_factory=list)
    error: FileError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
