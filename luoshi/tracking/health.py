"""红黄绿灯: the one function that derives a task's light from its data at a given date.

Health is never stored as truth: ``compute`` reads deadlines, milestones, reports and reviews as they
stood on ``day``; only the *changes* of light are stored (``HealthChange``) for history.
Rules (bands per ledger in ``TrackingSettings``; defaults in docs/architecture.md, Domain rules):
- a matter with no reporting cycle (``cycle="none"``, e.g. a proposal awaiting its reply) is judged by
  its deadline alone: no 序时进度; done once it asks to be closed;
- red: progress more than ``red_behind`` points behind 序时进度; a milestone or the deadline passed
  unmet; ``missing_in_a_row_red`` reports in a row missing;
- yellow: progress ``yellow_behind``–``red_behind`` points behind; the latest report overdue; a returned
  report not yet answered; not acknowledged within ``acknowledge_days`` of publishing;
- green otherwise.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from luoshi.audit.models import AuditEntry
from luoshi.reports.models import WorkReport
from luoshi.tasks.models import Milestone, Status, Task

from . import periods as periods_mod
from .models import HealthChange, ProgressReport, ReportReview, TrackingSettings

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _InputsAnnotations(TypedDict):
    """What ``with_inputs`` annotates a task with."""

    health_acknowledged_at: datetime.datetime | None
    health_has_milestones: bool
    health_last_light: str | None


# The light rules of kinds above tracking (a livelihood project's money and works): each takes the matter
# and the day and returns its red and its yellow reasons, or two empty lists for a matter not of its
# kind. A kind's AppConfig.ready registers its rule; ``compute`` applies every rule to every matter.
KindRule = Callable[[Task, datetime.date], tuple[list[str], list[str]]]
KIND_RULES: list[KindRule] = []


def register_rule(rule: KindRule) -> None:
    if rule not in KIND_RULES:
        KIND_RULES.append(rule)


LABELS = {"green": "绿", "yellow": "黄", "red": "红"}
ICONS = {"green": "●", "yellow": "▲", "red": "■"}  # a shape per light: readable without colour
RANK = {"green": 0, "yellow": 1, "red": 2}


@dataclass
class Health:
    light: str
    reasons: list[str] = field(default_factory=list)
    expected: int | None = None
    reported: int | None = None
    missing: list[str] = field(default_factory=list)  # keys of due periods with no report

    @property
    def label(self) -> str:
        return LABELS[self.light]

    @property
    def icon(self) -> str:
        return ICONS[self.light]

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def recorded(task_ids) -> dict[int, Health]:
    """The last recorded light of each task (the daily run and every report, review and
    acknowledgement record it), in two queries whatever the number of tasks: for lists."""
    newest = HealthChange.objects.filter(task_id__in=task_ids).values("task_id").annotate(last=Max("id")).values("last")
    rows = HealthChange.objects.filter(id__in=Subquery(newest)).values_list("task_id", "new", "cause")
    return {task_id: Health(light, [cause] if cause else []) for task_id, light, cause in rows}


def local_date(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def bands(task: Task) -> TrackingSettings:
    if Task.report.is_cached(task) and WorkReport.tracking_settings.is_cached(task.report):
        existing = getattr(task.report, "tracking_settings", None)  # joined already (None: the ledger has none)
    else:
        existing = TrackingSettings.objects.filter(report_id=task.report_id).first()
    return existing or TrackingSettings(report_id=task.report_id, acknowledge_days=settings.LUOSHI_ACKNOWLEDGE_DAYS)


def _acknowledgements() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(field="status", new=Status.ACKNOWLEDGED).order_by("at", "id")


def acknowledged_on(task: Task) -> datetime.date | None:
    entry = _acknowledgements().filter(task=task).first()
    return local_date(entry.at) if entry else None


def changes_newest_first() -> QuerySet[HealthChange]:
    return HealthChange.objects.order_by("-on", "-id")


def last_recorded(task: Task) -> str:
    """The light of the task's last recorded change ("" if none was recorded yet)."""
    return changes_newest_first().filter(task=task).values_list("new", flat=True).first() or ""


def with_inputs(tasks: QuerySet[Task]) -> QuerySet[WithAnnotations[Task, _InputsAnnotations]]:
    """Tasks annotated with what ``compute`` and ``record_health`` otherwise read one query each (the
    acknowledgement, whether there are milestones, the last recorded light), for a write path that reads
    the task anyway; pass ``inputs(task)`` on to them. The subqueries are ``acknowledged_on``'s and
    ``last_recorded``'s own querysets."""
    return tasks.annotate(
        health_acknowledged_at=Subquery(_acknowledgements().filter(task=OuterRef("pk")).values("at")[:1]),
        health_has_milestones=Exists(Milestone.objects.filter(task=OuterRef("pk"))),
        health_last_light=Subquery(changes_newest_first().filter(task=OuterRef("pk")).values("new")[:1]),
    )


@dataclass
class Inputs:
    """What ``with_inputs`` read of one task; ``milestones`` is None when they must still be read."""

    acknowledged: datetime.date | None
    milestones: list | None
    last_light: str


def inputs(task: WithAnnotations[Task, _InputsAnnotations]) -> Inputs:
    at = task.health_acknowledged_at
    return Inputs(
        acknowledged=local_date(at) if at else None,
        milestones=None if task.health_has_milestones else [],
        last_light=task.health_last_light or "",
    )


