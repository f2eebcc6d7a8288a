"""The one error family of yichuang.

Every error a user can cause derives from :class:`AppError` and carries an HTTP status
code and a machine-readable ``code``; ``api`` maps the whole family to responses in one
handler, the CLI prints ``message`` without a traceback.

    AppError
    ├── NotFound                (404)
    ├── Forbidden               (403)
    ├── Unauthorized            (401)
    ├── Conflict                (409)
    ├── BadInput                (422)
    └── Unavailable             (503)

Each package's errors module draws its own part of the tree under these: `rules.errors`,
`kb.errors`, `prereview.errors`, `api.errors`.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "app_error"

    def __init__(self, message: str, *, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.detail is not None:
            body["detail"] = self.detail
        return body


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class BadInput(AppError):
    status_code = 422
    code = "bad_input"


class Unavailable(AppError):
    status_code = 503
    code = "unavailable"
