"""Reporting periods of a task: which period a report belongs to, when it is due, open and closed.

A period is named by a key: ``2026-03`` (monthly), ``2026-Q1`` (quarterly), ``2026-H1`` (half-yearly),
``2026`` (yearly). Its report is due on the task's due day of the period's last month; it may be submitted
from the first day of that month and, late, until the end of the following month.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime.date
    end: datetime.date
    due: datetime.date
    opens: datetime.date
    closes: datetime.date

    def is_open(self, day: datetime.date) -> bool:
        return self.opens <= day <= self.closes


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def period_at(cycle: str, due_day: int, day: datetime.date) -> Period:
    """The period of ``cycle`` that contains ``day``."""
    size = MONTHS.get(cycle, 1)
    first_month = (day.month - 1) // size * size + 1
    return _build(cycle, due_day, day.year, first_month)


def _build(cycle: str, due_day: int, year: int, first_month: int) -> Period:
    size = MONTHS.get(cycle, 1)
    last_year, last_month = _add_months(year, first_month, size - 1)
    start = datetime.date(year, first_month, 1)
    end = _month_end(last_year, last_month)
    due = datetime.date(last_year, last_month, max(1, min(int(due_day or 25), 28)))
    opens = datetime.date(last_year, last_month, 1)
    close_year, close_month = _add_months(last_year, last_month, 1)
    closes = _month_end(close_year, close_month)
    if size == 1:
        key, label = f"{year}-{first_month:02d}", f"{year}年{first_month}月"
    elif size == 3:
        q = (first_month - 1) // 3 + 1
        key, label = f"{year}-Q{q}", f"{year}年第{q}季度"
    elif size == 6:
        h = 1 if first_month == 1 else 2
        key, label = f"{year}-H{h}", f"{year}年{'上' if h == 1 else '下'}半年"
    else:
        key, label = f"{year}", f"{year}年"
    return Period(key, label, start, end, due, opens, closes)


def parse(cycle: str, due_day: int, key: str) -> Period | None:
    """The period named ``key`` for this cycle, or None if the key does not name one."""
    key = (key or "").strip()
    try:
        if cycle == "monthly":
            year, month = key.split("-")
            return _build(cycle, due_day, int(year), int(month)) if len(month) == 2 and 1 <= int(month) <= 12 else None
        if cycle == "quarterly":
            year, q = key.split("-Q")
            return _build(cycle, due_day, int(year), (int(q) - 1) * 3 + 1) if 1 <= int(q) <= 4 else None
        if cycle == "half_yearly":
            year, h = key.split("-H")
            return _build(cycle, due_day, int(year), 1 if int(h) == 1 else 7) if int(h) in (1, 2) else None
        if cycle == "yearly":
            return _build(cycle, due_day, int(key), 1) if len(key) == 4 else None
    except (ValueError, TypeError):
        return None
    return None


def periods_between(cycle: str, due_day: int, start: datetime.date, end: datetime.date) -> list[Period]:
    """Every period whose report falls due on or after ``start`` and whose period begins by ``end``."""
    out: list[Period] = []
    if cycle not in MONTHS:  # "none": a matter reported on only when it is done
        return out
    period = period_at(cycle, due_day, start)
    while period.start <= end:
        if period.due >= start:
            out.append(period)
        year, month = _add_months(period.start.year, period.start.month, MONTHS.get(cycle, 1))
        period = _build(cycle, due_day, year, month)
    return out
