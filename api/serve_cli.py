"""``yichuang serve`` (the API; migrates and seeds on start) and ``yichuang worker`` (procrastinate)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from api.migrate import upgrade
from core.config import get_settings
from core.db import Database, make_engine, startup_lock
from rules.service import RuleContext
from window import (
    Runner,
    blob_store,
    build_page_images,
    build_prereviewer,
    install_log_masking,
    licence_fetcher,
    rule_library,
    run_worker,
)


def serve(
    host: Annotated[str | None, typer.Option(help="listen address (default YICHUANG_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default YICHUANG_PORT)")] = None,
    reload: Annotated[bool, typer.Option(help="reload on code changes (development)")] = False,
    processes: Annotated[
        int, typer.Option("--processes", help="API processes (use >1 with YICHUANG_QUEUE=procrastinate)")
    ] = 1,
) -> None:
    """Run the API: create the data directories, migrate the database, seed the rule versions (and the
    knowledge base), pick up unfinished pre-review runs, then listen."""
    import uvicorn

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if processes > 1 and settings.queue != "procrastinate":
        raise typer.BadParameter("several API processes need the shared queue: YICHUANG_QUEUE=procrastinate")
    # X-Forwarded-For decides the client address (rate limits, logs): believed only from the proxies the
    # operator names; by default from nobody, so no client can pick its own address
    proxies = trusted_proxies(settings.trusted_proxies)
    uvicorn.run(
        "api.main:app",
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        workers=processes if not reload else None,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        log_level="info",
        timeout_worker_healthcheck=300,
    )  # startup (KB index, OCR pool) takes longer than uvicorn's 5 s


def trusted_proxies(value: str) -> list[str]:
    """YICHUANG_TRUSTED_PROXIES as uvicorn takes it: addresses or networks, comma-separated."""
    import ipaddress

    proxies = [p.strip() for p in value.split(",") if p.strip()]
    for p in proxies:
        try:
            ipaddress.ip_network(p, strict=False)
        except ValueError:
            raise typer.BadParameter(
                f"YICHUANG_TRUSTED_PROXIES: {p!r} is not an address or network"
            ) from None
    return proxies


def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="runs at once (default YICHUANG_RUN_THREADS)")
    ] = None,
    once: Annotated[bool, typer.Option(help="stop when the queue is empty")] = False,
) -> None:
    """Execute queued pre-review runs from the PostgreSQL queue (YICHUANG_QUEUE=procrastinate)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    install_log_masking()
    db = Database(make_engine(settings.effective_database_url))
    with startup_lock(db):
        upgrade(db.bind)
    corpus = settings.corpus_dir
    context = RuleContext.from_corpus(corpus / "rules", scenarios_dir=corpus / "scenarios")
    # built once: the OCR processes serve every run this worker executes
    library = rule_library(db=db, context=context)
    prereviewer = build_prereviewer(settings=settings, library=library)
    licences = licence_fetcher(settings=settings, db=db, library=library)
    pages = build_page_images(settings)
    runner = Runner(
        db=db, store=blob_store(settings), prereviewer=prereviewer, pages=pages, licences=licences
    )
    try:
        run_worker(
            runner,
            database_url=settings.effective_database_url,
            concurrency=concurrency or settings.run_threads,
            wait=not once,
        )
    finally:
        prereviewer.close()
        pages.close()
