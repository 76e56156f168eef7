"""THE permission gate. Every decision about who may see or change what is made here.

- A supervisor (督查室) of a government sees and edits every task of that government's reports,
  drafts included, and manages its reports and unit catalog.
- A liaison sees only *published* tasks where their unit is the lead unit or a co-unit. Any other
  task answers 404, never 403, so the ledger does not leak which tasks exist.
- A leader (包抓领导) sees, read-only, the published tasks of their own government; their own
  portfolio (tasks where they are the leader) is the default filter of their ledger.
- A viewer sees the published tasks of their own government, read-only.
- Drafts are invisible to everyone outside the office.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.dashboards.models import Circular
from luoshi.projects.models import Project
from luoshi.proposals.models import Commitment, Contact, Opinion, Proposal, Relief, Reply
from luoshi.reports.models import Source, WorkReport
from luoshi.tasks.models import ACTIVE, REPORTING, Status, Task
from luoshi.tracking import health, periods
from luoshi.tracking.models import (
    ClosingRequest,
    Contribution,
    Decline,
    Evidence,
    ExtensionRequest,
    HealthChange,
    Instruction,
    Notification,
    ProgressReport,
    Reminder,
    SupervisionOrder,
)


def is_supervisor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == User.SUPERVISOR and user.government_id)


def visible_tasks(user) -> QuerySet[Task]:
    """The tasks this user may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.government_id:
        return Task.objects.none()
    tasks = Task.objects.filter(report__government_id=user.government_id)
    if user.role == User.SUPERVISOR:
        return tasks
    published = tasks.filter(published_at__isnull=False)
    if user.role == User.LIAISON:
        if not user.unit_id:
            return Task.objects.none()
        mine = Q(lead_unit_id=user.unit_id) | Q(co_units__id=user.unit_id)
        ids = published.filter(mine).values("id")
        return Task.objects.filter(id__in=ids)
    if user.role in (User.LEADER, User.VIEWER):
        return published
    return Task.objects.none()


def task_for_reading(user, pk) -> Task:
    """The task if the user may read it, else 404."""
    try:
        return visible_tasks(user).select_related("report", "lead_unit", "leader").get(pk=int(pk))
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这个任务") from None


def visible_proposals(user) -> QuerySet[Proposal]:
    """The suggestions and proposals this user may read: those whose matter the user may read (a liaison:
    where their unit is 主办 or 会办 of a published matter)."""
    return Proposal.objects.filter(task__in=visible_tasks(user).values("id"))


def proposal_for_reading(user, pk) -> Proposal:
    """The proposal if the user may read its matter, else 404."""
    try:
        return visible_proposals(user).select_related("task", "task__lead_unit").get(pk=int(pk))
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这个建议或提案") from None


def task_for_editing(user, pk) -> Task:
    """The task if the user may change it (supervisor of its government), else 404."""
    task = task_for_reading(user, pk)
    if not can_edit_task(user, task):
        raise Http404("没有这个任务")
    return task


def can_edit_task(user, task: Task) -> bool:
    return is_supervisor(user) and task.report.government_id == user.government_id


def can_acknowledge(user, task: Task) -> bool:
    """The lead unit's liaison signs for an assigned task (签收)."""
    return (
        getattr(user, "is_authenticated", False)
        and user.role == User.LIAISON
        and user.unit_id is not None
        and task.lead_unit_id == user.unit_id
        and task.status == Status.ASSIGNED
    )


def visible_reports(user) -> QuerySet[WorkReport]:
    """Reports (with their drafts and source review) are the office's working material."""
    if not is_supervisor(user):
        return WorkReport.objects.none()
    return WorkReport.objects.filter(government_id=user.government_id)


def report_for_supervisor(user, pk) -> WorkReport:
    try:
        return visible_reports(user).get(pk=int(pk))
    except (WorkReport.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这份报告") from None


def require_supervisor(user) -> None:
    """Office-only pages answer 404 to everyone else."""
    if not is_supervisor(user):
        raise Http404("页面不存在")


def can_manage_units(user) -> bool:
    return is_supervisor(user)


# ---------------------------------------------------------------------------------------------- 落实 tracking


def _liaison_of(user, unit_id) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.role == User.LIAISON
        and user.unit_id is not None
        and user.unit_id == unit_id
    )


def is_lead_liaison(user, task: Task) -> bool:
    return task.is_published and _liaison_of(user, task.lead_unit_id)


