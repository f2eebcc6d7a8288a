"""Several materials on one photo: cut along empty bands, kept only where recognition tells documents
apart."""

from __future__ import annotations

from prereview.documents import Page, PageSource
from prereview.recognise import PageView, classify, region_judge
from prereview.regions import cut, regions
from tests.prereview._pages import corpus_item, line


def _photo(*lines, width: float = 2400, height: float = 1600) -> Page:
    return Page(index=0, width=width, height=height, source=PageSource.OCR, lines=list(lines))


def _licence(x: float, y: float):
    return [
        line("营业执照", x + 200, y, h=56),
        line("统一社会信用代码 91360100MA35XXXX1K", x, y + 100),
        line("名称 安和市启航物流有限公司", x, y + 150),
        line("类型 有限责任公司", x, y + 200),
        line("法定代表人 钟思远", x, y + 250),
        line("经营范围 普通货物运输", x, y + 300),
        line("成立日期 2019年05月10日", x, y + 350),
    ]


def _card(name: str, number: str, x: float, y: float):
    return [
        line(f"姓名 {name}", x, y),
        line("性别 男 民族 汉", x, y + 50),
        line("出生 1985年6月1日", x, y + 100),
        line("住址 安和市青山区文化路12号", x, y + 150),
        line(f"公民身份号码 {number}", x, y + 250),
    ]


_DECLARED = {"legal_rep_name": "钟思远", "legal_rep_id": "110101198506010019"}


def _materials(parts: list[Page], code: str, declared: dict) -> list[str | None]:
    views = [PageView.of(0, part, None) for part in parts]
    return [lab.material for lab in classify(views, corpus_item(code), declared=declared)]


def test_a_card_beside_a_licence_on_one_photo_is_two_materials() -> None:
    photo = _photo(*_licence(100, 200), *_card("钟思远", "110101198506010019", 1300, 260))
    parts = regions(photo, region_judge(corpus_item("JT-001"), declared=_DECLARED))
    assert len(parts) == 2 and all(p.region is not None for p in parts)
    assert sorted(_materials(parts, "JT-001", _DECLARED)) == ["M2", "M3"]
    assert sum(len(p.lines) for p in parts) == len(photo.lines)


def test_the_same_two_stacked_at_another_scale_are_two_materials() -> None:
    small = [
        ln.model_copy(
            update={"box": ln.box.model_copy(update={k: v * 0.6 for k, v in ln.box.model_dump().items()})}
        )
        for ln in _card("钟思远", "110101198506010019", 200, 1800)
    ]
    photo = _photo(*_licence(100, 100), *small, width=1400, height=2000)
    parts = regions(photo, region_judge(corpus_item("JT-001"), declared=_DECLARED))
    assert sorted(_materials(parts, "JT-001", _DECLARED)) == ["M2", "M3"]


_TWO_PERSONS = {  # the legal representative and a natural-person shareholder: one card form, two roles
    "legal_rep_name": "钟思远",
    "legal_rep_id": "110101198506010019",
    "shareholders": [
        {"shareholder_type": "natural_person", "name": "蒋以宁", "id_number": "110101199107070026"}
    ],
}


def test_two_persons_cards_on_one_scan_are_split_by_the_person() -> None:
    declared = _TWO_PERSONS
    scan = _photo(
        *_card("钟思远", "110101198506010019", 200, 150),
        *_card("蒋以宁", "110101199107070026", 200, 900),
        width=1654,
        height=2339,
    )
    parts = regions(scan, region_judge(corpus_item("SC-001"), declared=declared))
    assert _materials(parts, "SC-001", declared) == ["M3", "M4"]


def test_a_form_is_not_cut_between_its_labels_and_values() -> None:
    rows = ["名称", "住所", "法定代表人", "注册资本（万元）", "公司类型", "经营范围", "经营期限"]
    form = _photo(
        line("公司登记（备案）申请书", 560, 100, h=50),
        *[line(label, 120, 220 + 70 * k) for k, label in enumerate(rows)],
        *[line(f"内容{k}号 安和市某某路{k}号", 900, 220 + 70 * k) for k in range(len(rows))],
        width=1654,
        height=2339,
    )
    assert len(cut(form)) == 1  # the columns are one form's rows: no band is cut between them
    assert regions(form, region_judge(corpus_item("SC-001"), declared={})) == [form]


