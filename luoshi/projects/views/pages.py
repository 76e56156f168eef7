"""The pages of 民生实事 for the office and the units: the year's list, candidates and the deputies' vote, a
project entered by hand, a project's page (its matter, money beside time and works — 双监控 —, stages,
the 绩效目标表, reports and their review, and the office's settings), the period report with its money,
and the year-end self-evaluation.

Each view: read access → validate → action → render (docs/architecture.md, "Where each kind of rule
lives"). A project the user may not read is a 404 (``access.project_for_reading``); one the user may read
but not act on this way is a 403 page with the ``REFUSED_*`` text; an action's refusal (``ActionError``)
re-renders the page with its Chinese line and the user's input kept (status 400).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi import access, errors
from luoshi.errors import ActionError
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Status, Task
from luoshi.tasks.views import ledger as task_views
from luoshi.tracking import actions as tracking_actions
from luoshi.tracking import health
from luoshi.tracking import views as tracking_views
from luoshi.tracking.models import ProgressReport

from .. import actions, money
from ..actions.evaluation import latest_actuals
from ..forms import (
    AdjustForm,
    BandsForm,
    BudgetForm,
    CandidatesForm,
    DatesForm,
    EvaluationForm,
    IndicatorsForm,
    OverrunForm,
    PeriodReportForm,
    ProjectFilterForm,
    ProjectForm,
    PromiseForm,
    ReviewForm,
    StagesForm,
    VotesForm,
)
from ..lights import progress
from ..models import Candidate, Evaluation, IndicatorValue, Project, Spending

# What the audit trail of a project's matter calls the project's own fields.
HISTORY_LABELS = {
    "created": "立项",
    "budget": "总投资",
    "budget_lines": "资金来源",
    "stages": "形象进度节点",
    "indicators": "绩效目标表",
    "overrun_allowed": "允许超拨超支",
    "overrun_reason": "超拨超支理由",
    "promised_by": "对应报告任务",
    "spend_yellow": "支出落后黄灯阈值",
    "spend_red": "支出落后红灯阈值",
    "works_yellow": "形象进度落后黄灯阈值",
    "works_red": "形象进度落后红灯阈值",
    "actual": "节点完成",
    "total": "自评得分",
    "adjusted_total": "调整后得分",
    "adjust_reason": "调整理由",
    "status": "状态",
}


class Shown:
    """A record as a page shows it: its own fields and methods, and what the page adds to it."""

    def __init__(self, record, **extra):
        self.record = record
        self.__dict__.update(extra)

    def __getattr__(self, name: str):
        return getattr(self.record, name)


def _office_government(request):
    """The user's government if the user is its office (督查室), else 404: the office's own pages."""
    user = request.user
    if not access.can_manage_projects(user, getattr(user, "government_id", None)):
        raise Http404("页面不存在")
    return user.government


@login_required
def funding_sources(request):
    """The government's funding sources (中央, 省级 … or its own), one per line, in the budget tables' order."""
    government = _office_government(request)
    error = ""
    if request.method == "POST":
        names = str(request.POST.get("names", "")).splitlines()
        try:
            actions.set_sources(government, request.user, names)
        except ActionError as exc:
            error = str(exc)
        else:
            messages.success(request, "已保存资金来源")
            return redirect("project_sources")
    names = request.POST.get("names") if error else "\n".join(s.name for s in actions.sources(government))
    return render(request, "projects/sources.html", {"names": names, "error": error}, status=400 if error else 200)


def _refuse(request, text: str):
    return render(request, "projects/refused.html", {"reason": text}, status=403)


def _url(project_id: int, anchor: str = "") -> str:
    return reverse("project_detail", args=[project_id]) + (f"#{anchor}" if anchor else "")


def _year(raw, default: int) -> int:
    try:
        year = int(str(raw))
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def _reached(stages) -> str:
    done = [s for s in stages if s.actual is not None]
    return done[-1].name if done else "未开始"


# ------------------------------------------------------------------------------------------------ the list


@login_required
def project_list(request):
    user = request.user
    today = timezone.localdate()
    projects = access.visible_projects(user)
    years = sorted(set(projects.values_list("year", flat=True)) | {today.year}, reverse=True)
    latest = max(set(projects.values_list("year", flat=True)) or {today.year})
    form = ProjectFilterForm(request.GET or None, government_id=user.government_id, years=years)
    year = latest
    light = ""
    if form.is_valid():
        f = form.cleaned_data
        year = f["year"] or latest
        if f["unit"]:
            projects = projects.filter(task__lead_unit=f["unit"]) | projects.filter(task__co_units=f["unit"])
        if f["place"]:
            projects = projects.filter(places=f["place"])
        light = f["light"]
    projects = (
        projects.filter(year=year)
        .distinct()
        .select_related("task", "task__lead_unit")
        .prefetch_related("places", "stages")
        .order_by("task__position", "id")
    )
    rows = list(projects)
    lights = health.compute_many([p.task_id for p in rows], today)
    shown = []
    for p in rows:
        p.health = lights.get(p.task_id)
        if light and (p.health is None or p.health.light != light):
            continue
        p.now = progress(p, today)
        p.reached = _reached(p.stages.all())
        shown.append(p)
    return render(
        request,
        "projects/list.html",
        {
            "form": form,
            "rows": shown,
            "year": year,
            "total": sum((p.budget for p in shown), Decimal("0.00")),
            "spent": sum((p.now.spent for p in shown), Decimal("0.00")),
            "can_manage": access.can_manage_projects(user, user.government_id),
        },
    )


# ------------------------------------------------------------------------------------------ candidates


def _candidates_page(request, government, year, bound=None, status=200):
    bound = bound or {}
    candidates = list(
        Candidate.objects.filter(government=government, year=year)
        .select_related("lead_unit", "project")
        .order_by("position", "id")
    )
    waiting = [c for c in candidates if not hasattr(c, "project")]
    opened = len(candidates) - len(waiting)
    voted = any(c.votes is not None for c in candidates)
    can_vote = bool(candidates) and not opened
    failed = [e for form in bound.values() for errs in form.errors.values() for e in errs]
    return render(
        request,
        "projects/candidates.html",
        {
            "year": year,
            "candidates": candidates,
            "voted": voted,
            "to_open": [c for c in waiting if c.chosen or not voted],
            "add_form": bound.get("add") or CandidatesForm(government_id=government.pk),
            "vote_form": (bound.get("vote") or VotesForm(candidates=candidates)) if can_vote else None,
            "open_form": (bound.get("open") or DatesForm(year=year)) if waiting else None,
            "failed": failed,
        },
        status=status,
    )


@login_required
def candidates(request):
    """The year's candidates: add rows, enter the vote, open the chosen (or all, without a vote)."""
    government = _office_government(request)
    year = _year(request.POST.get("year") or request.GET.get("year"), timezone.localdate().year)
    if request.method != "POST":
        return _candidates_page(request, government, year)
    step = request.POST.get("step")
    user = request.user
    form: CandidatesForm | VotesForm | DatesForm
    if step == "vote":
        rows = Candidate.objects.filter(government=government, year=year).order_by("position", "id")
        form = VotesForm(request.POST, candidates=rows)
        if form.is_valid():
            try:
                chosen = actions.record_votes(government, user, year, form.votes(), chosen=form.cleaned_data["chosen"])
            except ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已录入票决结果, 入选 {len(chosen)} 项")
                return redirect(reverse("project_candidates") + f"?year={year}")
        return _candidates_page(request, government, year, {"vote": form}, status=400)
    if step == "open":
        form = DatesForm(request.POST, year=year)
        if form.is_valid():
            try:
                made = actions.choose_projects(government, user, year, **form.cleaned_data)
            except ActionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已将 {len(made)} 个候选项目转为{year}年民生实事项目 (草稿), 请逐项交办")
                return redirect(reverse("projects") + f"?year={year}")
        return _candidates_page(request, government, year, {"open": form}, status=400)
    form = CandidatesForm(request.POST, government_id=government.pk)
    if form.is_valid():
        try:
            made = actions.add_candidates(government, user, year, form.rows())
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已添加 {len(made)} 个候选项目")
            return redirect(reverse("project_candidates") + f"?year={year}")
    return _candidates_page(request, government, year, {"add": form}, status=400)


