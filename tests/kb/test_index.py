"""The search index's entries as they change (kb/index.py)."""

from __future__ import annotations

import threading

from kb.index import KnowledgeIndex
from kb.text import Tokenizer
from tests.kb.conftest import FakeEmbedder, doc


def test_a_change_waiting_behind_a_hit_test_is_applied_after_the_draft_is_taken_out(
    embedder: FakeEmbedder,
) -> None:
    """A publish caught up while a hit test has the same new text standing in for the entry: once the hit
    test puts the live version back, the published text still replaces it."""
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer(fields=("char", "bigram")))
    live = doc("SL-001#Q1", "取水许可多久能办完", "受理后二十个工作日内办结。")
    published = doc("SL-001#Q1", "取水许可多久能办完", "受理后十个工作日内办结。")
    index.upsert([live])
    follower = threading.Thread(target=index.upsert, args=([published],))
    with index._write_lock:  # as kb.preview holds it: the draft in, the questions searched, the live back
        index.upsert([published])
        follower.start()
        follower.join(timeout=0.3)
        index.upsert([live])
    follower.join(timeout=10)
    assert not follower.is_alive()
    entry = index.entries[index.by_target["SL-001#Q1"]]
    assert entry.body == "受理后十个工作日内办结。"


def test_which_items_use_a_word_follows_the_entries_as_they_change(embedder: FakeEmbedder) -> None:
    """items_using is remembered per word until the entries change: an entry added or removed counts at
    once, and a caller changing the answer it got changes nothing kept."""
    index = KnowledgeIndex(embedder=embedder, tokenizer=Tokenizer(fields=("char", "bigram")))
    index.upsert([doc("SL-001#Q1", "取水许可多久能办完", "受理后二十个工作日内办结。")])
    assert index.items_using("取水") == ({"SL-001": 1}, 1)
    used, _ = index.items_using("取水")
    used["HB-001"] = 5
    assert index.items_using("取水") == ({"SL-001": 1}, 1)
    index.upsert([doc("HB-001#Q1", "排污许可要不要取水证明", "不需要。", item="HB-001")])
    assert index.items_using("取水") == ({"SL-001": 1, "HB-001": 1}, 2)
    index.remove(["SL-001#Q1"])
    assert index.items_using("取水") == ({"HB-001": 1}, 1)
