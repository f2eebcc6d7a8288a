"""Which role an ID card page is (the legal representative's, a shareholder's, the agent's): by the
person it names, the declared facts and the application form, then the upload slot (prereview.roles,
through the recogniser's classify)."""

from __future__ import annotations

from prereview.recognise import PageView, classify
from tests.prereview._pages import corpus_item, line, page


def _view(*lines, file: int = 0, slot: str | None = None) -> PageView:
    return PageView.of(file, page(*lines), slot)


def _front(name: str, number: str, file: int) -> PageView:
    return _view(
        line("姓名", 60, 60),
        line(name, 160, 60),
        line("性别 女 民族 汉", 60, 110),
        line("出生 1990年1月1日", 60, 160),
        line("住址 安和市东湖区", 60, 210),
        line("公民身份号码", 60, 330),
        line(number, 260, 330),
        file=file,
    )


def _back(file: int) -> PageView:
    return _view(
        line("中华人民共和国", 300, 60),
        line("居民身份证", 300, 120),
        line("签发机关 安和市公安局", 60, 300),
        line("有效期限 2016.08.15-2036.08.15", 60, 350),
        file=file,
    )


def test_back_faces_without_a_name_go_to_the_role_that_lacks_them() -> None:
    declared = {
        "legal_rep_name": "陆瑶",
        "legal_rep_id": "420106198908202824",
        "shareholders": [
            {"shareholder_type": "natural", "name": "沈晶", "id_number": "430103199608078400"},
            {"shareholder_type": "natural", "name": "余华鑫", "id_number": "360121196703196596"},
        ],
    }
    views = [
        _front("陆瑶", "420106198908202824", 0),
        _back(1),
        _front("沈晶", "430103199608078400", 2),
        _front("余华鑫", "360121196703196596", 3),
        _back(4),
        _back(5),
    ]
    labels = classify(views, corpus_item("SC-001"), declared=declared)
    got = [lab.material for lab in labels]
    assert got[0] == "M3" and got[2:4] == ["M4", "M4"]
    # the backs are alike: which one goes where cannot matter, only that each role gets what it lacks
    assert sorted(got[k] for k in (1, 4, 5)) == ["M3", "M4", "M4"]


_SC_DECLARED = {
    "legal_rep_name": "陆瑶",
    "legal_rep_id": "420106198908202824",
    "shareholders": [
        {"shareholder_type": "natural_person", "name": "陆洁雪", "id_number": "360103199202210581"}
    ],
}


def _photocopy(name: str, number: str, *, file: int) -> PageView:
    """An A4 photocopy of both faces: the title 居民身份证 only halfway down, below the title zone."""
    return _view(
        line(f"姓名 {name}", 383, 294),
        line("性别 女 民族 壮", 385, 373),
        line(f"公民身份号码 {number}", 390, 810),
        line("中华人民共和国", 663, 1121),
        line("居民身份证", 631, 1224, h=60),
        line("签发机关 安和市公安局河西分局", 486, 1509),
        line("有效期限 2022.03.06-2042.03.06", 485, 1595),
        file=file,
    )


def test_another_persons_card_in_one_scanned_bundle_is_not_the_previous_cards_next_page() -> None:
    """A scan without slot: a shareholder's card, then the legal representative's: page order must not
    put the second under the first one's role."""
    views = [_front("陆洁雪", "360103199202210581", 0), _photocopy("陆瑶", "420106198908202824", file=0)]
    labels = classify(views, corpus_item("SC-001"), declared=_SC_DECLARED)
    assert [lab.material for lab in labels] == ["M4", "M3"]
    assert not labels[1].continued


def test_the_application_form_names_the_role_when_the_declared_facts_do_not() -> None:
    """The declared name and number match neither card (the applicant typed them wrong) and the legal
    representative's card sits in the shareholders' slot: the person the application form gives as
    法定代表人 decides which card is the legal representative's, not the slot."""
    declared = {**_SC_DECLARED, "legal_rep_name": "陆遥", "legal_rep_id": "420106198908202825"}
    form = _view(
        line("公司登记（备案）申请书", 156, 166),
        line("☑设立", 461, 230),
        line("名称", 167, 266),
        line("安和市永盛信息技术有限公司", 461, 266),
        line("法定代表人", 167, 401),
        line("陆瑶", 461, 401),
        file=0,
    )
    rep = _front("陆瑶", "420106198908202824", 2)
    rep.slot = "M4"
    views = [form, _front("陆洁雪", "360103199202210581", 1), rep]
    labels = classify(views, corpus_item("SC-001"), declared=declared)
    assert [lab.material for lab in labels] == ["M1", "M4", "M3"]


_REP_AND_HOLDER = {
    "legal_rep_name": "秦雨桐",
    "legal_rep_id": "110101199003071234",
    "shareholders": [
        {"shareholder_type": "natural_person", "name": "秦雨桐", "id_number": "110101199003071234"},
        {"shareholder_type": "natural_person", "name": "魏嘉禾", "id_number": "110101198512120021"},
    ],
}


def test_a_legal_representative_who_is_a_shareholder_is_the_legal_representatives_card() -> None:
    """Cards uploaded under each other's slots: the legal representative's (she is a shareholder too) is
    M3, the other shareholder's M4; her back face alone goes where a back face is lacking."""
    rep = _front("秦雨桐", "110101199003071234", 0)
    rep.slot = "M4"
    holder = _front("魏嘉禾", "110101198512120021", 1)
    holder.slot = "M3"
    holder_back, rep_back = _back(2), _back(3)
    holder_back.slot, rep_back.slot = "M3", "M4"
    labels = classify([rep, holder, holder_back, rep_back], corpus_item("SC-001"), declared=_REP_AND_HOLDER)
    assert [labels[0].material, labels[1].material] == ["M3", "M4"]
    assert sorted(lab.material for lab in labels[2:]) == ["M3", "M4"]
    assert labels[0].shared == ()  # the shareholders' card names others too: hers is not needed there


def test_one_card_serves_two_one_person_roles() -> None:
    """The agent is the legal representative: one card, found for both roles."""
    declared = {
        "legal_rep_name": "秦雨桐",
        "legal_rep_id": "110101199003071234",
        "by_agent": True,
        "agent_name": "秦雨桐",
        "agent_id": "110101199003071234",
    }
    labels = classify([_front("秦雨桐", "110101199003071234", 0)], corpus_item("JT-001"), declared=declared)
    assert labels[0].material == "M3" and labels[0].shared == ("M5",)
