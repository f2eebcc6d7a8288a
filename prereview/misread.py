"""Signs in a value itself that a photo's reading misread it, so that a defect judged on it is in doubt.

The doubts of `prereview.readings` come from how the value was read (a low score, the geometry against
its caption, two readings that disagree). These come from what was read, against what it can be:

- a period whose end lies before its start (自2026/10/15至2021/10/15): a misread digit of a year, not a
  document that expired before it began;
- a period read as one date trailed by a stray character where 至 and the end date stand (2019-05-24室):
  the end date was lost, the start date must not be judged as the end;
- a 统一社会信用代码 or 公民身份号码 holding a character its standard never uses (I, O, Z, S, V in a
  统一社会信用代码, a letter among the first 17 of a 公民身份号码): no issuer printed it — and when only
  such characters differ from a declared number, each a look-alike of the declared one, the reading is
  that number (`restored`): no doubt is left;
- a name or number read with a less than clean score, one or two characters from a value the applicant
  declared, the differing characters being look-alikes for a number: the declared value misread is far
  likelier than a different one printed. A clean reading of a different character stays sure.

- a number read short whose characters, read surely, are no declared number with characters lost: the
  reading is in doubt, but that it differs from what was declared is not (`unlike_declared`).

- a name that reads as a run of a sentence (委托人均予以承认，由此产生的): the caption was found inside the
  letter's text, or its own caption misread and another taken, so what follows it is no filled-in name.

All of them hold only for pages read by OCR: a text layer is what the file holds.
"""

from __future__ import annotations

import re

from prereview.approx import distance
from prereview.extract.kinds import NUMBER_KINDS, NUMBER_LENGTH
from rules.dates import parse_date, parse_period
from rules.identity import USCC_ALPHABET, normalize_name, normalize_number

# A line scored below this is not clean enough to take a near miss of a declared value as a real
# difference: clean readings of printed names score 0.99-1.00 on the sample photos, the one- and
# two-character misreads 0.85-0.98.
CLEAN_SCORE = 0.99
# A number read cleanly may still carry a look-alike (0/D, 1/I, M/N): then a near miss is in doubt too
LOOK_ALIKES = (
    "0ODQU",
    "1IL",
    "2Z",
    "5S",
    "6G",
    "8B",
    "MN",
    "UV",
)
# What a period may print after its only date (有效期至2030年6月30日止, …前, …有效)
_CLOSING = re.compile(r"^(止|为止|前|以前|之前|有效|日|号)?$")
_LAST_DIGIT = re.compile(r"\d(?!.*\d)")
_DATE = re.compile(r"\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2})")


def period_doubt(value: str) -> str:
    """Why a period read on a photo cannot be what is printed; "" when it may be."""
    parsed = parse_period(value)
    if parsed is None:
        # a date read whole in words that make no period (至本事项办信之日止 for 办结): a word misread
        day = next((d for d in _DATE.findall(value) if parse_date(d) is not None), "")
        return f"其中的日期「{day}」可以辨认，其余文字不成期限，可能有字识别错误" if day else ""
    start, end, open_ended = parsed
    if start is not None and end is not None and end < start:
        return f"止日（{end.isoformat()}）早于起日（{start.isoformat()}），可能有数字识别错误"
    if start is None and end is not None and not open_ended:
        last = _LAST_DIGIT.search(value)
        tail = value[last.end() :].strip() if last else ""
        head = value[: value.find(tail)] if tail else value
        if tail and not _CLOSING.match(tail) and parse_date(head) is not None and not _leads(value):
            return f"只读出一个日期，其后的「{tail}」不是日期，止日可能未识别出"
    return ""


def _leads(value: str) -> bool:
    """Whether the lone date is introduced as an end (有效期至2030年, 至2027年2月25日)."""
    return bool(re.match(r"^\D*(至|止|到)", value))


