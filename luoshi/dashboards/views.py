"""Dashboards, 通报 and exports. Each view: read access → validate → action → render."""

from __future__ import annotations

from operator import attrgetter
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from luoshi import access
from luoshi.accounts.models import Unit
from luoshi.audit import security
from luoshi.errors import ActionError
from luoshi.reports.models import Source

from . import actions, charts, docx, exports, stats
from .models import Circular

LIST_LIMIT = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
COLUMNS = [
    ("name", "名称"),
    ("total", "任务数"),
    ("completion", "办结率"),
    ("progress", "平均进度"),
    ("red", "红灯"),
    ("yellow", "黄灯"),
    ("overdue", "逾期"),
]
DIMENSIONS = [("section", "按板块"), ("unit", "按牵头单位"), ("leader", "按包抓领导"), ("locality", "按县市")]


def _headers(base: dict, sort: str, order: str) -> list[dict]:
    """Column headers whose links sort the tables on the server (works without JavaScript)."""
    out = []
    for key, label in COLUMNS:
        next_order = "asc" if sort == key and order == "desc" else "desc"
        if key == "name" and sort != key:
            next_order = "asc"
        current = {"asc": "ascending", "desc": "descending"}.get(order) if sort == key else "none"
        arrow = {"ascending": " ↑", "descending": " ↓"}.get(current, "") if current is not None else ""
        out.append(
            {
                "label": label,
                "url": "?" + urlencode({**base, "sort": key, "order": next_order}),
                "aria": current,
                "arrow": arrow,
            }
        )
    return out


def _lists(rows: list[stats.Row]) -> dict:
    red = [r for r in rows if r.light == "red"]
    overdue = [r for r in rows if r.overdue]
    due = sorted((r for r in rows if r.due), key=attrgetter("due"))  # stable: ledger order within a day
    return {
        "red": red[:LIST_LIMIT],
        "red_count": len(red),
        "overdue": overdue[:LIST_LIMIT],
        "overdue_count": len(overdue),
        "due": due[:LIST_LIMIT],
        "due_count": len(due),
        "limit": LIST_LIMIT,
    }


def proposal_tables(figures: dict, *, units: bool = True, leaders: bool = False) -> list[dict]:
    """The tables of the 建议提案办理 section (``figures``: ``ProposalStats.as_dict()``)."""
    tables = []
    if units:
        tables.append({"key": "units", "label": "按主办单位", "name": "主办单位", "groups": figures["units"]})
    if leaders:
        tables.append({"key": "leaders", "label": "按领办领导", "name": "领办领导", "groups": figures["leaders"]})
    return tables


def _proposal_section(user, kind: str, day) -> dict | None:
    """建议提案办理 on a dashboard: the office's (or a viewer's) whole government, a leader's 领办 matters, a
    unit's 主办 matters; None when none of them is assigned yet."""
    proposals = access.visible_proposals(user)
    if kind == "leader":
        proposals = proposals.filter(task__leader_id=user.pk)
    elif kind == "unit":
        proposals = proposals.filter(task__lead_unit_id=user.unit_id)
    figures = stats.proposal_stats(proposals, day).as_dict()
    if not figures["summary"]["assigned"]:
        return None
    office = kind in ("office", "office_readonly")
    return {"p": figures, "tables": proposal_tables(figures, units=kind != "unit", leaders=office)}


def _project_section(user, kind: str, day, report) -> dict | None:
    """民生实事 on a dashboard: the government's published projects of one year for the office (and a
    viewer), the projects a leader leads, a unit's own (as lead unit); the year is the chosen ledger's when
    it is a projects ledger, else this year's or, without any, the latest year's. None when there are none."""
    projects = access.visible_projects(user).filter(task__kind="task", task__published_at__isnull=False)
    if kind == "leader":
        projects = projects.filter(task__leader_id=user.pk)
    elif kind == "unit":
        projects = projects.filter(task__lead_unit_id=user.unit_id)
    years = set(projects.values_list("year", flat=True).distinct())
    if not years:
        return None
    if report is not None and report.source == Source.PROJECTS and report.year in years:
        year = report.year
    else:
        year = day.year if day.year in years else max(years)
    figures = stats.project_stats(projects.filter(year=year), day)
    if not figures.projects:
        return None
    title = f"{year}年民生实事支出进度与序时进度"
    tables = [
        {"key": "units", "label": "按牵头单位", "name": "牵头单位", "groups": figures.units},
        {"key": "places", "label": "按实施地 (县市)", "name": "实施地", "groups": figures.places},
    ]
    return {
        "tables": tables,
        "places_note": any(len(r.places) > 1 for r in figures.projects),
        "year": year,
        "s": figures,
        "office": kind in ("office", "office_readonly"),
        "chart": charts.spending_bars([figures.summary, *figures.projects], title),
        "chart_title": title,
    }


