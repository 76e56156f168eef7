"""`luoshi demo`, `luoshi serve` and `luoshi manage`: the web application's command line."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_REPORT = DATA / "haixi-2023-report-part2.txt"
SAMPLE_UNITS = DATA / "haixi-units.csv"
DEMO_GOVERNMENT = "海西州"
DEMO_PASSWORD = "luoshi-demo"
# username, role, unit short name, family name, given name
DEMO_USERS = [
    ("ducha", "supervisor", "州政府办", "督查室", "值班员"),
    ("jiaoyu", "liaison", "州教育局", "教育局", "联络员"),
    ("lingdao", "leader", None, "李", "副州长"),
    ("jiaotong", "liaison", "州交通运输局", "交通局", "联络员"),
]
EDUCATION_SECTION_HINT = "教育"


def _django(host: str | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    if host and "ALLOWED_HOSTS" not in os.environ:
        os.environ["ALLOWED_HOSTS"] = ",".join(dict.fromkeys([host, "127.0.0.1", "localhost"]))
    import django

    django.setup()


def setup_demo(out=None) -> dict:
    """Migrate, then load the sample government, catalog, accounts and published ledger once.

    Safe to run again: existing data is kept and nothing is imported twice.
    """
    from django.core.management import call_command
    from django.db import transaction

    from luoshi.accounts import actions as accounts
    from luoshi.accounts.models import Government, Unit, User
    from luoshi.tasks import actions
    from luoshi.tasks.decomposing import decompose_for, document_fields, report_title
    from luoshi.tasks.models import Task
    from luoshi.text import load_units

    out = out or sys.stdout
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        government, _ = Government.objects.get_or_create(name=DEMO_GOVERNMENT)
        if not government.units.exists():
            accounts.import_units(government, None, load_units(SAMPLE_UNITS))
        users = {}
        for username, role, unit_label, family, given in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                unit = Unit.objects.get(government=government, short_name=unit_label) if unit_label else None
                user = User(
                    username=username,
                    role=role,
                    unit=unit,
                    government=government,
                    last_name=family,
                    first_name=given,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
            users[username] = user
        supervisor = users["ducha"]
        existing = government.reports.first()
        created = existing is None
        if existing is not None:
            report = existing
        else:
            year = _demo_today().year
            document, drafts = decompose_for(government, SAMPLE_REPORT.read_text(encoding="utf-8"), year)
            report = actions.import_report(
                government,
                supervisor,
                drafts=drafts,
                year=year,
                title=report_title(document, government, year),
                filename=SAMPLE_REPORT.name,
                **document_fields(document),
            )
            ids = list(report.tasks.filter(kind="task").values_list("pk", flat=True))
            actions.accept_suggestions(report, ids, supervisor)
            education = report.tasks.filter(kind="task", section_title__contains=EDUCATION_SECTION_HINT)
            actions.bulk_update(
                report, education.values_list("pk", flat=True), supervisor, {"leader": users["lingdao"]}
            )
            out.write("正在模拟本年度的签收、报送、审核与督办 (首次启动约需十几秒)…\n")
            out.flush()
            simulate_demo_year(report, users, _demo_today())
            # the demo discloses its published tasks with the default public fields (政务公开)
            from luoshi.public import actions as public_actions

            published_ids = report.tasks.filter(kind="task", published_at__isnull=False).values_list("pk", flat=True)
            public_actions.bulk_update(report, supervisor, published_ids, public=True)
    published = Task.objects.filter(report=report, published_at__isnull=False).count()
    out.write(
        f"演示数据: {government.name} · {report.title} · {published} 项任务已交办"
        f"{'' if created else ' (沿用已有数据)'}\n"
    )
    lights = _light_counts(report)
    if lights:
        out.write(f"红黄绿灯 (今日): 绿 {lights['green']} · 黄 {lights['yellow']} · 红 {lights['red']}\n")
    out.write(f"演示账号 (密码均为 {DEMO_PASSWORD}):\n")
    for username, role, unit_label, family, given in DEMO_USERS:
        out.write(f"  {username:<10} {dict(User.ROLE_CHOICES)[role]} {unit_label or ''} {family}{given}\n")
    return {"government": government, "report": report, "users": users, "created": created}


def _light_counts(report) -> dict:
    from luoshi.tracking import health

    counts = {"green": 0, "yellow": 0, "red": 0}
    published = report.tasks.filter(kind="task", published_at__isnull=False).values_list("id", flat=True)
    for light in health.compute_many(list(published)).values():
        counts[light.light] += 1
    return counts if any(counts.values()) else {}


def _demo_today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def _at(day: datetime.date, hour: int = 10):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def simulate_demo_year(report, users: dict, today: datetime.date) -> dict:
    """Publish the demo ledger on 10 January of this year and play the months up to ``today``: units
    acknowledge (a few late), report on time, late or not at all, some reports are returned and
    answered, the office reviews, and the daily escalation runs, so lights, inboxes, reminders and
    supervision orders have something to show. Called once, when the demo ledger is created."""
    from luoshi.ops.daily import run_daily
    from luoshi.tasks import actions
    from luoshi.tasks.models import ACTIVE, Status
    from luoshi.tracking import actions as tracking
    from luoshi.tracking import health

    supervisor, leader = users["ducha"], users["lingdao"]
    start = datetime.date(today.year, 1, 10)
    if today <= start:
        actions.publish(report, supervisor)
        return {"days": 0}
    actions.publish(report, supervisor, at=_at(start, 9))
    by_unit = {u.unit_id: u for u in users.values() if u.unit_id}
    tasks = list(report.tasks.filter(kind="task", published_at__isnull=False).order_by("position"))
    events: dict[datetime.date, list] = {}

    def plan(day, event):
        if start <= day < today:
            events.setdefault(day, []).append(event)

    for i, task in enumerate(tasks):
        plan(start + datetime.timedelta(days=8 if i % 11 == 5 else 2), ("ack", task))
        stops = 6 if i % 7 == 0 else 13  # every seventh task stops reporting after June
        for month in range(1, 13):
            due = datetime.date(today.year, month, task.due_day)
            if month >= stops or due < start:
                continue
            late = i % 5 == 1 and month % 3 == 0
            day = due + datetime.timedelta(days=3) if late else due - datetime.timedelta(days=4)
            plan(day, ("report", task, month, i))
            plan(day + datetime.timedelta(days=1), ("review", task, month, i))
    if tasks:
        plan(start + datetime.timedelta(days=40), ("instruct", tasks[0]))
    runs = {d for d in (today - datetime.timedelta(days=n) for n in range(400)) if d >= start and d.day in (22, 26)}
    day = start
    while day <= today:
        for event in events.get(day, []):
            task = event[1]
            task.refresh_from_db()
            author = by_unit.get(task.lead_unit_id, supervisor)
            if event[0] == "ack" and task.status == Status.ASSIGNED:
                tracking.acknowledge(task.pk, author, at=_at(day))
            elif event[0] == "report" and task.status in ACTIVE:
                _, month, i = event[1:]
                light = health.compute(task, day)  # a published task always has a light
                expected = (light.expected if light is not None else None) or 0
                percent = max(0, min(100, expected - (22 if i % 6 == 3 else 0) + i % 4))
                tracking.submit_report(
                    task.pk,
                    author,
                    period=f"{today.year}-{month:02d}",
                    percent=percent,
                    narrative=f"{month}月按计划推进, 累计完成 {percent}%。",
                    idempotency_key=f"demo-{task.pk}-{month}",
                    at=_at(day),
                )
            elif event[0] == "review":
                _, month, i = event[1:]
                pending = task.progress_reports.filter(period=f"{today.year}-{month:02d}", review__isnull=True).last()
                if pending is None:
                    continue
                if i % 4 == 2 and month == 3 and pending.answers_id is None:
                    tracking.review_report(
                        pending.pk, supervisor, decision="returned", reason="请补充资金到位和开工情况", at=_at(day)
                    )
                    tracking.submit_report(
                        task.pk,
                        author,
                        period=pending.period,
                        percent=pending.percent,
                        narrative=pending.narrative + " 已补充资金到位 80%、开工 3 个项目。",
                        at=_at(day, 16),
                    )
                else:
                    tracking.review_report(pending.pk, supervisor, decision="accepted", at=_at(day))
            elif event[0] == "instruct":
                tracking.instruct(task.pk, leader, text="请加快推进, 确保年底前全面完成。", at=_at(day))
        if day in runs or day == today:
            run_daily(day, send=False)
        day += datetime.timedelta(days=1)
    return {"days": (today - start).days}


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="luoshi demo", description="一键演示: SQLite + 示例报告 + 演示账号")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    os.environ.pop("DATABASE_URL", None)  # the demo always uses SQLite in the data directory
    _django(args.host)
    from django.conf import settings
    from django.core.management import call_command

    print(f"数据目录: {settings.DATA_DIR}")
    setup_demo()
    print(f"请在浏览器打开 http://{args.host}:{args.port}/  (Ctrl+C 退出)")
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True)
    return 0


def default_workers() -> int:
    """WEB_CONCURRENCY, else 2 × cores + 1 (gunicorn's advice): sync workers wait on PostgreSQL part of
    each request, so one per core would leave the cores idle while they wait."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * cores + 1)


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="luoshi serve", description="生产服务 (gunicorn, DATABASE_URL)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=default_workers(), help="默认 WEB_CONCURRENCY 或 2×核数+1")
    parser.add_argument("--migrate", action="store_true", help="先执行数据库迁移")
    args = parser.parse_args(argv)
    if args.migrate:
        _django()
        from django.core.management import call_command

        call_command("migrate", interactive=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    # The production server keeps its database connections between requests unless told otherwise:
    # a new PostgreSQL connection per request costs more than the request (a broken one is dropped by
    # DatabaseUnavailableMiddleware and the next request reconnects).
    os.environ.setdefault("CONN_MAX_AGE", "600")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "luoshi.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
    ]
    os.execv(sys.executable, command)
    return 0  # not reached


def manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luoshi manage", *argv])
    return 0
