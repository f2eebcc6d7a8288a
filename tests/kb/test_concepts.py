"""A concept described without its name: the term whose sentences (definition, the hall's everyday
wordings) lead by meaning and by wording."""

from __future__ import annotations

from pathlib import Path

from kb.concepts import TermDescriptions, put_first, sentences
from kb.fusion import Fused
from kb.index import KnowledgeIndex
from kb.schemas import IndexDoc
from kb.terms import load_wordings
from kb.text import Tokenizer
from tests.kb.conftest import ROOT, FakeEmbedder


def _term(title: str, definition: str, aliases: tuple[str, ...] = ()) -> IndexDoc:
    return IndexDoc(
        target=f"term:{title}",
        kind="term",
        item="",
        department="大厅",
        title=title,
        alternatives=list(aliases),
        body=definition,
        content_hash=title + definition,
    )


def _index(embedder: FakeEmbedder) -> KnowledgeIndex:
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer())
    index.upsert(
        [
            _term(
                "统一出件",
                "各部门审批完成后把证照交回综合窗口，由综合窗口统一交给申请人。申请人不用再去各个部门取结果。",
            ),
            _term("复印件核验原件", "申请人交复印件留档，同时带原件到窗口比对，确认一致后把原件退还。"),
            _term("好差评", "办事人对政务服务打分评价的制度。收到差评的要整改反馈。"),
        ]
    )
    return index


def test_definition_sentences_long_enough_to_describe() -> None:
    assert sentences("甲。乙丙丁戊己庚。辛壬癸子丑寅卯辰；") == ["乙丙丁戊己庚。", "辛壬癸子丑寅卯辰；"]


def test_a_description_finds_its_term_by_meaning_and_wording(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    concepts = TermDescriptions(embedder=embedder, floor=0.0, lead=0.0, wording=1.0)
    query = "审批完了还要去各个部门取结果吗"
    found = concepts.described(query, embedder.embed_queries([query])[0], index)
    assert found is not None and found.target == "term:统一出件" and found.wording_first
    assert (
        concepts.answers(query=query, qvec=embedder.embed_queries([query])[0], index=index) == "term:统一出件"
    )


def test_a_named_term_or_a_route_question_is_left_to_the_other_rules(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    concepts = TermDescriptions(embedder=embedder, floor=0.0, lead=0.0, wording=0.0)
    for query in ("统一出件是去各个部门取结果吗", "各个部门取结果要办什么手续"):
        assert concepts.answers(query=query, qvec=embedder.embed_queries([query])[0], index=index) is None


def test_a_term_is_confirmed_only_when_its_sentences_also_put_it_first(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    concepts = TermDescriptions(embedder=embedder, floor=0.0, lead=0.0, wording=1.0)
    # names its term: answers() leaves it to the name rules, confirms() does not
    query = "统一出件是不是审批完了不用去各个部门取结果"
    qvec = embedder.embed_queries([query])[0]
    assert concepts.answers(query=query, qvec=qvec, index=index) is None
    assert concepts.confirms(query=query, qvec=qvec, index=index, target="term:统一出件")
    assert not concepts.confirms(query=query, qvec=qvec, index=index, target="term:好差评")
    strict = TermDescriptions(embedder=embedder, floor=0.0, lead=0.0, wording=1000.0)
    assert not strict.confirms(query=query, qvec=qvec, index=index, target="term:统一出件")


def test_the_hall_wordings_count_and_an_edit_embeds_only_new_sentences(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    concepts = TermDescriptions(embedder=embedder, wordings={"好差评": ["办完事给窗口打个分数"]})
    concepts.prepare(index)
    query = "给窗口打个分数"
    assert concepts.scores(query, embedder.embed_queries([query])[0], index)["term:好差评"][1] > 0
    calls = embedder.calls
    concepts.prepare(index)
    assert embedder.calls == calls  # same terms: nothing rebuilt
    index.upsert([_term("好差评", "办事人对政务服务打分评价的制度。差评一个工作日内了解情况。")])
    calls = embedder.calls
    concepts.prepare(index)
    assert embedder.calls == calls + 1  # the one changed sentence, in one call


def test_a_concept_question_naming_no_term_is_the_term_its_meaning_is_nearest(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    concepts = TermDescriptions(embedder=embedder, floor=0.0)
    for query, expected in (
        ("审批完了去各个部门取结果跟在大厅领是一回事吗", "term:统一出件"),
        ("统一出件是啥", None),
    ):
        qvec = embedder.embed_queries([query])[0]
        assert (
            concepts.compared(query=query, qvec=qvec, index=index) == expected
        )  # a named term: its own rules
    strict = TermDescriptions(embedder=embedder, floor=1.01)
    query = "审批完了去各个部门取结果跟在大厅领是一回事吗"
    assert strict.compared(query=query, qvec=embedder.embed_queries([query])[0], index=index) is None


def test_put_first_adds_the_term_when_the_search_missed_it(embedder: FakeEmbedder) -> None:
    index = _index(embedder)
    at = index.by_target["term:好差评"]
    ranked = put_first([Fused(entry=index.by_target["term:统一出件"], score=2.0)], index, "term:好差评")
    assert ranked[0].entry == at and ranked[0].score > ranked[1].score


def test_the_shipped_wordings_name_live_terms_only() -> None:
    wordings = load_wordings(ROOT / "corpus" / "term_wordings.yaml")
    glossary = (ROOT / "corpus" / "glossary.md").read_text(encoding="utf-8")
    assert wordings and all(f"## term:{title}\n" in glossary for title in wordings)
    assert load_wordings(Path("/nonexistent.yaml")) == {}
