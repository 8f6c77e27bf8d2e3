"""paperkg's exception family. The root lives in :mod:`loaders.errors` (the bottom layer)."""

from __future__ import annotations

from loaders.errors import InputError, PaperkgError

__all__ = [
    "AmbiguousNameError",
    "ConfigError",
    "InputError",
    "Neo4jUnavailableError",
    "NotFoundError",
    "PaperkgError",
    "VocabularyError",
    "WorkspaceError",
]


class WorkspaceError(PaperkgError):
    """The workspace (``DIR/paperkg.sqlite``) is missing, locked, corrupt or of another version."""


class ConfigError(PaperkgError):
    """An option or setting is invalid (bad value, unknown model, unusable device...)."""


class VocabularyError(InputError):
    """A technique vocabulary file has a bad entry (the message names the file and entry)."""


class NotFoundError(PaperkgError):
    """A paper, concept or technique named by the user is not in the graph."""


class AmbiguousNameError(NotFoundError):
    """A name matches several nodes; :attr:`candidates` lists them ("did you mean ...")."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.candidates = candidates
        listed = "; ".join(candidates[:8])
        super().__init__(f"{name!r} is ambiguous; did you mean one of: {listed}")


class Neo4jUnavailableError(PaperkgError):
    """No Neo4j server answered at the configured URI, or it refused the credentials."""
