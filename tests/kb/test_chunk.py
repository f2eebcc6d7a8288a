from kb.chunk import chunk_text, section_question, units_for
from tests.kb.conftest import doc


def test_lines_are_merged_up_to_the_limit_and_long_lines_split_at_sentences() -> None:
    text = "第一行。\n第二行。\n" + "很长的一句话，" * 30 + "。再来一句。"
    chunks = chunk_text(text, max_chars=60)
    assert chunks[0] == "第一行。\n第二行。"
    assert all(len(c) <= 60 for c in chunks)
    assert "".join(chunks[1:]) == ("很长的一句话，" * 30 + "。再来一句。")


def test_faq_units_embed_question_phrasings_and_answer() -> None:
    u = units_for(doc("SL-001#Q1", "自来水要办取水许可吗？", "不需要。", alternatives=["用自来水算取水吗"]))
    assert u.embed_texts == ["自来水要办取水许可吗？", "用自来水算取水吗", "自来水要办取水许可吗？ 不需要。"]
    assert len(u.keyword_texts) == 1 and "取水许可 自来水" in u.keyword_texts[0]


def test_guide_chunks_carry_their_title() -> None:
    body = "\n".join(f"材料编号：M{i}；材料名称：材料{i}" + "说明" * 40 for i in range(5))
    u = units_for(doc("SL-001#materials", "取水许可 申请材料", body, kind="guide"), max_chars=120)
    assert len(u.embed_texts) == 6 and len(u.keyword_texts) == 5
    assert u.embed_texts[0] == section_question(
        doc("SL-001#materials", "取水许可 申请材料", body, kind="guide")
    )
    assert all(t.startswith("取水许可 申请材料：") for t in u.embed_texts[1:])


def test_each_guide_section_is_asked_for_in_its_own_words() -> None:
    def question(section: str, body: str = "正文") -> str | None:
        return section_question(doc(f"SL-001#{section}", f"取水许可 · {section}", body, kind="guide"))

    assert question("conditions") == "办理取水许可需要满足哪些受理条件？什么条件才能申请？"
    assert question("materials") == "申请取水许可需要提交哪些材料？材料清单"
    assert question("reject") == "取水许可什么情况下不予受理？"
    assert question("basic", "法定时限：20 个工作日\n收费：不收费") is None  # its rows are found as they are
    assert question("history") is None  # a section kind nobody wrote a question for: chunks only
