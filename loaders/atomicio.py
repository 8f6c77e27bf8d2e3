"""Writing files atomically: the ONE helper every paperkg writer uses (graph files, CSVs, report, view pages,
Neo4j bulk files, ``paperkg fetch`` output).

A file is written to a temporary ``.<name>.<random>.tmp`` in the same folder, flushed and fsynced, then
renamed over ``<name>`` (``os.replace``: atomic on POSIX and Windows within one file system). A reader
therefore sees the old file or the new one, never half a file, and the path stays the same (users mount
``DIR/neo4j`` into Docker). A temporary left by a killed run is removed by :func:`remove_stale_temps` at
the next run (which holds the output folder's lock, so no live writer's temporary is touched).

It lives in ``loaders`` because ``loaders`` may not import ``graph`` while both write files.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a.txt", "done").read_text()
'done'
>>> _ = (folder / ".a.txt.k2j4_x9q.tmp").write_text("left by a killed run")
>>> [p.name for p in remove_stale_temps(folder)], sorted(p.name for p in folder.iterdir())
(['.a.txt.k2j4_x9q.tmp'], ['a.txt'])
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_open", "atomic_write", "is_temp_name", "remove_stale_temps"]

#: The name :func:`atomic_open` gives its temporary files: ``.<final name>.<random>.tmp``.
_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # tempfile's random part: 8 of [a-z0-9_]


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open ``path`` for writing through a temporary file in the same folder, renamed on success.

    Text modes default to UTF-8. On an exception the temporary is removed and ``path`` is untouched.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_open(folder / "a.csv", newline="") as fh:
    ...     _ = fh.write("x,y\\n")
    >>> (folder / "a.csv").read_text(), sorted(p.name for p in folder.iterdir())
    ('x,y\\n', ['a.csv'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; returns the path."""
    with atomic_open(path, "wb" if isinstance(data, bytes) else "w") as fh:
        fh.write(data)
    return Path(path)


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of :func:`atomic_open`'s temporary file names.

    >>> is_temp_name(".graph.html.x8_3kq0a.tmp"), is_temp_name(".notes.tmp"), is_temp_name(".paperkg.lock")
    (True, False, False)
    """
    return bool(_TEMP_NAME.match(name))


def remove_stale_temps(folder: str | Path, recursive: bool = True) -> list[Path]:
    """Delete the temporaries a killed writer left in ``folder`` (and its sub-folders); returns them.

    Call it only while holding the folder's writer lock: a live writer's temporary looks the same.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    candidates = folder.rglob(".*.tmp") if recursive else folder.glob(".*.tmp")
    removed = [p for p in sorted(candidates) if p.is_file() and is_temp_name(p.name)]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
