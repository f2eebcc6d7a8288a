"""The seals and signatures of a case's pages, each page looked at once (`PageMarks`).

Looking for them is most of the judging step's time, and it comes after reading, when the reader
workers are idle: `PageMarks.look_ahead` has the pages a case's checks will ask about (`owed_marks`)
looked at in the workers at once while the checks run here, and takes what they found as if found here.

A page asked for a signature on which no place to sign was found may have its signing label under a
seal: the red strokes crossing 申请人（签字）： make its reading garbage (申青大（签, 法定代表人W), and no
label is found in it. There the lines seal ink crosses are read a second time, red taken out and
enlarged (`prereview.reread`), and the page looked at again with the readings that now hold a label.
Only such pages pay for it: a page with a place to sign, or without seal ink, is read once.

A name or number read under a seal may have lost characters to its ink (`sealed_chars`,
`prereview.readings.seal_doubt`): seal ink is measured around the value only, and the page's seals are
those looked for by the checks, or, on a page no check asks a seal of, looked for once when ink crosses
a value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future

import numpy as np

from prereview.assemble import set_pages
from prereview.documents import Box, Mark, Page, PageSource
from prereview.located import Located
from prereview.reader import load_page_image
from prereview.redink import crossed_chars, red_crossed
from prereview.reread import ILLEGIBLE, Reread
from prereview.sealowner import issuer_sealed
from prereview.signoff import sealed_scope
from prereview.visual.marks import NAMED_SEAL, SEAL_KINDS, PageMarksFound, find_marks
from prereview.visual.rings import TextRecognizer
from prereview.visual.signlabels import text_spans
from rules.codes import Code
from rules.spec import Item

# Starts looking for marks of a kind on many pages elsewhere (in the reader workers), all at once: per
# page a future of what `find_marks` finds there, None where it could not be done there.
MarksElsewhere = Callable[[Sequence[tuple[Page, str]]], list[Future[PageMarksFound | None]]]
_OWED = {"seal": Code.NOT_SEALED, "signature": Code.NOT_SIGNED}
_PARTY = {"seal": "单位", "signature": "自然人"}  # the kind of party that owes the mark (`signoff`)


class PageMarks:
    """The `MarkFinder` and `MarkDoubts` of one case: seals and signatures of a page, each looked for
    once, each page image loaded once for both (a few recent images are kept: a set's checks ask for
    its pages in turn). `ocr` reads the ring texts of the seals asked for by name (`NAMED_SEAL`); without
    it they come unread. `reads` counts the ring texts recognised for the case. With `reread`, signing
    labels hidden under a seal are read again."""

    KEEP_IMAGES = 4

    def __init__(self, *, ocr: TextRecognizer | None = None, reread: Reread | None = None) -> None:
        self._ocr = ocr
        self._reread = reread
        self.reads = 0
        self._found: dict[tuple[str, str, tuple[float, ...]], PageMarksFound] = {}
        self._images: dict[str, np.ndarray] = {}
        self._pending: dict[tuple[str, str, tuple[float, ...]], Future[PageMarksFound | None]] = {}

    def __call__(self, page: Page, kind: str) -> list[Mark]:
        return self._read(page, kind).marks

    def doubt(self, page: Page, kind: str) -> str:
        return self._read(page, kind).doubt

    def places(self, page: Page) -> int:
        return self._read(page, "signature").places

    def sealed_chars(self, page: Page, box: Box) -> int:
        """How many characters of the value in `box` (page pixels, widened by a character each way for
        one the reading lost under the ink) a seal on the page runs through (`redink.crossed_chars`);
        0 where no seal ink crosses it, or where no seal was found over it (red print)."""
        if page.source is not PageSource.OCR or not page.image_path:
            return 0
        h = min(box.width, box.height)
        upright = box.width >= box.height  # a vertical line's characters run down
        wide = box.model_copy(
            update={"x0": box.x0 - h, "x1": box.x1 + h} if upright else {"y0": box.y0 - h, "y1": box.y1 + h}
        )
        crossed = crossed_chars(self._image(page), wide)
        seals = [m.box for m in self._seals(page)] if crossed else []
        if not any(s.x0 < wide.x1 and wide.x0 < s.x1 and s.y0 < wide.y1 and wide.y0 < s.y1 for s in seals):
            return 0
        return crossed

    def _seals(self, page: Page) -> list[Mark]:
        """The page's seals as the checks looked for them (by name or not), else looked for once now."""
        region = page.region
        extent = (region.x0, region.y0, region.x1, region.y1) if region else ()
        for kind in SEAL_KINDS:
            key = (str(page.image_path), kind, extent)
            if key in self._found or key in self._pending:
                return self._read(page, kind).marks
        return self._read(page, "seal").marks

    def look_ahead(self, asks: Sequence[tuple[Page, str]], elsewhere: MarksElsewhere) -> None:
        """Have ``elsewhere`` start looking for these marks of whole pages (a region's marks depend on
        which of the image's regions asks first: those stay looked for here, when asked); a check that
        asks before they are found waits for them. `settle` drops what no check asked for."""
        todo = {
            key: (page, kind)
            for page, kind in asks
            if page.image_path
            and page.region is None
            and (key := (page.image_path, kind, ())) not in self._found
            and key not in self._pending
        }
        if todo:
            self._pending.update(zip(todo, elsewhere(list(todo.values())), strict=True))

    def settle(self) -> None:
        """Stop looking elsewhere for marks no check has asked about (the page images go with the case)."""
        for future in self._pending.values():
            future.cancel()
        self._pending.clear()

    def _read(self, page: Page, kind: str) -> PageMarksFound:
        """The page's marks; for a page that is a region of its image (one of several materials on a
        photo), those inside the region: seals found once on the whole image, signatures by its lines."""
        if page.image_path is None:
            return PageMarksFound()
        region = page.region
        key = (page.image_path, kind, (region.x0, region.y0, region.x1, region.y1) if region else ())
        if key not in self._found and (pending := self._pending.pop(key, None)) is not None:
            found_elsewhere = pending.result()
            if found_elsewhere is not None:
                self._found[key] = self._unsealed_labels(page, kind, found_elsewhere)
                self.reads += found_elsewhere.reads
        if key not in self._found:
            if region is None or kind not in SEAL_KINDS:
                found = self._unsealed_labels(
                    page, kind, find_marks(self._image(page), page, kind, ocr=self._ocr)
                )
                self.reads += found.reads
            else:
                found = self._read(page.model_copy(update={"region": None}), kind)
            if region is not None:
                found = found.model_copy(update={"marks": [m for m in found.marks if _inside(m.box, region)]})
            self._found[key] = found
        return self._found[key]

    def _unsealed_labels(self, page: Page, kind: str, found: PageMarksFound) -> PageMarksFound:
        """`found` again, with the lines seal ink crosses read a second time, when a signature was asked
        for and no place to sign was found; `found` as it is when that finds none either."""
        if kind != "signature" or found.places or self._reread is None or page.source != PageSource.OCR:
            return found
        image = self._image(page)
        crossed = red_crossed(image, [ln.box for ln in page.lines])
        if not crossed:
            return found
        lines = list(page.lines)
        again = self._reread(page, [lines[i].box for i in crossed])
        labelled = [
            (i, text, score)
            for i, (text, score) in zip(crossed, again, strict=True)
            if text != ILLEGIBLE and text_spans(text)
        ]
        for i, text, score in labelled:
            lines[i] = lines[i].model_copy(update={"text": text, "score": score})
        if not labelled:
            return found
        relooked = find_marks(image, page.model_copy(update={"lines": lines}), kind)
        if not relooked.places:
            return found
        if relooked.marks or relooked.doubt:
            return relooked
        # The second reading's text need not line up with the first reading's box (the seal's own ring
        # text read into it, handwriting left out), so where the label ends, and so where its signature
        # would be, is a guess: a place found this way and seen empty is no sure absence.
        said = "、".join(f"「{text[slice(*text_spans(text)[0])]}」" for _, text, _ in labelled[:2])
        return relooked.model_copy(
            update={"doubt": f"签字栏{said}被印章覆盖，去除印章颜色后才认出，未能确认栏内是否已签字"}
        )

    def _image(self, page: Page) -> np.ndarray:
        path = str(page.image_path)
        image = self._images.pop(path, None)
        if image is None:
            image = load_page_image(page)
        self._images[path] = image  # most recent last
        while len(self._images) > self.KEEP_IMAGES:
            self._images.pop(next(iter(self._images)))
        return image


