from __future__ import annotations

from tests.fixtures.api_app import (  # noqa: F401  (fixtures)
    api_backend,
    api_engine,
    api_settings,
    client,
    harness,
    kb_index_dir,
    kb_on,
    people,
    pg_engine,
    pg_schema,
    rule_context,
    sqlite_engine,
)
from tests.fixtures.licence_server import licence_platform  # noqa: F401  (fixture)
from tests.fixtures.live_api import live_api  # noqa: F401  (fixture)
