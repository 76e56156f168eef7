"""落实 pages. Each view: read access → validate → action → render (or redirect back to the task)."""

from __future__ import annotations

import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi import access, errors
from luoshi.audit import security
from luoshi.errors import ActionError
from luoshi.tasks.views import ledger as task_views
from luoshi.text.cells import csv_row

from . import actions, health, periods
from .forms import (
    ClosingForm,
    ContributionForm,
    DecisionForm,
    DeclineDecisionForm,
    DeclineForm,
    ExtensionForm,
    InstructionForm,
    ProgressReportForm,
    ReviewForm,
)
from .models import Delivery, HealthChange, ProgressReport, Reminder, ReportReview, SupervisionOrder

# What the inbox calls the kinds of its items.
KIND_LABELS = {
    "report": "进展待审核",
    "review": "审核结果",
    "remind": "提醒",
    "urge": "催办",
    "order": "督办单",
    "instruction": "批示",
    "contribution": "配合进展",
    "extension": "延期申请",
    "closing": "办结申请",
    "assign": "交办",
    "relief": "退回改办",
    "opinion": "会办意见",
    "reply": "答复",
    "verdict": "满意度测评",
    "redo": "再次办理",
    "decline": "拒签收",
}


def open_periods(task, day=None) -> list[periods.Period]:
    """The periods a report may be submitted for today, newest first."""
    day = day or timezone.localdate()
    if task.published_at is None:
        return []
    start = health.local_date(task.published_at)
    candidates = periods.periods_between(task.cycle, task.due_day, min(start, day.replace(day=1)), day)
    first = periods.period_at(task.cycle, task.due_day, start).start
    return [p for p in reversed(candidates) if p.is_open(day) and p.end >= first][:2]


@login_required
def ledger(request):
    """The ledger page: the ledger's filter and tasks, each with its recorded light."""
    context = task_views.ledger_context(request)
    ids = [task.pk for task in context["page"]]
    lights = health.recorded(ids)
    progress: dict[int, int] = {}
    for task_id, percent in (
        ProgressReport.objects.filter(task_id__in=ids).order_by("submitted_at", "id").values_list("task_id", "percent")
    ):
        progress[task_id] = percent  # the latest reported progress
    for task in context["page"]:
        task.health = lights.get(task.pk)
        task.progress = progress.get(task.pk)
    context["filtered"] = any(v for k, v in request.GET.items() if k != "page")
    return render(request, "tasks/ledger.html", context)


@login_required
def task_detail(request, pk):
    """The task page: the ledger's part and the 落实 section."""
    task = access.task_for_reading(request.user, pk)
    return render(request, "tasks/detail.html", {**task_views.detail_context(request, task), **panel(request, task)})


@login_required
@require_POST
def task_acknowledge(request, pk):
    task = access.task_for_reading(request.user, pk)
    if not access.can_acknowledge(request.user, task):
        messages.error(request, errors.REFUSED_ACKNOWLEDGE)
        return redirect(f"/tasks/{task.pk}/")
    actions.acknowledge(task.pk, request.user)
    messages.success(request, f"已签收任务 {task.code}")
    return redirect(f"/tasks/{task.pk}/")


