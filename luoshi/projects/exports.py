"""A year's projects as figures and as workbooks: the project list with its budget by source and its money
and works progress (项目清单), and the 绩效目标表 with each indicator's latest actual and the self-evaluation.

``figures`` is where a project stands on a day, read once for the exports, the public pages and the API:
for the office and the units, the latest report not returned (as the light reads it, ``lights.progress``);
for the public (``accepted_only``), only reports the office accepted count — money, indicator actuals and
the stages done by the day of that report.

Workbooks: amounts are numbers written from Decimal with the format ``0.00`` (never a float); every text
cell is safe against formula injection (a text starting with ``=``, ``+``, ``-``, ``@`` or a tab is stored as
text, never as a formula, and shown with Excel's quote prefix).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from luoshi.text.cells import guard_xlsx_cell
from luoshi.tracking import health
from luoshi.tracking.models import ReportReview

from . import lights
from .models import ZERO, Evaluation, IndicatorValue, Project, Spending

MONEY_FORMAT = "0.00"


# ------------------------------------------------------------------------------------------------ figures


@dataclass
class Figures:
    """Where a project stands on ``day``: money (万元), the three shares (percent), the date of the report
    the figures come from (``as_of``, None before any), and each indicator's latest actual with its date."""

    received: Decimal = ZERO
    disbursed: Decimal = ZERO
    spent: Decimal = ZERO
    spent_share: int = 0
    time_share: int = 0
    works_share: int = 0
    as_of: datetime.date | None = None
    actuals: dict[int, tuple[Decimal, datetime.date]] = field(default_factory=dict)
    stages_done: dict[int, datetime.date] = field(default_factory=dict)  # stage id → actual date counted


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def _time_share(project: Project, day: datetime.date) -> int:
    end = project.task.deadline or datetime.date(project.year, 12, 31)
    span = (end - project.start).days
    if span <= 0:
        return 100
    elapsed = min(max((day - project.start).days, 0), span)
    return round(100 * elapsed / span)


def figures(project: Project, day: datetime.date, *, accepted_only: bool = False) -> Figures:
    """The project's figures on ``day``; ``accepted_only`` for the public (see the module's docstring)."""
    end = _end_of(day)
    values = IndicatorValue.objects.filter(indicator__project=project, progress_report__submitted_at__lt=end)
    if accepted_only:
        spending = (
            Spending.objects.filter(
                project=project,
                progress_report__submitted_at__lt=end,
                progress_report__review__decision=ReportReview.Decision.ACCEPTED,
            )
            .select_related("progress_report")
            .order_by("-progress_report__submitted_at", "-id")
            .first()
        )
        values = values.filter(progress_report__review__decision=ReportReview.Decision.ACCEPTED)
    else:
        spending = lights.latest_spending(project, day)
        values = values.exclude(progress_report__review__decision=ReportReview.Decision.RETURNED)
    out = Figures(time_share=_time_share(project, day))
    if spending is not None:
        out.received, out.disbursed, out.spent = spending.received, spending.disbursed, spending.spent
        out.as_of = timezone.localtime(spending.progress_report.submitted_at).date()
    out.spent_share = lights.share(out.spent, project.budget)
    # The public counts a stage done once a report accepted on or after its date says so.
    counted_until = (out.as_of or datetime.date.min) if accepted_only else day
    works = 0
    for stage in project.stages.all():
        if stage.actual is not None and stage.actual <= min(counted_until, day):
            out.stages_done[stage.pk] = stage.actual
            works += stage.weight
    out.works_share = min(works, 100)
    for value in values.select_related("progress_report").order_by("progress_report__submitted_at", "id"):
        out.actuals[value.indicator_id] = (value.actual, timezone.localtime(value.progress_report.submitted_at).date())
    return out


def budget_by_source(project: Project) -> dict[str, Decimal]:
    return {line.source.name: line.amount for line in project.budget_lines.all()}


def with_related(projects):
    """The projects with what the exports, public pages and API read of each, fetched up front."""
    return projects.select_related(
        "task", "task__lead_unit", "task__leader", "task__report", "evaluation"
    ).prefetch_related("places", "task__co_units", "budget_lines__source", "stages", "indicators")


# ------------------------------------------------------------------------------------------------ workbooks


def safe(value):
    """A cell's value: a text that Excel would read as a formula stays text (see ``_write``)."""
    if isinstance(value, float):
        raise TypeError("a float never reaches a workbook: amounts are Decimal")
    return value


