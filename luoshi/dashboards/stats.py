"""Figures of the dashboards, the 通报 and the public pages.

Every figure comes from a fixed number of queries whatever the size of the ledger: the tasks' columns,
the latest recorded light of each task (``HealthChange``, written by the daily run and by every action
that moves a light), the latest standing progress report of each task (one ``MAX(id)`` aggregate per
task), the unit and leader names, and the reported periods of this week. Grouping by section, unit,
leader and locality is then done on those rows in memory.

The light shown is the one last recorded on or before the day asked (``health.compute`` is the rule;
this module only reads its recorded results, so a page over 10,000 tasks stays fast). The one exception is
the 通报 as it stands today (``circular_rows``), which applies the rule to a ledger's tasks with
``health.compute_many``; a numbered 通报 freezes ``snapshot`` of the recorded figures.

建议提案办理 has its own figures (``proposal_stats``: 按时办复率, 满意率, 解决率, 再次办理 and the overdue
matters), read from the replies, the 领衔人's verdicts and, for a matter handled again, the audit trail;
a 通报 of a proposals ledger freezes them beside the others.

民生实事 has its money (``project_stats``): budget, received, disbursed and spent (万元, exact decimals), the
spending progress against the time elapsed (双监控), the stage each project has reached and its light, by
lead unit and by place.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from luoshi.accounts.models import Unit, User
from luoshi.audit.models import AuditEntry
from luoshi.projects.models import Project, Spending, Stage
from luoshi.proposals.models import Category, Proposal, Reply, Verdict
from luoshi.reports.models import Source, WorkReport
from luoshi.tasks.models import Status, Task
from luoshi.tracking import health, periods
from luoshi.tracking.models import HealthChange, ProgressReport, ReportReview, SupervisionOrder

LIGHTS = ["green", "yellow", "red", "none"]
# the lights' words and shapes are tracking's; a task not yet checked has its own
LIGHT_LABELS = {**{light: f"{label}灯" for light, label in health.LABELS.items()}, "none": "未评估"}
LIGHT_ICONS = {**health.ICONS, "none": "○"}
STATUS_LABELS = dict(Status.choices)


@dataclass(slots=True)
class Row:
    """One published task as the dashboards see it."""

    id: int
    code: str
    text: str
    report_id: int
    section_number: str
    section_title: str
    status: str
    deadline: datetime.date | None
    ongoing: bool
    lead_unit_id: int | None = None
    lead_unit: str = ""
    leader_id: int | None = None
    leader: str = ""
    co_unit_ids: list[int] = field(default_factory=list)
    light: str = "none"
    light_reason: str = ""
    percent: int | None = None
    updated: datetime.date | None = None
    overdue: bool = False
    due: datetime.date | None = None  # a report due this week and not yet sent
    due_label: str = ""
    orders: list = field(default_factory=list)  # its 督办单, read only for the 通报 listing

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def light_icon(self) -> str:
        return LIGHT_ICONS[self.light]

    @property
    def progress(self) -> int:
        return 100 if self.status == Status.CLOSED else (self.percent or 0)


def end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day - datetime.timedelta(days=day.weekday())
    return start, start + datetime.timedelta(days=6)


# A returned report no longer stands (an anti-join on the few returned reviews, not a join on all of them).
RETURNED = Exists(
    ReportReview.objects.filter(progress_report_id=OuterRef("pk"), decision=ReportReview.Decision.RETURNED)
)


def latest_reports(task_ids, day: datetime.date, *, accepted_only: bool = False) -> QuerySet:
    """(task_id, percent, submitted_at) of each task's latest standing report by the end of ``day``:
    not returned (or, for the public, accepted). One query: ``MAX(id)`` per task in a subquery."""
    reports = ProgressReport.objects.filter(task_id__in=task_ids, submitted_at__lt=end_of(day))
    reports = (
        reports.filter(review__decision=ReportReview.Decision.ACCEPTED) if accepted_only else reports.exclude(RETURNED)
    )
    newest = reports.values("task_id").annotate(last=Max("id")).values("last")
    return (
        ProgressReport.objects.filter(id__in=Subquery(newest))
        .order_by()
        .annotate(on=TruncDate("submitted_at"))
        .values_list("task_id", "percent", "on")
    )


def latest_lights(task_ids, day: datetime.date) -> QuerySet:
    newest = (
        HealthChange.objects.filter(task_id__in=task_ids, on__lte=day)
        .values("task_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    return HealthChange.objects.filter(id__in=Subquery(newest)).order_by().values_list("task_id", "new", "cause")


def collect(tasks: QuerySet[Task], day: datetime.date | None = None, *, public: bool = False) -> list[Row]:
    """The rows of these (published) tasks on ``day``. ``public``: accepted reports only, no names, no lights."""
    day = day or timezone.localdate()
    ids = tasks.values("id")
    columns = (
        "id",
        "code",
        "text",
        "report_id",
        "section_number",
        "section_title",
        "status",
        "deadline",
        "ongoing",
        "lead_unit_id",
        "leader_id",
        "cycle",
        "due_day",
        "published_on",
    )
    raw = list(
        Task.objects.filter(id__in=ids)
        .annotate(published_on=TruncDate("published_at"))
        .order_by("report_id", "position", "id")
        .values_list(*columns)
    )
    units = dict(
        Unit.objects.filter(government_id__in=tasks.values("report__government_id")).values_list("id", "short_name")
    )
    progress = {t: (p, s) for t, p, s in latest_reports(ids, day, accepted_only=public)}
    lights: dict[int, tuple[str, str]] = {}
    leaders: dict[int, str] = {}
    co_units: dict[int, list[int]] = {}
    if not public:
        lights = {t: (new, cause) for t, new, cause in latest_lights(ids, day)}
        for pk, family, given, username in User.objects.filter(id__in=tasks.values("leader_id")).values_list(
            "id", "last_name", "first_name", "username"
        ):
            leaders[pk] = f"{family}{given}".strip() or username
        for task_id, unit_id in Task.co_units.through.objects.filter(task_id__in=ids).values_list("task_id", "unit_id"):
            co_units.setdefault(task_id, []).append(unit_id)

    rows, candidates, this_week = [], {}, {}
    week_start, week_end = week_of(day)
    for pk, code, text, report_id, sn, st, status, deadline, ongoing, lead, leader, cycle, due_day, published in raw:
        row = Row(pk, code, text, report_id, sn, st, status, deadline, ongoing)
        row.lead_unit_id, row.lead_unit = lead, units.get(lead, "")
        if not public:
            row.leader_id, row.leader = leader, leaders.get(leader, "")
            row.co_unit_ids = co_units.get(pk, [])
            if pk in lights:
                row.light, row.light_reason = lights[pk]
        if pk in progress:
            percent, submitted = progress[pk]
            row.percent, row.updated = percent, submitted
        row.overdue = bool(
            status != Status.CLOSED and not ongoing and deadline and deadline < day and (row.percent or 0) < 100
        )
        if not public and status not in (Status.CLOSED, Status.DRAFT):
            if (cycle, due_day) not in this_week:
                this_week[(cycle, due_day)] = {
                    p.key: p
                    for p in (
                        periods.period_at(cycle, due_day, week_start),
                        periods.period_at(cycle, due_day, week_end),
                    )
                    if week_start <= p.due <= week_end
                }
            for period in this_week[(cycle, due_day)].values():
                if published and period.due >= published and not (deadline and not ongoing and period.start > deadline):
                    candidates[(pk, period.key)] = (row, period)
        rows.append(row)
    if candidates:
        keys = {key for _, key in candidates}
        sent = set(ProgressReport.objects.filter(task_id__in=ids, period__in=keys).values_list("task_id", "period"))
        for (pk, key), (row, period) in candidates.items():
            if (pk, key) not in sent:
                row.due, row.due_label = period.due, period.label
    return rows


@dataclass
class Group:
    key: object
    label: str
    total: int = 0
    closed: int = 0
    progress_sum: int = 0
    overdue: int = 0
    lights: dict = field(default_factory=lambda: dict.fromkeys(LIGHTS, 0))

    green = property(lambda self: self.lights["green"])
    yellow = property(lambda self: self.lights["yellow"])
    red = property(lambda self: self.lights["red"])
    none = property(lambda self: self.lights["none"])

    @property
    def progress(self) -> int:
        return round(self.progress_sum / self.total) if self.total else 0

    @property
    def completion(self) -> int:
        return round(100 * self.closed / self.total) if self.total else 0

    def add(self, row: Row) -> None:
        self.total += 1
        if row.status == Status.CLOSED:
            self.closed += 1
            self.progress_sum += 100
        else:
            self.progress_sum += row.percent or 0
        if row.overdue:
            self.overdue += 1
        self.lights[row.light] += 1

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "total": self.total,
            "closed": self.closed,
            "overdue": self.overdue,
            **self.lights,
            "progress": self.progress,
            "completion": self.completion,
        }


def circular_rows(report, day: datetime.date | None = None) -> list[Row]:
    """通报 as it stands: the ledger's red and yellow published tasks on ``day`` with their current light
    (``health.compute_many``) and 督办单, red first, in ledger order within a light."""
    day = day or timezone.localdate()
    tasks = report.tasks.filter(kind="task", published_at__isnull=False)
    rows = collect(tasks, day)
    lights = health.compute_many([r.id for r in rows], day)
    listed = []
    for row in rows:
        light = lights.get(row.id)
        if light is not None and light.light != "green":
            row.light, row.light_reason = light.light, light.reason
            listed.append(row)
    by_task: dict[int, list] = {}
    for order in SupervisionOrder.objects.filter(task_id__in=[r.id for r in listed]):
        by_task.setdefault(order.task_id, []).append(order)
    for row in listed:
        row.orders = by_task.get(row.id, [])
    listed.sort(key=lambda r: -health.RANK[r.light])
    return listed


def summarize(rows: list[Row]) -> Group:
    total = Group("all", "合计")
    for row in rows:
        total.add(row)
    return total


def group_by(rows: list[Row], dimension: str, unit_kinds: dict | None = None) -> list[Group]:
    """Groups by ``section``, ``unit`` (lead unit), ``leader`` or ``locality`` (a subordinate government,
    lead or co-unit: a task counts once for each locality it involves)."""
    groups: dict = {}

    def bucket(key, label):
        if key not in groups:
            groups[key] = Group(key, label or "未定")
        return groups[key]

    for row in rows:
        if dimension == "section":
            bucket(row.section_number or row.section_title, f"{row.section_number} {row.section_title}".strip()).add(
                row
            )
        elif dimension == "unit":
            bucket(row.lead_unit_id, row.lead_unit).add(row)
        elif dimension == "leader":
            bucket(row.leader_id, row.leader).add(row)
        elif dimension == "locality":
            kinds = unit_kinds or {}
            places = [u for u in [row.lead_unit_id, *row.co_unit_ids] if kinds.get(u, ("", ""))[0] == "government"]
            for unit_id in dict.fromkeys(places):
                bucket(unit_id, kinds[unit_id][1]).add(row)
    return list(groups.values())


def unit_kinds(rows: list[Row]) -> dict:
    ids = {r.lead_unit_id for r in rows if r.lead_unit_id is not None} | {u for r in rows for u in r.co_unit_ids}
    return {
        pk: (kind, label) for pk, kind, label in Unit.objects.filter(id__in=ids).values_list("id", "kind", "short_name")
    }


SORT_KEYS = {
    "name": lambda g: g.label,
    "total": lambda g: g.total,
    "progress": lambda g: g.progress,
    "completion": lambda g: g.completion,
    "red": lambda g: g.red,
    "yellow": lambda g: g.yellow,
    "overdue": lambda g: g.overdue,
}


def sort_groups(groups: list[Group], sort: str, order: str) -> list[Group]:
    key = SORT_KEYS.get(sort)
    if key is None:
        return groups
    return sorted(groups, key=key, reverse=order == "desc")


def trend(tasks: QuerySet[Task], day: datetime.date | None = None) -> list[dict]:
    """By reporting period: how many standing reports came in and their average progress (one query)."""
    day = day or timezone.localdate()
    rows = (
        ProgressReport.objects.filter(task_id__in=tasks.values("id"), submitted_at__lt=end_of(day))
        .exclude(RETURNED)
        .values("period")
        .annotate(reports=Count("id"), average=Avg("percent"))
        .order_by("period")
    )
    out = []
    for r in rows:
        key = r["period"]
        label = f"{int(key[5:])}月" if len(key) == 7 and key[5:].isdigit() else key[2:]
        out.append({"month": key, "label": label, "reports": r["reports"], "average": round(r["average"] or 0)})
    return out[-12:]


def public_report_counts(tasks: QuerySet[Task]) -> dict:
    """Per report: number of public tasks and how many are closed (one aggregate query)."""
    rows = tasks.values("report_id").annotate(total=Count("id"), closed=Count("id", filter=Q(status=Status.CLOSED)))
    return {r["report_id"]: r for r in rows}


def snapshot(rows: list[Row], day: datetime.date, unit_kinds_map: dict | None = None) -> dict:
    """The frozen figures of a 通报: summary, table by unit, red and overdue tasks, units that did well."""
    units = sorted(group_by(rows, "unit"), key=lambda g: (-g.red, -g.overdue, g.label))
    good = [
        g
        for g in sorted(units, key=lambda g: (-g.progress, g.label))
        if g.total and g.red == 0 and g.yellow == 0 and g.overdue == 0 and g.none < g.total
    ][:10]

    def task(row: Row) -> dict:
        return {
            "code": row.code,
            "text": row.text,
            "unit": row.lead_unit,
            "percent": row.progress,
            "reason": row.light_reason,
            "deadline": row.deadline.isoformat() if row.deadline else "",
        }

    return {
        "as_of": day.isoformat(),
        "summary": summarize(rows).as_dict(),
        "units": [g.as_dict() for g in units],
        "red": [task(r) for r in rows if r.light == "red"],
        "overdue": [task(r) for r in rows if r.overdue],
        "good": [g.as_dict() for g in good],
        **_proposals_of(rows, day),
    }


def _proposals_of(rows: list[Row], day: datetime.date) -> dict:
    """A 通报 of a proposals ledger also freezes the proposals' figures (``proposal_stats``)."""
    ledgers = WorkReport.objects.filter(id__in={r.report_id for r in rows}, source=Source.PROPOSALS)
    if not rows or not ledgers.exists():
        return {}
    proposals = Proposal.objects.filter(task__report__in=ledgers, task__kind="task")
    return {"proposals": proposal_stats(proposals, day).as_dict()}


