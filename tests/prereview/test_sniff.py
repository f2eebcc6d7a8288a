from __future__ import annotations

from pathlib import Path

import pytest

from prereview.errors import DisguisedFile, EmptyFile, FileTooLarge, UnsupportedFile
from prereview.sniff import Kind, check_readable, sniff_bytes, sniff_file

MAGIC = {
    b"%PDF-1.7\n": Kind.PDF,
    b"\xff\xd8\xff\xe0\x00\x10JFIF": Kind.JPEG,
    b"\x89PNG\r\n\x1a\n\x00\x00": Kind.PNG,
    b"II*\x00\x08\x00": Kind.TIFF,
    b"MM\x00*\x00\x08": Kind.TIFF,
    b"BM" + b"\x36\x00\x0c\x00" + b"\x00\x00\x00\x00" + b"\x36" + b"\x00" * 20: Kind.BMP,
    b"RIFF\x00\x00\x00\x00WEBPVP8 ": Kind.WEBP,
    b"\x00\x00\x00\x18ftypheic\x00\x00": Kind.HEIC,
    b"PK\x03\x04\x14\x00": Kind.ZIP,
    b"MZ\x90\x00": Kind.EXE,
    b"\x7fELF\x02\x01": Kind.ELF,
    b"Rar!\x1a\x07\x00": Kind.RAR,
    b"GIF89a": Kind.GIF,
    b"hello, world": Kind.UNKNOWN,
    b"BM not a bitmap": Kind.UNKNOWN,
}


@pytest.mark.parametrize(("head", "kind"), MAGIC.items())
def test_magic_bytes(head: bytes, kind: Kind) -> None:
    assert sniff_bytes(head) is kind


def test_pdf_header_after_junk_is_a_pdf() -> None:
    assert sniff_bytes(b"\r\n\x00garbage " * 10 + b"%PDF-1.4\n") is Kind.PDF


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file(tmp_path: Path) -> None:
    sniffed = sniff_file(_file(tmp_path, "a.pdf", b""), name="a.pdf")
    with pytest.raises(EmptyFile) as err:
        check_readable(sniffed, max_bytes=100)
    assert err.value.to_file_error().code == "empty"


def test_too_large(tmp_path: Path) -> None:
    sniffed = sniff_file(_file(tmp_path, "a.pdf", b"%PDF-1.4\n" + b"0" * 200), name="a.pdf")
    with pytest.raises(FileTooLarge, match="上限"):
        check_readable(sniffed, max_bytes=100)


def test_exe_renamed_pdf_is_disguised(tmp_path: Path) -> None:
    sniffed = sniff_file(_file(tmp_path, "x", b"MZ\x90\x00" + b"\x00" * 64), name="营业执照.pdf")
    assert sniffed.kind is Kind.EXE and sniffed.claimed is Kind.PDF and sniffed.disguised
    with pytest.raises(DisguisedFile) as err:
        check_readable(sniffed, max_bytes=1000)
    assert err.value.to_file_error().code == "disguised"
    assert "PDF" in err.value.message


def test_zip_is_unsupported(tmp_path: Path) -> None:
    sniffed = sniff_file(_file(tmp_path, "x", b"PK\x03\x04" + b"\x00" * 64), name="材料.docx")
    with pytest.raises(UnsupportedFile, match="PDF"):
        check_readable(sniffed, max_bytes=1000)


def test_png_named_jpg_is_read_by_its_bytes(tmp_path: Path) -> None:
    sniffed = sniff_file(_file(tmp_path, "x", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), name="IMG_001.JPG")
    assert sniffed.disguised
    assert check_readable(sniffed, max_bytes=1000) is Kind.PNG
    assert sniffed.media_type == "image/png"


def test_name_without_extension(tmp_path: Path) -> None:
    sniffed = sniff_file(_file(tmp_path, "x", b"%PDF-1.4\n"), name="scan")
    assert sniffed.claimed is None and not sniffed.disguised
    assert check_readable(sniffed, max_bytes=1000) is Kind.PDF
