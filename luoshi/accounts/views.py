"""Home, health check and the unit catalog page."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from openpyxl import load_workbook

from luoshi import access
from luoshi.errors import ActionError
from luoshi.text import InputError
from luoshi.text.units import parse_units

from . import actions
from .forms import UnitCatalogForm
from .models import Unit


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    if access.is_supervisor(request.user):
        return redirect("reports")
    return redirect("ledger")


def catalog_from_upload(upload):
    """A catalog from CSV (UTF-8 or GB18030) or the first sheet of an .xlsx with the same columns."""
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds of errors for files that are not workbooks
            raise ActionError("无法读取该 Excel 文件") from exc
        lines = []
        for row in ws.iter_rows(values_only=True):
            cells = ['"' + str(c if c is not None else "").replace('"', '""') + '"' for c in row[:4]]
            lines.append(",".join(cells))
        text = "\n".join(lines)
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ActionError("CSV 文件不是 UTF-8 或 GB18030 编码")
    else:
        raise ActionError("只支持 .csv 或 .xlsx 格式的单位目录")
    try:
        return parse_units(text)
    except InputError as exc:
        raise ActionError(str(exc)) from exc


@login_required
def units(request):
    access.require_supervisor(request.user)
    government = request.user.government
    form = UnitCatalogForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalog = catalog_from_upload(form.cleaned_data["upload"])
            result = actions.import_units(government, request.user, catalog)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"单位目录已更新: 新增 {result['created']} 个, 修改 {result['updated']} 个")
            return redirect("units")
    return render(
        request,
        "accounts/units.html",
        {
            "form": form,
            "units": Unit.objects.filter(government=government).order_by("kind", "id"),
            "government": government,
        },
        status=400 if form.errors else 200,
    )
