"""Errors of the rules package, all members of core's family (`core.errors`; the API maps them by status).

    AppError
    ├── NotFound
    │   ├── UnknownItem             no such item (事项) among the rules in effect
    │   ├── RuleVersionNotFound
    │   └── NothingPublished        no version of the item in effect on the asked date
    ├── Forbidden
    │   └── NotYourDepartment       staff change only their own department's rule files
    ├── Conflict
    │   ├── ScenarioFailed          a version whose scenarios do not pass is not published
    │   └── RuleVersionState        editing a published version, publishing twice
    └── BadInput
        ├── RuleFileError           a rule file that cannot be used: file, place, problem
        └── FactError               declared facts that cannot be evaluated

`rules.expr.ExprError` (a ValueError) is raised while a rule file is validated and reaches the user as
one of its RuleFileError problems.
"""

from __future__ import annotations

from core.errors import BadInput, Conflict, Forbidden, NotFound


class RuleFileError(BadInput):
    """A rule file that cannot be used: names the file, the place inside it and what is wrong."""

    code = "rule_file_invalid"

    def __init__(
        self, file: str, problems: list[tuple[str, str]], *, located: list[dict[str, object]] | None = None
    ) -> None:
        """``located``: the problems named and placed for the staff pages (``rules.problem_text``),
        when the text is at hand; else ``detail`` lists them as (where, problem)."""
        self.file = file
        self.problems = problems
        said = (
            [str(p["message"]) for p in located]
            if located
            else [f"{w or '整个文件'}：{p}" for w, p in problems]
        )
        super().__init__(
            f"{file} 有 {len(problems)} 个问题：" + "；".join(said[:20]),
            detail=located or [{"where": w, "problem": p} for w, p in problems],
        )


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
