"""Masking of personal data (core.privacy) for readers who may not see identity, and in every log record.

Clerks and the applicant see a case as it is; consultation desk, department staff and administrators
see identity numbers, phone numbers and natural persons' names masked (``case_masker``); the audit log
and the knowledge base's unanswered questions are masked when they are written.
"""

from __future__ import annotations

import logging
from typing import Any

from core.privacy import is_person_name, mask_facts, mask_name, mask_text, mask_value, person_names

__all__ = ["CaseMasker", "MaskingFilter", "install_log_masking", "mask_facts", "mask_text", "mask_value"]


class CaseMasker:
    """Masks what one case says (its declared persons' names known) — or, for a reader who may see
    identity, lets it through unchanged."""

    def __init__(self, *, declared: dict[str, Any], applicant_name: str = "", masked: bool = True) -> None:
        self.masked = masked
        names = person_names(declared)
        if is_person_name(applicant_name):
            names.add(applicant_name.strip())
        self.names: tuple[str, ...] = tuple(names)

    def text(self, value: str) -> str:
        return mask_text(value, names=self.names) if self.masked else value

    def value(self, key: str, value: Any) -> Any:
        return mask_value(key, value, names=self.names) if self.masked else value

    def facts(self, declared: dict[str, Any]) -> dict[str, Any]:
        return mask_facts(declared) if self.masked else dict(declared)

    def applicant(self, name: str) -> str:
        return mask_name(name) if self.masked and is_person_name(name) else self.text(name)


class MaskingFilter(logging.Filter):
    """Rewrites every record's message with identity and phone numbers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_factory_installed = False


def install_log_masking() -> None:
    """Mask every log record of the process as it is made (whatever logger, handler or library), and
    keep the filter on the service's own loggers and handlers too."""
    global _factory_installed
    if not _factory_installed:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            MaskingFilter().filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True
    flt = MaskingFilter()
    for name in ("", "yichuang", "uvicorn", "uvicorn.access", "uvicorn.error", "procrastinate"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskingFilter) for f in logger.filters):
            logger.addFilter(flt)
        for handler in logger.handlers:
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(flt)
