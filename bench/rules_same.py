"""Whether this tree judges every case as another tree does (a speed change must change no verdict).

    .venv/bin/python bench/rules_same.py --against /tmp/old-main [--variants 6]

Every scenario of every item, and ``--variants`` cases made from each by seeded changes (a field
blanked, illegible or altered, a material dropped or of another status, marks and parts changed, a
declared value altered or dropped, another review date), are judged by each tree in its own process:
as a new case, judged again, and (every other one) with its engine input made (rules.stored). The
decisions must be the same; the engine's payloads are compared as facts (the ``id`` each is numbered
with aside) and reported.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ would be first on sys.path and bench/rules.py would shadow the rules package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import copy
import json
import random
import subprocess
import tempfile
from typing import Any

HERE = Path(__file__).resolve().parent.parent


def _variants(data: dict[str, Any], rng: random.Random, k: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(k):
        d = copy.deepcopy(data)
        for _ in range(rng.randint(1, 4)):
            _change(d, rng)
        out.append(d)
    return out


def _change(d: dict[str, Any], rng: random.Random) -> None:
    op, mats = rng.random(), list(d["materials"])
    if op < 0.45 and mats:
        sets = d["materials"][rng.choice(mats)]["sets"]
        one = rng.choice(sets) if sets else None
        if one and one["fields"]:
            name, r = rng.choice(list(one["fields"])), rng.random()
            if r < 0.3:
                one["fields"][name] = {"state": "empty", "value": ""}
            elif r < 0.5:
                one["fields"][name] = {"state": "unreadable", "value": ""}
            elif r < 0.8:
                text = one["fields"][name]["value"]
                one["fields"][name]["value"] = text[:-1] + "X" if text else "张三"
            else:
                one["fields"][name] = dict(one["fields"][rng.choice(list(one["fields"]))])
    elif op < 0.55 and mats:
        del d["materials"][rng.choice(mats)]
    elif op < 0.65 and mats:
        d["materials"][rng.choice(mats)]["status"] = rng.choice(["unreadable", "wrong"])
    elif op < 0.75 and mats:
        sets = d["materials"][rng.choice(mats)]["sets"]
        if sets:
            one = rng.choice(sets)
            one["sealed"], one["signed"] = rng.choice([None, True, False]), rng.choice([None, True, False])
            if one.get("parts") and rng.random() < 0.5:
                one["parts"] = one["parts"][1:]
    elif op < 0.9 and d["declared"]:
        key = rng.choice(list(d["declared"]))
        value, r = d["declared"][key], rng.random()
        if r < 0.3:
            del d["declared"][key]
        elif isinstance(value, bool):
            d["declared"][key] = not value
        elif isinstance(value, str):
            d["declared"][key] = value[:-1] + "Y" if value else "李四"
        elif isinstance(value, int):
            d["declared"][key] = value + rng.choice([-1, 1, 5])
        else:
            d["declared"][key] = None
    else:
        d["review_date"] = rng.choice(["2026-01-15", "2026-06-30", "2027-03-01", "2025-12-31"])


def judge(out: Path, k: int) -> None:
    """Judge every case with the tree this process imports (the child's side)."""
    from rules.book import RuleBook
    from rules.casefacts import CaseFacts
    from rules.engine import RuleHost
    from rules.evaluate import Evaluator
    from rules.scenarios import case_of, load_scenarios

    log: list[tuple[str, str]] = []
    plain = RuleHost.evaluate_encoded

    def logged(self: RuleHost, ruleset: str, payload: str) -> list[tuple[str, str]]:
        log.append((ruleset.split(".")[0] + ruleset[-3:], payload))
        return plain(self, ruleset, payload)

    RuleHost.evaluate_encoded = logged  # type: ignore[method-assign]
    book = RuleBook.load(HERE / "corpus" / "rules")
    evaluator = Evaluator(items=book.items, catalog=book.catalog)
    rng, found = random.Random(16), {}
    for path in sorted((HERE / "corpus" / "scenarios").glob("*.yaml")):
        file = load_scenarios(path)
        for scenario in file.scenarios:
            base = case_of(file, scenario).model_dump(mode="json")
            for n, data in enumerate([base, *_variants(base, rng, k)]):
                case = CaseFacts.model_validate(data)
                log.clear()
                first = evaluator.evaluate(case).model_dump_json()
                payloads = [(name, _facts(text)) for name, text in log]
                again = evaluator.evaluate(case).model_dump_json()
                record = evaluator.engine_input(case) if n % 2 == 0 else None
                facts = {k: _facts(record[k]) for k in ("phase1", "phase2", "materials")} if record else None
                found[f"{file.item}/{scenario.name}/{n}"] = [first, again == first, payloads, facts]
    out.write_text(json.dumps(found, ensure_ascii=False))


def _facts(text: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in f.items() if k != "id"} for f in json.loads(text)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", type=Path, help="the other tree (a worktree of main)")
    parser.add_argument("--variants", type=int, default=6)
    parser.add_argument("--judge", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.judge:
        judge(args.judge, args.variants)
        return
    with tempfile.TemporaryDirectory() as tmp:
        made = {}
        for side, tree in (("this", HERE), ("other", args.against.resolve())):
            out = Path(tmp) / f"{side}.json"
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--judge",
                str(out),
                "--variants",
                str(args.variants),
            ]
            subprocess.run(cmd, cwd=tree, env={"PYTHONPATH": str(tree), "PATH": ""}, check=True)
            made[side] = json.loads(out.read_text())
    this, other = made["this"], made["other"]
    assert this.keys() == other.keys(), "not the same cases"
    parts = ("decision", "judged again alike", "payloads", "engine input")
    differ = {p: [k for k in this if this[k][n] != other[k][n]] for n, p in enumerate(parts)}
    print(f"{len(this)} cases ({args.variants} variants of each scenario)")
    for part, keys in differ.items():
        print(f"  {part}: {'same' if not keys else f'{len(keys)} differ, e.g. {keys[:3]}'}")
    sys.exit(1 if differ["decision"] or differ["judged again alike"] else 0)


if __name__ == "__main__":
    main()