def is_co_liaison(user, task: Task) -> bool:
    return (
        task.is_published
        and getattr(user, "is_authenticated", False)
        and user.role == User.LIAISON
        and user.unit_id is not None
        and task.co_units.filter(pk=user.unit_id).exists()
    )


def answered_by_reply(task: Task) -> bool:
    """A suggestion's or proposal's matter is answered by its reply (``can_submit_reply``), not by progress
    reports, an extension or a closing request. (Such matters are exactly those of a proposals ledger.)"""
    return task.report.source == Source.PROPOSALS


def reports_with_money(task: Task) -> bool:
    """A livelihood project's matter is reported on with its money and indicators
    (``can_report_project``), not by the plain progress report. (Such matters are exactly those of a
    projects ledger.)"""
    return task.report.source == Source.PROJECTS


def can_submit_report(user, task: Task) -> bool:
    """The lead unit submits the consolidated progress report (after 签收)."""
    return (
        is_lead_liaison(user, task)
        and task.status in REPORTING
        and not answered_by_reply(task)
        and not reports_with_money(task)
    )


def can_contribute(user, task: Task) -> bool:
    """A co-unit contributes its part of a period's progress."""
    return is_co_liaison(user, task) and task.status != Status.CLOSED


def can_review_reports(user, task: Task) -> bool:
    return can_edit_task(user, task) and task.is_published


def can_request_extension(user, task: Task) -> bool:
    return (
        is_lead_liaison(user, task)
        and not task.ongoing
        and task.status in (Status.ACKNOWLEDGED, Status.IN_PROGRESS)
        and not answered_by_reply(task)
    )


def can_request_closing(user, task: Task) -> bool:
    return is_lead_liaison(user, task) and task.status in ACTIVE and not answered_by_reply(task)


def can_decide_extension(user, extension) -> bool:
    """The office decides a pending request; a request waiting for the leader is the task's leader's."""
    if extension.status == ExtensionRequest.Status.PENDING:
        return can_edit_task(user, extension.task)
    if extension.status == ExtensionRequest.Status.LEADER:
        return getattr(user, "is_authenticated", False) and user.pk == extension.task.leader_id
    return False


def can_decide_closing(user, closing) -> bool:
    return closing.status == ClosingRequest.Status.PENDING and can_edit_task(user, closing.task)


def can_instruct(user, task: Task) -> bool:
    """批示: a leader of the task's government on a published task."""
    return (
        task.is_published
        and getattr(user, "is_authenticated", False)
        and user.role == User.LEADER
        and user.government_id == task.report.government_id
    )


def can_see_deliveries(user) -> bool:
    """The delivery log (e-mail and webhook attempts) is the office's."""
    return is_supervisor(user)


def _record_of_task(user, records: QuerySet, pk, message: str, task_of=lambda record: record.task_id):
    """A record that belongs to one task (a progress report, a request, an evidence file): the record
    if the user may read its task, else 404."""
    try:
        record = records.get(pk=int(pk))
    except (records.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None
    task_for_reading(user, task_of(record))
    return record


def progress_report_for_reading(user, pk) -> ProgressReport:
    return _record_of_task(user, ProgressReport.objects.select_related("task"), pk, "没有这份进展报告")


def extension_for_reading(user, pk) -> ExtensionRequest:
    return _record_of_task(user, ExtensionRequest.objects.select_related("task", "task__report"), pk, "没有这项申请")


def closing_for_reading(user, pk) -> ClosingRequest:
    return _record_of_task(user, ClosingRequest.objects.select_related("task", "task__report"), pk, "没有这项申请")


def evidence_for_reading(user, pk) -> Evidence:
    return _record_of_task(
        user,
        Evidence.objects.select_related("progress_report"),
        pk,
        "没有这份材料",
        task_of=lambda evidence: evidence.progress_report.task_id,
    )


def notifications_of(user):
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


# ----------------------------------------------------------------------------------------- 建议提案办理
# Reading follows the matter (``proposal_for_reading``); these say who may do what to a proposal.

HANDLED = frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS})  # signed for, reply not yet submitted


def can_manage_proposals(user, government_id) -> bool:
    """The office of the proposals' government: intake, 交办, 分办, deciding 改办, reviewing replies."""
    return is_supervisor(user) and user.government_id == government_id


def can_assign_proposal(user, proposal: Proposal) -> bool:
    return can_manage_proposals(user, proposal.government_id) and proposal.task.status == Status.DRAFT


