"""The layering contract ([tool.importlinter] in pyproject.toml) holds.

courses imports neither lms nor certificates, lms never imports certificates
(the root URLconf assembles both), and no two modules of one package import
each other in a circle. The exceptions listed there are debts, each named; a new
upward import or circle fails here, instead of hiding behind a local import.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from importlinter.cli import lint_imports

PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"
SUCCESS = 0


def test_the_layering_contracts_hold(monkeypatch):
    monkeypatch.chdir(settings.BASE_DIR)
    assert lint_imports(str(PYPROJECT), no_cache=True, no_logo=True) == SUCCESS


def test_an_upward_import_not_listed_as_a_debt_breaks_them(monkeypatch, tmp_path):
    """Without its line among the debts, lms.views' import of certificates fails."""
    debt = '    "lms.views -> certificates.models",\n'
    text = PYPROJECT.read_text(encoding="utf-8")
    assert text.count(debt) == 1
    copy, changed = tmp_path / "copy.toml", tmp_path / "changed.toml"
    copy.write_text(text, encoding="utf-8")
    changed.write_text(text.replace(debt, ""), encoding="utf-8")
    monkeypatch.chdir(settings.BASE_DIR)
    assert lint_imports(str(copy), no_cache=True, no_logo=True) == SUCCESS
    assert lint_imports(str(changed), no_cache=True, no_logo=True) != SUCCESS
