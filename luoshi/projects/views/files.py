"""The project list's import (dry run, then all or nothing) and the two workbooks of a year's projects: the
project list with budgets and progress, and the 绩效目标表.

Each view: read access → validate → action → render. The uploaded list waits in the session between the
preview and the confirmation, compressed, as the proposals' list import keeps it.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import zlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from luoshi import access
from luoshi.audit import security
from luoshi.errors import ActionError

from .. import actions, exports, reading
from ..models import DEFAULT_SOURCES, FundingSource

STASH_KEY = "luoshi.project_import"
STASH_LIMIT = 4 * 2**20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    upload = forms.FileField(
        label="项目清单 (.xlsx 或 .csv)",
        error_messages={"empty": "上传的文件是空的", "required": "请选择要上传的项目清单"},
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


def _office_government(request):
    """The user's government if the user is its office (督查室), else 404."""
    user = request.user
    if not access.can_manage_projects(user, getattr(user, "government_id", None)):
        raise Http404("页面不存在")
    return user.government


def _source_names(government) -> list[str]:
    """The government's funding sources (the defaults until it has its own), read without writing."""
    names = list(FundingSource.objects.filter(government=government).values_list("name", flat=True))
    return names or list(DEFAULT_SOURCES)


def _stash(request, data: bytes, name: str, year: int) -> str:
    packed = base64.b64encode(zlib.compress(data)).decode("ascii")
    if len(packed) > STASH_LIMIT:
        raise ActionError(f"清单过大 (压缩后超过 {STASH_LIMIT // 2**20} MB), 请分批导入")
    stash_id = secrets.token_hex(8)
    request.session[STASH_KEY] = {"id": stash_id, "name": name, "data": packed, "year": year}
    return stash_id


def _unstash(request) -> tuple[dict, bytes] | None:
    stash = request.session.get(STASH_KEY)
    if not isinstance(stash, dict) or stash.get("id") != request.POST.get("stash"):
        return None
    try:
        return stash, zlib.decompress(base64.b64decode(stash["data"]))
    except (KeyError, binascii.Error, zlib.error):
        return None


def _page(request, form, government, *, planned=None, stash_id="", error="", status=200):
    names = _source_names(government)
    for row in planned.rows if planned else ():
        plan = row.plan
        row.lines = [(name, plan.budget_lines.get(name)) for name in names] if plan else []
    return render(
        request,
        "projects/import.html",
        {
            "form": form,
            "planned": planned,
            "stash_id": stash_id,
            "error": error,
            "source_names": names,
            "stage_names": reading.STAGE_NAMES,
            "max_mb": settings.LUOSHI_MAX_UPLOAD_BYTES // 2**20,
            "ready": len(planned.plans) if planned else 0,
        },
        status=status,
    )


@login_required
def project_import(request):
    """A year's project list: the first POST is a dry run of every row; the second opens all of it or nothing."""
    government = _office_government(request)
    if request.method == "POST" and "stash" in request.POST:
        return _apply(request, government)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method != "POST":
        return _page(request, form, government)
    if not form.is_valid():
        return _page(request, form, government, status=400)
    upload, year = form.cleaned_data["upload"], form.cleaned_data["year"]
    try:
        if upload.size > settings.LUOSHI_MAX_UPLOAD_BYTES:
            raise ActionError(f"文件超过大小上限 ({settings.LUOSHI_MAX_UPLOAD_BYTES // 2**20} MB)")
        data = upload.read()
        rows = reading.read_list(data, upload.name, _source_names(government))
        planned = actions.plan_import(government, rows, year)
        stash_id = _stash(request, data, upload.name, year)
    except ActionError as exc:
        return _page(request, form, government, error=str(exc), status=400)
    return _page(request, form, government, planned=planned, stash_id=stash_id)


def _apply(request, government):
    form = ImportForm()
    kept = _unstash(request)
    if kept is None:
        messages.error(request, "预览已失效 (会话已过期或清单已导入), 未导入任何内容, 请重新上传清单")
        return redirect("project_import")
    stash, data = kept
    year = int(stash["year"])
    try:
        rows = reading.read_list(data, stash["name"], _source_names(government))
        made = actions.apply_import(government, request.user, rows, year)
    except ActionError as exc:
        try:
            planned = actions.plan_import(
                government, reading.read_list(data, stash["name"], _source_names(government)), year
            )
        except ActionError:
            planned = None
        return _page(request, form, government, planned=planned, stash_id=stash["id"], error=str(exc), status=400)
    del request.session[STASH_KEY]
    messages.success(request, f"已导入 {len(made)} 个{year}年民生实事项目 (草稿), 请核对后交办")
    return redirect(reverse("projects"))


# ------------------------------------------------------------------------------------------------ exports


def _exported(request, year: int):
    """The projects of ``year`` this user may read (office and leaders: the government's; a liaison: its
    own), and the funding sources' names; 404 when there are none."""
    projects = access.visible_projects(request.user).filter(year=year)
    if not projects.exists():
        raise Http404("该年度没有您可查看的民生实事项目")
    return projects, _source_names(request.user.government)


def _workbook(request, data: bytes, filename: str) -> HttpResponse:
    security.event(request, "export", detail=filename)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def project_export(request, year):
    """项目清单 (.xlsx): budgets by source, money to date, spending and works progress, the light."""
    projects, names = _exported(request, year)
    data = exports.project_list(projects, names, timezone.localdate())
    return _workbook(request, data, f"luoshi-projects-{int(year)}.xlsx")


@login_required
def performance_export(request, year):
    """绩效目标表 (.xlsx): each project's indicators, latest actuals and the self-evaluation's scores."""
    projects, _names = _exported(request, year)
    data = exports.performance_table(projects, timezone.localdate())
    return _workbook(request, data, f"luoshi-performance-{int(year)}.xlsx")
