"""The output folder as one unit: one writer at a time, and a manifest that ties its files to one build.

**One writer.** ``build``, ``add`` (and anything else that rewrites the folder) hold an OS lock on
``DIR/.paperkg.lock`` (``fcntl.flock``, POSIX: Linux, macOS) for the whole run, from loading the inputs to
the last output file. A second writer stops at once with a :class:`~graph.errors.WorkspaceError` naming
the run that holds the folder, or waits for it (``wait=True``, ``--wait``). The OS drops the lock when
its process ends, even by ``kill -9``, so there is never a stale lock to delete by hand. While holding it,
the writer deletes the ``.<name>.<random>.tmp`` files a killed run left (:mod:`loaders.atomicio`).

**One build.** Every output file is written atomically, but a run killed between two files would leave
a folder mixing two builds. So the export first marks ``DIR/manifest.json`` as ``"writing"`` and, once
every file is in place, replaces it with the finished manifest: the build id (the first 16 hex digits of
``graph.json``'s SHA-256, so the same graph gives the same id and byte-identical files) and the SHA-256
and size of every output file, by path relative to ``DIR``. Readers (:func:`read_output`,
:func:`check_outputs`) refuse a folder whose manifest says ``"writing"`` (a build is running, or one was
interrupted) or whose files do not match their hashes, with a message saying which and what to do. A
folder without a manifest (written by an older paperkg) is read as before.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> with writer_lock(out):
...     begin_outputs(out)
...     _ = (out / "graph.json").write_text("{}")
...     build_id = finish_outputs(out, [out / "graph.json"])
>>> build_id == manifest(out)["build_id"], read_output(out, "graph.json")
(True, b'{}')
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from graph.errors import WorkspaceError
from loaders.atomicio import atomic_write, remove_stale_temps

__all__ = [
    "LOCK_FILE",
    "MANIFEST_FILE",
    "begin_outputs",
    "check_outputs",
    "file_fingerprint",
    "finish_outputs",
    "manifest",
    "read_output",
    "rewrite_outputs",
    "writer_active",
    "writer_lock",
]

LOCK_FILE = ".paperkg.lock"
MANIFEST_FILE = "manifest.json"
#: The file whose hash is the build id (every reader of the graph reads it).
ID_FILE = "graph.json"
#: How long a writer retries a lock held only for an instant (a reader checking for a writer).
_BRIEF_HOLD_S = 1.0


def _stderr(message: str) -> None:
    print(message, flush=True, file=sys.stderr)


@contextmanager
def writer_lock(out: str | Path, wait: bool = False, notify: Callable[[str], None] = _stderr) -> Iterator[None]:
    """Hold ``out``'s writer lock for the ``with`` block (the folder is created if needed).

    Another writer holding it: :class:`WorkspaceError` at once, or with ``wait`` a ``notify`` line and a
    wait until it is free. Stale temporary files are removed once the lock is held.
    """
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WorkspaceError(f"{out}: cannot write here: {exc.strerror or exc}") from exc
    try:
        if not _try_lock(fd, fcntl.LOCK_EX, _BRIEF_HOLD_S):
            holder = _holder(fd)
            if not wait:
                raise WorkspaceError(
                    f"{out}: another paperkg run ({holder}) is writing this folder; "
                    "wait for it to finish, or rerun with --wait"
                )
            notify(f"waiting for the paperkg run ({holder}) that is writing {out} ...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {started}".encode(), 0)
        remove_stale_temps(out)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _try_lock(fd: int, kind: int, patience: float) -> bool:
    """Take the lock without blocking, retrying for ``patience`` seconds; whether it was taken."""
    give_up = time.monotonic() + patience
    while True:
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= give_up:
                return False
            time.sleep(0.05)


def _holder(fd: int) -> str:
    """What the lock file says about the run holding it."""
    return os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "pid unknown"


def writer_active(out: str | Path) -> bool:
    """Whether a run holds ``out``'s writer lock now (checked by taking a shared lock for an instant)."""
    path = Path(out) / LOCK_FILE
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        return not _try_lock(fd, fcntl.LOCK_SH, 0.0)
    finally:
        os.close(fd)


def manifest(out: str | Path) -> dict[str, Any] | None:
    """``out``'s manifest (``None`` for a folder without one)."""
    path = Path(out) / MANIFEST_FILE
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise WorkspaceError(f"{path}: not a paperkg manifest ({exc}); rerun `paperkg build --out {out}`") from None
    if not isinstance(data, dict) or data.get("state") not in ("writing", "complete"):
        raise WorkspaceError(f"{path}: not a paperkg manifest; rerun `paperkg build --out {out}`")
    return data