def _inside(box: Box, region: Box) -> bool:
    return region.x0 <= box.cx <= region.x1 and region.y0 <= box.cy <= region.y1


def owed_marks(item: Item, located: Sequence[Located]) -> list[tuple[Page, str]]:
    """The whole pages the checks may ask about: for a seal, the pages of the seal's scope
    (`sealed_scope`: a seal looked for on an attached title deed is work no check uses); for a signature,
    every page of the set. In the order the checks ask (material by material and set by set, as
    `prereview.assemble` goes), first those they surely ask about, then those they may not: a set's
    signature pages after its first (one signature found is enough), and seals owed only as the set's
    fields read (a lessor that is a person seals nothing). Looked for in the workers in this order, the
    latter are the ones `PageMarks.settle` most often drops before they start."""
    sure: dict[tuple[int, str], tuple[Page, str]] = {}
    maybe: dict[tuple[int, str], tuple[Page, str]] = {}
    for material in item.materials:
        owed = {kind: [c for c in material.checks if c.code is code] for kind, code in _OWED.items()}
        own = [p for p in located if material.id in (p.label.material, *p.label.shared)]
        if not own or not any(owed.values()):
            continue
        sets = set_pages(material, own)
        for kind, checks in owed.items():
            # owed or not as the fields read: a condition on them, or a party named by its kind
            read = any(c.when is not None or _PARTY[kind] in c.who for c in checks)
            asked = NAMED_SEAL if kind == "seal" and issuer_sealed(material) else kind  # as `sign_off` asks
            for pages in sets if checks else []:
                scope = sealed_scope(material, pages) if kind == "seal" else pages
                for k, p in enumerate(scope):
                    later = kind == "signature" and k > 0  # one signature found on a set is enough
                    into = maybe if read or later else sure
                    into.setdefault((id(p.view.page), asked), (p.view.page, asked))
    return list(sure.values()) + [ask for key, ask in maybe.items() if key not in sure]
