"""The office's report pages: import, review beside the source, bulk edits, publish, Excel round trip."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luoshi import access
from luoshi.audit import security
from luoshi.errors import ActionError
from luoshi.reports.models import SOURCE_DETAILS, Source
from luoshi.reports.source import segments
from luoshi.tasks import actions
from luoshi.tasks.decomposing import (
    decompose_for,
    decompose_table_for,
    document_fields,
    read_source_upload,
    read_upload,
    report_title,
    source_title,
)
from luoshi.tasks.exports import export_ledger, plan_import, read_ledger
from luoshi.tasks.forms import BulkForm, ImportForm, SpreadsheetForm
from luoshi.tasks.models import Status, Task

SIGNING_SALT = "luoshi.ledger-import"
SOURCE_SALT = "luoshi.source-import"


@login_required
def report_list(request):
    access.require_supervisor(request.user)
    reports = access.visible_reports(request.user)
    return render(request, "reports/list.html", {"reports": reports})


def _read(form) -> tuple[str, str]:
    upload = form.cleaned_data.get("upload")
    if upload:
        return read_upload(upload), upload.name
    return form.cleaned_data["text"], ""


def _read_source(form, kind: str) -> tuple[str, list[list[str]] | None, str]:
    upload = form.cleaned_data.get("upload")
    if upload:
        text, table = read_source_upload(upload, kind)
        return text, table, upload.name
    return form.cleaned_data["text"], None, ""


def _decompose_source(government, text: str, table, year: int, kind: str):
    if table is not None:
        return decompose_table_for(government, table, year)
    return decompose_for(government, text, year, kind=kind)


def _preview(document, drafts, government) -> dict:
    """What the engine found in a source, for the office to look at before the ledger is opened."""
    rows = []
    for d in drafts:
        if d.kind != "task":
            continue
        leads = d.suggestion.get("leads") or []
        lead = leads[0] if leads else {}
        rows.append(
            {
                "code": d.code,
                "text": d.text,
                "heading": d.theme_title or d.section_title,
                "lead": lead.get("unit", ""),
                "named": any("原文指定" in r for r in lead.get("reasons", [])),
                "co_units": [c["unit"] for c in d.suggestion.get("co_units") or []],
                "deadline": d.deadline,
                "deadline_note": d.deadline_note,
                "ongoing": d.ongoing,
            }
        )
    if not rows:
        raise ActionError("没有从文本中识别出任何督办事项")
    facts = [(label, document.source.get(key, "")) for key, label in SOURCE_DETAILS.get(document.kind, {}).items()]
    return {
        "kind": document.kind,
        "kind_label": Source(document.kind).label if document.kind in Source.values else document.kind,
        "title": source_title(document, government),
        "facts": [(label, value) for label, value in facts if value],
        "rows": rows,
        "flagged": sum(1 for r in rows if r["deadline_note"]),
        "warnings": list(document.warnings),
    }


def _source_confirm(request, government):
    """The office confirms the preview: the source is read again from the signed form and its ledger
    opened with its drafts (nothing is saved before)."""
    try:
        data = signing.loads(request.POST["confirm"], salt=SOURCE_SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, "确认信息已失效, 请重新导入")
        return redirect("/reports/import/")
    try:
        document, drafts = _decompose_source(government, data["text"], data["table"], data["year"], data["kind"])
        report = actions.open_ledger(
            government,
            request.user,
            source=document.kind,
            year=data["year"],
            title=source_title(document, government),
            drafts=drafts,
            text=document.text,
            details=dict(document.source),
            filename=data["filename"],
            warnings=document.warnings,
        )
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("/reports/import/")
    count = report.tasks.filter(kind="task").count()
    messages.success(request, f"已建立{report.get_source_display()}台账, {count} 项督办事项 (草稿), 请逐项审核后交办")
    return redirect(f"/reports/{report.pk}/")


@login_required
def report_import(request):
    """Import a work report (its drafts saved at once), or another source — a meeting summary, an
    instruction, a rectification list — previewed first, then opened as its own ledger on confirmation."""
    access.require_supervisor(request.user)
    government = request.user.government
    if request.method == "POST" and "confirm" in request.POST:
        return _source_confirm(request, government)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview, token = None, ""
    if request.method == "POST" and form.is_valid() and form.cleaned_data["kind"] != "report":
        kind = form.cleaned_data["kind"]
        year = form.cleaned_data["year"]
        try:
            text, table, filename = _read_source(form, kind)
            document, drafts = _decompose_source(government, text, table, year, kind)
            if document.kind != "report":
                preview = _preview(document, drafts, government)
                token = signing.dumps(
                    {"kind": document.kind, "year": year, "text": text, "table": table, "filename": filename},
                    salt=SOURCE_SALT,
                    compress=True,
                )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            if preview is None:  # 自动识别 found a work report: imported as one
                report = actions.import_report(
                    government,
                    request.user,
                    drafts=drafts,
                    year=year,
                    title=report_title(document, government, year),
                    filename=filename,
                    **document_fields(document),
                )
                count = report.tasks.filter(kind="task").count()
                messages.success(request, f"识别为政府工作报告, 已导入 {count} 项任务 (草稿), 请逐项审核后交办")
                return redirect(f"/reports/{report.pk}/")
    elif request.method == "POST" and form.is_valid():
        try:
            text, filename = _read(form)
            year = form.cleaned_data["year"]
            document, drafts = decompose_for(government, text, year)
            report = actions.import_report(
                government,
                request.user,
                drafts=drafts,
                year=year,
                title=report_title(document, government, year),
                filename=filename,
                **document_fields(document),
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            count = report.tasks.filter(kind="task").count()
            messages.success(request, f"已导入 {count} 项任务 (草稿), 请逐项审核后交办")
            return redirect(f"/reports/{report.pk}/")
    return render(
        request,
        "reports/import.html",
        {
            "form": form,
            "report": None,
            "preview": preview,
            "token": token,
            "max_mb": settings.LUOSHI_MAX_UPLOAD_BYTES // 2**20,
        },
        status=400 if form.errors else 200,
    )


@login_required
def report_reimport(request, pk):
    report = access.report_for_supervisor(request.user, pk)
    if report.source != Source.REPORT:
        messages.error(request, "只有政府工作报告可以重新导入修订稿")
        return redirect(f"/reports/{report.pk}/")
    form = ImportForm(request.POST or None, request.FILES or None, initial={"year": report.year}, with_kind=False)
    if request.method == "POST" and form.is_valid():
        try:
            text, filename = _read(form)
            year = form.cleaned_data["year"]
            document, drafts = decompose_for(report.government, text, year)
            summary = actions.reimport_report(
                report, request.user, drafts=drafts, year=year, filename=filename, **document_fields(document)
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"重新导入完成: 保留 {len(summary['kept'])} 项, 更新 {len(summary['updated'])} 项, "
                f"新增 {len(summary['created'])} 项, 未匹配 {len(summary['unmatched'])} 项",
            )
            return redirect(f"/reports/{report.pk}/")
    return render(
        request,
        "reports/import.html",
        {"form": form, "report": report, "max_mb": settings.LUOSHI_MAX_UPLOAD_BYTES // 2**20},
        status=400 if form.errors else 200,
    )


@login_required
def report_review(request, pk):
    report = access.report_for_supervisor(request.user, pk)
    tasks = list(
        Task.objects.filter(report=report)
        .select_related("lead_unit", "leader")
        .prefetch_related("co_units", "tags")
        .order_by("position", "id")
    )
    groups = []  # (section heading, [(theme, [tasks])])
    for task in tasks:
        heading = f"({task.section_number}) {task.section_title}" if task.section_number else task.section_title
        if not groups or groups[-1]["heading"] != heading:
            groups.append({"heading": heading, "themes": []})
        themes = groups[-1]["themes"]
        theme = "总体要求" if task.kind == "guidance" and not task.theme_title else task.theme_title
        if not themes or themes[-1]["title"] != theme:
            themes.append({"title": theme, "tasks": []})
        themes[-1]["tasks"].append(task)
    unmatched_ids = {u["id"] for u in report.last_import.get("unmatched", [])}
    counts = {
        "tasks": sum(t.kind == "task" for t in tasks),
        "guidance": sum(t.kind == "guidance" for t in tasks),
        "draft": sum(t.kind == "task" and t.status == Status.DRAFT for t in tasks),
        "no_lead": sum(t.kind == "task" and t.lead_unit_id is None for t in tasks),
    }
    return render(
        request,
        "reports/review.html",
        {
            "report": report,
            "groups": groups,
            "segments": segments(report.source_text, tasks),
            "bulk_form": BulkForm(report=report),
            "counts": counts,
            "unmatched_ids": unmatched_ids,
        },
    )


@login_required
@require_POST
def report_bulk(request, pk):
    report = access.report_for_supervisor(request.user, pk)
    form = BulkForm(request.POST, report=report)
    if not form.is_valid():
        for error in form.non_field_errors() + form.errors.get("tasks", []):
            messages.error(request, error)
        if not form.errors.get("tasks") and not form.non_field_errors():
            messages.error(request, "批量操作的输入无效")
        return redirect(f"/reports/{report.pk}/")
    ids = [t.pk for t in form.cleaned_data["tasks"]]
    action = form.cleaned_data["action"]
    try:
        if action == "accept":
            count = actions.accept_suggestions(report, ids, request.user)
            messages.success(request, f"已为 {count} 项任务采纳建议的责任单位")
        elif action == "publish":
            result = actions.publish(report, request.user, ids)
            _publish_message(request, result)
        else:
            count = actions.bulk_update(report, ids, request.user, form.changes())
            messages.success(request, f"已更新 {count} 项任务")
    except ActionError as exc:
        messages.error(request, str(exc))
    return redirect(f"/reports/{report.pk}/")


def _publish_message(request, result: dict) -> None:
    messages.success(request, f"已交办 {result['published']} 项任务")
    if result["missing_lead"]:
        messages.warning(request, f"{result['missing_lead']} 项任务尚无牵头单位, 未交办")


@login_required
@require_POST
def report_publish(request, pk):
    report = access.report_for_supervisor(request.user, pk)
    _publish_message(request, actions.publish(report, request.user))
    return redirect(f"/reports/{report.pk}/")


@login_required
def report_export(request, pk):
    report = access.report_for_supervisor(request.user, pk)
    tasks = (
        Task.objects.filter(report=report, kind="task")
        .select_related("lead_unit", "leader")
        .prefetch_related("co_units", "tags")
        .order_by("position", "id")
    )
    response = HttpResponse(
        export_ledger(report, tasks),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{report.year}-{report.pk}.xlsx"'
    security.event(request, "export", obj=report, detail=f"ledger-{report.year}-{report.pk}.xlsx")
    return response


@login_required
def report_spreadsheet(request, pk):
    """Upload a filled-in 分工方案: first a dry run of every row's changes, then apply on confirmation."""
    report = access.report_for_supervisor(request.user, pk)
    form = SpreadsheetForm(request.POST or None, request.FILES or None)
    plans, token, error = None, "", ""
    if request.method == "POST" and "confirm" in request.POST:
        try:
            rows = signing.loads(request.POST["confirm"], salt=SIGNING_SALT, max_age=3600)
        except signing.BadSignature:
            messages.error(request, "确认信息已失效, 请重新上传")
            return redirect(f"/reports/{report.pk}/spreadsheet/")
        try:
            count = actions.apply_ledger_import(plan_import(report, rows), request.user)
        except ActionError as exc:  # a code that names no one task: nothing was written
            messages.error(request, str(exc))
            return redirect(f"/reports/{report.pk}/spreadsheet/")
        messages.success(request, f"已按分工方案更新 {count} 项任务")
        return redirect(f"/reports/{report.pk}/")
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        try:
            if upload.size > settings.LUOSHI_MAX_UPLOAD_BYTES:
                raise ActionError("文件超过大小上限")
            rows = read_ledger(upload.read())
        except ActionError as exc:
            error = str(exc)
        else:
            plans = plan_import(report, rows)
            error = actions.ledger_import_refusal(plans)
            token = "" if error else signing.dumps(rows, salt=SIGNING_SALT, compress=True)
    return render(
        request,
        "reports/spreadsheet.html",
        {
            "report": report,
            "form": form,
            "plans": plans,
            "token": token,
            "error": error,
            "changed": 0 if token == "" else sum(1 for p in plans or () if p.changes and not p.errors),
            "failed": sum(1 for p in plans or () if p.errors),
        },
        status=400 if error else 200,
    )
