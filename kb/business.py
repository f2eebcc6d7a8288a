"""The kind of business a goal names ("开间理发店", "建个家具厂"), and whether an item's card knows it.

A person who wants to open a shop says what shop: "想开间理发店要办啥手续". Said whole, such a question reads
like every "open a shop" goal, and the restaurant bundle's sentences are nearest to it ("开一家小饭馆…")
however unlike a restaurant a barber's is. The kind (理发) is the part that tells: when no card of the
routed item's family mentions it (its names, goals, sentences, guide clauses, result), the route rests on
the question's shape alone, and it is sure only when the items' sentences still place the goal clearly with
that item — the whole question, or the business named on its own ("理发店" is no nearer the restaurant
bundle than the chemicals shop; "麻辣烫店" is plainly a restaurant though no card says 麻辣烫).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel

from kb.finder import ItemCard
from kb.text import bigram_tokens

__all__ = ["Business", "business_named", "mentions"]

# starting, building or running something, the measure word, then the business: its kind and the word for
# the premises (场, 所 alone are left out: 现场, 场所 name no business)
_BUSINESS = re.compile(
    r"(?:开|建|办|做|搞|弄|成立|注册|新上|经营|盖|弄成|改成)(?:了|个|家|间|座|一家|一个|一间|一座|一所)?"
    r"([\u4e00-\u9fff]{0,8}?)"
    r"(店|馆|厂|诊所|院|园|铺|站|公司|中心|车间|作坊|工作室|超市|门店|房|吧)"
)
# the size, the measure word and the legal form are no kind of business ("小型", "有限责任")
_FILLER = set("小大新型个家间一的成有限责任")
# premises words that say no kind of business
_ANY = {"公司", "门店", "中心"}


class Business(BaseModel):
    """A business the question names: its kind ("理发") and the whole phrase ("理发店")."""

    kind: str
    phrase: str
    pieces: list[str]  # the kind's character pairs (the kind itself when it is one character)


# words that open with a starting verb and start nothing: where one works (办公室), what is built (建设)
_NO_VERB = re.compile(r"办公|开发|建设|建筑|做工|搞定")


def business_named(query: str) -> Business | None:
    """The first business with a kind the question names to start or run, if any ("开个小公司" names none:
    a company of no particular kind; 办公室 is where one works, not a business started)."""
    for m in _BUSINESS.finditer(query):
        if _NO_VERB.match(query, m.start()):
            continue
        kind = m.group(1)
        pieces = [b for b in bigram_tokens(kind) if not set(b) <= _FILLER]
        if not pieces and kind and not set(kind) <= _FILLER:
            pieces = [kind + m.group(2)]  # "药店": one character says the kind only with its premises
        if not pieces and len(m.group(2)) > 1 and m.group(2) not in _ANY:
            pieces = [m.group(2)]  # "小诊所": the premises word says the kind
        if pieces:
            return Business(kind=kind, phrase=kind + m.group(2), pieces=pieces)
    return None


def mentions(cards: Iterable[ItemCard], business: Business) -> bool:
    """Does any of the cards speak of this kind of business (one of its character pairs in the card's
    names, goals, sentences, guide clauses or result)?"""
    text = " ".join(" ".join([c.name, c.results, *c.names, *c.goals, *c.says, *c.about]) for c in cards)
    return any(piece in text for piece in business.pieces)
