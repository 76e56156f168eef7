"""Setting a year's projects up: the funding sources, candidates and the deputies' vote (票决), choosing the
year's projects (one ledger per government and year, ``Source.PROJECTS``), entering a project by hand or
from the list import, and its budget by source, stages of works and performance targets.

Each write is one transaction; every changed field is audited; a refusal is one Chinese line and leaves
nothing half-saved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from luoshi.accounts.models import Government, Unit
from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.reports.models import Source, WorkReport
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking

from .. import money
from ..models import DEFAULT_SOURCES, DEFAULT_STAGES, BudgetLine, Candidate, FundingSource, Indicator, Project, Stage


def sources(government: Government) -> list[FundingSource]:
    """The government's funding sources, the defaults (中央, 省级 …) created the first time."""
    rows = list(FundingSource.objects.filter(government=government))
    if not rows:
        FundingSource.objects.bulk_create(
            [FundingSource(government=government, name=name, position=i) for i, name in enumerate(DEFAULT_SOURCES)],
            ignore_conflicts=True,
        )
        rows = list(FundingSource.objects.filter(government=government))
    return rows


def ledger_title(year: int) -> str:
    return f"{year}年民生实事项目"


def ledger_of(government: Government, year: int, *, lock: bool = False) -> WorkReport | None:
    ledgers = WorkReport.objects.filter(government=government, source=Source.PROJECTS, year=year)
    if lock:
        ledgers = ledgers.select_for_update()
    return ledgers.order_by("id").first()


@transaction.atomic
def set_sources(government: Government, actor, names: list[str]) -> list[FundingSource]:
    """The government's funding sources, in the order given: new names are added, the others reordered;
    a source a budget still uses cannot be dropped."""
    names = [" ".join(str(n).split())[:40] for n in names]
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        raise ActionError("请至少保留一个资金来源")
    current = {s.name: s for s in sources(government)}
    dropped = [s for name, s in current.items() if name not in names]
    used = [s.name for s in dropped if BudgetLine.objects.filter(source=s).exists()]
    if used:
        raise ActionError(f"资金来源“{'、'.join(used)}”已用于项目预算, 不能删除")
    old = "、".join(current)
    FundingSource.objects.filter(pk__in=[s.pk for s in dropped]).delete()
    for position, name in enumerate(names):
        source = current.get(name) or FundingSource(government=government, name=name)
        source.position = position
        source.save()
    trail.record(actor, model="FundingSource", object_id=government.pk, field="sources", old=old, new="、".join(names))
    return sources(government)


# ------------------------------------------------------------------------------------------- candidates


@transaction.atomic
def add_candidates(government: Government, actor, year: int, rows: list[dict]) -> list[Candidate]:
    """The office's list of candidates (title, content, budget, lead unit label); all or none."""
    units = Unit.by_label(government.pk)
    taken = set(Candidate.objects.filter(government=government, year=year).values_list("title", flat=True))
    last = Candidate.objects.filter(government=government, year=year).count()
    errors, made = [], []
    for i, row in enumerate(rows, 1):
        title = " ".join(str(row.get("title", "")).split())[:200]
        try:
            if not title:
                raise ActionError("缺少项目名称")
            if title in taken:
                raise ActionError(f"候选项目“{title}”重复")
            budget = money.amount(row.get("budget"), "估算投资")
            label = str(row.get("lead_unit", "") or "").strip()
            unit = units.get(label) if label else None
            if label and unit is None:
                raise ActionError(f"牵头单位“{label}”不在单位目录中")
        except ActionError as error:
            errors.append(f"第{i}行: {error}")
            continue
        taken.add(title)
        made.append(
            Candidate(
                government=government,
                year=year,
                position=last + i,
                title=title,
                content=str(row.get("content", "")).strip(),
                budget=budget,
                lead_unit=unit,
            )
        )
    if errors:
        raise ActionError("候选项目有错误, 未保存任何内容: " + "; ".join(errors[:10]))
    saved = Candidate.objects.bulk_create(made)
    trail.record(actor, model="Candidate", object_id=year, field="candidates", new=f"{len(saved)} 项")
    return saved


