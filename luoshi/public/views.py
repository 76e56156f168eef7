"""政务公开 pages (no login) and the office's disclosure settings.

The public pages read only ``access.public_tasks`` and, of those, only the fields whitelisted here and
switched on per task: task text, lead unit, status, progress (of accepted reports), last update date and
the office's public summary; ``access.public_proposals``, of which only the whitelisted fields of the
publishable reply (see "建议提案办理结果公开" below); and ``access.public_projects``, of which only the fields
listed under "民生实事公开" below. Nothing else is ever put in their context.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from luoshi import access
from luoshi.dashboards import stats
from luoshi.errors import ActionError
from luoshi.projects import exports as project_figures
from luoshi.projects.models import Project
from luoshi.proposals.models import Category, Kind, Reply
from luoshi.reports.models import WorkReport
from luoshi.tasks.models import Status, Task

from . import actions
from .models import FIELDS, Disclosure

PAGE_SIZE = 200
# The open-data columns and what each means (served as a page and as a CSV).
DATA_COLUMNS = [
    ("报告编号", "工作报告在本站的编号, 与网址 /public/reports/<编号>/ 对应"),
    ("年度", "工作报告的年度"),
    ("序号", "任务在分工方案中的序号, 与网址 /public/reports/<编号>/tasks/<序号>/ 对应"),
    ("板块", "任务所在的报告板块"),
    ("工作任务", "政府工作报告中的任务原文"),
    ("牵头单位", "负责推进任务的牵头单位; 未公开时为空"),
    ("状态", "任务状态, 定义见 /public/method/; 未公开时为空"),
    ("完成进度", "经督查室审核采纳的最近一期进展报告所填完成进度 (0-100); 未公开或尚无采纳的报告时为空"),
    ("最近更新", "该期进展报告的报送日期 (YYYY-MM-DD); 未公开时为空"),
    ("公开摘要", "督查室撰写的面向公众的进展说明; 未公开时为空"),
    ("数据截至", "本数据生成的日期"),
]
STATUS_DEFINITIONS = [
    (status.value, status.label, meaning)
    for status, meaning in (
        (Status.ASSIGNED, "督查室已将任务交办给牵头单位, 等待签收。"),
        (Status.ACKNOWLEDGED, "牵头单位已签收任务, 开始组织推进。"),
        (Status.IN_PROGRESS, "牵头单位已报送进展, 任务正在推进。"),
        (Status.CLOSING, "牵头单位认为任务已完成并申请办结, 督查室正在审核。"),
        (Status.CLOSED, "督查室审核确认任务已办结。"),
        (Status.ONGOING, "长期持续的工作 (如“常态化”“持续推进”), 按期报送进展, 没有终点。"),
    )
]


def _public_row(row: stats.Row, d: Disclosure | None) -> dict:
    """Only whitelisted fields, each only if the office switched it on for this task."""
    out: dict[str, object] = {
        "code": row.code,
        "text": row.text,
        "section": f"{row.section_number} {row.section_title}".strip(),
    }
    show = set(d.shown_fields()) if d else set()
    out["lead_unit"] = row.lead_unit if "show_lead_unit" in show else ""
    out["status"] = row.status_label if "show_status" in show else ""
    out["status_key"] = row.status if "show_status" in show else ""
    out["percent"] = (
        row.progress if "show_progress" in show and (row.percent is not None or row.status == Status.CLOSED) else None
    )
    out["updated"] = row.updated if "show_updated" in show else None
    out["summary"] = d.summary if d and "show_summary" in show else ""
    return out


def _rows(tasks, day) -> list[dict]:
    rows = stats.collect(tasks, day, public=True)
    disclosures = {
        d.task_id: d for d in Disclosure.objects.filter(task_id__in=tasks.values("id")).only(*_DISCLOSURE_FIELDS)
    }
    return [_public_row(r, disclosures.get(r.id)) for r in rows]


_DISCLOSURE_FIELDS = ["task_id", "summary", *(name for name, _ in FIELDS)]


def _report(pk, day) -> WorkReport:
    try:
        report = WorkReport.objects.select_related("government").get(pk=int(pk))
    except (WorkReport.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这份报告") from None
    if not access.public_tasks(day).filter(report=report).exists():
        raise Http404("没有这份报告")
    return report


def index(request):
    day = timezone.localdate()
    tasks = access.public_tasks(day)
    counts = stats.public_report_counts(tasks)
    reports = list(WorkReport.objects.filter(id__in=list(counts)).select_related("government").order_by("-year", "-id"))
    for r in reports:
        r.public_total = counts[r.pk]["total"]
        r.public_closed = counts[r.pk]["closed"]
    return render(request, "public/index.html", {"reports": reports, "day": day})


def year(request, year):
    day = timezone.localdate()
    ids = access.public_tasks(day).filter(report__year=year).values("report_id")
    reports = list(WorkReport.objects.filter(id__in=ids).select_related("government").order_by("-id"))
    if not reports:
        raise Http404("该年度没有公开的报告")
    if len(reports) == 1:
        return redirect("public_report", pk=reports[0].pk)
    return render(request, "public/index.html", {"reports": reports, "day": day, "year": year})


def report(request, pk):
    day = timezone.localdate()
    report = _report(pk, day)
    tasks = access.public_tasks(day).filter(report=report)
    sections = list(tasks.order_by("position").values_list("section_number", "section_title").distinct())
    # the filter opens on 全部板块: a matter outside any section adds no empty choice that would be selected
    sections = [s for s in dict.fromkeys(f"{n} {t}".strip() for n, t in sections) if s]
    section = request.GET.get("section", "").strip()
    section = section if section in sections else ""
    if section:
        number, _, title = section.partition(" ")
        tasks = tasks.filter(section_title=title) if title else tasks.filter(section_title=number)
    page = Paginator(tasks.order_by("position", "id").values_list("id", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = _rows(Task.objects.filter(id__in=list(page.object_list)), day)
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row["section"], []).append(row)
    return render(
        request,
        "public/report.html",
        {"report": report, "grouped": grouped, "sections": sections, "section": section, "page": page, "day": day},
    )


def task(request, pk, code):
    day = timezone.localdate()
    report = _report(pk, day)
    tasks = access.public_tasks(day).filter(report=report, code=code)
    rows = _rows(tasks, day)
    if not rows:
        raise Http404("没有这项公开任务")
    return render(request, "public/task.html", {"report": report, "row": rows[0], "day": day})


def method(request):
    return render(
        request,
        "public/method.html",
        {"statuses": STATUS_DEFINITIONS, "columns": DATA_COLUMNS, "day": timezone.localdate()},
    )


def _csv(rows: list[list]) -> HttpResponse:
    from luoshi.text.cells import csv_row

    out = io.StringIO()
    writer = csv.writer(out)
    for values in rows:
        writer.writerow(csv_row(values))
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    return response


def report_csv(request, pk):
    day = timezone.localdate()
    report = _report(pk, day)
    rows = _rows(access.public_tasks(day).filter(report=report), day)
    table = [[c for c, _ in DATA_COLUMNS]]
    for r in rows:
        table.append(
            [
                report.pk,
                report.year,
                r["code"],
                r["section"],
                r["text"],
                r["lead_unit"],
                r["status"],
                "" if r["percent"] is None else r["percent"],
                r["updated"].isoformat() if r["updated"] else "",
                r["summary"],
                day.isoformat(),
            ]
        )
    response = _csv(table)
    response["Content-Disposition"] = f'attachment; filename="luoshi-public-{report.year}-{report.pk}.csv"'
    return response


def columns_csv(request):
    response = _csv([["列名", "说明"], *DATA_COLUMNS])
    response["Content-Disposition"] = 'attachment; filename="luoshi-public-columns.csv"'
    return response


# ------------------------------------------------------------------------------------ 建议提案办理结果公开
# Of a suggestion or proposal the public reads only these fields (the disclosure whitelist): its title, its
# number (届次, kind and number), the 主办 unit, the category, the text and the date of the reply shown — the
# latest accepted reply its unit marked publishable (of the latest round, for a matter handled again).
# Authors, verdicts, opinions, contacts, commitments and the office's reasons never reach these pages.

PROPOSALS_PAGE_SIZE = 50


def _shown_reply(field: str) -> Subquery:
    """One field of the reply a public proposal shows."""
    replies = Reply.objects.filter(proposal=OuterRef("pk"), status=Reply.Status.ACCEPTED, publishable=True)
    return Subquery(replies.order_by("-round", "-decided_at", "-id").values(field)[:1])


def _public_proposals(day):
    return (
        access.public_proposals(day)
        .annotate(shown_reply=_shown_reply("id"), shown_category=_shown_reply("category"))
        .select_related("task")
    )


def _proposal_rows(proposals) -> list[dict]:
    """The whitelisted fields of each proposal, in the given order."""
    proposals = list(proposals)
    replies = Reply.objects.select_related("unit").in_bulk([getattr(p, "shown_reply", None) for p in proposals])
    rows = []
    for p in proposals:
        reply = replies[getattr(p, "shown_reply", None)]
        rows.append(
            {
                "id": p.pk,
                "title": p.title,
                "number": f"{p.session} {p.get_kind_display()} {p.number_label}",
                "unit": reply.unit.name,
                "category": reply.category,
                "category_label": reply.get_category_display(),
                "text": reply.text,
                "date": timezone.localdate(reply.decided_at) if reply.decided_at else None,
            }
        )
    return rows


def _choice(value: str, allowed) -> str:
    """A filter's value if it is one of ``allowed``, else "" (all)."""
    return value if value in allowed else ""


