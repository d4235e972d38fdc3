"""The layering contract ([tool.importlinter] in pyproject.toml) holds.

courses imports neither lms nor certificates, lms never imports certificates
(the root URLconf assembles both), and no two modules of one package import
each other in a circle. The exceptions listed there are debts, each named; a new
upward import or circle fails here, instead of hiding behind a local import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from importlinter.cli import lint_imports

PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"
SUCCESS = 0
ROOT_PACKAGES = ["lms", "courses", "certificates"]


def test_the_layering_contracts_hold(monkeypatch):
    monkeypatch.chdir(settings.BASE_DIR)
    assert lint_imports(str(PYPROJECT), no_cache=True, no_logo=True) == SUCCESS


def test_an_upward_import_not_listed_as_a_debt_breaks_them(tmp_path):
    """An lms module that imports certificates fails the contract.

    Checked on a copy of the three packages, to which one such module is
    added: first the copy passes as the tree does, then it fails with it.
    """
    for package in ROOT_PACKAGES:
        shutil.copytree(
            Path(settings.BASE_DIR) / package, tmp_path / package, ignore=_not_python
        )
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    assert _lint_imports_in(tmp_path).returncode == SUCCESS
    (tmp_path / "lms" / "upward.py").write_text(
        "from certificates.models import Certificate  # noqa: F401\n",
        encoding="utf-8",
    )
    broken = _lint_imports_in(tmp_path)
    assert broken.returncode != SUCCESS
    assert "lms.upward -> certificates.models" in broken.stdout


def _not_python(folder: str, names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if name == "__pycache__"
        or (not name.endswith(".py") and not Path(folder, name).is_dir())
    ]


def _lint_imports_in(folder: Path) -> subprocess.CompletedProcess:
    """Run import-linter in a fresh interpreter, where `folder`'s packages win.

    This process has imported the real lms and certificates already, and
    import-linter finds a package by importing it: a new one must look.
    """
    check = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports('pyproject.toml', no_cache=True, no_logo=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", check],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(folder)},
        timeout=120,
    )
