"""Which material is on a page: the recognition cues of the rule files, scored.

A title printed near the top of the page identifies a material; keywords and field labels support
it; a look-alike's title (a confusion) rules it out. Several materials of one item can share a
common form (two ID cards: the 负责人's and the 经办人's) — then the people named on the page
decide, compared with the roles' declared facts and with what the item's other materials print for
the same facts (the application form's 法定代表人), and the upload slot breaks a tie. Such a page
starts its role's document even inside one scanned file: page order never assigns a person.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from prereview.documents import Page, PageSource
from prereview.extract.fields import find_field
from rules.identity import normalize_name, normalize_number
from rules.spec import Item, Material

TITLE_ZONE = 0.35  # share of the page height where titles are looked for
TITLE_SCORE = 10.0
TITLE_LINE = 32  # characters: a longer line is running text, not a title
CUE_SCORE = 1.0
MIN_SCORE = 3.0
NEW_DOCUMENT_SCORE = (
    6.0  # cues (no title) that make an untitled page of a multi-page file a document of its own
)
SLOT_SCORE = 1.0
_NOISE = re.compile(r"[\s\u3000:：·•.,，、()（）《》\"“”'‘’\[\]【】_\-—]+")


def compact(text: str) -> str:
    return _NOISE.sub("", text)


@dataclass
class PageView:
    """A page as the recogniser sees it."""

    file: int  # index of the file in the case
    page: Page
    slot: str | None
    top: str = ""  # compact text of the title zone
    text: str = ""  # compact text of the whole page

    @classmethod
    def of(cls, file: int, page: Page, slot: str | None) -> PageView:
        limit = page.height * TITLE_ZONE if page.height else float("inf")
        first = page.lines[:6]
        # a title stands on a line of its own: a sentence that mentions 公司章程 is not one
        top = [ln.text for ln in page.lines if ln.box.y0 <= limit and len(compact(ln.text)) <= TITLE_LINE]
        top = top or [ln.text for ln in first]
        return cls(file=file, page=page, slot=slot, top=compact("".join(top)), text=compact(page.text))


@dataclass
class PageLabel:
    material: str | None = None
    score: float = 0.0
    other: str = ""  # a look-alike's title that was recognised instead
    parts: set[str] = field(default_factory=set)
    continued: bool = False  # no cue of its own: taken as the next page of the file's previous material
    undecided: tuple[str, ...] = ()  # one form in several roles and nothing on the page names the person
    by_role: bool = False  # one form in several roles, and the person the page names chose this one


_TICKED = re.compile(r"[☑☒■√✓✔▣]\s*([^\s☐□☑☒■√✓✔▣]+)")


def ticked_options(text: str) -> list[str]:
    """The words after ticked boxes (☑ 设立, √变更)."""
    return [compact(w) for w in _TICKED.findall(text)]


def material_score(view: PageView, material: Material) -> tuple[float, str]:
    """(score, look-alike title) of one page for one material."""
    rec = material.recognition
    titles = [compact(t) for t in rec.titles] or [compact(material.name)]
    confusion = next((c.title for c in rec.confusions if compact(c.title) in view.top), "")
    title_hit = max((len(t) for t in titles if t and t in view.top), default=0)
    if title_hit and rec.must_tick:
        ticked = ticked_options(view.page.text)
        if ticked and not any(compact(w) in t for w in rec.must_tick for t in ticked):
            return 0.0, f"{rec.titles[0] if rec.titles else material.name}（勾选：{'、'.join(ticked)}）"
    if confusion and not (title_hit and title_hit > len(compact(confusion))):
        return 0.0, confusion
    score = TITLE_SCORE + title_hit / 10 if title_hit else 0.0
    if not title_hit and any(t in view.text for t in titles if len(t) >= 4):
        score += 2 * CUE_SCORE  # the title further down (a cover page, a table heading)
    cues = {compact(c) for c in (*rec.keywords, *rec.labels) if c}
    score += CUE_SCORE * min(6, sum(1 for c in cues if c and c in view.text))
    return score, ""


def parts_on(view: PageView, material: Material) -> set[str]:
    ocr = view.page.source == PageSource.OCR
    found = set()
    for part in material.parts:
        cues = material.recognition.part_cues.get(part) or (part,)
        for cue in cues:
            words = [compact(re.sub(r"（[^）]*）|\([^)]*\)", "", w)) for w in cue.split("+")]
            if all(w and (w in view.text or (ocr and near_in(w, view.text))) for w in words):
                found.add(part)
                break
    return found


FUZZY_CUE = 6  # characters: a cue this long still names its part with one character misread by OCR


def near_in(word: str, text: str) -> bool:
    """Whether `text` holds `word` with at most one character read wrong (经营场所平面布间图), for cues of
    FUZZY_CUE characters or more: one half of the word is then found exactly, the other differs once."""
    n = len(word)
    if n < FUZZY_CUE:
        return False
    half = n // 2
    for piece, offset in ((word[:half], 0), (word[half:], half)):
        at = text.find(piece)
        while at >= 0:
            start = at - offset
            window = text[start : start + n] if start >= 0 else ""
            if len(window) == n and sum(a != b for a, b in zip(window, word, strict=True)) <= 1:
                return True
            at = text.find(piece, at + 1)
    return False


def classify(views: Sequence[PageView], item: Item, *, declared: dict[str, object]) -> list[PageLabel]:
    roles = {m.id: _role_values(m, declared) for m in item.materials}
    labels = [_best(view, item, roles=roles) for view in views]
    if any(lab.undecided or lab.by_role for lab in labels):
        printed = _printed_values(views, labels, item)
        roles = {mid: list(dict.fromkeys([*values, *printed.get(mid, [])])) for mid, values in roles.items()}
        labels = [_best(v, item, roles=roles) if lab.undecided or lab.by_role else lab for v, lab in zip(views, labels, strict=True)]  # fmt: skip
    _place_undecided(views, labels, item)
    # Pages of one file belong to one document unless a page carries a title of its own: a page
    # without a title continues the previous page's material (a report's chapters name other
    # materials' labels all the time).
    for k in range(1, len(views)):
        prev = labels[k - 1]
        if views[k].file != views[k - 1].file or prev.material is None or labels[k].score >= TITLE_SCORE:
            continue
        if labels[k].other and labels[k].material is None:
            continue
        if labels[k].by_role and labels[k].material != prev.material:
            continue  # another person's card after this one's, in one scanned bundle
        material = item.material(prev.material)
        if _starts_another(views[k], labels[k], material):
            continue
        labels[k] = PageLabel(material=prev.material, score=prev.score, continued=True,
                              parts=parts_on(views[k], material))  # fmt: skip
    return labels


def _starts_another(view: PageView, label: PageLabel, previous: Material) -> bool:
    """A page of a scanned bundle that begins another document without a title of its own (an ID card's
    face after a 章程's last page): many cues of another material and none of the previous one's."""
    if label.material is None or label.material == previous.id or label.score < NEW_DOCUMENT_SCORE:
        return False
    return material_score(view, previous)[0] < MIN_SCORE


def _best(view: PageView, item: Item, *, roles: dict[str, list[str]]) -> PageLabel:
    scored: list[tuple[float, Material]] = []
    other = ""
    for material in item.materials:
        score, confusion = material_score(view, material)
        other = other or confusion
        if score > 0 and view.slot == material.id:
            score += SLOT_SCORE  # the applicant's upload slot: weak evidence, never enough alone
        if score >= MIN_SCORE:
            scored.append((score, material))
    scored = _sibling_confusions(view, scored)
    if not scored:
        return PageLabel(other=other)
    top = max(s for s, _ in scored)
    if other and top < TITLE_SCORE:
        return PageLabel(
            other=other
        )  # titled as a look-alike: shared field labels do not make it another material
    form = max(scored, key=lambda sm: sm[0])[1].recognition
    # one form in several roles stays a tie whatever the slot: the person on the page decides first
    tied = [m for s, m in scored if s >= top - 0.5 - (SLOT_SCORE if m.recognition == form else 0.0)]
    if len(tied) == 1:
        return PageLabel(material=tied[0].id, score=top, parts=parts_on(view, tied[0]))
    chosen, decided = _by_role(view, tied, roles=roles)
    undecided = () if decided else tuple(m.id for m in tied)
    return PageLabel(material=chosen.id, score=top, parts=parts_on(view, chosen), undecided=undecided,
                     by_role=decided)  # fmt: skip


def _sibling_confusions(view: PageView, scored: list[tuple[float, Material]]) -> list[tuple[float, Material]]:
    """A page whose title zone shows a look-alike that is another material of the item (the 报告表's
    公开版本 is M3, not the 报批稿 M2) is that material, however long the first one's title hit is."""
    titled = [m for s, m in scored if s >= TITLE_SCORE]
    out = []
    for score, material in scored:
        looks = [compact(c.title) for c in material.recognition.confusions if compact(c.title) in view.top]
        sibling = any(
            other is not material and any(t and t in view.top and t in looks for t in map(compact, other.recognition.titles))
            for other in titled
        )  # fmt: skip
        if not sibling:
            out.append((score, material))
    return out or scored


def _by_role(view: PageView, tied: list[Material], *, roles: dict[str, list[str]]) -> tuple[Material, bool]:
    """Materials of one form in different roles: the one whose person is on the page (or whose slot the
    file sits in). Second: whether that decided it."""
    best: list[tuple[int, int, Material]] = []
    for order, material in enumerate(tied):
        hits = sum(1 for value in roles.get(material.id, []) if value and value in view.text)
        slot_bonus = 1 if view.slot == material.id else 0
        best.append((hits * 2 + slot_bonus, -order, material))
    score, _, chosen = max(best, key=lambda t: (t[0], t[1]))
    return chosen, score > 0 and sum(1 for s, _, _ in best if s == score) == 1


def _place_undecided(views: Sequence[PageView], labels: list[PageLabel], item: Item) -> None:
    """Pages no person decided (an ID card's 国徽面 photographed alone) go where a face is lacking: to the
    role whose pages carry the other faces more often than this one."""
    for k, label in enumerate(labels):
        if not label.undecided or label.continued:
            continue
        best, lack_best = label.material, 0
        for mid in label.undecided:
            material = item.material(mid)
            parts = parts_on(views[k], material)
            mine = [lab for j, lab in enumerate(labels) if j != k and lab.material == mid]
            count = {part: sum(1 for lab in mine if part in lab.parts) for part in material.parts}
            lack = max((max(count.values(), default=0) - count[part] for part in parts), default=0)
            if lack > lack_best:
                best, lack_best = mid, lack
        if best != label.material:
            material = item.material(best)  # type: ignore[arg-type]
            labels[k] = PageLabel(material=best, score=label.score, parts=parts_on(views[k], material),
                                  undecided=label.undecided)  # fmt: skip


def _role_values(material: Material, declared: dict[str, object]) -> list[str]:
    values: list[str] = []
    for check in material.checks:
        for target in check.equals:
            if target.startswith("shareholders."):
                key = target.split(".", 1)[1]
                for holder in declared.get("shareholders") or []:  # type: ignore[attr-defined]
                    if isinstance(holder, dict) and holder.get(key):
                        values.append(_norm(str(holder[key])))
            elif isinstance(declared.get(target), str):
                values.append(_norm(str(declared[target])))
    return values


def _printed_values(views: Sequence[PageView], labels: list[PageLabel], item: Item) -> dict[str, list[str]]:
    """Per role material (one form in several roles), what the item's other materials print for the
    declared facts its checks compare with: the 法定代表人 and 法定代表人身份证件号码 of the application
    form for the legal representative's ID card. Only pages recognised without a role question are read."""
    roles = {
        m.id
        for m in item.materials
        if any(o is not m and o.recognition == m.recognition for o in item.materials)
    }
    pages = {m.id: [v.page for v, lab in zip(views, labels, strict=True) if lab.material == m.id and not lab.by_role]
             for m in item.materials}  # fmt: skip
    read: dict[tuple[str, str], str | None] = {}
    out: dict[str, list[str]] = {}
    for material in (m for m in item.materials if m.id in roles):
        facts = {t for check in material.checks for t in check.equals}
        for other in item.materials:
            for check in other.checks if other.id not in roles and pages[other.id] else ():
                spec = other.fields.get(check.field)
                if spec is None or spec.type == "list" or not facts & set(check.equals):
                    continue
                key = (other.id, check.field)
                if key not in read:
                    reading = find_field(pages[other.id], spec.labels or (check.field,), kind=spec.type)
                    read[key] = _norm(reading.value) if reading.ok else None
                value = read[key]
                if value:
                    out.setdefault(material.id, []).append(value)
    return out


def _norm(value: str) -> str:
    return compact(normalize_number(value) if sum(c.isdigit() for c in value) >= 6 else normalize_name(value))
