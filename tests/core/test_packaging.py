"""The wheel a hall installs: built from this checkout, installed into a fresh venv, run from elsewhere.

Its dependencies come from the test venv through a .pth file (no download); the wheel's own code and
its corpus data (<prefix>/share/yichuang/corpus) must be what the installed command finds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

_NOT_SOURCE = (
    ".git",
    ".venv",
    "build",
    "var",
    "*.egg-info",
    "*cache*",
    ".hypothesis",
    "test-artifacts",
    "out",
)


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    # a copy of the sources: setuptools writes build/ and *.egg-info next to what it builds
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=shutil.ignore_patterns(*_NOT_SOURCE))
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        source,
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        root / "dist",
        cwd=root,
    )
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    wheel = next((root / "dist").glob("yichuang-*.whl"))
    _run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=root)
    purelib = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root
    ).strip()
    Path(purelib, "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env_dir


def test_the_wheel_carries_every_corpus_file(installed: Path) -> None:
    shipped = {
        p.relative_to(PROJECT_ROOT / "corpus") for p in (PROJECT_ROOT / "corpus").rglob("*") if p.is_file()
    }
    data = installed / "share" / "yichuang" / "corpus"
    assert shipped and {p.relative_to(data) for p in data.rglob("*") if p.is_file()} == shipped


def test_the_installed_command_finds_its_code_and_corpus(installed: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YICHUANG_")}
    where = _run(
        installed / "bin" / "python",
        "-c",
        "import core.config as c; s = c.Settings(); print(c.__file__); print(s.corpus_dir); "
        "print(s.data_dir)",
        cwd=tmp_path,
        env=env,
    ).splitlines()
    assert Path(where[0]).is_relative_to(installed)  # the wheel's code, not this checkout's
    assert Path(where[1]) == installed / "share" / "yichuang" / "corpus"
    assert Path(where[2]) == tmp_path / "var"
    out = _run(installed / "bin" / "yichuang", "rules", "validate", cwd=tmp_path, env=env)
    assert "YJS-001" in out and "SL-001" in out
