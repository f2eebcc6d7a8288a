from __future__ import annotations

from prereview.assemble import Located
from prereview.documents import Box, Mark, PageSource
from prereview.doubts import (
    absence_doubts,
    astray,
    resemblance,
    with_astray_doubts,
    with_count_doubts,
    with_part_doubts,
    with_signing_doubts,
    with_status_doubts,
    with_unread_doubts,
)
from prereview.recognise import PageLabel, PageView
from rules.casefacts import MaterialEvidence, MaterialSet, MaterialStatus
from rules.codes import Code
from rules.spec import Check, Material, Recognition
from tests.prereview._pages import ItemOf, line, page

FORM = Material(
    id="M1", name="申请表", recognition=Recognition(titles=("取用水登记申请表",), labels=("申请人", "地址"))
)
LEASE = Material(
    id="M7",
    name="场所使用证明",
    recognition=Recognition(titles=("房屋租赁合同",), labels=("出租方", "承租方", "租赁期限", "坐落")),
    parts=("出租方产权证明",),
    checks=(Check(code=Code.NOT_SEALED, who="单位出租方公章"),),
)
ITEM = ItemOf(FORM, LEASE)


def _at(p, label: PageLabel, *, file: int = 0, name: str = "f.jpg", slot: str | None = None) -> Located:
    return Located(
        view=PageView.of(file, p.model_copy(update={"source": PageSource.OCR}), slot),
        label=label,
        file_name=name,
    )


def _form_page() -> Located:
    return _at(
        page(line("取用水登记申请表", 500, 100, h=50), line("申请人 安和市清源食品厂", 100, 200)),
        PageLabel(material="M1", score=17.0),
        name="form.pdf",
    )


def _blurred_lease() -> Located:
    """A lease photographed badly: its title lost, two of its labels still read."""
    return _at(
        page(
            line("屋柤货合", 500, 100),
            line("出租方 安和市宏达置业有限公司", 100, 200),
            line("租赁期限 三年", 100, 260),
        ),
        PageLabel(),
        file=1,
        name="IMG_1.jpg",
    )


def test_a_material_not_found_while_an_unrecognised_page_shows_its_labels_is_doubtfully_absent() -> None:
    doubts = absence_doubts(ITEM, [_form_page(), _blurred_lease()], {"M1": MaterialEvidence()})
    assert set(doubts) == {"M7"} and "IMG_1.jpg" in doubts["M7"] and "出租方" in doubts["M7"]


def test_a_clean_omission_is_a_sure_absence() -> None:
    assert absence_doubts(ITEM, [_form_page()], {"M1": MaterialEvidence()}) == {}


def test_a_look_alike_is_no_evidence_of_presence() -> None:
    look_alike = _blurred_lease()
    look_alike.label = PageLabel(other="购房意向书")
    assert absence_doubts(ITEM, [_form_page(), look_alike], {"M1": MaterialEvidence()}) == {}


def test_a_page_taken_for_another_material_by_labels_alone_with_an_equal_rival_leaves_a_doubt() -> None:
    both = _at(
        page(
            line("申请人 安和市清源食品厂", 100, 200),
            line("地址 安和市东湖区", 100, 260),
            line("出租方 安和市宏达置业有限公司", 100, 320),
            line("承租方 安和市清源食品厂", 100, 380),
            line("坐落 安和市东湖区", 100, 440),
        ),
        PageLabel(material="M1", score=3.0),
        name="scan.pdf",
    )
    doubts = absence_doubts(ITEM, [both], {"M1": MaterialEvidence()})
    assert "M7" in doubts and "scan.pdf" in doubts["M7"]


def test_a_title_read_half_right_is_a_resemblance() -> None:
    view = _at(page(line("房屋柤赁合冋", 500, 100, h=50), line("第一条", 100, 200)), PageLabel()).view
    assert "房屋租赁合同" in resemblance(view, LEASE)
    assert resemblance(_at(page(line("员工手册", 500, 100, h=50)), PageLabel()).view, LEASE) == ""


def test_a_wrong_document_judged_only_because_nothing_was_recognised_is_doubtful() -> None:
    found = {"M7": MaterialEvidence(status=MaterialStatus.WRONG, files=("IMG_1.jpg",))}
    out = with_status_doubts(ITEM, [_blurred_lease()], found)
    assert out["M7"].doubt and "IMG_1.jpg" in out["M7"].doubt
    look_alike = _blurred_lease()
    look_alike.label = PageLabel(other="购房意向书")
    assert with_status_doubts(ITEM, [look_alike], found)["M7"].doubt == ""


