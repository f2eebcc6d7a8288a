"""What one entry becomes in the index: BM25 documents and embedded texts.

An FAQ is one keyword document (item name, question, alternative phrasings, answer) and
several vectors: the question, each alternative phrasing, and question+answer. People phrase
the same need many ways, and the best-matching phrasing decides. A guide section can be long:
it is cut at line (table row) and sentence boundaries into chunks of about ``max_chars``, each
prefixed with its title so a chunk still says what it belongs to, and it gets one more vector:
the question the section answers, as people ask it. A chunk of conditions reads like
conditions, not like "what are the conditions?", and e5 matches a question to a question best:
without it "受理条件有哪些" found the basic-information section first, whose text names the item
and its legal basis. The question comes from the section's kind and the item's name, never from
the questions being tested.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from kb.schemas import IndexDoc

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
_QA_ANSWER_CHARS = 240  # e5 reads 512 tokens at most, and the question must stay dominant
_SECTION_QUESTIONS = {
    "conditions": "办理{name}需要满足哪些受理条件？什么条件才能申请？",
    "materials": "申请{name}需要提交哪些材料？材料清单",
    "reject": "{name}什么情况下不予受理？",
}


class Units(BaseModel):
    keyword_texts: list[str]
    embed_texts: list[str]


def units_for(doc: IndexDoc, *, max_chars: int = 240) -> Units:
    if doc.kind == "term":
        return _term_units(doc)
    if doc.kind == "faq":
        head = f"{doc.item_name} {doc.title}".strip()
        keyword = " ".join([head, *doc.alternatives, doc.body])
        embed = [doc.title, *doc.alternatives, f"{doc.title} {doc.body[:_QA_ANSWER_CHARS]}"]
        return Units(keyword_texts=[keyword], embed_texts=embed)
    chunks = chunk_text(doc.body, max_chars=max_chars) or [doc.body]
    texts = [f"{doc.title}：{c}" for c in chunks]
    question = section_question(doc)
    units = [question, *texts] if question else texts
    return Units(keyword_texts=texts, embed_texts=units)


def _term_units(doc: IndexDoc) -> Units:
    """A term is asked about by name ("容缺是啥意思"), by any of its other names, or by describing
    it; the first sentence of the definition says what it is, the rest is detail."""
    names = [doc.title, *doc.alternatives]
    keyword = " ".join([*names, doc.body])
    first = _SENTENCE_END.split(doc.body)[0]
    embed = [
        f"{doc.title}是什么意思？",
        *(f"{name}是什么？" for name in doc.alternatives),
        f"{doc.title}：{first}",
        f"{doc.title}：{doc.body[:_QA_ANSWER_CHARS]}",
    ]
    return Units(keyword_texts=[keyword], embed_texts=embed)


def section_question(doc: IndexDoc) -> str | None:
    """The question a guide section answers, e.g. "申请取水许可需要提交哪些材料？".

    Basic information gets none: a question listing its fields ("…的受理窗口、法定时限、收费是什么")
    read as the generic "X 的什么" and drew questions about materials and refusals away from
    their sections; its rows are short and specific enough to be found as they are.
    """
    template = _SECTION_QUESTIONS.get(doc.target.partition("#")[2])
    return template.format(name=doc.item_name or doc.title.split(" · ")[0]) if template else None


def chunk_text(text: str, *, max_chars: int) -> list[str]:
    """Lines (table rows) merged up to ``max_chars``; overlong lines split at sentence ends."""
    pieces: list[str] = []
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        if len(line) <= max_chars:
            pieces.append(line)
        else:
            pieces.extend(_split_long(line, max_chars))
    chunks: list[str] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 1 + len(piece) <= max_chars:
            chunks[-1] = f"{chunks[-1]}\n{piece}"
        else:
            chunks.append(piece)
    return chunks


def _split_long(line: str, max_chars: int) -> list[str]:
    out: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(line) if s):
        while len(sentence) > max_chars:  # no sentence end for a long stretch: hard cut
            if current:
                out.append(current)
                current = ""
            out.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if len(current) + len(sentence) > max_chars and current:
            out.append(current)
            current = ""
        current += sentence
    if current:
        out.append(current)
    return out
