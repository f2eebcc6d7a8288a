"""公民身份号码 and phone numbers masked in logs and in what roles that do not need them see."""

from __future__ import annotations

import logging
import re
from typing import Any

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_FACTS = ("_id", "id_number")
_PHONE_FACTS = ("phone", "mobile", "tel")


def mask_text(text: str) -> str:
    text = _ID.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_id(value: str) -> str:
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone(value: str) -> str:
    v = value.strip()
    return v[:3] + "****" + v[-4:] if len(v) >= 11 else "*" * len(v)


def mask_value(key: str, value: Any) -> Any:
    """Mask a declared fact by its name (``legal_rep_id``, ``id_number``, ``contact_phone``) and any
    identity or phone number written inside free text."""
    if isinstance(value, dict):
        return {k: mask_value(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(key, v) for v in value]
    if not isinstance(value, str):
        return value
    lowered = key.lower()
    if lowered.endswith(_ID_FACTS) and lowered != "project_id":
        return mask_id(value)
    if any(p in lowered for p in _PHONE_FACTS):
        return mask_phone(value)
    return mask_text(value)


def mask_facts(declared: dict[str, Any]) -> dict[str, Any]:
    return {k: mask_value(k, v) for k, v in declared.items()}


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