# ------------------------------------------------------------------------------------ a project by hand


@login_required
def project_new(request):
    government = _office_government(request)
    sources = actions.sources(government)
    post = request.POST if request.method == "POST" else None
    form = ProjectForm(post, government_id=government.pk)
    budget = BudgetForm(post, sources=sources)
    stages = StagesForm(post, dates_required=False)
    indicators = IndicatorsForm(post)
    failed: list[str] = []
    if post is not None:
        if all([form.is_valid(), budget.is_valid(), stages.is_valid(), indicators.is_valid()]):
            data = form.cleaned_data
            try:
                lines = {
                    name: money.amount(raw, f"{name}资金", allow_empty=True) for name, raw in budget.lines().items()
                }
                lines = {name: value for name, value in lines.items() if value}
                added = sum(lines.values(), Decimal("0.00"))
                total = money.amount(data["total"], "总投资") if (data["total"] or "").strip() else added
                if total <= 0:
                    raise ActionError("请按资金来源填写投资额 (总投资应大于0)")
                plan = actions.ProjectPlan(
                    title=data["title"],
                    budget=total,
                    start=data["start"],
                    deadline=data["deadline"],
                    content=data["content"],
                    lead_unit=data["lead_unit"],
                    co_units=list(data["co_units"]),
                    places=list(data["places"]),
                    budget_lines=lines,
                    stages=stages.stages(),
                    indicators=indicators.lines(),
                )
                (project,) = actions.open_projects(government, request.user, data["deadline"].year, [plan])
            except ActionError as exc:
                failed.append(str(exc))
            else:
                messages.success(request, f"已录入项目“{project.title}” (草稿), 请核对后交办")
                return redirect(_url(project.pk))
        for f in (form, budget, stages, indicators):
            failed += [e for errs in f.errors.values() for e in errs]
    return render(
        request,
        "projects/new.html",
        {"form": form, "budget_form": budget, "stages_form": stages, "indicators_form": indicators, "failed": failed},
        status=400 if failed else 200,
    )


