"""Home, health check and the unit catalog page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpResponse
from django.shortcuts import redirect, render

from luoshi import access
from luoshi.errors import ActionError
from luoshi.text import InputError
from luoshi.text.readers import cell_text, decode_bytes, read_sheet
from luoshi.text.units import parse_units

from . import actions
from .forms import UnitCatalogForm
from .models import Unit


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


# How many items of each kind the home page shows before "全部 N 项" (the full list: ``?list=<key>``).
HOME_ITEMS = 5


def home(request):
    """The work-first home page: what this person may act on now, by kind, each item one tap from its
    form; a kind's count leads to all its items (``?list=<key>``)."""
    if not request.user.is_authenticated:
        return redirect("login")
    sections = access.work_for(request.user)
    only = request.GET.get("list", "")
    shown = [s for s in sections if s.key == only] if only else [s for s in sections if s.count]
    if only and not shown:
        return redirect("home")
    return render(
        request,
        "accounts/home.html",
        {
            "sections": shown,
            "all_sections": sections,
            "only": only,
            "limit": HOME_ITEMS,
            "slice": ":" if only else f":{HOME_ITEMS}",
            "total": sum(s.count for s in sections),
            "open_notifications": access.open_notifications(request.user).count(),
        },
    )


def catalog_from_upload(upload):
    """A catalog from CSV (UTF-8 or GB18030) or the first sheet of an .xlsx with the same columns."""
    name = (upload.name or "").lower()
    if upload.size is not None and upload.size > settings.LUOSHI_MAX_UPLOAD_BYTES:
        raise ActionError(f"文件超过大小上限 ({settings.LUOSHI_MAX_UPLOAD_BYTES // 2**20} MB)")
    data = upload.read()
    if name.endswith(".xlsx"):
        try:
            rows = read_sheet(data)
        except InputError as exc:
            raise ActionError("无法读取该 Excel 文件") from exc
        lines = ['"' + '","'.join(cell_text(c).replace('"', '""') for c in row[:4]) + '"' for row in rows]
        text = "\n".join(lines)
    elif name.endswith(".csv"):
        try:
            text = decode_bytes(data, "CSV 文件")
        except InputError as exc:
            raise ActionError("CSV 文件不是 UTF-8 或 GB18030 编码") from exc
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


@login_required
def password_change(request):
    """The self-service password change: the current password, then a new one by every rule of
    ``AUTH_PASSWORD_VALIDATORS``. Clears a forced change (first login, reset, expiry)."""
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.user.must_change_password = False
        form.save()  # set_password stamps password_changed_at; HistoryValidator keeps the hash
        update_session_auth_hash(request, form.user)
        messages.success(request, "密码已修改")
        return redirect("home")
    if user.must_change_password:
        reason = "首次登录或密码已被重置, 请先设置您自己的密码。"
    elif user.password_expired():
        reason = f"您的密码已超过 {settings.LUOSHI_PASSWORD_MAX_DAYS} 天未修改, 请设置新密码。"
    else:
        reason = ""
    return render(
        request,
        "accounts/password.html",
        {"form": form, "reason": reason, "rules": password_validators_help_texts()},
        status=400 if form.errors else 200,
    )