def test_one_document_with_wide_gaps_stays_whole() -> None:
    """A licence photo whose lower half stands apart: both halves are the licence (or nothing alone)."""
    lines = _licence(100, 100)
    photo = _photo(
        *lines[:4],
        *[
            ln.model_copy(
                update={"box": ln.box.model_copy(update={"y0": ln.box.y0 + 600, "y1": ln.box.y1 + 600})}
            )
            for ln in lines[4:]
        ],
        width=1200,
        height=1600,
    )
    assert len(cut(photo)) == 2
    assert regions(photo, region_judge(corpus_item("JT-001"), declared=_DECLARED)) == [photo]


def test_text_layers_are_never_cut() -> None:
    page = _photo(*_licence(100, 200), *_card("钟思远", "110101198506010019", 1300, 260))
    typed = page.model_copy(update={"source": PageSource.TEXT})
    assert regions(typed, region_judge(corpus_item("JT-001"), declared=_DECLARED)) == [typed]


def test_a_card_whose_number_caption_was_misread_is_told_apart_by_its_valid_number() -> None:
    # a photocopy of two drivers' cards: one driver's 从业资格证 above, another's 驾驶证 below with its
    # letter-spaced 证　号 and 姓　名 misread — the unlabelled number still names its person
    scan = _photo(
        line("中华人民共和国道路运输从业人员从业资格证", 391, 198, h=36),
        line("姓名", 388, 247),
        line("韩立新", 526, 249),
        line("证号", 391, 309),
        line("360102198503061232", 525, 311),
        line("从业资格类别 道路货物运输驾驶员", 391, 341),
        line("有效期至 2028.11.02", 392, 401),
        line("中华人民共和国机动车驾驶证", 457, 634, h=36),
        line("号", 426, 689),
        line("362301197805123015", 524, 687),
        line("名創列", 420, 720),
        line("准驾车型 A2", 391, 893),
        line("有效期限 2024.12.24至2034.03.03", 393, 922),
        width=1269,
        height=1773,
    )
    judge = region_judge(corpus_item("JT-001"), declared={})
    parts = regions(scan, judge)
    assert len(parts) == 2
    assert [judge(p)[0] for p in parts] == [("M8", "360102198503061232"), ("M8", "362301197805123015")]


def _back(office: str, term: str, x: float, y: float):
    return [
        line("中华人民共和国", x + 150, y, h=40),
        line("居民身份证", x + 250, y + 70),
        line(f"签发机关 {office}", x, y + 110),
        line(f"有效期限 {term}", x, y + 150),
    ]


def test_two_persons_cards_in_a_grid_each_keep_their_own_back_face() -> None:
    """Fronts on the left, backs on the right: the lower back face lies nearer to the upper card than
    to its own front across the photo, yet that card has its back already — it completes the lower one."""
    declared = _TWO_PERSONS
    photo = _photo(
        *_card("钟思远", "110101198506010019", 100, 150),
        *_back("安和市公安局东湖区分局", "2020.01.01-2040.01.01", 1300, 150),
        *_card("蒋以宁", "110101199107070026", 100, 700),
        *_back("安和市公安局西城区分局", "2021.02.02-2041.02.02", 1300, 700),
        width=2000,
        height=1100,
    )
    parts = regions(photo, region_judge(corpus_item("SC-001"), declared=declared))
    assert _materials(parts, "SC-001", declared) == ["M3", "M4"]
    offices = [[ln.text for ln in p.lines if ln.text.startswith("签发机关")] for p in parts]
    assert offices == [["签发机关 安和市公安局东湖区分局"], ["签发机关 安和市公安局西城区分局"]]