# ------------------------------------------------------------------------------------- 建议提案办理


def percent(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole per cent, rounded half up (1 of 8 is 13); None when ``whole`` is 0."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass
class ProposalGroup:
    """The handling figures of some suggestions and proposals (all, one 主办 unit's, one 领办 leader's)."""

    key: object
    label: str
    assigned: int = 0  # 交办 by the day
    replied: int = 0  # with an accepted reply in the first round
    timely_due: int = 0  # those the on-time rate judges: replied in round 1, or its deadline passed
    timely: int = 0  # of those, replied on or before the first round's deadline
    verdicts: int = 0  # the 领衔人's verdicts, every round
    satisfied: int = 0  # of those, 满意 or 基本满意
    answered: int = 0  # with an accepted reply in any round
    solved: int = 0  # of those, the latest accepted reply is category A
    again: int = 0  # 再次办理: in a second (or later) round
    overdue: int = 0  # deadline of the current round passed with no reply submitted

    @property
    def timely_rate(self) -> int | None:
        return percent(self.timely, self.timely_due)

    @property
    def satisfied_rate(self) -> int | None:
        return percent(self.satisfied, self.verdicts)

    @property
    def solved_rate(self) -> int | None:
        return percent(self.solved, self.answered)

    def add(self, figures: ProposalGroup) -> None:
        for name in (
            "assigned",
            "replied",
            "timely_due",
            "timely",
            "verdicts",
            "satisfied",
            "answered",
            "solved",
            "again",
            "overdue",
        ):
            setattr(self, name, getattr(self, name) + getattr(figures, name))

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "assigned": self.assigned,
            "replied": self.replied,
            "timely_due": self.timely_due,
            "timely": self.timely,
            "timely_rate": self.timely_rate,
            "verdicts": self.verdicts,
            "satisfied": self.satisfied,
            "satisfied_rate": self.satisfied_rate,
            "answered": self.answered,
            "solved": self.solved,
            "solved_rate": self.solved_rate,
            "again": self.again,
            "overdue": self.overdue,
        }


