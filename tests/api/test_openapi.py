from __future__ import annotations

from fastapi.testclient import TestClient


def test_openapi_documents_every_resource(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert all(p.startswith("/api/v1/") or p == "/healthz" for p in paths)
    for needed in (
        "/api/v1/items",
        "/api/v1/cases/{case_id}/files",
        "/api/v1/cases/{case_id}/notice",
        "/api/v1/rules/{item}/versions/{version_id}/publish",
        "/api/v1/admin/audit",
        "/api/v1/auth/token",
    ):
        assert needed in paths, needed
    upload = paths["/api/v1/cases/{case_id}/files"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    schemes = spec["components"]["securitySchemes"]
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schemes)
    assert client.get("/docs").status_code == 200
