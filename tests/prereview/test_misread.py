"""Signs in a value that a photo's reading misread it: impossible periods and numbers, near misses."""

from __future__ import annotations

from prereview.misread import (
    near_declared,
    number_doubt,
    period_doubt,
    restored,
    sentence_doubt,
    unlike_declared,
)
from prereview.readings import declared_values

DECLARED = declared_values(
    {
        "applicant_name": "安和市聚力运输有限公司",
        "uscc": "9136110240MC1AAEXE",
        "legal_rep_name": "秦桂华",
        "agent_id_number": "360425199411248329",
    }
)


def test_a_period_ending_before_it_starts_is_a_misread_year() -> None:
    assert "早于起日" in period_doubt("自2026/10/15至2021/10/15")
    assert period_doubt("自2026/10/15至2027/10/15") == ""


def test_a_lone_date_trailed_by_a_stray_character_lost_its_end_date() -> None:
    assert "「室」" in period_doubt("2019-05-24室")


def test_a_lone_date_printed_as_an_end_is_no_misread() -> None:
    for value in ("有效期至2030年06月30日", "至2027年2月25日止", "2030-06-30止", "2019-05-24至长期", "长期"):
        assert period_doubt(value) == "", value


def test_a_number_with_a_character_its_standard_never_uses_is_misread() -> None:
    assert "「I」" in number_doubt("9136110240NCIAAEXE", "uscc")
    assert "「B」" in number_doubt("36042519941124B329", "id_number")
    assert number_doubt("9136110240MC1AAEXE", "uscc") == ""
    assert number_doubt("36042519941124832X", "id_number") == ""
    assert number_doubt("913611", "uscc") == ""  # too short: that is the shape doubt's business


def test_a_weakly_read_near_miss_of_a_declared_name_is_in_doubt() -> None:
    assert near_declared("安和市聚力运愉有限公司", "name", 0.93, DECLARED) == "安和市聚力运输有限公司"
    assert near_declared("秦挂华", "name", 0.9, DECLARED) == "秦桂华"


def test_a_clean_reading_of_a_different_name_is_a_real_difference() -> None:
    assert near_declared("安和市聚力运愉有限公司", "name", 0.995, DECLARED) == ""
    assert near_declared("安和市顺达物流有限公司", "name", 0.8, DECLARED) == ""  # far from any declared
    assert near_declared("秦桂华", "name", 0.8, DECLARED) == ""  # the declared value itself
    # a name written otherwise, not misread: two characters added together
    assert near_declared("安和市聚力运输有限责任公司", "name", 0.9, DECLARED) == ""


def test_a_number_differing_only_in_look_alikes_is_in_doubt_even_read_cleanly() -> None:
    assert near_declared("9136110240NC1AAEXE", "uscc", 0.995, DECLARED) == "9136110240MC1AAEXE"
    # a clean reading of another digit is a real difference (an applicant's typo)
    assert near_declared("360425199411248349", "id_number", 0.995, DECLARED) == ""
    assert near_declared("360425199411248349", "id_number", 0.9, DECLARED) == "360425199411248329"


def test_a_name_that_reads_as_running_text_is_no_name() -> None:
    assert "句子" in sentence_doubt("均予以承认，由此产生的")
    for name in ("安和市聚力运输有限公司", "张婷燕、韩雪淑", "安和市聚力运输有限公司。"):
        assert sentence_doubt(name) == "", name


def test_a_list_of_names_with_one_name_misread_is_a_near_miss() -> None:
    declared = frozenset({"张婷燕", "韩雪淑", "安和市聚力控股有限公司"})
    assert near_declared("张婷茶、韩雪淑", "list", 0.95, declared) == "张婷燕"
    assert near_declared("韩雪淑、安和态聚力控股有限公司", "list", 0.95, declared) == "安和市聚力控股有限公司"
    assert near_declared("张婷燕、韩雪淑", "list", 0.95, declared) == ""  # both as declared
    assert near_declared("张婷茶、韩雪淑", "list", 1.0, declared) == ""  # a clean reading stays sure
    assert near_declared("王大明、李小红", "list", 0.95, declared) == ""  # other people


def test_a_period_whose_words_are_misread_around_a_readable_date_is_in_doubt() -> None:
    # 办结 read as 办信: the start date is there, the open end's words no longer parse
    assert "2025年12月7日" in period_doubt("自2025年12月7日起至本事项办信之日止")
    assert period_doubt("自2025年12月7日起至本事项办结之日止") == ""
    assert period_doubt("字迹模糊") == ""  # no date read at all: nothing to say it is a period


def test_a_number_read_short_is_unlike_the_declared_one_only_when_lost_characters_cannot_explain_it() -> None:
    declared = frozenset({"360111199001276074", "万帆伟"})
    assert unlike_declared("36011119001276076", declared)  # a 9 lost, and the last digit differs
    assert not unlike_declared("36011119901276074", declared)  # only a character lost
    assert not unlike_declared("3601111990O127607", declared)  # O for 0 is a look-alike, 4 lost
    assert not unlike_declared("360111199001276076", declared)  # not short: the rules compare it
    assert not unlike_declared("36011119001276076", frozenset({"万帆伟"}))  # nothing to compare with


def test_a_number_whose_only_differences_are_characters_no_issuer_prints_is_the_declared_one() -> None:
    # O and I are no characters of a 统一社会信用代码, letters none of a 公民身份号码's first 17
    assert restored("9136110240MC1AAEXE".replace("0", "O"), "uscc", DECLARED) == "9136110240MC1AAEXE"
    assert restored("36O425I99411248329", "id_number", DECLARED) == "360425199411248329"


def test_a_usable_character_that_differs_is_no_misread_to_restore() -> None:
    assert restored("9136110240MC1AAEXF".replace("0", "O"), "uscc", DECLARED) == ""  # check digit F
    assert restored("36O425199411248328", "id_number", DECLARED) == ""  # O for 0, and a last digit changed
    assert restored("9136110240MC1AAEXE", "uscc", DECLARED) == ""  # nothing to restore
