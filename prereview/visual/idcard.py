"""Which faces of a 居民身份证 a page (or a photo) shows, from its printed captions (README §8.1).

人像面 captions: 姓名 性别 民族 出生 住址 公民身份号码; 国徽面: 中华人民共和国 居民身份证 签发机关 有效期限.
Both faces may sit on one page (a scan of a photocopy), side by side or one above the other: each face
is recognised on its own captions and located by the box of those caption lines.

The captions are matched on text with whitespace removed (OCR reads 姓 名 as two boxes) and a face
needs several of its captions, so a form that merely names 居民身份证 as a document type, or a
driving licence (姓名 性别 住址 出生日期 有效期限), does not pass for a card face.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from core.text import strip_spaces
from prereview.documents import Box, TextLine
from prereview.extract.layout import union
from prereview.extract.numbers import find_id_numbers

PORTRAIT_CAPTIONS: dict[str, tuple[str, ...]] = {
    "姓名": ("姓名",),
    "性别": ("性别",),
    "民族": ("民族",),
    "出生": ("出生",),
    "住址": ("住址",),
    "公民身份号码": ("公民身份号码", "公民身份号", "身份号码"),
}
EMBLEM_CAPTIONS: dict[str, tuple[str, ...]] = {
    "中华人民共和国": ("中华人民共和国",),
    "居民身份证": ("居民身份证",),
    "签发机关": ("签发机关", "签发机"),
    "有效期限": ("有效期限", "有效期"),
}
# captions of the documents README §8.1 names as common confusions
OTHER_CARDS = (
    "驾驶证",
    "行驶证",
    "社会保障",
    "常住人口",
    "户口",
    "居住证",
    "永久居留",
    "从业资格",
    "合格证",
    "营业执照",
)


class IdCardFaces(BaseModel):
    portrait: bool = False  # 人像面
    emblem: bool = False  # 国徽面
    temporary: bool = False  # 临时居民身份证
    portrait_box: Box | None = None
    emblem_box: Box | None = None
    portrait_captions: list[str] = []
    emblem_captions: list[str] = []
    other: str = ""  # a caption of another card or licence on the page

    @property
    def any(self) -> bool:
        return self.portrait or self.emblem

    @property
    def both(self) -> bool:
        return self.portrait and self.emblem


def _found(lines: Sequence[TextLine], captions: dict[str, tuple[str, ...]]) -> dict[str, list[TextLine]]:
    hits: dict[str, list[TextLine]] = {}
    for name, variants in captions.items():
        for line in lines:
            if any(v in strip_spaces(line.text) for v in variants):
                hits.setdefault(name, []).append(line)
    return hits


def id_card_faces(lines: Sequence[TextLine]) -> IdCardFaces:
    """The 居民身份证 faces the text lines of one page or photo show."""
    text = strip_spaces("".join(ln.text for ln in lines))
    portrait = _found(lines, PORTRAIT_CAPTIONS)
    emblem = _found(lines, EMBLEM_CAPTIONS)
    other = next((w for w in OTHER_CARDS if w in text), "")
    # a number alone stands for its caption: OCR often loses 公民身份号码 where the number is printed close
    number_lines = [ln for ln in lines if find_id_numbers(ln.text)]
    has_number = "公民身份号码" in portrait or bool(number_lines)
    personal = [k for k in portrait if k != "公民身份号码"]
    is_portrait = (
        has_number and len(personal) >= 2 and "居住证" not in text and not (other and "民族" not in portrait)
    )
    is_emblem = ("居民身份证" in emblem and ("签发机关" in emblem or "有效期限" in emblem)) or (
        "签发机关" in emblem and "有效期限" in emblem and not other
    )
    p_lines = [ln for k in portrait for ln in portrait[k]] + (number_lines if is_portrait else [])
    e_lines = [ln for k in emblem for ln in emblem[k]]
    return IdCardFaces(
        portrait=is_portrait,
        emblem=is_emblem,
        temporary="临时居民身份证" in text or "临时身份证" in text,
        portrait_box=union([ln.box for ln in p_lines]) if is_portrait and p_lines else None,
        emblem_box=union([ln.box for ln in e_lines]) if is_emblem and e_lines else None,
        portrait_captions=sorted(portrait),
        emblem_captions=sorted(emblem),
        other=other,
    )
