"""The notebooks and the README use only the public API (``graph.api``), and every name it lists exists."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from graph import api

ROOT = Path(__file__).resolve().parent.parent
#: An import of paperkg's own packages, at the start of a line of Python.
OWN_IMPORT = re.compile(r"^\s*(?:from|import)\s+(?:graph|loaders)\b.*$", re.MULTILINE)


def _readme_python() -> str:
    return "\n".join(re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL))


def _notebook_code(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize(
    "name", ["README.md", *sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))], ids=lambda name: name
)
def test_examples_import_only_the_api(name: str) -> None:
    code = _readme_python() if name == "README.md" else _notebook_code(ROOT / "notebooks" / name)
    imports = [line.strip() for line in OWN_IMPORT.findall(code)]
    assert imports, f"{name} shows no use of paperkg"
    assert set(imports) == {"from graph import api"}


def test_every_public_name_resolves() -> None:
    missing = [name for name in api.__all__ if not hasattr(api, name)]
    assert missing == []
    assert callable(api.analyze) and callable(api.technique_graph) and "search" in api.PRESETS
    assert api.neo4j_import_command().startswith("neo4j-admin database import full")
