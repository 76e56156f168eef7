"""Synthetic ledgers written with bulk_create (no engine, no actions): for the query-count tests and
``benchmarks/dashboard.py``. Not used by the application itself."""

from __future__ import annotations

import datetime


def make_ledger(government, n: int, reports_per_task: int = 3, *, year: int = 2026):
    """A ledger of ``n`` published tasks written with bulk_create (no engine, no actions): for query
    counts and the benchmark. Each task gets lights and ``reports_per_task`` reports."""
    import zoneinfo

    from django.utils import timezone

    from luoshi.accounts.models import Unit, User
    from luoshi.public.models import Disclosure
    from luoshi.reports.models import WorkReport
    from luoshi.tasks.models import Task
    from luoshi.tracking.models import HealthChange, ProgressReport, ReportReview

    tz = zoneinfo.ZoneInfo("Asia/Shanghai")
    published = datetime.datetime(year, 1, 5, 9, tzinfo=tz)
    report = WorkReport.objects.create(
        government=government, year=year, title=f"{year}年政府工作报告", source_text="", imported_at=timezone.now()
    )
    units = list(Unit.objects.filter(government=government))
    author = User.objects.filter(government=government).first() or User.objects.create(
        username=f"bench-{report.pk}", role="liaison", government=government, unit=units[0]
    )
    leaders = list(User.objects.filter(government=government, role="leader")) or [author]
    tasks = Task.objects.bulk_create(
        [
            Task(
                report=report,
                code=f"2.{i // 100 + 1}.{i % 100 + 1}",
                position=i,
                text=f"第{i}项任务: 推进重点工作",
                section_number=["一", "二", "三", "四", "五", "六"][i % 6],
                section_title=f"板块{i % 6 + 1}",
                lead_unit=units[i % len(units)],
                leader=leaders[i % len(leaders)],
                deadline=datetime.date(year, 12, 31) if i % 7 else datetime.date(year, 3, 31),
                status=["in_progress", "acknowledged", "closed", "in_progress", "assigned"][i % 5],
                published_at=published,
                cycle="monthly",
                due_day=25,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    HealthChange.objects.bulk_create(
        [
            HealthChange(
                task=t,
                old="",
                new=["green", "yellow", "red"][t.position % 3],
                cause="测试",
                on=datetime.date(year, 2, 1),
            )
            for t in tasks
        ],
        batch_size=5000,
    )
    rows = []
    for k in range(reports_per_task):
        month = k % 12 + 1
        at = datetime.datetime(year, month, 20, 10, tzinfo=tz)
        for t in tasks:
            rows.append(
                ProgressReport(
                    task=t,
                    period=f"{year}-{month:02d}",
                    percent=min(100, 10 * (k + 1) + t.position % 10),
                    narrative="按计划推进",
                    unit=t.lead_unit,
                    author=author,
                    submitted_at=at,
                )
            )
    made = ProgressReport.objects.bulk_create(rows, batch_size=5000)
    ReportReview.objects.bulk_create(
        [ReportReview(progress_report=r, decision="accepted", reviewer=author, at=r.submitted_at) for r in made[::2]],
        batch_size=5000,
    )
    Disclosure.objects.bulk_create(
        [Disclosure(task=t, public=True, summary="按计划推进") for t in tasks], batch_size=5000
    )
    return report
