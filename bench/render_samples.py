"""Render the seed material samples (材料样本) from the rule files' own descriptions.

    .venv/bin/python bench/render_samples.py            # writes corpus/samples/ITEM/Mn.png and ITEM.yaml

For every material of every item: a page titled with the material's name, its fields with placeholder
values (never a real person's or company's), the parts a set must have, a box where a seal or a
signature goes when a review point asks for one, and "样本" across the page so that nobody submits it.
ITEM.yaml holds the notes drawn on each page, tied to the review points (NOT_SEALED, NOT_SIGNED,
FIELD_EMPTY, EXPIRED, PAGES_MISSING). The service gives them to the seed rule versions on first start
(window.samples.seed). Pages are 16-colour PNGs of about 20–40 KB.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFont

from rules.codes import Code
from rules.loader import item_files, load_catalog, load_common, load_item
from rules.spec import Item, Material

ROOT = Path(__file__).resolve().parent.parent / "corpus"
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
W, H = 620, 877  # A4 at 75 dpi
MARGIN = 40
PLACEHOLDER = {
    "name": "安和市示例有限公司",
    "id_number": "XXXXXXXXXXXXXXXXXX",
    "uscc": "91XXXXXXXXXXXXXXXX",
    "date": "2026年01月01日",
    "month": "2027年01月",
    "period": "2026年01月01日至2031年12月31日",
    "number": "1",
    "plate": "赣X·XXXXX",
    "list": "示例甲、示例乙",
}


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def placeholder(name: str, spec: Any) -> str:
    if spec.options:
        first, *rest = list(spec.options)
        return "☑ " + first + "".join(f"  □ {o}" for o in rest[:2])
    if (
        spec.type == "name"
        and not any(w in name for w in ("名称", "单位", "所有人"))
        and any(w in name for w in ("人", "姓名", "代表", "负责", "委托", "受托", "经营者"))
    ):
        return "张某某"
    return PLACEHOLDER.get(spec.type, "（按实际填写）")


def frac(box: tuple[float, float, float, float]) -> list[float]:
    return [round(box[0] / W, 4), round(box[1] / H, 4), round(box[2] / W, 4), round(box[3] / H, 4)]


def wrap(text: str, size: int, width: int) -> list[str]:
    f, lines, line = font(size), [], ""
    for ch in text:
        if f.getlength(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def render(item: Item, material: Material) -> tuple[Image.Image, list[dict[str, Any]]]:
    image = Image.new("RGB", (W, H), "white")
    draw = ImageDraw.Draw(image)
    notes: list[dict[str, Any]] = []
    checks = {c.code: c for c in material.checks}
    draw.rectangle((0, 0, W, 30), fill="#c62828")
    draw.text((MARGIN, 5), "样本 · 仅供参照填写，请勿提交", font=font(16), fill="white")
    draw.text((W - MARGIN - 150, 5), f"{item.code} {material.id}", font=font(16), fill="white")
    y = 50
    for line in wrap(material.name, 24, W - 2 * MARGIN):
        draw.text(((W - font(24).getlength(line)) / 2, y), line, font=font(24), fill="black")
        y += 34
    draw.text(
        (MARGIN, y),
        f"{material.form or '原件 1 份'}　来源：{material.source or '申请人'}"[:40],
        font=font(12),
        fill="#555",
    )
    y += 28
    fields = list(material.fields.items())[:12]
    rows: dict[str, tuple[int, int]] = {}
    for name, spec in fields:
        draw.rectangle((MARGIN, y, W - MARGIN, y + 30), outline="#333")
        draw.line((MARGIN + 150, y, MARGIN + 150, y + 30), fill="#333")
        draw.text((MARGIN + 6, y + 7), name[:9], font=font(14), fill="black")
        draw.text((MARGIN + 158, y + 7), placeholder(name, spec)[:26], font=font(14), fill="#1a237e")
        rows[name] = (y, y + 30)
        y += 30
    if not fields:
        for line in wrap("（正文：按本事项要求写明相关内容）", 14, W - 2 * MARGIN):
            draw.text((MARGIN, y + 6), line, font=font(14), fill="#333")
            y += 24
    y += 14
    empty = checks.get(Code.FIELD_EMPTY)
    if empty is not None and fields:
        named = [f for f in empty.fields if f in rows] or [n for n, _ in fields]
        top, bottom = min(rows[f][0] for f in named), max(rows[f][1] for f in named)
        note = ("须填写完整：" + "、".join(empty.fields))[:60]
        notes.append(
            {
                "page": 1,
                "box": frac((MARGIN - 4, top - 2, W - MARGIN + 4, bottom + 2)),
                "note": note,
                "code": "FIELD_EMPTY",
            }
        )
    expired = checks.get(Code.EXPIRED)
    if expired is not None and expired.field in rows:
        top, bottom = rows[expired.field]
        notes.append(
            {
                "page": 1,
                "box": frac((MARGIN + 150, top, W - MARGIN, bottom)),
                "note": f"「{expired.field}」须在有效期内"[:60],
                "code": "EXPIRED",
            }
        )
    if material.parts:
        draw.text((MARGIN, y), "一套须包含：", font=font(14), fill="black")
        y += 24
        x = MARGIN
        part_top = y
        for part in material.parts[:6]:
            wide = int(font(13).getlength(part)) + 20
            if x + wide > W - MARGIN:
                x, y = MARGIN, y + 34
            draw.rectangle((x, y, x + wide, y + 28), outline="#2e7d32", width=2)
            draw.text((x + 10, y + 6), part, font=font(13), fill="#2e7d32")
            x += wide + 10
        y += 40
        notes.append(
            {
                "page": 1,
                "box": frac((MARGIN - 4, part_top - 4, W - MARGIN, y - 8)),
                "note": ("须包含：" + "、".join(material.parts))[:60],
                "code": "PAGES_MISSING",
            }
        )
    foot = max(y + 20, H - 230)
    signed, sealed = checks.get(Code.NOT_SIGNED), checks.get(Code.NOT_SEALED)
    if signed is not None:
        draw.text((MARGIN, foot + 40), f"{signed.who[:10]}（签字）：", font=font(15), fill="black")
        draw.line((MARGIN + 170, foot + 62, MARGIN + 300, foot + 62), fill="black")
        draw.text((MARGIN + 180, foot + 36), "张某某", font=font(20), fill="#0d47a1")
        notes.append(
            {
                "page": 1,
                "box": frac((MARGIN - 4, foot + 28, MARGIN + 310, foot + 72)),
                "note": f"由{signed.who}签字"[:60],
                "code": "NOT_SIGNED",
            }
        )
    if sealed is not None:
        cx, cy, r = W - MARGIN - 90, foot + 60, 55
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline="#d32f2f", width=3)
        draw.text((cx - 28, cy - 10), "（盖章处）", font=font(12), fill="#d32f2f")
        notes.append(
            {
                "page": 1,
                "box": frac((cx - r - 6, cy - r - 6, cx + r + 6, cy + r + 6)),
                "note": f"此处加盖{sealed.who}"[:60],
                "code": "NOT_SEALED",
            }
        )
    draw.text((W - MARGIN - 150, H - 60), "2026 年 01 月 01 日", font=font(14), fill="black")
    for i, line in enumerate(wrap("；".join(material.notes)[:120], 11, W - 2 * MARGIN)[:3]):
        draw.text((MARGIN, H - 40 + i * 14 - 14), line, font=font(11), fill="#777")
    mark = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    ImageDraw.Draw(mark).text((W / 2 - 160, H / 2 - 110), "样本", font=font(170), fill=(211, 47, 47, 70))
    image = Image.alpha_composite(image.convert("RGBA"), mark.rotate(30, center=(W / 2, H / 2))).convert(
        "RGB"
    )
    return image, notes


def main() -> None:
    rules_dir = ROOT / "rules"
    catalog, common = load_catalog(rules_dir), load_common(rules_dir)
    out = ROOT / "samples"
    loaded: dict[str, Item] = {}
    for path in sorted(item_files(rules_dir), key=lambda p: "YJS" in p.stem):
        siblings = {c: i for c, i in loaded.items() if not i.bundle}
        item = load_item(path, catalog=catalog, common=common, siblings=siblings).item
        loaded[item.code] = item
        (out / item.code).mkdir(parents=True, exist_ok=True)
        described: dict[str, Any] = {}
        for material in item.materials:
            image, notes = render(item, material)
            image.quantize(colors=16).save(out / item.code / f"{material.id}.png", optimize=True)
            described[material.id] = {"name": material.name, "notes": notes}
        header = f"# {item.code} {item.name}：材料样本的标注（bench/render_samples.py 生成，勿手改）\n"
        text = yaml.safe_dump(described, allow_unicode=True, sort_keys=False, width=200)
        (out / f"{item.code}.yaml").write_text(header + text, encoding="utf-8")
        print(f"{item.code}: {len(item.materials)} samples")


if __name__ == "__main__":
    main()