def begin_outputs(out: str | Path) -> None:
    """Mark ``out`` as being written (call with the writer lock held, before the first output file)."""
    atomic_write(Path(out) / MANIFEST_FILE, json.dumps({"state": "writing"}) + "\n")


def finish_outputs(out: str | Path, files: Iterable[Path]) -> str:
    """Record the finished build: its id and every file's hash and size. Returns the build id."""
    out = Path(out)
    entries = {_relative(out, f): file_fingerprint(f) for f in files}
    if ID_FILE not in entries:
        raise WorkspaceError(f"{out}: an export without {ID_FILE} cannot be recorded as a build")
    build_id = entries[ID_FILE]["sha256"][:16]
    record = {"state": "complete", "build_id": build_id, "files": dict(sorted(entries.items()))}
    atomic_write(out / MANIFEST_FILE, json.dumps(record, indent=1) + "\n")
    return build_id


def rewrite_outputs(out: str | Path, write: Callable[[], list[Path]]) -> list[Path]:
    """Rewrite some files of the finished build in ``out`` (``write()`` returns them), keeping the manifest
    true: marked ``"writing"`` meanwhile, then recorded with every file of the build. Call with the lock.

    When ``write()`` fails (a view of a community that does not exist), the previous manifest is put back,
    so a mistyped command leaves the folder as usable as it found it.
    """
    out = Path(out)
    record = _complete_manifest(out)
    if record is None:  # a folder without a manifest stays without one
        return write()
    begin_outputs(out)
    try:
        written = write()
    except BaseException:
        atomic_write(out / MANIFEST_FILE, json.dumps(record, indent=1) + "\n")
        raise
    finish_outputs(out, sorted({*(out / name for name in record["files"]), *written}))
    return written


def read_output(out: str | Path, name: str) -> bytes:
    """The bytes of output file ``name``, checked against the manifest (see :func:`check_outputs`)."""
    out = Path(out)
    record = _complete_manifest(out)
    data = (out / name).read_bytes()
    if record is not None:
        _check(out, record, name, hashlib.sha256(data).hexdigest())
    return data


def check_outputs(out: str | Path, names: Sequence[str] | None = None) -> str | None:
    """Check that ``out``'s files (``names``, default: all in the manifest) are the recorded build's.

    Returns the build id (``None`` for a folder without a manifest); raises :class:`WorkspaceError`
    when a build is writing the folder, one was interrupted, or a file is missing or changed.
    """
    out = Path(out)
    record = _complete_manifest(out)
    if record is None:
        return None
    for name in names if names is not None else record["files"]:
        path = out / name
        if not path.exists():
            raise WorkspaceError(f"{path}: missing, though {out / MANIFEST_FILE} lists it; rerun `paperkg build`")
        _check(out, record, name, file_fingerprint(path)["sha256"])
    return str(record["build_id"])


def _complete_manifest(out: Path) -> dict[str, Any] | None:
    record = manifest(out)
    if record is None or record["state"] == "complete":
        return record
    if writer_active(out):
        raise WorkspaceError(f"{out}: a paperkg run is writing this folder now; try again when it has finished")
    raise WorkspaceError(
        f"{out}: the last run stopped while writing its outputs (killed or failed), so the files may mix two "
        f"builds; rerun `paperkg build --out {out}` (or `paperkg add`) to make them consistent"
    )


def _check(out: Path, record: dict[str, Any], name: str, sha256: str) -> None:
    expected = record["files"].get(name)
    if expected is None:
        raise WorkspaceError(f"{out / name}: not part of build {record['build_id']} ({out / MANIFEST_FILE})")
    if sha256 != expected["sha256"]:
        raise WorkspaceError(
            f"{out / name}: changed since build {record['build_id']} wrote it (its SHA-256 differs from "
            f"{out / MANIFEST_FILE}); the folder mixes builds: rerun `paperkg build --out {out}`"
        )


def file_fingerprint(path: Path) -> dict[str, Any]:
    """SHA-256 and size of a file, read in 1 MiB blocks (bulk CSVs can be large).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "a.txt").write_bytes(b"abc")
    ...     file_fingerprint(Path(tmp) / "a.txt")["bytes"], file_fingerprint(Path(tmp) / "a.txt")["sha256"][:8]
    3
    (3, 'ba7816bf')
    """
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(2**20):
            digest.update(block)
            size += len(block)
    return {"sha256": digest.hexdigest(), "bytes": size}


def _relative(out: Path, path: Path) -> str:
    """``path`` relative to ``out``, with ``/`` separators (``neo4j/nodes_Paper.csv``)."""
    return Path(path).resolve().relative_to(out.resolve()).as_posix()