@transaction.atomic
def record_votes(government: Government, actor, year: int, votes: dict[int, int], *, chosen: int) -> list[Candidate]:
    """The deputies' vote: each candidate's votes; the ``chosen`` with the most votes are chosen (a tie at
    the line is refused: the congress decides it). Returns the chosen, in order of votes."""
    candidates = list(Candidate.objects.select_for_update().filter(government=government, year=year))
    by_id = {c.pk: c for c in candidates}
    unknown = set(votes) - set(by_id)
    if unknown:
        raise ActionError("票数中有不属于本年度候选名单的项目")
    if set(votes) != set(by_id):
        raise ActionError("请为每一个候选项目填写得票数")
    if not 1 <= chosen <= len(candidates):
        raise ActionError(f"入选数应在 1 到 {len(candidates)} 之间")
    for pk, count in votes.items():
        if not isinstance(count, int) or count < 0:
            raise ActionError("得票数应为不小于0的整数")
        by_id[pk].votes = count
    ranked = sorted(candidates, key=lambda c: (-(c.votes or 0), c.position))
    if chosen < len(ranked) and ranked[chosen - 1].votes == ranked[chosen].votes:
        raise ActionError(f"第{chosen}名与第{chosen + 1}名得票相同, 请先确定入选项目")
    for i, candidate in enumerate(ranked):
        candidate.chosen = i < chosen
    Candidate.objects.bulk_update(candidates, ["votes", "chosen"])
    trail.record(actor, model="Candidate", object_id=year, field="votes", new=f"入选 {chosen} 项")
    return ranked[:chosen]


# -------------------------------------------------------------------------------------------- projects


@dataclass
class ProjectPlan:
    """A project to open: what the office enters by hand or a row of the list import brings."""

    title: str
    budget: Decimal
    start: datetime.date
    deadline: datetime.date
    content: str = ""
    lead_unit: Unit | None = None
    co_units: list[Unit] = field(default_factory=list)
    places: list[Unit] = field(default_factory=list)
    budget_lines: dict[str, Decimal] = field(default_factory=dict)  # source name → amount
    stages: list[tuple[str, datetime.date, int]] = field(default_factory=list)  # name, planned, weight
    indicators: list[dict] = field(default_factory=list)
    candidate: Candidate | None = None


def check_plan(government: Government, plan: ProjectPlan, year: int) -> list[str]:
    """Every reason the plan cannot be saved (empty when it can)."""
    errors = []
    if not plan.title.strip():
        errors.append("缺少项目名称")
    if plan.deadline < plan.start:
        errors.append("完成时限早于开始日期")
    if plan.start.year > year or plan.deadline.year < year:
        errors.append(f"项目时间应覆盖{year}年")
    names = {s.name for s in sources(government)}
    unknown = [name for name in plan.budget_lines if name not in names]
    if unknown:
        errors.append(f"资金来源“{'、'.join(unknown)}”不在本级资金来源中")
    try:
        money.check_budget(plan.budget, plan.budget_lines)
    except ActionError as error:
        errors.append(str(error))
    for name, planned, _ in plan.stages:
        if planned < plan.start:
            errors.append(f"节点“{name}”的计划时间 {planned} 早于项目开始日期 {plan.start}")
    if plan.stages and sum(w for _, _, w in plan.stages) != 100:
        errors.append("各节点占形象进度之和应为100%")
    for line in plan.indicators:
        errors.extend(indicator_errors(line))
    for unit in [plan.lead_unit, *plan.co_units, *plan.places]:
        if unit is not None and unit.government_id != government.pk:
            errors.append(f"单位“{unit.label}”不属于本级")
    return errors


def indicator_errors(line: dict) -> list[str]:
    name = str(line.get("name", "")).strip()
    label = f"指标“{name or '?'}”"
    errors = []
    if not name:
        errors.append("指标缺少名称")
    if line.get("level") not in Indicator.Level.values:
        errors.append(f"{label}的一级指标应为产出、效益或满意度指标")
    if line.get("kind") not in Indicator.Kind.values:
        errors.append(f"{label}的二级指标无效")
    if line.get("comparator") not in dict(Indicator.COMPARATORS):
        errors.append(f"{label}缺少目标 (≥、≤、= 或区间)")
    try:
        target = money.value(line.get("value"), f"{label}的目标值")
        if line.get("comparator") == "range":
            top = money.value(line.get("value_max"), f"{label}的区间上限")
            if top < target:
                errors.append(f"{label}的区间上限小于下限")
    except ActionError as error:
        errors.append(str(error))
    return errors


def _stages(project: Project, stages) -> None:
    Stage.objects.bulk_create(
        [
            Stage(project=project, position=i, name=name[:60], planned=planned, weight=weight)
            for i, (name, planned, weight) in enumerate(stages)
        ]
    )


def _indicators(project: Project, lines: list[dict]) -> None:
    Indicator.objects.bulk_create(
        [
            Indicator(
                project=project,
                position=i,
                level=line["level"],
                kind=line["kind"],
                name=str(line["name"]).strip()[:200],
                comparator=line["comparator"],
                value=money.value(line["value"], "目标值"),
                value_max=money.value(line["value_max"], "区间上限") if line.get("comparator") == "range" else None,
                unit=str(line.get("unit", "")).strip()[:20],
                weight=money.value(line.get("weight") or "0", "分值"),
            )
            for i, line in enumerate(lines)
        ]
    )


