"""One masking for personal data: identity and phone numbers however they are written, natural persons'
names (company names stay), in structured facts and in free text."""

from __future__ import annotations

import pytest

from core.privacy import digest, is_person_name, mask_facts, mask_name, mask_text, person_names


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("电话 13812345678", "电话 138****5678"),
        ("电话 +86 138-1234-5678", "电话 +86 138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("0086 138 1234 5678", "0086 138****5678"),
        ("（+86）138 1234 5678", "（+86）138****5678"),
        ("138-1234-5678", "138****5678"),
        ("座机 0791-88123456", "座机 0791-****3456"),
        ("身份证 11010519491231002X", "身份证 110105********002X"),
        ("362321 19761026 3830", "362321********3830"),
        ("362321-19761026-3830", "362321********3830"),
        ("旧证 362321761026383", "旧证 362321*****6383"),
        ("统一社会信用代码 91350100M000100Y43", "统一社会信用代码 91350100M000100Y43"),
        ("913611012345678901", "913611012345678901"),  # 18 digits with no birth date: a USCC
        ("2026-03-02 到窗口", "2026-03-02 到窗口"),
    ],
)
def test_numbers_in_any_writing(written: str, masked: str) -> None:
    assert mask_text(written) == masked


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("我叫张三明，身份证号码丢了怎么办", "我叫张*明，身份证号码丢了怎么办"),
        ("申请人陈建国本人到场确认", "申请人陈*国本人到场确认"),
        ("经办人：刘洋 联系电话 138 1234 5678", "经办人：刘* 联系电话 138****5678"),
        ("身份证上的姓名「邹君哲」与申报不一致", "身份证上的姓名「邹*哲」与申报不一致"),
        ("法定代表人欧阳明辉的签字", "法定代表人欧**辉的签字"),
        ("取水许可的受理条件有哪些", "取水许可的受理条件有哪些"),
        ("申请人安和市宏远货运有限公司", "申请人安和市宏远货运有限公司"),
        ("我是个体户，营业执照忘带了", "我是个体户，营业执照忘带了"),
    ],
)
def test_names_in_free_text(written: str, masked: str) -> None:
    assert mask_text(written) == masked


def test_names_the_case_declared_are_masked_wherever_they_appear() -> None:
    declared = {
        "applicant_name": "安和市宏远货运有限公司",
        "legal_rep_name": "邹军哲",
        "legal_rep_id": "362321197610263830",
        "contact_phone": "+86 138-1234-5678",
        "shareholders": [{"name": "王霞媛", "id_number": "360121197710080422"}],
        "note": "王霞媛电话 139 0791 0000",
        "driver_count": 2,
    }
    assert person_names(declared) == {"邹军哲", "王霞媛"}
    assert mask_facts(declared) == {
        "applicant_name": "安和市宏远货运有限公司",
        "legal_rep_name": "邹*哲",
        "legal_rep_id": "362321********3830",
        "contact_phone": "+86 138****5678",
        "shareholders": [{"name": "王*媛", "id_number": "360121********0422"}],
        "note": "王*媛电话 139****0000",
        "driver_count": 2,
    }
    assert mask_text("邹军哲身份证.jpg", names=["邹军哲", "安和市宏远货运有限公司"]) == "邹*哲身份证.jpg"


def test_person_or_organisation() -> None:
    assert [
        is_person_name(v)
        for v in ("张三", "欧阳明辉", "买买提·艾力", "宏远货运有限公司", "张记小吃店", "营业执照.pdf")
    ] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert [mask_name(v) for v in ("王五", "张三明", "欧阳明辉", "买买提·艾力")] == [
        "王*",
        "张*明",
        "欧**辉",
        "买*提·艾*",
    ]


def test_digest_proves_what_was_written() -> None:
    original = {"reason": "身份证 362321197610263830"}
    assert digest(original) == digest({"reason": "身份证 362321197610263830"})
    assert digest(original) != digest({"reason": mask_text(original["reason"])})
