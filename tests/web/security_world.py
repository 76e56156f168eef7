"""A small, complete world for the security tests: the tracked education task (lead 州教育局, co-unit
州财政局), acknowledged, with a returned and an answered report, evidence, a contribution, an instruction,
a milestone, an extension and a closing request, a circular and notifications; plus every route of the
site (walked from the URL resolver, so pages added later are covered) with its parameters filled."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.tracking_helpers import bj

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XSS = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
# Pages anyone may read without logging in.
PUBLIC_PREFIXES = ("/public/", "/healthz", "/accounts/login/", "/admin/login/")
# Routes whose object belongs to the lead unit's task: another unit's liaison must get 404.
TASK_SCOPED = re.compile(r"^/(tasks|milestones|progress|evidence|extensions|closings|declines|disclosure/tasks)/\d+/")


@dataclass
class World:
    task: object
    report: object
    progress: object
    evidence: object
    milestone: object
    extension: object
    closing: object
    circular: object
    notification: object


def build_world(task, liaison, co_liaison, supervisor, leader, *, narrative: str = "一月按计划推进") -> World:
    from luoshi.dashboards import actions as dashboards
    from luoshi.tasks import actions as task_actions
    from luoshi.tracking import actions
    from luoshi.tracking.models import Notification

    actions.acknowledge(task.pk, liaison, at=bj(2026, 1, 6))
    first, _ = actions.submit_report(
        task.pk,
        liaison,
        period="2026-01",
        percent=8,
        narrative=narrative,
        files=[SimpleUploadedFile("方案.pdf", PDF)],
        at=bj(2026, 1, 20),
    )
    actions.review_report(first.pk, supervisor, decision="returned", reason="请补充", at=bj(2026, 1, 21))
    actions.submit_report(task.pk, liaison, period="2026-01", percent=9, narrative=narrative, at=bj(2026, 1, 22))
    actions.contribute(task.pk, co_liaison, period="2026-02", narrative=narrative, at=bj(2026, 2, 10))
    actions.instruct(task.pk, leader, text="请加快推进。", at=bj(2026, 2, 21))
    extension = actions.request_extension(
        task.pk, liaison, reason="汛期停工", new_deadline=datetime.date(2027, 3, 31), at=bj(2026, 4, 11)
    )
    closing = actions.request_closing(task.pk, liaison, verdict="met", reason="已完成", at=bj(2026, 4, 12))
    milestone = task_actions.add_milestone(task, supervisor, "完成选址", datetime.date(2026, 6, 30))
    circular = dashboards.create_circular(task.report, supervisor, period="2026-02", number="第1期", at=bj(2026, 3, 1))
    actions.notify([liaison], task=task, kind="reminder", title="请按时报送", outside=False)
    task.refresh_from_db()
    return World(
        task=task,
        report=task.report,
        progress=first,
        evidence=first.evidence.exclude(file="").first(),
        milestone=milestone,
        extension=extension,
        closing=closing,
        circular=circular,
        notification=Notification.objects.filter(user=liaison).first(),
    )


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            route = str(p.pattern)
            if route.startswith("api/"):
                continue  # the API is covered from its OpenAPI document
            yield from _walk(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _pk(world: World, route: str):
    first = route.split("/")[0]
    if route.startswith("disclosure/tasks/"):
        return world.task.pk
    return {
        "tasks": world.task.pk,
        "milestones": getattr(world.milestone, "pk", 0),
        "progress": world.progress.pk,
        "evidence": world.evidence.pk,
        "extensions": world.extension.pk,
        "closings": world.closing.pk,
        "reports": world.report.pk,
        "dashboard": world.report.pk,
        "disclosure": world.report.pk,
        "public": world.report.pk,
        "circulars": world.circular.pk,
        "inbox": world.notification.pk,
    }.get(first, world.task.pk)


def site_urls(world: World) -> list[str]:
    """Every non-API URL of the site, parameters filled with the world's objects."""
    urls = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") and (route.startswith("^") or "(?P<" in route):
            continue  # the admin's regex routes (app index, catch-all)
        if route.startswith("admin/"):
            if "<" in route:
                route = (
                    route.replace("<int:content_type_id>/<path:object_id>", "1/1")
                    .replace("<path:object_id>", str(world.task.pk))
                    .replace("<path:url>", "x/")
                )
                if "<" in route:
                    continue
            urls.append("/" + route)
            continue
        filled = route
        filled = filled.replace("<int:year>", "2026").replace("<str:code>", world.task.code)
        # the author's verdict link with a forged token; a valid one is played in test_security_matrix
        filled = filled.replace("<str:token>", "forged-token")
        filled = filled.replace("<int:pk>", str(_pk(world, route)))
        if "<str:what>.<str:fmt>" in filled:
            urls.append("/" + filled.replace("<str:what>.<str:fmt>", "ledger.csv"))
            urls.append("/" + filled.replace("<str:what>.<str:fmt>", "progress.xlsx"))
            continue
        assert "<" not in filled, f"unfilled route parameter in {route}: extend security_world._pk"
        urls.append("/" + filled)
    return sorted(set(urls))


def api_operations(client, world: World) -> list[tuple[str, str, dict | None]]:
    """(method, path, json body) of every API operation, bodies generated from the OpenAPI schemas."""
    spec = client.get("/api/openapi.json").json()
    values = {
        "task_id": world.task.pk,
        "report_id": world.progress.pk,
        "extension_id": world.extension.pk,
        "closing_id": world.closing.pk,
    }
    ops = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            filled = re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), world.task.pk)), path)
            body = None
            content = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if content:
                body = example(spec, content["schema"])
            ops.append((method.upper(), filled, body))
    return ops


def example(spec, schema):
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return example(spec, spec["components"]["schemas"][name])
    if "anyOf" in schema:
        return example(spec, schema["anyOf"][0])
    kind = schema.get("type")
    if kind == "object":
        return {k: example(spec, v) for k, v in schema.get("properties", {}).items() if k in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(schema.get("minimum", 1), min(schema.get("maximum", 50), 50))
    if kind == "boolean":
        return True
    if kind == "number":
        return 1
    if schema.get("format") == "date":
        return "2027-03-31"
    if schema.get("format") == "date-time":
        return "2026-03-01T10:00:00+08:00"
    pattern = schema.get("pattern", "")
    if pattern.startswith("^(") and pattern.endswith(")$"):
        return pattern[2:-2].split("|")[0]
    return "2026-11" if "period" in str(schema.get("title", "")).lower() else "测试"