def default_stages(start: datetime.date, deadline: datetime.date) -> list[tuple[str, datetime.date, int]]:
    """前期 … 投用 spread over the project's span, with their default weights."""
    span = max((deadline - start).days, 0)
    marks = [0.1, 0.25, 0.7, 0.9, 1.0]
    return [
        (name, start + datetime.timedelta(days=round(span * mark)), weight)
        for (name, weight), mark in zip(DEFAULT_STAGES, marks, strict=True)
    ]


@transaction.atomic
def open_projects(government: Government, actor, year: int, plans: list[ProjectPlan]) -> list[Project]:
    """The year's projects as draft matters in the year's projects ledger (opened if new), each with its
    Project, budget by source, stages and indicators; all or none."""
    ledger = ledger_of(government, year, lock=True)
    errors = [f"{plan.title or '?'}: {e}" for plan in plans for e in check_plan(government, plan, year)]
    if not plans:
        errors.append("没有任何项目")
    if errors:
        raise ActionError("项目有错误, 未保存任何内容: " + "; ".join(errors[:10]))
    drafts = [
        task_actions.DraftTask(code=str(i), kind="task", text=plan.title.strip(), span=None, section_title="民生实事")
        for i, plan in enumerate(plans, 1)
    ]
    if ledger is None:
        ledger = task_actions.open_ledger(
            government, actor, source=Source.PROJECTS, year=year, title=ledger_title(year), drafts=drafts
        )
        tasks = list(Task.objects.filter(report=ledger).order_by("position", "id"))
    else:
        for i, draft in enumerate(drafts, ledger.tasks.count() + 1):
            draft.code = str(i)
        tasks = task_actions.add_to_ledger(ledger, actor, drafts)
    by_name = {s.name: s for s in sources(government)}
    projects = []
    for plan, task in zip(plans, tasks, strict=True):
        task_actions.update_task(
            task.pk,
            actor,
            task.version,
            {"lead_unit": plan.lead_unit, "co_units": plan.co_units, "deadline": plan.deadline},
            learn=False,
        )
        project = Project.objects.create(
            task=task,
            government=government,
            year=year,
            candidate=plan.candidate,
            content=plan.content,
            start=plan.start,
            budget=plan.budget,
        )
        project.places.set(plan.places)
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(project=project, source=by_name[name], amount=value)
                for name, value in plan.budget_lines.items()
            ]
        )
        _stages(project, plan.stages or default_stages(plan.start, plan.deadline))
        _indicators(project, plan.indicators)
        trail.record(
            actor, model="Project", object_id=project.pk, field="created", new=f"总投资 {plan.budget} 万元", task=task
        )
        projects.append(project)
    return projects


@transaction.atomic
def choose_projects(
    government: Government, actor, year: int, *, start: datetime.date, deadline: datetime.date
) -> list[Project]:
    """The chosen candidates of the vote (or all, where the government does not vote) become the year's
    projects, their budget at first all from one source (州(市)级) until the office splits it."""
    candidates = list(
        Candidate.objects.filter(government=government, year=year, project__isnull=True).order_by("position")
    )
    voted = [c for c in candidates if c.votes is not None]
    if voted:
        candidates = [c for c in candidates if c.chosen]
    if not candidates:
        raise ActionError("没有可转为项目的候选项目")
    first_source = sources(government)[0].name
    plans = [
        ProjectPlan(
            title=c.title,
            budget=c.budget,
            start=start,
            deadline=deadline,
            content=c.content,
            lead_unit=c.lead_unit,
            budget_lines={first_source: c.budget},
            candidate=c,
        )
        for c in candidates
    ]
    return open_projects(government, actor, year, plans)


@transaction.atomic
def set_budget(project_id: int, actor, lines: dict[str, object]) -> Project:
    """The budget by source (names of the government's sources → amounts); the total follows."""
    project = Project.objects.select_for_update().select_related("task", "government").get(pk=project_id)
    by_name = {s.name: s for s in sources(project.government)}
    amounts: dict[str, Decimal] = {}
    for name, raw in lines.items():
        if name not in by_name:
            raise ActionError(f"资金来源“{name}”不在本级资金来源中")
        value = money.amount(raw, f"{name}资金", allow_empty=True)
        if value:
            amounts[name] = value
    total = sum(amounts.values(), Decimal("0.00"))
    if total <= 0:
        raise ActionError("总投资应大于0")
    old = ", ".join(f"{b.source.name}{b.amount}" for b in project.budget_lines.select_related("source"))
    project.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        [BudgetLine(project=project, source=by_name[name], amount=value) for name, value in amounts.items()]
    )
    new = ", ".join(f"{name}{value}" for name, value in amounts.items())
    trail.record(
        actor, model="Project", object_id=project.pk, field="budget_lines", old=old, new=new, task=project.task
    )
    trail.set_fields(actor, project, {"budget": total}, task=project.task)
    project.save(update_fields=["budget"])
    return project


