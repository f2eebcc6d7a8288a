"""What an evaluation takes in: the declared facts and, per material, what was found in the files.

prereview produces these from uploads; scenario files write them by hand. A material absent from
``materials`` was not submitted.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class FieldState(StrEnum):
    OK = "ok"
    EMPTY = "empty"  # the 栏目 is there and blank
    UNREADABLE = "unreadable"  # something is written but cannot be read


class Evidence(BaseModel):
    """Where a value was read: file, page, the text and its box — so a clerk can see why."""

    model_config = ConfigDict(frozen=True)
    file: str = ""
    page: int | None = None
    text: str = ""
    box: tuple[float, float, float, float] | None = None


class FieldValue(BaseModel):
    model_config = ConfigDict(frozen=True)
    state: FieldState = FieldState.OK
    value: str = ""
    evidence: Evidence | None = None
    # Why the reading may be wrong (plain Chinese, for the clerk), "" when it is sure. A defect found
    # on a doubtful reading is reported as uncertain (请核对), not as a finding.
    doubt: str = ""
    # A doubtful reading that nonetheless surely differs from every declared value (a number read short
    # whose characters read are no declared number with characters lost): a mismatch with the declared
    # facts judged on it is a finding; its other defects stay uncertain.
    unlike_declared: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, date):  # YAML reads 2026-01-01 as a date
            data = data.isoformat()
        if isinstance(data, str | int | float):
            text = str(data)
            return {"value": text, "state": FieldState.OK if text.strip() else FieldState.EMPTY}
        return data


class MaterialSet(BaseModel):
    """One set of a material: one person's ID card, one vehicle's papers, the one application form."""

    model_config = ConfigDict(frozen=True)
    label: str = ""  # which person or vehicle, as read (for messages)
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    parts: tuple[str, ...] | None = None  # faces/pages/sections found; None = not assessed
    sealed: bool | None = None  # a seal is on it; None = not assessed
    signed: bool | None = None  # a handwritten or electronic signature is on it; None = not assessed
    evidence: tuple[Evidence, ...] = ()
    # Doubts about what the eye judged, keyed "sealed", "signed" or a part's name ("parts" for any part):
    # a NOT_SEALED / NOT_SIGNED / PAGES_MISSING judged on them is uncertain, not a finding.
    doubts: dict[str, str] = Field(default_factory=dict)


class MaterialStatus(StrEnum):
    PRESENT = "present"
    UNREADABLE = "unreadable"  # the whole file cannot be read
    WRONG = "wrong"  # its slot holds another kind of document


class MaterialEvidence(BaseModel):
    model_config = ConfigDict(frozen=True)
    status: MaterialStatus = MaterialStatus.PRESENT
    sets: tuple[MaterialSet, ...] = ()
    files: tuple[str, ...] = ()
    note: str = ""  # e.g. what the wrong document was recognised as
    doubt: str = ""  # why an UNREADABLE or WRONG status may be wrong; "" when it is sure
    # Why the number of sets (the people or vehicles a list names, count(Mn)) may be wrong: a condition
    # failed on it is uncertain (请核对), never a 不予受理 on its own.
    count_doubt: str = ""
    # Why the people a list names may not have been told apart (more ID numbers than people): a person's
    # name or number read off it may be several entries run together, so it is compared only in doubt.
    # An unrecognised page that resembles the material makes the count doubtful, not the readings.
    apart_doubt: str = ""

    @model_validator(mode="before")
    @classmethod
    def _single_set(cls, data: Any) -> Any:
        # Scenario files may write a one-set material flat: {fields: …, sealed: true}.
        if (
            isinstance(data, dict)
            and "sets" not in data
            and {"fields", "parts", "sealed", "signed"} & data.keys()
        ):
            own = {k: data[k] for k in ("status", "files", "note") if k in data}
            one = {k: v for k, v in data.items() if k not in own}
            return {**own, "sets": [one]}
        return data


class CaseFacts(BaseModel):
    model_config = ConfigDict(frozen=True)
    case_id: str = ""
    item: str
    review_date: date
    declared: dict[str, Any] = Field(default_factory=dict)
    materials: dict[str, MaterialEvidence] = Field(default_factory=dict)
    # Materials not found whose absence is not sure (a page that may be one of them): a MISSING on them
    # is uncertain. Material ID -> why, in plain Chinese.
    absence_doubts: dict[str, str] = Field(default_factory=dict)