def panel(request, task) -> dict:
    """Context of the task page's 落实 section (reads only)."""
    user = request.user
    day = timezone.localdate()
    reports = list(
        ProgressReport.objects.filter(task=task).select_related("review", "author", "unit").prefetch_related("evidence")
    )
    choices = open_periods(task, day)
    extensions = list(task.extension_requests.select_related("requested_by", "decided_by"))
    for e in extensions:
        e.can_decide = access.can_decide_extension(user, e)
    closings = list(task.closing_requests.select_related("requested_by", "decided_by"))
    for c in closings:
        c.can_decide = access.can_decide_closing(user, c)
    declines = list(task.declines.select_related("unit", "requested_by", "new_unit", "decided_by"))
    for d in declines:
        d.can_decide = access.can_decide_decline(user, d)
    wanted = request.GET.get("period", "")  # the home page's link names the period it asks for
    asked = {"period": wanted} if any(p.key == wanted for p in choices) else {}
    can_report = access.can_submit_report(user, task) and bool(choices)
    can_review = access.can_review_reports(user, task)
    latest: dict[str, ProgressReport] = {}
    for r in reports:
        latest[r.period] = r  # the newest report of each period
    open_keys = {p.key for p in choices}
    returned = [
        r
        for r in latest.values()
        if r.period in open_keys and getattr(r, "review", None) and r.review.decision == ReportReview.Decision.RETURNED
    ]
    return {
        # what this user may do now, shown first on the task page (``#act``)
        "pending_reports": [r for r in reports if getattr(r, "review", None) is None] if can_review else [],
        "returned_reports": returned if can_report else [],
        "open_extensions": [e for e in extensions if e.can_decide],
        "open_closings": [c for c in closings if c.can_decide],
        "open_declines": [d for d in declines if d.can_decide],
        "declines": declines,
        "can_decline": access.can_decline(user, task),
        "decline_form": DeclineForm(prefix="decline"),
        "decline_decision_form": DeclineDecisionForm(prefix="redecide", government_id=task.report.government_id),
        "health": health.compute(task, day),
        "health_changes": list(HealthChange.objects.filter(task=task).order_by("on", "id")),
        "progress_reports": reports,
        "contributions": list(task.contributions.select_related("unit", "author")),
        "extensions": extensions,
        "closings": closings,
        "instructions": list(task.instructions.select_related("author")),
        "orders": list(task.supervision_orders.all()),
        "reminders": list(task.reminders.all()),
        "can_report": can_report,
        "can_contribute": access.can_contribute(user, task) and bool(choices),
        "can_review": can_review,
        "can_extend": access.can_request_extension(user, task),
        "can_close": access.can_request_closing(user, task),
        "can_instruct": access.can_instruct(user, task),
        "report_form": ProgressReportForm(periods=choices, initial={"idempotency_key": uuid.uuid4().hex, **asked}),
        "contribution_form": ContributionForm(periods=choices, prefix="contribution", initial=asked),
        "review_form": ReviewForm(prefix="review"),
        "extension_form": ExtensionForm(prefix="extension"),
        "decision_form": DecisionForm(prefix="decision"),
        "closing_form": ClosingForm(prefix="closing"),
        "instruction_form": InstructionForm(prefix="instruction"),
    }


def _back(task_id):
    return redirect(f"/tasks/{task_id}/#act")


def _errors(request, form) -> None:
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, error)


def _submit(request, form, task_id, act, done: str):
    """Validate ``form``, run ``act`` on its cleaned data, say how it went, and go back to the task."""
    if not form.is_valid():
        _errors(request, form)
        return _back(task_id)
    try:
        act(form.cleaned_data)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return _back(task_id)


@login_required
@require_POST
def report_submit(request, pk):
    task = access.task_for_reading(request.user, pk)
    if not access.can_submit_report(request.user, task):
        messages.error(request, errors.REFUSED_REPORT)
        return _back(task.pk)
    form = ProgressReportForm(request.POST, request.FILES, periods=open_periods(task))
    if not form.is_valid():
        _errors(request, form)
        return _back(task.pk)
    data = form.cleaned_data
    try:
        _report, created = actions.submit_report(
            task.pk,
            request.user,
            period=data["period"],
            percent=data["percent"],
            narrative=data["narrative"],
            milestone_note=data["milestone_note"],
            files=data["evidence"],
            links=form.link_list(),
            idempotency_key=data["idempotency_key"],
        )
    except ActionError as exc:
        messages.error(request, str(exc))
        return _back(task.pk)
    messages.success(request, "进展已报送, 等待督查室审核" if created else "该报告此前已提交 (未重复报送)")
    return _back(task.pk)


