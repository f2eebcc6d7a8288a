"""The one full-width to half-width fold (core.text)."""

import re
import sys
import unicodedata

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


def test_text_returned_as_it_is_has_nothing_to_fold() -> None:
    # halfwidth returns NFKC text as it is: no character of such a text may have a one-character form
    # of its own that differs (what the table would put in its place), in any of these neighbourhoods
    around = ("", "a", "中", "\u0301", "\u0308", "\u1100", "\u1161", "\u11a8")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        form = unicodedata.normalize("NFKC", char)
        if len(form) == 1 and form != char:
            for left in around:
                assert not any(unicodedata.is_normalized("NFKC", left + char + right) for right in around)
    # strip_spaces returns printable text without an ASCII space as it is: no whitespace is printable
    space = re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert not (space.match(char) and char.isprintable() and char != " ")


def test_folded_and_stripped_alike_either_way() -> None:
    for text in ("张三", "北京市（朝阳区）", "Ａ１", "110105199001011234", "甲 乙", "①号", "e\u0301", "ﬁ"):
        assert halfwidth(text) == "".join(_one_character_form(c) for c in text)
        assert strip_spaces(text) == re.sub(r"\s+", "", text)


def _one_character_form(char: str) -> str:
    form = unicodedata.normalize("NFKC", char)
    return form if len(form) == 1 else char
