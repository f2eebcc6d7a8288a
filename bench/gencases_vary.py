"""Variation families for bench/gencases.py (docs/gencases.md, "Variation families"): how real uploads differ
from one clean file per material, each with an answer that the standards settle with certainty.

Every family draws from its own random stream (`Vary.rnd`, seeded from the case), never from the case's
main stream, so `--vary none` writes exactly the cases the generator wrote before the families existed,
and the same seed with the same families gives the same bytes.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
from gencases_common import Material
from gencases_draw import Page, Stamp
from gencases_layout import Doc
from PIL import Image

FAMILIES = ("slotswap", "lookalike", "pages", "bundle", "hand", "extra", "looks", "seal", "card")

# The confusable documents the standards name for a material (each item's §4 易混材料, README §8 常见混淆):
# uploaded instead of the material they never replace it, so the material stays MISSING (no slot) or
# the slot holds a WRONG_DOCUMENT. Same fields as the real form, other title: the hard way to tell them apart.
TITLE_SWAPS: dict[tuple[str, str], list[str]] = {
    ("JT-001", "M1"): ["道路旅客运输经营申请表", "道路危险货物运输经营申请表"],
    ("JT-001", "M7"): ["车辆订购单"],
    ("SL-001", "M1"): ["取水许可延续申请书", "取水许可变更申请书"],
    ("YJ-001", "M1"): ["危险化学品安全使用许可证申请书", "安全生产许可证申请书"],
    ("RS-001", "M1"): ["劳务派遣经营许可申请书"],
    ("HB-001", "M1"): ["排污许可申请表"],
}
HANDBOOK = {("JT-001", "M9"), ("RS-001", "M3"), ("YJ-001", "M3")}  # 员工手册 listed as confusable
# Fields no standard reviews (none of these labels occurs in ../shared/standards): present, blank or
# not, they change no answer.
EXTRA_FIELDS = ["传真", "电子邮箱", "开户银行", "银行账号", "备注", "所属行业"]


@dataclass
class Vary:
    rnd: random.Random
    on: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def want(self, family: str, p: float) -> bool:
        """Draws even when the family is off, so that one family's choices do not depend on another's."""
        x = self.rnd.random()
        return family in self.on and x < p


def lookalike(item: str, m: Material, rnd: random.Random) -> Doc | None:
    """A confusable document the standards name for material `m`, filled in for the same applicant."""
    first = m.parts[0]
    titles = TITLE_SWAPS.get((item, m.mid))
    if titles:
        return replace(first, title=rnd.choice(titles), subtitle="", keep_order=first.keep_order)
    if (item, m.mid) in HANDBOOK:
        heads = ["入职与离职", "考勤与休假", "薪酬与福利", "奖励与处分"]
        secs = [
            (f"{i + 1}. {h}", f"本手册规定员工{h}的办理流程和要求，自发布之日起施行。")
            for i, h in enumerate(heads)
        ]
        return Doc(
            title="员工手册", body=first.body, sections=secs, seals=first.seals, seal_label=first.seal_label
        )
    if first.portrait:  # README §8.1: a 社会保障卡 does not replace the ID card
        vals = dict(first.fields)
        return Doc(
            title="中华人民共和国社会保障卡",
            card=(85.6, 54.0),
            keep_order=True,
            fields=[
                ("姓名", vals.get("姓名", "")),
                ("社会保障号码", vals.get("公民身份号码", "")),
                ("社会保障卡号", f"A{rnd.randint(10**7, 10**8 - 1)}"),
                ("发卡日期", f"{rnd.randint(2016, 2024)}年{rnd.randint(1, 12):02d}月"),
            ],
        )
    if first.title in {"授权委托书", "委托书"}:  # README §8.3: 法定代表人身份证明书 is no POA
        vals = dict(first.fields)
        unit = vals.get("委托人", "")
        return Doc(
            title="法定代表人身份证明书",
            body=[f"兹证明{vals.get('受托人', '')}在我单位任职，特此证明。"],
            fields=[("单位名称", unit), ("姓名", vals.get("受托人", "")), ("职务", "经理")],
            seals=first.seals,
            seal_label="单位（盖章）：" if first.seals else "",
            date=first.date,
        )
    return None


def with_extra_fields(doc: Doc, rnd: random.Random) -> tuple[Doc, list[str]]:
    """The form as another edition prints it: one to three fields no standard reviews, some left blank,
    slipped in among the others (at the end when the order carries meaning)."""
    have = {lab for lab, _ in doc.fields}
    labels = [lab for lab in rnd.sample(EXTRA_FIELDS, rnd.randint(1, 3)) if lab not in have]
    values = {
        "传真": f"0791-8{rnd.randint(1000000, 9999999)}",
        "电子邮箱": f"ah{rnd.randint(1000, 99999)}@163.com",
        "开户银行": rnd.choice(["中国工商银行安和分行", "中国建设银行安和市东湖支行", "安和农村商业银行"]),
        "银行账号": "".join(rnd.choice("0123456789") for _ in range(19)),
        "备注": rnd.choice(["", "无", ""]),
        "所属行业": rnd.choice(["", "交通运输业", "制造业", "服务业"]),
    }
    fields = list(doc.fields)
    for lab in labels:
        pos = len(fields) if doc.keep_order else rnd.randint(1, len(fields))
        fields.insert(pos, (lab, values[lab]))
    return replace(doc, fields=fields), labels


def faint(pages: list[Page]) -> bool:
    """Whether a page carries a faint seal, which glare or a grey scan could fade past certainty."""
    return any(isinstance(o, Stamp) and o.faint for p in pages for o in p.ops)


# -- pixels: what a phone, a screen or a cheap scanner adds -----------------------------------------


def glare(img: Image.Image, rnd: random.Random) -> Image.Image:
    """A lamp's reflection: a soft bright ellipse blending toward white, at most 30 %, so print stays
    dark on light and a seal stays red (the reading is harder, never doubtful)."""
    arr = np.asarray(img).astype(np.float32)
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rnd.uniform(0.2, 0.8) * w, rnd.uniform(0.2, 0.8) * h
    rx, ry = rnd.uniform(0.12, 0.3) * w, rnd.uniform(0.08, 0.2) * h
    a = rnd.uniform(0, math.pi)
    u = ((xx - cx) * math.cos(a) + (yy - cy) * math.sin(a)) / rx
    v = (-(xx - cx) * math.sin(a) + (yy - cy) * math.cos(a)) / ry
    k = rnd.uniform(0.2, 0.3) * np.exp(-(u * u + v * v))
    out = arr * (1 - k[..., None]) + 255 * k[..., None]
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def screen(img: Image.Image, rnd: random.Random) -> Image.Image:
    """A photo of the document shown on a monitor: a dark bezel, a cool cast, the sub-pixel grid and the
    moiré bands it beats into the camera's sensor (±8 % brightness)."""
    arr = np.asarray(img.convert("RGB")).astype(np.float32)
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    f1, f2 = rnd.uniform(0.9, 1.1), rnd.uniform(0.9, 1.1)
    a = rnd.uniform(-0.08, 0.08)
    beat = np.sin(2 * math.pi * (xx * math.cos(a) + yy * math.sin(a)) * f1 / 3.0) * np.sin(
        2 * math.pi * (xx * math.cos(a + 0.03) + yy * math.sin(a + 0.03)) * f2 / 3.1
    )
    arr *= (1 + 0.08 * beat)[..., None]
    arr[:, :, 0] *= 0.93
    arr[:, :, 2] = np.minimum(arr[:, :, 2] * 1.04 + 4, 255)
    b = max(12, int(min(h, w) * 0.03))
    out = np.full((h + 2 * b, w + 2 * b, 3), rnd.randint(15, 35), np.float32)
    out[b : b + h, b : b + w] = arr
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def grey_lowres(img: Image.Image, rnd: random.Random, dpi: int) -> tuple[Image.Image, int]:
    """A cheap scanner's grey mode at 110–120 dpi: text stays ≥ 15 px high (body text ≥ 3.4 mm), seals
    become grey rings (callers skip it for pages with a faint seal, whose grey could vanish)."""
    low = rnd.choice([110, 120])
    f = low / dpi
    small = img.convert("L").resize((int(img.width * f), int(img.height * f)), Image.Resampling.LANCZOS)
    return small.convert("RGB"), low


