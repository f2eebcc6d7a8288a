"""A writer's questions as the knowledge base answered them when the writer was new.

    .venv/bin/python bench/kb_asnew.py tests/fixtures/kb_desk_dev8_queries.jsonl [--at COMMIT]

Every dev set was tuned on once it arrived, so today's product scores it as a set it has seen. The
product as it stood at the commit that added the file (or ``--at``) never saw it: its scores there are
what a new writer's held-out set looks like (issue #15: fixes made on one writer's questions barely
transfer to the next). The commit's tree is exported to a temporary directory (``git archive``; no
worktree, nothing checked out) and its own bench/kb.py runs the file with ``--quick --misses`` on a fresh
index; the batch output it scored is kept and its path printed, to replay a candidate rule on it.
Held-out files are refused: only measure what may be tuned on.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the sets released for tuning (docs/kb.md); a held-out set (kb_desk_holdout5 and later) or a new writer's
# set not yet released is refused: extend this when a set is released
_TUNABLE = re.compile(r"^kb_(dev|holdout|desk_dev[2-9]?|desk_holdout[2-4]?)_queries\.jsonl$")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def added_at(path: Path) -> str:
    """The commit that added ``path`` (the first one, should it have been re-added)."""
    rel = path.resolve().relative_to(ROOT)
    commits = _git("log", "--diff-filter=A", "--format=%H", "--", str(rel)).splitlines()
    if not commits:
        raise SystemExit(f"{rel}: no commit added it")
    return commits[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("queries", type=Path)
    ap.add_argument("--at", help="the commit to run (default: the one that added the file)")
    args = ap.parse_args()
    if not _TUNABLE.search(args.queries.name):
        raise SystemExit(f"{args.queries.name}: not a set that may be tuned on; refused")
    commit = args.at or added_at(args.queries)
    work = Path(tempfile.mkdtemp(prefix="kb-asnew-"))
    tree, index = work / "tree", work / "index"
    tree.mkdir()
    archive = work / "tree.tar"
    with open(archive, "wb") as fh:
        subprocess.run(["git", "archive", commit], cwd=ROOT, stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    print(f"product at {_git('log', '-1', '--format=%h %ad %s', '--date=short', commit)[:110]}", flush=True)
    done = subprocess.run(
        [
            sys.executable,
            "bench/kb.py",
            "--quick",
            "--misses",
            "--queries",
            str(args.queries.resolve()),
            "--index-dir",
            str(index),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    keep = ("contract", "  kind ", "  recall1=", "  miss ", "  rank ")
    print("\n".join(ln for ln in done.stdout.splitlines() if ln.startswith(keep)))
    if done.returncode:
        print(done.stderr[-2000:], file=sys.stderr)
    hits = sorted(
        Path(tempfile.gettempdir()).glob(f"tmp*/{args.queries.stem}.hits.jsonl"),
        key=lambda p: p.stat().st_mtime,
    )
    if hits:
        print(f"batch output: {hits[-1]}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
