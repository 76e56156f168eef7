"""签收 and reporting on a task: the lead unit's progress reports, co-units' parts, the office's review."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.errors import ActionError
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import REPORTING, Status, Task

from .. import health, periods
from ..evidence import check_all
from ..models import Contribution, Evidence, ProgressReport, ReportReview
from .lights import record_health
from .notify import liaisons, matching, notify, settle, supervisors

# The work report's text and import results: large, and never needed to record a progress report.
REPORT_BULK = [f"report__{name}" for name in ("source_text", "main_targets", "warnings", "dropped", "last_import")]


@transaction.atomic
def acknowledge(task_id: int, actor, at=None) -> Task:
    """签收 by the lead unit's liaison, and the light that follows from it; a task that never ends moves
    on to 常态化推进. (``at``: when, for simulated history; default now.)"""
    task = Task.objects.select_for_update().get(pk=task_id)
    if task.status != Status.ASSIGNED:
        raise ActionError("只有已交办的任务可以签收")
    task_actions.move(task, actor, Status.ACKNOWLEDGED, at=at)
    if task.ongoing:
        task_actions.move(task, actor, Status.ONGOING, at=at)
    if task.lead_unit_id is not None:  # 签收: what the 交办 asked of the unit
        settle(task, ["assign"], unit=task.lead_unit, at=at)
    record_health(task, health.local_date(at or timezone.now()), "签收")
    return task


def open_period(task: Task, key: str, day: datetime.date) -> periods.Period:
    period = periods.parse(task.cycle, task.due_day, key)
    if period is None:
        raise ActionError(f"报送期“{key}”格式不对 (如 2026-03、2026-Q1)")
    published = health.local_date(task.published_at) if task.published_at else day
    if day < period.opens or period.end < periods.period_at(task.cycle, task.due_day, published).start:
        raise ActionError(f"{period.label}尚未开始报送 ({period.opens:%Y-%m-%d} 起)")
    if day > period.closes:
        raise ActionError(f"{period.label}已截止报送 ({period.closes:%Y-%m-%d}), 请报送当期进展")
    return period


def submit_report(
    task_id: int,
    actor,
    *,
    period: str,
    percent,
    narrative: str,
    milestone_note: str = "",
    files=(),
    links=(),
    idempotency_key: str = "",
    at=None,
) -> tuple[ProgressReport, bool]:
    """A lead unit's progress report for one period. Returns (report, created): a retry with the same
    idempotency key returns the first report. Evidence is checked before anything is written, and files
    written are removed again if the transaction fails.

    The returned report carries its unit, author, review and evidence, so that showing it reads nothing."""
    key = (idempotency_key or "").strip()[:100]
    try:
        percent, narrative = _checked_report(percent, narrative)
        checked_files, checked_links = check_all(files, links)
    except ActionError:
        existing = _by_key(task_id, key)
        if existing is not None:  # a retry is answered with the first report, whatever it carries
            return existing, False
        raise
    written: list[Evidence] = []
    try:
        with transaction.atomic():
            return _create_report(
                task_id,
                actor,
                period,
                percent,
                narrative,
                milestone_note,
                key,
                checked_files,
                checked_links,
                at,
                written,
            )
    except IntegrityError:
        for e in written:
            if e.file.name:
                e.file.storage.delete(e.file.name)
        existing = _by_key(task_id, key)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        for e in written:
            if e.file.name:  # as ``bool(e.file)``
                e.file.storage.delete(e.file.name)
        raise


def _checked_report(percent, narrative) -> tuple[int, str]:
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise ActionError("完成进度须为 0 到 100 的整数") from None
    if not 0 <= percent <= 100:
        raise ActionError("完成进度须在 0 到 100 之间")
    narrative = (narrative or "").strip()
    if not narrative:
        raise ActionError("请填写进展情况")
    return percent, narrative


def _by_key(task_id: int, key: str) -> ProgressReport | None:
    if not key:
        return None
    return ProgressReport.objects.filter(task_id=task_id, idempotency_key=key).first()


def _create_report(task_id, actor, key_period, percent, narrative, note, key, files, links, at, written):
    """Inside the transaction: one query locks the task and reads what its light depends on besides its
    reports (health.with_inputs), one reads the reports; the light after the new report is computed from
    these, with the same rules as every other light."""
    now = at or timezone.now()
    day = health.local_date(now)
    task = (
        health.with_inputs(Task.objects.select_for_update(of=("self",)))
        .select_related("report", "report__tracking_settings", "lead_unit")
        .defer(*REPORT_BULK)
        .get(pk=task_id)
    )
    reports = list(ProgressReport.objects.filter(task=task).select_related("review"))
    if key:
        for r in reports:
            if r.idempotency_key == key:  # a retry (the first one committed while this one waited for the lock)
                return r, False
    if task.status == Status.ASSIGNED:
        raise ActionError("请先签收任务, 再报送进展")
    if task.status not in REPORTING:
        raise ActionError("该任务当前状态不能报送进展")
    period = open_period(task, key_period, day)
    previous = [r for r in reports if r.period == period.key]
    latest = previous[-1] if previous else None
    if latest is not None:
        review = getattr(latest, "review", None)
        if review is None:
            raise ActionError(f"{period.label}的进展已报送, 正在审核; 如需更正, 请待督查室退回后重新报送")
        if review.decision == ReportReview.Decision.ACCEPTED:
            raise ActionError(f"{period.label}的进展已被采纳, 不能重复报送")
    report = ProgressReport.objects.create(
        task=task,
        period=period.key,
        percent=percent,
        narrative=narrative,
        milestone_note=(note or "").strip(),
        unit=actor.unit,
        author=actor,
        submitted_at=now,
        answers=latest,
        idempotency_key=key,
    )
    ProgressReport.review.related.set_cached_value(report, None)  # a new report has no review yet
    evidence = []
    for f in files:
        item = Evidence(progress_report=report, name=f.name, kind=f.kind, size=len(f.data))
        item.file.save(f.name, ContentFile(f.data), save=False)
        written.append(item)
        item.save()
        evidence.append(item)
    if links:
        evidence += Evidence.objects.bulk_create(
            [Evidence(progress_report=report, name=url[:200], kind="link", url=url) for url in links]
        )
    _known_evidence(report, evidence)
    if task.status == Status.ACKNOWLEDGED:
        task_actions.move(task, actor, Status.ONGOING if task.ongoing else Status.IN_PROGRESS, at=at)
    late = "" if now.date() <= period.due or day <= period.due else " (逾期报送)"
    notify(
        supervisors(task),
        task=task,
        kind="report",
        title=f"{task.code} {period.label}进展待审核{late}",
        body=f"{task.lead_unit.label if task.lead_unit else ''} 报送进度 {percent}%",
        on=day,
        outside=False,
    )
    _settle_answered(task, period, reports, now)
    given = health.inputs(task)
    current = health.compute(task, day, reports=[*reports, report], given=given)
    record_health(task, day, f"{period.label}报送进展", current=current, last=given.last_light)
    return report, True


def _settle_answered(task: Task, period: periods.Period, reports: list[ProgressReport], now) -> None:
    """What a lead unit's report of ``period`` answers, in one statement: the reminders and 催办 of this
    period and of earlier ones that are reported or can no longer be (the ladder asks for the latest
    period only), a return of this period, its co-units' parts, and every 督办单 and 批示 on the task so far."""
    unit = task.lead_unit
    reported = {r.period for r in reports} | {period.key}
    day = health.local_date(now)
    start = health.local_date(task.published_at) if task.published_at else period.start
    earlier = periods.periods_between(task.cycle, task.due_day, min(start, period.start), period.end)
    done = [p for p in earlier if p.key in reported or p.closes < day or p.key == period.key]
    settle(
        task,
        at=now,
        any_of=[
            matching(["order", "instruction"]),
            *(
                [
                    matching(["remind", "urge"], unit=unit, subjects=[f"{p.label}进展报告" for p in done]),
                    matching(["review"], unit=unit, subjects=[f" {period.key} 进展报告"]),
                    matching(["contribution"], unit=unit),
                ]
                if unit is not None
                else []
            ),
        ],
    )


