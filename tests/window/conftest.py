from __future__ import annotations

from tests.fixtures.licence_server import licence_platform  # noqa: F401  (fixture)
from tests.fixtures.window_db import (  # noqa: F401  (fixtures)
    any_db,
    any_library,
    hall,
    library,
    store,
    window_db,
    window_rules,
)
