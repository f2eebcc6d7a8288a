"""API benchmark: N concurrent clients submit the public sample cases to a running service.

    yichuang serve &                       # or: python bench/api.py --start (a throw-away service)
    python bench/api.py --clients 4 --rounds 1 [--url http://127.0.0.1:8000] [--cases ../shared/cases/public]
                        [--user clerk1 --password …]

Each client, as an applicant without an account (the service must then allow the rate:
YICHUANG_APPLICANT_RATE_PER_MINUTE, which --start sets) or as a clerk (--user): creates the case, uploads
its files (into their slots, or as an unsorted pile), asks for the pre-review and waits for the verdict.
Prints the throughput, p50/p95 latency from creating the case to having the verdict, how many verdicts matched
expected.json, and the errors (any non-2xx answer or failed run) — which must be 0.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ROOT.parent / "shared" / "cases" / "public"
V1 = "/api/v1"


@dataclass
class Outcome:
    case: str
    seconds: float
    verdict: str = ""
    expected: str = ""
    errors: list[str] = field(default_factory=list)


def submit(http: httpx.Client, folder: Path, *, wait: float, timeout: float, auth: dict[str, str]) -> Outcome:
    spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    expected = (
        json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        if (folder / "expected.json").exists()
        else {}
    )
    out = Outcome(case=folder.name, seconds=0.0, expected=str(expected.get("verdict", "")))
    started = time.perf_counter()
    try:
        r = http.post(
            f"{V1}/cases",
            json={"item": spec["item"], "declared": spec["declared"], "review_date": spec["review_date"]},
            headers=auth,
        )
        if r.status_code != 201:
            out.errors.append(f"create {r.status_code}: {r.text[:200]}")
            return out
        case = r.json()
        headers = {"X-Case-Token": case["token"]} if case.get("token") else auth
        by_slot: dict[str | None, list[Path]] = {}
        for f in spec["files"]:
            by_slot.setdefault(f.get("slot"), []).append(folder / f["path"])
        for slot, paths in by_slot.items():
            files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
            r = http.post(
                f"{V1}/cases/{case['id']}/files",
                params={"slot": slot} if slot else {},
                headers=headers,
                files=files,
            )
            if r.status_code != 201:
                out.errors.append(f"upload {slot} {r.status_code}: {r.text[:200]}")
                return out
        r = http.post(f"{V1}/cases/{case['id']}/runs", params={"wait": wait}, headers=headers)
        if r.status_code != 202:
            out.errors.append(f"run {r.status_code}: {r.text[:200]}")
            return out
        run = r.json()
        deadline = time.monotonic() + timeout
        while run["status"] not in ("done", "failed") and time.monotonic() < deadline:
            r = http.get(
                f"{V1}/cases/{case['id']}/runs/{run['number']}", params={"wait": wait}, headers=headers
            )
            if r.status_code != 200:
                out.errors.append(f"poll {r.status_code}: {r.text[:200]}")
                return out
            run = r.json()
        if run["status"] != "done":
            out.errors.append(f"run {run['status']}: {run.get('error') or 'timed out'}")
            return out
        out.verdict = run["verdict"] or ""
    except httpx.HTTPError as exc:
        out.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        out.seconds = time.perf_counter() - started
    return out


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def start_service(port: int) -> tuple[subprocess.Popen[bytes], Path]:
    data = Path(tempfile.mkdtemp(prefix="yichuang-bench-"))
    env = {
        **os.environ,
        "YICHUANG_DATA_DIR": str(data),
        "YICHUANG_DATABASE_URL": "",
        "YICHUANG_APPLICANT_RATE_PER_MINUTE": "100000",
        "YICHUANG_PORT": str(port),
    }
    log = (data / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    print(f"service log: {data / 'serve.log'}")
    return proc, data


def wait_up(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the service at {url} did not come up")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients")
    ap.add_argument("--rounds", type=int, default=1, help="times every case is submitted")
    ap.add_argument("--cases", type=Path, default=PUBLIC, help="folder of case folders (case.json + files/)")
    ap.add_argument("--only", nargs="*", help="case folder names (default: all)")
    ap.add_argument("--wait", type=float, default=30.0, help="seconds one request waits for the verdict")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds a case may take in all")
    ap.add_argument("--user", help="submit as this clerk account (default: as applicants, no account)")
    ap.add_argument("--password", default=os.environ.get("YICHUANG_BENCH_PASSWORD", ""))
    ap.add_argument(
        "--start", action="store_true", help="start a throw-away service (temp data dir) on --url's port"
    )
    args = ap.parse_args()

    proc = None
    if args.start:
        port = httpx.URL(args.url).port or 8000
        proc, _ = start_service(port)
    try:
        wait_up(args.url, 300 if args.start else 10)
        folders = sorted(p for p in args.cases.iterdir() if (p / "case.json").exists())
        if args.only:
            folders = [p for p in folders if p.name in set(args.only)]
        jobs = [f for _ in range(args.rounds) for f in folders]
        auth: dict[str, str] = {}
        if args.user:
            r = httpx.post(
                f"{args.url}{V1}/auth/token", data={"username": args.user, "password": args.password}
            )
            r.raise_for_status()
            auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        print(
            f"{len(jobs)} submissions of {len(folders)} cases, {args.clients} concurrent clients, {args.url}"
        )
        outcomes: list[Outcome] = []
        started = time.perf_counter()
        with (
            httpx.Client(base_url=args.url, timeout=args.wait + 60) as http,
            ThreadPoolExecutor(max_workers=args.clients) as pool,
        ):
            futures = [
                pool.submit(submit, http, f, wait=args.wait, timeout=args.timeout, auth=auth) for f in jobs
            ]
            for fut in as_completed(futures):
                o = fut.result()
                outcomes.append(o)
                mark = "ERR " if o.errors else ("ok  " if o.verdict == o.expected else "diff")
                print(
                    f"  {mark} {o.case:8} {o.seconds:7.1f}s  {o.verdict or '-':10} expected "
                    f"{o.expected or '-':10}" + (f"  {o.errors[0]}" if o.errors else "")
                )
        wall = time.perf_counter() - started
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    ok = [o for o in outcomes if not o.errors]
    latencies = [o.seconds for o in ok]
    errors = sum(1 for o in outcomes if o.errors)
    print()
    print(
        f"{'cases':>10} {'wall s':>8} {'cases/min':>10} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
        f"{'verdict ok':>11} {'errors':>7}"
    )
    print(
        f"{len(outcomes):>10} {wall:>8.1f} {60 * len(ok) / wall if wall else 0:>10.2f} "
        f"{percentile(latencies, 0.5):>7.1f} {percentile(latencies, 0.95):>7.1f} "
        f"{max(latencies, default=0):>7.1f} "
        f"{sum(1 for o in ok if o.verdict == o.expected):>5}/{len(ok):<5} {errors:>7}"
    )
    if latencies:
        print(f"mean latency {statistics.mean(latencies):.1f}s")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