def task_periods(task: Task, day: datetime.date) -> list[periods_mod.Period]:
    """The reporting periods of a published task up to the one containing ``day`` (or the deadline)."""
    if task.published_at is None:
        return []
    end = day if task.ongoing or task.deadline is None else min(day, task.deadline)
    return periods_mod.periods_between(task.cycle, task.due_day, local_date(task.published_at), end)


def reports_as_of(task: Task, day: datetime.date, reports=None) -> list[ProgressReport]:
    """Reports submitted by the end of ``day``, each with ``returned`` set as the review stood that day.
    ``reports``: every report of the task with its review, already read (else they are read here)."""
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    if reports is None:
        rows = list(ProgressReport.objects.filter(task=task, submitted_at__lt=end).select_related("review"))
    else:
        rows = sorted((r for r in reports if r.submitted_at < end), key=lambda r: (r.submitted_at, r.pk))
    for r in rows:
        review = getattr(r, "review", None)
        r.returned = bool(review and review.decision == ReportReview.Decision.RETURNED and review.at < end)
        r.accepted = bool(review and review.decision == ReportReview.Decision.ACCEPTED and review.at < end)
    return rows


def compute(
    task: Task,
    day: datetime.date | None = None,
    config: TrackingSettings | None = None,
    *,
    reports: list[ProgressReport] | None = None,
    given: Inputs | None = None,
) -> Health | None:
    """The light of ``task`` on ``day`` (default today); None for drafts and unpublished tasks.
    ``reports`` (every report of the task, with its review) and ``given`` (see ``with_inputs``) spare the
    queries of a caller that has read them already; the rules are the same."""
    day = day or timezone.localdate()
    if task.published_at is None or task.kind != "task" or local_date(task.published_at) > day:
        return None
    if task.status == Status.CLOSED:
        return Health("green", ["已办结"])
    s = config or bands(task)
    published = local_date(task.published_at)
    red, yellow = [], []

    reports = reports_as_of(task, day, reports)
    standing = [r for r in reports if not r.returned]
    reported = standing[-1].percent if standing else (0 if reports else None)
    expected = None
    judged_by_deadline = task.cycle not in periods_mod.MONTHS  # no periodic reports, no 序时进度
    if not judged_by_deadline and not task.ongoing and task.deadline and task.deadline > published:
        share = (day - published).days / (task.deadline - published).days
        expected = round(100 * min(1.0, max(0.0, share)))
    if expected is not None:
        behind = expected - (reported or 0)
        if behind > s.red_behind:
            red.append(f"进度 {reported or 0}% 落后序时进度 {expected}% 超过 {s.red_behind} 个百分点")
        elif behind >= s.yellow_behind:
            yellow.append(f"进度 {reported or 0}% 落后序时进度 {expected}% {behind} 个百分点")

    done = task.status == Status.CLOSING if judged_by_deadline else (reported or 0) >= 100
    if task.deadline and not task.ongoing and task.deadline < day and not done:
        red.append(f"已过完成时限 {task.deadline:%Y-%m-%d} 仍未完成")
    milestones = given.milestones if given is not None and given.milestones is not None else task.milestones.all()
    for m in milestones:
        if m.due < day and not m.done:
            red.append(f"节点“{m.title}”({m.due:%Y-%m-%d}) 逾期未完成")

    reported_periods = {r.period for r in reports}
    all_periods = task_periods(task, day)
    due = [p for p in all_periods if p.due < day]
    missing = [p.key for p in due if p.key not in reported_periods]
    # The run of missing reports ends at the newest report, even one sent early for a period not yet due.
    in_a_row = 0
    for p in reversed(all_periods):
        if p.key in reported_periods:
            break
        if p.due < day:
            in_a_row += 1
    if in_a_row >= s.missing_in_a_row_red:
        red.append(f"连续 {in_a_row} 期未报送进展")
    elif in_a_row:
        yellow.append(f"{due[-1].label}进展报告逾期未报")
    answered = {r.answers_id for r in reports if r.answers_id}
    for r in reports:
        if r.returned and r.pk not in answered:
            yellow.append(f"{r.period} 报告被退回, 尚未重新报送")

    acknowledged = given.acknowledged if given is not None else acknowledged_on(task)
    limit = published + datetime.timedelta(days=s.acknowledge_days)
    if (acknowledged is None or acknowledged > day) and day > limit:
        yellow.append(f"交办超过 {s.acknowledge_days} 天未签收")
    elif acknowledged and acknowledged > limit and day <= acknowledged + datetime.timedelta(days=30):
        yellow.append(f"逾期签收 (交办后 {(acknowledged - published).days} 天)")

    for rule in KIND_RULES:
        kind_red, kind_yellow = rule(task, day)
        red += kind_red
        yellow += kind_yellow

    if red:
        return Health("red", red, expected, reported, missing)
    if yellow:
        return Health("yellow", yellow, expected, reported, missing)
    why = f"进度 {reported}% , 序时进度 {expected}%" if expected is not None and reported is not None else "按期推进"
    return Health("green", [why], expected, reported, missing)


def compute_many(task_ids, day: datetime.date | None = None) -> dict[int, Health]:
    """Each task's light on ``day`` as ``compute`` gives it now (not as last recorded), in a fixed
    number of queries; tasks without a light are left out."""
    day = day or timezone.localdate()
    tasks = (
        with_inputs(Task.objects.filter(id__in=task_ids))
        .select_related("report", "report__tracking_settings")
        .prefetch_related(
            "milestones", Prefetch("progress_reports", queryset=ProgressReport.objects.select_related("review"))
        )
    )
    out = {}
    for task in tasks:
        light = compute(task, day, reports=list(task.progress_reports.all()), given=inputs(task))
        if light is not None:
            out[task.pk] = light
    return out