def test_a_missing_seal_is_doubtful_when_a_sealed_signing_page_may_be_the_documents() -> None:
    seal_page = _at(
        page(line("出租方（盖章）：安和市宏达置业有限公司", 100, 200), line("日期：2026年3月2日", 600, 280)),
        PageLabel(signs_for=("M7",)),
        name="IMG_9.jpg",
    )
    found = {"M7": MaterialEvidence(sets=(MaterialSet(sealed=False),))}
    seal = [Mark(kind="seal", box=Box(x0=100, y0=150, x1=300, y1=350))]
    out = with_signing_doubts([seal_page], found, marks=lambda p, kind: seal if kind == "seal" else [])
    assert "IMG_9.jpg" in out["M7"].sets[0].doubts["sealed"]
    unsealed = with_signing_doubts([seal_page], found, marks=lambda p, kind: [])
    assert unsealed["M7"].sets[0].doubts == {}  # a signing page without a seal cannot supply it


# --- parts not found ----------------------------------------------------------------------------------

REPORT = Material(
    id="M3",
    name="报告表公开版本及删除内容说明",
    recognition=Recognition(
        titles=("删除内容说明",),
        part_cues={"公开版本": ("公开版本", "此处已删除"), "删除内容说明": ("删除内容说明",)},
    ),
    parts=("公开版本", "删除内容说明"),
)
SECTIONS = Material(
    id="M9",
    name="安全生产管理制度",
    recognition=Recognition(titles=("安全生产管理制度",)),
    parts=("安全生产责任制度", "安全生产操作规程"),
)


def _lacking(material: Material, *, found: tuple[str, ...]) -> dict[str, MaterialEvidence]:
    return {material.id: MaterialEvidence(sets=(MaterialSet(parts=found),))}


def test_a_part_printed_on_an_unrecognised_page_is_doubtfully_missing() -> None:
    note = _at(
        page(line("删除内容说明", 500, 100)), PageLabel(material="M3", score=9.0, parts={"删除内容说明"})
    )
    public = _at(
        page(line("主要原辅材料及用量见下表：（此处已删除）", 100, 300)), PageLabel(), name="IMG_2.jpg"
    )
    out = with_part_doubts(ItemOf(REPORT), [note, public], _lacking(REPORT, found=("删除内容说明",)))
    assert "IMG_2.jpg" in out["M3"].sets[0].doubts["公开版本"]


def test_a_section_title_misread_on_a_photo_is_doubtfully_missing() -> None:
    rules_page = _at(
        page(
            line("安全生产管理制度", 500, 100),
            line("一、安全生产责任制度", 100, 200),
            line("二、安全生产操作规桯", 100, 600),
        ),
        PageLabel(material="M9", score=9.0, parts={"安全生产责任制度"}),
    )
    out = with_part_doubts(ItemOf(SECTIONS), [rules_page], _lacking(SECTIONS, found=("安全生产责任制度",)))
    assert "安全生产操作规程" in out["M9"].sets[0].doubts["安全生产操作规程"]


def test_another_parts_title_printed_as_it_is_leaves_a_missing_part_sure() -> None:
    # 安全生产责任制度 is one edit from no cue of the missing part, but a clean omission must stay sure
    rules_page = _at(
        page(line("安全生产管理制度", 500, 100), line("一、安全生产责任制度", 100, 200)),
        PageLabel(material="M9", score=9.0, parts={"安全生产责任制度"}),
    )
    out = with_part_doubts(ItemOf(SECTIONS), [rules_page], _lacking(SECTIONS, found=("安全生产责任制度",)))
    assert out["M9"].sets[0].doubts == {}
    text_page = Located(
        view=PageView.of(0, page(line("二、安全生产操作规桯", 100, 600)), None),
        label=PageLabel(material="M9", score=9.0),
        file_name="rules.pdf",
    )
    out = with_part_doubts(ItemOf(SECTIONS), [text_page], _lacking(SECTIONS, found=("安全生产责任制度",)))
    assert out["M9"].sets[0].doubts == {}  # a text layer's words are what the file holds


def test_a_missing_part_is_doubtful_while_a_file_in_the_slot_could_not_be_read() -> None:
    found = {"M7": MaterialEvidence(sets=(MaterialSet(parts=()),), files=("lease.jpg",))}
    out = with_unread_doubts(ITEM, {"M7": ["proof.jpg"]}, found)
    assert "proof.jpg" in out["M7"].sets[0].doubts["出租方产权证明"]
    assert with_unread_doubts(ITEM, {}, found) == found  # every file read: the part is surely missing
    whole = {"M7": MaterialEvidence(sets=(MaterialSet(parts=("出租方产权证明",)),), files=("lease.jpg",))}
    assert with_unread_doubts(ITEM, {"M7": ["proof.jpg"]}, whole)["M7"].sets[0].doubts == {}


def test_a_material_not_found_while_a_file_without_a_slot_could_not_be_read_is_doubtfully_absent() -> None:
    out = absence_doubts(ITEM, [_form_page()], {}, unread={None: ["scan.pdf"]})
    assert "scan.pdf" in out["M7"]
    # a file unread in another material's slot is that material's, not this one
    found = {"M1": MaterialEvidence(files=("form.pdf",))}
    assert absence_doubts(ITEM, [_form_page()], found, unread={"M1": ["form2.pdf"]}) == {}


