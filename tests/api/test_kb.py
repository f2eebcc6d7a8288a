"""Knowledge-base routes: search (public), FAQ upkeep by the owning department, feedback, unanswered
questions, hit testing; FAQ changes are audited."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import text

from rules.service import RuleContext
from tests.fixtures.api_app import HB, JT, ApiHarness, People

V1 = "/api/v1"


def test_kb_routes(kb_on: bool, client: TestClient, people: People) -> None:
    r = client.get(f"{V1}/kb/search", params={"q": "营业执照忘带了能先受理吗"})
    assert r.status_code == 200 and r.json()["hits"]
    faqs = client.get(f"{V1}/kb/faqs", params={"item": "JT-001"}).json()
    assert faqs and all(f["status"] == "published" for f in faqs)
    body = {
        "item": "JT-001",
        "department": JT,
        "question": "道路运输证丢了怎么补办？",
        "answer": "到交通运输专窗申请补发。",
    }
    r = client.post(f"{V1}/kb/faqs", json=body, headers=people.staff_jt)
    assert r.status_code == 201, r.text
    target = r.json()["target"]
    assert client.post(f"{V1}/kb/faqs", json=body, headers=people.staff_hb).status_code == 403
    assert client.post(f"{V1}/kb/faqs", json=body, headers=people.clerk).status_code == 403
    path = f"{V1}/kb/faqs/{quote(target)}"
    r = client.patch(path, json={"answer": "到交通运输专窗申请补发，当场办结。"}, headers=people.staff_jt)
    assert r.status_code == 200 and r.json()["version"] == 2 and not r.json()["pending"]
    assert client.patch(path, json={"answer": "x"}, headers=people.staff_hb).status_code == 403
    published = client.post(f"{path}/publish", json={}, headers=people.staff_jt).json()
    assert published["entry"]["status"] == "published" and published["check"]["ok"]
    assert client.post(f"{path}/rollback", json={"to_version": 1}, headers=people.staff_jt).status_code == 200
    assert len(client.get(f"{path}/history", headers=people.consult).json()) == 4
    events = client.get(f"{V1}/admin/audit", params={"target": f"faq:{target}"}, headers=people.admin).json()
    assert [e["action"] for e in events] == ["faq.rollback", "faq.publish", "faq.draft", "faq.create"]
    assert events[2]["before"]["answer"] == "到交通运输专窗申请补发。"
    fb = client.post(
        f"{V1}/kb/feedback", json={"query": "道路运输证丢了", "target": target, "helpful": False}
    )
    assert fb.status_code == 201
    summary = client.get(f"{V1}/kb/feedback/summary", headers=people.staff_jt).json()
    assert summary[0]["target"] == target and summary[0]["not_helpful"] == 1
    client.get(f"{V1}/kb/search", params={"q": "火星签证怎么办理"})
    open_questions = client.get(f"{V1}/kb/unanswered", headers=people.consult).json()
    assert any("火星" in q["query"] for q in open_questions)
    qid = next(q["id"] for q in open_questions if "火星" in q["query"])
    r = client.post(f"{V1}/kb/unanswered/{qid}", json={"status": "out_of_scope"}, headers=people.consult)
    assert r.status_code == 200 and r.json()["status"] == "out_of_scope"
    report = client.post(
        f"{V1}/kb/hit-test",
        json=[{"id": "1", "query": "营业执照忘带了能先受理吗", "targets": []}],
        headers=people.staff_jt,
    )
    assert report.status_code == 200 and "recall_at_1" in report.json()
    assert client.get(f"{V1}/kb/unanswered").status_code == 401


def test_kb_routes_without_the_index(harness: object, people: People) -> None:
    """When the knowledge base could not be opened, search answers 503 and nothing else breaks."""
    from tests.fixtures.api_app import ApiHarness

    assert isinstance(harness, ApiHarness)
    harness.services.kb = None
    assert harness.client.get(f"{V1}/kb/search", params={"q": "营业执照"}).status_code == 503


def test_publishing_rules_updates_the_guide(
    kb_on: bool, client: TestClient, people: People, harness: object
) -> None:
    from sqlmodel import select

    from kb.models import GuideSection
    from tests.fixtures.api_app import CORPUS, ApiHarness

    assert isinstance(harness, ApiHarness)
    text = (
        (CORPUS / "rules" / "JT-001.yaml")
        .read_text(encoding="utf-8")
        .replace("承诺时限: 5 个工作日", "承诺时限: 4 个工作日")
    )
    vid = client.post(
        f"{V1}/rules/JT-001/versions", json={"yaml_text": text}, headers=people.staff_jt
    ).json()["id"]
    assert (
        client.post(f"{V1}/rules/JT-001/versions/{vid}/publish", json={}, headers=people.staff_jt).status_code
        == 200
    )
    with harness.db.scope() as session:
        basic = session.exec(select(GuideSection).where(GuideSection.target == "JT-001#basic")).first()
        assert basic is not None and "4 个工作日" in basic.text


def test_search_filtered_by_department(kb_on: bool, client: TestClient) -> None:
    q = {"q": "需要带哪些材料", "k": 10}
    everyone = client.get(f"{V1}/kb/search", params=q).json()["hits"]
    assert len({h["department"] for h in everyone}) > 1
    r = client.get(f"{V1}/kb/search", params={**q, "department": JT})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert hits and {h["department"] for h in hits} == {JT}


def test_a_fresh_database_gets_the_kb_tables_from_the_migrations(
    tmp_path: Path, rule_context: RuleContext
) -> None:
    """The real start on an empty database: migrations to head (no create_all), seeding, search."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from api.app import create_app
    from api.migrate import config as migrate_config
    from core.db import make_engine
    from tests.fixtures.api_app import HashEmbedder, make_settings
    from tests.fixtures.fake_prereviewer import FakePrereviewer
    from window import InlineDispatcher

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    settings = make_settings(tmp_path / "data", database_url=url, kb_index_dir=tmp_path / "kb_index")

    app = create_app(
        settings=settings,
        context=rule_context,
        prereviewer=FakePrereviewer,
        dispatcher=InlineDispatcher,
        embedder=HashEmbedder(),
    )
    with TestClient(app) as client:
        r = client.get(f"{V1}/kb/search", params={"q": "营业执照忘带了能先受理吗"})
        assert r.status_code == 200 and r.json()["hits"]
    engine = make_engine(url)
    with engine.connect() as conn:
        head = ScriptDirectory.from_config(migrate_config()).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
    assert {"kb_faq", "kb_change", "kb_faq_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_staff_write_faqs_of_their_own_items_only(
    client: TestClient, people: People, harness: ApiHarness
) -> None:
    """Checked on the department that owns the item, never on the department a request names."""
    question = {"question": "排污许可证遗失怎么办？", "answer": "请到交通运输局窗口办理。"}
    for named in (HB, JT):  # another department's item, under its name or one's own
        r = client.post(
            f"{V1}/kb/faqs", json={"item": "HB-001", "department": named, **question}, headers=people.staff_jt
        )
        assert r.status_code == 403 and r.json()["error"] == "kb_not_your_department", named
    own = client.post(
        f"{V1}/kb/faqs", json={"item": "JT-001", "department": HB, **question}, headers=people.staff_jt
    )
    assert own.status_code == 201 and own.json()["department"] == JT  # filed under the item's owner
    unknown = client.post(
        f"{V1}/kb/faqs", json={"item": "ZZ-999", "department": JT, **question}, headers=people.staff_jt
    )
    assert unknown.status_code == 404 and "ZZ-999" in unknown.json()["message"]
    # an entry filed under the wrong department before this check: its item's owner decides
    from kb import service as kb_service
    from kb.schemas import SYSTEM, FaqIn

    with harness.db.scope() as session:
        faq = kb_service.create_faq(
            session, actor=SYSTEM, data=FaqIn(item="HB-001", department=JT, **question)
        )
        path = f"{V1}/kb/faqs/{quote(faq.target)}"
    for action in ("publish", "retire"):
        assert client.post(f"{path}/{action}", json={}, headers=people.staff_jt).status_code == 403, action
    assert client.patch(path, json={"answer": "改了"}, headers=people.staff_jt).status_code == 403
    fixed = client.post(f"{path}/retire", headers=people.staff_hb)
    assert fixed.status_code == 200 and fixed.json()["department"] == HB