# ------------------------------------------------------------------------------------------ one project


def _history(request, task) -> list[dict]:
    rows = task_views.detail_context(request, task)["history"]
    for row in rows:
        row["field"] = HISTORY_LABELS.get(row["field"], row["field"])
    return rows


def _reports(project: Project, task: Task, can_review: bool, bound: dict) -> list:
    reports = list(
        ProgressReport.objects.filter(task=task).select_related("review", "author", "unit").order_by("-submitted_at")
    )
    spendings = {s.progress_report_id: s for s in Spending.objects.filter(progress_report__in=reports)}
    values: dict[int, list] = {}
    for v in IndicatorValue.objects.filter(progress_report__in=reports).select_related("indicator"):
        values.setdefault(v.progress_report_id, []).append(v)
    return [
        Shown(
            r,
            money=spendings.get(r.pk),
            values=values.get(r.pk, []),
            can_review=can_review and not hasattr(r, "review"),
            review_form=(bound.get(("review", r.pk)) or ReviewForm())
            if can_review and not hasattr(r, "review")
            else None,
        )
        for r in reports
    ]


def detail_context(request, project: Project, bound: dict | None = None) -> dict:
    """Everything of one project on one page, and the forms this user may use (``bound``: the form the
    user just sent, kept with its errors, keyed by name or by (name, record id))."""
    user = request.user
    bound = bound or {}
    today = timezone.localdate()
    project = (
        Project.objects.select_related("task", "task__report", "task__lead_unit", "task__leader", "promised_by")
        .prefetch_related("places")
        .get(pk=project.pk)
    )
    task = project.task
    panel = tracking_views.panel(request, task)
    stages = list(project.stages.all())
    actuals = latest_actuals(project)
    indicators = [Shown(i, actual=actuals.get(i.pk)) for i in project.indicators.all()]
    lines = list(project.budget_lines.select_related("source"))
    manage = access.can_manage_projects(user, project.government_id)
    can_report = access.can_report_project(user, project)
    periods = tracking_views.open_periods(task, today) if can_report else []
    forms = {}
    if manage:
        forms = {
            "budget_form": bound.get("budget")
            or BudgetForm(sources=actions.sources(project.government), lines={b.source.name: b.amount for b in lines}),
            "stages_form": bound.get("stages") or StagesForm(stages=[(s.name, s.planned, s.weight) for s in stages]),
            "indicators_form": bound.get("indicators") or IndicatorsForm(indicators=indicators),
            "bands_form": bound.get("bands") or BandsForm(project=project),
            "overrun_form": bound.get("overrun") or OverrunForm(project=project),
            "promise_form": bound.get("promise") or PromiseForm(project=project),
        }
    report_form = None
    if can_report:
        report_form = bound.get("report") or PeriodReportForm(
            project=project, periods=periods, initial={"idempotency_key": uuid.uuid4().hex}
        )
    failed = [e for form in bound.values() for errs in form.errors.values() for e in errs]
    evaluation = Evaluation.objects.filter(project=project).first()
    return {
        "project": project,
        "task": task,
        "co_units": list(task.co_units.all()),
        "places": list(project.places.all()),
        "health": panel["health"],
        "health_changes": panel["health_changes"],
        "instructions": panel["instructions"],
        "reminders": panel["reminders"],
        "orders": panel["orders"],
        "now": progress(project, today),
        "lines": lines,
        "stages": stages,
        "reached": _reached(stages),
        "indicators": indicators,
        "reports": _reports(project, task, access.can_review_reports(user, task), bound),
        "evaluation": evaluation,
        "history": _history(request, task),
        "can_manage": manage,
        "can_publish": manage and task.status == Status.DRAFT,
        "can_acknowledge": access.can_acknowledge(user, task),
        "can_report": can_report,
        "no_period": can_report and not periods,
        "can_evaluate": access.can_evaluate_project(user, project),
        "report_form": report_form,
        "failed": failed,
        **forms,
    }


