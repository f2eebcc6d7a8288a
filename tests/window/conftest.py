from __future__ import annotations

from tests.fixtures.window_db import hall, library, store, window_db, window_rules  # noqa: F401  (fixtures)
