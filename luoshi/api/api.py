"""The REST API (django-ninja) at /api/, OpenAPI document at /api/openapi.json.

Authentication: ``Authorization: Bearer <token>`` (``luoshi manage issue_token USERNAME``).
Every read goes through ``access``; every write through ``actions``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import ConfigDict, Field

from luoshi import access, errors
from luoshi.accounts.models import ApiToken, Unit, User
from luoshi.audit import security
from luoshi.errors import ActionError, ConflictError
from luoshi.projects import exports as project_figures
from luoshi.projects.models import Project
from luoshi.proposals.models import Proposal, Reply
from luoshi.reports.models import WorkReport
from luoshi.tasks import actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking_actions
from luoshi.tracking import health
from luoshi.tracking.models import ProgressReport


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.find(token)
        if found is None:
            return None
        if found.touch():  # a token's use is audited once a minute at most, as last_used_at is kept
            security.event(request, "token_use", actor=found.user, obj=found, detail=f"{found.prefix}… {request.path}")
        request.user = found.user
        return found.user


# A list's offset beyond any ledger's size; larger values would overflow the database's integer.
MAX_OFFSET = 1_000_000_000

api = NinjaAPI(title="luoshi 落实", version="1", auth=BearerToken(), urls_namespace="api")


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    return api.create_response(request, {"detail": "请求数据无效", "errors": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(request, {"detail": "需要有效的令牌 (Authorization: Bearer …)"}, status=401)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "没有这个任务"}, status=404)


class UnitOut(Schema):
    id: int
    short_name: str
    name: str


class MilestoneOut(Schema):
    title: str
    due: datetime.date
    done: bool


class TaskOut(Schema):
    id: int
    report_id: int
    code: str
    kind: str
    text: str
    section: str
    theme: str
    targets: list[str]
    lead_unit: UnitOut | None
    co_units: list[UnitOut]
    leader: str | None
    task_force: str
    deadline: datetime.date | None
    ongoing: bool
    cycle: str
    due_day: int
    tags: list[str]
    status: str
    published_at: datetime.datetime | None
    version: int
    milestones: list[MilestoneOut]


class TaskList(Schema):
    items: list[TaskOut]
    count: int


def _unit(u: Unit | None):
    return None if u is None else {"id": u.pk, "short_name": u.short_name, "name": u.name}


def _task(task: Task) -> dict:
    return {
        "id": task.pk,
        "report_id": task.report_id,
        "code": task.code,
        "kind": task.kind,
        "text": task.text,
        "section": task.section_title,
        "theme": task.theme_title,
        "targets": [t for t in task.targets.splitlines() if t],
        "lead_unit": _unit(task.lead_unit),
        "co_units": [_unit(u) for u in task.co_units.all()],
        "leader": task.leader.display_name if task.leader else None,
        "task_force": task.task_force,
        "deadline": task.deadline,
        "ongoing": task.ongoing,
        "cycle": task.cycle,
        "due_day": task.due_day,
        "tags": task.tag_names(),
        "status": task.status,
        "published_at": task.published_at,
        "version": task.version,
        "milestones": [{"title": m.title, "due": m.due, "done": m.done} for m in task.milestones.all()],
    }


@api.get("/tasks", response=TaskList, summary="List the tasks visible to the caller")
def list_tasks(
    request,
    status: str | None = None,
    unit: str | None = None,
    q: str | None = None,
    source: Literal["report", "meeting", "instruction", "rectification", "proposals", "projects", "handed_down"]
    | None = Query(None, description="the ledger's source kind (来源)"),
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    tasks = access.visible_tasks(request.auth).filter(kind="task")
    if source:
        tasks = tasks.filter(report__source=source)
    if status:
        tasks = tasks.filter(status=status)
    if unit:
        tasks = tasks.filter(lead_unit__short_name=unit)
    if q:
        tasks = tasks.filter(text__icontains=q)
    tasks = tasks.select_related("lead_unit", "leader").prefetch_related("co_units", "tags", "milestones")
    tasks = tasks.order_by("report", "position", "id")
    count = tasks.count()
    return {"items": [_task(t) for t in tasks[offset : offset + limit]], "count": count}


class LedgerOut(Schema):
    id: int
    source: str = Field(description="report, meeting, instruction, rectification, proposals, projects, handed_down")
    source_label: str
    year: int
    title: str
    details: dict[str, str] = Field(description="what the source carries: a meeting's name, date and number, …")


class LedgerList(Schema):
    items: list[LedgerOut]
    count: int


@api.get("/reports", response=LedgerList, summary="List the ledgers (台账) of which the caller may read a task")
def list_ledgers(
    request,
    source: Literal["report", "meeting", "instruction", "rectification", "proposals", "projects", "handed_down"]
    | None = Query(None, description="the ledger's source kind (来源)"),
    year: int | None = Query(None, ge=2000, le=2100),
):
    user = request.auth
    ledgers = access.visible_reports(user) | WorkReport.objects.filter(
        pk__in=access.visible_tasks(user).values("report_id")
    )
    if source:
        ledgers = ledgers.filter(source=source)
    if year:
        ledgers = ledgers.filter(year=year)
    rows = [
        {
            "id": r.pk,
            "source": r.source,
            "source_label": r.get_source_display(),
            "year": r.year,
            "title": r.title,
            "details": dict(r.source_details or {}),
        }
        for r in ledgers.distinct().order_by("-year", "-id").only("id", "source", "year", "title", "source_details")
    ]
    return {"items": rows, "count": len(rows)}


@api.get("/tasks/{task_id}", response=TaskOut, summary="One task, 404 when the caller may not see it")
def get_task(request, task_id: int):
    return _task(access.task_for_reading(request.auth, task_id))


class ProposalOut(Schema):
    id: int
    task_id: int
    kind: str = Field(description="suggestion (人大代表建议) or proposal (政协委员提案)")
    session: str
    number: str
    part: int = Field(description="分办: 0 for the row the list brought, 1, 2 … for the other 主办 units' parts")
    number_label: str = Field(description="如 第12号, 或 第12号(分办2)")
    title: str
    lead_author: str
    group: str
    round: int = Field(description="办理轮次: 2 after the lead author's 不满意 (再次办理)")
    key: bool = Field(description="重点建议提案 (领导领办)")
    complex: bool = Field(description="复杂事项: up to six months from 交办")
    assigned_on: datetime.date | None = Field(description="本轮交办日期")
    deadline: datetime.date | None
    status: str = Field(description="the matter's lifecycle status")
    category: str | None = Field(description="A, B or C of the latest accepted reply (办复); null before it")
    lead_unit: UnitOut | None = Field(description="主办单位")
    co_units: list[UnitOut] = Field(description="会办单位")
    leader: str | None = Field(description="包抓 (领办) 领导")


class ProposalList(Schema):
    items: list[ProposalOut]
    count: int


class ProposalReplyOut(Schema):
    id: int
    round: int
    category: str
    status: str = Field(description="submitted, accepted or returned")
    text: str
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    letter_number: str = Field(description="答复文号, set when the office accepts the reply")
    publishable: bool


class ProposalOpinionOut(Schema):
    round: int
    unit: UnitOut
    at: datetime.datetime
    text: str


class ProposalContactOut(Schema):
    round: int
    on: datetime.date
    way: str
    content: str


class ProposalCommitmentOut(Schema):
    text: str
    due: datetime.date | None
    met_at: datetime.datetime | None


class ProposalVerdictOut(Schema):
    round: int
    author: str
    lead: bool
    opinion: str = Field(description="satisfied, basic or unsatisfied")
    at: datetime.datetime
    comment: str | None = Field(description="the author's comment, for the office only (null for others)")


class ProposalDetail(ProposalOut):
    replies: list[ProposalReplyOut]
    opinions: list[ProposalOpinionOut]
    contacts: list[ProposalContactOut]
    commitments: list[ProposalCommitmentOut]
    verdicts: list[ProposalVerdictOut]


def _latest_category() -> Subquery:
    accepted = Reply.objects.filter(proposal=OuterRef("pk"), status=Reply.Status.ACCEPTED)
    return Subquery(accepted.order_by("-round", "-decided_at", "-id").values("category")[:1])


def _proposal(proposal: Proposal) -> dict:
    task = proposal.task
    return {
        "id": proposal.pk,
        "task_id": task.pk,
        "kind": proposal.kind,
        "session": proposal.session,
        "number": proposal.number,
        "part": proposal.part,
        "number_label": proposal.number_label,
        "title": proposal.title,
        "lead_author": proposal.lead_author,
        "group": proposal.group,
        "round": proposal.round,
        "key": proposal.key,
        "complex": proposal.complex,
        "assigned_on": proposal.assigned_on,
        "deadline": task.deadline,
        "status": task.status,
        "category": getattr(proposal, "latest_category", None) or None,  # annotated by _proposals
        "lead_unit": _unit(task.lead_unit),
        "co_units": [_unit(u) for u in task.co_units.all()],
        "leader": task.leader.display_name if task.leader else None,
    }


def _proposal_detail(proposal: Proposal, user) -> dict:
    office = access.can_manage_proposals(user, proposal.government_id)
    out = _proposal(proposal)
    out["replies"] = [
        {
            "id": r.pk,
            "round": r.round,
            "category": r.category,
            "status": r.status,
            "text": r.text,
            "submitted_at": r.submitted_at,
            "decided_at": r.decided_at,
            "letter_number": r.letter_number,
            "publishable": r.publishable,
        }
        for r in proposal.replies.order_by("round", "submitted_at", "id")
    ]
    out["opinions"] = [
        {"round": o.round, "unit": _unit(o.unit), "at": o.at, "text": o.text}
        for o in proposal.opinions.select_related("unit").order_by("at", "id")
    ]
    out["contacts"] = [
        {"round": c.round, "on": c.on, "way": c.way, "content": c.content}
        for c in proposal.contacts.order_by("on", "id")
    ]
    out["commitments"] = [
        {"text": c.text, "due": c.due, "met_at": c.met_at} for c in proposal.commitments.order_by("due", "id")
    ]
    out["verdicts"] = [
        {
            "round": v.round,
            "author": v.author,
            "lead": v.lead,
            "opinion": v.opinion,
            "at": v.at,
            "comment": v.comment if office else None,
        }
        for v in proposal.verdicts.order_by("round", "at", "id")
    ]
    return out


def _proposals(user) -> QuerySet[Proposal]:
    return (
        access.visible_proposals(user)
        .annotate(latest_category=_latest_category())
        .select_related("task", "task__lead_unit", "task__leader")
        .prefetch_related("task__co_units")
    )


@api.get("/proposals", response=ProposalList, summary="List the suggestions and proposals visible to the caller")
def list_proposals(
    request,
    kind: Literal["suggestion", "proposal"] | None = Query(None, description="suggestion (建议) or proposal (提案)"),
    session: str | None = Query(None, max_length=100, description="届次会议, as on the list"),
    status: Literal["draft", "assigned", "acknowledged", "in_progress", "closing", "closed", "ongoing"] | None = Query(
        None, description="the matter's lifecycle status"
    ),
    unit: str | None = Query(None, max_length=100, description="a unit's short name, as 主办 or 会办"),
    category: Literal["A", "B", "C"] | None = Query(None, description="A, B or C of the latest accepted reply"),
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    proposals = _proposals(request.auth)
    if kind:
        proposals = proposals.filter(kind=kind)
    if session:
        proposals = proposals.filter(session=session)
    if status:
        proposals = proposals.filter(task__status=status)
    if unit:
        found = Unit.objects.filter(government_id=request.auth.government_id, short_name=unit).first()
        if found is None:
            raise HttpError(400, f"单位目录中没有“{unit}”")
        ids = Task.objects.filter(Q(lead_unit=found) | Q(co_units=found)).values("id")
        proposals = proposals.filter(task__in=ids)
    if category:
        proposals = proposals.filter(Q(latest_category=category))  # annotated by _proposals
    proposals = proposals.order_by("session", "kind", "task__position", "id")
    count = proposals.count()
    return {"items": [_proposal(p) for p in proposals[offset : offset + limit]], "count": count}


@api.get(
    "/proposals/{proposal_id}",
    response=ProposalDetail,
    summary="One suggestion or proposal with its handling, 404 when not visible",
)
def get_proposal(request, proposal_id: int):
    proposal = access.proposal_for_reading(request.auth, proposal_id)
    return _proposal_detail(_proposals(request.auth).get(pk=proposal.pk), request.auth)


# --------------------------------------------------------------------------------------------- 民生实事
# Money is 万元 as exact decimals: in JSON always a string with two places ("1200.00"), never a number, so no
# client reads it through a binary float. Indicator values are decimal strings too ("900", "92.5").

MONEY = '万元, an exact decimal as a string with two places (e.g. "1200.00"), never a JSON number'
MONEY_PATTERN = r"^\d+\.\d{2}$"
DECIMAL = 'an exact decimal as a string (e.g. "92.5"), never a JSON number'


class ProjectBudgetLineOut(Schema):
    source: str = Field(description="资金来源 (中央, 省级, 州(市)级, 县级, 社会资本, 其他 or the government's own)")
    amount: str = Field(description=MONEY, pattern=MONEY_PATTERN)


class ProjectStageOut(Schema):
    name: str = Field(description="节点: 前期, 开工, 主体完工, 竣工验收, 投用 or the office's own")
    planned: datetime.date
    actual: datetime.date | None = Field(description="实际完成 (null while not done)")
    weight: int = Field(description="share of the works (percent)")


class ProjectIndicatorOut(Schema):
    id: int
    level: str = Field(description="output (产出), effect (效益) or satisfaction (满意度)")
    kind: str = Field(description="二级指标: quantity, quality, timeliness, cost, economic, social, …")
    name: str
    comparator: str = Field(description=">=, <=, = or range")
    target: str = Field(description="指标值: " + DECIMAL)
    target_max: str | None = Field(description="区间上限 of a range: " + DECIMAL)
    unit: str
    target_text: str = Field(description="the target as the 绩效目标表 writes it, e.g. ≥900个")
    weight: str = Field(description="分值 in the self-evaluation: " + DECIMAL)
    actual: str | None = Field(description="the latest actual of a report not returned: " + DECIMAL)
    actual_on: datetime.date | None = Field(description="the day that report was submitted")


class ProjectOut(Schema):
    id: int
    task_id: int = Field(description="the supervised matter (/api/tasks/{id}) the project sits beside")
    title: str
    year: int
    content: str = Field(description="建设内容")
    places: list[UnitOut] = Field(description="实施地: county-level governments of the catalog")
    lead_unit: UnitOut | None
    co_units: list[UnitOut]
    leader: str | None = Field(description="包抓领导")
    start: datetime.date
    deadline: datetime.date | None
    status: str = Field(description="the matter's lifecycle status")
    light: str | None = Field(description="green, yellow or red as last recorded (null before any)")
    budget: str = Field(description="总投资: " + MONEY, pattern=MONEY_PATTERN)
    budget_lines: list[ProjectBudgetLineOut] = Field(description="the budget by source; they add up to budget")
    received: str = Field(description="累计到位 as of the latest report not returned: " + MONEY, pattern=MONEY_PATTERN)
    disbursed: str = Field(description="累计拨付: " + MONEY, pattern=MONEY_PATTERN)
    spent: str = Field(description="累计支出: " + MONEY, pattern=MONEY_PATTERN)
    spent_share: int = Field(description="支出进度: spent ÷ budget, percent")
    time_share: int = Field(description="序时进度: time elapsed from start to deadline, percent")
    works_share: int = Field(description="形象进度: the weights of the stages done, percent")
    as_of: datetime.date | None = Field(description="the day of the report the money figures come from")
    stages: list[ProjectStageOut]
    indicators: list[ProjectIndicatorOut] = Field(description="the 绩效目标表 with the latest actuals")
    evaluation_total: str | None = Field(description="绩效自评 score (adjusted if the office adjusted it): " + DECIMAL)
    evaluation_grade: str | None = Field(description="优 (≥90), 良 (≥80), 中 (≥60) or 差")


class ProjectList(Schema):
    items: list[ProjectOut]
    count: int


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _project(project: Project, light: str | None, day: datetime.date) -> dict:
    task = project.task
    now = project_figures.figures(project, day)
    evaluation = getattr(project, "evaluation", None)
    return {
        "id": project.pk,
        "task_id": task.pk,
        "title": task.text,
        "year": project.year,
        "content": project.content,
        "places": [_unit(u) for u in project.places.all()],
        "lead_unit": _unit(task.lead_unit),
        "co_units": [_unit(u) for u in task.co_units.all()],
        "leader": task.leader.display_name if task.leader else None,
        "start": project.start,
        "deadline": task.deadline,
        "status": task.status,
        "light": light,
        "budget": _money(project.budget),
        "budget_lines": [{"source": b.source.name, "amount": _money(b.amount)} for b in project.budget_lines.all()],
        "received": _money(now.received),
        "disbursed": _money(now.disbursed),
        "spent": _money(now.spent),
        "spent_share": now.spent_share,
        "time_share": now.time_share,
        "works_share": now.works_share,
        "as_of": now.as_of,
        "stages": [
            {"name": s.name, "planned": s.planned, "actual": s.actual, "weight": s.weight} for s in project.stages.all()
        ],
        "indicators": [
            {
                "id": i.pk,
                "level": i.level,
                "kind": i.kind,
                "name": i.name,
                "comparator": i.comparator,
                "target": _decimal(i.value),
                "target_max": _decimal(i.value_max),
                "unit": i.unit,
                "target_text": i.target_text(),
                "weight": _decimal(i.weight),
                "actual": _decimal(now.actuals[i.pk][0]) if i.pk in now.actuals else None,
                "actual_on": now.actuals[i.pk][1] if i.pk in now.actuals else None,
            }
            for i in project.indicators.all()
        ],
        "evaluation_total": _decimal(evaluation.final) if evaluation else None,
        "evaluation_grade": evaluation.grade if evaluation else None,
    }


@api.get("/projects", response=ProjectList, summary="List the livelihood projects (民生实事) visible to the caller")
def list_projects(
    request,
    year: int | None = Query(None, ge=2000, le=2100, description="the projects' year"),
    unit: str | None = Query(None, max_length=100, description="a unit's short name, as lead unit or co-unit"),
    place: str | None = Query(None, max_length=100, description="a place's short name (实施地)"),
    light: Literal["green", "yellow", "red"] | None = Query(None, description="the light as last recorded"),
    status: Literal["draft", "assigned", "acknowledged", "in_progress", "closing", "closed", "ongoing"] | None = Query(
        None, description="the matter's lifecycle status"
    ),
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    projects = access.visible_projects(request.auth)
    if year:
        projects = projects.filter(year=year)
    if status:
        projects = projects.filter(task__status=status)
    for label, kind in ((unit, "unit"), (place, "place")):
        if not label:
            continue
        found = Unit.objects.filter(government_id=request.auth.government_id, short_name=label).first()
        if found is None:
            raise HttpError(400, f"单位目录中没有“{label}”")
        if kind == "unit":
            ids = Task.objects.filter(Q(lead_unit=found) | Q(co_units=found)).values("id")
            projects = projects.filter(task__in=ids)
        else:
            projects = projects.filter(id__in=Project.objects.filter(places=found).values("id"))
    projects = projects.order_by("year", "task__position", "id")
    lights = {t: h.light for t, h in health.recorded(projects.values("task_id")).items()}
    if light:
        projects = projects.filter(task_id__in=[t for t, shown in lights.items() if shown == light])
    count = projects.count()
    day = timezone.localdate()
    page = project_figures.with_related(projects)[offset : offset + limit]
    return {"items": [_project(p, lights.get(p.task_id), day) for p in page], "count": count}


@api.get(
    "/projects/{project_id}",
    response=ProjectOut,
    summary="One livelihood project with its money, stages and targets, 404 when not visible",
)
def get_project(request, project_id: int):
    project = access.project_for_reading(request.auth, project_id)
    found = project_figures.with_related(Project.objects.filter(pk=project.pk)).get()
    light = health.recorded([found.task_id]).get(found.task_id)
    return _project(found, light.light if light else None, timezone.localdate())


class TaskPatch(Schema):
    """Fields to change; ``version`` is the version the caller read (optimistic locking)."""

    model_config = ConfigDict(extra="forbid")

    version: int
    text: str | None = Field(None, min_length=1)
    targets: list[str] | None = None
    lead_unit: str | None = Field(None, description="unit short name; empty string clears it")
    co_units: list[str] | None = None
    leader: str | None = Field(None, description="leader's username; empty string clears it")
    task_force: str | None = Field(None, max_length=200)
    deadline: datetime.date | None = None
    ongoing: bool | None = None
    cycle: str | None = None
    due_day: int | None = Field(None, ge=1, le=28)
    tags: list[str] | None = None
    status: str | None = None


def _resolve_unit(task: Task, label: str) -> Unit | None:
    if label == "":
        return None
    unit = Unit.objects.filter(government_id=task.report.government_id, short_name=label).first()
    if unit is None:
        raise HttpError(400, f"单位目录中没有“{label}”")
    return unit


@api.patch("/tasks/{task_id}", response=TaskOut, summary="Change a task (supervisors); 409 on a version conflict")
def patch_task(request, task_id: int, payload: TaskPatch):
    task = access.task_for_reading(request.auth, task_id)
    if not access.can_edit_task(request.auth, task):
        raise HttpError(403, errors.REFUSED_EDIT)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes: dict[str, Any] = {}
    for name, value in data.items():
        if value is None and name not in ("deadline",):
            raise HttpError(400, f"字段 {name} 不能为 null")
        if name == "lead_unit":
            changes[name] = _resolve_unit(task, value)
        elif name == "co_units":
            changes[name] = [_resolve_unit(task, v) for v in value if v]
        elif name == "leader":
            leader = None
            if value:
                leader = User.objects.filter(government_id=task.report.government_id, username=value).first()
                if leader is None:
                    raise HttpError(400, f"没有用户“{value}”")
            changes[name] = leader
        elif name == "targets":
            changes[name] = "\n".join(t.strip() for t in value if t.strip())
        else:
            changes[name] = value
    try:
        actions.update_task(task.pk, request.auth, version, changes)
    except ConflictError as exc:
        raise HttpError(409, str(exc)) from exc
    except ActionError as exc:
        raise HttpError(400, str(exc)) from exc
    return _task(access.task_for_reading(request.auth, task_id))


@api.get("/me", summary="The caller's account")
def me(request):
    user = request.auth
    return {"username": user.username, "role": user.role, "unit": user.unit.short_name if user.unit else None}


# ---------------------------------------------------------------------------------------------- 落实 tracking


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(..., min_length=4, max_length=10, description="如 2026-03 (月) 或 2026-Q1 (季)")
    percent: int = Field(..., ge=0, le=100)
    narrative: str = Field(..., min_length=1)
    milestone_note: str = ""
    links: list[str] = []
    idempotency_key: str = Field("", max_length=100, description="或用请求头 Idempotency-Key")


class ReviewOut(Schema):
    decision: str
    reason: str
    at: datetime.datetime


class ReportOut(Schema):
    id: int
    task_id: int
    period: str
    percent: int
    narrative: str
    milestone_note: str
    unit: str
    author: str
    submitted_at: datetime.datetime
    answers_id: int | None
    review: ReviewOut | None
    evidence: list[str]


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(..., pattern="^(accepted|returned)$")
    reason: str = ""


class ExtensionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    new_deadline: datetime.date
    reason: str = Field(..., min_length=1)


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: str = ""


class ClosingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    verdict: str = Field(..., pattern="^(met|partly_met|not_met)$")
    reason: str = Field(..., min_length=1)


class RequestOut(Schema):
    id: int
    task_id: int
    status: str
    reason: str


class HealthOut(Schema):
    light: str | None
    label: str | None
    reason: str
    expected: int | None
    reported: int | None


def _report(r) -> dict:
    review = getattr(r, "review", None)
    return {
        "id": r.pk,
        "task_id": r.task_id,
        "period": r.period,
        "percent": r.percent,
        "narrative": r.narrative,
        "milestone_note": r.milestone_note,
        "unit": r.unit.label,
        "author": r.author.username,
        "submitted_at": r.submitted_at,
        "answers_id": r.answers_id,
        "review": None if review is None else {"decision": review.decision, "reason": review.reason, "at": review.at},
        "evidence": [e.url or e.name for e in r.evidence.all()],
    }


def _refuse(exc: ActionError):
    return HttpError(400, str(exc))


@api.post("/tasks/{task_id}/acknowledge", response=TaskOut, summary="签收 by the lead unit")
def acknowledge_task(request, task_id: int):
    task = access.task_for_reading(request.auth, task_id)
    if not access.can_acknowledge(request.auth, task):
        raise HttpError(403, errors.REFUSED_ACKNOWLEDGE)
    tracking_actions.acknowledge(task.pk, request.auth)
    return _task(access.task_for_reading(request.auth, task_id))


@api.get("/tasks/{task_id}/health", response=HealthOut, summary="The task's light today, with its reason")
def task_health(request, task_id: int):
    task = access.task_for_reading(request.auth, task_id)
    h = health.compute(task)
    if h is None:
        return {"light": None, "label": None, "reason": "未交办", "expected": None, "reported": None}
    return {"light": h.light, "label": h.label, "reason": h.reason, "expected": h.expected, "reported": h.reported}


@api.get("/tasks/{task_id}/reports", response=list[ReportOut], summary="The task's progress reports")
def list_reports(request, task_id: int):
    task = access.task_for_reading(request.auth, task_id)
    rows = ProgressReport.objects.filter(task=task).select_related("review", "unit", "author")
    return [_report(r) for r in rows.prefetch_related("evidence")]


@api.post(
    "/tasks/{task_id}/reports",
    response={200: ReportOut, 201: ReportOut},
    summary="Submit a progress report; a retry with the same idempotency key returns the first report",
)
def submit_report(request, task_id: int, payload: ReportIn):
    task = access.task_for_reading(request.auth, task_id)
    if not access.can_submit_report(request.auth, task):
        raise HttpError(403, errors.REFUSED_REPORT)
    key = request.headers.get("Idempotency-Key") or payload.idempotency_key
    try:
        report, created = tracking_actions.submit_report(
            task.pk,
            request.auth,
            period=payload.period,
            percent=payload.percent,
            narrative=payload.narrative,
            milestone_note=payload.milestone_note,
            links=payload.links,
            idempotency_key=key,
        )
    except ActionError as exc:
        raise _refuse(exc) from exc
    return Status(201 if created else 200, _report(report))


@api.post("/reports/{report_id}/review", response=ReportOut, summary="Accept or return a report (office)")
def review_report(request, report_id: int, payload: ReviewIn):
    report = access.progress_report_for_reading(request.auth, report_id)
    if not access.can_review_reports(request.auth, report.task):
        raise HttpError(403, errors.REFUSED_REVIEW)
    try:
        tracking_actions.review_report(report.pk, request.auth, decision=payload.decision, reason=payload.reason)
    except ActionError as exc:
        raise _refuse(exc) from exc
    return _report(ProgressReport.objects.get(pk=report.pk))


def _request(r) -> dict:
    return {"id": r.pk, "task_id": r.task_id, "status": r.status, "reason": r.reason}


@api.post("/tasks/{task_id}/extensions", response={201: RequestOut}, summary="延期申请 by the lead unit")
def request_extension(request, task_id: int, payload: ExtensionIn):
    task = access.task_for_reading(request.auth, task_id)
    if not access.can_request_extension(request.auth, task):
        raise HttpError(403, errors.REFUSED_EXTENSION)
    try:
        extension = tracking_actions.request_extension(
            task.pk, request.auth, reason=payload.reason, new_deadline=payload.new_deadline
        )
    except ActionError as exc:
        raise _refuse(exc) from exc
    return Status(201, _request(extension))


@api.post("/extensions/{extension_id}/decision", response=RequestOut, summary="Approve or refuse an extension")
def decide_extension(request, extension_id: int, payload: DecisionIn):
    extension = access.extension_for_reading(request.auth, extension_id)
    if not access.can_decide_extension(request.auth, extension):
        raise HttpError(403, errors.REFUSED_DECIDE)
    try:
        extension = tracking_actions.decide_extension(
            extension.pk, request.auth, approve=payload.approve, reason=payload.reason
        )
    except ActionError as exc:
        raise _refuse(exc) from exc
    return _request(extension)


@api.post("/tasks/{task_id}/closing", response={201: RequestOut}, summary="申请办结 by the lead unit")
def request_closing(request, task_id: int, payload: ClosingIn):
    task = access.task_for_reading(request.auth, task_id)
    if not access.can_request_closing(request.auth, task):
        raise HttpError(403, errors.REFUSED_CLOSING)
    try:
        closing = tracking_actions.request_closing(
            task.pk, request.auth, verdict=payload.verdict, reason=payload.reason
        )
    except ActionError as exc:
        raise _refuse(exc) from exc
    return Status(201, _request(closing))


@api.post("/closings/{closing_id}/decision", response=RequestOut, summary="Approve or refuse a closing (office)")
def decide_closing(request, closing_id: int, payload: DecisionIn):
    closing = access.closing_for_reading(request.auth, closing_id)
    if not access.can_decide_closing(request.auth, closing):
        raise HttpError(403, errors.REFUSED_DECIDE_CLOSING)
    try:
        closing = tracking_actions.decide_closing(
            closing.pk, request.auth, approve=payload.approve, reason=payload.reason
        )
    except ActionError as exc:
        raise _refuse(exc) from exc
    return _request(closing)
