"""Generate pre-review test cases in the contract's layout (../shared/cases/README.md), written from the
standards only (never from the product's code), to find how the pre-review fails on layouts it has not seen.

    .venv/bin/python bench/gencases.py --out /work/gencases/set1 --seed 1 --n 4
    .venv/bin/python bench/gencases.py --out DIR --seed 7 --n 10 --items JT-001,HB-001
    .venv/bin/python bench/cases.py --cases DIR

Each case: declared facts valid per declared-facts.md; every material the facts make due, rendered with
the fields, parts, seals and signatures its review points ask for; then either nothing wrong (ACCEPT),
one broken acceptance condition (REJECT), tolerable materials left out (TOLERANCE), or one or two
defects whose finding follows from the standards with certainty (a material left out, a name or number
off, a seal or signature missing, an expired or stale date, an empty field, a missing part or page, a
wrong document in a slot). Uploads vary as real ones do: CJK fonts, sizes, spacing, grid or no grid,
value beside or below its label, shuffled fields; text PDFs with an embedded font, scanned PDFs, phone
photos (perspective, rotation, shadow, blur, JPEG); several cards on one photo or photocopy; a scanned
bundle of two materials; no slots in about a quarter of cases; now and then an unrelated file. Variation
families (gencases_vary, `--vary`): slots swapped, confusable documents the standards name, pages out of
order/turned/split/with blank backs, bundles of up to three materials, handwritten values, extra fields,
glare/screen/steep photos and grey low-resolution scans, seals over the edge, patterned cards.

Fonts (Debian; `make gencases-fonts`):
    apt-get install -y fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming fonts-noto-cjk
A bench tool: CI does not run it. docs/gencases.md says more.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
from gencases_common import Defect, Gen, Material
from gencases_draw import available_fonts
from gencases_items import Built, build_jt
from gencases_items_setup import build_sc, build_yjs
from gencases_items_slhb import build_hb, build_sl
from gencases_items_yjrs import build_rs, build_yj
from gencases_pack import Packer
from gencases_vary import FAMILIES, Vary, lookalike

BUILDERS = {
    "SC-001": build_sc,
    "JT-001": build_jt,
    "SL-001": build_sl,
    "HB-001": build_hb,
    "YJ-001": build_yj,
    "RS-001": build_rs,
    "YJS-001": build_yjs,
}
# The acceptance conditions a REJECT case may break, one at a time (each item's §2).
REJECTS = {
    "SC-001": ["C1", "C3", "C4", "C5"],
    "JT-001": ["C2", "C3", "C4", "C5"],
    "SL-001": ["C1", "C2", "C4", "C5"],
    "HB-001": ["C1", "C2", "C3", "C4"],
    "YJ-001": ["C2", "C3", "C4"],
    "RS-001": ["C2", "C3", "C5", "C6"],
    "YJS-001": ["C3", "C6", "C7", "C8"],
}
ITEMS = ["SC-001", "JT-001", "SL-001", "HB-001", "YJ-001", "RS-001", "YJS-001"]
PREFIX = {
    "SC-001": "SC",
    "JT-001": "JT",
    "SL-001": "SL",
    "HB-001": "HB",
    "YJ-001": "YJ",
    "RS-001": "RS",
    "YJS-001": "YJS",
}
SCENARIOS = ["defect", "accept", "reject", "tolerance", "defect", "defect", "accept", "defect"]


def review_day(rnd: random.Random) -> date:
    """A working day of 2026 (official holidays and adjusted working weekends included)."""
    while True:
        d = date(2026, 1, 5) + timedelta(days=rnd.randint(0, 340))
        if chinese_calendar.is_workday(d):
            return d


def tolerance_deadline(review: date, days: int) -> date:
    """The N-th working day after the review date (standards README §2.4)."""
    d, n = review, 0
    while n < days:
        d += timedelta(days=1)
        n += chinese_calendar.is_workday(d)
    return d


def _inject(
    rnd: random.Random, ms: list[Material], *, slots: bool
) -> tuple[dict[str, set[str]], list[str], set[str], set[str]]:
    """One or two defects; returns findings by material, notes, the materials left out, and the
    materials replaced by a wrong document in their slot."""
    findings: dict[str, set[str]] = {}
    notes: list[str] = []
    dropped: set[str] = set()
    wrong: set[str] = set()
    for m in rnd.sample(ms, k=min(len(ms), rnd.choice([1, 1, 2]))):
        roll = rnd.random()
        if roll < 0.15:
            dropped.add(m.mid)
            findings.setdefault(m.mid, set()).add("MISSING")
            notes.append(f"{m.mid} 未提交")
        elif roll < 0.22 and slots and m.mid != "M1":
            wrong.add(m.mid)
            findings.setdefault(m.mid, set()).add("WRONG_DOCUMENT")
            notes.append(f"{m.mid} 材料位上是其他文件")
        elif m.defects:
            d: Defect = rnd.choice(m.defects)
            d.apply()
            findings.setdefault(m.mid, set()).update(d.codes)
            notes.append(f"{m.mid} {d.label}")
    return findings, notes, dropped, wrong


def verdict(ms: list[Material], findings: dict[str, set[str]]) -> tuple[str, int]:
    """Standards README §5: any problem on a non-tolerable material or a non-MISSING one on a tolerable
    material → CORRECTION; only tolerable materials missing → TOLERANCE (max days); else ACCEPT."""
    tol = {m.mid: m.tol_days for m in ms}
    days = 0
    for mid, codes in findings.items():
        t = tol.get(mid)
        if t is None or codes != {"MISSING"}:
            return "CORRECTION", 0
        days = max(days, t)
    return ("TOLERANCE", days) if days else ("ACCEPT", 0)


def _confusables(
    item: str,
    ms: list[Material],
    vary: Vary,
    *,
    dropped: set[str],
    wrong: set[str],
    findings: dict[str, set[str]] | None,
    slots: bool,
) -> tuple[dict[str, Any], list[Any], list[str]]:
    """The `lookalike` family: a material left out or replaced in its slot has, now and then, one of the
    documents the standards name as confusable with it uploaded in its stead (the finding stays MISSING or
    WRONG_DOCUMENT: the standards say it does not replace the material); and now and then such a document
    is uploaded beside a material that is there (no finding: the material is found)."""
    looks: dict[str, Any] = {}
    notes: list[str] = []
    # In a defect case, one more material may be replaced by its confusable document (`findings` given);
    # not beside a mismatch, which some standards judge against another material (README convention 4).
    compared = findings is None or any(
        c in {"NAME_MISMATCH", "ID_MISMATCH"} for v in findings.values() for c in v
    )
    clean = [m for m in ms if not compared and m.mid not in (findings or {}) and lookalike(item, m, vary.rnd)]
    forced = ""
    if clean and vary.want("lookalike", 0.4):
        m = vary.rnd.choice(clean)
        forced = m.mid
        code = "WRONG_DOCUMENT" if slots else "MISSING"
        (wrong if slots else dropped).add(m.mid)
        assert findings is not None
        findings[m.mid] = {code}
        notes.append(f"{m.mid} 未提交，{'其材料位上' if slots else '案件中'}是易混材料 → {code}")
    for m in ms:
        if m.mid in wrong or m.mid in dropped:
            doc = lookalike(item, m, vary.rnd) if vary.want("lookalike", 0.6) or m.mid == forced else None
            if doc is not None:
                looks[m.mid] = doc
                notes.append(f"{m.mid}: 易混材料「{doc.title or doc.subtitle}」代替提交")
    present = [m for m in ms if m.mid not in dropped | wrong and lookalike(item, m, vary.rnd)]
    decoys = []
    if present and vary.want("lookalike", 0.25):
        m = vary.rnd.choice(present)
        doc = lookalike(item, m, vary.rnd)
        if doc is not None:
            decoys.append(doc)
            notes.append(f"易混材料「{doc.title}」与 {m.mid} 一并提交（{m.mid} 已提交，不产生问题）")
    return looks, decoys, notes


def make_case(
    case_id: str,
    item: str,
    scenario: str,
    rnd: random.Random,
    fonts: list[int],
    out: Path,
    families: set[str] | None = None,
) -> None:
    review = review_day(rnd)
    g = Gen(rnd, review)
    slots = rnd.random() >= 0.25
    reject = rnd.choice(REJECTS[item]) if scenario == "reject" else None
    built: Built = BUILDERS[item](g, reject)
    ms = built.materials
    findings: dict[str, set[str]] = {}
    notes: list[str] = []
    dropped: set[str] = set()
    wrong: set[str] = set()
    if scenario == "tolerance" and any(m.tol_days for m in ms):
        dropped = {m.mid for m in ms if m.tol_days}
        findings = {mid: {"MISSING"} for mid in dropped}
        notes = [f"{mid} 未提交（容缺）" for mid in sorted(dropped)]
    elif scenario in {"defect", "tolerance"}:
        findings, notes, dropped, wrong = _inject(rnd, ms, slots=slots)
        if built.fact_empty and rnd.random() < 0.2:
            fact, value = built.fact_empty
            built.facts[fact] = json.loads(value)
            findings.setdefault("M1", set()).add("FIELD_EMPTY")
            notes.append(f"申报事实 {fact} 为空")
    vary = Vary(random.Random(f"{case_id}-vary"), set(families or ()))
    looks, decoys, look_notes = _confusables(
        item,
        ms,
        vary,
        dropped=dropped,
        wrong=wrong,
        findings=findings if scenario == "defect" and not built.failed else None,
        slots=slots,
    )
    notes += look_notes
    facts = {k: v for k, v in built.facts.items() if not k.startswith("_")}
    if built.failed:
        expected: dict[str, Any] = {
            "verdict": "REJECT",
            "findings": [{"condition": c, "code": "NOT_ELIGIBLE"} for c in built.failed],
            "tolerance_deadline": None,
            "notes": [f"{c} 不满足" for c in built.failed],
        }
    else:
        v, days = verdict(ms, findings)
        expected = {
            "verdict": v,
            "findings": [
                {"material": mid, "code": c} for mid in sorted(findings) for c in sorted(findings[mid])
            ],
            "tolerance_deadline": tolerance_deadline(review, days).isoformat() if v == "TOLERANCE" else None,
            "notes": notes,
        }
    case_dir = out / case_id
    (case_dir / "files").mkdir(parents=True, exist_ok=True)
    packer = Packer(rnd, fonts, case_dir, review, slots=slots, vary=vary)
    kept = [m for m in ms if m.mid not in dropped and m.mid not in wrong]
    files = packer.pack(kept, wrong=sorted(wrong), looks=looks, decoys=decoys)
    case = {
        "case_id": case_id,
        "item": item,
        "review_date": review.isoformat(),
        "declared": facts,
        "files": files,
    }
    (case_dir / "case.json").write_text(
        json.dumps(case, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    expected["notes"] = expected["notes"] + packer.notes
    (case_dir / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, required=True, help="folder to write the cases into (created)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=4, help="cases per item")
    ap.add_argument("--items", default=",".join(ITEMS), help="comma-separated item codes")
    ap.add_argument(
        "--vary",
        default="all",
        help=f"variation families, comma-separated, 'all' or 'none' (as before them): {','.join(FAMILIES)}",
    )
    args = ap.parse_args(argv)
    families = set(FAMILIES) if args.vary == "all" else set(args.vary.split(",")) - {"none", ""}
    if families - set(FAMILIES):
        print(f"unknown families: {', '.join(sorted(families - set(FAMILIES)))}", file=sys.stderr)
        return 2
    fonts = available_fonts()
    if not fonts:
        print("no CJK font installed: make gencases-fonts", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for item in args.items.split(","):
        rnd = random.Random(f"{args.seed}-{item}")
        plan = [SCENARIOS[k % len(SCENARIOS)] for k in range(args.n)]
        rnd.shuffle(plan)
        for k, scenario in enumerate(plan, start=1):
            case_id = f"{PREFIX[item]}-G{args.seed:02d}{k:02d}"
            case_rnd = random.Random(f"{args.seed}-{item}-{k}")
            make_case(case_id, item, scenario, case_rnd, fonts, args.out, families)
            print(case_id, scenario, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
