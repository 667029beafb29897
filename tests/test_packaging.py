"""Packaging: a licence stated as SPDX with its text shipped, type information shipped, runtime dependencies
exactly what the code imports (tools and test libraries in `dev`), DuckDB held to one major version, and a
lock file that pins every declared dependency at a version the declaration allows."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
IMPORT_NAMES = {"docx": "python-docx", "yaml": "pyyaml", "python_calamine": "python-calamine",
                "vl_convert": "vl-convert-python", "fontTools": "fonttools", "axes": "django-axes",
                "csp": "django-csp", "argon2": "argon2-cffi"}  # fmt: skip


def _requirements(kind: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    found = project["dependencies"] if kind == "runtime" else project["optional-dependencies"][kind]
    return [Requirement(text) for text in found]


RUN_ELSEWHERE = {"returns/validators_adapter.py"}  # runs inside the DfE validators' own environment


def _third_party_imports(folder: Path) -> set[str]:
    names = set()
    for path in folder.rglob("*.py"):
        if path.relative_to(folder).as_posix() in RUN_ELSEWHERE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("cscperf", "__future__")}


def test_the_licence_is_spdx_and_its_text_is_shipped() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_type_information_is_shipped() -> None:
    assert (ROOT / "src" / "cscperf" / "py.typed").exists()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["cscperf"]


def test_runtime_dependencies_are_exactly_what_the_code_imports() -> None:
    imported = {canonicalize_name(IMPORT_NAMES.get(n, n)) for n in _third_party_imports(ROOT / "src" / "cscperf")}
    declared = {canonicalize_name(r.name) for r in _requirements("runtime")}
    assert imported - declared == set(), "imported but not declared"
    assert declared - imported == set(), "declared but never imported: move it to the dev extra"


def test_duckdb_is_held_to_one_major_version() -> None:
    [duckdb] = [r for r in _requirements("runtime") if r.name == "duckdb"]
    lower = next(s for s in duckdb.specifier if s.operator == ">=")
    upper = next(s for s in duckdb.specifier if s.operator == "<")
    assert int(upper.version.split(".")[0]) == int(lower.version.split(".")[0]) + 1


def test_the_lock_pins_every_declared_dependency_within_its_declaration() -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned: dict[str, list[str]] = {}
    for name, version in re.findall(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", lock, flags=re.M):
        pinned.setdefault(canonicalize_name(name), []).append(version)
    assert "--hash=sha256:" in lock
    for requirement in _requirements("runtime") + _requirements("dev"):
        versions = pinned.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in requirements.lock: run `make lock`"
        assert all(requirement.specifier.contains(v, prereleases=True) for v in versions), (
            f"requirements.lock pins {requirement.name} {versions}, outside {requirement.specifier}: run `make lock`"
        )
