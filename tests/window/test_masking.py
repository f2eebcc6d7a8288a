"""Masking glue of the window (``window.masking``) over ``core.privacy``: a case as a reader who may not
see identity reads it, and every log record of the process."""

from __future__ import annotations

import logging

import pytest

from core.privacy import mask_facts, mask_text
from window import CaseMasker, MaskingFilter, install_log_masking


def test_mask_identity_and_phone_numbers() -> None:
    assert (
        mask_text("身份证 11010519491231002X 电话 13812345678")
        == "身份证 110105********002X 电话 138****5678"
    )
    assert mask_text("统一社会信用代码 91350100M000100Y43") == "统一社会信用代码 91350100M000100Y43"
    facts = mask_facts(
        {
            "legal_rep_id": "362321197610263830",
            "shareholders": [{"id_number": "360121197710080422", "name": "王霞媛"}],
            "applicant_name": "安和市宏远货运有限公司",
            "driver_count": 2,
        }
    )
    assert facts["legal_rep_id"] == "362321********3830"
    assert facts["shareholders"][0] == {"id_number": "360121********0422", "name": "王*媛"}
    assert facts["applicant_name"] == "安和市宏远货运有限公司" and facts["driver_count"] == 2


def test_logs_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("yichuang.test.masking")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="yichuang.test.masking"):
        logger.info("case for %s phone %s", "362321197610263830", "13907910000")
    assert "362321********3830" in caplog.text and "139****0000" in caplog.text
    assert "197610263830" not in caplog.text


def test_every_record_of_the_service_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    with caplog.at_level(logging.WARNING, logger="some.library"):
        logging.getLogger("some.library").warning("id %s", "11010519491231002X")
    assert "110105********002X" in caplog.text and "19491231" not in caplog.text


def test_a_case_reads_masked_or_in_full() -> None:
    declared = {"legal_rep_name": "邹军哲", "legal_rep_id": "362321197610263830"}
    masked = CaseMasker(declared=declared, applicant_name="张三明")
    assert masked.text("邹军哲的身份证") == "邹*哲的身份证" and masked.applicant("张三明") == "张*明"
    assert masked.facts(declared) == {"legal_rep_name": "邹*哲", "legal_rep_id": "362321********3830"}
    full = CaseMasker(declared=declared, applicant_name="张三明", masked=False)
    assert full.text("邹军哲的身份证") == "邹军哲的身份证" and full.facts(declared) == declared
