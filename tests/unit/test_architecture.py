"""The layer rule of ARCHITECTURE.md, checked against the code's imports: every import points
down (or stays in its layer), no layer uses a library its row forbids, there are no import
cycles, and importing the package has no side effects. The rule is read from the table in
ARCHITECTURE.md itself, so the document and the check cannot drift apart."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKED_ROOTS = ("flows", "expectations", "dashboards")
DBT_PYTHON_MAY_IMPORT = ("flows.core",)
ROW = re.compile(r"^\| (\d+) \| [^|]+ \| `([\w.]+)` \| [^|]+ \|([^|]*)\|([^|]*)\|$")


@dataclass(frozen=True)
class Layer:
    package: str
    level: int
    may_import: frozenset[str]
    must_not_use: frozenset[str]


def layers() -> dict[str, Layer]:
    """The table under "## Layers" in ARCHITECTURE.md."""
    found = {}
    for line in (REPO / "ARCHITECTURE.md").read_text().splitlines():
        match = ROW.match(line)
        if match:
            level, package, may, must_not = match.groups()
            found[package] = Layer(package, int(level), frozenset(re.findall(r"`([\w.]+)`", may)),
                                   frozenset(re.findall(r"`([\w.]+)`", must_not)))
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    return sorted(path for root in CHECKED_ROOTS for path in (REPO / root).rglob("*.py"))


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the file, at any depth (lazy imports count too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from flows.core import events` imports the module flows.core.events
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def internal_module(name: str) -> str | None:
    """The repository module an import names (the longest prefix that is a file or package)."""
    if name.split(".")[0] not in CHECKED_ROOTS:
        return None
    parts = name.split(".")
    while parts:
        base = REPO.joinpath(*parts)
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return None


def layer_of(module: str, table: dict[str, Layer]) -> Layer | None:
    matches = [package for package in table if module == package or module.startswith(package + ".")]
    return table[max(matches, key=len)] if matches else None


def test_the_layer_table_covers_every_module():
    table = layers()
    assert {"flows.config", "flows.core", "flows.storage", "flows.sources", "flows.pipeline", "flows.cli"} <= set(table)
    unplaced = [module_name(path) for path in source_files()
                if module_name(path) not in ("flows",) and layer_of(module_name(path), table) is None]
    assert unplaced == [], "add these to the layer table of ARCHITECTURE.md"
    for layer in table.values():
        assert layer.may_import <= set(table), f"{layer.package} may import a layer the table does not have"
        above = [other for other in layer.may_import if table[other].level >= layer.level]
        assert above == [], f"{layer.package} (level {layer.level}) may not import upwards or sideways: {above}"


def test_every_import_points_down():
    table = layers()
    violations = []
    for path in source_files():
        module = module_name(path)
        own = layer_of(module, table)
        for line, name in imports_of(path):
            target = internal_module(name)
            where = f"{path.relative_to(REPO)}:{line} imports {name}"
            if own is None:  # the root package flows/__init__.py imports nothing
                violations.append(where)
            elif target is not None:
                theirs = layer_of(target, table)
                if theirs is None or (theirs.package != own.package and theirs.package not in own.may_import):
                    violations.append(f"{where} ({own.package} may not import {theirs.package if theirs else target})")
            elif name.split(".")[0] in own.must_not_use:
                violations.append(f"{where} ({own.package} must not use {name.split('.')[0]})")
    assert violations == []


def test_dbt_python_models_import_only_the_pure_core():
    for path in sorted((REPO / "dbt" / "models").rglob("*.py")):
        for line, name in imports_of(path):
            target = internal_module(name)
            assert target is None or target.startswith(DBT_PYTHON_MAY_IMPORT), f"{path}:{line} imports {name}"


def test_there_are_no_import_cycles():
    graph: dict[str, set[str]] = {}
    for path in source_files():
        targets = {internal_module(name) for _, name in imports_of(path)}
        graph[module_name(path)] = {t for t in targets if t and t != module_name(path)}
    # Tarjan's strongly connected components: any with more than one module is a cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert cycles == []


IMPORT_PROBE = """
import importlib, json, os, pkgutil, sys
before = dict(os.environ)
import flows, flows.config
for info in pkgutil.walk_packages(__import__("flows.core").core.__path__, "flows.core."):
    importlib.import_module(info.name)
heavy = sorted(m for m in ("prefect", "duckdb", "great_expectations", "dbt") if m in sys.modules)
for info in pkgutil.walk_packages(flows.__path__, "flows."):
    importlib.import_module(info.name)
changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))
print(json.dumps({"heavy_in_core": heavy, "environment_changed": changed}))
"""


def test_importing_flows_has_no_side_effects(tmp_path):
    home = tmp_path / "not-created"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("IAOW_", "PREFECT_", "GX_", "DBT_"))}
    environment.pop("DO_NOT_TRACK", None)
    probe = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, cwd=REPO,
                           env={**environment, "IAOW_HOME": str(home), "HOME": str(tmp_path)}, timeout=120)
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert result["heavy_in_core"] == []  # the pure core imports no Prefect, DuckDB, GX or dbt
    assert [k for k in result["environment_changed"] if k.startswith(("IAOW_", "PREFECT_", "GX_", "DBT_", "DO_NOT"))] == []
    assert not home.exists()  # nothing was created in the data directory
