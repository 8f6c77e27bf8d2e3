"""Rules of the code that a reader relies on, checked over the source of graph/ and loaders/."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The one module that may write files directly: every other writer goes through it.
ATOMIC_WRITER = ROOT / "loaders" / "atomicio.py"
#: Methods that write a file in place (``Path.write_text``, ``DataFrame.to_csv``, ...).
WRITING_METHODS = {"write_text", "write_bytes", "to_csv", "savefig"}


def _mode(call: ast.Call) -> str:
    """The literal mode of an ``open(...)`` / ``path.open(...)`` call ("r" when not given or not literal)."""
    args = call.args[1:2] if isinstance(call.func, ast.Name) else call.args[:1]
    given = [*args, *(k.value for k in call.keywords if k.arg == "mode")]
    return next((a.value for a in given if isinstance(a, ast.Constant) and isinstance(a.value, str)), "r")


def _direct_writes(path: Path) -> list[tuple[int, str]]:
    """``(line, call)`` of each call in ``path`` that writes a file without the atomic writer."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in WRITING_METHODS or (name == "open" and set(_mode(node)) & set("wax+")):
            found.append((node.lineno, name))
    return sorted(found)


def test_every_file_is_written_through_the_atomic_writer() -> None:
    sources = [p for p in [*ROOT.glob("graph/**/*.py"), *ROOT.glob("loaders/**/*.py")] if p != ATOMIC_WRITER]
    writes = [f"{path.relative_to(ROOT)}:{line}: {call}" for path in sources for line, call in _direct_writes(path)]
    assert writes == []


def test_the_check_sees_a_direct_write(tmp_path: Path) -> None:
    module = tmp_path / "writer.py"
    module.write_text('open(p, "w").write(x)\nPath(p).write_text(x)\nwith q.open("a") as f: pass\nopen(p).read()\n')
    assert _direct_writes(module) == [(1, "open"), (2, "write_text"), (3, "open")]
