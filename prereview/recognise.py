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

from prereview.approx import edit_budget, edits_in, near_in, strip_punctuation, without_known
from prereview.documents import Page, PageSource
from prereview.headings import TITLE_LINE, foreign_heading, without_joint_titles
from prereview.regions import Judge, Seen
from prereview.roles import by_role, person_on, printed_values, role_people, role_values
from rules.spec import Item, Material

TITLE_ZONE = 0.35  # share of the page height where titles are looked for
TITLE_SCORE = 10.0
CUE_SCORE = 1.0
MIN_SCORE = 3.0
NEW_DOCUMENT_SCORE = (
    6.0  # cues (no title) that make an untitled page of a multi-page file a document of its own
)
SLOT_SCORE = 1.0


@dataclass
class PageView:
    """A page as the recogniser sees it."""

    file: int  # index of the file in the case
    page: Page
    slot: str | None
    top: str = ""  # the title zone's text, punctuation stripped
    text: str = ""  # the whole page's text, punctuation stripped
    # On OCR pages, top and text with the words the item's rules know blanked out: where words may be
    # found with misread characters (`classify` sets them; until then top and text are used)
    loose_top: str | None = None
    loose_text: str | None = None

    @classmethod
    def of(cls, file: int, page: Page, slot: str | None) -> PageView:
        # the title zone is the top of the text, not of the image: a card photographed on a table
        # prints its title a third of the way down the photo
        first_y = min((ln.box.y0 for ln in page.lines), default=0.0)
        last_y = max((ln.box.y1 for ln in page.lines), default=0.0)
        limit = first_y + (last_y - first_y) * TITLE_ZONE if page.lines else float("inf")
        first = page.lines[:6]
        # a title stands on a line of its own: a sentence that mentions 公司章程 is not one
        top = [
            ln.text
            for ln in page.lines
            if ln.box.y0 <= limit and len(strip_punctuation(ln.text)) <= TITLE_LINE
        ]
        top = top or [ln.text for ln in first]
        return cls(
            file=file,
            page=page,
            slot=slot,
            top=strip_punctuation("".join(top)),
            text=strip_punctuation(page.text),
        )


@dataclass
class PageLabel:
    material: str | None = None
    score: float = 0.0
    other: str = ""  # a look-alike's title that was recognised instead
    parts: set[str] = field(default_factory=set)
    continued: bool = False  # no cue of its own: taken as the next page of the file's previous material
    undecided: tuple[str, ...] = ()  # one form in several roles and nothing on the page names the person
    by_role: bool = False  # one form in several roles, and the person the page names chose this one
    rivals: tuple[str, ...] = ()  # materials of other forms that scored as well: the file's order decides
    shared: tuple[str, ...] = ()  # other roles the page's person fills that have no page of their own
    signs_for: tuple[str, ...] = ()  # a signing page alone: the documents it may close, none chosen


_TICKED = re.compile(r"[☑☒■√✓✔▣]\s*([^\s☐□☑☒■√✓✔▣]+)")


def ticked_options(text: str) -> list[str]:
    """The words after ticked boxes (☑ 设立, √变更)."""
    return [strip_punctuation(w) for w in _TICKED.findall(text)]


def material_score(view: PageView, material: Material) -> tuple[float, str]:
    """(score, look-alike title) of one page for one material."""
    rec = material.recognition
    titles = [strip_punctuation(t) for t in rec.titles] or [strip_punctuation(material.name)]
    title_hit = _title_hit(view, titles)
    confusion_hit, confusion = max(
        ((_title_hit(view, [strip_punctuation(c.title)]), c.title) for c in rec.confusions), default=(0, "")
    )
    if title_hit and rec.must_tick:
        ticked = ticked_options(view.page.text)
        if ticked and not any(strip_punctuation(w) in t for w in rec.must_tick for t in ticked):
            return 0.0, f"{rec.titles[0] if rec.titles else material.name}（勾选：{'、'.join(ticked)}）"
    if confusion_hit and not title_hit > confusion_hit:
        return 0.0, confusion
    score = TITLE_SCORE + title_hit / 10 if title_hit else 0.0
    if not title_hit and any(t in view.text for t in titles if len(t) >= 4):
        score += 2 * CUE_SCORE  # the title further down (a cover page, a table heading)
    cues = {strip_punctuation(c) for c in (*rec.keywords, *rec.labels) if c}
    score += CUE_SCORE * min(6, sum(1 for c in cues if c and c in view.text))
    return score, ""


