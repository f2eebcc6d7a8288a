"""A signing page photographed on its own (only 股东（盖章）、签字、日期 lines, no title): which document it
closes.

It belongs to a document of the case that asks for that signature or seal and whose signing block was
left open — its last page ends in signing lines with no date below them, or has none at all. The upload
slot says it first; otherwise the signer's label (股东, 法定代表人, 委托人) is held against who the
materials' NOT_SIGNED / NOT_SEALED checks name. When that leaves no single document, the page is left
unplaced and named as a candidate of each: a missing seal or signature on them is then doubtful.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from prereview.approx import strip_punctuation
from prereview.recognise import PageLabel, PageView
from rules.codes import Code
from rules.spec import Item, Material

MAX_LINES = 12  # a page with more lines is more than a signing block
CONTINUED_BIGRAMS = 12  # distinct character pairs a page shares with the document it continues, at least
_SIGNING = re.compile(r"签字|签名|签章|盖章")
_SEAL = re.compile(r"盖章|签章|公章|印章")
_DATE = re.compile(r"日期|\d{4}\s*[年.\-/]\s*\d{1,2}")
_WHO_NOISE = re.compile(r"^(全体|拟任)|(自然人|法人|单位)|(公章|印章|签字|签章|盖章)$")


def signers(view: PageView) -> set[str]:
    """The signing labels' roles on a page: 股东（盖章）→ 股东; "" for a bare 签字."""
    roles = set()
    for line in view.page.lines:
        m = _SIGNING.search(line.text)
        if m:
            roles.add(
                _WHO_NOISE.sub(
                    "", strip_punctuation(re.sub(r"[（(][^）)]*[）)]?$", "", line.text[: m.start()]))
                )
            )
    return roles


def is_signing_page(view: PageView) -> bool:
    lines = view.page.lines
    return 0 < len(lines) <= MAX_LINES and any(_SIGNING.search(ln.text) for ln in lines)


def kinds(view: PageView) -> set[Code]:
    """NOT_SEALED when the page asks for a seal, NOT_SIGNED when it asks for a signature."""
    text = view.page.text
    out = {Code.NOT_SEALED} if _SEAL.search(text) else set()
    return out | ({Code.NOT_SIGNED} if re.search(r"签字|签名|签章", text) else set())


def place_signing_pages(views: Sequence[PageView], labels: list[PageLabel], item: Item) -> None:
    """Give each unrecognised signing page to the document it closes, or name the candidates."""
    pages: dict[str, list[PageView]] = {}
    for view, label in zip(views, labels, strict=True):
        if label.material:
            pages.setdefault(label.material, []).append(view)
    for k, (view, label) in enumerate(zip(views, labels, strict=True)):
        if label.material or label.other or not is_signing_page(view):
            continue
        asked = kinds(view)
        signed = [m for m in item.materials if m.id in pages and any(c.code in asked for c in m.checks)]
        if not signed:
            continue
        chosen = [m for m in signed if m.id == view.slot]
        fits = _fits(signers(view), signed, asked)
        chosen = chosen or [m for m in fits if _open_block(pages[m.id])]
        if len(chosen) > 1:
            chosen = _continued(view, chosen, pages) or chosen
        if len(chosen) == 1:
            labels[k] = PageLabel(material=chosen[0].id, continued=True)
        else:
            label.signs_for = tuple(m.id for m in chosen or fits)


def _continued(
    view: PageView, materials: Sequence[Material], pages: dict[str, list[PageView]]
) -> list[Material]:
    """The one document whose last page the signing page continues in wording (a list's items 11 and 12
    under 1-10, clauses phrased alike), when its body shares far more with that page than with the
    others' (the unit's name, on every document, counts for none of them); [] when none stands out."""
    last = [_bigrams(pages[m.id][-1].page.text) for m in materials]
    body = _bigrams("".join(ln.text for ln in view.page.lines if not _SIGNING.search(ln.text)))
    body -= set[str].intersection(*last)
    shared = sorted(
        ((len(body & grams), m) for grams, m in zip(last, materials, strict=True)), key=lambda sm: -sm[0]
    )
    (best, material), (second, _) = shared[0], shared[1]
    return [material] if best >= CONTINUED_BIGRAMS and best >= 2 * second else []


def _bigrams(text: str) -> set[str]:
    text = strip_punctuation(re.sub(r"\s+", "", text))
    return {text[k : k + 2] for k in range(len(text) - 1)}


def _fits(roles: set[str], materials: Sequence[Material], asked: set[Code]) -> list[Material]:
    """The materials whose signers or seal holders the page's signing roles name; all of them when the
    labels name nobody any check knows (a bare 签字)."""

    def named(material: Material) -> bool:
        for check in material.checks:
            if check.code not in asked:
                continue
            for who in re.split(r"[、，,或]", check.who):
                core = _WHO_NOISE.sub("", strip_punctuation(who))
                if core and any(role and (role in core or core in role) for role in roles):
                    return True
        return False

    fitting = [m for m in materials if named(m)]
    return fitting or list(materials)


def _open_block(pages: Sequence[PageView]) -> bool:
    """Whether a document's signing block was left open on its last page: signing lines with no date
    below the first of them, or no signing line at all."""
    lines = sorted(pages[-1].page.lines, key=lambda ln: ln.box.y0)
    first = next((k for k, ln in enumerate(lines) if _SIGNING.search(ln.text)), None)
    if first is None:
        return True
    return not any(_DATE.search(ln.text) for ln in lines[first:])
