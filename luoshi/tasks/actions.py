"""Every multi-row write of the ledger, each in one transaction, each field change audited here.

Views and the API validate input, ask ``access`` and then call one function of this module.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from luoshi.accounts.models import Government, Unit, User
from luoshi.audit import trail
from luoshi.errors import ActionError, ConflictError
from luoshi.reports.models import WorkReport
from luoshi.text.assign import override_term

from .models import Milestone, Status, SuggestionOverride, Tag, Task

# The fields an office user may change on a task, in the order the audit shows them.
EDITABLE_FIELDS = (
    "text",
    "kind",
    "targets",
    "lead_unit",
    "co_units",
    "leader",
    "task_force",
    "deadline",
    "ongoing",
    "cycle",
    "due_day",
    "tags",
    "status",
)
M2M_FIELDS = {"co_units", "tags"}


# ---------------------------------------------------------------------------------------------- audit


def display(field_name: str, value) -> str:
    """The audit's text form of a task field's value (tags are joined by ；)."""
    return trail.display(value, separator="；" if field_name == "tags" else "、")


def current_value(task: Task, field_name: str):
    if field_name == "co_units":
        return list(task.co_units.all())
    if field_name == "tags":
        return list(task.tags.all())
    return getattr(task, field_name)


def _same(field_name: str, old, new) -> bool:
    if field_name in M2M_FIELDS:
        return {o.pk for o in old} == {n.pk for n in new}
    if isinstance(old, (Unit, User)) or isinstance(new, (Unit, User)):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    return old == new


# ---------------------------------------------------------------------------------------------- tasks


def tags_for(government: Government, names) -> list[Tag]:
    out = []
    for name in names:
        name = name.strip()
        if name:
            out.append(Tag.objects.get_or_create(government=government, name=name[:60])[0])
    return out


def _validate(task: Task, changes: dict) -> None:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(f"不能修改这些字段: {', '.join(sorted(unknown))}")
    government_id = task.report.government_id
    if "text" in changes and not str(changes["text"]).strip():
        raise ActionError("任务内容不能为空")
    if "kind" in changes and changes["kind"] not in dict(Task.KIND_CHOICES):
        raise ActionError("类型只能是任务或总体要求")
    if "status" in changes and changes["status"] not in dict(Task.STATUS_CHOICES):
        raise ActionError("未知的状态")
    if "cycle" in changes and changes["cycle"] not in dict(Task.CYCLE_CHOICES):
        raise ActionError("未知的报送周期")
    if "due_day" in changes and not (1 <= int(changes["due_day"]) <= 28):
        raise ActionError("报送日应在 1 到 28 之间")
    for name in ("lead_unit",):
        unit = changes.get(name)
        if unit is not None and unit.government_id != government_id:
            raise ActionError("单位不属于本政府的单位目录")
    for unit in changes.get("co_units") or ():
        if unit.government_id != government_id:
            raise ActionError("配合单位不属于本政府的单位目录")
    leader = changes.get("leader")
    if leader is not None and leader.government_id != government_id:
        raise ActionError("包抓领导不属于本政府")
    if changes.get("kind") == "guidance" and (task.is_published or changes.get("status", task.status) != "draft"):
        raise ActionError("已交办的任务不能改为总体要求")


def _apply(task: Task, actor, changes: dict) -> list[str]:
    """Apply validated changes to a locked task and audit each changed field. Returns changed names."""
    changed = []
    for name in EDITABLE_FIELDS:
        if name not in changes:
            continue
        new = changes[name]
        if name == "tags":
            new = tags_for(task.report.government, new)
        elif name == "text":
            new = str(new).strip()
        elif name == "due_day":
            new = int(new)
        old = current_value(task, name)
        if _same(name, old, new):
            continue
        trail.record(
            actor,
            model="Task",
            object_id=task.pk,
            field=name,
            old=display(name, old),
            new=display(name, new),
            task=task,
        )
        if name in M2M_FIELDS:
            getattr(task, name).set(new)
        else:
            setattr(task, name, new)
        changed.append(name)
    return changed


@transaction.atomic
def update_task(task_id: int, actor, version: int, changes: dict, *, learn: bool = True) -> Task:
    """Change fields of one task if nobody changed it since ``version``; audit every changed field."""
    task = Task.objects.select_related("report", "report__government").get(pk=task_id)
    _validate(task, changes)
    bumped = Task.objects.filter(pk=task_id, version=version).update(version=F("version") + 1)
    if not bumped:
        raise ConflictError()
    task.refresh_from_db()
    changed = _apply(task, actor, changes)
    if not changed:
        # Nothing to record: undo the version bump so an idle save does not conflict with others.
        Task.objects.filter(pk=task_id).update(version=F("version") - 1)
        task.refresh_from_db()
        return task
    task.save(update_fields=[n for n in changed if n not in M2M_FIELDS] + ["version"])
    if learn and "lead_unit" in changed and task.lead_unit is not None:
        learn_override(task, task.lead_unit, actor)
    return task


@transaction.atomic
def bulk_update(report: WorkReport, task_ids, actor, changes: dict) -> int:
    """The same changes on a selection of tasks of one report. Returns how many tasks changed."""
    count = 0
    add_tags = changes.get("add_tags")
    for task in Task.objects.filter(report=report, pk__in=list(task_ids)).order_by("position"):
        before = task.version
        if add_tags is not None:
            changes = {"tags": task.tag_names() + [t for t in add_tags if t not in task.tag_names()]}
        updated = update_task(task.pk, actor, task.version, changes)
        count += updated.version != before
    return count


# one-click acceptance takes the co-units the engine is reasonably sure of (a named place scores
# 0.75, a single weak keyword about 0.3); the office adds the others by hand where they apply
CO_UNIT_ACCEPT_MIN = 0.4


@transaction.atomic
def accept_suggestions(report: WorkReport, task_ids, actor) -> int:
    """Take the engine's first suggested lead and its co-units where the task has no lead unit yet."""
    units = {u.short_name: u for u in report.government.units.all()}
    count = 0
    for task in Task.objects.filter(report=report, pk__in=list(task_ids), kind="task", lead_unit__isnull=True):
        leads = [units[s["unit"]] for s in task.suggestion.get("leads", []) if s.get("unit") in units]
        if not leads:
            continue
        co = [
            units[s["unit"]]
            for s in task.suggestion.get("co_units", [])
            if s.get("unit") in units and s.get("score", 0) >= CO_UNIT_ACCEPT_MIN
        ]
        co = [u for u in co if u.pk != leads[0].pk]
        update_task(task.pk, actor, task.version, {"lead_unit": leads[0], "co_units": co}, learn=False)
        count += 1
    return count


