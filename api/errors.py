"""One handler maps the whole AppError family (``core.errors``, ``window.errors`` and the sign-in's
errors below) to JSON; nothing else ever shows a traceback to a client."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError

from core.errors import AppError, Forbidden, Unauthorized
from window.errors import UploadRefused

log = logging.getLogger("yichuang.api")


class NotAllowed(Forbidden):
    code = "not_allowed"


class LoginRequired(Unauthorized):
    code = "login_required"


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LoginLocked(RateLimited):
    """Too many failed sign-ins of one user name (api.login_guard)."""

    code = "login_locked"


def install(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_request: Request, exc: AppError) -> JSONResponse:
        status = exc.status if isinstance(exc, UploadRefused) else exc.status_code
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        if isinstance(exc, Unauthorized):
            headers = {"WWW-Authenticate": "Bearer"}
        return JSONResponse(exc.to_dict(), status_code=status, headers=headers)

    @app.exception_handler(IntegrityError)
    async def integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return JSONResponse(
            {"error": "conflict", "message": "与同时进行的另一操作冲突，请重试"}, status_code=409
        )

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database error on %s %s: %s", request.method, request.url.path, exc.orig)
        return JSONResponse(
            {"error": "unavailable", "message": "数据库暂不可用，请稍后重试"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal", "message": "服务内部错误，请稍后重试"}, status_code=500)
