"""Errors of the rules package."""

from __future__ import annotations

from core.errors import BadInput, Conflict, Forbidden, NotFound


class RuleFileError(BadInput):
    """A rule file that cannot be used: names the file, the place inside it and what is wrong."""

    code = "rule_file_invalid"

    def __init__(self, file: str, problems: list[tuple[str, str]]) -> None:
        self.file = file
        self.problems = problems
        lines = "; ".join(f"{where or '(file)'}: {what}" for where, what in problems[:20])
        super().__init__(f"{file}: {lines}", detail=[{"where": w, "problem": p} for w, p in problems])


class UnknownItem(NotFound):
    code = "unknown_item"


class FactError(BadInput):
    """Declared facts that cannot be evaluated (wrong type for a known fact, unknown names)."""

    code = "fact_invalid"


class ScenarioFailed(Conflict):
    code = "scenario_failed"


class RuleVersionNotFound(NotFound):
    code = "rule_version_not_found"


class RuleVersionState(Conflict):
    """An operation the version's status does not allow (editing a published version, publishing twice)."""

    code = "rule_version_state"


class NothingPublished(NotFound):
    """No published version of the item is in effect on the asked date."""

    code = "nothing_published"


class NotYourDepartment(Forbidden):
    """Department staff may change only their own department's rule files."""

    code = "not_your_department"
