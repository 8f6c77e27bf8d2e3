"""Every package the code imports is declared in pyproject.toml; optional ones fail with the install line."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from graph.concepts import evaluation
from graph.errors import ConfigError

tomllib = pytest.importorskip("tomllib", reason="reads pyproject.toml with tomllib (Python 3.11+)")
ROOT = Path(__file__).resolve().parent.parent
OWN = {"graph", "loaders"}


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement line (``"PyYAML>=6,<7"`` -> ``"pyyaml"``)."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group()).lower()  # type: ignore[union-attr]


def _declared() -> tuple[set[str], set[str]]:
    """Distribution names of the core dependencies, and of every optional extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = {_name(r) for reqs in project["optional-dependencies"].values() for r in reqs}
    return {_name(r) for r in project["dependencies"]}, extras


def _imports() -> dict[str, set[str]]:
    """Third-party top-level module -> 'module' (imported when a file is imported) and/or 'lazy' (in a function)."""
    found: dict[str, set[str]] = {}
    for path in [*ROOT.glob("graph/**/*.py"), *ROOT.glob("loaders/**/*.py")]:
        tree = ast.parse(path.read_text(), str(path))
        lazy = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for n in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in {name.split(".")[0] for name in names} - OWN - set(sys.stdlib_module_names):
                found.setdefault(top, set()).add("lazy" if id(node) in lazy else "module")
    return found


def test_every_imported_package_is_declared() -> None:
    core, extras = _declared()
    owners = packages_distributions()
    undeclared, optional_at_import = [], []
    for module, where in sorted(_imports().items()):
        dists = {_name(d) for d in owners.get(module, [module])}
        if not dists & (core | extras):
            undeclared.append(module)
        elif "module" in where and not dists & core:
            optional_at_import.append(module)
    assert undeclared == [], "imported but not declared in pyproject.toml"
    assert optional_at_import == [], "an optional package imported when the module loads (import it where used)"


def test_keyphrase_scoring_without_nltk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nltk", None)
    monkeypatch.setitem(sys.modules, "nltk.stem", None)
    evaluation._stemmer.cache_clear()
    evaluation._stem.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"pip install 'paperkg\[evaluation\]'"):
            evaluation.normalize_phrase("neural networks")
    finally:
        evaluation._stemmer.cache_clear()
        evaluation._stem.cache_clear()
