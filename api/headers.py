"""Security headers on every response: a strict Content-Security-Policy, no framing, no type sniffing.

The pages hold no inline script or style (their scripts and stylesheets come from ``/static``, and
``/docs`` from the service's own copy of Swagger UI), so the policy allows the service's own origin
only. The one inline style it admits is the notice template's ``<style>`` block, by its hash: a notice
opened from a page inherits that page's policy. API answers are personal data: never cached.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(*, style_hashes: list[str]) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": " ".join(["'self'", *style_hashes]),
        "img-src": "'self' data: blob:",  # page images are fetched with a token and shown as blob: URLs
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeaders:
    """ASGI middleware: adds the headers to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp, *, csp: str, api_prefix: str) -> None:
        self.app = app
        self.api_prefix = api_prefix
        self.headers = {
            "Content-Security-Policy": csp,
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "geolocation=(), microphone=(), payment=(), usb=()",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = str(scope.get("path", "")).startswith(self.api_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if is_api:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
