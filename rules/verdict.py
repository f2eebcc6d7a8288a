"""Findings and the verdict logic of README §5."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from rules.calendar import add_working_days
from rules.casefacts import Evidence
from rules.codes import CODE_LABELS, VERDICT_LABELS, Code, Verdict


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: Code
    material: str | None = None
    condition: str | None = None
    field: str = ""  # the field, part or fact it is about
    set_index: int | None = None  # which person/vehicle when a material has several sets
    set_label: str = ""
    message: str = ""  # for the applicant and the notice, in Chinese
    rule: str = ""  # where in the rule file, e.g. "materials[M3].checks[4]"
    tolerable: bool = False  # on a 容缺 material
    evidence: tuple[Evidence, ...] = ()
    doubt: str = ""  # why the evidence may be wrong (plain Chinese); set only on uncertain points
    # An uncertain point's other defects of the same doubtful reading (a number read short fails its
    # checksum and differs from the declared one): one point for the clerk, confirmed or dismissed as one.
    joined: tuple[Finding, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.material or self.condition or "", self.code.value)

    @property
    def label(self) -> str:
        return CODE_LABELS[self.code]

    def confirmed(self) -> list[Finding]:
        """The findings this uncertain point stands for once the clerk confirms it."""
        return [f.model_copy(update={"doubt": "", "joined": ()}) for f in (self, *self.joined)]


class Decision(BaseModel):
    """The pre-review's suggestion for one case, reproducible from ``item`` + ``rule_hash``."""

    case_id: str = ""
    item: str
    rule_hash: str
    review_date: date
    verdict: Verdict
    findings: list[Finding] = Field(default_factory=list)
    # Defects the files do not settle (a doubtful reading, a faint mark, a material whose presence is
    # not sure): not findings, and the verdict ignores them until the clerk confirms one.
    uncertain: list[Finding] = Field(default_factory=list)
    tolerance_deadline: date | None = None
    tolerance_days: int | None = None
    due_materials: list[str] = Field(default_factory=list)
    tolerance: dict[str, int] = Field(default_factory=dict)  # due 容缺 materials -> working days allowed

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def settled(self, confirmed: set[tuple[str, str]]) -> Decision:
        """The decision once the clerk has settled the uncertain points: those whose (material-or-
        condition, code) key is in ``confirmed`` become findings, the others are dismissed; the verdict
        and the 容缺 deadline are made again from the findings (README §5)."""
        findings = [
            *self.findings,
            *(g for f in self.uncertain if f.key in confirmed for g in f.confirmed()),
        ]
        verdict, deadline, days = decide(findings, tolerance=self.tolerance, review=self.review_date)
        return self.model_copy(
            update={
                "findings": findings,
                "uncertain": [],
                "verdict": verdict,
                "tolerance_deadline": deadline,
                "tolerance_days": days,
            }
        )

    def pairs(self) -> list[dict[str, str]]:
        """The scored form: one (material-or-condition, code) pair each."""
        return _pairs(self.findings)

    def uncertain_pairs(self) -> list[dict[str, str]]:
        return _pairs(self.uncertain)


def _pairs(findings: list[Finding]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for f in findings:
        if f.key in seen:
            continue
        seen.add(f.key)
        out.append({"condition" if f.condition else "material": f.key[0], "code": f.code.value})
    return out


def split_uncertain(findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(findings, uncertain points): a defect is a finding when some evidence for its (material, code)
    pair is sure, else uncertain — a pair is never both (../shared/cases/README.md)."""
    sure = [f for f in findings if not f.doubt]
    keys = {f.key for f in sure}
    return sure, one_per_reading([f for f in findings if f.doubt and f.key not in keys])


def one_per_reading(points: list[Finding]) -> list[Finding]:
    """One uncertain point per doubtful field reading, whatever checks it fails: the later defects of
    the reading (same material, set, field and doubt) are joined to its first point, with their evidence."""
    out: list[Finding] = []
    first: dict[tuple[str, int, str, str], int] = {}
    for f in points:
        if not (f.material and f.field and f.set_index is not None):
            out.append(f)
            continue
        reading = (f.material, f.set_index, f.field, f.doubt)
        k = first.get(reading)
        head = out[k] if k is not None else None
        if head is None or f.key in {head.key, *(j.key for j in head.joined)}:
            first.setdefault(reading, len(out))
            out.append(f)
            continue
        assert k is not None
        evidence = tuple(dict.fromkeys((*head.evidence, *f.evidence)))
        out[k] = head.model_copy(update={"joined": (*head.joined, f), "evidence": evidence})
    return out


def decide(
    findings: list[Finding], *, tolerance: dict[str, int], review: date
) -> tuple[Verdict, date | None, int | None]:
    """README §5: REJECT on any NOT_ELIGIBLE; CORRECTION on any other defect except a 容缺
    material's MISSING; TOLERANCE when only 容缺 materials are missing; else ACCEPT."""
    if any(f.code is Code.NOT_ELIGIBLE for f in findings):
        return Verdict.REJECT, None, None
    missing_tolerable: set[str] = set()
    for f in findings:
        if f.material is not None and f.material in tolerance and f.code is Code.MISSING:
            missing_tolerable.add(f.material)
        else:
            return Verdict.CORRECTION, None, None
    if missing_tolerable:
        days = max(tolerance[m] for m in missing_tolerable)
        return Verdict.TOLERANCE, add_working_days(review, days), days
    return Verdict.ACCEPT, None, None