def can_request_relief(user, proposal: Proposal) -> bool:
    """退回改办: the 主办 unit before it signs for the matter, a 会办 unit while it is handled."""
    task = proposal.task
    if is_lead_liaison(user, task):
        return task.status == Status.ASSIGNED
    return is_co_liaison(user, task) and task.status in {Status.ASSIGNED, *HANDLED}


def can_give_opinion(user, proposal: Proposal) -> bool:
    return is_co_liaison(user, proposal.task) and proposal.task.status in {Status.ASSIGNED, *HANDLED}


def can_submit_reply(user, proposal: Proposal) -> bool:
    """The 主办 unit records its contacts with the author and submits the reply while handling it."""
    return is_lead_liaison(user, proposal.task) and proposal.task.status in HANDLED


def can_review_reply(user, reply) -> bool:
    return can_manage_proposals(user, reply.proposal.government_id) and reply.status == "submitted"


def can_meet_commitment(user, commitment) -> bool:
    """The unit that made a promise records that it has been met."""
    return _liaison_of(user, commitment.unit_id) and commitment.met_at is None


def open_commitments(user) -> QuerySet[Commitment]:
    """Promises of accepted B-category replies not yet met: a unit's own, or its government's for the
    office and leaders."""
    open_ = Commitment.objects.filter(met_at__isnull=True, proposal__in=visible_proposals(user).values("id"))
    if getattr(user, "role", None) == User.LIAISON:
        open_ = open_.filter(unit_id=user.unit_id)
    return open_


def can_split_proposal(user, proposal: Proposal) -> bool:
    """分办: a draft that came from the list (not a part of an earlier split), by the office."""
    return can_assign_proposal(user, proposal) and proposal.part == 0


def can_decide_relief(user, relief) -> bool:
    return can_manage_proposals(user, relief.proposal.government_id) and relief.status == "pending"


def can_see_verdict_links(user, proposal: Proposal) -> bool:
    """The authors' verdict links are sent by the office; nobody else sees them."""
    return can_manage_proposals(user, proposal.government_id)


def can_download_letter(user, reply) -> bool:
    """The reply letter of an accepted reply: the office and the unit that wrote the reply."""
    if reply.status != "accepted":
        return False
    return can_manage_proposals(user, reply.proposal.government_id) or _liaison_of(user, reply.unit_id)


def can_link_commitment(user, commitment) -> bool:
    """The office links a commitment to the ledger's matters that carry it out."""
    return can_manage_proposals(user, commitment.proposal.government_id)


def reply_for_reading(user, pk) -> Reply:
    """A reply if the user may read its proposal, else 404."""
    return _record_of_task(
        user,
        Reply.objects.select_related("proposal", "proposal__task"),
        pk,
        "没有这份答复",
        lambda r: r.proposal.task_id,
    )


def relief_for_reading(user, pk) -> Relief:
    return _record_of_task(
        user,
        Relief.objects.select_related("proposal", "proposal__task"),
        pk,
        "没有这项申请",
        lambda r: r.proposal.task_id,
    )


def commitment_for_reading(user, pk) -> Commitment:
    return _record_of_task(
        user,
        Commitment.objects.select_related("proposal", "proposal__task"),
        pk,
        "没有这个承诺事项",
        lambda c: c.proposal.task_id,
    )


def public_proposals(day) -> QuerySet[Proposal]:
    """What the public may read of suggestions and proposals: those whose latest accepted reply the unit
    marked publishable, unless the office set the matter's disclosure date after ``day`` (the tasks' embargo)."""
    latest = Reply.objects.filter(proposal=OuterRef("pk"), status="accepted").order_by("-decided_at", "-id")
    return (
        Proposal.objects.annotate(shown=Subquery(latest.values("publishable")[:1]))
        .filter(shown=True)
        .exclude(task__disclosure__embargo_until__gt=day)
    )


# ---------------------------------------------------------------------------------- dashboards, 通报, 政务公开


def dashboard_kind(user) -> str | None:
    """Which dashboard a user gets: the office's, a leader's portfolio or a unit's; None: no dashboard."""
    if is_supervisor(user):
        return "office"
    if not getattr(user, "is_authenticated", False) or not user.government_id:
        return None
    if user.role == User.LEADER:
        return "leader"
    if user.role == User.LIAISON and user.unit_id:
        return "unit"
    if user.role == User.VIEWER:
        return "office_readonly"
    return None


def default_leader_filter(user) -> int | None:
    """The leader a ledger is filtered on when none is chosen: a leader's own portfolio, else none."""
    if getattr(user, "is_authenticated", False) and user.role == User.LEADER:
        return user.pk
    return None


