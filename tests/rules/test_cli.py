import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


def test_validate_reports_all_files_ok() -> None:
    result = runner.invoke(app, ["rules", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok") >= 7


def test_validate_fails_on_a_bad_file(tmp_path: Path) -> None:
    corpus = Path(__file__).resolve().parents[2] / "corpus" / "rules"
    for name in ("facts.yaml", "common.yaml"):
        (tmp_path / name).write_text((corpus / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "JT-001.yaml").write_text("code: [", encoding="utf-8")
    result = runner.invoke(app, ["rules", "validate", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "JT-001.yaml" in result.output and "Traceback" not in result.output


def test_rules_test_runs_one_item() -> None:
    result = runner.invoke(app, ["rules", "test", "JT-001"])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output


def test_show_checklist_for_declared_facts(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps(
            {
                "applicant_type": "enterprise",
                "by_agent": False,
                "existing_vehicle_count": 0,
                "planned_vehicle_count": 2,
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "show", "JT-001", "--facts", str(facts), "--json"])
    assert result.exit_code == 0, result.output
    due = {e["material"]: e["due"] for e in json.loads(result.output)["entries"]}
    assert due["M4"] == "no" and due["M6"] == "no" and due["M7"] == "yes" and due["M2"] == "yes"


def test_show_unknown_item_is_a_clear_error() -> None:
    result = runner.invoke(app, ["rules", "show", "XX-999"])
    assert result.exit_code == 1
    assert "XX-999" in result.output
