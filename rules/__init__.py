"""Acceptance standards as versioned declarative data, compiled to durable-rules and judged.

Public modules (what other packages import; tests/test_packages.py holds them to it): the rule files' schema
(``spec``, ``expr``, ``codes``), the facts a case brings (``casefacts``) and the verdict (``verdict``,
``wording``), the rule books and evaluators (``book``, ``loader``, ``evaluate``, ``live``), the versions
table and its service (``models``, ``service``, ``publishing``, ``scenario_runs``), the staff's form over a
rule file and its problems in words (``form``, ``places``, ``problem_text``), the applicant's checklist and
questions (``checklist``, ``questions``), service-guide sections (``guide``), names and numbers
(``identity``) and what a name or number check compares them with (``targets``), dates and periods as
written (``dates``, the one date reader), working days (``calendar``),
a draft's impact on stored cases (``impact``) and the facts a run keeps as the engine took them
(``stored``), the errors (``errors``) and the command line (``cli``).
"""

__all__ = [
    "book",
    "calendar",
    "casefacts",
    "checklist",
    "cli",
    "codes",
    "dates",
    "errors",
    "evaluate",
    "expr",
    "form",
    "guide",
    "identity",
    "impact",
    "live",
    "loader",
    "models",
    "places",
    "problem_text",
    "publishing",
    "questions",
    "scenario_runs",
    "service",
    "spec",
    "stored",
    "targets",
    "verdict",
    "wording",
]
