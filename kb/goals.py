"""A goal said in everyday words, and a question about what it takes: the person asks for the item.

"准备开家烧烤店 要准备哪些东西", "想从水库引点水过来 要不要报批", "注册成公司 手续咋走": none asks "办什么
/去哪办" in the words kb/cues.py's ``ASKS_ROUTE`` knows, yet each says what the person wants to do and
asks what it takes — the item is the answer (its basic information, and its materials when asked). A
goal alone is not enough: "打新井除了申请表还得交啥材料" asks one item's matter, not for the item.

And when the finder's own view of a goal in new words is split ("小污水处理站" reads like a water works
and like a building project), the knowledge base's entries may still agree: most of the question's best
entries come from one item (or one 一件事 with its own items), and that item is among the finder's.

A goal that names no item is answered surely (``goal_route``) when the best entries agree on one item, the
very first among them, and both views of each item (kb/matter.py's evidence) put its family first: the
person asked what it takes, and the KB's own answer is one item's. Entries split between items are no
agreement, and a licence no item's card mentions is no item's goal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from kb.cues import ASKS_CONCEPT, ASKS_MATERIALS, ASKS_ROUTE
from kb.finder import ItemCard, ItemMatch
from kb.fusion import Fused
from kb.index import KnowledgeIndex
from kb.matter import leads

__all__ = [
    "ASKS_STEPS",
    "GOAL_SAID",
    "agreed",
    "asks_item",
    "foreign_licence",
    "goal_route",
    "kb_led",
    "says_goal",
    "wants_item",
]

# what the person wants to do: an intention, then a verb of starting, building, running or taking
# ("要" alone only before starting or building: "要不要办" is no goal; 盖 builds, 整 is 东北 for 办/搞); a
# question in keywords drops the intention and keeps what is to be started new ("新开个店 办照带啥"; 重新开
# is doing again)
GOAL_SAID = re.compile(
    r"(想|准备|打算|计划|投资|寻思|琢磨)((在|从|到|给)[^，,。？?\s]{0,8})?(自己|合伙|跟[^，,\s]{1,4})?"
    r"(开|建|盖|办|做|搞|弄|整|成立|注册|新建|扩建|新上|上马?|引|抽|打|挖|跑|卖|经营|干)"
    r"|要(开|建|盖|新建|扩建|成立|注册|新上)|(?<!重)新(开|建|成立|注册)"
)
# what it takes, in spoken words: the steps, whether an approval is needed, a hurdle to pass
ASKS_STEPS = re.compile(
    r"手续|报批|(要|得|需要)(不要|先)?(报|批|审批)|(咋|怎么|如何)(走|弄|搞|办|整)"
    r"|(过|走).{0,4}(这|一)关|(批|审)不(批|审)|要不要(办|批|报|审)|能不能办|可以办吗"
)


# how the procedure goes, asked outright: the item's process, as "流程是怎样的" is
_ASKS_PROCEDURE = re.compile(r"手续(该|要|得)?(咋|怎么|如何)(走|办|弄|搞|整)")


def asks_item(query: str) -> bool:
    """Does the question ask for the item: in ``ASKS_ROUTE``'s words, how the procedure goes, or a goal
    said and what it takes?"""
    if ASKS_ROUTE.search(query) or _ASKS_PROCEDURE.search(query):
        return True
    return bool(GOAL_SAID.search(query)) and bool(ASKS_STEPS.search(query) or ASKS_MATERIALS.search(query))


# a licence named by what it is for ("烟草证", "药品经营许可证"), not asked about ("办啥证", "哪些证"): the
# two characters before 证, or before a word every licence has (经营, 许可, 资格)
_LICENCE = re.compile(r"([\u4e00-\u9fff]{2})(?:经营|许可|资格|执业|从业)?(?:许可)?证")
# words that ask about a licence, or carry one ("能把证拿全"), name none
_NOT_A_NAME = set("啥么些个办种张本的哪几拿领考换要把能")


def foreign_licence(query: str, card: ItemCard) -> bool:
    """Does the question name a licence this item's card never mentions (its names, goals, result,
    materials, guide clauses)? "烟草证去哪办" is no matter of the restaurant bundle, however much its
    entries resemble the question."""
    known = " ".join([card.name, card.results, *card.names, *card.goals, *card.prepare, *card.about])
    return any(not set(stem) & _NOT_A_NAME and stem not in known for stem in _LICENCE.findall(query))


def kb_led(
    fused: Sequence[Fused],
    index: KnowledgeIndex,
    items: Sequence[ItemMatch],
    family: Mapping[str, str],
    *,
    depth: int,
    least: int,
    floor: float,
) -> ItemMatch | None:
    """The finder's match for the item most of the knowledge base's first ``depth`` item entries come
    from, when at least ``least`` of them come from its family (a 一件事 with its own items) and the
    finder itself gives the item at least ``floor``: the KB's entries alone cluster on whatever item
    shares a word with the question ("驾驶证到期换证" finds JT-001's driver rules)."""
    first = [e.item for e in (index.entries[f.entry] for f in fused) if e.item][:depth]
    heads = [family.get(code, code) for code in first]
    if not heads:
        return None
    head = max(dict.fromkeys(heads), key=heads.count)
    if heads.count(head) < least:
        return None
    own = [code for code, h in zip(first, heads, strict=True) if h == head]
    code = max(dict.fromkeys(own), key=own.count)
    return next((m for m in items if m.card.code == code and m.score >= floor), None)


# an intention said before what to prepare ("想拿半挂车给厂里运钢材…要交哪些材料"): any verb after it, not
# the asking itself ("想问", "准备什么材料"); or the question opening on what is to be started ("开家烧烤店…")
_INTENT = re.compile(
    r"(想|准备|打算|计划|寻思|琢磨)(?!问|了解|咨询|知道|请教|什么|啥|哪|些|点|好|材料|资料)|^(新?开|新?建)(个|家|间|一家|一个|一间)"
)


def says_goal(query: str, *, materials: bool = True) -> bool:
    """Does the question say something to be done or ask what it takes (an intention, the steps, an
    approval, the materials)? A question near an item's sentences that does neither ("火锅哪家好吃") is
    no goal: the item's meaning does not answer it. ``materials=False``: what to bring, asked alone, is
    no goal ("变更个经营地址要带啥材料" asks one matter's papers, whatever item it resembles)."""
    return bool(
        asks_item(query)
        or GOAL_SAID.search(query)
        or _INTENT.search(query)
        or ASKS_STEPS.search(query)
        or (materials and ASKS_MATERIALS.search(query))
    )


def wants_item(query: str) -> bool:
    """Does the question ask for the item (``asks_item``), or say an intention in any words and ask what
    to prepare for it? "车辆年检要带什么" asks one matter's materials, not for an item."""
    return asks_item(query) or (bool(_INTENT.search(query)) and bool(ASKS_MATERIALS.search(query)))


def agreed(
    fused: Sequence[Fused],
    index: KnowledgeIndex,
    items: Sequence[ItemMatch],
    family: Mapping[str, str],
    *,
    depth: int,
    margin: int,
    floor: float,
) -> ItemMatch | None:
    """The item the knowledge base's best entries agree on, as the finder's match for it: the first item
    entry's family (a 一件事 with its own items) holds at least two of the first ``depth`` item entries,
    ``margin`` more than any other family, and the finder gives the item at least ``floor``. The item is
    the family's most frequent among those entries, the best-ranked on a tie (a bundle whose entries lead
    is answered before its own items). Entries of two items neck and neck (the same matter, different
    answers) agree on nothing: the desk asks back."""
    first = [e.item for e in (index.entries[f.entry] for f in fused) if e.item][:depth]
    heads = [family.get(code, code) for code in first]
    if not heads:
        return None
    head = heads[0]
    rival = max((heads.count(h) for h in set(heads) if h != head), default=0)
    if heads.count(head) < 2 or heads.count(head) - rival < margin:
        return None
    own = [code for code, h in zip(first, heads, strict=True) if h == head]
    code = max(dict.fromkeys(own), key=own.count)
    return next((m for m in items if m.card.code == code and m.score >= floor), None)


def goal_route(
    query: str,
    *,
    fused: Sequence[Fused],
    index: KnowledgeIndex,
    items: Sequence[ItemMatch],
    family: Mapping[str, str],
    evidence: Mapping[str, float],
    meant: ItemMatch | None,
    floor: float,
    lead: float,
    depth: int = 4,
    margin: int = 1,
) -> ItemMatch | None:
    """A sure route for a goal that names no item: the question asks for the item (``wants_item``), not
    what a concept means, and either the best entries agree on one item (``agreed``) or the finder's
    meaning already pointed to one (``meant``, the desk's unsure route); that item is backed
    (``backed``). The KB's agreement comes first: the finder's guess is only a guess. ``depth`` and
    ``margin`` were chosen on half A (even ids) of the dev sets and checked on half B."""
    if not wants_item(query) or ASKS_CONCEPT.search(query):
        return None
    found = agreed(fused, index, items, family, depth=depth, margin=margin, floor=floor)
    for match in (found, meant):
        if match is not None and backed(
            query, match, family=family, evidence=evidence, floor=floor, lead=lead
        ):
            return match
    return None


def backed(
    query: str,
    match: ItemMatch,
    *,
    family: Mapping[str, str],
    evidence: Mapping[str, float],
    floor: float,
    lead: float,
) -> bool:
    """Is the item a sure answer to the goal: the finder gives it at least ``floor``, both views of each
    item (its goals and clauses, its own entries: kb/matter.py's evidence) put its family first by ``lead``,
    and the question names no licence the item's card never mentions (an out-of-scope goal's entries still
    cluster on whatever item shares its words)?"""
    if match.score < floor or foreign_licence(query, match.card):
        return False
    head = family.get(match.card.code, match.card.code)
    kin = {match.card.code} | {code for code in evidence if family.get(code, code) == head}
    return leads(evidence, kin, lead)
