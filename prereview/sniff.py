"""What a file really is, from its first bytes, never from its name.

`sniff_file` looks; `check_readable` decides, raising the `prereview.errors` reading errors:

- 0 bytes                                   -> EmptyFile ("empty")
- more than `max_bytes`                     -> FileTooLarge ("too_large")
- bytes of a kind we cannot read (zip, exe, Office, OFD, ...):
    - whose name claims a kind we read      -> DisguisedFile ("disguised"), e.g. an .exe renamed .pdf
    - otherwise                             -> UnsupportedFile ("unsupported")
- bytes of a kind we read under the name of another kind we read (a PNG saved as .jpg, which phones
  and chat apps do all the time) is read by its bytes: `Sniffed.disguised` is true but it is no error,
  because refusing a legible photo for its extension would only send the applicant back to the hall.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path, PurePath

from pydantic import BaseModel

from prereview.errors import DisguisedFile, EmptyFile, FileTooLarge, UnsupportedFile

HEAD_BYTES = 1024  # PDF readers accept junk before "%PDF-" within the first kilobyte


class Kind(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"
    BMP = "bmp"
    WEBP = "webp"
    HEIC = "heic"
    GIF = "gif"
    ZIP = "zip"  # also docx/xlsx/ofd, which are zip containers
    OLE = "ole"  # legacy .doc/.xls
    RAR = "rar"
    SEVEN_ZIP = "7z"
    GZIP = "gzip"
    EXE = "exe"
    ELF = "elf"
    UNKNOWN = "unknown"


IMAGE_KINDS = frozenset({Kind.JPEG, Kind.PNG, Kind.TIFF, Kind.BMP, Kind.WEBP, Kind.HEIC})
READABLE_KINDS = IMAGE_KINDS | {Kind.PDF}

MEDIA_TYPES: dict[Kind, str] = {
    Kind.PDF: "application/pdf",
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
    Kind.TIFF: "image/tiff",
    Kind.BMP: "image/bmp",
    Kind.WEBP: "image/webp",
    Kind.HEIC: "image/heic",
    Kind.GIF: "image/gif",
    Kind.ZIP: "application/zip",
    Kind.OLE: "application/x-ole-storage",
    Kind.RAR: "application/vnd.rar",
    Kind.SEVEN_ZIP: "application/x-7z-compressed",
    Kind.GZIP: "application/gzip",
    Kind.EXE: "application/vnd.microsoft.portable-executable",
    Kind.ELF: "application/x-elf",
    Kind.UNKNOWN: "application/octet-stream",
}

EXTENSIONS: dict[str, Kind] = {
    ".pdf": Kind.PDF,
    ".jpg": Kind.JPEG,
    ".jpeg": Kind.JPEG,
    ".jpe": Kind.JPEG,
    ".jfif": Kind.JPEG,
    ".png": Kind.PNG,
    ".tif": Kind.TIFF,
    ".tiff": Kind.TIFF,
    ".bmp": Kind.BMP,
    ".dib": Kind.BMP,
    ".webp": Kind.WEBP,
    ".heic": Kind.HEIC,
    ".heif": Kind.HEIC,
    ".gif": Kind.GIF,
    ".zip": Kind.ZIP,
    ".docx": Kind.ZIP,
    ".xlsx": Kind.ZIP,
    ".pptx": Kind.ZIP,
    ".ofd": Kind.ZIP,
    ".doc": Kind.OLE,
    ".xls": Kind.OLE,
    ".rar": Kind.RAR,
    ".7z": Kind.SEVEN_ZIP,
    ".gz": Kind.GZIP,
    ".exe": Kind.EXE,
    ".dll": Kind.EXE,
}

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}

_PREFIXES: list[tuple[bytes, Kind]] = [
    (b"\xff\xd8\xff", Kind.JPEG),
    (b"\x89PNG\r\n\x1a\n", Kind.PNG),
    (b"II*\x00", Kind.TIFF),
    (b"MM\x00*", Kind.TIFF),
    (b"II+\x00", Kind.TIFF),  # BigTIFF
    (b"MM\x00+", Kind.TIFF),
    (b"GIF87a", Kind.GIF),
    (b"GIF89a", Kind.GIF),
    (b"PK\x03\x04", Kind.ZIP),
    (b"PK\x05\x06", Kind.ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Kind.OLE),
    (b"Rar!\x1a\x07", Kind.RAR),
    (b"7z\xbc\xaf\x27\x1c", Kind.SEVEN_ZIP),
    (b"\x1f\x8b", Kind.GZIP),
    (b"MZ", Kind.EXE),
    (b"\x7fELF", Kind.ELF),
]


class Sniffed(BaseModel):
    kind: Kind  # from the bytes
    claimed: Kind | None = None  # from the name's extension; None when it has none we know
    size: int = 0

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]

    @property
    def disguised(self) -> bool:
        return self.claimed is not None and self.claimed != self.kind


def sniff_bytes(head: bytes) -> Kind:
    """The kind of a file from its first bytes (give at least `HEAD_BYTES` when the file has them)."""
    for prefix, kind in _PREFIXES:
        if head.startswith(prefix):
            return kind
    if b"%PDF-" in head[:HEAD_BYTES]:
        return Kind.PDF
    if head.startswith(b"BM") and len(head) >= 26 and head[6:10] == b"\x00\x00\x00\x00":
        return Kind.BMP  # "BM" alone is too weak; the BMP header's reserved words are zero
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind.WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return Kind.HEIC
    return Kind.UNKNOWN


def claimed_kind(name: str) -> Kind | None:
    return EXTENSIONS.get(PurePath(name).suffix.lower())


def sniff_file(path: Path, *, name: str) -> Sniffed:
    """Look at `path`'s bytes; `name` is the name the applicant gave it (only its extension is used)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    return Sniffed(kind=sniff_bytes(head), claimed=claimed_kind(name), size=size)


def check_readable(sniffed: Sniffed, *, max_bytes: int) -> Kind:
    """The kind to read the file as, or the reading error that refuses it."""
    if sniffed.size == 0:
        raise EmptyFile()
    if sniffed.size > max_bytes:
        raise FileTooLarge(
            f"文件过大（{_mib(sniffed.size)}），超过 {_mib(max_bytes)} 的上限，请压缩或拆分后重新上传。"
        )
    if sniffed.kind in READABLE_KINDS:
        return sniffed.kind
    if sniffed.claimed in READABLE_KINDS:
        raise DisguisedFile(
            f"文件扩展名显示为 {sniffed.claimed.upper()}，但实际内容不是 {sniffed.claimed.upper()}"
            f"（{_describe(sniffed.kind)}），请上传真实的材料文件。"
        )
    raise UnsupportedFile(
        f"不支持的文件类型（{_describe(sniffed.kind)}），请上传 PDF 或 JPG、PNG、TIFF、BMP 图片；"
        "Word、OFD 等文档请先另存为 PDF。"
    )


def _describe(kind: Kind) -> str:
    names = {
        Kind.ZIP: "压缩包或 Office/OFD 文档",
        Kind.OLE: "旧版 Office 文档",
        Kind.RAR: "RAR 压缩包",
        Kind.SEVEN_ZIP: "7z 压缩包",
        Kind.GZIP: "gzip 压缩包",
        Kind.EXE: "可执行程序",
        Kind.ELF: "可执行程序",
        Kind.GIF: "GIF 动图",
        Kind.UNKNOWN: "无法识别的格式",
    }
    return names.get(kind, kind.upper())


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
