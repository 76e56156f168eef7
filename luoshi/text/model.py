"""The decomposition's data: frozen dataclasses, and their JSON form (docs/architecture.md, Contracts).

Every span is ``(start, end)`` into ``Document.text``, the normalised report text, so a reader can
always point back at the sentence a task came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]


class InputError(Exception):
    """Input that cannot be read as a report. The message is one line: what is wrong, what to do."""


@dataclass(frozen=True)
class Target:
    """A measurable target: ``numeric`` (value, unit, comparator) or ``milestone`` (建成…)."""

    kind: str
    text: str
    metric: str | None = None
    comparator: str | None = None  # ">=", "<=", "~", "=", "range"
    value: float | int | None = None
    value_max: float | int | None = None
    unit: str | None = None
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == "numeric":
            out["metric"] = self.metric
            out["comparator"] = self.comparator
            out["value"] = self.value
            if self.comparator == "range":
                out["value_max"] = self.value_max
            out["unit"] = self.unit
        out["text"] = self.text
        if self.span is not None:
            out["span"] = list(self.span)
        return out


@dataclass(frozen=True)
class Suggestion:
    """A proposed responsible unit with a score in [0, 1] and the reasons a person can check."""

    unit: str
    score: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "score": round(self.score, 3), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Task:
    code: str
    text: str
    span: Span
    places: tuple[str, ...] = ()  # resolved unit short names where a catalog is given, else as written
    place_mentions: tuple[str, ...] = ()  # the place names as written in the text
    programmes: tuple[str, ...] = ()  # named programmes in quotes, kept as tags
    targets: tuple[Target, ...] = ()
    ongoing: bool = False  # 常态化 / 持续推进 with no end
    leads: tuple[Suggestion, ...] = ()
    co_units: tuple[Suggestion, ...] = ()
    # the deadline as written (6月底前, 年内, 长期坚持), resolved against the document's year to an
    # ISO date where it can be; ``deadline_flag``: written but not resolvable (春节前), kept for review.
    # A report's tasks keep the defaults (the engine's own constructor leaves them to the class).
    deadline: str | None = None
    deadline_text: str = ""
    deadline_flag: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "text": self.text,
            "span": list(self.span),
            "places": list(self.places),
            "place_mentions": list(self.place_mentions),
            "programmes": list(self.programmes),
            "ongoing": self.ongoing,
            "targets": [t.to_dict() for t in self.targets],
            "leads": [s.to_dict() for s in self.leads],
            "co_units": [s.to_dict() for s in self.co_units],
            "deadline": self.deadline,
            "deadline_text": self.deadline_text,
            "deadline_flag": self.deadline_flag,
        }


@dataclass(frozen=True)
class Theme:
    title: str
    span: Span
    tasks: tuple[Task, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "span": list(self.span), "tasks": [t.to_dict() for t in self.tasks]}


@dataclass(frozen=True)
class Section:
    number: str | None
    title: str | None
    guidance: tuple[str, ...] = ()
    themes: tuple[Theme, ...] = ()
    span: Span | None = None
    # "part.section", unique in the document: an unnumbered section is 0 when it opens its part
    # (or the part has no numbered section), else it is numbered after the part's highest number
    code: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "guidance": list(self.guidance),
            "themes": [t.to_dict() for t in self.themes],
        }


@dataclass(frozen=True)
class Part:
    number: str | None
    title: str | None
    kind: str  # review / plan / self / other
    sections: tuple[Section, ...] = ()
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "kind": self.kind,
            "sections": [s.to_dict() for s in self.sections],
        }


@dataclass(frozen=True)
class Document:
    title: str | None
    year: int | None
    parts: tuple[Part, ...]
    text: str  # the normalised text every span indexes
    targets: tuple[Target, ...] = ()  # 主要预期目标
    dropped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    speech: tuple[str, ...] = field(default=())  # address lines and closing rhetoric
    kind: str = "report"  # report / meeting / instruction / rectification (sources.py)
    # what the source says of itself: a meeting {"name", "date", "number"}, an instruction
    # {"document", "leader", "date"}, a rectification list {"body", "date"}; only what the text gives
    source: dict[str, str] = field(default_factory=dict)

    def tasks(self) -> Iterator[tuple[Part, Section, Theme, Task]]:
        """Every task with its part, section and theme, in document order."""
        for part in self.parts:
            for section in part.sections:
                for theme in section.themes:
                    for task in theme.tasks:
                        yield part, section, theme, task

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": dict(self.source),
            "title": self.title,
            "year": self.year,
            "parts": [p.to_dict() for p in self.parts],
            "targets": [t.to_dict() for t in self.targets],
            "dropped": list(self.dropped),
            "warnings": list(self.warnings),
        }


# --- the engine's own constructors -------------------------------------------------------------
# A frozen dataclass's __init__ sets each field through object.__setattr__; a decomposition makes
# hundreds of tasks and suggestions, so the engine fills the instance dictionary directly. The
# objects are the same (equality, hashing, repr, pickling): only the engine calls these.

_new = object.__new__


def _make_suggestion(unit: str, score: float, reasons: tuple[str, ...]) -> Suggestion:
    """``Suggestion(unit, score, reasons)``, in half the time."""
    made = _new(Suggestion)
    fields = made.__dict__
    fields["unit"] = unit
    fields["score"] = score
    fields["reasons"] = reasons
    return made


def _make_task(
    code: str,
    text: str,
    span: Span,
    places: tuple[str, ...],
    place_mentions: tuple[str, ...],
    programmes: tuple[str, ...],
    targets: tuple[Target, ...],
    ongoing: bool,
    leads: tuple[Suggestion, ...],
    co_units: tuple[Suggestion, ...],
) -> Task:
    """``Task(...)`` with every field given, in order, in half the time."""
    made = _new(Task)
    made.__dict__.update(
        code=code,
        text=text,
        span=span,
        places=places,
        place_mentions=place_mentions,
        programmes=programmes,
        targets=targets,
        ongoing=ongoing,
        leads=leads,
        co_units=co_units,
    )
    return made