@login_required
@require_POST
def contribution_submit(request, pk):
    task = access.task_for_reading(request.user, pk)
    if not access.can_contribute(request.user, task):
        messages.error(request, errors.REFUSED_CONTRIBUTE)
        return _back(task.pk)
    form = ContributionForm(request.POST, periods=open_periods(task), prefix="contribution")
    return _submit(
        request,
        form,
        task.pk,
        lambda data: actions.contribute(task.pk, request.user, **data),
        "配合进展已报送给牵头单位",
    )


@login_required
@require_POST
def report_review(request, pk):
    report = access.progress_report_for_reading(request.user, pk)
    if not access.can_review_reports(request.user, report.task):
        raise Http404("没有这份进展报告")
    form = ReviewForm(request.POST, prefix="review")
    if not form.is_valid():
        _errors(request, form)
        return _back(report.task_id)
    try:
        actions.review_report(report.pk, request.user, **form.cleaned_data)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ReportReview.Decision(form.cleaned_data["decision"]).label)
    return _back(report.task_id)


@login_required
def evidence_download(request, pk):
    evidence = access.evidence_for_reading(request.user, pk)
    security.event(request, "evidence", obj=evidence, detail=evidence.name or evidence.url)
    if not evidence.file:
        return redirect(evidence.url)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


@login_required
@require_POST
def extension_request(request, pk):
    task = access.task_for_reading(request.user, pk)
    if not access.can_request_extension(request.user, task):
        messages.error(request, errors.REFUSED_EXTENSION)
        return _back(task.pk)
    form = ExtensionForm(request.POST, prefix="extension")
    return _submit(
        request, form, task.pk, lambda data: actions.request_extension(task.pk, request.user, **data), "延期申请已提交"
    )


@login_required
@require_POST
def extension_decide(request, pk):
    extension = access.extension_for_reading(request.user, pk)
    if not access.can_decide_extension(request.user, extension):
        raise Http404("没有这项申请")
    form = DecisionForm(request.POST, prefix="decision")
    return _submit(
        request,
        form,
        extension.task_id,
        lambda data: actions.decide_extension(
            extension.pk, request.user, approve=data["approve"] == "1", reason=data["reason"]
        ),
        "已处理延期申请",
    )


@login_required
@require_POST
def closing_request(request, pk):
    task = access.task_for_reading(request.user, pk)
    if not access.can_request_closing(request.user, task):
        messages.error(request, errors.REFUSED_CLOSING)
        return _back(task.pk)
    form = ClosingForm(request.POST, prefix="closing")
    return _submit(
        request, form, task.pk, lambda data: actions.request_closing(task.pk, request.user, **data), "办结申请已提交"
    )


@login_required
@require_POST
def closing_decide(request, pk):
    closing = access.closing_for_reading(request.user, pk)
    if not access.can_decide_closing(request.user, closing):
        raise Http404("没有这项申请")
    form = DecisionForm(request.POST, prefix="decision")
    return _submit(
        request,
        form,
        closing.task_id,
        lambda data: actions.decide_closing(
            closing.pk, request.user, approve=data["approve"] == "1", reason=data["reason"]
        ),
        "已处理办结申请",
    )


@login_required
@require_POST
def decline_request(request, pk):
    """拒签收: the lead unit declines the matter with a reason instead of signing for it."""
    task = access.task_for_reading(request.user, pk)
    if not access.can_decline(request.user, task):
        messages.error(request, "只有牵头单位可以在签收前拒签收, 且每次只能有一项申请")
        return _back(task.pk)
    form = DeclineForm(request.POST, prefix="decline")
    return _submit(
        request,
        form,
        task.pk,
        lambda data: actions.request_decline(task.pk, request.user, reason=data["reason"]),
        "拒签收申请已提交, 等待督查室处理",
    )


