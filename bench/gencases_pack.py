"""Turning materials into uploaded files for bench/gencases.py: text PDFs, scanned PDFs, phone photos,
photocopies of cards on an A4 sheet, several cards on one photo, a scanned bundle of two materials without
a slot, a wrong document in a slot, an unrelated extra file. File names carry no information.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

from gencases_common import Material
from gencases_draw import Page, jpeg_bytes, photo, render_png, scan_effect, write_image_pdf, write_text_pdf
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
        self, rnd: random.Random, fonts: list[int], case_dir: Path, review: date, *, slots: bool
    ) -> None:
        self.rnd, self.fonts, self.dir, self.review, self.slots = rnd, fonts, case_dir, review, slots
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

    def _photo(self, imgs: list[Image.Image]) -> bytes:
        img, rot = photo(imgs, self.rnd)
        self._look.append(f"photo rot{rot}")
        return jpeg_bytes(img, self.rnd)

    def _add(self, name: str, slot: str | None) -> None:
        self._log(name)
        entry: dict[str, Any] = {"path": f"files/{name}"}
        if slot and self.slots and self.rnd.random() > 0.08:
            entry["slot"] = slot
        self.files.append(entry)

    # -- rendering

    def _a4_pages(self, doc: Doc, *, pdf: bool) -> list[Page]:
        st = pick_style(self.rnd, self.fonts, pdf=pdf)
        self._look.append(
            f"{doc.title or 'card'}: {st.mode}{' shuffled' if st.shuffle else ''} font{st.font}"
        )
        return layout_a4(doc, st, self.rnd)

    def _card_img(self, doc: Doc) -> Image.Image:
        st = pick_style(self.rnd, self.fonts, pdf=False)
        dpi = 300 if (doc.card or (100, 0))[0] < 120 else 150
        return render_png(layout_card(doc, st, self.rnd), dpi)

    def _write_a4(self, docs: list[Doc], slot: str | None, *, allow_photo: bool = True) -> None:
        r = self.rnd
        mode = r.choices(["text", "scan", "photo"], weights=[45, 35, 20 if allow_photo else 0])[0]
        if mode == "text":
            pages = [p for d in docs for p in self._a4_pages(d, pdf=True)]
            name = self._name("pdf")
            self._look.insert(0, "text PDF")
            write_text_pdf(pages, self.dir / "files" / name)
            self._add(name, slot)
            return
        imgs = [render_png(p, SCAN_DPI) for d in docs for p in self._a4_pages(d, pdf=False)]
        if mode == "scan":
            name = self._name("pdf")
            self._look.insert(0, "scanned PDF")
            write_image_pdf([scan_effect(i, r) for i in imgs], self.dir / "files" / name, SCAN_DPI)
            self._add(name, slot)
            return
        for img in imgs:  # a phone photo per page
            name = self._name("jpg")
            (self.dir / "files" / name).write_bytes(self._photo([img]))
            self._add(name, slot)

    def _photocopy(self, cards: list[Image.Image]) -> Image.Image:
        """Cards copied onto one A4 sheet (actual size), as windows ask for ID copies."""
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
                elif name.endswith(".png"):
                    sheet.save(path)
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

    def pack(self, ms: list[Material], *, wrong: list[str]) -> list[dict[str, Any]]:
        r = self.rnd
        singles = [m for m in ms if len(m.parts) == 1 and m.parts[0].card is None]
        bundle: list[Material] = r.sample(singles, 2) if len(singles) >= 2 and r.random() < 0.2 else []
        if bundle:  # two materials scanned together into one PDF without a slot
            imgs = [render_png(p, SCAN_DPI) for m in bundle for p in self._a4_pages(m.parts[0], pdf=False)]
            name = self._name("pdf")
            write_image_pdf([scan_effect(i, r) for i in imgs], self.dir / "files" / name, SCAN_DPI)
            self._log(name)
            self.files.append({"path": f"files/{name}"})
            self.notes.append(f"one scanned PDF holds {' and '.join(m.mid for m in bundle)} (no slot)")
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
            self._write_unrelated(doc, mid)
        if r.random() < 0.15:
            self._write_unrelated(r.choice(UNRELATED), None)
            self.notes.append("an unrelated file (no material of the item)")
        order = list(self.files)
        if r.random() < 0.5:
            r.shuffle(order)
        return order

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
