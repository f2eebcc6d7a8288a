"""Turning materials into uploaded files for bench/gencases.py: text PDFs, scanned PDFs, phone photos,
photocopies of cards on an A4 sheet, several cards on one photo, a scanned bundle of two materials without
a slot, a wrong document in a slot, an unrelated extra file. File names carry no information.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import gencases_vary as gv
from gencases_common import Material
from gencases_draw import (
    Page,
    Stamp,
    jpeg_bytes,
    photo,
    render_png,
    scan_effect,
    write_image_pdf,
    write_text_pdf,
)
from gencases_layout import A4, Doc, layout_a4, layout_card, pick_style
from PIL import Image

SCAN_DPI = 150
UNRELATED = [
    Doc(
        title="物业服务费缴费通知单",
        fields=[
            ("房号", "3栋1202室"),
            ("计费期间", "2026年1月至3月"),
            ("应缴金额", "486.00元"),
            ("缴费方式", "微信、支付宝"),
        ],
    ),
    Doc(
        title="菜单",
        fields=[
            ("招牌菜", "小炒黄牛肉 48元"),
            ("凉菜", "拍黄瓜 12元"),
            ("主食", "米饭 2元"),
            ("饮品", "酸梅汤 8元"),
        ],
    ),
    Doc(
        title="户口簿",
        card=(100.0, 70.0),
        fields=[("户别", "家庭户"), ("户主姓名", "某某"), ("住址", "安和市青山区人民路1号")],
    ),
    Doc(title="介绍信", body=["兹介绍我单位同志前往贵单位联系业务，请接洽。"], fields=[("有效期", "三天")]),
]


class Packer:
    """Writes the files of one case and returns the case.json `files` entries."""

    def __init__(
        self,
        rnd: random.Random,
        fonts: list[int],
        case_dir: Path,
        review: date,
        *,
        slots: bool,
        vary: gv.Vary | None = None,
    ) -> None:
        self.rnd, self.fonts, self.dir, self.review, self.slots = rnd, fonts, case_dir, review, slots
        self.vary = vary or gv.Vary(random.Random(0))  # no family on: the files as before the families
        self.vr = self.vary.rnd
        self.files: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self._names: set[str] = set()
        self._look: list[str] = []  # how the file being written looks, for the case notes

    # -- names and entries

    def _name(self, ext: str) -> str:
        r, d = self.rnd, self.review.strftime("%Y%m%d")
        while True:
            if ext == "pdf":
                stem = r.choice(
                    [
                        f"scan_{d}_{r.randint(1, 999):03d}",
                        f"CamScanner_{d}_{r.randint(100, 9999)}",
                        f"doc{r.randint(100, 999)}_{r.randint(1, 20)}",
                        f"file_{r.randint(1, 40):02d}",
                    ]
                )
            else:
                stem = r.choice(
                    [
                        f"IMG_{d}_{r.randint(80000, 235959):06d}",
                        f"mmexport{r.randint(10**12, 10**13 - 1)}",
                        f"wx_{r.randint(10**8, 10**9 - 1)}",
                        f"photo_{r.randint(1, 40):02d}",
                    ]
                )
            name = f"{stem}.{ext}"
            if name not in self._names:
                self._names.add(name)
                return name

    def _log(self, name: str) -> None:
        self.notes.append(f"{name}: {', '.join(self._look)}")
        self._look.clear()

    def _photo(self, imgs: list[Image.Image], *, a4: bool = False, faint: bool = False) -> bytes:
        """A phone photo; with the `looks` family, A4 pages also at a steep angle, under a lamp's glare
        or shown on a screen, and two pages side by side on a larger photo (print as large as one page's)."""
        v, vr = self.vary, self.vr
        self._card_looks(imgs)
        steep, shine, monitor = (v.want("looks", p) and a4 for p in (0.3, 0.3, 0.15))
        if monitor:
            imgs = [gv.screen(i, vr) for i in imgs]
        spread = a4 and len(imgs) == 2
        img, rot = photo(imgs, self.rnd, max_side=2600 if spread else 1600, spread=spread)
        if steep:
            img = gv.perspective_strong(img, vr)
        shine = shine and not faint  # a faint seal under a glare could fade past certainty
        if shine:
            img = gv.glare(img, vr)
        looks = [n for n, on in (("screen", monitor), ("steep", steep), ("glare", shine)) if on]
        looks += ["two pages side by side"] if a4 and len(imgs) == 2 else []
        self._look.append(f"photo rot{rot}" + "".join(f" {n}" for n in looks))
        return jpeg_bytes(img, self.rnd)

    def _add(self, name: str, slot: str | None) -> None:
        self._log(name)
        entry: dict[str, Any] = {"path": f"files/{name}"}
        if slot and self.slots and self.rnd.random() > 0.08:
            entry["slot"] = slot
        self.files.append(entry)

    # -- rendering

    def _a4_pages(self, doc: Doc, *, pdf: bool) -> list[Page]:
        v = self.vary
        extra = v.want("extra", 0.35) and len(doc.fields) >= 4
        hand = v.want("hand", 0.45) and not pdf and bool(doc.fields and doc.signs)  # forms people sign
        edge = v.want("seal", 0.3)
        if extra:
            doc, labels = gv.with_extra_fields(doc, self.vr)
        st = pick_style(self.rnd, self.fonts, pdf=pdf)
        st.hand = hand
        self._look.append(
            f"{doc.title or 'card'}: {st.mode}{' shuffled' if st.shuffle else ''} font{st.font}"
            + (f" extra fields {'/'.join(labels)}" if extra else "")
            + (" handwritten values" if hand else "")
        )
        pages = layout_a4(doc, st, self.rnd)
        stamps = [op for p in pages for op in p.ops if isinstance(op, Stamp)]
        if edge and stamps:  # stamped at the sheet's edge: 15–30 % of the seal off the paper
            s = self.vr.choice(stamps)
            s.cx = A4[0] + s.r * (1 - 2 * (1 - self.vr.uniform(0.15, 0.3)))
            self._look.append("seal over the edge")
        return pages

    def _card_img(self, doc: Doc) -> Image.Image:
        card = self.vary.want("card", 0.5)
        st = pick_style(self.rnd, self.fonts, pdf=False)
        dpi = 300 if (doc.card or (100, 0))[0] < 120 else 150
        if card:  # the note goes with the image, into the file that shows it (_card_looks)
            page = layout_card(gv.spaced_labels(doc), st, self.rnd)
            img = gv.card_pattern(render_png(page, dpi), self.vr)
            img.info["look"] = "card pattern, spaced labels"
            return img
        return render_png(layout_card(doc, st, self.rnd), dpi)

    def _card_looks(self, imgs: list[Image.Image]) -> None:
        n = sum(1 for i in imgs if i.info.get("look"))
        if n:
            self._look.append(f"{n} card(s) with pattern and spaced labels")

    def _write_a4(self, docs: list[Doc], slot: str | None, *, allow_photo: bool = True) -> None:
        r = self.rnd
        mode = r.choices(["text", "scan", "photo"], weights=[45, 35, 20 if allow_photo else 0])[0]
        if mode == "scan" and allow_photo and self.vary.want("looks", 0.3):
            mode = "photo"  # more phone photos of A4 pages, for the looks only photos have
        if mode == "text":
            pages = [p for d in docs for p in self._a4_pages(d, pdf=True)]
            name = self._name("pdf")
            self._look.insert(0, "text PDF")
            write_text_pdf(pages, self.dir / "files" / name)
            self._add(name, slot)
            return
        pages = [p for d in docs for p in self._a4_pages(d, pdf=False)]
        imgs = [render_png(p, SCAN_DPI) for p in pages]
        if mode == "scan":
            name = self._name("pdf")  # drawn before the scan effects, as the stream always had it
            self._scan(pages, [scan_effect(i, r) for i in imgs], slot, name)
            return
        spread = len(imgs) >= 2 and self.vary.want("looks", 0.5)
        groups = [imgs[k : k + 2] for k in range(0, len(imgs), 2)] if spread else [[i] for i in imgs]
        for grp in groups:  # a phone photo per page, or per two pages side by side
            name = self._name("jpg")
            (self.dir / "files" / name).write_bytes(self._photo(grp, a4=True, faint=gv.faint(pages)))
            self._add(name, slot)

    def _scan(self, pages: list[Page], imgs: list[Image.Image], slot: str | None, name: str) -> None:
        """A scanned PDF; with the families on, pages out of order, split into several files, turned, with
        their blank backs, or through a cheap scanner in grey at low resolution."""
        v, vr = self.vary, self.vr
        how: list[str] = []
        if len(imgs) > 1 and v.want("pages", 0.3):
            order = list(range(len(imgs)))
            while order == sorted(order):
                vr.shuffle(order)
            pages, imgs = [pages[i] for i in order], [imgs[i] for i in order]
            how.append(f"pages in the order {'/'.join(str(i + 1) for i in order)}")
        if v.want("pages", 0.2):
            k = vr.randrange(len(imgs))
            q = vr.choice([90, 180, 270])
            imgs[k] = gv.turned(imgs[k], q)
            how.append(f"page {k + 1} turned {q}")
        if v.want("looks", 0.15) and not gv.faint(pages):
            low = [gv.grey_lowres(i, vr, SCAN_DPI) for i in imgs]
            imgs, dpi = [i for i, _ in low], low[0][1]
            how.append(f"grey {dpi} dpi")
        else:
            dpi = SCAN_DPI
        if v.want("pages", 0.2):  # duplex scan of one-sided sheets
            imgs = [x for i in imgs for x in (i, gv.blank_back(i.size, vr))]
            how.append("blank back after every page")
        split = len(imgs) > 1 and v.want("pages", 0.25)
        desc = ["scanned PDF" + (f" ({', '.join(how)})" if how else ""), *self._look]
        desc += ["one file per page"] if split else []
        for chunk in [[i] for i in imgs] if split else [imgs]:
            if split and all(i.getextrema()[0][0] > 200 for i in chunk):
                continue  # a blank back on its own is not uploaded
            name = name or self._name("pdf")
            self._look = list(desc)
            write_image_pdf(chunk, self.dir / "files" / name, dpi)
            self._add(name, slot)
            name = ""

    def _photocopy(self, cards: list[Image.Image]) -> Image.Image:
        """Cards copied onto one A4 sheet (actual size), as windows ask for ID copies."""
        self._card_looks(cards)
        k = SCAN_DPI / 25.4
        sheet = Image.new("RGB", (int(A4[0] * k), int(A4[1] * k)), (250, 250, 250))
        y = int(30 * k)
        for c in cards:
            w_mm = 86.0 if c.width < 1300 else 180.0
            cw = int(w_mm * k)
            ch = int(c.height * cw / c.width)
            if y + ch > sheet.height:
                break
            sheet.paste(c.resize((cw, ch)).convert("L").convert("RGB"), ((sheet.width - cw) // 2, y))
            y += ch + int(15 * k)
        return scan_effect(sheet, self.rnd)

    def _write_cards(self, imgs: list[Image.Image], slot: str | None) -> None:
        r = self.rnd
        big = any(i.width >= 1300 for i in imgs)
        mode = r.choices(["each", "copy", "together"], weights=[45, 35, 0 if big or len(imgs) > 3 else 20])[0]
        if mode == "copy" and not big:
            for k in range(0, len(imgs), 2):
                sheet = self._photocopy(imgs[k : k + 2])
                self._look.append(f"photocopy of {len(imgs[k : k + 2])} cards")
                name = self._name(r.choice(["pdf", "png", "jpg"]))
                path = self.dir / "files" / name
                if name.endswith(".pdf"):
                    write_image_pdf([sheet], path, SCAN_DPI)
                elif name.endswith(".png"):  # grey, as a copier gives it (a third of the RGB file's size)
                    (sheet.convert("L") if self.vary.on else sheet).save(path)
                else:
                    path.write_bytes(jpeg_bytes(sheet, r))
                self._add(name, slot)
            return
        groups = [imgs] if mode == "together" else [[i] for i in imgs]
        for grp in groups:
            name = self._name("jpg")
            (self.dir / "files" / name).write_bytes(self._photo(grp))
            self._add(name, slot)

    # -- the case

    def pack(
        self,
        ms: list[Material],
        *,
        wrong: list[str],
        looks: dict[str, Doc] | None = None,
        decoys: list[Doc] | None = None,
    ) -> list[dict[str, Any]]:
        """`looks`: for a material left out or in `wrong`, the confusable document uploaded in its stead
        (in its slot when in `wrong`, else without slot); `decoys`: confusable documents uploaded as well."""
        r, looks = self.rnd, looks or {}
        singles = [m for m in ms if len(m.parts) == 1 and m.parts[0].card is None]
        bundle: list[Material] = r.sample(singles, 2) if len(singles) >= 2 and r.random() < 0.2 else []
        if bundle:  # two materials scanned together into one PDF without a slot
            imgs = [render_png(p, SCAN_DPI) for m in bundle for p in self._a4_pages(m.parts[0], pdf=False)]
            name = self._name("pdf")
            write_image_pdf([scan_effect(i, r) for i in imgs], self.dir / "files" / name, SCAN_DPI)
            self._log(name)
            self.files.append({"path": f"files/{name}"})
            self.notes.append(f"one scanned PDF holds {' and '.join(m.mid for m in bundle)} (no slot)")
        if not bundle and self.vary.want("bundle", 0.3):
            bundle = self._bundle(ms)
        cardonly = [
            m for m in ms if m.card and all(p.card and p.card[0] < 120 for p in m.parts) and len(m.parts) <= 2
        ]
        shared: list[Material] = r.sample(cardonly, 2) if len(cardonly) >= 2 and r.random() < 0.25 else []
        if shared:  # cards of two materials on one photo, no slot
            imgs = [self._card_img(p) for m in shared for p in m.parts]
            name = self._name("jpg")
            (self.dir / "files" / name).write_bytes(self._photo(imgs))
            self._log(name)
            self.files.append({"path": f"files/{name}"})
            self.notes.append(f"one photo holds the cards of {' and '.join(m.mid for m in shared)} (no slot)")
        for m in ms:
            if m in bundle or m in shared:
                continue
            cards = [self._card_img(p) for p in m.parts if p.card]
            a4 = [p for p in m.parts if not p.card]
            if a4:
                self._write_a4(a4, m.mid, allow_photo=len(a4) == 1)
            if cards:
                self._write_cards(cards, m.mid)
        for mid in wrong:  # a different document in the material's slot
            doc = r.choice(UNRELATED)
            self._write_unrelated(looks.get(mid, doc), mid)
        for mid in sorted(set(looks) - set(wrong)):  # a material left out, a confusable one uploaded
            self._write_unrelated(looks[mid], None)
            self.notes[-1] += f" instead of {mid}"
        for doc in decoys or []:
            self._write_unrelated(doc, None)
            self.notes[-1] += " as well as the material"
        if r.random() < 0.15:
            self._write_unrelated(r.choice(UNRELATED), None)
            self.notes.append("an unrelated file (no material of the item)")
        self._swap_slots(set(wrong))
        order = list(self.files)
        if r.random() < 0.5:
            r.shuffle(order)
        return order

    def _bundle(self, ms: list[Material]) -> list[Material]:
        """Two or three A4 materials, of one page or several, scanned into one PDF in any order, no slot."""
        vr = self.vr
        a4 = [m for m in ms if all(p.card is None for p in m.parts)]
        if len(a4) < 2:
            return []
        bundle = vr.sample(a4, 3 if len(a4) >= 3 and vr.random() < 0.6 else 2)
        pages = [p for m in bundle for d in m.parts for p in self._a4_pages(d, pdf=False)]
        imgs = [render_png(p, SCAN_DPI) for p in pages]
        mids = ", ".join(m.mid for m in bundle)
        if len(imgs) == 2 and vr.random() < 0.5:  # two one-page materials side by side on one photo
            name = self._name("jpg")
            (self.dir / "files" / name).write_bytes(self._photo(imgs, a4=True, faint=gv.faint(pages)))
            note = f"one photo holds {mids} side by side (no slot)"
        else:
            name = self._name("pdf")
            write_image_pdf([scan_effect(i, self.rnd) for i in imgs], self.dir / "files" / name, SCAN_DPI)
            note = f"one scanned PDF holds {mids} in this order (no slot)"
        self._log(name)
        self.files.append({"path": f"files/{name}"})
        self.notes.append(note)
        return bundle

    def _swap_slots(self, wrong: set[str]) -> None:
        """Two materials' files uploaded under each other's slot: found by content, so no finding
        (standards README §4: a material found anywhere in the case counts as submitted)."""
        if not (self.slots and self.vary.want("slotswap", 0.35)):
            return
        by_slot: dict[str, list[dict[str, Any]]] = {}
        for e in self.files:
            if e.get("slot") and e["slot"] not in wrong:
                by_slot.setdefault(e["slot"], []).append(e)
        if len(by_slot) < 2:
            return
        a, b = self.vr.sample(sorted(by_slot), 2)
        for e in by_slot[a]:
            e["slot"] = b
        for e in by_slot[b]:
            e["slot"] = a
        self.notes.append(
            f"files of {a} and {b} uploaded under each other's slot (found by content: no finding)"
        )

    def _write_unrelated(self, doc: Doc, slot: str | None) -> None:
        if doc.card:
            name = self._name("jpg")
            (self.dir / "files" / name).write_bytes(self._photo([self._card_img(doc)]))
            self._log(name)
            entry: dict[str, Any] = {"path": f"files/{name}"}
        else:
            self._write_a4([doc], None)
            entry = self.files.pop()
        if slot:
            entry["slot"] = slot
        self.notes[-1] += f" ({doc.title}, no material{' in slot ' + slot if slot else ''})"
        self.files.append(entry)