def blank_back(size: tuple[int, int], rnd: random.Random) -> Image.Image:
    """The empty back of a one-sided sheet, as a duplex scan keeps it: paper grey and a little noise."""
    base = rnd.randint(238, 250)
    arr = np.full((size[1], size[0], 3), base, np.int16)
    arr += np.random.default_rng(rnd.randint(0, 9999)).integers(-6, 6, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def turned(img: Image.Image, quarter: int) -> Image.Image:
    """A sheet fed sideways or upside down (a scanner keeps the page as it lay)."""
    return img.rotate(quarter, expand=True) if quarter else img


def card_pattern(img: Image.Image, rnd: random.Random) -> Image.Image:
    """The guilloche a printed card carries under its text: thin pale wavy lines across the card."""
    arr = np.asarray(img).copy()
    h, w = arr.shape[:2]
    col = np.array(rnd.choice([(200, 214, 226), (222, 208, 190), (204, 222, 204)]), np.uint8)
    xs = np.arange(w)
    for k in range(rnd.randint(6, 12)):
        y0 = (k + 0.5) * h / 12
        amp, per, ph = rnd.uniform(4, 14), rnd.uniform(w / 4, w / 1.5), rnd.uniform(0, 6.3)
        ys = (y0 + amp * np.sin(2 * math.pi * xs / per + ph)).astype(int)
        ok = (ys >= 0) & (ys < h)
        light = arr[ys[ok], xs[ok]].min(axis=1) > 200  # under the print, never over it
        arr[ys[ok][light], xs[ok][light]] = col
    return Image.fromarray(arr)


def spaced_labels(doc: Doc) -> Doc:
    """Two-character labels printed letter-spaced (姓 名, 性 别), as on real ID and licence cards."""
    return replace(
        doc, fields=[(lab[0] + "\u3000" + lab[1] if len(lab) == 2 else lab, v) for lab, v in doc.fields]
    )


def perspective_strong(img: Image.Image, rnd: random.Random) -> Image.Image:
    """Taken at a steep angle: the far edge 12–20 % shorter than the near one."""
    arr = np.asarray(img)
    h, w = arr.shape[:2]
    s = rnd.uniform(0.12, 0.2)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[w * s / 2, h * 0.03], [w * (1 - s / 2), h * 0.03], [w, h], [0, h]])
    if rnd.random() < 0.5:  # the phone held beside the sheet instead of below it
        dst = np.float32([[0, 0], [w, h * s / 2], [w, h * (1 - s / 2)], [0, h]])
    m = cv2.getPerspectiveTransform(src, dst)
    bg = tuple(int(c) for c in arr[2, 2])
    return Image.fromarray(cv2.warpPerspective(arr, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=bg))