def _detail(request, project, bound=None, status=200):
    return render(request, "projects/detail.html", detail_context(request, project, bound), status=status)


@login_required
def project_detail(request, pk):
    return _detail(request, access.project_for_reading(request.user, pk))


def _act(request, project, key, form, act, done: str, anchor: str):
    """Validate ``form``, run ``act`` on its cleaned data; on success say so and go back to the project,
    else show the project again with the form, its input and the Chinese reason (status 400)."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(_url(project.pk, anchor))
    return _detail(request, project, {key: form}, status=400)


def _managed(request, pk):
    """The project and None if the user is its office, else the project and the 403 answer."""
    project = access.project_for_reading(request.user, pk)
    if not access.can_manage_projects(request.user, project.government_id):
        return project, _refuse(request, errors.REFUSED_PROJECT_MANAGE)
    return project, None


@login_required
@require_POST
def project_publish(request, pk):
    """交办: a draft project with its lead unit goes to its units."""
    project, refused = _managed(request, pk)
    if refused:
        return refused
    task = project.task
    problem = ""
    if task.status != Status.DRAFT:
        problem = "该项目已交办"
    elif task.lead_unit_id is None:
        problem = "请先在任务编辑页指定牵头单位, 再交办"
    if problem:
        messages.error(request, problem)
        return _detail(request, project, status=400)
    task_actions.publish(task.report, request.user, [task.pk])
    messages.success(request, f"已交办“{project.title}”")
    return redirect(_url(project.pk))


@login_required
@require_POST
def project_budget(request, pk):
    project, refused = _managed(request, pk)
    if refused:
        return refused
    form = BudgetForm(request.POST, sources=actions.sources(project.government))
    return _act(
        request,
        project,
        "budget",
        form,
        lambda data: actions.set_budget(project.pk, request.user, form.lines()),
        "已保存资金来源, 总投资随之更新",
        "money",
    )


@login_required
@require_POST
def project_stages(request, pk):
    project, refused = _managed(request, pk)
    if refused:
        return refused
    form = StagesForm(request.POST)
    return _act(
        request,
        project,
        "stages",
        form,
        lambda data: actions.set_stages(project.pk, request.user, form.stages()),
        "已保存形象进度节点",
        "stages",
    )


@login_required
@require_POST
def project_indicators(request, pk):
    project, refused = _managed(request, pk)
    if refused:
        return refused
    form = IndicatorsForm(request.POST, require_one=True)
    return _act(
        request,
        project,
        "indicators",
        form,
        lambda data: actions.set_indicators(project.pk, request.user, form.lines()),
        "已保存绩效目标表",
        "targets",
    )


@login_required
@require_POST
def project_bands(request, pk):
    project, refused = _managed(request, pk)
    if refused:
        return refused
    form = BandsForm(request.POST, project=project)
    return _act(
        request,
        project,
        "bands",
        form,
        lambda data: actions.set_bands(project.pk, request.user, **data),
        "已保存红黄灯阈值",
        "settings",
    )


@login_required
@require_POST
def project_overrun(request, pk):
    project, refused = _managed(request, pk)
    if refused:
        return refused
    form = OverrunForm(request.POST, project=project)
    return _act(
        request,
        project,
        "overrun",
        form,
        lambda data: actions.allow_overrun(project.pk, request.user, allowed=data["allowed"], reason=data["reason"]),
        "已保存超拨超支设置",
        "settings",
    )


@login_required
@require_POST
def project_promise(request, pk):
    project, refused = _managed(request, pk)
    if refused:
        return refused
    form = PromiseForm(request.POST, project=project)
    return _act(
        request,
        project,
        "promise",
        form,
        lambda data: actions.link_promise(project.pk, request.user, data["task"].pk if data["task"] else None),
        "已保存对应的报告任务",
        "settings",
    )


@login_required
@require_POST
def project_acknowledge(request, pk):
    project = access.project_for_reading(request.user, pk)
    if not access.can_acknowledge(request.user, project.task):
        return _refuse(request, errors.REFUSED_ACKNOWLEDGE)
    try:
        tracking_actions.acknowledge(project.task_id, request.user)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已签收“{project.title}”, 请按期报送资金和形象进度")
    return redirect(_url(project.pk, "report"))


@login_required
@require_POST
def project_report(request, pk):
    """The lead unit's period report: progress, money, indicator actuals and stages done, all or nothing."""
    project = access.project_for_reading(request.user, pk)
    if not access.can_report_project(request.user, project):
        return _refuse(request, errors.REFUSED_PROJECT_REPORT)
    periods = tracking_views.open_periods(project.task)
    form = PeriodReportForm(request.POST, project=project, periods=periods)

    def act(data):
        _report, _spending = actions.report_period(
            project.pk,
            request.user,
            period=data["period"],
            percent=data["percent"],
            narrative=data["narrative"],
            received=data["received"],
            disbursed=data["disbursed"],
            spent=data["spent"],
            indicators=form.actuals(),
            stages_done=form.stages_done(),
            idempotency_key=data["idempotency_key"],
        )

    return _act(request, project, "report", form, act, "已报送本期进展和资金, 等待督查室审核", "reports")