def _title_hit(view: PageView, titles: Sequence[str]) -> int:
    """How well the title zone shows one of the titles: its length when printed as it is; on an OCR page
    also when read with a few characters wrong (公司登圮备桉申请书), less two per character misread."""
    ocr = view.page.source == PageSource.OCR
    best = 0
    for title in titles:
        if not title:
            continue
        if title in view.top:
            best = max(best, len(title))
        elif (
            ocr
            and (budget := edit_budget(title))
            and (edits := edits_in(title, _loose(view, top=True))) <= budget
        ):
            best = max(best, len(title) - 2 * edits)
    return best


def _loose(view: PageView, *, top: bool) -> str:
    loose = view.loose_top if top else view.loose_text
    return loose if loose is not None else (view.top if top else view.text)


def parts_on(view: PageView, material: Material) -> set[str]:
    """The material's parts printed on the page; not by a title naming several documents (章程和管理制度):
    a part is found by its own heading or words."""
    ocr = view.page.source == PageSource.OCR
    text, loose = without_joint_titles(
        view.page, view.text, _loose(view, top=False) if ocr else None, material
    )
    return _parts_in(text, loose, material)


def _parts_in(text: str, loose: str | None, material: Material) -> set[str]:
    """The parts whose cues `text` holds; with `loose` (OCR text) a long cue may carry misread characters."""
    found = set()
    for part in material.parts:
        cues = material.recognition.part_cues.get(part) or (part,)
        for cue in cues:
            words = [strip_punctuation(re.sub(r"（[^）]*）|\([^)]*\)", "", w)) for w in cue.split("+")]
            if all(w and (w in text or (loose is not None and near_in(w, loose))) for w in words):
                found.add(part)
                break
    return found


def classify(views: Sequence[PageView], item: Item, *, declared: dict[str, object]) -> list[PageLabel]:
    known = known_words(item)
    for view in views:
        if view.page.source == PageSource.OCR:
            view.loose_top, view.loose_text = without_known(view.top, known), without_known(view.text, known)
    roles = {m.id: role_values(m, declared) for m in item.materials}
    people = {m.id: role_people(m, declared) for m in item.materials}
    labels = [_best(view, item, roles=roles, people=people) for view in views]
    if any(lab.undecided or lab.by_role for lab in labels):
        printed = printed_values(views, labels, item)
        roles = {mid: list(dict.fromkeys([*values, *printed.get(mid, [])])) for mid, values in roles.items()}
        labels = [
            _best(v, item, roles=roles, people=people) if lab.undecided or lab.by_role else lab
            for v, lab in zip(views, labels, strict=True)
        ]
    _place_undecided(views, labels, item)
    _continue_files(views, labels, item)
    _unexplained_headings(views, labels, item)
    _continue_materials(views, labels, item)
    held = {lab.material for lab in labels}
    for lab in labels:
        lab.shared = tuple(mid for mid in lab.shared if mid not in held)
    return labels