@dataclass
class OverdueProposal:
    """A matter past its current round's deadline with no reply submitted."""

    proposal_id: int
    task_id: int
    kind_label: str
    session: str
    number_label: str
    title: str
    unit: str
    round: int
    deadline: datetime.date
    days: int  # days overdue: the day asked minus the deadline

    def as_dict(self) -> dict:
        return {
            "proposal_id": self.proposal_id,
            "task_id": self.task_id,
            "kind_label": self.kind_label,
            "session": self.session,
            "number_label": self.number_label,
            "title": self.title,
            "unit": self.unit,
            "round": self.round,
            "deadline": self.deadline.isoformat(),
            "days": self.days,
        }


@dataclass
class ProposalStats:
    day: datetime.date
    summary: ProposalGroup
    units: list[ProposalGroup]
    leaders: list[ProposalGroup]
    overdue: list[OverdueProposal]

    def as_dict(self) -> dict:
        return {
            "as_of": self.day.isoformat(),
            "summary": self.summary.as_dict(),
            "units": [g.as_dict() for g in self.units],
            "leaders": [g.as_dict() for g in self.leaders],
            "overdue": [o.as_dict() for o in self.overdue],
        }


def _number_key(proposal: Proposal) -> tuple:
    number = proposal.number
    return (proposal.session, proposal.kind, int(number) if number.isdigit() else 0, number, proposal.part)


