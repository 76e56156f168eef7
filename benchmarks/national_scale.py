"""National scale on one PostgreSQL server: 3,000 governments × 300 tasks with twelve monthly periods of
progress reports (≈10.8 million rows), loaded with COPY; then the server time of one government's pages.

    python benchmarks/national_scale.py [--scale 1.0] [--tasks 300] [--periods 12] [--runs 7] [--keep]

``--scale`` multiplies the number of governments (0.01 → 30 governments, 108,000 reports). A throwaway
database is created on ADMIN_URL (default postgresql://postgres@127.0.0.1:5432/postgres), migrated, filled
with COPY (ids generated here, sequences set afterwards), ANALYZEd and dropped at the end unless
``--keep``. Pages are timed through Django's test Client (server time, median of ``--runs`` after one
warm-up): the office's ledger page, a unit liaison's task list and the office dashboard of one government
in the middle of the id range. The last line is key=value figures.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import harness  # noqa: E402

UNITS_PER_GOVERNMENT = 30


def _columns(model, values: dict) -> list[str]:
    """Every concrete column of ``model`` must have a generated value (no silent NULLs)."""
    columns = [f.column for f in model._meta.concrete_fields]
    missing = [c for c in columns if c not in values]
    if missing:
        raise SystemExit(f"{model._meta.label}: no generated value for {missing}; update national_scale.py")
    return columns


def load(args, connection) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from luoshi.accounts.models import Government, Unit, User
    from luoshi.reports.models import WorkReport
    from luoshi.tasks.models import Task
    from luoshi.tracking.models import ProgressReport

    governments = max(1, round(3000 * args.scale))
    year = timezone.localdate().year - 1  # last year's ledger: all twelve periods are in the past
    tz = datetime.timezone(datetime.timedelta(hours=8))
    published = datetime.datetime(year, 1, 10, 9, tzinfo=tz)
    password = make_password("national-scale-2026")
    raw = connection.connection  # the psycopg connection under Django's
    counts = {}

    def copy(model, rows_fn, values_example):
        columns = _columns(model, values_example)
        table = model._meta.db_table
        n = 0
        with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as cp:
            for row in rows_fn():
                cp.write_row([row[c] for c in columns])
                n += 1
        counts[table] = n
        return n

    def governments_rows():
        for g in range(1, governments + 1):
            yield {"id": g, "name": f"第{g:04d}县", "parent_id": None}

    def _gov_values():
        return next(governments_rows())

    copy(Government, governments_rows, _gov_values())

    def units_rows():
        for g in range(1, governments + 1):
            for u in range(UNITS_PER_GOVERNMENT):
                uid = (g - 1) * UNITS_PER_GOVERNMENT + u + 1
                yield {
                    "id": uid,
                    "government_id": g,
                    "name": f"第{g:04d}县第{u:02d}局",
                    "short_name": f"第{u:02d}局",
                    "kind": "department",
                    "aliases": "",
                    "represents_id": None,
                }

    copy(Unit, units_rows, next(units_rows()))

    now = timezone.now()

    def users_rows():
        for g in range(1, governments + 1):
            for k, (role, unit_offset) in enumerate((("supervisor", 0), ("liaison", 1), ("leader", None))):
                uid = (g - 1) * 3 + k + 1
                yield {
                    "id": uid,
                    "password": password,
                    "last_login": None,
                    "is_superuser": False,
                    "username": f"g{g:04d}-{role}",
                    "first_name": "",
                    "last_name": role,
                    "email": "",
                    "is_staff": False,
                    "is_active": True,
                    "date_joined": now,
                    "government_id": g,
                    "unit_id": None if unit_offset is None else (g - 1) * UNITS_PER_GOVERNMENT + unit_offset + 1,
                    "role": role,
                }

    copy(User, users_rows, next(users_rows()))

    def reports_rows():
        for g in range(1, governments + 1):
            yield {
                "id": g,
                "government_id": g,
                "year": year,
                "title": f"第{g:04d}县{year}年政府工作报告",
                "source_text": "",
                "filename": "",
                "imported_by_id": (g - 1) * 3 + 1,
                "imported_at": published,
                "main_targets": "[]",
                "warnings": "[]",
                "dropped": "[]",
                "last_import": "{}",
            }

    copy(WorkReport, reports_rows, next(reports_rows()))

    def task_id(g, t):
        return (g - 1) * args.tasks + t + 1

    def tasks_rows():
        for g in range(1, governments + 1):
            leader = (g - 1) * 3 + 3
            for t in range(args.tasks):
                unit = (g - 1) * UNITS_PER_GOVERNMENT + t % UNITS_PER_GOVERNMENT + 1
                yield {
                    "id": task_id(g, t),
                    "report_id": g,
                    "code": f"{t // 50 + 1}.{t % 50 + 1}",
                    "position": t,
                    "kind": "task",
                    "text": f"第{t}项任务: 推进重点领域改革, 完成年度目标。",
                    "span_start": None,
                    "span_end": None,
                    "part_number": "二",
                    "part_title": "今年工作",
                    "section_number": str(t // 50 + 1),
                    "section_title": f"第{t // 50 + 1}板块",
                    "theme_title": "重点任务",
                    "targets": "",
                    "lead_unit_id": unit,
                    "leader_id": leader if t % 3 == 0 else None,
                    "task_force": "",
                    "deadline": datetime.date(year, 12, 31),
                    "ongoing": False,
                    "cycle": "monthly",
                    "due_day": 25,
                    "status": "in_progress",
                    "published_at": published,
                    "published_by_id": (g - 1) * 3 + 1,
                    "version": 2,
                    "suggestion": "{}",
                }

    copy(Task, tasks_rows, next(tasks_rows()))

    co_model = Task.co_units.through

    def co_rows():
        n = 0
        for g in range(1, governments + 1):
            for t in range(args.tasks):
                n += 1
                unit = (g - 1) * UNITS_PER_GOVERNMENT + (t + 7) % UNITS_PER_GOVERNMENT + 1
                yield {"id": n, "task_id": task_id(g, t), "unit_id": unit}

    copy(co_model, co_rows, next(co_rows()))

    def progress_rows():
        n = 0
        for g in range(1, governments + 1):
            liaison = (g - 1) * 3 + 2
            for t in range(args.tasks):
                unit = (g - 1) * UNITS_PER_GOVERNMENT + t % UNITS_PER_GOVERNMENT + 1
                tid = task_id(g, t)
                for m in range(1, args.periods + 1):
                    n += 1
                    percent = min(100, m * 8 + t % 5)
                    yield {
                        "id": n,
                        "task_id": tid,
                        "period": f"{year}-{m:02d}",
                        "percent": percent,
                        "narrative": f"{m}月按计划推进, 累计完成 {percent}%。",
                        "milestone_note": "",
                        "unit_id": unit,
                        "author_id": liaison,
                        "submitted_at": datetime.datetime(year, m, 20, 10, tzinfo=tz),
                        "answers_id": None,
                        "idempotency_key": "",
                    }

    started = time.perf_counter()
    copy(ProgressReport, progress_rows, next(progress_rows()))
    print(
        f"  progress reports: {counts[ProgressReport._meta.db_table]} rows in {time.perf_counter() - started:.0f}s",
        file=sys.stderr,
        flush=True,
    )
    with connection.cursor() as cursor:
        from django.core.management.color import no_style

        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Government, Unit, User, WorkReport, Task, co_model, ProgressReport]
        ):
            cursor.execute(sql)
    return {"governments": governments, "counts": counts, "year": year}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 3,000 governments (default 1.0)")
    parser.add_argument("--tasks", type=int, default=300, help="tasks per government")
    parser.add_argument("--periods", type=int, default=12, help="monthly reports per task")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--admin-url", default=os.environ.get("ADMIN_URL", harness.DEFAULT_ADMIN_URL))
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    args = parser.parse_args(argv)

    url = harness.create_database("luoshi_national", args.admin_url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-national-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection, transaction
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        with transaction.atomic():
            loaded = load(args, connection)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        load_s = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size_mb = cursor.fetchone()[0] / 2**20
        rows = sum(loaded["counts"].values())
        print(
            f"loaded {rows} rows ({loaded['governments']} governments) in {load_s:.0f}s; database {size_mb:.0f} MB",
            flush=True,
        )

        from luoshi.accounts.models import User

        g = (loaded["governments"] + 1) // 2
        office = User.objects.get(username=f"g{g:04d}-supervisor")
        liaison = User.objects.get(username=f"g{g:04d}-liaison")
        client = Client()

        def measure(user, path):
            client.force_login(user)
            first = client.get(path)
            assert first.status_code == 200, (path, first.status_code)
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            return statistics.median(times), len(ctx.captured_queries)

        ledger_ms, ledger_q = measure(office, "/tasks/")
        unit_ms, unit_q = measure(liaison, "/tasks/")
        api_ms, api_q = measure(liaison, "/dashboard/")
        dash_ms, dash_q = measure(office, f"/dashboard/?report={g}")
        print(
            f"government {g}: ledger {ledger_ms:.0f} ms ({ledger_q} queries), unit task list {unit_ms:.0f} ms "
            f"({unit_q}), unit dashboard {api_ms:.0f} ms ({api_q}), office dashboard {dash_ms:.0f} ms ({dash_q})",
            flush=True,
        )
        if args.keep:
            print(f"kept: {url}")
        print(
            f"governments={loaded['governments']} tasks={loaded['counts'].get('tasks_task', 0)} "
            f"progress_reports={loaded['counts'].get('tracking_progressreport', 0)} rows={rows} "
            f"load_s={load_s:.1f} db_size_mb={size_mb:.0f} ledger_ms={ledger_ms:.1f} unit_tasks_ms={unit_ms:.1f} "
            f"unit_dashboard_ms={api_ms:.1f} office_dashboard_ms={dash_ms:.1f}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            harness.drop_database(url, args.admin_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
