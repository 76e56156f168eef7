"""Import of a year's project list with its budget table: a dry run (``plan_import``) that turns every row
(from ``projects.reading.read_list``) into a ``ProjectPlan`` or the Chinese reasons it cannot be one, without
writing; and ``apply_import`` that opens all the projects through ``open_projects`` in one transaction, or
nothing when any row has an error.

A row's rules: a title, not repeated in the list nor among the year's projects; the units and places in the
catalog (a place is a county-level government of the catalog); a start date and a deadline (the year's
1 January and 31 December when left empty), the deadline not before the start; amounts exact (at most two
places), not negative, numbers; the sources adding up to the total; stage dates (all five or none) not
before the start nor after the deadline; and what ``check_plan`` says of the whole.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from luoshi.accounts.models import Government, Unit
from luoshi.errors import ActionError
from luoshi.reports.models import WorkReport
from luoshi.tasks.fields import split_units

from .. import money
from ..models import DEFAULT_STAGES, Project
from .setup import ProjectPlan, check_plan, ledger_of, open_projects, sources

MAX_ERRORS_SHOWN = 10
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:底|末)?$")
_YEAR_END = re.compile(r"^(\d{4})\s*年?\s*(?:底|末|年底|年末)$")


@dataclass
class RowPlan:
    """What one row would become (``plan``), or the errors that stop it; ``title`` and ``budget`` as the
    row gave them, for the preview."""

    row: int
    title: str = ""
    budget: str = ""
    plan: ProjectPlan | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """The dry run of a list: a plan per row; ``ledger`` is the year's projects ledger if it exists."""

    year: int
    rows: list[RowPlan]
    ledger: WorkReport | None = None

    @property
    def errors(self) -> list[str]:
        return [f"第{r.row}行: {e}" for r in self.rows for e in r.errors]

    @property
    def plans(self) -> list[ProjectPlan]:
        return [r.plan for r in self.rows if r.plan is not None]

    @property
    def total(self) -> Decimal:
        return sum((p.budget for p in self.plans), Decimal("0.00"))


