"""`luoshi demo`, `luoshi serve` and `luoshi manage`: the web application's command line."""

from __future__ import annotations

import argparse
import csv
import datetime
import functools
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
    # the liaisons of the other units that handle the demo's suggestions and proposals
    ("weijian", "liaison", "州卫健委", "卫健委", "联络员"),
    ("nongmu", "liaison", "州农牧局", "农牧局", "联络员"),
    ("zhujian", "liaison", "州住建局", "住建局", "联络员"),
    ("minzheng", "liaison", "州民政局", "民政局", "联络员"),
    ("shuili", "liaison", "州水利局", "水利局", "联络员"),
    ("wenlv", "liaison", "州文体旅游广电局", "文旅局", "联络员"),
    ("gongxin", "liaison", "州工信局", "工信局", "联络员"),
    ("caizheng", "liaison", "州财政局", "财政局", "联络员"),
]
EDUCATION_SECTION_HINT = "教育"
SAMPLE_PROPOSALS = DATA / "demo-proposals.csv"
# The sessions whose lists the demo hands over: "S" the congress's suggestions, "P" the CPPCC's proposals.
DEMO_SESSIONS = {
    "S": ("suggestion", "海西州第十五届人大第三次会议"),
    "P": ("proposal", "政协海西州第十四届委员会第三次会议"),
}
# The demo year of its suggestions S1 … S14 and proposals P1 … P10 (P2.2: the second part of P2 after 分办),
# played by ``_play_proposals``, one row a step: day (MM-DD of the demo's year), matter, step, who, option,
# text, more. Steps: intake (option: how many of the session's rows in the sample list), enter (one handed
# over later, 闭会期间, entered by hand), split (who: the units), assign (交办; option: key, 领办 by lingdao,
# or months=N), relief (the 主办 unit asks for 退回改办, text: why), decide (the office gives it to who), ack
# (签收), contact (option: the way), opinion (who: the 会办 unit), reply (option: the category; more: C's
# explanation, or B's commitments "what@MM-DD | what@+1-MM-DD"), return (text: why) or accept by the office,
# verdict (who: the link, 0 the 领衔人, 1 the first 附议人; option: the opinion), met (who: the commitment's
# index). The spring lists are handed over in March and answered in May and June; S8 misses its deadline,
# S3's 领衔人 is not satisfied, P5 has six months; S13, S14, P9 and P10 come later and are open in December.
SAMPLE_PROPOSAL_YEAR = DATA / "demo-proposals-year.csv"
# The hour of each step on its day (Asia/Shanghai).
_STEP_HOURS = {
    "intake": 9,
    "enter": 9,
    "split": 9,
    "assign": 10,
    "relief": 10,
    "ack": 11,
    "met": 11,
    "contact": 15,
    "decide": 15,
    "opinion": 16,
    "reply": 16,
    "return": 17,
    "accept": 17,
    "verdict": 20,
}


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
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from luoshi.accounts import actions as accounts
    from luoshi.accounts.models import Government, Unit, User
    from luoshi.reports.models import Source
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
        password = ""  # one hash for every demo account: they share the printed password; a hash costs 0.2 s
        for username, role, unit_label, family, given in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                password = password or make_password(DEMO_PASSWORD)
                unit = Unit.objects.get(government=government, short_name=unit_label) if unit_label else None
                user = User(
                    username=username,
                    role=role,
                    unit=unit,
                    government=government,
                    last_name=family,
                    first_name=given,
                )
                user.password = password
                user.save()
            users[username] = user
        supervisor = users["ducha"]
        existing = government.reports.filter(source=Source.REPORT).first()
        created = existing is None
        if existing is not None:
            report = existing
        else:
            today = _demo_today()
            year = today.year
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
            out.write("正在模拟本年度的签收、报送、审核、督办和建议提案办理 (首次启动约需十几秒)…\n")
            out.flush()
            plays = _play_proposals(government, users, _demo_start(today), today)
            simulate_demo_year(report, users, today, plays=plays)
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
    proposals = _proposal_counts(government)
    if proposals:
        out.write(
            f"建议提案: 建议 {proposals['suggestion']} 件 · 提案 {proposals['proposal']} 件"
            f" · 已办复 {proposals['closed']} 件 · 办理中 {proposals['open']} 件\n"
        )
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


def _proposal_counts(government) -> dict:
    from luoshi.proposals.models import Proposal
    from luoshi.tasks.models import Status

    rows = Proposal.objects.filter(government=government, task__published_at__isnull=False)
    counts = {kind: rows.filter(kind=kind).count() for kind in ("suggestion", "proposal")}
    counts["closed"] = rows.filter(task__status=Status.CLOSED).count()
    counts["open"] = rows.count() - counts["closed"]
    return counts if any(counts.values()) else {}


def _demo_start(today: datetime.date) -> datetime.date:
    """The day the demo year starts: the report's ledger is published on 10 January."""
    return datetime.date(today.year, 1, 10)


def _demo_today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def _at(day: datetime.date, hour: int = 10):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def simulate_demo_year(report, users: dict, today: datetime.date, plays: dict | None = None) -> dict:
    """Publish the demo ledger on 10 January of this year and play the months up to ``today``: units
    acknowledge (a few late), report on time, late or not at all, some reports are returned and
    answered, the office reviews, and the daily escalation runs, so lights, inboxes, reminders and
    supervision orders have something to show. ``plays``: more steps by day (``_play_proposals``), each
    played on its day before that day's escalation. Called once, when the demo ledger is created."""
    from luoshi.ops.daily import run_daily
    from luoshi.tasks import actions
    from luoshi.tasks.models import ACTIVE, Status
    from luoshi.tracking import actions as tracking
    from luoshi.tracking import health

    supervisor, leader = users["ducha"], users["lingdao"]
    start = _demo_start(today)
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
        for play in (plays or {}).get(day, []):
            play()
        if day in runs or day == today:
            run_daily(day, send=False)
        day += datetime.timedelta(days=1)
    return {"days": (today - start).days}


