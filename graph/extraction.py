"""What extraction produces for one paper, as stored in the workspace and read by the build.

>>> hits = [ConceptHit("one-step", "one-step", 0.61, 1)]
>>> e = PaperExtraction("arxiv:1", hits, [TechniqueHit("one-step", "one-step")])
>>> PaperExtraction.from_dict(e.to_dict()) == e
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from graph.schema import TECHNIQUE_ROLES


@dataclass(frozen=True)
class ConceptHit:
    """A ranked keyphrase of one paper: canonical ``key``, the ``surface`` form seen, score and 1-based rank."""

    key: str
    surface: str
    score: float
    rank: int


#: Roles of a technique in a paper, strongest first: the paper uses it, compares with it (a baseline), or only
#: mentions it (a negation such as "without distillation", "unlike GANs").
ROLES = TECHNIQUE_ROLES


@dataclass(frozen=True)
class TechniqueHit:
    """A vocabulary technique found in one paper, with the matched text as ``evidence`` and its ``role``."""

    key: str
    evidence: str
    role: str = "uses"


@dataclass
class PaperExtraction:
    """Concepts and techniques of one paper."""

    paper_id: str
    concepts: list[ConceptHit] = field(default_factory=list)
    techniques: list[TechniqueHit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaperExtraction:
        return cls(
            paper_id=data["paper_id"],
            concepts=[ConceptHit(**c) for c in data.get("concepts", [])],
            techniques=[TechniqueHit(**t) for t in data.get("techniques", [])],
        )
