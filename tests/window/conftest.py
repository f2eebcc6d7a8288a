from __future__ import annotations

from tests.fixtures.window_db import (  # noqa: F401  (fixtures)
    any_db,
    any_library,
    hall,
    library,
    store,
    window_db,
    window_rules,
)
