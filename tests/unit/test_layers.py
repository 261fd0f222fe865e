"""The layout holds (docs/architecture.md): each layer imports only from the layers below it, no module
imports itself back through others, and no Python file grows past about 300 lines."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Highest first. A module may import from its own layer and every layer after it, never before it.
LAYERS = [
    {"app", "worker"},
    {"pages", "callbacks"},
    {"web", "components"},
    {"services"},
    {"data", "config"},
]
PACKAGES = set().union(*LAYERS)
MAX_LINES = 300


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[0] not in PACKAGES or "migrations" in parts:
            continue
        name = ".".join(p for p in parts if p != "__init__")
        found[name] = path
    return found


def _imports(path: Path, name: str) -> set[str]:
    """Every application module this file imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return {m for m in out if m.split(".")[0] in PACKAGES}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {m for m in _imports(path, name) if m in modules and m != name} for name, path in modules.items()}


def _layer(module: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if module.split(".")[0] in layer)


def test_no_layer_imports_from_a_higher_one():
    upward = [f"{m} -> {d}" for m, deps in _graph().items() for d in sorted(deps) if _layer(d) < _layer(m)]
    assert upward == []


def test_services_and_data_never_import_dash():
    dash = [
        str(path.relative_to(ROOT))
        for name, path in _modules().items()
        if name.split(".")[0] in {"services", "data"}
        and any(m == "dash" or m.startswith(("dash.", "dash_")) for m in _all_imports(path))
    ]
    assert dash == []


def _all_imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out


def test_no_import_cycle():
    # A package's __init__ re-exporting its modules is not a cycle of meaning: leave those edges out.
    graph = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in _graph().items()}
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
        cycle = None
    except graphlib.CycleError as found:
        cycle = found.args[1]
    assert cycle is None


def test_no_python_file_over_about_300_lines():
    """Application, tests and benches alike (the virtualenv and caches aside)."""
    files = (p for p in ROOT.rglob("*.py") if not {".venv", ".git", "node_modules"} & set(p.relative_to(ROOT).parts))
    long = {str(p.relative_to(ROOT)): n for p in files if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}
