"""What the question's own words say, before any ranking: does it ask for the item (what to do, where),
for the materials, what a concept means, or about a matter every item settles its own way; and which
of the terms that came up it names.

Plain patterns over what people type at the desk; the desk (kb/desk.py) weighs them against what the
search found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.fusion import Fused
from kb.index import KnowledgeIndex
from kb.term_names import SAID, TermNames
from kb.text import everyday_freq

__all__ = [
    "ASKS_CASES",
    "ASKS_CONCEPT",
    "ASKS_MATERIALS",
    "ASKS_MEANING",
    "ASKS_NAME",
    "ASKS_ROUTE",
    "DISTINCT_ALIAS",
    "HELD_LICENCE",
    "PER_ITEM",
    "THAT_THING",
    "THIS_ITEM",
    "negated",
    "said_term",
    "term_named",
    "term_names",
]

# "what must I do / which permit / where": the question asks for the item, not about one
ASKS_ROUTE = re.compile(
    r"(办|办理|申请|做|跑)(个|些)?(啥|什么|哪些|哪几个?|哪个|哪种)"
    r"|(要|需要|得|该)先?(办|申请|做|走|拿|领)?(个|些)?(啥|什么|哪些|哪几个?|哪个|哪种)"
    r"(证|许可|手续|审批|资质|执照|流程)"
    # "随便哪个窗口都能收" says any window, it asks for none
    r"|(?<!随便)(?<!不管)(?<!无论)(?<!不论)哪(个|些|家)?(部门|局|窗口|单位)(?!都|也)|几个(部门|局|窗口)|跑几|归哪|归谁|谁(管|批|审)|找谁|怎么(申请|办理)"
    # "上哪儿弄" (北方), "去哪搭办" (西北 哪搭: where), "该去哪咨询": where to go is asked in spoken words too
    r"|(在|去|到|上)哪(里|儿|搭)?(办|批|审|申请|登记|领|报|递|弄|搞|整|问|咨询|[\s,.?!，。？！、]|$)"
    r"|(手续|证照)(和材料)?(都|一共)?有?(哪些|哪几|啥)"
    r"|流程是?(怎样|怎么样|如何|啥样)|的流程[\s?？]*$|流程(该|要)?(咋|怎么)(走|弄|跑)"
)
ASKS_MATERIALS = re.compile(r"材料|资料|(带|准备|交|拿)(些|点)?(啥|什么|哪些)|要啥")
# spoken forms count as much as written ones: "是个啥", "咋回事", "干嘛用的", "这叫什么"
ASKS_MEANING = re.compile(
    r"意思|是什么|是啥|是个(啥|什么)|指什么|指啥|指的|什么叫|啥叫|叫(啥|什么)"
    r"|(怎么|咋)(理解|回事)|啥回事|(什么|啥)(说法|概念|政策|规定)|(干|做)(啥|嘛|什么)(的|用)"
)
# what a practice or a wording is called ("这算啥说法", "这叫什么", "什么规定"): a concept's name answers it
ASKS_NAME = re.compile(r"叫(啥|什么)|(什么|啥)(说法|概念|政策|规定|制度)")
# a matter every item settles in its own way: asked without naming the item, the answer depends on it
PER_ITEM = re.compile(
    r"收费|收钱|交钱|要钱|花钱|费用|多少钱|免费"
    r"|多久|多长时间|几天|多少天|几个?工作日|多少个?工作日|等多久|啥时候|什么时候能"
    r"|带(些|点)?(啥|什么|哪些)|准备(些|点)?(啥|什么|哪些)|材料|证件"
    r"|代办|代理|替我|代我|委托|别人(来|去)?(办|跑|交)"
    r"|有效期|管几年|过期|续期|延续"
    r"|不受理|不收|退回|不予|不给办|拒收|被拒"
    r"|现场|上门|核查"
    r"|没带|忘带|缺了|还没(签|办|拿)|先收|先受理"
    # refusal, validity, jurisdiction and premises in spoken words: each item has its own answer too
    r"|不接|不让办|作废|失效|还有效|还能用|县里|区里|市里|省里|管辖|哪一级"
    r"|住的房子|自己家|住宅|经营场所|场地"
    # the cases where no licence is needed: each item lists its own exemptions
    r"|不用(来|去)?办|不需要(来|去)?办|不必办|免办|用不着办"
)
# asking what a concept means or how it is counted: the term answers it, whatever the item
ASKS_CONCEPT = re.compile(
    ASKS_MEANING.pattern + r"|怎么算|怎么计算|区别|哪天(开始)?(算|数|起算)|算不算|怎么数"
    # two things compared: "跟法律上写的是一回事不", "差在哪" (what each concept is)
    r"|一回事|差在哪|有啥不(一样|同)|有什么不(一样|同)|等于|等同"
)
# which situations: the list of cases (of refusal, of a material being needed), which each item draws its own
ASKS_CASES = re.compile(r"(什么|啥子?|哪些|哪种|哪几种)(样的?|情况|情形)")  # 啥子: 四川 啥
# an item the person has in mind and does not name: "这个事到底在哪个窗口办", "不用办这个证"
THIS_ITEM = re.compile(r"这(个|项)?(事儿?|证|许可|执照|手续)(?!项)")
# a document pointed at, not named ("那份评估报告", "那本安全制度"): the person has an item in mind whose
# document it is; several items ask for a report or a set of rules, each its own
THAT_THING = re.compile(r"(那|这)(个|份|张|本)[\u4e00-\u9fff]{0,4}?(报告|制度|表|证明|说明|文件|单子|书)")
# a procedure on a licence already held (its annual review, a replacement, cancelling it): the items'
# guides are for applying, so the item whose licence it is does not answer it
HELD_LICENCE = re.compile(r"年审|年检|换证|补领|补发|挂失|遗失|注销|吊销")
# a quantity asked right before a name: the name is what is counted, not the concept asked about
_COUNTED = re.compile(r"(多少|几)个?$")
# a term's other name said in a question about a matter every item settles (委托书, 不受理) names no
# concept: only a longer, distinctive one does (先受理后补交, 缺件受理)
DISTINCT_ALIAS = 4


# words that deny what follows ("不开公司", "非餐饮"); 没 ("还没做环评") says what is still to do, and is
# asked about
_NEGATION = "不非"
_WANT = "想要是用"  # a wish or a kind between the denial and the name: "不想开公司", "不是办执照"


def negated(query: str, phrase: str) -> bool:
    """Is every mention of ``phrase`` in the question denied just before it ("一个人不开公司", "不想开
    公司") or set aside ("除了执照还得办什么证")? Then the person says what they are not asking about.
    "能不能开公司" asks whether, and denies nothing."""
    starts = [m.start() for m in re.finditer(re.escape(phrase), query)] if phrase else []
    return bool(starts) and all(_denied(query, at) for at in starts)


def _denied(query: str, at: int) -> bool:
    if query[max(0, at - 2) : at] == "除了":  # "除了执照还得办什么证": had or known, the rest is asked
        return True
    j = at - 1
    if j >= 1 and query[j] in _WANT:
        j -= 1
    asks_whether = 0 < j < len(query) - 1 and query[j - 1] == query[j + 1]  # 能不能, 是不是
    return j >= 0 and query[j] in _NEGATION and not asks_whether


def said_term(query: str, fused: Sequence[Fused], index: KnowledgeIndex) -> bool:
    """Does the question name one of the terms that came up (容缺受理, 补正, another name of one:
    先受理后补交, or a piece or abbreviation of one: 综窗, 首问制)? Then it asks about that, even with
    a matter every item settles in its words ("综窗收哪些材料"), unless the name itself is that matter:
    委托书, 代办 and 不受理 are any item's words, while a title or another name of
    ``DISTINCT_ALIAS`` characters said whole is the concept's own."""
    names = term_names(index)
    shown = {f.entry for f in fused[:10] if index.entries[f.entry].kind == "term"}
    matters = [m.span() for m in PER_ITEM.finditer(query)]
    for m in names.mentions(query):
        if m.entry not in shown:
            continue
        title = index.entries[m.entry].title == query[m.start : m.end]
        # the name holds a per-item word (委托 in 委托书, 拒收) or is part of one (不受 in 不受理): not a
        # name that merely touches one (缺了 in 容缺了)
        inside = any(s <= m.start and m.end <= e for s, e in matters)
        carries_matter = inside or bool(PER_ITEM.search(query[m.start : m.end]))
        distinct = m.strength == SAID and m.end - m.start >= DISTINCT_ALIAS
        if _COUNTED.search(query[: m.start]) and inside:
            continue  # a name counted ("多少个工作日") is the unit of how long, which each item settles
        if title or distinct or not carries_matter:
            return True
    return False


def term_named(entry: int, query: str, index: KnowledgeIndex) -> bool:
    """Does the question name this term entry, plainly or by a piece or an abbreviation of a name?"""
    return entry in term_names(index).named(query)


_NAMES: list[tuple[tuple[int, tuple[int, ...]], TermNames]] = []


def term_names(index: KnowledgeIndex) -> TermNames:
    """The names of the index's live terms, derived again only when the terms change (an edit makes a
    new entry): the last index's names are kept."""
    key = (id(index), tuple(sorted(index.terms.values())))
    if _NAMES and _NAMES[0][0] == key:
        return _NAMES[0][1]
    terms = [(i, [index.entries[i].title, *index.entries[i].aliases]) for i in key[1]]
    names = TermNames(terms, everyday=everyday_freq)
    _NAMES[:] = [(key, names)]
    return names
