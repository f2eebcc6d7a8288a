"""A run's progress: the tracker's states, and the real Prereviewer telling pages read of pages total from
its reader processes, then recognising and checking."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prereview.pipeline import Prereviewer, UploadedFile
from prereview.progress import RunProgress, Stage, Tracker
from rules.book import RuleBook
from rules.evaluate import Evaluator
from tests.fixtures.reading_files import text_pdf

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_tracker_counts_pages_and_survives_a_failing_sink() -> None:
    states: list[RunProgress] = []
    tracker = Tracker(["a.pdf", "b.jpg"], states.append)

    def now() -> RunProgress:  # the latest state (a call: each assertion reads it afresh)
        return states[-1]

    tracker.page(0, 0, None)
    assert now().pages == (0, None)  # b.jpg not opened yet: the total is not known
    tracker.page(0, 1, 3)
    tracker.page(1, 1, 1)
    assert now().pages == (2, 4) and now().files[0].stage is Stage.READING
    tracker.file_read(0, 3)
    assert now().files[0].stage is Stage.RECOGNISING and now().pages == (4, 4)
    tracker.stage(Stage.CHECKING)
    assert now().stage is Stage.CHECKING and {f.stage for f in now().files} == {Stage.CHECKING}
    now().files[0].pages_done = 99  # each state handed on is a copy
    tracker.stage(Stage.CHECKING)
    assert now().files[0].pages_done == 3

    def broken(_: RunProgress) -> None:
        raise RuntimeError("the database is away")

    Tracker(["a.pdf"], broken).page(0, 1, 1)  # logged, not raised


def test_the_prereviewer_tells_pages_and_stages(tmp_path: Path) -> None:
    book = RuleBook.load(CORPUS / "rules")
    one = tmp_path / "申请表.pdf"
    text_pdf(one, [["道路货物运输经营申请表", "申请人：安和市宏远货运有限公司"], ["申请人签字"]])
    two = tmp_path / "营业执照.pdf"
    text_pdf(two, [["营业执照", "统一社会信用代码 9136110129PE803C31"]])
    states: list[RunProgress] = []
    pre = Prereviewer(evaluator=Evaluator(items=book.items, catalog=book.catalog), workers=1)
    try:
        pre.run(
            item="JT-001",
            review_date=date(2026, 2, 12),
            declared={},
            files=[UploadedFile(path=one, name=one.name), UploadedFile(path=two, name=two.name)],
            progress=states.append,
        )
    finally:
        pre.close()
    reading = [s for s in states if s.stage is Stage.READING]
    counts = [s.files[0].pages_done for s in reading if s.files[0].stage is Stage.READING]
    assert counts == sorted(counts) and 2 in counts  # page by page, up to the file's two pages
    assert any(s.files[0].pages_total == 2 for s in reading)  # the total known while reading
    assert [s.stage for s in states[-2:]] == [Stage.RECOGNISING, Stage.CHECKING]
    assert states[-1].pages == (3, 3)
