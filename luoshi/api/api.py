"""The REST API (django-ninja) at /api/, OpenAPI document at /api/openapi.json.

Authentication: ``Authorization: Bearer <token>`` (``luoshi manage issue_token USERNAME``).
Every read goes through ``access``; every write through ``actions``.
"""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import ConfigDict, Field

from luoshi.accounts.models import ApiToken, Unit, User
from luoshi.tasks import access, actions
from luoshi.tasks.models import Task


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            ApiToken.objects.filter(user=user, key_hash=ApiToken.hash(token)).update(last_used_at=timezone.now())
            request.user = user
        return user


api = NinjaAPI(title="luoshi 落实", version="1", auth=BearerToken(), urls_namespace="api")


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    return api.create_response(request, {"detail": "请求数据无效", "errors": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(request, {"detail": "需要有效的令牌 (Authorization: Bearer …)"}, status=401)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "没有这个任务"}, status=404)


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
        raise HttpError(403, "只有督查室可以修改任务")
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    changes = {}
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
    except actions.ConflictError as exc:
        raise HttpError(409, str(exc)) from exc
    except actions.ActionError as exc:
        raise HttpError(400, str(exc)) from exc
    return _task(access.task_for_reading(request.auth, task_id))


@api.get("/me", summary="The caller's account")
def me(request):
    user = request.auth
    return {"username": user.username, "role": user.role, "unit": user.unit.short_name if user.unit else None}
