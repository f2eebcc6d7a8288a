"""Where recognition is not sure, it says so: the clerk checks (请核对) instead of being told of a defect.

- A material not found while a file uploaded in its slot or without a slot could not be read at all:
  its absence is doubtful.
- A material not found while some page of the case resembles it — an unrecognised page that shows its
  title nearly, a part's wording or several of its labels, or a page taken for another material by
  labels alone that scored as well for this one: its absence is doubtful (`CaseFacts.absence_doubts`).
  A look-alike (a page titled as another kind of document) is no such evidence: it is a sure MISSING.
- A slot whose file was judged another document only because nothing was recognised on it, while it
  resembles the slot's material: the WRONG_DOCUMENT is doubtful (`MaterialEvidence.doubt`).
- A signing page photographed on its own that could not be tied to one document: a NOT_SIGNED or
  NOT_SEALED of a document it may close is doubtful when the page carries that signature or seal.
- A part not found in a material's sets while a file uploaded in the material's slot could not be read
  at all (`with_unread_doubts`): that file may hold it.
- A file that could not be read at all, uploaded in the slot of a material found in other files
  (`astray`), while another slot holds that material's file: the files of two slots are often swapped,
  and the unread file may be the material of the other slot — its WRONG_DOCUMENT is doubtful.
- A part (a face, a section, a report's public version) not found in a material's set while a photo or
  scan shows it nearly: an unrecognised page of the case prints one of the part's cues, or a page of
  the material prints a cue with more misread characters than recognition allows
  (`with_part_doubts`). A section title misread on a photo is no missing section.
- Fewer sets of a material with one set per person or vehicle than are due, while an unrecognised page
  of the case resembles the material: that page may be one of them (`with_count_doubts`, the count's
  doubt).
- A face missing from one person's card while the case's pages of that form in several roles print the
  face more times than the roles' sets were given it (two back faces taken into one person's card on a
  photo of two persons' cards): one of them may be this person's (`with_part_doubts`).
"""

from __future__ import annotations

from collections.abc import Sequence

from prereview.approx import edits_in, strip_punctuation
from prereview.assemble import Located, MarkFinder
from prereview.documents import PageSource
from prereview.headings import without_joint_titles
from prereview.recognise import MIN_SCORE, TITLE_SCORE, PageView, material_score, parts_on
from prereview.signing import kinds
from rules.casefacts import MaterialEvidence, MaterialStatus
from rules.codes import Code
from rules.spec import Item, Material

WEAK_SCORE = 2.0  # two of a material's labels, or its title below the title zone: a resemblance
RIVAL_MARGIN = 1.0  # a material scoring this close to the one a page was taken for by labels alone


def resemblance(view: PageView, material: Material) -> str:
    """What a page shows of a material it was not recognised as (plain Chinese), or "" for nothing."""
    if view.page.source == PageSource.OCR:
        top = view.loose_top if view.loose_top is not None else view.top
        for title in (strip_punctuation(t) for t in material.recognition.titles):
            if len(title) >= 6 and edits_in(title, top) <= len(title) // 2:
                return f"页首文字与标题「{title}」相近"
    parts = parts_on(view, material)
    if parts:
        return f"印有其中「{'、'.join(sorted(parts))}」的字样"
    rec = material.recognition
    cues = [
        c
        for c in dict.fromkeys(strip_punctuation(c) for c in (*rec.keywords, *rec.labels))
        if c and c in view.text
    ]
    if material_score(view, material)[0] >= WEAK_SCORE and len(cues) >= 2:
        return f"印有该材料的栏目（{'、'.join(cues[:4])}）"
    return ""


def absence_doubts(
    item: Item,
    pages: Sequence[Located],
    found: dict[str, MaterialEvidence],
    *,
    unread: dict[str | None, list[str]] | None = None,
) -> dict[str, str]:
    """Material id → why its absence is not sure, for the materials not found. ``unread``: the files
    that could not be read at all, by slot (None: uploaded without one) — any of them may be it."""
    out: dict[str, str] = {}
    unread = unread or {}
    for material in item.materials:
        if material.id in found:
            continue
        names = [*unread.get(material.id, []), *unread.get(None, [])]
        if names:
            out[material.id] = f"「{'」「'.join(names)}」未能读取，可能就是本材料，请核对"
            continue
        for p in pages:
            reason = _may_be(p, material, pages)
            if reason:
                out[material.id] = reason
                break
    return out


def _may_be(p: Located, material: Material, pages: Sequence[Located]) -> str:
    where = f"「{p.file_name}」第 {p.view.page.index + 1} 页"
    label = p.label
    if label.other or label.signs_for:
        return ""
    if label.material is None:
        seen = resemblance(p.view, material)
        return f"{where}未能识别为任何材料，但{seen}，可能就是本材料" if seen else ""
    if material.id in label.undecided:  # one form in several roles and no person on the page
        held = [q.label.parts for q in pages if q.label.material == label.material]
        count = {part: sum(part in parts for parts in held) for part in set().union(*held)}
        surplus = label.parts and all(count[part] > min(count.values()) for part in label.parts)
        return f"{where}是同一种证件上多出的一面，未能读出证上的人，可能属于本材料" if surplus else ""
    if label.by_role or label.undecided or label.continued or label.score >= TITLE_SCORE:
        return ""
    score = material_score(p.view, material)[0]
    if score >= MIN_SCORE and score >= label.score - RIVAL_MARGIN:
        return f"{where}按栏目识别为 {label.material}，但与本材料同样相似，可能就是本材料"
    return ""