def _play_proposals(government, users: dict, start: datetime.date, today: datetime.date) -> dict:
    """The demo's suggestions and proposals through the year, as ``SAMPLE_PROPOSAL_YEAR`` tells it: the steps
    of the days from ``start`` up to the day before ``today``, by day, for ``simulate_demo_year`` to play
    between its daily runs (so that the escalation sees each day as it was). Whatever happens on or after
    ``today`` is left out: early in the year there is less to show. Deterministic for a given today."""
    from luoshi.proposals import actions as proposals
    from luoshi.proposals.models import Proposal, Relief, Reply
    from luoshi.proposals.reading import read_list
    from luoshi.tracking import actions as tracking

    year, supervisor = today.year, users["ducha"]
    liaisons = {u.unit.short_name: u for u in users.values() if u.role == "liaison" and u.unit_id}
    units = {u.short_name: u for u in government.units.all()}
    rows = read_list(SAMPLE_PROPOSALS.read_bytes(), SAMPLE_PROPOSALS.name)

    def day_of(text: str) -> datetime.date:  # "MM-DD" of the demo's year, "+1-MM-DD" of the next
        ahead = text.startswith("+1-")
        month, day = (int(n) for n in text.removeprefix("+1-").split("-"))
        return datetime.date(year + ahead, month, day)

    def rows_of(kind: str) -> list[dict]:
        return [r for r in rows if proposals.KIND_WORDS[r["kind"]] == kind]

    def find(ref: str) -> Proposal:  # "S3": suggestion 3; "P2.2": the second part of proposal 2
        kind, session = DEMO_SESSIONS[ref[0]]
        number, _, part = ref[1:].partition(".")
        return Proposal.objects.select_related("task__lead_unit").get(
            government=government, kind=kind, session=session, number=number, part=int(part or 1) - 1
        )

    def play(day: datetime.date, row: dict) -> None:
        ref, step, who, option, text, more = (row[k] for k in ("matter", "step", "who", "option", "text", "more"))
        at = _at(day, _STEP_HOURS[step])
        kind, session = DEMO_SESSIONS[ref[0]]
        if step == "intake":
            proposals.apply_intake(government, supervisor, rows_of(kind)[: int(option)], session=session, year=year)
            return
        if step == "enter":
            listed = next(r for r in rows_of(kind) if r["number"] == ref[1:])
            fields = {k: v for k, v in listed.items() if k != "_row"}
            proposals.enter_one(government, supervisor, session=session, year=year, **fields)
            return
        proposal = find(ref)
        task = proposal.task
        lead = liaisons.get(task.lead_unit.short_name) if task.lead_unit else None
        if step == "split":
            proposals.split(proposal.pk, supervisor, [units[label] for label in who.split("、")])
        elif step == "assign":
            months = option.removeprefix("months=") if option.startswith("months=") else None
            proposals.assign(
                proposal.pk,
                supervisor,
                lead_unit=task.lead_unit,
                co_units=list(task.co_units.all()),
                leader=users["lingdao"] if option == "key" else None,
                key=option == "key",
                months=months,
                at=at,
            )
        elif step == "relief":
            proposals.request_relief(proposal.pk, lead, reason=text, at=at)
        elif step == "decide":
            relief = proposal.reliefs.get(status=Relief.Status.PENDING)
            proposals.decide_relief(relief.pk, supervisor, approve=True, new_unit=units[who], at=at)
        elif step == "ack":
            tracking.acknowledge(task.pk, lead, at=at)
        elif step == "contact":
            proposals.record_contact(proposal.pk, lead, on=day, way=option, content=text, at=at)
        elif step == "opinion":
            proposals.give_opinion(proposal.pk, liaisons[who], text=text, at=at)
        elif step == "reply":
            promised = [item.rpartition("@") for item in more.split(" | ")] if option == "B" else []
            proposals.submit_reply(
                proposal.pk,
                lead,
                category=option,
                text=text,
                explanation=more if option == "C" else "",
                commitments=[{"text": what, "due": day_of(due).isoformat()} for what, _, due in promised],
                publishable=True,
                at=at,
            )
        elif step in ("accept", "return"):
            reply = proposal.replies.get(status=Reply.Status.SUBMITTED)
            proposals.review_reply(reply.pk, supervisor, accept=step == "accept", reason=text, at=at)
        elif step == "verdict":
            link = proposal.verdict_links.filter(round=proposal.round).order_by("-lead", "id")[int(who)]
            proposals.record_verdict(proposals.token_for(link), opinion=option, comment=text, at=at)
        elif step == "met":
            commitment = proposal.commitments.order_by("id")[int(who)]
            proposals.meet_commitment(commitment.pk, lead, note=text, at=at)
        else:
            raise ValueError(f"unknown step {step!r} in {SAMPLE_PROPOSAL_YEAR.name}")

    plays: dict[datetime.date, list] = {}
    with SAMPLE_PROPOSAL_YEAR.open(encoding="utf-8", newline="") as script:
        steps = sorted(csv.DictReader(script), key=lambda row: row["day"])  # stable: a day's steps in order
    for row in steps:
        day = day_of(row["day"])
        if start <= day < today:
            plays.setdefault(day, []).append(functools.partial(play, day, row))
    return plays


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
