"""The one full-width to half-width fold (core.text)."""

from core.text import halfwidth, strip_spaces


def test_full_width_ascii_and_the_ideographic_space_become_ascii() -> None:
    assert halfwidth("ＡＢＣ１２３（：）　") == "ABC123(:) "


def test_other_one_character_forms_fold_too() -> None:
    assert (
        halfwidth("①⼈\u00a0") == "1人 "
    )  # a circled digit, a Kangxi radical from a text layer, a no-break space


def test_the_text_keeps_its_length() -> None:
    # field reading cuts the original characters at offsets found in the folded text
    assert halfwidth("面积㎡…") == "面积㎡…"
    for text in ("ＡＢＣ１２３", "ﬁ ligature", "㈱ ⑴ Ⅻ", "取水许可证（延续）"):
        assert len(halfwidth(text)) == len(text)


def test_strip_spaces_drops_every_kind_of_space() -> None:
    assert strip_spaces(" 安和市\u3000顺达\u00a0物流\t有限公司\n") == "安和市顺达物流有限公司"
