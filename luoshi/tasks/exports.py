"""The 分工方案 spreadsheet: export the ledger, read it back, plan the changes a filled-in copy makes."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from luoshi.accounts.models import Unit, User
from luoshi.errors import ActionError
from luoshi.text import InputError
from luoshi.text.cells import guard_xlsx_cell
from luoshi.text.readers import cell_text, read_sheet

from .actions import display
from .fields import TAG_JOIN, split_tags, split_units
from .models import Task

COLUMNS = [
    "序号",
    "板块",
    "工作主题",
    "工作任务",
    "目标",
    "牵头单位",
    "配合单位",
    "包抓领导",
    "完成时限",
    "标签",
]
WIDTHS = [10, 24, 24, 60, 30, 16, 24, 10, 12, 16]
ONGOING = "常态化"


def ledger_row(task: Task) -> list:
    return [
        task.code,
        task.section_title,
        task.theme_title,
        task.text,
        task.targets,
        task.lead_unit.label if task.lead_unit else "",
        "、".join(sorted(task.co_unit_labels())),
        task.leader.display_name if task.leader else "",
        ONGOING if task.ongoing else (task.deadline.isoformat() if task.deadline else ""),
        TAG_JOIN.join(sorted(task.tag_names())),
    ]


def export_ledger(report, tasks) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has one worksheet
    ws.title = "分工方案"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for task in tasks:
        ws.append(ledger_row(task))
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            guard_xlsx_cell(cell)  # a text starting with "=" is text, never a formula (injection)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_ledger(data: bytes) -> list[dict]:
    """Rows of a 分工方案 workbook as dicts of strings keyed by column title."""
    try:
        rows = iter(read_sheet(data))
    except InputError as exc:
        raise ActionError("无法读取该文件: 请上传从本系统导出的 .xlsx 分工方案") from exc
    header = [str(c or "").strip() for c in next(rows, ())]
    missing = [c for c in ("序号", "工作任务") if c not in header]
    if missing:
        raise ActionError(f"表头缺少 {'、'.join(missing)} 列: 请使用本系统导出的分工方案")
    out = []
    for number, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        record: dict[str, int | str] = {"_row": number}
        for name, value in zip(header, values, strict=False):
            if name in COLUMNS:
                record[name] = cell_text(value)
        out.append(record)
    return out


@dataclass
class RowPlan:
    row: int
    code: str
    task: Task | None = None
    changes: dict = field(default_factory=dict)  # field -> new value (for actions.update_task)
    shown: list = field(default_factory=list)  # (label, old, new) for the dry run
    errors: list = field(default_factory=list)
    # why the row's code names no one task (empty, unknown, repeated in the sheet or held by two
    # tasks): such a row refuses the whole import (``actions.ledger_import_refusal``)
    code_problem: str = ""


def plan_import(report, rows: list[dict]) -> list[RowPlan]:
    """What applying these rows would change, row by row, with the errors that stop a row."""
    tasks: dict[str, Task] = {}
    held: dict[str, int] = {}  # code → how many of the report's tasks hold it
    for t in Task.objects.filter(report=report).prefetch_related("co_units", "tags"):
        tasks.setdefault(t.code, t)
        held[t.code] = held.get(t.code, 0) + 1
    rows_of: dict[str, list[int]] = {}
    for record in rows:
        rows_of.setdefault(str(record.get("序号", "")), []).append(int(record["_row"]))
    units = Unit.by_label(report.government_id)
    leaders: dict[str, User] = {}
    for user in User.objects.filter(government_id=report.government_id):
        leaders.setdefault(user.display_name, user)
        leaders.setdefault(user.username, user)
    plans = []
    for record in rows:
        code = record.get("序号", "")
        plan = RowPlan(row=record["_row"], code=code, task=tasks.get(code))
        plans.append(plan)
        others = [row for row in rows_of[code] if row != plan.row] if code else []
        if not code:
            plan.code_problem = "序号为空"
        elif plan.task is None:
            plan.code_problem = f"序号 {code} 不在本报告中"
        elif held[code] > 1:
            plan.code_problem = f"序号 {code} 在本报告中对应 {held[code]} 项任务, 无法确定更新哪一项"
        elif others:
            plan.code_problem = f"序号 {code} 与第{'、'.join(map(str, others))}行重复"
        if plan.code_problem:
            plan.task = None
            plan.errors.append(plan.code_problem)
            continue
        new = {}
        if "工作任务" in record:
            if not record["工作任务"]:
                plan.errors.append("工作任务不能为空")
            new["text"] = record["工作任务"]
        if "目标" in record:
            new["targets"] = record["目标"]
        if "牵头单位" in record:
            label = record["牵头单位"]
            new["lead_unit"] = units.get(label) if label else None
            if label and label not in units:
                plan.errors.append(f"单位目录中没有“{label}”")
        if "配合单位" in record:
            labels = split_units(record["配合单位"])
            unknown = [x for x in labels if x not in units]
            if unknown:
                plan.errors.append(f"单位目录中没有“{'、'.join(unknown)}”")
            new["co_units"] = [units[x] for x in labels if x in units]
        if "包抓领导" in record:
            name = record["包抓领导"]
            new["leader"] = leaders.get(name) if name else None
            if name and name not in leaders:
                plan.errors.append(f"没有名为“{name}”的领导账号")
        if "完成时限" in record:
            value = record["完成时限"]
            if value == ONGOING:
                new["ongoing"], new["deadline"] = True, None
            elif not value:
                new["deadline"] = None
            else:
                try:
                    new["deadline"] = datetime.date.fromisoformat(value.replace("/", "-")[:10])
                    new["ongoing"] = False
                except ValueError:
                    plan.errors.append(f"完成时限“{value}”不是日期 (如 2023-12-31) 或“{ONGOING}”")
        if "标签" in record:
            new["tags"] = split_tags(record["标签"])
        _diff(plan, new)
    return plans


LABELS = dict(
    zip(
        ["text", "targets", "lead_unit", "co_units", "leader", "deadline", "ongoing", "tags"],
        ["工作任务", "目标", "牵头单位", "配合单位", "包抓领导", "完成时限", "常态化", "标签"],
        strict=True,
    )
)


def _diff(plan: RowPlan, new: dict) -> None:
    task = plan.task
    if task is None:
        raise ValueError(f"row {plan.row} names no task of the report: there is nothing to compare")
    for name, value in new.items():
        if name == "tags":
            old = sorted(task.tag_names())
            if old != sorted(value):
                plan.changes[name] = value
                plan.shown.append((LABELS[name], TAG_JOIN.join(old), TAG_JOIN.join(sorted(value))))
            continue
        if name == "co_units":
            old_units = list(task.co_units.all())
            if {u.pk for u in old_units} != {u.pk for u in value}:
                plan.changes[name] = value
                plan.shown.append((LABELS[name], display(name, old_units), display(name, value)))
            continue
        old = getattr(task, name)
        same = getattr(old, "pk", old) == getattr(value, "pk", value)
        if not same:
            plan.changes[name] = value
            plan.shown.append((LABELS[name], display(name, old), display(name, value)))