def dashboard_tasks(user) -> QuerySet[Task]:
    """The published tasks a dashboard counts: a leader's portfolio, a unit's share, the whole ledger."""
    tasks = visible_tasks(user).filter(kind="task", published_at__isnull=False)
    if getattr(user, "role", None) == User.LEADER:
        return tasks.filter(leader_id=user.pk)
    return tasks


def dashboard_reports(user) -> QuerySet[WorkReport]:
    """The ledgers a dashboard may switch between: those of the user's government (none without one)."""
    government_id = getattr(user, "government_id", None)
    if government_id is None:
        return WorkReport.objects.none()
    return WorkReport.objects.filter(government_id=government_id)


def dashboard_report(user, pk=None) -> WorkReport | None:
    """The ledger a dashboard shows: the given one if the user sees any task of it, else their newest."""
    reports = dashboard_reports(user)
    if pk not in (None, ""):
        try:
            return reports.get(pk=int(pk))
        except (WorkReport.DoesNotExist, ValueError, TypeError):
            raise Http404("没有这份报告") from None
    return reports.filter(tasks__published_at__isnull=False).distinct().order_by("-year", "-id").first()


def can_manage_circulars(user, report: WorkReport) -> bool:
    return is_supervisor(user) and report.government_id == user.government_id


def circular_for_reading(user, pk):
    """A circular is the office's document (leaders read it too); others get 404."""
    try:
        circular = Circular.objects.select_related("report").get(pk=int(pk))
    except (Circular.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这期通报") from None
    allowed = getattr(user, "is_authenticated", False) and user.government_id == circular.report.government_id
    if not allowed or user.role not in (User.SUPERVISOR, User.LEADER):
        raise Http404("没有这期通报")
    return circular


def export_tasks(user, report: WorkReport, unit_id=None) -> QuerySet[Task]:
    """Tasks of a ledger export: the office exports any unit's share or the whole; a liaison only
    their own unit's; a leader their portfolio. Another unit asked by a liaison is a 404."""
    tasks = visible_tasks(user).filter(report=report, kind="task")
    if not is_supervisor(user):
        tasks = tasks.filter(published_at__isnull=False)
        if user.role == User.LEADER:
            tasks = tasks.filter(leader_id=user.pk)
    if unit_id not in (None, ""):
        try:
            unit_id = int(unit_id)
        except (TypeError, ValueError):
            raise Http404("没有这个单位") from None
        if user.role == User.LIAISON and unit_id != user.unit_id:
            raise Http404("没有这个单位")
        ids = Task.objects.filter(Q(lead_unit_id=unit_id) | Q(co_units__id=unit_id)).values("id")
        tasks = tasks.filter(id__in=ids)
    return tasks


def can_manage_disclosure(user, report: WorkReport) -> bool:
    return is_supervisor(user) and report.government_id == user.government_id


# ------------------------------------------------------------------------------------------------ 民生实事
# Reading follows the matter (``project_for_reading``); these say who may do what to a project.


def visible_projects(user) -> QuerySet[Project]:
    """The livelihood projects this user may read: those whose matter the user may read."""
    return Project.objects.filter(task__in=visible_tasks(user).values("id"))


def project_for_reading(user, pk) -> Project:
    """The project if the user may read its matter, else 404."""
    try:
        return visible_projects(user).select_related("task", "task__report", "task__lead_unit").get(pk=int(pk))
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这个民生实事项目") from None


def can_manage_projects(user, government_id) -> bool:
    """The office of the projects' government: candidates and the vote, opening projects, budgets, stages,
    indicators, bands, overruns, the link to the report task, adjusting an evaluation."""
    return is_supervisor(user) and user.government_id == government_id


def can_report_project(user, project: Project) -> bool:
    """The lead unit reports a period's money, indicators and stages (after 签收), as for any report."""
    return is_lead_liaison(user, project.task) and project.task.status in REPORTING


def can_evaluate_project(user, project: Project) -> bool:
    """The lead unit writes the year-end self-evaluation of a project it reports on."""
    return is_lead_liaison(user, project.task) and project.task.is_published


def public_projects(day) -> QuerySet[Project]:
    """What the public may read of livelihood projects: those whose matter is public (the tasks' whitelist
    and embargo, ``public_tasks``)."""
    return Project.objects.filter(task__in=public_tasks(day).values("id"))


def public_tasks(day) -> QuerySet[Task]:
    """What the public may read: published tasks the office marked public whose embargo date has come."""
    return Task.objects.filter(
        kind="task",
        published_at__isnull=False,
        disclosure__public=True,
    ).filter(Q(disclosure__embargo_until__isnull=True) | Q(disclosure__embargo_until__lte=day))


# ------------------------------------------------------------------------------------------------ work first
# What each person's home page lists: the things they may act on now, by role (``work_for``), and the
# inbox items still open for them. Lists read; each item says which page and form answers it.


def open_notifications(user):
    """The inbox items that still ask something of the user and that they have not put aside as read."""
    return notifications_of(user).filter(done_at__isnull=True, read_at__isnull=True)


@dataclass
class WorkItem:
    """One thing to do on a home page: what, by when, and the page and form that does it."""

    title: str
    url: str
    text: str = ""
    due: datetime.date | None = None
    note: str = ""
    overdue: bool = False
    light: str = ""


@dataclass
class WorkSection:
    """A kind of thing to do, with every item of it (the home page shows the first few)."""

    key: str
    title: str
    items: list[WorkItem] = field(default_factory=list)
    hint: str = ""

    @property
    def count(self) -> int:
        return len(self.items)


def matter_url(task: Task, anchor: str = "") -> str:
    """The page that serves a matter, at the anchor of its form: a suggestion's or proposal's own page
    (its handling is there), a livelihood project's own page, else the task page, whose forms come first
    (``#act``)."""
    proposal_id = getattr(task, "work_proposal", None)
    if proposal_id is None:
        proposal = Proposal.objects.filter(task_id=task.pk).values_list("pk", flat=True).first()
    else:
        proposal = proposal_id or None
    if proposal:
        return f"/proposals/{proposal}/" + (f"#{anchor}" if anchor else "")
    if task.report.source == Source.PROJECTS:  # a livelihood project is reported on, with its money, there
        project = Project.objects.filter(task_id=task.pk).values_list("pk", flat=True).first()
        if project:
            return f"/projects/{project}/"
    return f"/tasks/{task.pk}/#act"


def _label(task: Task) -> str:
    return f"{task.code} {task.text}"


def _with_proposal(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.annotate(
        work_proposal=Subquery(Proposal.objects.filter(task_id=OuterRef("pk")).values("pk")[:1])
    ).select_related("report", "lead_unit")


def work_for(user, day: datetime.date | None = None) -> list[WorkSection]:
    """What the user may act on now, by role, each section's items by deadline (overdue first). Nothing
    the user cannot act on: a liaison's own unit's share, the office's decisions, a leader's portfolio."""
    day = day or timezone.localdate()
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.government_id:
        return []
    if is_supervisor(user):
        sections = _office_work(user, day)
    elif user.role == User.LIAISON and user.unit_id:
        sections = _liaison_work(user, day)
    elif user.role == User.LEADER:
        sections = _leader_work(user, day)
    else:
        sections = []
    for section in sections:
        section.items.sort(key=lambda i: (not i.overdue, i.due or datetime.date.max))
    return sections


def _report_url(task: Task, period: periods.Period) -> str:
    """The task page's form, set to report ``period``."""
    return f"/tasks/{task.pk}/?period={period.key}#act"


def _open_periods(task: Task, day: datetime.date) -> list[periods.Period]:
    """The periods a report may be submitted for on ``day``, oldest first (as the task page offers them)."""
    if task.published_at is None:
        return []
    start = health.local_date(task.published_at)
    first = periods.period_at(task.cycle, task.due_day, start).start
    candidates = periods.periods_between(task.cycle, task.due_day, min(start, day.replace(day=1)), day)
    return [p for p in candidates if p.is_open(day) and p.end >= first][-2:]


def _liaison_work(user, day: datetime.date) -> list[WorkSection]:
    unit_id = user.unit_id
    mine = visible_tasks(user).filter(kind="task")
    lead = _with_proposal(mine.filter(lead_unit_id=unit_id))
    ack = WorkSection("ack", "待签收", hint="签收后开始办理")
    for task in lead.filter(status=Status.ASSIGNED, published_at__isnull=False):
        assert task.published_at is not None
        due = health.local_date(task.published_at) + datetime.timedelta(days=settings.LUOSHI_ACKNOWLEDGE_DAYS)
        ack.items.append(WorkItem(_label(task), matter_url(task, "handling"), due=due, overdue=due < day, note="签收"))
    overdue = WorkSection("overdue", "逾期未报", hint="报送期已过, 仍可补报")
    due_now = WorkSection("due", "本期待报", hint="本期进展报告")
    returned = WorkSection("returned", "退回待改", hint="督查室退回的进展报告, 请重新报送")
    reporting = lead.filter(status__in=REPORTING, proposal__isnull=True)
    reports: dict[int, dict[str, ProgressReport]] = {}
    for report in ProgressReport.objects.filter(task__in=reporting.values("pk")).select_related("review"):
        reports.setdefault(report.task_id, {})[report.period] = report  # the latest of each period
    for task in reporting:
        for period in _open_periods(task, day):
            latest = reports.get(task.pk, {}).get(period.key)
            review = getattr(latest, "review", None) if latest else None
            if latest is not None and review is not None and review.decision == "returned":
                returned.items.append(
                    WorkItem(
                        _label(task),
                        _report_url(task, period),
                        due=period.closes,
                        note=f"{period.label}: {review.reason}",
                    )
                )
            elif latest is None:
                section = overdue if period.due < day else due_now
                section.items.append(
                    WorkItem(
                        _label(task),
                        _report_url(task, period),
                        due=period.due,
                        overdue=period.due < day,
                        note=period.label,
                    )
                )
    reply = WorkSection("reply", "建议提案待答复", hint="先沟通, 后答复")
    handled = lead.filter(status__in=HANDLED, proposal__isnull=False)
    proposals = {p.task_id: p for p in Proposal.objects.filter(task__in=handled.values("pk"))}
    contacted = set(Contact.objects.filter(proposal__in=proposals.values()).values_list("proposal_id", "round"))
    last_reply: dict[int, Reply] = {}
    for r in Reply.objects.filter(proposal__in=proposals.values()).order_by("submitted_at", "id"):
        last_reply[r.proposal_id] = r
    for task in handled:
        proposal = proposals[task.pk]
        last = last_reply.get(proposal.pk)
        back = last is not None and last.status == "returned" and last.round == proposal.round
        note = "答复被退回, 请修改后重新报送" if back else ""
        note = note or ("再次办理" if proposal.round > 1 else "")
        anchor = "replies" if (proposal.pk, proposal.round) in contacted else "contacts"
        reply.items.append(
            WorkItem(
                _label(task),
                matter_url(task, anchor),
                due=task.deadline,
                overdue=bool(task.deadline and task.deadline < day),
                note=note or ("报送答复" if anchor == "replies" else "记录沟通情况后答复"),
            )
        )
    opinion = WorkSection("opinion", "会办意见", hint="向主办单位提出会办意见")
    co = _with_proposal(mine.filter(co_units__id=unit_id))
    asked = co.filter(status__in={Status.ASSIGNED, *HANDLED}, proposal__isnull=False)
    given = set(Opinion.objects.filter(unit_id=unit_id).values_list("proposal_id", "round"))
    for proposal in Proposal.objects.filter(task__in=asked.values("pk")).select_related("task"):
        if (proposal.pk, proposal.round) in given:
            continue
        opinion_due = proposal.opinion_due
        opinion.items.append(
            WorkItem(
                _label(proposal.task),
                f"/proposals/{proposal.pk}/#opinions",
                due=opinion_due,
                overdue=bool(opinion_due and opinion_due < day),
                note=proposal.number_label,
            )
        )
    contribute = WorkSection("contribute", "配合报送", hint="配合单位报送本单位承担部分的进展")
    helping = co.filter(proposal__isnull=True).exclude(status__in=[Status.CLOSED, Status.DRAFT])
    sent = set(Contribution.objects.filter(unit_id=unit_id).values_list("task_id", "period"))
    for task in helping:
        periods_open = _open_periods(task, day)
        if periods_open and (task.pk, periods_open[-1].key) not in sent:
            period = periods_open[-1]
            contribute.items.append(
                WorkItem(
                    _label(task), _report_url(task, period), due=period.due, overdue=period.due < day, note=period.label
                )
            )
    promised = WorkSection("commitments", "B类答复承诺", hint="兑现后登记")
    for c in open_commitments(user).select_related("proposal", "proposal__task"):
        promised.items.append(
            WorkItem(
                f"{c.proposal.number_label} {c.text}",
                f"/proposals/{c.proposal_id}/#commitment-{c.pk}",
                due=c.due,
                overdue=bool(c.due and c.due < day),
                text=c.proposal.task.text,
            )
        )
    return [overdue, returned, ack, due_now, reply, opinion, contribute, promised]


def _office_work(user, day: datetime.date) -> list[WorkSection]:
    tasks = visible_tasks(user)
    review = WorkSection("review", "进展待审核", hint="采纳或退回")
    pending = (
        ProgressReport.objects.filter(task__in=tasks.values("pk"), review__isnull=True)
        .select_related("task", "unit")
        .order_by("submitted_at", "id")
    )
    for r in pending:
        review.items.append(
            WorkItem(
                _label(r.task),
                f"/tasks/{r.task_id}/#act",
                due=health.local_date(r.submitted_at),
                note=f"{r.period} {r.unit.label} 报送进度 {r.percent}%",
            )
        )
    replies = WorkSection("replies", "答复待审核", hint="建议提案的答复")
    for reply in Reply.objects.filter(proposal__task__in=tasks.values("pk"), status="submitted").select_related(
        "proposal", "proposal__task", "unit"
    ):
        replies.items.append(
            WorkItem(
                f"{reply.proposal.number_label} {reply.proposal.task.text}",
                f"/proposals/{reply.proposal_id}/#reply-{reply.pk}",
                due=health.local_date(reply.submitted_at),
                note=f"{reply.unit.label} {reply.category}类",
            )
        )
    requests = WorkSection("requests", "延期、办结与改办申请", hint="同意或不同意")
    for e in ExtensionRequest.objects.filter(
        task__in=tasks.values("pk"), status=ExtensionRequest.Status.PENDING
    ).select_related("task"):
        requests.items.append(
            WorkItem(
                _label(e.task),
                f"/tasks/{e.task_id}/#act",
                due=health.local_date(e.requested_at),
                note=f"申请延期至 {e.new_deadline:%Y-%m-%d}",
            )
        )
    for c in ClosingRequest.objects.filter(
        task__in=tasks.values("pk"), status=ClosingRequest.Status.PENDING
    ).select_related("task"):
        requests.items.append(
            WorkItem(_label(c.task), f"/tasks/{c.task_id}/#act", due=health.local_date(c.requested_at), note="申请办结")
        )
    for relief in Relief.objects.filter(proposal__task__in=tasks.values("pk"), status="pending").select_related(
        "proposal", "proposal__task", "unit"
    ):
        requests.items.append(
            WorkItem(
                f"{relief.proposal.number_label} {relief.proposal.task.text}",
                f"/proposals/{relief.proposal_id}/#reliefs",
                due=health.local_date(relief.requested_at),
                note=f"{relief.unit.label}申请退回改办",
            )
        )
    for d in Decline.objects.filter(task__in=tasks.values("pk"), status=Decline.Status.PENDING).select_related(
        "task", "unit"
    ):
        requests.items.append(
            WorkItem(
                _label(d.task),
                f"/tasks/{d.task_id}/#act",
                due=health.local_date(d.requested_at),
                note=f"{d.unit.label}拒签收, 申请调整",
            )
        )
    reds = WorkSection("reds", "昨日以来新亮红灯", hint="看原因, 督办")
    published = tasks.filter(published_at__isnull=False)
    for change in (
        HealthChange.objects.filter(
            task__in=published.values("pk"), new="red", on__gte=day - datetime.timedelta(days=1)
        )
        .exclude(old="red")
        .select_related("task")
    ):
        reds.items.append(
            WorkItem(_label(change.task), matter_url(change.task), due=change.on, note=change.cause, light="red")
        )
    orders = WorkSection("orders", "督办单待回应", hint="责任单位尚未报送进展或答复")
    for order in _unanswered(SupervisionOrder.objects.filter(task__in=published.values("pk")), "on"):
        orders.items.append(
            WorkItem(_label(order.task), matter_url(order.task), due=order.on, note=f"{order.number}: {order.cause}")
        )
    today = WorkSection("escalations", "今日提醒与催办", hint="每日督办运行的结果")
    for reminder in Reminder.objects.filter(task__in=published.values("pk"), on=day).select_related("task"):
        today.items.append(
            WorkItem(_label(reminder.task), matter_url(reminder.task), due=reminder.due, note=reminder.subject)
        )
    return [review, replies, requests, reds, orders, today]


def _unanswered(records: QuerySet, when: str) -> list:
    """督办单 or 批示 of open matters with no progress report or reply from the unit since they were given."""
    rows = list(records.exclude(task__status=Status.CLOSED).select_related("task", "task__report"))
    task_ids = {r.task_id for r in rows}
    latest: dict[int, datetime.datetime] = {}
    answers = [
        *ProgressReport.objects.filter(task_id__in=task_ids).values_list("task_id", "submitted_at"),
        *Reply.objects.filter(proposal__task_id__in=task_ids).values_list("proposal__task_id", "submitted_at"),
    ]
    for task_id, at in answers:
        if task_id not in latest or at > latest[task_id]:
            latest[task_id] = at
    out = []
    for r in rows:
        given = getattr(r, when)
        answered = latest.get(r.task_id)
        if isinstance(given, datetime.datetime):
            is_answered = answered is not None and answered > given
        else:
            is_answered = answered is not None and health.local_date(answered) >= given
        if not is_answered:
            out.append(r)
    return out


def _leader_work(user, day: datetime.date) -> list[WorkSection]:
    portfolio = dashboard_tasks(user)
    extensions = WorkSection("extensions", "待您审核的延期申请", hint="同意或不同意")
    for e in ExtensionRequest.objects.filter(
        task__leader_id=user.pk, status=ExtensionRequest.Status.LEADER
    ).select_related("task"):
        extensions.items.append(
            WorkItem(
                _label(e.task),
                f"/tasks/{e.task_id}/#act",
                due=health.local_date(e.requested_at),
                note=f"申请延期至 {e.new_deadline:%Y-%m-%d}",
            )
        )
    instructions = WorkSection("instructions", "批示未回应", hint="批示后责任单位尚未报送进展或答复")
    for i in _unanswered(Instruction.objects.filter(author=user), "at"):
        instructions.items.append(
            WorkItem(_label(i.task), matter_url(i.task), due=health.local_date(i.at), note=i.text[:60])
        )
    open_tasks = _with_proposal(portfolio.exclude(status=Status.CLOSED))
    lights = health.recorded([t.pk for t in open_tasks])
    reds = WorkSection("reds", "红灯", hint="包抓事项中亮红灯的, 及其原因")
    yellows = WorkSection("yellows", "黄灯", hint="包抓事项中亮黄灯的, 及其原因")
    for task in open_tasks:
        light = lights.get(task.pk)
        if light is not None and light.light in ("red", "yellow"):
            (reds if light.light == "red" else yellows).items.append(
                WorkItem(_label(task), matter_url(task), due=task.deadline, note=light.reason, light=light.light)
            )
    changed = WorkSection("changed", "本周灯色变化", hint="近七天")
    for change in (
        HealthChange.objects.filter(task__in=portfolio.values("pk"), on__gte=day - datetime.timedelta(days=7))
        .exclude(old="")
        .select_related("task")
        .order_by("-on", "-id")
    ):
        changed.items.append(
            WorkItem(
                _label(change.task),
                matter_url(change.task),
                due=change.on,
                note=f"{change.get_old_display()} → {change.get_new_display()}: {change.cause}",
                light=change.new,
            )
        )
    led = WorkSection("led", "领办的重点建议提案", hint="领导领办")
    for p in (
        Proposal.objects.filter(task__leader_id=user.pk, key=True)
        .exclude(task__status=Status.CLOSED)
        .select_related("task")
    ):
        led.items.append(
            WorkItem(
                f"{p.number_label} {p.task.text}",
                f"/proposals/{p.pk}/",
                due=p.task.deadline,
                overdue=bool(p.task.deadline and p.task.deadline < day),
                note=p.task.get_status_display(),
            )
        )
    return [extensions, instructions, reds, yellows, changed, led]


# ------------------------------------------------------------------------------------- 拒签收 / 申请调整


def can_decline(user, task: Task) -> bool:
    """The lead unit's liaison may decline an assigned matter (拒签收) instead of signing for it, once at a
    time; a proposal's matter asks for 退回改办 instead (``can_request_relief``)."""
    return (
        can_acknowledge(user, task)
        and not answered_by_reply(task)
        and not Decline.objects.filter(task_id=task.pk, status=Decline.Status.PENDING).exists()
    )


def can_decide_decline(user, decline) -> bool:
    """The office of the matter's government reassigns or insists on a pending decline."""
    return decline.status == Decline.Status.PENDING and can_edit_task(user, decline.task)


def decline_for_reading(user, pk) -> Decline:
    return _record_of_task(user, Decline.objects.select_related("task", "task__report", "unit"), pk, "没有这项申请")


# ------------------------------------------------------------------------------------------------ the audit


def can_read_audit(user) -> bool:
    """The audit administrator (审计管理员): an active account given the permission to view the audit trail
    (``audit.view_auditentry``, e.g. through a group "审计管理员"). Not the superuser, who is for
    installation only, nor anyone else: the page answers 404."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and not user.is_superuser
        and user.has_perm("audit.view_auditentry")
    )