def _write(title: str, columns: list[str], widths: list[int], rows: list[list], money_columns: set[int]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has one worksheet
    ws.title = title
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append([safe(v) for v in values])
    for row in ws.iter_rows(min_row=2):
        for i, cell in enumerate(row):
            if isinstance(cell.value, str):
                guard_xlsx_cell(cell)  # a text, never a formula (injection)
            elif i in money_columns and isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _labels(units) -> str:
    return "、".join(u.label for u in units)


def project_list(projects, source_names: list[str], day: datetime.date) -> bytes:
    """项目清单: each project with its budget by source, money to date, spending, time and works progress and
    its light on ``day``."""
    projects = list(with_related(projects).order_by("year", "task__position", "id"))
    lights_now = health.compute_many([p.task_id for p in projects], day)
    columns = [
        "序号",
        "项目名称",
        "建设内容",
        "实施地",
        "牵头单位",
        "配合单位",
        "包抓领导",
        "开始日期",
        "完成时限",
        "状态",
        "总投资(万元)",
        *[f"{name}(万元)" for name in source_names],
        "累计到位(万元)",
        "累计拨付(万元)",
        "累计支出(万元)",
        "支出进度(%)",
        "序时进度(%)",
        "形象进度(%)",
        "亮灯",
        "亮灯原因",
        "数据截至",
    ]
    first_money = 10
    money_columns = set(range(first_money, first_money + 1 + len(source_names) + 3))
    widths = [6, 30, 40, 16, 14, 20, 10, 12, 12, 10, 12, *[12] * len(source_names), 12, 12, 12, 10, 10, 10, 6, 40, 12]
    rows = []
    for project in projects:
        task = project.task
        now = figures(project, day)
        by_source = budget_by_source(project)
        light = lights_now.get(task.pk)
        rows.append(
            [
                task.code,
                task.text,
                project.content,
                _labels(project.places.all()),
                task.lead_unit.label if task.lead_unit else "",
                _labels(task.co_units.all()),
                task.leader.display_name if task.leader else "",
                project.start.isoformat(),
                task.deadline.isoformat() if task.deadline else "",
                task.get_status_display(),
                project.budget,
                *[by_source.get(name, ZERO) for name in source_names],
                now.received,
                now.disbursed,
                now.spent,
                now.spent_share,
                now.time_share,
                now.works_share,
                light.label if light else "",
                light.reason if light else "",
                day.isoformat(),
            ]
        )
    return _write("民生实事项目清单", columns, widths, rows, money_columns)


PERFORMANCE_COLUMNS = [
    "序号",
    "项目名称",
    "牵头单位",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "分值",
    "最新完成值",
    "完成值报送日期",
    "指标得分",
    "未达目标原因",
    "项目自评得分",
    "自评等级",
    "自评状态",
]
PERFORMANCE_WIDTHS = [6, 30, 14, 12, 16, 30, 16, 8, 12, 14, 10, 30, 12, 8, 10]


def _number(value: Decimal) -> Decimal:
    """An indicator figure as written: exact, without trailing zeros (900, not 900.0000)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def performance_table(projects, day: datetime.date) -> bytes:
    """绩效目标表: each project's indicators with level, kind, name, target, weight, the latest actual (of a
    report not returned) and, once there is a self-evaluation, its line score and the project's total and
    grade."""
    projects = list(with_related(projects).order_by("year", "task__position", "id"))
    rows = []
    for project in projects:
        task = project.task
        now = figures(project, day)
        evaluation: Evaluation | None = getattr(project, "evaluation", None)
        scored = {line.get("indicator"): line for line in (evaluation.lines if evaluation else [])}
        total = evaluation.final if evaluation else None
        for indicator in project.indicators.all():
            actual = now.actuals.get(indicator.pk)
            line = scored.get(indicator.pk) or {}
            rows.append(
                [
                    task.code,
                    task.text,
                    task.lead_unit.label if task.lead_unit else "",
                    indicator.get_level_display(),
                    indicator.get_kind_display(),
                    indicator.name,
                    indicator.target_text(),
                    indicator.weight.quantize(Decimal("0.01")) if indicator.weight else "",
                    _number(actual[0]) if actual else "",
                    actual[1].isoformat() if actual else "",
                    Decimal(str(line["score"])) if line.get("score") not in (None, "") else "",
                    str(line.get("explanation") or ""),
                    total if total is not None else "",
                    evaluation.grade if evaluation else "",
                    evaluation.get_status_display() if evaluation else "",
                ]
            )
    return _write("绩效目标表", PERFORMANCE_COLUMNS, PERFORMANCE_WIDTHS, rows, {7, 10, 12})
