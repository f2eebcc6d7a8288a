"""Which faces of an ID card a page shows (prereview.visual.idcard): from its text lines, drawn and on real
sample pages."""

from __future__ import annotations

import pytest

from prereview.documents import Box, TextLine
from prereview.visual import id_card_faces
from tests.fixtures.visual_images import fixture_page


def _lines(*texts: str) -> list[TextLine]:
    return [
        TextLine(text=t, box=Box(x0=100, y0=100 + 40 * k, x1=400, y1=130 + 40 * k))
        for k, t in enumerate(texts)
    ]


PORTRAIT = (
    "姓 名 吴琳欣",
    "性别女民族汉",
    "出生 1969 年 6 月 4 日",
    "住址 安和市和丰县新桥镇新村26号",
    "公民身份号码 362321196906040981",
)
EMBLEM = ("中华人民共和国", "居民身份证", "签发机关 安和市公安局安平分局", "有效期限 2006.04.01-2026.04.01")


@pytest.mark.parametrize(
    ("texts", "portrait", "emblem"),
    [
        (PORTRAIT, True, False),
        (EMBLEM, False, True),
        (PORTRAIT + EMBLEM, True, True),  # both faces on one page
        (
            ("姓名", "吴琳欣", "性别", "女", "民族", "汉", "362321196906040981"),
            True,
            False,
        ),  # caption lost, number kept
        (
            (
                "中华人民共和国机动车驾驶证",
                "证号 360121196911300415",
                "姓名 冯宇",
                "性别 男",
                "住址 安和市",
                "出生日期 1969-11-30",
                "有效期限 2018-11-22至2028-11-22",
            ),
            False,
            False,
        ),
        (
            ("法定代表人信息", "身份证件类型 居民身份证", "身份证件号码 360111199001276076", "姓名 万帆伟"),
            False,
            False,
        ),
        (("社会保障卡", "姓名 张三", "社会保障号码 11010519491231002X"), False, False),
    ],
)
def test_id_card_faces(texts: tuple[str, ...], portrait: bool, emblem: bool) -> None:
    faces = id_card_faces(_lines(*texts))
    assert (faces.portrait, faces.emblem) == (portrait, emblem)


def test_temporary_id_card() -> None:
    faces = id_card_faces(_lines("临时居民身份证", "签发机关 安和市公安局", "有效期限 2026.01.01-2026.04.01"))
    assert faces.emblem and faces.temporary


@pytest.mark.parametrize(
    ("key", "portrait", "emblem"),
    [("id_both_faces", True, True), ("id_portrait_only", True, False), ("driving_licence", False, False)],
)
def test_id_card_faces_on_samples(key: str, portrait: bool, emblem: bool) -> None:
    faces = id_card_faces(fixture_page(key).lines)
    assert (faces.portrait, faces.emblem) == (portrait, emblem)  # YJ-P01 M9 expected PAGES_MISSING
