import pytest

from rules.identity import (
    birth_date_of,
    id_birth_date,
    is_valid_id,
    is_valid_id_of,
    is_valid_uscc,
    is_valid_uscc_of,
    normalize_name,
    normalize_number,
)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),  # README §9.1 example
        ("11010519491231002x", True),  # lower-case x is normalised
        ("110105194912310021", False),  # wrong check digit
        ("110105194902300012", False),  # 30 February
        ("110105491231002", False),  # 15-digit numbers are invalid
        (
            "360102196506121238",
            True,
        ),  # a county code stdnum's table rejects for that year: not checked (§9.1)
        ("11010518991231002X", False),  # born before 1900
    ],
)
def test_id_numbers(number: str, valid: bool) -> None:
    assert is_valid_id(number) is valid


def test_id_born_after_review_date_is_invalid() -> None:
    from datetime import date

    assert (
        is_valid_id("36010220300101123X") is False
        or is_valid_id("36010220300101123X", on=date(2026, 1, 1)) is False
    )


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91350100M000100Y43", True),
        ("91350100M000100Y44", False),
        ("91350100M000I00Y43", False),
        ("Y1350100M000100Y4D", True),  # letters in the first eight places are allowed by §9.2
        ("", False),
    ],
)
def test_credit_codes(code: str, valid: bool) -> None:
    assert is_valid_uscc(code) is valid


def test_name_normalisation_follows_7_1() -> None:
    assert normalize_name("安和市 顺达（物流）有限公司") == normalize_name("安和市顺达(物流)有限公司")
    assert normalize_name("安和市顺达物流有限公司") != normalize_name("安和市顺达物流有限责任公司")
    assert normalize_number(" 9135 0100m000100y43 ") == "91350100M000100Y43"


# --- README §7.1, as extraction and evaluation both compare ------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("安和市顺达物流有限公司", "安和市 顺达物流 有限公司", True),
        ("安和市（测试）有限公司", "安和市(测试)有限公司", True),
        ("ＡＢＣ科技有限公司", "ABC科技有限公司", True),
        ("安和市顺达物流有限公司", "安和市顺达物流有限责任公司", False),  # README: not the same
        ("致远集团有限公司", "安和市致远集团有限公司", False),  # SC-P03 M2
        ("张三", "张 三", True),
    ],
)
def test_names_compare_letter_by_letter_after_7_1(a: str, b: str, same: bool) -> None:
    assert (normalize_name(a) == normalize_name(b)) is same


def test_normalize_drops_spaces_and_width() -> None:
    assert normalize_name(" 安和市\u3000（测试） ") == "安和市(测试)"
    assert normalize_number(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert normalize_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "text",
    [
        "１１０１０５１９４９１２３１００２ｘ",
        " 110105 19491231 002x ",
        "11010519490230002X",
        "1101051949123100２",
        "91350100m000100y43",
        "abc",
    ],
)
def test_numbers_read_once_are_judged_as_when_read_again(text: str) -> None:
    # rules.values normalises a new number once and judges the normalised form
    from datetime import date

    value = normalize_number(text)
    assert birth_date_of(value) == id_birth_date(text)
    for on in (None, date(1949, 12, 30), date(2026, 1, 1)):
        assert is_valid_id_of(value, on=on) is is_valid_id(text, on=on)
    assert is_valid_uscc_of(value) is is_valid_uscc(text)