@login_required
@require_POST
def report_review(request, pk):
    """The office accepts a period report or returns it with its reason (tracking's review)."""
    report = access.progress_report_for_reading(request.user, pk)
    project = Project.objects.filter(task_id=report.task_id).first()
    if project is None:
        raise Http404("没有这个民生实事项目")
    if not access.can_review_reports(request.user, report.task):
        return _refuse(request, errors.REFUSED_REVIEW)
    form = ReviewForm(request.POST)
    return _act(
        request,
        project,
        ("review", report.pk),
        form,
        lambda data: tracking_actions.review_report(report.pk, request.user, **data),
        "已审核进展报告",
        "reports",
    )


# ------------------------------------------------------------------------------------------ evaluation


def _evaluation_page(request, project, *, form=None, adjust_form=None, status=200):
    user = request.user
    evaluation = Evaluation.objects.filter(project=project).first()
    can_evaluate = access.can_evaluate_project(user, project) and (
        evaluation is None or evaluation.status != Evaluation.Status.CONFIRMED
    )
    if evaluation is not None and evaluation.status != Evaluation.Status.DRAFT:
        figures = {
            "lines": evaluation.lines,
            "budget_rate": evaluation.budget_rate,
            "budget_score": evaluation.budget_score,
            "total": evaluation.total,
        }
    else:
        figures = actions.score(project)
        saved = {line["indicator"]: line.get("explanation", "") for line in (evaluation.lines if evaluation else [])}
        for line in figures["lines"]:
            line["explanation"] = saved.get(line["indicator"], "")
    for line in figures["lines"]:
        line["short"] = Decimal(str(line["score"])) < Decimal(str(line["weight"]))
    weight_total = sum((Decimal(str(line["weight"])) for line in figures["lines"]), Decimal(0))
    if can_evaluate and form is None:
        form = EvaluationForm(lines=[line for line in figures["lines"] if line["short"]])
    can_adjust = access.can_manage_projects(user, project.government_id) and evaluation is not None
    if can_adjust and adjust_form is None:
        adjust_form = AdjustForm(initial={"total": evaluation.final if evaluation else ""})
    failed = [
        e for f in (form, adjust_form) if f is not None and f.is_bound for errs in f.errors.values() for e in errs
    ]
    return render(
        request,
        "projects/evaluation.html",
        {
            "project": project,
            "task": project.task,
            "evaluation": evaluation,
            "figures": figures,
            "weight_total": weight_total,
            "budget_weight": actions.evaluation.BUDGET_POINTS,
            "form": form if can_evaluate else None,
            "adjust_form": adjust_form if can_adjust else None,
            "failed": failed,
        },
        status=status,
    )