def proposal_stats(proposals: QuerySet[Proposal], day: datetime.date | None = None) -> ProposalStats:
    """The handling figures of ``proposals`` as they stood at the end of ``day`` (today by default): overall,
    by 主办 unit (the matter's lead unit) and by 领办 leader (the matter's leader), and the overdue matters.
    At most four queries whatever the number of matters.

    Definitions — "by the day" means at or before the end of ``day``, Beijing time:

    - **assigned** (交办): the matter was published (交办) by the day. Only assigned matters count at all.
    - **replied** (已办复): it has a reply of round 1 accepted by the day.
    - **按时办复率** (``timely_rate``) = on time / judged. *Judged*: assigned matters that are replied, or
      whose round-1 deadline is before the day (a matter still within its time is not judged yet).
      *On time*: replied, and the date (Beijing time) of the acceptance of its round-1 reply is on or before
      the round-1 deadline. The round-1 deadline is the matter's deadline as it stands while it is in round
      1 (an extension counts); after 再次办理 it is read from the audit trail (the old value of the deadline
      change made when the 领衔人's 不满意 reopened the matter). A matter with no deadline is not judged.
    - **满意率** (``satisfied_rate``) = 满意 or 基本满意 / all verdicts of the 领衔人 by the day, each round's
      verdict counting once (co-signers' verdicts do not count).
    - **解决率** (``solved_rate``) = category A / matters with an accepted reply by the day, taking each
      matter's latest accepted reply (the highest round).
    - **再次办理** (``again``): matters in round 2 or later on the day (the 领衔人 was 不满意 by then).
    - **overdue** (逾期未答复): the deadline of the round the matter is in on the day is before the day, and
      no reply of that round stands: none submitted by the day, or each one returned by the day. Days
      overdue = the day minus that deadline.

    Rates are whole per cent rounded half up (``percent``), None when nothing is judged. Units are
    ordered by overdue matters (most first), then name; leaders by name; overdue matters by days overdue
    (most first), then session and number.
    """
    day = day or timezone.localdate()
    end = end_of(day)
    chosen = proposals.filter(assigned_on__isnull=False, task__published_at__lt=end)
    assigned = sorted(
        Proposal.objects.filter(id__in=chosen.values("id")).select_related("task", "task__lead_unit", "task__leader"),
        key=_number_key,
    )
    replies: dict[int, list] = {}
    for pk, *reply in Reply.objects.filter(proposal_id__in=chosen.values("id"), submitted_at__lt=end).values_list(
        "proposal_id", "round", "status", "category", "decided_at"
    ):
        replies.setdefault(pk, []).append(tuple(reply))
    # every 领衔人 verdict, also after the day: a 不满意 marks where a round (and its deadline) ended
    verdicts: dict[int, list] = {}
    for pk, *verdict in Verdict.objects.filter(proposal_id__in=chosen.values("id"), lead=True).values_list(
        "proposal_id", "round", "opinion", "at"
    ):
        verdicts.setdefault(pk, []).append(tuple(verdict))
    reopened = {
        p.task_id
        for p in assigned
        if any(opinion == Verdict.Opinion.UNSATISFIED for _, opinion, _ in verdicts.get(p.pk, ()))
    }
    deadline_changes: dict[tuple[int, datetime.datetime], str] = {}
    if reopened:
        for task_id, at, old in AuditEntry.objects.filter(
            model="Task", field="deadline", task_id__in=reopened
        ).values_list("task_id", "at", "old"):
            deadline_changes[(task_id, at)] = old

    def deadline_of(proposal: Proposal, round_: int) -> datetime.date | None:
        """The deadline of round ``round_``: the matter's own in its current round, else the one the
        reopening replaced."""
        if round_ >= proposal.round:
            return proposal.task.deadline
        for r, opinion, at in verdicts.get(proposal.pk, ()):
            if r == round_ and opinion == Verdict.Opinion.UNSATISFIED:
                old = deadline_changes.get((proposal.task_id, at), "")
                return datetime.date.fromisoformat(old) if old else None
        return None

    summary = ProposalGroup("all", "合计")
    units: dict[object, ProposalGroup] = {}
    leaders: dict[object, ProposalGroup] = {}
    overdue: list[OverdueProposal] = []
    for proposal in assigned:
        task = proposal.task
        mine = ProposalGroup(proposal.pk, proposal.number_label, assigned=1)
        its_replies = replies.get(proposal.pk, [])
        accepted = [
            (r, category, decided)
            for r, status, category, decided in its_replies
            if status == Reply.Status.ACCEPTED and decided is not None and decided < end
        ]
        first = [decided for r, _, decided in accepted if r == 1]
        deadline_1 = deadline_of(proposal, 1)
        if first:
            mine.replied = 1
        if deadline_1 is not None and (first or deadline_1 < day):
            mine.timely_due = 1
            mine.timely = int(bool(first) and timezone.localdate(min(first)) <= deadline_1)
        judged = [(r, opinion) for r, opinion, at in verdicts.get(proposal.pk, ()) if at < end]
        mine.verdicts = len(judged)
        mine.satisfied = sum(1 for _, opinion in judged if opinion != Verdict.Opinion.UNSATISFIED)
        if accepted:
            mine.answered = 1
            mine.solved = int(max(accepted, key=lambda a: (a[0], a[2]))[1] == Category.A)
        round_now = 1 + sum(1 for _, opinion in judged if opinion == Verdict.Opinion.UNSATISFIED)
        mine.again = int(round_now > 1)
        standing = any(
            r == round_now and not (status == Reply.Status.RETURNED and decided is not None and decided < end)
            for r, status, _, decided in its_replies
        )
        deadline = deadline_of(proposal, round_now)
        unit = task.lead_unit.label if task.lead_unit else ""
        if deadline is not None and deadline < day and not standing:
            mine.overdue = 1
            overdue.append(
                OverdueProposal(
                    proposal.pk,
                    task.pk,
                    proposal.get_kind_display(),
                    proposal.session,
                    proposal.number_label,
                    task.text,
                    unit,
                    round_now,
                    deadline,
                    (day - deadline).days,
                )
            )
        summary.add(mine)
        units.setdefault(task.lead_unit_id, ProposalGroup(task.lead_unit_id, unit or "未定")).add(mine)
        if task.leader_id is not None:
            name = task.leader.display_name if task.leader else ""
            leaders.setdefault(task.leader_id, ProposalGroup(task.leader_id, name)).add(mine)
    overdue.sort(key=lambda o: -o.days)  # stable: session and number within the same days
    return ProposalStats(
        day,
        summary,
        sorted(units.values(), key=lambda g: (-g.overdue, g.label)),
        sorted(leaders.values(), key=lambda g: g.label),
        overdue,
    )


