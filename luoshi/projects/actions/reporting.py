"""A project's progress report: the ordinary report of its matter (``tracking.actions.submit_report``:
the same 签收 / report / review / return flow and ladder) with the period's money figures, each
indicator's actual value and the stages done, all in one transaction or nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.tracking import actions as tracking
from luoshi.tracking.models import HealthChange, ProgressReport

from .. import money
from ..lights import latest_spending
from ..models import IndicatorValue, Project, Spending, Stage


@transaction.atomic
def report_period(
    project_id: int,
    actor,
    *,
    period: str,
    percent,
    narrative: str,
    received,
    disbursed,
    spent,
    indicators: dict[int, object] | None = None,
    stages_done: dict[int, datetime.date] | None = None,
    milestone_note: str = "",
    files=(),
    links=(),
    idempotency_key: str = "",
    at=None,
) -> tuple[ProgressReport, Spending]:
    """The lead unit's report of one period with its money (cumulative 万元: received, disbursed, spent),
    indicator actuals (indicator id → value) and stages done (stage id → actual date). Checked first —
    amounts exact and not negative, spent ≤ disbursed ≤ received ≤ budget unless the office allowed an
    overrun, none below the last report's, stage dates not before the start nor after today — then
    written whole."""
    project = Project.objects.select_for_update().select_related("task").get(pk=project_id)
    now = at or timezone.now()
    today = timezone.localtime(now).date()
    figures = (
        money.amount(received, "累计到位资金"),
        money.amount(disbursed, "累计拨付资金"),
        money.amount(spent, "累计支出资金"),
    )
    last = latest_spending(project, today)
    money.check_flow(
        *figures,
        budget=project.budget,
        previous=(last.received, last.disbursed, last.spent) if last else None,
        overrun_allowed=project.overrun_allowed,
    )
    own = {i.pk: i for i in project.indicators.all()}
    actuals: dict[int, Decimal] = {}
    for pk, raw in (indicators or {}).items():
        if int(pk) not in own:
            raise ActionError("指标不属于本项目")
        if raw in (None, ""):
            continue
        actuals[int(pk)] = money.value(raw, f"指标“{own[int(pk)].name}”的完成值")
    stages = {s.pk: s for s in project.stages.all()}
    done: dict[int, datetime.date] = {}
    for pk, day in (stages_done or {}).items():
        stage = stages.get(int(pk))
        if stage is None:
            raise ActionError("节点不属于本项目")
        if day is None:
            continue
        if day < project.start:
            raise ActionError(f"节点“{stage.name}”的完成日期 {day} 早于项目开始日期 {project.start}")
        if day > today:
            raise ActionError(f"节点“{stage.name}”的完成日期不能晚于今天")
        if stage.actual is None or stage.actual != day:
            done[stage.pk] = day
    recorded = HealthChange.objects.filter(task_id=project.task_id).aggregate(last=Max("id"))["last"] or 0
    report, created = tracking.submit_report(
        project.task_id,
        actor,
        period=period,
        percent=percent,
        narrative=narrative,
        milestone_note=milestone_note,
        files=files,
        links=links,
        idempotency_key=idempotency_key,
        at=at,
    )
    if not created:  # a retry of the same submission: the first report and its figures
        return report, Spending.objects.get(progress_report=report)
    spending = Spending.objects.create(
        progress_report=report, project=project, received=figures[0], disbursed=figures[1], spent=figures[2]
    )
    IndicatorValue.objects.bulk_create(
        [IndicatorValue(progress_report=report, indicator_id=pk, actual=value) for pk, value in actuals.items()]
    )
    for pk, day in done.items():
        stage = stages[pk]
        trail.record(
            actor,
            model="Stage",
            object_id=stage.pk,
            field="actual",
            old=stage.actual.isoformat() if stage.actual else "",
            new=day.isoformat(),
            task=project.task,
            at=now,
        )
        Stage.objects.filter(pk=pk).update(actual=day)
    # ``submit_report`` recorded the light before the money and stages above were written, so with figures
    # that are no longer true; within this transaction that record is replaced by the one light they give.
    HealthChange.objects.filter(task_id=project.task_id, id__gt=recorded).delete()
    tracking.record_health(project.task, today, f"{report.period} 报送资金与形象进度")
    return report, spending
