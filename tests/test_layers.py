"""The package's layers stay honest: every import in moderation/ points down.

    errors  <  markup  <  engine  <  moderation (the public API)  <  batch | service  <  cli | compat

A module may import its own subpackage and any lower layer; batch and service are two faces side
by side and never import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import moderation

PACKAGE = Path(moderation.__file__).resolve().parent
RANK = {"errors": 0, "markup": 1, "engine": 2, "": 3, "batch": 4, "service": 4, "cli": 5, "compat": 5}


def layer(module: str) -> str:
    """The layer of a dotted name inside the package: `moderation.engine.matcher` -> `engine`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else ""


def imported(source: str, module: str) -> list[str]:
    """Every module of the package that `source` (the text of `module`) imports, lazily or not."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                base = ".".join([*module.split(".")[: -node.level], *filter(None, [base])])
            names += [f"{base}.{a.name}" for a in node.names]
    return [n for n in names if n == "moderation" or n.startswith("moderation.")]


def upward(source: str, module: str) -> list[str]:
    """The imports of `module` that point up or sideways."""
    own = layer(module)
    return [n for n in imported(source, module)
            if layer(n) != own and RANK[layer(n)] >= RANK[own]]


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(["moderation", *parts]), path))
    return found


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_imports_point_down(module: str, path: Path) -> None:
    assert upward(path.read_text(encoding="utf-8"), module) == []


def test_every_layer_is_walked() -> None:
    assert {layer(m) for m, _ in modules()} == set(RANK)


@pytest.mark.parametrize(("module", "source", "bad"), [
    ("moderation.engine.matcher", "from moderation.service import metrics", ["moderation.service.metrics"]),
    ("moderation.engine.matcher", "def f():\n    import moderation.batch.runner", ["moderation.batch.runner"]),
    ("moderation.engine.matcher", "from moderation import Moderator", ["moderation.Moderator"]),
    ("moderation.markup.html", "from ..engine import normalize", ["moderation.engine.normalize"]),
    ("moderation.batch.runner", "from moderation.service.app import create_app", ["moderation.service.app.create_app"]),
    ("moderation.service.app", "from moderation import cli", ["moderation.cli"]),
    ("moderation.service.app", "from moderation.engine.moderator import Moderator", []),
    ("moderation.engine.moderator", "from . import matcher\nfrom moderation.markup import extract", []),
    ("moderation.cli", "from moderation.batch.runner import run\nfrom moderation import Moderator", []),
])
def test_an_upward_import_is_caught(module: str, source: str, bad: list[str]) -> None:
    assert upward(source, module) == bad