def number_doubt(value: str, kind: str) -> str:
    """Why a number read on a photo cannot be what an issuer printed; "" when it may be."""
    number = normalize_number(value)
    if len(number) != 18:
        return ""
    if kind == "uscc":
        odd = sorted({c for c in number if c not in USCC_ALPHABET})
        if odd:
            return f"含有统一社会信用代码不使用的字符「{''.join(odd)}」，可能有字符识别错误"
    if kind == "id_number":
        odd = sorted({c for c in number[:17] if not c.isdigit()})
        if odd:
            return f"前17位中有非数字字符「{''.join(odd)}」，可能有字符识别错误"
    return ""


def restored(value: str, kind: str, declared: frozenset[str]) -> str:
    """The declared number a reading of a photo is, when it differs from it only in characters its
    standard never uses (`number_doubt`), each a look-alike of the declared one (O for 0, Z for 2): no
    issuer printed those, and the look-alikes put back land exactly on what was declared. "" otherwise:
    a usable character that differs is a real difference (an invalid or another number)."""
    read = normalize_number(value)
    if kind not in NUMBER_KINDS or not number_doubt(value, kind):
        return ""
    for known in declared:
        if len(known) != len(read):
            continue
        differ = [(i, a, b) for i, (a, b) in enumerate(zip(read, known, strict=True)) if a != b]
        if differ and all(not _usable(a, i, kind) and _same(a, b) for i, a, b in differ):
            return known
    return ""


def _usable(ch: str, at: int, kind: str) -> bool:
    """Whether a number of `kind` may hold `ch` at position `at` (GB 32100's alphabet; digits in the
    first 17 of a GB 11643 number)."""
    return ch in USCC_ALPHABET if kind == "uscc" else ch.isdigit() or at == NUMBER_LENGTH - 1


def near_declared(value: str, kind: str, score: float, declared: frozenset[str]) -> str:
    """The declared value `value` is a near miss of, when the reading may be that value misread; ""
    otherwise (it is declared, far from every declared value, or read cleanly). A list (股东 张三、李四)
    is a near miss when one of its names is."""
    if kind == "list":
        names = (near_declared(n, "name", score, declared) for n in _LIST_SEPARATORS.split(value))
        return next((known for known in names if known), "")
    number = kind in NUMBER_KINDS
    read = normalize_number(value) if number else normalize_name(value)
    if len(read) < 2 or read in declared:
        return ""
    budget = 1 if len(read) <= 5 else 2
    for known in declared:
        # OCR misreads and drops single characters; two added or lost together are a name written
        # otherwise (有限公司 for 有限责任公司), a real difference
        if abs(len(known) - len(read)) > 1 or not known:
            continue
        if distance(read, known) > budget:
            continue
        if score < CLEAN_SCORE or (number and _look_alike(read, known)):
            return known
    return ""


def unlike_declared(value: str, declared: frozenset[str]) -> bool:
    """Whether a number read short cannot be any declared number with its lost characters restored
    (characters read kept in order, look-alikes taken for each other): what is printed differs from
    every declared number, whatever the lost characters were. False when nothing of its length is
    declared, or the reading is not short."""
    read = normalize_number(value)
    known = [d for d in declared if len(d) == NUMBER_LENGTH and d.isalnum() and any(c.isdigit() for c in d)]
    if not read or len(read) >= NUMBER_LENGTH or not known:
        return False
    return not any(_within(read, d) for d in known)


def _within(read: str, known: str) -> bool:
    """Whether `read` is `known` with characters left out, look-alikes matching each other."""
    i = 0
    for c in known:
        if i < len(read) and _same(read[i], c):
            i += 1
    return i == len(read)


def _same(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in LOOK_ALIKES)


def _look_alike(read: str, known: str) -> bool:
    """Whether two numbers of one length differ only in characters OCR takes for each other."""
    if len(read) != len(known):
        return False
    pairs = [(a, b) for a, b in zip(read, known, strict=True) if a != b]
    return bool(pairs) and all(_same(a, b) for a, b in pairs)


_LIST_SEPARATORS = re.compile(r"[、，,;；\s]+")
_SENTENCE = re.compile(r"[，。；！？,;!?]")


def sentence_doubt(value: str) -> str:
    """Why a name read on a photo is a run of running text rather than a name; "" when it may be one."""
    if _SENTENCE.search(value.strip("，。；,;. ")):
        return "像是正文中的一段句子而不是名称，可能没有读到该栏填写的内容"
    return ""
