"""What pyproject.toml declares, what the lock files pin, and what the code imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
APPS = ("lms", "courses", "certificates")
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", re.MULTILINE)


def declared(extra: str | None = None) -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"]
    if extra:
        lines = lines + project["optional-dependencies"][extra]
    requirements = (Requirement(line) for line in lines)
    return {canonicalize_name(r.name): r for r in requirements}


def pinned(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def imported_top_level_modules() -> set[str]:
    modules = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    modules.add(node.module.split(".")[0])
    return modules - set(APPS) - set(sys.stdlib_module_names)


def test_every_package_the_code_imports_is_declared():
    """A package reached only through another's dependencies can vanish."""
    owners = packages_distributions()
    direct = declared()
    undeclared = {
        module: owners[module]
        for module in imported_top_level_modules()
        if not any(canonicalize_name(d) in direct for d in owners[module])
    }
    assert undeclared == {}


def test_the_lock_files_pin_versions_inside_the_declared_ranges():
    for lock, extra in (("main.txt", None), ("test.txt", "test")):
        pins = pinned(lock)
        for name, requirement in declared(extra).items():
            assert name in pins, f"{name} is not in requirements/{lock}"
            assert requirement.specifier.contains(pins[name], prereleases=True), (
                f"requirements/{lock} pins {name}=={pins[name]}, "
                f"outside {requirement.specifier}"
            )


def test_the_demo_installs_the_versions_the_tests_ran_with():
    main, test = pinned("main.txt"), pinned("test.txt")
    assert {name: test[name] for name in main} == main


def test_every_pin_carries_its_hash():
    for lock in ("main.txt", "test.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        unhashed = [b.split()[0] for b in blocks if "--hash=sha256:" not in b]
        assert unhashed == [], f"requirements/{lock}"
