"""Where signatures belong: signing labels, copy certifications, the page's print size
(prereview.visual.signlabels)."""

from __future__ import annotations

import pytest

from prereview.documents import Box, TextLine
from prereview.visual.signlabels import CERTIFIED, print_size, text_spans


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("法定代表人（签字）：", "法定代表人（签字）："),
        ("委托人（签宇）：", "委托人（签宇）："),  # OCR's 宇 for 字
        ("委托人法定代表人（签学）：", "委托人法定代表人（签学）："),  # and 学
        ("股东（鉴字）：A", "股东（鉴字）："),  # 鉴 for 签, a scribble read as "A" glued on
        ("经办人（答学印章wW", "经办人（答学"),  # 答 for 签 under seal ink, the ring's text and a scribble
        ("（签字）", "（签字）"),
        ("拟任法定代表人签名：", "拟任法定代表人签名："),
        ("股东（签字）丁小梅：", "股东（签字）丁小梅："),  # the signer's name printed into the label
        ("股东（签字）丁小梅：W", "股东（签字）丁小梅："),
        ("法定代表人（签字）日期：", "法定代表人（签字）"),  # the next label's colon is not its own
        ("负责人（签字W", "负责人（签字"),  # its closing bracket under a seal, a scribble glued on
        ("法定代表人（字)：", "法定代表人（字)："),  # its 签 under a seal
    ],
)
def test_signing_labels(text: str, label: str) -> None:
    [(start, end)] = text_spans(text)
    assert text[start:end] == label


@pytest.mark.parametrize(
    "text",
    [
        "签署日期：2026年9月13日",
        "受托人在上述权限范围内签署的有关文件",
        "签发机关",
        "（经双方签字确认后生效",
        "安市监（字）[2026]12号",
        "（字）：",
    ],
)
def test_mentions_of_signing_are_no_labels(text: str) -> None:
    assert text_spans(text) == []


@pytest.mark.parametrize("text", ["此复印件与原件一致", "与原件相符", "此复←绎莺源神一致"])
def test_copy_certifications(text: str) -> None:
    assert CERTIFIED.search(text)


def _line(text: str, y: float, width: float, height: float = 30.0) -> TextLine:
    return TextLine(text=text, box=Box(x0=100, y0=y, x1=100 + width, y1=y + height), score=0.95)


def test_print_size_is_measured_on_lines_without_a_signing_place() -> None:
    # two signing lines OCR widened with the scribbles beside them, two plain lines of 26 px print
    lines = [
        _line("股东（签字）：A", 100, 330, 60),
        _line("股东（签字）：", 170, 320, 55),
        _line("股东（盖章）：安和市测试控股有限公司", 240, 18 * 26),
        _line("签署日期：2026年9月13日", 300, 5 * 26 + 12 * 0.55 * 26),
    ]
    size = print_size(lines)
    assert size is not None
    assert abs(size.pitch - 26) < 1 and size.height == 30


def test_a_signing_page_of_its_own_is_measured_on_its_print() -> None:
    # a signing line OCR widened with the scribble beside it, and a date under it: too few lines for a
    # median, but the date holds no signing place, so it is print
    lines = [_line("拟任法定代表人（签字）：W", 100, 620, 70), _line("2026年9月13日", 170, 6.85 * 34)]
    size = print_size(lines)
    assert size is not None and abs(size.pitch - 34) < 1


def test_a_lone_signing_line_gives_no_print_size() -> None:
    assert (
        print_size([_line("拟任法定代表人（签字）：W", 100, 620, 70), _line("（签字）：", 170, 200)]) is None
    )
