"""Caps on every request body but a file upload: its size, and for JSON its nesting depth and numbers.

Without them a body nested a few hundred levels deep or a number of thousands of digits got as far
as the handlers and ended in a 500, and a 20 MB ``declared`` went into the database. The check runs
before routing, as ASGI middleware: a body over the byte cap is refused while it streams (413), a
JSON body too deep, with an over-long or non-finite number is refused after parsing (422), each with
a message in Chinese. Multipart uploads are left to ``api.uploads``, which caps them as they stream.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


class BadJson(ValueError):
    pass


class BodyGuard:
    def __init__(self, app: ASGIApp, *, max_bytes: int, max_depth: int, max_digits: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.max_digits = max_digits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        content_type = headers.get("content-type", "").lower()
        if content_type.startswith("multipart/form-data"):
            await self.app(scope, receive, send)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and ("json" in content_type or not content_type):
            problem = self.check_json(body)
            if problem is not None:
                await JSONResponse({"error": "bad_json", "message": problem}, status_code=422)(
                    scope, receive, send
                )
                return
        await self.app(scope, _replay(body, receive), send)

    def check_json(self, body: bytes) -> str | None:
        """None when the JSON is within the caps (or is not JSON at all: FastAPI answers that itself)."""
        try:
            value = json.loads(body, parse_int=self._int, parse_float=self._float, parse_constant=_constant)
        except BadJson as exc:
            return str(exc)
        except RecursionError:
            return f"请求内容的嵌套层数超过 {self.max_depth} 层"
        except ValueError:  # not JSON (or not UTF-8): FastAPI's own 422 says where
            return None
        if _depth(value, self.max_depth) > self.max_depth:
            return f"请求内容的嵌套层数超过 {self.max_depth} 层"
        return None

    def _int(self, text: str) -> int:
        if len(text.lstrip("-")) > self.max_digits:
            raise BadJson(f"数字 {text[:12]}… 超过 {self.max_digits} 位，请检查填写的数值")
        return int(text)

    def _float(self, text: str) -> float:
        value = float(text)
        if len(text) > self.max_digits + 8 or not math.isfinite(value):
            raise BadJson(f"数字 {text[:12]}… 过长或超出范围，请检查填写的数值")
        return value

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = f"{self.max_bytes / 1024 / 1024:.1f}".rstrip("0").rstrip(".")
        body = {"error": "body_too_large", "message": f"请求内容超过 {limit} MB 的上限"}
        await JSONResponse(body, status_code=413, headers={"Connection": "close"})(scope, receive, send)


def _constant(name: str) -> Any:
    raise BadJson(f"{name} 不是有效的数值")


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value (iterative; stops counting past ``limit``)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read here, handed to the app as one message; then whatever the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