def _known_evidence(report: ProgressReport, evidence: list[Evidence]) -> None:
    """Remember the evidence just written as the report's ``evidence`` (as prefetch_related would)."""
    rows = report.evidence.all()
    rows._result_cache = evidence
    rows._prefetch_done = True  # type: ignore[attr-defined]  # Django's private prefetch state, not in the stubs
    report._prefetched_objects_cache = {"evidence": rows}  # type: ignore[attr-defined]  # likewise


@transaction.atomic
def contribute(task_id: int, actor, *, period: str, narrative: str, at=None) -> Contribution:
    """A co-unit's part for one period; the lead unit sees it when writing the consolidated report."""
    now = at or timezone.now()
    task = Task.objects.select_related("report", "lead_unit").get(pk=task_id)
    narrative = (narrative or "").strip()
    if not narrative:
        raise ActionError("请填写配合工作进展")
    p = open_period(task, period, health.local_date(now))
    contribution = Contribution.objects.create(
        task=task, period=p.key, unit=actor.unit, author=actor, narrative=narrative, submitted_at=now
    )
    settle(task, ["instruction"], users=liaisons(actor.unit), at=now)  # the co-unit's part answers a 批示 to it
    notify(
        liaisons(task.lead_unit),
        task=task,
        kind="contribution",
        title=f"{task.code} 配合单位{actor.unit.label}报送了{p.label}进展",
        body=narrative[:100],
        on=health.local_date(now),
        outside=False,
    )
    return contribution


@transaction.atomic
def review_report(report_id: int, actor, *, decision: str, reason: str = "", at=None) -> ReportReview:
    """The office accepts a report, or returns it with a reason for the unit to answer."""
    now = at or timezone.now()
    if decision not in ReportReview.Decision.values:
        raise ActionError("审核结果只能是采纳或退回")
    reason = (reason or "").strip()
    if decision == ReportReview.Decision.RETURNED and not reason:
        raise ActionError("退回须说明理由")
    report = ProgressReport.objects.select_for_update().select_related("task", "task__report").get(pk=report_id)
    if ReportReview.objects.filter(progress_report=report).exists():
        raise ActionError("该报告已审核")
    review = ReportReview.objects.create(
        progress_report=report, decision=decision, reason=reason, reviewer=actor, at=now
    )
    task = report.task
    accepted = decision == ReportReview.Decision.ACCEPTED
    word = "已采纳" if accepted else "被退回"
    period = periods.parse(task.cycle, task.due_day, report.period)
    if period is not None:  # the item that asked for this report's review
        settle(task, ["report"], users=supervisors(task), at=now, subjects=[f" {period.label}进展待审核"])
    if not ProgressReport.objects.filter(task=task, review__isnull=True).exists():
        settle(task, ["report"], users=supervisors(task), at=now)  # nothing of the task waits for review
    notify(
        liaisons(report.unit),
        task=task,
        kind="review",
        title=f"{task.code} {report.period} 进展报告{word}",
        body=reason,
        units=[report.unit],
        on=health.local_date(now),
        todo=not accepted,  # a returned report asks for an answer; an accepted one only tells
    )
    record_health(task, health.local_date(now), f"{report.period} 报告{word}")
    return review
