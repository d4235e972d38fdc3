"""The layering contract ([tool.importlinter] in pyproject.toml) holds.

courses imports neither lms nor certificates, lms never imports certificates
(the root URLconf assembles both), lms's concern folders import only the
folders below them and never the project layer, and no two modules of one
package import each other in a circle. A new upward import or circle fails
here, instead of hiding behind a local import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from importlinter.cli import lint_imports

PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"
SUCCESS = 0
ROOT_PACKAGES = ["lms", "courses", "certificates"]


def test_the_layering_contracts_hold(monkeypatch):
    monkeypatch.chdir(settings.BASE_DIR)
    assert lint_imports(str(PYPROJECT), no_cache=True, no_logo=True) == SUCCESS


@pytest.mark.parametrize(
    ("module", "source", "reported"),
    [
        (
            "lms/upward.py",
            "from certificates.models import Certificate",
            "lms.upward -> certificates.models",
        ),
        (
            "lms/lib/upward.py",
            "from lms.cohorts.models import Cohort",
            "lms.lib.upward -> lms.cohorts.models",
        ),
        (
            "lms/staff/upward.py",
            "from lms.models import Cohort",
            "lms.staff.upward -> lms.models",
        ),
    ],
    ids=["lms-imports-certificates", "lib-imports-cohorts", "staff-imports-lms.models"],
)
def test_an_upward_import_breaks_them(tmp_path, module, source, reported):
    """An import against the layers fails the contract, naming the import.

    Checked on a copy of the three packages, to which one such module is
    added: first the copy passes as the tree does, then it fails with it.
    """
    for package in ROOT_PACKAGES:
        shutil.copytree(
            Path(settings.BASE_DIR) / package, tmp_path / package, ignore=_not_python
        )
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    assert _lint_imports_in(tmp_path).returncode == SUCCESS
    (tmp_path / module).write_text(f"{source}  # noqa: F401\n", encoding="utf-8")
    broken = _lint_imports_in(tmp_path)
    assert broken.returncode != SUCCESS
    assert reported in broken.stdout


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
