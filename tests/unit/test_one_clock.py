"""Time is an argument: only services/common/clock.py reads the machine's clock, and every service that
takes `now` requires it (a default would quietly read a clock of its own)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_CODE = ["app.py", "config.py", "worker.py", "services", "data", "callbacks", "components", "pages", "web"]
# The clock itself, and migrations: a data migration runs once, at deploy time, on the machine's clock.
ALLOWED = {ROOT / "services" / "common" / "clock.py"}
READS_THE_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
                   ("time", "time"), ("time", "time_ns")}


def _files():
    for name in APP_CODE:
        path = ROOT / name
        for file in ([path] if path.is_file() else sorted(path.rglob("*.py"))):
            if file not in ALLOWED and "migrations" not in file.parts:
                yield file


def test_only_the_clock_reads_the_machines_time():
    found = []
    for file in _files():
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) \
                    and (node.func.value.id, node.func.attr) in READS_THE_CLOCK:
                found.append(f"{file.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_no_service_defaults_its_now():
    defaulted = []
    for file in sorted((ROOT / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                positional = args.posonlyargs + args.args
                with_defaults = positional[len(positional) - len(args.defaults):]
                with_defaults += [a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
                if any(a.arg == "now" for a in with_defaults):
                    defaulted.append(f"{file.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert defaulted == []
