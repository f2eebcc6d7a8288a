"""What a process of the window builds once from the settings: the rules in effect (read from the
database), the Prereviewer with its OCR processes, the page images of the evidence view."""

from __future__ import annotations

from datetime import date

from core.config import Settings
from core.db import Database
from prereview.pipeline import Prereviewer
from prereview.reader import ReadLimits
from rules import service as rule_service
from rules.live import RuleLibrary
from rules.service import RuleContext
from window.hall import Hall
from window.licence_fetch import LicenceFetcher
from window.licences import CircuitBreaker, HttpSource, LicenceSource, LocalLibrary
from window.page_images import PageImages
from window.storage import BlobStore

__all__ = [
    "blob_store",
    "build_hall",
    "build_page_images",
    "build_prereviewer",
    "licence_fetcher",
    "licence_store",
    "read_limits",
    "rule_library",
    "sample_store",
]


def rule_library(*, db: Database, context: RuleContext, ttl: float = 2.0) -> RuleLibrary:
    """The rule versions in effect, read from the database (cached ``ttl`` seconds)."""

    def resolve(on: date) -> dict[str, str]:
        with db.scope() as session:
            return {code: v.yaml_text for code, v in rule_service.all_in_effect(session, on=on).items()}

    return RuleLibrary(context=context, resolve=resolve, ttl=ttl)


def read_limits(settings: Settings) -> ReadLimits:
    """The reader's caps per file: for the runs and for reading a file again to show its pages alike."""
    return ReadLimits(
        max_bytes=settings.max_file_bytes,
        max_pages=settings.max_pages,
        max_pixels=settings.max_pixels,
        timeout_seconds=settings.parse_timeout_s,
    )


def build_prereviewer(*, settings: Settings, library: RuleLibrary) -> Prereviewer:
    """The Prereviewer, its OCR worker processes started now rather than on the first case."""
    pre = Prereviewer(
        evaluator=library.evaluator(),
        workers=settings.workers,
        limits=read_limits(settings),
        case_budget_s=settings.case_read_budget_s,
        ocr_model_dir=settings.ocr_model_dir,
        ocr_det_runtime=settings.ocr_det_runtime,
        ocr_rec_runtime=settings.ocr_rec_runtime,
        nice=settings.reader_nice,
    )
    pre.start()
    return pre


def blob_store(settings: Settings) -> BlobStore:
    return BlobStore(settings.data_dir / "blobs")


def build_page_images(settings: Settings) -> PageImages:
    """The evidence view's page images (cheap: the reader process starts on the first page no run left)."""
    return PageImages(
        cache_dir=settings.data_dir / "pages",
        limits=read_limits(settings),
        ocr_model_dir=settings.ocr_model_dir,
        ocr_det_runtime=settings.ocr_det_runtime,
        ocr_rec_runtime=settings.ocr_rec_runtime,
        nice=settings.reader_nice,
    )


def licence_store(settings: Settings) -> BlobStore:
    """The licences' files (imported, or fetched for a case): apart from the uploads, so that deleting a
    self-check's files never touches them."""
    return BlobStore(settings.data_dir / "licences")


def sample_store(settings: Settings) -> BlobStore:
    """The material samples' files (public: every applicant may see them)."""
    return BlobStore(settings.data_dir / "samples")


def licence_source(*, settings: Settings, db: Database) -> LicenceSource | None:
    if settings.licence_source == "local":
        return LocalLibrary(db=db, store=licence_store(settings))
    if settings.licence_source == "http":
        breaker = CircuitBreaker(
            failures=settings.licence_breaker_failures, reset_s=settings.licence_breaker_reset_s
        )
        return HttpSource(
            base_url=settings.licence_url,
            token=settings.licence_token,
            timeout_s=settings.licence_timeout_s,
            retries=settings.licence_retries,
            breaker=breaker,
            max_file_bytes=settings.max_file_bytes,
        )
    return None


def licence_fetcher(*, settings: Settings, db: Database, library: RuleLibrary) -> LicenceFetcher | None:
    """What fetches a clerk's case's materials from the 电子证照 library; None with no source configured."""
    source = licence_source(settings=settings, db=db)
    if source is None:
        return None
    return LicenceFetcher(source=source, library=library, store=licence_store(settings))


def build_hall(settings: Settings) -> Hall:
    """The hall as the settings describe it: names, contact, time zone and numbering."""
    return Hall(
        name=settings.hall_name,
        window=settings.window_name,
        address=settings.window_address,
        phone=settings.window_phone,
        online=settings.online_service,
        time_zone=settings.time_zone,
        case_number_format=settings.case_number_format,
        self_check_number_format=settings.self_check_number_format,
        notice_number_format=settings.notice_number_format,
    )