@login_required
def dashboard(request):
    user = request.user
    kind = access.dashboard_kind(user)
    if kind is None:
        raise Http404("页面不存在")
    source = request.GET.get("source", "")
    source = source if source in Source.values else ""
    ledgers = access.dashboard_reports(user)
    if source:  # the ledgers of one source kind: the switcher offers them, the newest is shown first
        ledgers = ledgers.filter(source=source)
    report = access.dashboard_report(user, request.GET.get("report"))
    if source and (report is None or report.source != source):
        report = ledgers.filter(tasks__published_at__isnull=False).distinct().order_by("-year", "-id").first()
    sort = request.GET.get("sort", "")
    sort = sort if sort in stats.SORT_KEYS else ""
    order = "asc" if request.GET.get("order") == "asc" else "desc"
    day = timezone.localdate()
    context = {"kind": kind, "report": report, "day": day, "sort": sort, "order": order}
    context["reports"] = list(ledgers.values_list("id", "year", "title"))
    present = set(access.dashboard_reports(user).values_list("source", flat=True))
    context["source"] = source
    context["sources"] = [(value, label) for value, label in Source.choices if value in present]
    context["proposals"] = _proposal_section(user, kind, day)
    context["projects"] = _project_section(user, kind, day, report)
    if report is None:
        return render(request, "dashboards/dashboard.html", context)

    tasks = access.dashboard_tasks(user).filter(report=report)
    rows = stats.collect(tasks, day)
    summary = stats.summarize(rows)
    context.update(summary=summary, rows_count=len(rows), **_lists(rows))
    base = {"report": report.pk, **({"source": source} if source else {})}
    context["headers"] = _headers(base, sort, order)
    if kind in ("office", "office_readonly"):
        kinds = stats.unit_kinds(rows)
        tables = []
        for dimension, label in DIMENSIONS:
            groups = stats.sort_groups(stats.group_by(rows, dimension, kinds), sort, order)
            tables.append({"key": dimension, "label": label, "groups": groups})
        context["tables"] = tables
        by_section = tables[0]["groups"]
        context["section_chart"] = charts.light_bars(by_section, "sec", "各板块任务红黄绿灯分布")
        by_unit = sorted(tables[1]["groups"], key=lambda g: (-g.red, -g.yellow, g.label))[:15]
        context["unit_chart"] = charts.light_bars(by_unit, "unit", "红黄灯最多的牵头单位 (前15)")
        context["trend"] = stats.trend(tasks, day)
        context["trend_chart"] = charts.trend_bars(context["trend"], "trend", "各期报送进度")
        context["can_manage"] = access.can_manage_circulars(user, report)
        context["units"] = list(Unit.objects.filter(government_id=report.government_id).values_list("id", "short_name"))
    else:
        ordered = sorted(rows, key=lambda r: (-["none", "green", "yellow", "red"].index(r.light), r.code))
        context["tasks"] = ordered
        context["portfolio_chart"] = charts.light_bars([summary], "mine", "我的任务红黄绿灯分布")
        if kind == "unit":
            context["unit"] = user.unit
        else:
            context["circulars"] = list(Circular.objects.filter(report=report)[:10])
    return render(request, "dashboards/dashboard.html", context)


# ---------------------------------------------------------------------------------------------- 通报


@login_required
def circulars(request, pk):
    report = access.report_for_supervisor(request.user, pk)
    if request.method == "POST":
        if not access.can_manage_circulars(request.user, report):
            raise Http404("页面不存在")
        try:
            circular = actions.create_circular(
                report,
                request.user,
                period=request.POST.get("period", ""),
                number=request.POST.get("number", ""),
                title=request.POST.get("title", ""),
            )
        except ActionError as exc:
            messages.error(request, str(exc))
            return redirect("circulars", pk=report.pk)
        messages.success(request, f"已生成通报 {circular.number}, 请预览后下载")
        return redirect("circular_preview", pk=circular.pk)
    context = {
        "report": report,
        "circulars": Circular.objects.filter(report=report),
        "months": actions.recent_months(report, timezone.localdate()),
        "number": actions.next_number(report),
    }
    return render(request, "dashboards/circulars.html", context)


@login_required
def circular_current(request, pk):
    """The 通报 as it stands today (red and yellow tasks, their 督办单); a numbered one is frozen by ``circulars``."""
    report = access.report_for_supervisor(request.user, pk)
    day = timezone.localdate()
    context = {
        "report": report,
        "day": day,
        "rows": stats.circular_rows(report, day),
        "can_manage": access.can_manage_circulars(request.user, report),
    }
    if report.source == Source.PROPOSALS:
        proposals = access.visible_proposals(request.user).filter(task__report=report, task__kind="task")
        figures = stats.proposal_stats(proposals, day).as_dict()
        context["proposals"] = {"p": figures, "tables": proposal_tables(figures, leaders=True)}
    return render(request, "dashboards/circular_current.html", context)


@login_required
def circular_preview(request, pk):
    circular = access.circular_for_reading(request.user, pk)
    context: dict = {"circular": circular, "data": circular.data}
    figures = circular.data.get("proposals")
    if figures:
        context["proposals"] = {"p": figures, "tables": proposal_tables(figures)}
    return render(request, "dashboards/circular.html", context)


@login_required
def circular_download(request, pk):
    circular = access.circular_for_reading(request.user, pk)
    response = HttpResponse(docx.build(circular), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="circular-{circular.pk}-{circular.period}.docx"'
    return response


@login_required
def reply_letter(request, pk):
    """The reply letter (答复函) of an accepted reply as a Word file: the office's and the replying unit's."""
    reply = access.reply_for_reading(request.user, pk)
    if not access.can_download_letter(request.user, reply):
        raise Http404("没有这份答复函")
    response = HttpResponse(docx.reply_letter(reply), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="reply-{reply.pk}-round{reply.round}.docx"'
    return response


# ---------------------------------------------------------------------------------------------- exports

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@login_required
def export(request, pk, what, fmt):
    user = request.user
    if what not in ("ledger", "progress") or fmt not in CONTENT_TYPES:
        raise Http404("没有这种导出")
    report = access.dashboard_report(user, pk)
    unit = request.GET.get("unit")
    tasks = access.export_tasks(user, report, unit)
    data = exports.ledger(tasks, fmt) if what == "ledger" else exports.progress(tasks, fmt)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    suffix = f"-unit{int(unit)}" if unit else ""
    response["Content-Disposition"] = f'attachment; filename="{what}-{report.pk}{suffix}.{fmt}"'
    security.event(request, "export", obj=report, detail=f"{what}-{report.pk}{suffix}.{fmt}")
    return response
