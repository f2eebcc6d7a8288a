"""What one package may import of another: the modules and names in that package's `__all__`.

The packages an OCR worker or the rules engine loads (core, rules, kb, prereview) name their public
modules rather than re-export names: importing such a package loads nothing but itself, so an OCR
worker that needs `prereview.ocr` does not load the rule engine, and no `__init__` closes an import
cycle. `window`, which only the service loads whole, re-exports its public names as well.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "rules", "kb", "prereview", "window", "api")


def _imports_of_others(package: str) -> Iterator[tuple[Path, str, str]]:
    """(file, other package, its module) for every import in `package` of another package's module."""
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                top, _, rest = node.module.partition(".")
                modules = [rest.partition(".")[0]] if rest else [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name.partition(".") for alias in node.names]
                top, modules = (names[0][0], [n[2].partition(".")[0] for n in names]) if names else ("", [])
            else:
                continue
            if top in PACKAGES and top != package:
                yield from ((path, top, module) for module in modules if module)


@pytest.mark.parametrize("package", PACKAGES)
def test_other_packages_import_only_public_modules(package: str) -> None:
    private = [
        f"{path.relative_to(ROOT)}: {other}.{module}"
        for path, other, module in _imports_of_others(package)
        if module not in importlib.import_module(other).__all__
    ]
    assert not private, f"not in the package's __all__: {private}"


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "api"])
def test_public_modules_exist(package: str) -> None:
    imported = importlib.import_module(package)
    for name in imported.__all__:
        module = (ROOT / package / f"{name}.py").is_file() or (ROOT / package / name).is_dir()
        assert module or hasattr(imported, name), name