# ------------------------------------------------------------------------------------------ 民生实事

TENTH = Decimal("0.1")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NO_STAGE = "尚无节点完成"
NO_PLACE = "未定实施地"


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` of ``whole`` in per cent to one place, rounded half up (1 of 3 is 33.3); None when
    ``whole`` is not above 0."""
    if whole <= 0:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def elapsed_days(start: datetime.date, end: datetime.date, day: datetime.date) -> tuple[int, int]:
    """(days elapsed, days of the span) of a project running from ``start`` to ``end`` on ``day``, the
    elapsed days kept within the span: the time share of ``projects.lights.progress``."""
    span = (end - start).days
    if span <= 0:
        return (1, 1) if day >= start else (0, 1)
    return min(max((day - start).days, 0), span), span


@dataclass
class ProjectRow:
    """One published project on a day: its money (万元, cumulative from its latest standing report), the
    linear schedule (the budget's share of the time elapsed), its works and light."""

    id: int
    task_id: int
    code: str
    title: str
    lead_unit_id: int | None
    lead_unit: str
    budget: Decimal
    elapsed: int  # days from the start, within the span
    span: int  # days from the start to the deadline
    places: list[tuple[int, str]] = field(default_factory=list)
    received: Decimal = ZERO
    disbursed: Decimal = ZERO
    spent: Decimal = ZERO
    works: int = 0  # the weights (per cent) of the stages done
    stage: str = NO_STAGE  # the last stage done, in the stages' order
    light: str = "none"
    light_reason: str = ""
    as_of: datetime.date | None = None  # the money's report date

    @property
    def scheduled(self) -> Decimal:
        """What the linear schedule says should be spent by the day: budget × elapsed ÷ span, to the cent."""
        return (self.budget * self.elapsed / self.span).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def spent_share(self) -> Decimal | None:
        return rate(self.spent, self.budget)

    @property
    def time_share(self) -> Decimal:
        return rate(Decimal(self.elapsed), Decimal(self.span)) or Decimal("0.0")

    @property
    def behind(self) -> Decimal | None:
        """Points the spending lags the time (negative: ahead)."""
        spent = self.spent_share
        return None if spent is None else self.time_share - spent

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def light_icon(self) -> str:
        return LIGHT_ICONS[self.light]


@dataclass
class ProjectGroup:
    """The money of some projects (all, one lead unit's, one place's): sums to the cent; the shares are
    of the sums, so the time share is budget-weighted (scheduled ÷ budget)."""

    key: object
    label: str
    count: int = 0
    budget: Decimal = ZERO
    received: Decimal = ZERO
    disbursed: Decimal = ZERO
    spent: Decimal = ZERO
    scheduled: Decimal = ZERO
    lights: dict = field(default_factory=lambda: dict.fromkeys(LIGHTS, 0))

    green = property(lambda self: self.lights["green"])
    yellow = property(lambda self: self.lights["yellow"])
    red = property(lambda self: self.lights["red"])
    none = property(lambda self: self.lights["none"])

    @property
    def spent_share(self) -> Decimal | None:
        return rate(self.spent, self.budget)

    @property
    def time_share(self) -> Decimal | None:
        return rate(self.scheduled, self.budget)

    @property
    def behind(self) -> Decimal | None:
        spent, time = self.spent_share, self.time_share
        return None if spent is None or time is None else time - spent

    def add(self, row: ProjectRow) -> None:
        self.count += 1
        self.budget += row.budget
        self.received += row.received
        self.disbursed += row.disbursed
        self.spent += row.spent
        self.scheduled += row.scheduled
        self.lights[row.light] += 1


@dataclass
class ProjectStats:
    day: datetime.date
    summary: ProjectGroup
    projects: list[ProjectRow]
    stages: list[tuple[str, int]]  # (stage reached, projects), in the stages' order, 尚无节点完成 first
    units: list[ProjectGroup]
    places: list[ProjectGroup]


def _by_behind(groups) -> list[ProjectGroup]:
    """Most behind schedule first (none spent of no budget last), then by name."""
    return sorted(groups, key=lambda g: (g.behind is None, -(g.behind or 0), g.label))


def project_stats(projects: QuerySet[Project], day: datetime.date | None = None) -> ProjectStats:
    """The money and works of the published ``projects`` as they stood at the end of ``day`` (today by
    default), in a fixed number of queries whatever their number.

    Definitions:

    - **money**: each project's cumulative received (到位), disbursed (拨付) and spent (支出) of its latest
      report submitted by the day and not returned by then (the figures the light reads); 0 before any;
    - **spending progress** (``spent_share``) = spent ÷ budget; **time share** (``time_share``) = days
      from the start to the day ÷ days from the start to the deadline (the year's end without one),
      within 0–100 %; per cent to one place, half up. For a group: spent ÷ budget against **scheduled** ÷
      budget, where a project's scheduled is budget × its time share to the cent (a linear schedule), so a
      larger project weighs more; ``behind`` = time share − spending progress, in points;
    - **stage reached**: the last stage (in the stages' order) done by the day; **works**: the weights of
      the stages done;
    - **light**: the last recorded on or before the day, as on the rest of the dashboard;
    - **by place**: a project in several places counts, whole, in each of them.

    Groups are ordered most behind first, then by name.
    """
    day = day or timezone.localdate()
    end = end_of(day)
    chosen = projects.filter(task__kind="task", task__published_at__lt=end)
    raw = list(
        Project.objects.filter(id__in=chosen.values("id"))
        .order_by("year", "task__report_id", "task__position", "id")
        .values_list(
            "id", "task_id", "task__code", "task__text", "task__lead_unit_id", "budget", "start", "task__deadline"
        )
    )
    ids = [r[0] for r in raw]
    units = dict(Unit.objects.filter(id__in={r[4] for r in raw if r[4]}).values_list("id", "short_name"))
    places: dict[int, list[tuple[int, str]]] = {}
    for project_id, unit_id, label in Project.places.through.objects.filter(project_id__in=ids).values_list(
        "project_id", "unit_id", "unit__short_name"
    ):
        places.setdefault(project_id, []).append((unit_id, label))
    returned = ReportReview.objects.filter(decision=ReportReview.Decision.RETURNED, at__lt=end).values(
        "progress_report_id"
    )
    money: dict[int, tuple] = {}
    for project_id, *figures in (
        Spending.objects.filter(project_id__in=ids, progress_report__submitted_at__lt=end)
        .exclude(progress_report_id__in=returned)
        .order_by("progress_report__submitted_at", "id")
        .values_list("project_id", "received", "disbursed", "spent", "progress_report__submitted_at")
    ):
        money[project_id] = tuple(figures)  # the latest wins
    stages: dict[int, list[tuple[str, datetime.date | None, int]]] = {}
    order: dict[str, int] = {}
    for project_id, name, actual, weight, position in Stage.objects.filter(project_id__in=ids).values_list(
        "project_id", "name", "actual", "weight", "position"
    ):
        stages.setdefault(project_id, []).append((name, actual, weight))
        order[name] = min(order.get(name, position), position)
    task_lights = {t: (new, cause) for t, new, cause in latest_lights([r[1] for r in raw], day)}

    rows: list[ProjectRow] = []
    for pk, task_id, code, text, lead, budget, start, deadline in raw:
        elapsed, span = elapsed_days(start, deadline or datetime.date(start.year, 12, 31), day)
        row = ProjectRow(pk, task_id, code, text, lead, units.get(lead, ""), budget, elapsed, span)
        row.places = places.get(pk, [])
        if pk in money:
            row.received, row.disbursed, row.spent, submitted = money[pk]
            row.as_of = timezone.localdate(submitted)
        done = [(name, weight) for name, actual, weight in stages.get(pk, []) if actual is not None and actual <= day]
        row.works = min(sum(weight for _, weight in done), 100)
        if done:
            row.stage = done[-1][0]
        row.light, row.light_reason = task_lights.get(task_id, ("none", ""))
        rows.append(row)

    summary = ProjectGroup("all", "合计")
    by_unit: dict[object, ProjectGroup] = {}
    by_place: dict[object, ProjectGroup] = {}
    reached = dict.fromkeys([NO_STAGE, *sorted(order, key=lambda name: (order[name], name))], 0)
    for row in rows:
        summary.add(row)
        by_unit.setdefault(row.lead_unit_id, ProjectGroup(row.lead_unit_id, row.lead_unit or "未定")).add(row)
        for unit_id, label in row.places:
            by_place.setdefault(unit_id, ProjectGroup(unit_id, label)).add(row)
        if not row.places:
            by_place.setdefault(None, ProjectGroup(None, NO_PLACE)).add(row)
        reached[row.stage] += 1
    return ProjectStats(
        day,
        summary,
        rows,
        list(reached.items()),
        _by_behind(by_unit.values()),
        _by_behind(by_place.values()),
    )