@transaction.atomic
def set_stages(project_id: int, actor, stages: list[tuple[str, datetime.date, int]]) -> Project:
    """Replace the stages (name, planned date, weight) of a project whose stages are not yet done."""
    project = Project.objects.select_for_update().select_related("task").get(pk=project_id)
    if project.stages.filter(actual__isnull=False).exists():
        raise ActionError("已有节点完成, 不能整体替换节点; 请逐个修改计划时间")
    if not stages:
        raise ActionError("请至少填写一个节点")
    for name, planned, _ in stages:
        if not name.strip():
            raise ActionError("节点缺少名称")
        if planned < project.start:
            raise ActionError(f"节点“{name}”的计划时间 {planned} 早于项目开始日期 {project.start}")
    if sum(w for _, _, w in stages) != 100:
        raise ActionError("各节点占形象进度之和应为100%")
    old = "; ".join(f"{s.name} {s.planned}" for s in project.stages.all())
    project.stages.all().delete()
    _stages(project, stages)
    trail.record(
        actor,
        model="Project",
        object_id=project.pk,
        field="stages",
        old=old,
        new="; ".join(f"{n} {p}" for n, p, _ in stages),
        task=project.task,
    )
    return project


@transaction.atomic
def set_indicators(project_id: int, actor, lines: list[dict]) -> Project:
    """Replace the 绩效目标表 of a project on which nothing has been reported yet."""
    project = Project.objects.select_for_update().select_related("task").get(pk=project_id)
    if Indicator.objects.filter(project=project, values__isnull=False).exists():
        raise ActionError("已报送指标完成值, 不能替换绩效目标表")
    errors = [e for line in lines for e in indicator_errors(line)]
    if errors:
        raise ActionError("; ".join(errors[:10]))
    old = "; ".join(str(i) for i in project.indicators.all())
    project.indicators.all().delete()
    _indicators(project, lines)
    new = "; ".join(str(i) for i in project.indicators.all())
    trail.record(actor, model="Project", object_id=project.pk, field="indicators", old=old, new=new, task=project.task)
    return project


@transaction.atomic
def allow_overrun(project_id: int, actor, *, allowed: bool, reason: str = "") -> Project:
    """The office allows (with its reason) or forbids disbursing above what was received and spending
    above what was disbursed."""
    project = Project.objects.select_for_update().select_related("task").get(pk=project_id)
    reason = (reason or "").strip()
    if allowed and not reason:
        raise ActionError("允许超拨超支须说明理由")
    trail.set_fields(
        actor, project, {"overrun_allowed": allowed, "overrun_reason": reason if allowed else ""}, task=project.task
    )
    project.save(update_fields=["overrun_allowed", "overrun_reason"])
    return project


@transaction.atomic
def link_promise(project_id: int, actor, task_id: int | None) -> Project:
    """Link the project to the report task that promised it (same government), or unlink it."""
    project = Project.objects.select_for_update().select_related("task").get(pk=project_id)
    task = None
    if task_id is not None:
        task = Task.objects.filter(pk=task_id, report__government_id=project.government_id, kind="task").first()
        if task is None or task.report.source != Source.REPORT:
            raise ActionError("只能关联本级政府工作报告中的任务")
    trail.set_fields(actor, project, {"promised_by": task}, task=project.task)
    project.save(update_fields=["promised_by"])
    return project


BANDS = ("spend_yellow", "spend_red", "works_yellow", "works_red")


@transaction.atomic
def set_bands(project_id: int, actor, **bands) -> Project:
    """The light's bands of one project (percentage points): spending behind the time elapsed
    (``spend_yellow``/``spend_red``) and works behind spending (``works_yellow``/``works_red``); yellow at
    most red, each 0–100. The light is recorded again at once."""
    project = Project.objects.select_for_update().select_related("task").get(pk=project_id)
    unknown = set(bands) - set(BANDS)
    if unknown:
        raise ActionError("未知的红黄灯阈值")
    values = {name: getattr(project, name) for name in BANDS}
    for name, raw in bands.items():
        try:
            number = int(str(raw).strip())
        except (TypeError, ValueError):
            raise ActionError("红黄灯阈值应为0到100之间的整数") from None
        if not 0 <= number <= 100:
            raise ActionError("红黄灯阈值应为0到100之间的整数")
        values[name] = number
    if values["spend_yellow"] > values["spend_red"]:
        raise ActionError("支出进度的黄灯阈值不能大于红灯阈值")
    if values["works_yellow"] > values["works_red"]:
        raise ActionError("形象进度的黄灯阈值不能大于红灯阈值")
    trail.set_fields(actor, project, values, task=project.task)
    project.save(update_fields=list(BANDS))
    if project.task.published_at is not None:
        tracking.record_health(project.task, None, "调整红黄灯阈值")
    return project
