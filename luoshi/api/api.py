"""The REST API (django-ninja) at /api/, OpenAPI document at /api/openapi.json.

Authentication: ``Authorization: Bearer <token>`` (``luoshi manage issue_token USERNAME``).
Every read goes through ``access``; every write through ``actions``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.http import Http404
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import ConfigDict, Field

from luoshi import access, errors
from luoshi.accounts.models import ApiToken, Unit, User
from luoshi.errors import ActionError, ConflictError
from luoshi.proposals.models import Proposal
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
        found.touch()
        request.user = found.user
        return found.user


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
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0),
):
    tasks = access.visible_tasks(request.auth).filter(kind="task")
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


@api.get("/tasks/{task_id}", response=TaskOut, summary="One task, 404 when the caller may not see it")
def get_task(request, task_id: int):
    return _task(access.task_for_reading(request.auth, task_id))


class ProposalOut(Schema):
    id: int
    task_id: int
    kind: str = Field(description="suggestion (人大代表建议) or proposal (政协委员提案)")
    session: str
    number: str
    title: str
    lead_author: str
    group: str
    status: str
    lead_unit: UnitOut | None
    co_units: list[UnitOut]
    deadline: datetime.date | None


class ProposalList(Schema):
    items: list[ProposalOut]
    count: int


def _proposal(proposal: Proposal) -> dict:
    task = proposal.task
    return {
        "id": proposal.pk,
        "task_id": task.pk,
        "kind": proposal.kind,
        "session": proposal.session,
        "number": proposal.number,
        "title": proposal.title,
        "lead_author": proposal.lead_author,
        "group": proposal.group,
        "status": task.status,
        "lead_unit": _unit(task.lead_unit),
        "co_units": [_unit(u) for u in task.co_units.all()],
        "deadline": task.deadline,
    }


@api.get("/proposals", response=ProposalList, summary="List the suggestions and proposals visible to the caller")
def list_proposals(
    request,
    kind: str | None = None,
    session: str | None = None,
    status: str | None = None,
    unit: str | None = Query(None, description="a unit's short name, as 主办 or 会办"),
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0),
):
    proposals = access.visible_proposals(request.auth)
    if kind:
        proposals = proposals.filter(kind=kind)
    if session:
        proposals = proposals.filter(session=session)
    if status:
        proposals = proposals.filter(task__status=status)
    if unit:
        ids = Task.objects.filter(Q(lead_unit__short_name=unit) | Q(co_units__short_name=unit)).values("id")
        proposals = proposals.filter(task__in=ids)
    proposals = proposals.select_related("task", "task__lead_unit").prefetch_related("task__co_units")
    proposals = proposals.order_by("session", "kind", "task__position", "id")
    count = proposals.count()
    return {"items": [_proposal(p) for p in proposals[offset : offset + limit]], "count": count}


@api.get("/proposals/{proposal_id}", response=ProposalOut, summary="One suggestion or proposal, 404 when not visible")
def get_proposal(request, proposal_id: int):
    return _proposal(access.proposal_for_reading(request.auth, proposal_id))


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
