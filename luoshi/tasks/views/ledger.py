"""Ledger pages. Each view: read access → validate → action → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from luoshi import access
from luoshi.audit import history
from luoshi.errors import ActionError
from luoshi.reports.source import context
from luoshi.tasks import actions
from luoshi.tasks.forms import LedgerFilterForm, MilestoneForm, SplitForm, TaskForm
from luoshi.tasks.models import Milestone, Task


def _history(task: Task) -> list[dict]:
    """The matter's history in a clerk's words (``audit.history``)."""
    return history.of_task(task)


def ledger_context(request) -> dict:
    """The ledger's part of the ledger page: the filter form and the page of tasks it selects. The page
    is served by tracking's ``ledger``, which adds each task's light."""
    user = request.user
    tasks = access.visible_tasks(user).filter(kind="task")
    sections = list(dict.fromkeys(tasks.order_by("position").values_list("section_title", flat=True)))
    data = request.GET.copy()
    own = access.default_leader_filter(user)
    if own is not None and "leader" not in data:
        data["leader"] = str(own)  # a leader's ledger opens on their own portfolio
    form = LedgerFilterForm(data, government_id=user.government_id, sections=[s for s in sections if s])
    if form.is_valid():
        f = form.cleaned_data
        if f["q"]:
            tasks = tasks.filter(
                Q(text__icontains=f["q"]) | Q(code__startswith=f["q"]) | Q(theme_title__icontains=f["q"])
            )
        if f["source"]:
            tasks = tasks.filter(report__source=f["source"])
        if f["section"]:
            tasks = tasks.filter(section_title=f["section"])
        if f["unit"]:
            tasks = tasks.filter(Q(lead_unit=f["unit"]) | Q(co_units=f["unit"]))
        if f["leader"]:
            tasks = tasks.filter(leader=f["leader"])
        if f["status"]:
            tasks = tasks.filter(status=f["status"])
        if f["tag"]:
            tasks = tasks.filter(tags__name=f["tag"].strip())
    tasks = (
        tasks.distinct()
        .select_related("report", "lead_unit", "leader")
        .prefetch_related("co_units", "tags")
        .order_by("report", "position", "id")
    )
    page = Paginator(tasks, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"form": form, "page": page, "query": query.urlencode(), "count": page.paginator.count}


def detail_context(request, task) -> dict:
    """The ledger's part of a task page: its source sentence, history and what the user may do to it.
    The page itself is served by the highest app that adds to it (tracking's ``task_detail``)."""
    before, sentence, after = context(task.report.source_text, task.span_start, task.span_end)
    return {
        "task": task,
        "before": before,
        "sentence": sentence,
        "after": after,
        "history": _history(task),
        "can_edit": access.can_edit_task(request.user, task),
        "can_acknowledge": access.can_acknowledge(request.user, task),
        "milestone_form": MilestoneForm(),
    }


@login_required
def task_edit(request, pk):
    task = access.task_for_editing(request.user, pk)
    if request.method == "POST":
        form = TaskForm(request.POST, task=task)
        if form.is_valid():
            try:
                actions.update_task(task.pk, request.user, form.cleaned_data["version"], form.changes())
            except ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"任务 {task.code} 已保存")
                return redirect(_back(request, task))
    else:
        form = TaskForm(task=task)
    split_points = [
        {"at": i + 1, "before": task.text[: i + 1], "after": task.text[i + 1 :]}
        for i, ch in enumerate(task.text[:-1])
        if ch in "，,；;。：:"
    ]
    return render(
        request,
        "tasks/edit.html",
        {
            "task": task,
            "form": form,
            "split_points": split_points,
            "next": request.GET.get("next", ""),
        },
        status=400 if form.errors else 200,
    )


def _back(request, task: Task) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target == "review":
        return f"/reports/{task.report_id}/#task-{task.pk}"
    return f"/tasks/{task.pk}/"


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise Http404("缺少版本号") from None


@login_required
@require_POST
def task_merge(request, pk):
    task = access.task_for_editing(request.user, pk)
    try:
        merged = actions.merge_with_next(task.pk, request.user, _version(request))
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect(f"/tasks/{task.pk}/edit/")
    messages.success(request, f"已把下一条任务并入 {merged.code}")
    return redirect(f"/reports/{task.report_id}/#task-{task.pk}")


@login_required
@require_POST
def task_split(request, pk):
    task = access.task_for_editing(request.user, pk)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择拆分位置")
        return redirect(f"/tasks/{task.pk}/edit/")
    try:
        first, second = actions.split_task(task.pk, request.user, form.cleaned_data["version"], form.cleaned_data["at"])
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect(f"/tasks/{task.pk}/edit/")
    messages.success(request, f"已拆分为 {first.code} 和 {second.code}")
    return redirect(f"/reports/{task.report_id}/#task-{first.pk}")


def _row(request, task: Task, error: str = ""):
    """The review screen's row of one task, for htmx requests."""
    task = Task.objects.select_related("lead_unit", "leader").prefetch_related("co_units", "tags").get(pk=task.pk)
    unmatched = {u["id"] for u in task.report.last_import.get("unmatched", [])}
    return render(request, "reports/_task_row.html", {"task": task, "unmatched_ids": unmatched, "row_error": error})


def _row_reply(request, task: Task, error: str, done: str, back: str):
    """After a review-row action: the row again for htmx, else the outcome as a message and a redirect."""
    if request.htmx:
        return _row(request, task, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def task_kind(request, pk):
    task = access.task_for_editing(request.user, pk)
    kind = "task" if task.kind == "guidance" else "guidance"
    error = ""
    try:
        actions.update_task(task.pk, request.user, _version(request), {"kind": kind})
    except ActionError as exc:
        error = str(exc)
    return _row_reply(
        request,
        task,
        error,
        f"{task.code} 已改为{dict(Task.KIND_CHOICES)[kind]}",
        f"/reports/{task.report_id}/#task-{task.pk}",
    )


@login_required
@require_POST
def task_accept(request, pk):
    task = access.task_for_editing(request.user, pk)
    count = actions.accept_suggestions(task.report, [task.pk], request.user)
    error = "" if count else "没有可采纳的建议 (已有牵头单位或引擎没有建议)"
    return _row_reply(request, task, error, f"{task.code} 已采纳建议的责任单位", _back(request, task))


@login_required
@require_POST
def milestone_add(request, pk):
    task = access.task_for_editing(request.user, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            actions.add_milestone(task, request.user, form.cleaned_data["title"], form.cleaned_data["due"])
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已添加节点")
    else:
        messages.error(request, "节点内容和时间都要填写")
    return redirect(f"/tasks/{task.pk}/")


def _milestone(request, pk) -> Milestone:
    milestone = get_object_or_404(Milestone, pk=pk)
    access.task_for_editing(request.user, milestone.task_id)
    return milestone


@login_required
@require_POST
def milestone_toggle(request, pk):
    milestone = _milestone(request, pk)
    actions.set_milestone_done(milestone, request.user, not milestone.done)
    return redirect(f"/tasks/{milestone.task_id}/")


@login_required
@require_POST
def milestone_delete(request, pk):
    milestone = _milestone(request, pk)
    task_id = milestone.task_id
    actions.delete_milestone(milestone, request.user)
    messages.success(request, "已删除节点")
    return redirect(f"/tasks/{task_id}/")
