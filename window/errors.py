"""The window's errors: members of the one family (``core.errors``), each with its status code, which
``api.errors`` maps to responses in its one handler.

    AppError
    ├── NotFound (404)
    │   └── CaseNotFound         a case, or one of its files or runs, is not there (for this reader)
    ├── Conflict (409)
    │   └── StateConflict        the case is not in a state for this (decided, purged, a run pending)
    ├── BadInput (422)
    │   └── UploadRefused        an upload refused: 413 (size), 415 (type) or 422 (content)
    └── Unavailable (503)
        └── StoredFileMissing    a run's stored upload is gone from the blob store
"""

from __future__ import annotations

from core.errors import BadInput, Conflict, NotFound, Unavailable

__all__ = ["CaseNotFound", "StateConflict", "StoredFileMissing", "UploadRefused"]


class CaseNotFound(NotFound):
    code = "case_not_found"


class StateConflict(Conflict):
    code = "state_conflict"


class UploadRefused(BadInput):
    """An upload refused while streaming or storing; ``status`` is 413 or 415 for the size and type
    refusals, 422 otherwise."""

    code = "upload_refused"

    def __init__(self, message: str, *, reason: str, status: int = 422, detail: object = None) -> None:
        super().__init__(message, detail=detail)
        self.reason = reason
        self.status = status

    def to_dict(self) -> dict[str, object]:
        body = super().to_dict()
        body["reason"] = self.reason
        return body


class StoredFileMissing(Unavailable):
    """The hall's storage failed, not the applicant: the run ends without a verdict."""

    code = "stored_file_missing"
