"""Ledger and progress exports as .xlsx and .csv.

The ledger uses the 分工方案 columns that the import reads (``luoshi.tasks.exports.COLUMNS``), so an
exported sheet can be filled in and imported back. Cells are formula-injection safe: in .xlsx a text that
starts with ``=`` is stored as text, never as a formula; in .csv such a text is prefixed with ``'``.
CSV is UTF-8 with a BOM so that Excel opens it correctly.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from luoshi.tasks.exports import COLUMNS as LEDGER_COLUMNS
from luoshi.tasks.exports import WIDTHS as LEDGER_WIDTHS
from luoshi.tasks.exports import ledger_row
from luoshi.text.cells import csv_cell, guard_xlsx_cell
from luoshi.tracking.models import ProgressReport

PROGRESS_COLUMNS = [
    "序号",
    "工作任务",
    "牵头单位",
    "报送期",
    "完成进度(%)",
    "进展情况",
    "节点完成情况",
    "报送单位",
    "报送时间",
    "审核结果",
]
PROGRESS_WIDTHS = [10, 50, 16, 10, 10, 60, 30, 16, 18, 10]


def csv_safe(value) -> str:
    return csv_cell(value)


def ledger_rows(tasks) -> list[list]:
    tasks = tasks.select_related("lead_unit", "leader").prefetch_related("co_units", "tags").order_by("position", "id")
    return [ledger_row(t) for t in tasks]


def progress_rows(tasks) -> list[list]:
    reports = (
        ProgressReport.objects.filter(task_id__in=tasks.values("id"))
        .select_related("task", "task__lead_unit", "unit", "review")
        .order_by("task__position", "task_id", "submitted_at", "id")
    )
    rows = []
    for r in reports:
        review = getattr(r, "review", None)
        rows.append(
            [
                r.task.code,
                r.task.text,
                r.task.lead_unit.label if r.task.lead_unit else "",
                r.period,
                r.percent,
                r.narrative,
                r.milestone_note,
                r.unit.label,
                f"{r.submitted_at:%Y-%m-%d %H:%M}",
                review.get_decision_display() if review else "待审核",
            ]
        )
    return rows


def to_xlsx(title: str, columns: list[str], widths: list[int], rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has one worksheet
    ws.title = title
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append(values)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            guard_xlsx_cell(cell)  # a text, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(columns: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for values in rows:
        writer.writerow([csv_safe(v) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def ledger(tasks, fmt: str) -> bytes:
    rows = ledger_rows(tasks)
    if fmt == "csv":
        return to_csv(LEDGER_COLUMNS, rows)
    return to_xlsx("分工方案", LEDGER_COLUMNS, LEDGER_WIDTHS, rows)


def progress(tasks, fmt: str) -> bytes:
    rows = progress_rows(tasks)
    if fmt == "csv":
        return to_csv(PROGRESS_COLUMNS, rows)
    return to_xlsx("进展报告", PROGRESS_COLUMNS, PROGRESS_WIDTHS, rows)