def learn_override(task: Task, unit: Unit, actor) -> None:
    """A confirmed lead unit that differs from the engine's first suggestion teaches the next import."""
    leads = task.suggestion.get("leads") or []
    if leads and leads[0].get("unit") == unit.short_name:
        return
    term = override_term(task.text)
    if not term:
        return
    SuggestionOverride.objects.update_or_create(
        government_id=task.report.government_id,
        term=term,
        defaults={"unit": unit, "created_by": actor if getattr(actor, "pk", None) else None},
    )


def _renumber(report: WorkReport) -> None:
    for i, pk in enumerate(Task.objects.filter(report=report).order_by("position", "id").values_list("pk", flat=True)):
        Task.objects.filter(pk=pk).update(position=(i + 1) * 10)


def _free_code(report: WorkReport, base: str) -> str:
    n = 2
    while Task.objects.filter(report=report, code=f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


def _lock(task_id: int, version: int) -> Task:
    bumped = Task.objects.filter(pk=task_id, version=version).update(version=F("version") + 1)
    if not bumped:
        raise ConflictError()
    return Task.objects.select_related("report").get(pk=task_id)


@transaction.atomic
def merge_with_next(task_id: int, actor, version: int) -> Task:
    """Merge a task with the next one under the same theme; the second one's history stays in the audit."""
    task = _lock(task_id, version)
    if task.is_published:
        raise ActionError("已交办的任务不能合并")
    following = (
        Task.objects.filter(report=task.report, position__gt=task.position, kind=task.kind)
        .order_by("position", "id")
        .first()
    )
    if following is None or following.theme_title != task.theme_title or following.section_title != task.section_title:
        raise ActionError("同一工作主题下没有可合并的下一条任务")
    if following.is_published:
        raise ActionError("已交办的任务不能合并")
    old_text = task.text
    task.text = task.text + following.text
    if task.span and following.span:
        task.span_end = max(task.span_end, following.span_end)
    task.targets = "\n".join(t for t in (task.targets, following.targets) if t)
    task.save(update_fields=["text", "span_end", "targets"])
    task.tags.add(*following.tags.all())
    task.co_units.add(*following.co_units.all())
    trail.record(actor, model="Task", object_id=task.pk, field="text", old=old_text, new=task.text, task=task)
    trail.record(
        actor,
        model="Task",
        object_id=following.pk,
        field="merged_into",
        old=following.code,
        new=task.code,
        task=task,
    )
    following.delete()
    return task


@transaction.atomic
def split_task(task_id: int, actor, version: int, at: int) -> tuple[Task, Task]:
    """Split a task's text at a character position; the second half becomes a new task right after it."""
    task = _lock(task_id, version)
    if task.is_published:
        raise ActionError("已交办的任务不能拆分")
    if not 0 < at < len(task.text):
        raise ActionError("拆分位置应在任务文本中间")
    first, second = task.text[:at].strip(), task.text[at:].strip()
    if not first or not second:
        raise ActionError("拆分后两段都不能为空")
    old_text = task.text
    split_span = None
    if task.span:
        source = task.report.source_text[task.span_start : task.span_end]
        offset = source.find(second)
        if offset > 0:
            split_span = task.span_start + offset
    new = Task.objects.create(
        report=task.report,
        code=_free_code(task.report, task.code),
        position=task.position + 1,
        kind=task.kind,
        text=second,
        span_start=split_span,
        span_end=task.span_end if split_span else None,
        part_number=task.part_number,
        part_title=task.part_title,
        section_number=task.section_number,
        section_title=task.section_title,
        theme_title=task.theme_title,
        lead_unit=task.lead_unit,
        leader=task.leader,
        task_force=task.task_force,
        deadline=task.deadline,
        ongoing=task.ongoing,
        cycle=task.cycle,
        due_day=task.due_day,
        suggestion=task.suggestion,
    )
    new.co_units.set(task.co_units.all())
    new.tags.set(task.tags.all())
    task.text = first
    if split_span:
        task.span_end = split_span
    task.save(update_fields=["text", "span_end"])
    trail.record(actor, model="Task", object_id=task.pk, field="text", old=old_text, new=first, task=task)
    trail.record(actor, model="Task", object_id=new.pk, field="split_from", old=task.code, new=new.code, task=new)
    _renumber(task.report)
    task.refresh_from_db()
    new.refresh_from_db()
    return task, new


@transaction.atomic
def add_milestone(task: Task, actor, title: str, due: datetime.date) -> Milestone:
    title = (title or "").strip()
    if not title:
        raise ActionError("节点名称不能为空")
    milestone = Milestone.objects.create(task=task, title=title[:300], due=due)
    trail.record(
        actor,
        model="Milestone",
        object_id=milestone.pk,
        field="created",
        new=f"{due} {title}",
        task=task,
    )
    return milestone


@transaction.atomic
def set_milestone_done(milestone: Milestone, actor, done: bool) -> Milestone:
    if milestone.done != done:
        trail.record(
            actor,
            model="Milestone",
            object_id=milestone.pk,
            field="done",
            old=display("done", milestone.done),
            new=display("done", done),
            task=milestone.task,
        )
        milestone.done = done
        milestone.save(update_fields=["done"])
    return milestone


@transaction.atomic
def delete_milestone(milestone: Milestone, actor) -> None:
    trail.record(
        actor,
        model="Milestone",
        object_id=milestone.pk,
        field="deleted",
        old=f"{milestone.due} {milestone.title}",
        task=milestone.task,
    )
    milestone.delete()


@transaction.atomic
def publish(report: WorkReport, actor, task_ids=None, at=None) -> dict:
    """交办: make draft tasks (all, or the selected ones) visible to their units. Tasks without a lead
    unit stay drafts and are counted, so the office sees what is still missing. (``at``: when, for
    simulated history; default now.)"""
    tasks = Task.objects.filter(report=report, kind="task", status=Status.DRAFT)
    if task_ids is not None:
        tasks = tasks.filter(pk__in=list(task_ids))
    now = at or timezone.now()
    published = missing = 0
    for task in tasks.select_for_update().order_by("position"):
        if task.lead_unit_id is None:
            missing += 1
            continue
        move(task, actor, Status.ASSIGNED, at=now)
        trail.record(
            actor, model="Task", object_id=task.pk, field="published_at", new=now.isoformat(), task=task, at=now
        )
        task.published_at = now
        task.published_by = actor
        task.save(update_fields=["published_at", "published_by"])
        published += 1
    return {"published": published, "missing_lead": missing}


def move(task: Task, actor, status: str, at=None) -> None:
    """One step of a locked task's lifecycle, audited and saved (the moves are on the model)."""
    if task.status == status:
        return
    old = task.status
    task.move_to(status)
    trail.record(actor, model="Task", object_id=task.pk, field="status", old=old, new=status, task=task, at=at)
    task.save(update_fields=["status", "version"])


# ---------------------------------------------------------------------------------------------- reports


@dataclass
class Proposal:
    """One row the engine proposes: a task or a guidance sentence, in document order."""

    code: str
    kind: str
    text: str
    span: tuple[int, int] | None
    part_number: str = ""
    part_title: str = ""
    section_number: str = ""
    section_title: str = ""
    theme_title: str = ""
    targets: str = ""
    ongoing: bool = False
    tags: list[str] = field(default_factory=list)
    suggestion: dict = field(default_factory=dict)


def _check_proposals(proposals: list[Proposal]) -> None:
    """A work report has numbered parts or sections (一、 / (一)) and tasks under them."""
    if not any(p.kind == "task" for p in proposals):
        raise ActionError("没有从文本中识别出任何工作任务: 请确认上传的是政府工作报告")
    if not any(p.part_number or p.section_number for p in proposals):
        raise ActionError("没有识别出报告结构 (如“一、”“(一)”等标题): 请确认上传的是政府工作报告全文")


def _create_tasks(report: WorkReport, actor, proposals: list[Proposal], start_position: int = 0) -> list[Task]:
    created = []
    for i, p in enumerate(proposals):
        created.append(_create_task(report, actor, p, start_position + (i + 1) * 10))
    return created


def _create_task(report: WorkReport, actor, p: Proposal, position: int) -> Task:
    task = Task.objects.create(
        report=report,
        code=p.code,
        position=position,
        kind=p.kind,
        text=p.text,
        span_start=p.span[0] if p.span else None,
        span_end=p.span[1] if p.span else None,
        part_number=p.part_number,
        part_title=p.part_title[:300],
        section_number=p.section_number,
        section_title=p.section_title[:300],
        theme_title=p.theme_title[:300],
        targets=p.targets,
        ongoing=p.ongoing,
        deadline=None if p.ongoing else Task.default_deadline(report.year),
        suggestion=p.suggestion,
    )
    if p.tags:
        task.tags.set(tags_for(report.government, p.tags))
    trail.record(actor, model="Task", object_id=task.pk, field="created", new=f"{p.code} {p.text}", task=task)
    return task


@transaction.atomic
def import_report(
    government: Government,
    actor,
    *,
    text: str,
    proposals: list[Proposal],
    year: int,
    title: str,
    filename: str = "",
    main_targets=(),
    warnings=(),
    dropped=(),
) -> WorkReport:
    """Save a decomposed report and its proposed tasks as drafts."""
    _check_proposals(proposals)
    report = WorkReport.objects.create(
        government=government,
        year=year,
        title=title[:200],
        source_text=text,
        filename=filename[:255],
        imported_by=actor if getattr(actor, "pk", None) else None,
        imported_at=timezone.now(),
        main_targets=list(main_targets),
        warnings=list(warnings),
        dropped=list(dropped),
    )
    created = _create_tasks(report, actor, proposals)
    summary = {
        "at": report.imported_at.isoformat(),
        "created": [t.code for t in created],
        "kept": [],
        "updated": [],
        "unmatched": [],
    }
    report.last_import = summary
    report.save(update_fields=["last_import"])
    trail.record(
        actor,
        model="WorkReport",
        object_id=report.pk,
        field="imported",
        new=filename or title,
        report=report,
    )
    return report


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


SIMILAR_ENOUGH = 0.6


@transaction.atomic
def reimport_report(
    report: WorkReport,
    actor,
    *,
    text: str,
    proposals: list[Proposal],
    year: int,
    filename: str = "",
    main_targets=(),
    warnings=(),
    dropped=(),
) -> dict:
    """Import a corrected text into the same report without duplicating tasks.

    Matching: the same text first (wherever it moved), then the same code with similar text. Matched
    tasks keep their responsibility and history and take the new text, code and source position;
    new proposals become drafts; old tasks with no match are listed, never deleted.
    """
    _check_proposals(proposals)
    report = WorkReport.objects.select_for_update().get(pk=report.pk)
    old_tasks = list(Task.objects.filter(report=report).order_by("position", "id"))
    by_text: dict[str, list[Task]] = {}
    for t in old_tasks:
        by_text.setdefault(t.text, []).append(t)
    by_code = {t.code: t for t in old_tasks}
    matched: dict[int, Task] = {}  # proposal index -> old task
    used: set[int] = set()
    for i, p in enumerate(proposals):
        for candidate in by_text.get(p.text, []):
            if candidate.pk not in used:
                matched[i] = candidate
                used.add(candidate.pk)
                break
    for i, p in enumerate(proposals):
        if i in matched:
            continue
        candidate = by_code.get(p.code)
        if candidate is not None and candidate.pk not in used and _similar(candidate.text, p.text) >= SIMILAR_ENOUGH:
            matched[i] = candidate
            used.add(candidate.pk)

    report.source_text = text
    report.year = year
    if filename:
        report.filename = filename[:255]
    report.main_targets = list(main_targets)
    report.warnings = list(warnings)
    report.dropped = list(dropped)

    kept, updated, created = [], [], []
    # Move every old task out of the way first so codes and positions can be reassigned freely.
    for t in old_tasks:
        Task.objects.filter(pk=t.pk).update(position=100000 + t.position)
    for i, p in enumerate(proposals):
        position = (i + 1) * 10
        task = matched.get(i)
        if task is None:
            created.append(_create_task(report, actor, p, position).code)
            continue
        changes = []
        for name, value in (
            ("code", p.code),
            ("text", p.text),
            ("section_title", p.section_title[:300]),
            ("theme_title", p.theme_title[:300]),
        ):
            if getattr(task, name) != value:
                trail.record(
                    actor,
                    model="Task",
                    object_id=task.pk,
                    field=name,
                    old=getattr(task, name),
                    new=value,
                    task=task,
                )
                setattr(task, name, value)
                changes.append(name)
        task.position = position
        task.span_start, task.span_end = p.span if p.span else (None, None)
        task.part_number, task.part_title, task.section_number = (
            p.part_number,
            p.part_title[:300],
            p.section_number,
        )
        task.suggestion = p.suggestion
        if changes:
            task.version += 1
        task.save()
        (updated if changes else kept).append(task.code)
    unmatched = []
    for t in old_tasks:
        if t.pk not in used:
            t.refresh_from_db()
            unmatched.append({"id": t.pk, "code": t.code, "text": t.text})
            # Kept after the matched tasks; the span pointed into the old text, so it is cleared.
            Task.objects.filter(pk=t.pk).update(span_start=None, span_end=None)
    report.last_import = {
        "at": timezone.now().isoformat(),
        "created": created,
        "kept": kept,
        "updated": updated,
        "unmatched": unmatched,
    }
    report.save()
    _renumber(report)
    trail.record(
        actor,
        model="WorkReport",
        object_id=report.pk,
        field="reimported",
        new=f"{filename} 保留{len(kept)} 更新{len(updated)} 新增{len(created)} 未匹配{len(unmatched)}",
        report=report,
    )
    return report.last_import


# ---------------------------------------------------------------------------------------------- units


@transaction.atomic
def import_units(government: Government, actor, units) -> dict:
    """Create or update a government's catalog from engine ``Unit`` records, matched by short name.
    A unit of kind government is linked to (or creates) the subordinate Government it stands for."""
    created = updated = 0
    for u in units:
        existing = Unit.objects.filter(government=government, short_name=u.short_name).first()
        values = {"name": u.name[:100], "kind": u.kind[:20], "aliases": ";".join(u.aliases)[:300]}
        if u.kind == "government":
            sub, _ = Government.objects.get_or_create(name=u.name[:100], defaults={"parent": government})
            values["represents"] = sub
        if existing is None:
            unit = Unit.objects.create(government=government, short_name=u.short_name[:60], **values)
            trail.record(actor, model="Unit", object_id=unit.pk, field="created", new=unit.name)
            created += 1
            continue
        changed = trail.set_fields(actor, existing, values, model="Unit")
        if changed:
            existing.save()
            updated += 1
    return {"created": created, "updated": updated, "total": government.units.count()}


@transaction.atomic
def apply_ledger_import(plans, actor) -> int:
    """Apply the planned spreadsheet rows that have changes and no errors. Returns tasks changed."""
    count = 0
    for plan in plans:
        if plan.errors or not plan.changes:
            continue
        task = Task.objects.get(pk=plan.task.pk)
        update_task(task.pk, actor, task.version, plan.changes)
        count += 1
    return count
