"""The report text cut into segments so each task's sentence can be highlighted via its span."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    task_id: int | None = None
    code: str = ""


def segments(text: str, tasks) -> list[Segment]:
    """Plain and task segments in order; overlapping or out-of-range spans are left unmarked."""
    spans = sorted(
        (
            (t.span_start, t.span_end, t.pk, t.code)
            for t in tasks
            if t.span_start is not None and t.span_end is not None
        ),
    )
    out: list[Segment] = []
    cursor = 0
    for start, end, pk, code in spans:
        if start < cursor or end > len(text) or start >= end:
            continue
        if start > cursor:
            out.append(Segment(text[cursor:start]))
        out.append(Segment(text[start:end], pk, code))
        cursor = end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out


def context(text: str, start: int | None, end: int | None, width: int = 80) -> tuple[str, str, str]:
    """(before, sentence, after) around a span, for the task page."""
    if start is None or end is None:
        return "", "", ""
    return text[max(0, start - width) : start], text[start:end], text[end : end + width]
