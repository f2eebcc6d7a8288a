import pytest

from kb.spell import HomophoneCorrector
from kb.text import WordSegmenter


@pytest.fixture(scope="module")
def corrector() -> HomophoneCorrector:
    seg = WordSegmenter()
    c = HomophoneCorrector(segmenter=seg)
    c.add_vocabulary(["授权", "委托书", "行驶证", "禁采区", "论证", "公章", "坐标", "表格", "社保"])
    return c


@pytest.mark.parametrize(
    ("query", "fixed"),
    [
        ("授全委托书谁签", "授权委托书谁签"),
        ("行使证不是公司名", "行驶证不是公司名"),
        ("禁彩区里面想打井", "禁采区里面想打井"),
        ("社宝证明", "社保证明"),
    ],
)
def test_same_sound_slips_are_repaired(corrector: HomophoneCorrector, query: str, fixed: str) -> None:
    text, fixes = corrector.correct(query)
    assert text == fixed
    assert fixes


@pytest.mark.parametrize("query", ["车挂在我表哥名下", "做表还是做报告书", "这个项目要交什么"])
def test_real_words_are_left_alone(corrector: HomophoneCorrector, query: str) -> None:
    # 表哥 is a common word (not 表格); 做表 differs from 坐标 in tone; 个项 crosses a word boundary
    assert corrector.correct(query) == (query, [])