def _continue_files(views: Sequence[PageView], labels: list[PageLabel], item: Item) -> None:
    """Pages of one file belong to one document unless a page carries a title of its own: a page without
    a title continues the previous page's material (a report's chapters name other materials' labels all
    the time), and so does a page that scored as well for the previous page's material as for another
    form (a report's 编制单位和编制人员情况表 beside an application form's labels)."""
    for k in range(1, len(views)):
        prev = labels[k - 1]
        if views[k].file != views[k - 1].file or prev.material is None or _beside(views[k - 1], views[k]):
            continue
        if labels[k].score >= TITLE_SCORE and prev.material not in labels[k].rivals:
            continue
        if labels[k].other and labels[k].material is None:
            continue
        if labels[k].by_role and labels[k].material != prev.material:
            continue  # another person's card after this one's, in one scanned bundle
        material = item.material(prev.material)
        if _starts_another(views[k], labels[k], material):
            continue
        labels[k] = PageLabel(
            material=prev.material, score=prev.score, continued=True, parts=parts_on(views[k], material)
        )


def _continue_materials(views: Sequence[PageView], labels: list[PageLabel], item: Item) -> None:
    """A page recognised as nothing that carries parts a material recognised elsewhere in the case lacks
    (the second page of a list or a report photographed apart, with no title: 11. 职业卫生管理制度 …)
    is that material's next page. Only when one material is so completed, and the page's slot, if any,
    is that material's."""
    held: dict[str, set[str]] = {}
    for label in labels:
        if label.material is not None:
            held.setdefault(label.material, set()).update(label.parts)
    for k, label in enumerate(labels):
        if label.material is not None or label.other:
            continue
        lacking = {
            mid: new
            for mid, parts in held.items()
            if views[k].slot in (None, mid) and (new := parts_on(views[k], item.material(mid)) - parts)
        }
        if len(lacking) != 1:
            continue
        mid = next(iter(lacking))
        labels[k] = PageLabel(
            material=mid, score=MIN_SCORE, continued=True, parts=parts_on(views[k], item.material(mid))
        )


def region_judge(item: Item, *, declared: dict[str, object]) -> Judge:
    """How `regions` asks what a cell of a page holds: the material recognised on the cell alone (for one
    form in several roles or several persons, with the person read), and whether the cell shows it on its
    own — the material's title, or one of its parts with many of its cues or naming its person."""

    # one form in several roles is one owner until a person tells them apart: a card's back face names nobody
    form = {
        m.id: next(o.id for o in item.materials if o.recognition == m.recognition) for m in item.materials
    }
    roles = {mid for mid, first in form.items() if list(form.values()).count(first) > 1}

    def judge(cell: Page) -> Seen:
        view = PageView.of(0, cell, None)
        label = classify([view], item, declared=declared)[0]
        if label.material is None or label.continued:
            return Seen(None, False)
        material = item.material(label.material)
        person = person_on(view, material, roles=material.id in roles)
        # a card's face is its own document with many of the card's cues, or with fewer naming its person
        face = bool(label.parts) and (label.score >= NEW_DOCUMENT_SCORE or person is not None)
        return Seen((form[material.id], person), label.score >= TITLE_SCORE or face, frozenset(label.parts))

    return judge


def known_words(item: Item) -> tuple[str, ...]:
    """Every word the item's recognition cues print: titles, look-alikes, parts, keywords, labels."""
    return tuple(dict.fromkeys(w for material in item.materials for w in _words(material)))


def _words(material: Material) -> list[str]:
    rec = material.recognition
    cues = [w for cue in rec.part_cues.values() for alt in cue for w in alt.split("+")]
    words = [
        material.name,
        *rec.titles,
        *(c.title for c in rec.confusions),
        *material.parts,
        *cues,
        *rec.keywords,
        *rec.labels,
        *material.fields,
    ]
    return [strip_punctuation(w) for w in words if w]


def _unexplained_headings(views: Sequence[PageView], labels: list[PageLabel], item: Item) -> None:
    """A page taken for a material by its field labels alone, under a heading of another kind of
    document (常住人口登记卡 over 姓名、民族、住址), is that other document: a look-alike."""
    titles = [strip_punctuation(t) for m in item.materials for t in (*m.recognition.titles, m.name)]
    for k, label in enumerate(labels):
        if label.material is None or label.continued or label.score >= TITLE_SCORE:
            continue
        material = item.material(label.material)
        own = [strip_punctuation(t) for t in (*material.recognition.titles, material.name)]
        heading = foreign_heading(views[k].page, _words(material), titles, own)
        if heading:
            labels[k] = PageLabel(other=heading)