@login_required
def project_evaluation(request, pk):
    """The unit's self-evaluation: scored from the record, explained where points were lost; saved or
    submitted. Everyone who reads the project reads it."""
    project = access.project_for_reading(request.user, pk)
    if request.method != "POST":
        return _evaluation_page(request, project)
    if not access.can_evaluate_project(request.user, project):
        return _refuse(request, errors.REFUSED_PROJECT_EVALUATE)
    lines = [line for line in actions.score(project)["lines"] if Decimal(line["score"]) < Decimal(line["weight"])]
    form = EvaluationForm(request.POST, lines=lines)
    if form.is_valid():
        submit = form.cleaned_data["submit"] == "1"
        try:
            actions.evaluate(project.pk, request.user, explanations=form.explanations(), submit=submit)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "自评已提交督查室" if submit else "自评已保存")
            return redirect(reverse("project_evaluation", args=[project.pk]))
    return _evaluation_page(request, project, form=form, status=400)


@login_required
@require_POST
def evaluation_adjust(request, pk):
    project = access.project_for_reading(request.user, pk)
    if not access.can_manage_projects(request.user, project.government_id):
        return _refuse(request, errors.REFUSED_PROJECT_MANAGE)
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            if not Evaluation.objects.filter(project=project).exists():
                raise ActionError("单位尚未提交自评")
            actions.adjust(
                project.pk, request.user, total=form.cleaned_data["total"], reason=form.cleaned_data["reason"]
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已调整并确认自评得分")
            return redirect(reverse("project_evaluation", args=[project.pk]))
    return _evaluation_page(request, project, adjust_form=form, status=400)