def proposals(request):
    day = timezone.localdate()
    found = _public_proposals(day)
    sessions = sorted(set(found.values_list("session", flat=True)), reverse=True)
    kind = _choice(request.GET.get("kind", ""), Kind.values)
    session = _choice(request.GET.get("session", ""), sessions)
    category = _choice(request.GET.get("category", ""), Category.values)
    if kind:
        found = found.filter(kind=kind)
    if session:
        found = found.filter(session=session)
    if category:
        found = found.filter(Q(shown_category=category))  # annotated by _public_proposals
    page = Paginator(found.order_by("-session", "kind", "task__position", "id"), PROPOSALS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = _proposal_rows(page.object_list)
    filters = urlencode({k: v for k, v in (("kind", kind), ("session", session), ("category", category)) if v})
    return render(
        request,
        "public/proposals.html",
        {
            "rows": rows,
            "page": page,
            "kinds": Kind.choices,
            "sessions": sessions,
            "categories": Category.choices,
            "kind": kind,
            "session": session,
            "category": category,
            "filters": filters,
            "day": day,
        },
    )


def proposal(request, pk):
    day = timezone.localdate()
    rows = _proposal_rows(_public_proposals(day).filter(pk=pk))
    if not rows:
        raise Http404("没有这件公开的建议或提案")
    return render(request, "public/proposal.html", {"row": rows[0], "day": day})


# ------------------------------------------------------------------------------------------------ 民生实事公开
# Of a livelihood project the public reads its published plan — title, 建设内容, year, places (实施地), the
# stages with their planned dates, the budget (total and by source) and the 绩效目标表's targets — and, each
# only while the office switched the matching field of its matter's ``Disclosure`` on:
#   show_lead_unit → the lead unit;  show_status → the lifecycle status;
#   show_progress  → the money figures (received, disbursed, spent), spending progress (spent ÷ budget), works
#                    progress, the stages' actual dates and the indicators' actuals;
#   show_updated   → the date of the report the figures come from;  show_summary → the office's summary.
# Only reports the office accepted count (``projects.exports.figures(accepted_only=True)``). Co-units, the
# leader, the light, narratives, evidence and the self-evaluation never reach these pages.

PROJECTS_PAGE_SIZE = 50


def _project_row(project: Project, day, *, detail: bool = False) -> dict:
    """The whitelisted fields of one public project."""
    task = project.task
    d = getattr(task, "disclosure", None)
    show = set(d.shown_fields()) if d else set()
    progress = "show_progress" in show
    now = project_figures.figures(project, day, accepted_only=True)
    row: dict[str, object] = {
        "id": project.pk,
        "title": task.text,
        "year": project.year,
        "content": project.content,
        "places": [u.label for u in project.places.all()],
        "budget": project.budget,
        "lead_unit": task.lead_unit.label if task.lead_unit and "show_lead_unit" in show else "",
        "status": task.get_status_display() if "show_status" in show else "",
        "status_key": task.status if "show_status" in show else "",
        "progress": progress,
        "spent_share": now.spent_share if progress else None,
        "spent_bar": min(now.spent_share, 100) if progress else None,
        "works_share": now.works_share if progress else None,
        "updated": now.as_of if "show_updated" in show else None,
        "summary": d.summary if d and "show_summary" in show else "",
    }
    if not detail:
        return row
    row["lines"] = [(line.source.name, line.amount) for line in project.budget_lines.all()]
    if progress:
        row["received"], row["disbursed"], row["spent"] = now.received, now.disbursed, now.spent
    row["stages"] = [
        {
            "name": s.name,
            "planned": s.planned,
            "actual": now.stages_done.get(s.pk) if progress else None,
        }
        for s in project.stages.all()
    ]
    indicators: list[dict] = []
    for i in project.indicators.all():
        actual = now.actuals.get(i.pk) if progress else None
        indicators.append(
            {
                "level": i.get_level_display(),
                "kind": i.get_kind_display(),
                "name": i.name,
                "target": i.target_text(),
                "actual": f"{actual[0].normalize():f}{i.unit}" if actual else "",
            }
        )
    row["indicators"] = indicators
    return row


def _public_projects(day):
    return project_figures.with_related(access.public_projects(day)).select_related("task__disclosure")


def projects(request):
    day = timezone.localdate()
    found = _public_projects(day)
    years = sorted(set(found.values_list("year", flat=True)), reverse=True)
    chosen = request.GET.get("year", "")
    year = int(chosen) if chosen.isdigit() and int(chosen) in years else None
    if year:
        found = found.filter(year=year)
    page = Paginator(found.order_by("-year", "task__position", "id"), PROJECTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [_project_row(p, day) for p in page.object_list]
    return render(
        request,
        "public/projects.html",
        {"rows": rows, "page": page, "years": years, "year": year, "day": day},
    )


def project(request, pk):
    day = timezone.localdate()
    found = _public_projects(day).filter(pk=pk).first()
    if found is None:
        raise Http404("没有这个公开的民生实事项目")
    return render(request, "public/project.html", {"row": _project_row(found, day, detail=True), "day": day})


# ---------------------------------------------------------------------------------------------- office settings


@login_required
def manage(request, pk):
    report = access.report_for_supervisor(request.user, pk)
    if not access.can_manage_disclosure(request.user, report):
        raise Http404("页面不存在")
    tasks = (
        Task.objects.filter(report=report, kind="task", published_at__isnull=False)
        .select_related("lead_unit", "disclosure")
        .order_by("position", "id")
    )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    for t in page.object_list:
        t.d = getattr(t, "disclosure", None)
    return render(
        request,
        "public/manage.html",
        {"report": report, "page": page, "fields": FIELDS, "day": timezone.localdate()},
    )


@login_required
@require_POST
def manage_bulk(request, pk):
    report = access.report_for_supervisor(request.user, pk)
    if not access.can_manage_disclosure(request.user, report):
        raise Http404("页面不存在")
    ids = [int(v) for v in request.POST.getlist("task") if v.isdigit()]
    op = request.POST.get("op", "")
    try:
        if op == "publish":
            n = actions.bulk_update(report, request.user, ids, public=True)
        elif op == "unpublish":
            n = actions.bulk_update(report, request.user, ids, public=False)
        elif op == "fields":
            chosen = [name for name, _ in FIELDS if request.POST.get(name)]
            n = actions.bulk_update(report, request.user, ids, fields=chosen)
        elif op == "embargo":
            n = actions.bulk_update(
                report, request.user, ids, embargo_until=actions.parse_date(request.POST.get("embargo_until", ""))
            )
        else:
            raise ActionError("请选择要执行的操作")
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已更新 {n} 项任务的公开设置")
    return redirect("disclosure", pk=report.pk)


@login_required
@require_POST
def manage_summary(request, pk):
    task = access.task_for_editing(request.user, pk)
    try:
        actions.set_summary(task.pk, request.user, request.POST.get("summary", "")[:2000])
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已保存 {task.code} 的公开摘要")
    return redirect(f"/disclosure/{task.report_id}/#t{task.pk}")