def _beside(a: PageView, b: PageView) -> bool:
    """Two regions of one photo: `regions` already found them to be different documents."""
    return a.page.region is not None and b.page.region is not None and a.page.index == b.page.index


def _starts_another(view: PageView, label: PageLabel, previous: Material) -> bool:
    """A page of a scanned bundle that begins another document without a title of its own (an ID card's
    face after a 章程's last page): many cues of another material and none of the previous one's — unless
    it is headed by one of the previous material's parts (a report's 编制单位和编制人员情况表)."""
    if label.material is None or label.material == previous.id or label.score < NEW_DOCUMENT_SCORE:
        return False
    ocr = view.page.source == PageSource.OCR
    if _parts_in(view.top, _loose(view, top=True) if ocr else None, previous):
        return False
    return material_score(view, previous)[0] < MIN_SCORE


def _best(view: PageView, item: Item, *, roles: dict[str, list[str]], people: dict[str, int]) -> PageLabel:
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
    lead = next(m for s, m in scored if s == top)
    # one form in several roles stays a tie whatever the slot: the person on the page decides first
    tied = [
        m for s, m in scored if s >= top - 0.5 - (SLOT_SCORE if m.recognition == lead.recognition else 0.0)
    ]
    rivals = tuple(m.id for m in tied if m.recognition != lead.recognition)
    same = [m for m in tied if m.recognition == lead.recognition]
    if len(same) == 1:
        return PageLabel(material=lead.id, score=top, parts=parts_on(view, lead), rivals=rivals)
    chosen, decided, shared = by_role(view, same, roles=roles, people=people)
    undecided = () if decided else tuple(m.id for m in same)
    return PageLabel(
        material=chosen.id,
        score=top,
        parts=parts_on(view, chosen),
        undecided=undecided,
        by_role=decided,
        rivals=rivals,
        shared=shared,
    )


def _sibling_confusions(view: PageView, scored: list[tuple[float, Material]]) -> list[tuple[float, Material]]:
    """A page whose title zone shows a look-alike that is another material of the item (the 报告表's
    公开版本 is M3, not the 报批稿 M2) is that material, however long the first one's title hit is."""
    titled = [m for s, m in scored if s >= TITLE_SCORE]
    out = []
    for score, material in scored:
        looks = [
            strip_punctuation(c.title)
            for c in material.recognition.confusions
            if strip_punctuation(c.title) in view.top
        ]
        sibling = any(
            other is not material
            and any(
                t and t in view.top and t in looks for t in map(strip_punctuation, other.recognition.titles)
            )
            for other in titled
        )
        if not sibling:
            out.append((score, material))
    return out or scored


def _place_undecided(views: Sequence[PageView], labels: list[PageLabel], item: Item) -> None:
    """Pages no person decided (an ID card's 国徽面 photographed alone) go where a face is lacking: to the
    role whose pages carry the other faces more often than this one; the upload slot breaks a tie."""
    for k, label in enumerate(labels):
        if not label.undecided or label.continued:
            continue
        lacks: dict[str, int] = {}
        for mid in label.undecided:
            material = item.material(mid)
            parts = parts_on(views[k], material)
            mine = [lab for j, lab in enumerate(labels) if j != k and lab.material == mid]
            count = {part: sum(1 for lab in mine if part in lab.parts) for part in material.parts}
            lacks[mid] = max((max(count.values(), default=0) - count[part] for part in parts), default=0)
        best = max(label.undecided, key=lambda mid: (lacks[mid], mid == views[k].slot, mid == label.material))
        if best != label.material:
            material = item.material(best)
            labels[k] = PageLabel(
                material=best,
                score=label.score,
                parts=parts_on(views[k], material),
                undecided=label.undecided,
            )
