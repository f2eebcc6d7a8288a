"""Judge cases from cached Documents (no OCR) and compare with their expected answers.

    .venv/bin/python bench/cases.py --cache /tmp/doccache        # read once, with OCR
    .venv/bin/python bench/cases_cached.py --cache /tmp/doccache [-v] [CASE ...]

A development aid for recognition, assembly and rules: prints per case the extra (false positive)
and missed findings, with -v the recognised materials, the sets' fields and the findings' messages.
With --tally CODE,... a table of the extra and missed findings of those codes per variant (the
suffix bench/harden.py gives a case id: JT-P01-photo is variant "photo", JT-P01 is "original").
Seals and signatures are looked for on the cached page images, as the pipeline does.
Cases without a cached Document for every file are skipped. By default public/ and hard/ X01–X03
are judged (what cues and thresholds may be chosen on); hard X04–X05 are held out and judged only
with --held-out, as figures without per-case details.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ would be first on sys.path and shadow the packages (bench/rules.py).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
from collections import Counter

import numpy as np
from rich.console import Console

from bench.doccache import load
from bench.scoring import Scores, group_of
from prereview.cases import find_cases, load_case
from prereview.documents import TextLine
from prereview.judging import judge
from prereview.ocr import RapidOcrEngine
from prereview.reread import local_reread
from rules.book import RuleBook
from rules.evaluate import Evaluator

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", metavar="CASE", help="case ids (default: every case)")
    parser.add_argument(
        "--cases", type=Path, action="append", help="case folders (repeatable; default: public and hard)"
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="judge hard X04–X05 too, as figures only (never their details)",
    )
    parser.add_argument("--cache", type=Path, default=Path("/tmp/doccache"))
    parser.add_argument("--rules", type=Path, default=ROOT / "corpus" / "rules")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--tally", default="", metavar="CODES", help="codes to count per variant, comma-separated"
    )
    parser.add_argument(
        "--reread",
        action="store_true",
        help="with an OCR engine here, as the pipeline has: read doubtful values a second time, and "
        "the ring texts of seals whose owner matters (a licence copy)",
    )
    args = parser.parse_args()
    engine = _Counted(RapidOcrEngine(threads=1)) if args.reread else None
    reread = local_reread(engine.engine) if engine is not None else None
    rings: list[int] = []
    book = RuleBook.load(args.rules)
    ev = Evaluator(items=book.items, catalog=book.catalog)
    roots = args.cases or [ROOT.parent / "shared" / "cases" / n for n in ("public", "hard")]
    folders = [f for r in roots for f in find_cases(r) if not args.names or f.name in args.names]
    if not args.held_out:
        folders = [f for f in folders if not group_of(f).endswith("(held out)")]
    scores = Scores()
    ok = tp = fp = fn = judged = 0
    codes = {c for c in args.tally.split(",") if c}
    # (variant, code, "cases" | "expected" | "extra" | "missed") -> count
    tally: Counter[tuple[str, str, str]] = Counter()
    for folder in folders:
        case = load_case(folder)
        files = case.uploads(folder)
        docs = [load(args.cache, case.case_id, f) for f in files]
        if any(d is None for d in docs):
            print(f"{case.case_id}: skipped (not cached in {args.cache})")
            continue
        judged += 1
        result = judge(
            ev,
            item=case.item,
            review_date=case.review_date,
            declared=case.declared,
            files=files,
            docs=docs,  # type: ignore[arg-type]
            case_id=case.case_id,
            reread=reread,
            ring_ocr=engine,
        )
        if engine is not None:
            rings.append(engine.take())
        d, reports = result.decision, result.files
        exp = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        scores.add(folder, exp, result.answer())
        if group_of(folder).endswith("(held out)"):
            continue  # figures only: details of held-out cases are not for tuning
        want = {(f.get("material") or f.get("condition"), f["code"]) for f in exp["findings"]}
        got = {tuple(f.key) for f in d.findings}
        ok += d.verdict.value == exp["verdict"]
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        for how, keys in (("expected", want), ("extra", got - want), ("missed", want - got)):
            tally.update((_variant(case.case_id), code, how) for _, code in keys if code in codes)
        tally.update((_variant(case.case_id), code, "cases") for code in codes)
        unsure = sorted(tuple(f.key) for f in d.uncertain)
        print(
            f"{case.case_id}: {d.verdict.value:10} exp {exp['verdict']:10} "
            f"extra={sorted(got - want)} missed={sorted(want - got)}"
            + (f" uncertain={unsure}" if unsure else "")
            + (f" rings={rings[-1]}" if rings and rings[-1] else "")
        )
        if args.verbose:
            for r in reports:
                print("   file", r.name, r.slot, r.materials, r.looks_like)
            for mid, m in (result.facts.materials if result.facts else {}).items():
                sets = [
                    (
                        s.label,
                        s.parts,
                        s.sealed,
                        s.signed,
                        {k: (v.state.value, v.value[:30]) for k, v in s.fields.items()},
                    )
                    for s in m.sets
                ]
                print("   ", mid, m.status.value, sets)
            for f in d.findings:
                print("   F", f.message)
            for f in d.uncertain:
                print("   U", f.message, "|", f.doubt)
    print(f"verdict {ok}/{judged} P={tp / max(1, tp + fp):.2f} R={tp / max(1, tp + fn):.2f} (printed cases)")
    if rings:
        print(f"seal ring texts read: {sum(rings)} in {len(rings)} cases, at most {max(rings)} a case")
    Console().print(scores.table(f"cached pre-review ({args.cache})"))
    if codes:
        _print_tally(tally, sorted(codes))


class _Counted:
    """The OCR engine for ring texts, counting its recognitions (the cost ring reading adds)."""

    def __init__(self, engine: RapidOcrEngine) -> None:
        self.engine = engine
        self.count = 0

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        self.count += 1
        return self.engine.recognize(image)

    def take(self) -> int:
        n, self.count = self.count, 0
        return n


def _variant(case_id: str) -> str:
    parts = case_id.split("-")
    return parts[-1] if len(parts) > 2 else "original"


def _print_tally(tally: Counter[tuple[str, str, str]], codes: list[str]) -> None:
    variants = sorted({v for v, _, _ in tally})
    hows = ("expected", "extra", "missed")
    print(f"{'variant':10} {'cases':>5} " + " ".join(f"{c + ' ' + h:>20}" for c in codes for h in hows))
    for v in variants:
        cells = " ".join(f"{tally[v, c, h]:>20}" for c in codes for h in hows)
        print(f"{v:10} {tally[v, codes[0], 'cases']:>5} {cells}")


if __name__ == "__main__":
    main()
