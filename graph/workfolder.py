"""The folder the notebooks work in: a folder of their own, so they never touch a user's files.

Every notebook reads and writes only inside one root folder (``./paperkg-notebooks``, or
``$PAPERKG_NOTEBOOKS``) that the notebooks created themselves and marked with a file named
:data:`MARKER`. A root that exists without the marker belongs to someone else and is refused, so a
notebook never deletes or overwrites anything it did not create.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp()) / "paperkg-notebooks"
>>> part = notebook_folder("your-own-papers", root=root)
>>> part.relative_to(root).as_posix(), (root / MARKER).exists()
('your-own-papers', True)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from graph.errors import ConfigError
from loaders.atomicio import atomic_write

#: Environment variable that names the notebooks' root folder.
ENV = "PAPERKG_NOTEBOOKS"
DEFAULT_ROOT = Path("paperkg-notebooks")
#: File that marks a root folder as made by the notebooks.
MARKER = ".made-by-paperkg-notebooks"


def notebook_root(root: str | Path | None = None) -> Path:
    """The notebooks' root folder (``root``, else ``$PAPERKG_NOTEBOOKS``, else ``./paperkg-notebooks``),
    created and marked when missing; a folder that exists without the marker is refused (ConfigError).

    >>> import tempfile
    >>> try:
    ...     notebook_root(Path(tempfile.mkdtemp()))  # exists, not marked: someone else's folder
    ... except ConfigError as exc:
    ...     print("refused")
    refused
    """
    path = Path(root if root is not None else os.environ.get(ENV) or DEFAULT_ROOT)
    if path.exists() and not (path / MARKER).is_file():
        raise ConfigError(
            f"{path}: this folder exists and was not made by the paperkg notebooks, so they will not write "
            f"into it; set {ENV} to a new folder (or remove this one yourself)"
        )
    path.mkdir(parents=True, exist_ok=True)
    atomic_write(path / MARKER, "Made by the paperkg notebooks; they write only inside this folder.\n")
    return path


def notebook_folder(name: str, *, fresh: bool = False, root: str | Path | None = None) -> Path:
    """The folder ``name`` inside the notebooks' root (see :func:`notebook_root`), created when missing.

    ``fresh`` empties it first: it lies inside the marked root, so whatever it holds was made by a
    notebook.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()) / "nb"
    >>> (notebook_folder("run", root=root) / "old.txt").write_text("x")
    1
    >>> sorted(p.name for p in notebook_folder("run", fresh=True, root=root).iterdir())
    []
    """
    if not name or Path(name).name != name or name in {".", ".."}:
        raise ConfigError(f"{name!r}: a notebook folder is one plain folder name")
    path = notebook_root(root) / name
    if fresh and path.exists():
        shutil.rmtree(path)
    path.mkdir(exist_ok=True)
    return path