@login_required
@require_POST
def decline_decide(request, pk):
    """The office reassigns a declined matter to another lead unit, or insists."""
    decline = access.decline_for_reading(request.user, pk)
    if not access.can_decide_decline(request.user, decline):
        raise Http404("没有这项申请")
    form = DeclineDecisionForm(request.POST, prefix="redecide", government_id=decline.task.report.government_id)
    if not form.is_valid():
        _errors(request, form)
        return _back(decline.task_id)
    data = form.cleaned_data
    reassign = data["decision"] == "reassign"
    try:
        actions.decide_decline(
            decline.pk, request.user, reassign=reassign, new_unit=data["new_unit"], reason=data["reason"]
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已改派{data['new_unit'].label}牵头" if reassign else "已维持交办, 并告知该单位")
    return _back(decline.task_id)


@login_required
@require_POST
def instruction_add(request, pk):
    task = access.task_for_reading(request.user, pk)
    if not access.can_instruct(request.user, task):
        raise Http404("没有这个任务")
    form = InstructionForm(request.POST, prefix="instruction")
    if not form.is_valid():
        _errors(request, form)
        return _back(task.pk)
    actions.instruct(task.pk, request.user, text=form.cleaned_data["text"])
    messages.success(request, "批示已送达责任单位")
    return _back(task.pk)


@login_required
def inbox(request):
    """The inbox: what is still to do first (unread before read), then what is done or only told."""
    items = access.notifications_of(request.user).select_related("task")
    show = request.GET.get("show", "")
    kinds = sorted(set(items.values_list("kind", flat=True)))
    kind = request.GET.get("kind", "")
    if kind in kinds:
        items = items.filter(kind=kind)
    todo = list(items.filter(done_at__isnull=True).order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id"))
    done = items.filter(done_at__isnull=False) if show == "all" or not todo else items.none()
    page = Paginator(done, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tracking/inbox.html",
        {
            "todo": todo,
            "page": page,
            "show": show,
            "kind": kind,
            "kinds": [(k, KIND_LABELS.get(k, k)) for k in kinds],
            "done_count": access.notifications_of(request.user).filter(done_at__isnull=False).count(),
        },
    )


@login_required
@require_POST
def inbox_read(request, pk=None):
    ids = None if pk is None else [pk]
    if pk is not None and not access.notifications_of(request.user).filter(pk=pk).exists():
        raise Http404("没有这条通知")
    actions.mark_read(request.user, ids)
    return redirect("inbox")


@login_required
def delivery_log(request):
    if not access.can_see_deliveries(request.user):
        raise Http404("页面不存在")
    rows = Delivery.objects.select_related("webhook").order_by("-day", "-id")
    status = request.GET.get("status", "")
    if status in Delivery.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request, "tracking/deliveries.html", {"page": page, "status": status, "statuses": Delivery.Status.choices}
    )


@login_required
def escalation_export(request, pk):
    """The escalation log of one ledger (提醒, 催办, 督办单) as CSV, as evidence for assessments."""
    report = access.report_for_supervisor(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="escalations-{report.pk}.csv"'
    security.event(request, "export", obj=report, detail=f"escalations-{report.pk}.csv")
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(["日期", "类型", "任务序号", "牵头单位", "事项", "到期日/编号", "记录键"])
    for r in Reminder.objects.filter(task__report=report).select_related("task", "task__lead_unit"):
        unit = r.task.lead_unit.label if r.task.lead_unit else ""
        writer.writerow(csv_row([r.on, r.get_kind_display(), r.task.code, unit, r.subject, r.due, r.key]))
    for o in SupervisionOrder.objects.filter(task__report=report).select_related("task", "task__lead_unit"):
        unit = o.task.lead_unit.label if o.task.lead_unit else ""
        writer.writerow(csv_row([o.on, "督办单", o.task.code, unit, o.cause, o.number, o.key]))
    return response
