"""The web pages: plain HTML files and one small ES-module layer over the JSON API (no build step, no CDN).

``/`` the landing page, ``/self-check`` (applicants), ``/consult`` (consultation desk), ``/clerk`` and
``/staff``; the stylesheet and scripts under ``/static``; ``/docs`` Swagger UI on the OpenAPI document,
its files served from the package (``swagger/``, vendored from npm's ``swagger-ui-dist``). Pages are
Jinja2 templates sharing ``pages/_base.html`` (head, header, navigation) and hold no data: everything
they show comes from ``/api/v1`` through ``static/common.js``, so the halls' closed networks need
nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from core.errors import NotFound

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
STATIC = HERE / "static"
DOCS = HERE / "docs"  # the /docs page and its start-up script (no inline script: see api.headers)
SWAGGER = HERE / "swagger"  # swagger-ui-dist's files, unchanged

# path -> page file; W2's clerk.html and staff.html answer 404 until they exist
ROUTES = {
    "/": "index.html",
    "/self-check": "self-check.html",
    "/consult": "consult.html",
    "/clerk": "clerk.html",
    "/staff": "staff.html",
    "/hall": "hall.html",  # the dashboard: reminders and statistics (clerks, staff, administrators)
}

router = APIRouter(include_in_schema=False)
_templates = Environment(
    loader=FileSystemLoader(PAGES), autoescape=select_autoescape(["html"]), auto_reload=False
)


def _page_route(name: str) -> Callable[[], HTMLResponse]:
    def page() -> HTMLResponse:
        if not (PAGES / name).is_file():
            raise NotFound("页面还没有上线")
        # no-cache: a hall's PCs keep tabs open for days; they must pick up a new version at once
        return HTMLResponse(_templates.get_template(name).render(), headers={"Cache-Control": "no-cache"})

    return page


for _path, _name in ROUTES.items():
    router.add_api_route(_path, _page_route(_name), methods=["GET"], name=f"page:{_name}")


@router.get("/s/{item}/{material}")
def sample_page(item: str, material: str) -> HTMLResponse:
    """The public sample page (材料样本) a 补正 notice links by a short URL and a QR code."""
    return _page_route("sample.html")()


@router.get("/docs")
def docs() -> FileResponse:
    return FileResponse(DOCS / "index.html", media_type="text/html", headers={"Cache-Control": "no-cache"})


def install(app: FastAPI) -> None:
    """Route the pages and mount the static files on ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs/assets", StaticFiles(directory=DOCS), name="docs-assets")
    app.mount("/docs/swagger-ui", StaticFiles(directory=SWAGGER), name="swagger-ui")