def with_status_doubts(
    item: Item, pages: Sequence[Located], found: dict[str, MaterialEvidence]
) -> dict[str, MaterialEvidence]:
    """WRONG statuses judged only because nothing on the slot's file was recognised, while it resembles
    the slot's material, made doubtful."""
    out = dict(found)
    for mid, evidence in found.items():
        if evidence.status is not MaterialStatus.WRONG:
            continue
        mine = [p for p in pages if p.file_name in evidence.files]
        if not mine or any(p.label.material or p.label.other for p in mine):
            continue
        for p in mine:
            seen = resemblance(p.view, item.material(mid))
            if seen:
                doubt = f"「{p.file_name}」未能识别，但{seen}，可能是本材料读得不清，而非交错了材料"
                out[mid] = evidence.model_copy(update={"doubt": doubt})
                break
    return out


def with_signing_doubts(
    pages: Sequence[Located], found: dict[str, MaterialEvidence], *, marks: MarkFinder
) -> dict[str, MaterialEvidence]:
    """A missing seal or signature of a document an unplaced signing page may close, when that page
    carries such a mark, is doubtful."""
    out = dict(found)
    for p in pages:
        if not p.label.signs_for:
            continue
        carried = {code for code in kinds(p.view) if marks(p.view.page, _MARK[code])}
        for mid in p.label.signs_for:
            evidence = out.get(mid)
            if evidence is None or evidence.status is not MaterialStatus.PRESENT:
                continue
            sets = []
            for one in evidence.sets:
                doubts = dict(one.doubts)
                for code in carried:
                    key = _KEY[code]
                    if getattr(one, key) is False:
                        doubts[key] = (
                            f"「{p.file_name}」是一张单独的签字页，带有{_WORD[code]}，未能确定是否属于本材料"
                        )
                sets.append(one.model_copy(update={"doubts": doubts}))
            out[mid] = evidence.model_copy(update={"sets": tuple(sets)})
    return out


_MARK = {Code.NOT_SEALED: "seal", Code.NOT_SIGNED: "signature"}
_KEY = {Code.NOT_SEALED: "sealed", Code.NOT_SIGNED: "signed"}
_WORD = {Code.NOT_SEALED: "印章", Code.NOT_SIGNED: "签字"}


# A part's cue of this many characters or more is looked for with one misread character per
# `LOOSE_CHARS` (recognition allows one per four, from six characters)
LOOSE_MIN = 4
LOOSE_CHARS = 3


def with_part_doubts(
    item: Item, pages: Sequence[Located], found: dict[str, MaterialEvidence]
) -> dict[str, MaterialEvidence]:
    """Parts missing from a material's sets made doubtful where a photo or scan shows them nearly."""
    out = dict(found)
    for mid, evidence in found.items():
        material = item.material(mid)
        if evidence.status is not MaterialStatus.PRESENT or not material.parts:
            continue
        own = [p for p in pages if mid in (p.label.material, *p.label.shared)]
        loose = [p for p in pages if p.label.material is None and not (p.label.other or p.label.signs_for)]
        sets = []
        for one in evidence.sets:
            doubts = dict(one.doubts)
            for part in material.parts:
                if one.parts is None or part in one.parts or part in doubts:
                    continue
                seen = _part_seen(material, part, own, loose) or _surplus(item, material, part, pages, found)
                if seen:
                    doubts[part] = seen
            sets.append(one.model_copy(update={"doubts": doubts}))
        out[mid] = evidence.model_copy(update={"sets": tuple(sets)})
    return out


def with_count_doubts(
    item: Item, pages: Sequence[Located], found: dict[str, MaterialEvidence]
) -> dict[str, MaterialEvidence]:
    """The count of a material told apart per person or vehicle made doubtful while an unrecognised page
    of the case resembles it: a person's or vehicle's papers not recognised are not surely left out."""
    out = dict(found)
    loose = [p for p in pages if p.label.material is None and not (p.label.other or p.label.signs_for)]
    for mid, evidence in found.items():
        material = item.material(mid)
        if evidence.status is not MaterialStatus.PRESENT or not material.per or evidence.count_doubt:
            continue
        for p in loose:
            seen = resemblance(p.view, material)
            if seen:
                where = f"「{p.file_name}」第 {p.view.page.index + 1} 页"
                why = f"{where}未能识别为任何材料，但{seen}，可能是其中一份，份数请核对"
                out[mid] = evidence.model_copy(update={"count_doubt": why})
                break
    return out


