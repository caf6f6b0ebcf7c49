"""The layout's one-way rule, read off the import statements (no module is imported here).

Data flows format → engine → metrics → experiments → command line (CONTRIBUTING.md): a layer
imports only the layers before it, and only the command line, the application layer, may import
``carecap.analysis``. Imports inside functions or under ``if TYPE_CHECKING:`` are not checked:
they do not make a package depend on another at import time.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"

# What each part of carecap.sim may import at module level (besides itself and third parties).
ALLOWED = {
    "units": set(),
    "errors": set(),
    "scenario": {"units", "errors", "services"},
    "services": {"units", "errors", "scenario"},
    "engine": {"units", "errors", "scenario", "services"},
    "metrics": {"units", "errors", "scenario", "services", "engine"},
    "validation": {"units", "errors", "scenario", "services"},
    "experiments": {"units", "errors", "scenario", "services", "engine", "metrics", "validation"},
    "cli": {"*"},
}


def _part(path: Path) -> str:
    rel = path.relative_to(SIM)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _module_level_imports(path: Path) -> list[str]:
    """Modules imported at module level, outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                names.extend(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.append(node.module)
            elif isinstance(node, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)

    visit(tree.body)
    return names


SIM_FILES = sorted(p for p in SIM.rglob("*.py") if p.name != "__init__.py" or p.parent != SIM)


@pytest.mark.parametrize("path", SIM_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path: Path) -> None:
    part = _part(path)
    allowed = ALLOWED[part]
    wrong = []
    for name in _module_level_imports(path):
        if name.startswith("carecap.analysis") and "*" not in allowed:
            wrong.append(f"{name} (only sim/cli may import carecap.analysis)")
        elif name.startswith("carecap.sim."):
            target = name.split(".")[2]
            if target != part and "*" not in allowed and target not in allowed:
                wrong.append(f"{name} ({part} may import {sorted(allowed) or 'nothing'})")
        elif name in {"sim", "analysis"} or name.split(".")[0] in {"sim", "analysis"}:
            wrong.append(f"{name} (import carecap.sim / carecap.analysis, not the folder names)")
    assert not wrong, f"{path.relative_to(ROOT)} imports " + "; ".join(wrong)


def test_every_part_has_a_rule() -> None:
    parts = {_part(p) for p in SIM_FILES}
    assert parts <= set(ALLOWED), f"no layer rule for {sorted(parts - set(ALLOWED))}"


def test_installed_packages_match_the_folders() -> None:
    """Every folder with an ``__init__.py`` is listed in pyproject.toml (else a wheel lacks it)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set()
    for top, name in (("sim", "carecap.sim"), ("analysis", "carecap.analysis")):
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top)
            found.add(".".join([name, *rel.parts]))
    assert listed == found


def test_packages_say_what_lives_there() -> None:
    for init in SIM.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init.relative_to(ROOT)} has no docstring"
