"""The window's tables (one import path, ``window.models``): a case and its runs (``cases``), its clock
(``clock``), the samples and the 电子证照 library (``library``)."""

from __future__ import annotations

from window.models.cases import (
    AuditEvent,
    Case,
    CaseFile,
    CaseStatus,
    Channel,
    ClerkDecision,
    Counter,
    IssuedNotice,
    Run,
    RunStatus,
    Settlement,
)
from window.models.clock import CaseClock, ClockPause, HolidayDay, Notification, Supplement
from window.models.library import Licence, LicenceFetch, MaterialSample

__all__ = [
    "AuditEvent",
    "Case",
    "CaseClock",
    "CaseFile",
    "CaseStatus",
    "Channel",
    "ClerkDecision",
    "ClockPause",
    "Counter",
    "HolidayDay",
    "IssuedNotice",
    "Licence",
    "LicenceFetch",
    "MaterialSample",
    "Notification",
    "Run",
    "RunStatus",
    "Settlement",
    "Supplement",
]
