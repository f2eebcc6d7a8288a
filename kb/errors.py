"""Knowledge-base errors, all members of core's family (`core.errors`; the API maps them by status).

AppError
├── NotFound
│   └── EntryNotFound           no such FAQ or guide section
├── Forbidden
│   └── NotYourDepartment       staff edit only their own department's entries
├── Conflict
│   ├── StaleVersion            someone else saved the entry since the editor loaded it
│   ├── DuplicateEntry
│   ├── AlreadyAnswered         a referred question the department answered before
│   └── HitTestFailed           publishing refused: its questions would not find the entry
├── BadInput
│   ├── InvalidEntry
│   └── InvalidQueryFile        a hit-test file that cannot be read
└── Unavailable
    ├── EmbeddingUnavailable    the embedding model cannot be loaded
    └── IndexUnavailable        the search index cannot be used
"""

from __future__ import annotations

from core.errors import BadInput, Conflict, Forbidden, NotFound, Unavailable


class EntryNotFound(NotFound):
    code = "kb_entry_not_found"


class NotYourDepartment(Forbidden):
    code = "kb_not_your_department"


class StaleVersion(Conflict):
    """Someone else saved the entry since the editor loaded it."""

    code = "kb_stale_version"


class DuplicateEntry(Conflict):
    code = "kb_duplicate_entry"


class AlreadyAnswered(Conflict):
    code = "kb_already_answered"


class InvalidEntry(BadInput):
    code = "kb_invalid_entry"


class InvalidQueryFile(BadInput):
    code = "kb_invalid_query_file"


class EmbeddingUnavailable(Unavailable):
    code = "kb_embedding_unavailable"


class IndexUnavailable(Unavailable):
    code = "kb_index_unavailable"


class HitTestFailed(Conflict):
    """Publishing refused: some of the entry's questions would not find it (detail: the checks)."""

    code = "kb_hit_test_failed"
