"""The audit administrator's pages: search the trail (by actor, event, date range, object) and export
what was found as CSV. Everyone else gets 404."""

from __future__ import annotations

import csv
import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from luoshi import access
from luoshi.text.cells import csv_row

from . import security
from .models import AuditEntry
from .security import KINDS

FIELD_CHANGE = "field"  # the filter for field changes (entries without a kind)
EVENTS = [(FIELD_CHANGE, "字段修改"), *KINDS.items()]


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _found(request) -> tuple[QuerySet[AuditEntry], dict]:
    if not access.can_read_audit(request.user):
        raise Http404("页面不存在")
    query = {name: request.GET.get(name, "").strip()[:100] for name in ("actor", "kind", "start", "end", "object")}
    entries = AuditEntry.objects.order_by("-seq", "-id")
    if query["actor"]:
        entries = entries.filter(actor_name__icontains=query["actor"])
    if query["kind"] == FIELD_CHANGE:
        entries = entries.filter(kind="")
    elif query["kind"] in KINDS:
        entries = entries.filter(kind=query["kind"])
    zone = timezone.get_current_timezone()
    if start := _date(query["start"]):
        entries = entries.filter(at__gte=datetime.datetime.combine(start, datetime.time(), zone))
    if end := _date(query["end"]):
        entries = entries.filter(
            at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), zone)
        )
    if query["object"]:
        text = query["object"]
        model, _, number = text.partition("#")
        if number:
            entries = entries.filter(model__iexact=model, object_id=number)
        else:
            entries = entries.filter(Q(model__iexact=text) | Q(object_id=text) | Q(new__icontains=text))
    return entries, query


def _event(entry: AuditEntry) -> str:
    return KINDS.get(entry.kind, "字段修改")


@login_required
def audit_list(request):
    entries, query = _found(request)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    rows = [(entry, _event(entry)) for entry in page]
    return render(request, "audit/list.html", {"page": page, "rows": rows, "query": query, "events": EVENTS})


HEADER = ["序号", "时间", "操作人", "来源地址", "事件", "对象类型", "对象编号", "字段", "原值", "新值"]


@login_required
def audit_export(request):
    entries, query = _found(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(HEADER)
    for entry in entries.iterator(chunk_size=2000):
        at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow(
            csv_row(
                [
                    entry.seq,
                    at,
                    entry.actor_name,
                    entry.address,
                    _event(entry),
                    entry.model,
                    entry.object_id,
                    entry.field,
                    entry.old,
                    entry.new,
                ]
            )
        )
    security.event(request, "export", detail="audit.csv " + " ".join(f"{k}={v}" for k, v in query.items() if v))
    return response