def with_unread_doubts(
    item: Item, unread: dict[str | None, list[str]], found: dict[str, MaterialEvidence]
) -> dict[str, MaterialEvidence]:
    """Parts missing from a material's sets made doubtful while a file uploaded in its slot could not be
    read at all (a read error: ``unread`` slot → file names): that file may be the missing part."""
    out = dict(found)
    for mid, names in unread.items():
        evidence = found.get(mid) if mid else None
        if mid is None or evidence is None or evidence.status is not MaterialStatus.PRESENT:
            continue
        if not item.material(mid).parts:
            continue
        why = f"本材料位置上的「{'」「'.join(names)}」未能读取，可能就是缺少的这一部分，请核对"
        sets = []
        for one in evidence.sets:
            missing = [p for p in item.material(mid).parts if one.parts is not None and p not in one.parts]
            doubts = {**{part: why for part in missing}, **one.doubts}
            sets.append(one.model_copy(update={"doubts": doubts}))
        out[mid] = evidence.model_copy(update={"sets": tuple(sets)})
    return out


def _part_seen(material: Material, part: str, own: Sequence[Located], loose: Sequence[Located]) -> str:
    """Where a photo or scan shows `part` of `material` nearly (plain Chinese), or ""."""
    for p in loose:
        if part in parts_on(p.view, material):
            where = f"「{p.file_name}」第 {p.view.page.index + 1} 页"
            return f"{where}未能识别为任何材料，但印有「{part}」的字样，可能就是本材料的这一部分"
    cues = _cues(material, part)
    # another part's cue printed as it is is that part, not this one misread (行驶证副页, 行驶证主页)
    others = [c for other in material.parts if other != part for c in _cues(material, other)]
    for p in own:
        if p.view.page.source != PageSource.OCR:
            continue
        text, _ = without_joint_titles(p.view.page, p.view.text, None, material)  # as `parts_on` reads
        for word in sorted(others, key=len, reverse=True):
            text = text.replace(word, "\x00" * len(word))
        for cue in (c for c in cues if len(c) >= LOOSE_MIN):
            if edits_in(cue, text) <= len(cue) // LOOSE_CHARS:
                where = f"「{p.file_name}」第 {p.view.page.index + 1} 页"
                return f"{where}有与「{cue}」相近的文字，可能是照片上识别不清的这一部分，请核对"
    return ""


def _surplus(
    item: Item, material: Material, part: str, pages: Sequence[Located], found: dict[str, MaterialEvidence]
) -> str:
    """Where the pages of one form in several roles (two persons' ID cards) print `part` more times than
    the roles' sets were given it — a face taken into another person's card — the part may be this one's
    (plain Chinese); "" otherwise. A face is counted by the cue it prints most often (a card prints each
    of its face's captions once)."""
    ids = {m.id for m in item.materials if m.recognition == material.recognition}
    if len(ids) < 2:
        return ""
    mine = [p for p in pages if ids & {p.label.material, *p.label.shared}]
    lines = [(p, strip_punctuation(ln.text)) for p in mine for ln in p.view.page.lines]
    shown: list[Located] = []
    for cue in (c for c in _cues(material, part) if c):
        holding = [p for p, text in lines if cue in text]
        shown = holding if len(holding) > len(shown) else shown
    given = sum(
        1 for mid in ids if (e := found.get(mid)) for one in e.sets if one.parts and part in one.parts
    )
    if len(shown) <= given:
        return ""
    where = "、".join(dict.fromkeys(f"「{p.file_name}」第 {p.view.page.index + 1} 页" for p in shown))
    return (
        f"{where}共印有 {len(shown)} 处「{part}」，多于已归入各人的 {given} 份，"
        "其中一处可能属于本材料，请核对"
    )


def _cues(material: Material, part: str) -> list[str]:
    cues = material.recognition.part_cues.get(part) or (part,)
    return [strip_punctuation(c) for c in cues if "+" not in c]


def astray(unread: dict[str | None, list[str]], found: dict[str, MaterialEvidence]) -> list[str]:
    """The unreadable files uploaded in the slot of a material found in other files: not needed for the
    material they were uploaded as (`unread`: slot → file names)."""
    out = []
    for slot, names in unread.items():
        evidence = found.get(slot) if slot else None
        if evidence is not None and evidence.status is MaterialStatus.PRESENT:
            out += [name for name in names if name not in evidence.files]
    return out


def with_astray_doubts(stray: list[str], found: dict[str, MaterialEvidence]) -> dict[str, MaterialEvidence]:
    """WRONG statuses made doubtful while an unreadable file is `astray`: it may be the slot's material."""
    if not stray:
        return found
    why = f"「{'」「'.join(stray)}」未能读取，且上传在另一材料的位置上，可能就是本材料，请核对"
    return {
        mid: e.model_copy(update={"doubt": why}) if e.status is MaterialStatus.WRONG and not e.doubt else e
        for mid, e in found.items()
    }
