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