def parse_date(text: str, label: str, *, end_of_period: bool = False) -> datetime.date | None:
    """A date as a list writes it: 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日; a month (2026年6月, 2026-06)
    or 2026年底 means its last day when ``end_of_period`` (a deadline), else its first."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if found := _DAY.match(text):
            return datetime.date(int(found[1]), int(found[2]), int(found[3]))
        if found := _MONTH.match(text):
            year, month = int(found[1]), int(found[2])
            day = calendar.monthrange(year, month)[1] if end_of_period else 1
            return datetime.date(year, month, day)
        if (found := _YEAR_END.match(text)) and end_of_period:
            return datetime.date(int(found[1]), 12, 31)
    except ValueError:
        pass
    raise ActionError(f"{label}“{text}”不是有效日期 (如 2026-03-01)")


def _units(text: str, catalog: dict[str, Unit], label: str, errors: list[str], *, places: bool = False) -> list[Unit]:
    found: list[Unit] = []
    for name in split_units(text):
        unit = catalog.get(name)
        if unit is None:
            errors.append(f"{label}“{name}”不在本级单位目录中")
        elif places and unit.kind != "government":
            errors.append(f"{label}“{name}”不是县级政府 (实施地应为目录中的县、市、行委)")
        elif unit not in found:
            found.append(unit)
    return found


def _plan_row(government, row: dict, year: int, catalog, source_names, taken, first_row) -> RowPlan:
    line = int(row.get("_row", 0))
    out = RowPlan(row=line, title=" ".join(str(row.get("title", "")).split()), budget=str(row.get("budget", "")))
    errors = out.errors
    title = out.title
    if not title:
        errors.append("缺少项目名称")
    elif len(title) > 300:
        errors.append("项目名称过长 (最多300个字)")
    elif title in taken:
        errors.append(f"项目“{title}”已在{year}年民生实事项目中")
    elif title in first_row:
        errors.append(f"项目名称“{title}”在清单中重复 (与第{first_row[title]}行)")
    else:
        first_row[title] = line
    budget = None
    try:
        budget = money.amount(row.get("budget"), "总投资")
        if budget <= 0:
            errors.append("总投资应大于0")
    except ActionError as error:
        errors.append(str(error))
    lines: dict[str, Decimal] = {}
    bad_source = False
    for name in source_names:
        raw = row.get("sources", {}).get(name, "")
        try:
            value = money.amount(raw, f"{name}资金", allow_empty=True)
        except ActionError as error:
            errors.append(str(error))
            bad_source = True
            continue
        if value:
            lines[name] = value
    if budget is not None and not bad_source:
        try:
            money.check_budget(budget, lines)
        except ActionError as error:
            errors.append(str(error))
    lead_units = _units(str(row.get("lead_unit", "")), catalog, "牵头单位", errors)
    if len(lead_units) > 1:
        errors.append("牵头单位只能有一个 (其余请填入配合单位)")
    lead = lead_units[0] if lead_units else None
    co_units = [u for u in _units(str(row.get("co_units", "")), catalog, "配合单位", errors) if u != lead]
    places = _units(str(row.get("places", "")), catalog, "实施地", errors, places=True)
    start = deadline = None
    try:
        start = parse_date(str(row.get("start", "")), "开始日期") or datetime.date(year, 1, 1)
    except ActionError as error:
        errors.append(str(error))
    try:
        deadline = parse_date(str(row.get("deadline", "")), "完成时限", end_of_period=True) or datetime.date(
            year, 12, 31
        )
    except ActionError as error:
        errors.append(str(error))
    stages: list[tuple[str, datetime.date, int]] = []
    given = {k: v for k, v in row.get("stages", {}).items() if str(v).strip()}
    if given:
        for name, weight in DEFAULT_STAGES:
            if name not in given:
                errors.append(f"缺少节点“{name}”的计划时间 (节点计划时间应全部填写或全部不填)")
                continue
            try:
                planned = parse_date(given[name], f"节点“{name}”的计划时间", end_of_period=True)
            except ActionError as error:
                errors.append(str(error))
                continue
            assert planned is not None
            if deadline is not None and planned > deadline:
                errors.append(f"节点“{name}”的计划时间 {planned} 晚于完成时限 {deadline}")
            stages.append((name, planned, weight))
    if errors or budget is None or start is None or deadline is None:
        return out
    plan = ProjectPlan(
        title=title,
        budget=budget,
        start=start,
        deadline=deadline,
        content=str(row.get("content", "")).strip(),
        lead_unit=lead,
        co_units=co_units,
        places=places,
        budget_lines=lines,
        stages=stages,
    )
    errors.extend(check_plan(government, plan, year))
    if not errors:
        out.plan = plan
    return out


def plan_import(government: Government, rows: list[dict], year: int) -> ImportPlan:
    """Judge every row of a project list without writing anything."""
    if not 2000 <= int(year) <= 2100:
        raise ActionError("年度应在 2000 到 2100 之间")
    source_names = [s.name for s in sources(government)]
    catalog = Unit.by_label(government.pk)
    taken = set(Project.objects.filter(government=government, year=year).values_list("task__text", flat=True))
    first_row: dict[str, int] = {}
    plans = [_plan_row(government, row, year, catalog, source_names, taken, first_row) for row in rows]
    return ImportPlan(year=year, rows=plans, ledger=ledger_of(government, year))


@transaction.atomic
def apply_import(government: Government, actor, rows: list[dict], year: int) -> list[Project]:
    """Open every project of the list (in the year's projects ledger, opened if new), or — if any row has an
    error — nothing: ActionError naming the rows."""
    ledger_of(government, year, lock=True)
    planned = plan_import(government, rows, year)
    errors = planned.errors
    if not rows:
        errors.append("清单中没有任何项目")
    if errors:
        shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
        more = f" 等 {len(errors)} 处" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise ActionError(f"项目清单有错误, 未导入任何内容: {shown}{more}")
    return open_projects(government, actor, year, planned.plans)