def test_a_wrong_document_is_doubtful_while_a_swapped_slots_file_could_not_be_read() -> None:
    # the card's slot holds the licence's unreadable photo, the licence's slot the card: a swap
    found = {
        "M5": MaterialEvidence(status=MaterialStatus.WRONG, files=("card.jpg",)),
        "M9": MaterialEvidence(status=MaterialStatus.PRESENT, files=("card.jpg",)),
        "M2": MaterialEvidence(status=MaterialStatus.WRONG, files=("other.pdf",), doubt="已有原因"),
    }
    stray = astray({"M9": ["licence.jpg"]}, found)
    assert stray == ["licence.jpg"]
    out = with_astray_doubts(stray, found)
    assert "licence.jpg" in out["M5"].doubt
    assert out["M2"].doubt == "已有原因" and out["M9"].doubt == ""


def test_an_unread_file_in_the_slot_of_a_material_not_found_elsewhere_is_no_stray() -> None:
    found = {"M5": MaterialEvidence(status=MaterialStatus.WRONG, files=("card.jpg",))}
    assert astray({"M9": ["licence.jpg"], None: ["loose.jpg"]}, found) == []
    present = {"M9": MaterialEvidence(status=MaterialStatus.PRESENT, files=("licence.jpg",))}
    assert astray({"M9": ["licence.jpg"]}, present) == []


_CARD = Recognition(
    titles=("居民身份证",),
    labels=("姓名", "公民身份号码", "签发机关"),
    part_cues={"人像面": ("公民身份号码",), "国徽面": ("签发机关",)},
)
HOLDER = Material(id="M3", name="居民身份证（负责人）", recognition=_CARD, parts=("人像面", "国徽面"))
AGENT = Material(id="M5", name="居民身份证（经办人）", recognition=_CARD, parts=("人像面", "国徽面"))


def _two_cards(*, backs_on_holder: int) -> tuple[list[Located], dict[str, MaterialEvidence]]:
    holder_lines = [line("公民身份号码 110101199005061234", 100, 100)]
    holder_lines += [
        line(f"签发机关 安和市公安局第{k + 1}分局", 100, 300 + 60 * k) for k in range(backs_on_holder)
    ]
    pages = [
        _at(
            page(*holder_lines),
            PageLabel(material="M3", score=16.0, parts={"人像面", "国徽面"}),
            name="a.jpg",
        ),
        _at(
            page(line("公民身份号码 110101198506010019", 100, 700)),
            PageLabel(material="M5", score=6.0, parts={"人像面"}),
            name="a.jpg",
        ),
    ]
    found = {
        "M3": MaterialEvidence(sets=(MaterialSet(parts=("人像面", "国徽面")),)),
        "M5": MaterialEvidence(sets=(MaterialSet(parts=("人像面",)),)),
    }
    return pages, found


def test_a_face_printed_more_often_than_the_cards_of_its_form_hold_it_is_doubtfully_missing() -> None:
    """Two back faces taken into one person's card on a photo of two persons' cards: the other person's
    missing back face may be one of them."""
    pages, found = _two_cards(backs_on_holder=2)
    out = with_part_doubts(ItemOf(HOLDER, AGENT), pages, found)
    assert "2 处「国徽面」" in out["M5"].sets[0].doubts["国徽面"]


def test_a_face_printed_once_per_card_that_holds_it_leaves_a_missing_face_sure() -> None:
    pages, found = _two_cards(backs_on_holder=1)
    out = with_part_doubts(ItemOf(HOLDER, AGENT), pages, found)
    assert out["M5"].sets[0].doubts == {}
    # a form in one role only has no other person's card to have taken the face
    alone = with_part_doubts(ItemOf(AGENT), pages[1:], {"M5": found["M5"]})
    assert alone["M5"].sets[0].doubts == {}


DRIVER = Material(
    id="M8",
    name="驾驶证",
    recognition=Recognition(titles=("机动车驾驶证",), labels=("证号", "准驾车型", "初次领证日期")),
    per="驾驶人员",
)


def test_a_count_is_doubtful_while_an_unrecognised_page_resembles_the_material() -> None:
    """A driver's licence photographed so that its title is lost, two of its captions still read: the
    drivers told apart may be short by that one."""
    told = {"M8": MaterialEvidence(sets=(MaterialSet(label="甲"),))}
    blurred = _at(
        page(
            line("驶证", 500, 100), line("准驾车型 A2", 100, 200), line("初次领证日期 2015-01-01", 100, 260)
        ),
        PageLabel(),
        name="IMG_7.jpg",
    )
    assert "IMG_7.jpg" in with_count_doubts(ItemOf(DRIVER), [blurred], told)["M8"].count_doubt
    other = _at(page(line("物业服务费缴费通知单", 500, 100), line("房号 3栋", 100, 200)), PageLabel())
    assert with_count_doubts(ItemOf(DRIVER), [other], told) == told  # nothing like it: the count is sure
