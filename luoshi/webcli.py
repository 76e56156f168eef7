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
# The sample is 海西州's 2023 report, played through the current year: the demo says so wherever it names it.
SAMPLE_YEAR = 2023
SAMPLE_UNITS = DATA / "haixi-units.csv"
DEMO_GOVERNMENT = "海西州"
DEMO_PASSWORD = "Luoshi-demo-2026"
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
# The demo's livelihood projects (民生实事), one row a candidate of the year's list (``_play_projects``): key,
# title, content, budget (万元), lead unit, co-units and places (、), the deputies' votes; for the chosen, the
# day it is opened and published (MM-DD, also its start), its deadline, the budget by source ("中央:1500.00|…",
# adding up to the budget), its stages ("name:weight:planned:actual|…", actual empty while not done), the
# cumulative share of the budget spent (percent) at each month's report, January to December ("-": no
# report), the report task that promised it (a part of its text), and from which month the reports explain a
# lag (cause). C1 spends far behind time (money behind time), C5 far ahead of its works (works behind money).
SAMPLE_PROJECTS = DATA / "demo-projects.csv"
# Each chosen project's 绩效目标表: key, level, kind, name, comparator, value, unit, and the actual value the
# report of ``month`` states, with the explanation of a shortfall in the self-evaluation.
SAMPLE_PROJECT_INDICATORS = DATA / "demo-project-indicators.csv"
# The other steps of the projects' year, one a row: day (MM-DD), project, step, text, more. Steps: list (the
# office lists the candidates), vote (the congress's 票决), return (the office returns the report submitted the
# day before, text: why; the unit reports again that afternoon adding ``more``, and the office accepts it the
# next day), close (the lead unit asks to close, text: its account), closed (the office agrees, text), evaluate
# (the lead unit submits its 绩效自评, explaining each shortfall as the indicators file says). Besides these,
# each chosen project is opened and published on its day, acknowledged one or two days later, reported on
# by the 20th of each month (by the 24th in the month it is published) and the report accepted the next day.
SAMPLE_PROJECT_YEAR = DATA / "demo-projects-year.csv"
_PROJECT_REPORT_DAY = 20
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
    from django.contrib.auth.password_validation import validate_password
    from django.core.management import call_command
    from django.db import transaction

    from luoshi.accounts import actions as accounts
    from luoshi.accounts.models import Government, Unit, User
    from luoshi.reports.models import Source
    from luoshi.tasks import actions
    from luoshi.tasks.decomposing import decompose_for, document_fields
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
                if not password:
                    validate_password(DEMO_PASSWORD)  # the demo's password keeps the installation's rules
                    password = make_password(DEMO_PASSWORD)
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
                title=demo_title(government, document),
                filename=SAMPLE_REPORT.name,
                **document_fields(document),
            )
            ids = list(report.tasks.filter(kind="task").values_list("pk", flat=True))
            actions.accept_suggestions(report, ids, supervisor)
            education = report.tasks.filter(kind="task", section_title__contains=EDUCATION_SECTION_HINT)
            actions.bulk_update(
                report, education.values_list("pk", flat=True), supervisor, {"leader": users["lingdao"]}
            )
            out.write("正在模拟本年度的签收、报送、审核、督办、建议提案办理和民生实事 (首次启动约需二十秒)…\n")
            out.flush()
            plays = _play_proposals(government, users, _demo_start(today), today)
            for day, steps in _play_projects(government, users, _demo_start(today), today).items():
                plays.setdefault(day, []).extend(steps)
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
    out.write(
        f"说明: 示例数据是{government.name}{SAMPLE_YEAR}年政府工作报告 (节选), 按今年 ({report.year}年) 的日程演示;"
        " 交办、签收、报送、督办和灯色均为模拟, 并非今年的真实报告。\n"
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
    projects = _project_counts(government, report.year)
    if projects:
        out.write(
            f"民生实事: 候选 {projects['candidates']} 项 · 票决入选 {projects['chosen']} 项"
            f" · 已交办 {projects['published']} 项 · 总投资 {projects['budget']} 万元 · 红灯 {projects['red']} 项\n"
        )
    out.write(f"演示账号 (密码均为 {DEMO_PASSWORD}):\n")
    for username, role, unit_label, family, given in DEMO_USERS:
        out.write(f"  {username:<10} {dict(User.ROLE_CHOICES)[role]} {unit_label or ''} {family}{given}\n")
    return {"government": government, "report": report, "users": users, "created": created}


def demo_title(government, document=None) -> str:
    """The demo ledger's title: the sample's own year, and that it is played through this year."""
    name = (getattr(document, "title", "") or "政府工作报告").removeprefix(f"{SAMPLE_YEAR}年")
    return f"{government.name}{SAMPLE_YEAR}年{name} (示例, 按今年演示)"


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


def _project_counts(government, year: int) -> dict:
    from decimal import Decimal

    from luoshi.projects.models import Candidate, Project
    from luoshi.tracking import health

    candidates = Candidate.objects.filter(government=government, year=year)
    projects = Project.objects.filter(government=government, year=year, task__published_at__isnull=False)
    if not candidates.exists() and not projects.exists():
        return {}
    lights = health.compute_many(list(projects.values_list("task_id", flat=True)))
    return {
        "candidates": candidates.count(),
        "chosen": candidates.filter(chosen=True).count(),
        "published": projects.count(),
        "budget": sum(projects.values_list("budget", flat=True), Decimal("0.00")),
        "red": sum(1 for light in lights.values() if light.light == "red"),
    }


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


def _play_projects(government, users: dict, start: datetime.date, today: datetime.date) -> dict:
    """The demo's livelihood projects (民生实事) through the year, as ``SAMPLE_PROJECTS`` and
    ``SAMPLE_PROJECT_INDICATORS`` tell it: the office lists the candidates, the deputies vote (票决), the
    chosen become the year's projects with their budget by source, stages and 绩效目标表, linked to the report
    tasks that promised them, and are published (交办) to units with demo liaisons; each month the lead unit
    reports its money, stages done and indicator actuals, and the office accepts (one report is returned and
    answered); the project finished first is closed and evaluated (绩效自评). As ``_play_proposals``: the
    steps of the days from ``start`` up to the day before ``today``, by day; deterministic for a given today."""
    from decimal import ROUND_HALF_UP, Decimal

    from luoshi.projects import actions as projects
    from luoshi.projects.models import CENT, Candidate, Project
    from luoshi.reports.models import Source
    from luoshi.tasks import actions as task_actions
    from luoshi.tasks.models import Task
    from luoshi.tracking import actions as tracking
    from luoshi.tracking.models import ClosingRequest, ProgressReport

    year, supervisor = today.year, users["ducha"]
    liaisons = {u.unit.short_name: u for u in users.values() if u.role == "liaison" and u.unit_id}
    units = {u.short_name: u for u in government.units.all()}
    with SAMPLE_PROJECTS.open(encoding="utf-8", newline="") as data:
        rows = list(csv.DictReader(data))
    with SAMPLE_PROJECT_INDICATORS.open(encoding="utf-8", newline="") as data:
        indicator_rows = list(csv.DictReader(data))
    with SAMPLE_PROJECT_YEAR.open(encoding="utf-8", newline="") as data:
        steps = list(csv.DictReader(data))
    chosen = [row for row in rows if row["opened"]]
    made: dict[str, Project] = {}  # key → its project, as the plays open them
    ids: dict[str, tuple[dict[str, int], dict[str, int]]] = {}  # key → its stages' and indicators' ids by name

    def day_of(text: str) -> datetime.date:
        month, day = (int(n) for n in text.split("-"))
        return datetime.date(year, month, day)

    def stages_of(row: dict) -> list[tuple[str, int, datetime.date, datetime.date | None]]:
        out = []
        for item in row["stages"].split("|"):
            name, weight, planned, actual = item.split(":")
            out.append((name, int(weight), day_of(planned), day_of(actual) if actual else None))
        return out

    def lead_of(key: str):  # the lead unit's demo liaison
        return liaisons[next(row["lead_unit"] for row in chosen if row["key"] == key)]

    def list_candidates() -> None:
        listed = [{k: row[k] for k in ("title", "content", "budget", "lead_unit")} for row in rows]
        projects.add_candidates(government, supervisor, year, listed)

    def vote() -> None:
        listed = dict(Candidate.objects.filter(government=government, year=year).values_list("title", "pk"))
        votes = {listed[row["title"]]: int(row["votes"]) for row in rows}
        projects.record_votes(government, supervisor, year, votes, chosen=len(chosen))

    def open_batch(day: datetime.date, batch: list[dict]) -> None:
        candidates = {c.title: c for c in Candidate.objects.filter(government=government, year=year)}
        plans = [
            projects.ProjectPlan(
                title=row["title"],
                budget=Decimal(row["budget"]),
                start=day,
                deadline=day_of(row["deadline"]),
                content=row["content"],
                lead_unit=units[row["lead_unit"]],
                co_units=[units[label] for label in row["co_units"].split("、") if label],
                places=[units[label] for label in row["places"].split("、")],
                budget_lines={
                    name: Decimal(amount)
                    for name, _, amount in (i.partition(":") for i in row["budget_lines"].split("|"))
                },
                stages=[(name, planned, weight) for name, weight, planned, _ in stages_of(row)],
                indicators=[i for i in indicator_rows if i["key"] == row["key"]],
                candidate=candidates[row["title"]],
            )
            for row in batch
        ]
        opened = projects.open_projects(government, supervisor, year, plans)
        for row, project in zip(batch, opened, strict=True):
            made[row["key"]] = project
            ids[row["key"]] = (
                {s.name: s.pk for s in project.stages.all()},
                {i.name: i.pk for i in project.indicators.all()},
            )
            task = Task.objects.get(pk=project.task_id)
            task_actions.update_task(task.pk, supervisor, task.version, {"leader": users["lingdao"]}, learn=False)
            if row["promise"]:
                promised = Task.objects.filter(
                    report__government=government,
                    report__source=Source.REPORT,
                    kind="task",
                    text__contains=row["promise"],
                ).first()
                if promised is not None:
                    projects.link_promise(project.pk, supervisor, promised.pk)
        ledger = opened[0].task.report
        task_actions.publish(ledger, supervisor, [p.task_id for p in opened], at=_at(day, 15))

    def acknowledge(day: datetime.date, key: str) -> None:
        project = made[key]
        tracking.acknowledge(project.task_id, lead_of(key), at=_at(day, 11))

    def report(day: datetime.date, row: dict, month: int, shares: list[str], answer: str = "") -> None:
        project = made[row["key"]]
        budget = project.budget

        def part(share: int) -> Decimal:
            return (budget * share / 100).quantize(CENT, rounding=ROUND_HALF_UP)

        spent = int(shares[month - 1])
        received = min(100, spent + 25)  # money arrives ahead of spending, and is disbursed a little ahead
        disbursed = min(received, spent + 8)
        stages = stages_of(row)
        done = [(name, actual) for name, _, _, actual in stages if actual is not None and actual <= day]
        weights = [weight for _, weight, _, actual in stages if actual is not None and actual <= day]
        following = [weight for _, weight, _, actual in stages if actual is None or actual > day]
        percent = min(100, sum(weights) + (following[0] // 2 if following else 0))
        since = datetime.date(year, month - 1, _PROJECT_REPORT_DAY) if month > 1 else project.start
        new = [name for name, actual in done if actual > since]
        stage_ids, own = ids[row["key"]]
        values = {
            own[i["name"]]: i["actual"]
            for i in indicator_rows
            if i["key"] == row["key"] and i["month"] and int(i["month"]) == month
        }
        narrative = (
            f"{month}月: 累计到位资金 {part(received)} 万元, 拨付 {part(disbursed)} 万元, 支出 {part(spent)} 万元,"
            f" 支出进度 {spent}%。"
            + (f"完成“{'”“'.join(new)}”节点。" if new else "")
            + (row["cause"] if row["cause_from"] and month >= int(row["cause_from"]) else "按计划推进。")
            + answer
        )
        projects.report_period(
            project.pk,
            lead_of(row["key"]),
            period=f"{year}-{month:02d}",
            percent=percent,
            narrative=narrative,
            received=part(received),
            disbursed=part(disbursed),
            spent=part(spent),
            stages_done={stage_ids[name]: actual for name, actual in done},
            indicators=values,
            idempotency_key=f"demo-project-{project.pk}-{month}{'-again' if answer else ''}",
            at=_at(day, 16 if answer else 15),
        )

    def review(day: datetime.date, row: dict, month: int, shares: list[str]) -> None:
        project = made[row["key"]]
        pending = ProgressReport.objects.filter(
            task_id=project.task_id, period=f"{year}-{month:02d}", review__isnull=True
        ).last()
        if pending is None:
            return
        step = returns.get((row["key"], day))
        if step is not None and pending.answers_id is None:
            tracking.review_report(pending.pk, supervisor, decision="returned", reason=step["text"], at=_at(day))
            report(day, row, month, shares, answer=step["more"])
        else:
            tracking.review_report(pending.pk, supervisor, decision="accepted", at=_at(day))

    def close(day: datetime.date, key: str, text: str) -> None:
        tracking.request_closing(
            made[key].task_id, lead_of(key), verdict=ClosingRequest.Verdict.MET, reason=text, at=_at(day, 11)
        )

    def decide(day: datetime.date, key: str, text: str) -> None:
        closing = ClosingRequest.objects.get(task_id=made[key].task_id, status=ClosingRequest.Status.PENDING)
        tracking.decide_closing(closing.pk, supervisor, approve=True, reason=text, at=_at(day, 17))

    def evaluate(day: datetime.date, key: str, text: str) -> None:
        project = made[key]
        notes = {
            ids[key][1][i["name"]]: i["explanation"] for i in indicator_rows if i["key"] == key and i["explanation"]
        }
        projects.evaluate(project.pk, lead_of(key), explanations=notes, submit=True, at=_at(day, 15))

    plays: dict[datetime.date, list] = {}

    def plan(day: datetime.date, step, *args) -> None:
        if start <= day < today:
            plays.setdefault(day, []).append(functools.partial(step, *args))

    returns = {(step["key"], day_of(step["day"])): step for step in steps if step["step"] == "return"}
    later = {"close": close, "closed": decide, "evaluate": evaluate}
    for step in steps:
        day = day_of(step["day"])
        if step["step"] == "list":
            plan(day, list_candidates)
        elif step["step"] == "vote":
            plan(day, vote)
        elif step["step"] in later:
            plan(day, later[step["step"]], day, step["key"], step["text"])
        elif step["step"] != "return":
            raise ValueError(f"unknown step {step['step']!r} in {SAMPLE_PROJECT_YEAR.name}")
    for opened in sorted({row["opened"] for row in chosen}):
        day = day_of(opened)
        batch = [row for row in chosen if row["opened"] == opened]
        plan(day, open_batch, day, batch)
        for i, row in enumerate(batch):
            acknowledged = day + datetime.timedelta(days=1 + i % 2)
            plan(acknowledged, acknowledge, acknowledged, row["key"])
    for row in chosen:
        shares = row["spent"].split()
        opened = day_of(row["opened"])
        for month, share in enumerate(shares, 1):
            if share == "-":
                continue
            day = datetime.date(year, month, _PROJECT_REPORT_DAY)
            if day <= opened + datetime.timedelta(days=2):  # published late in the month: reports by its due day
                day = datetime.date(year, month, _PROJECT_REPORT_DAY + 4)
            plan(day, report, day, row, month, shares)
            reviewed = day + datetime.timedelta(days=1)
            plan(reviewed, review, reviewed, row, month, shares)
            if (row["key"], reviewed) in returns:  # the report again, accepted the next day
                plan(
                    reviewed + datetime.timedelta(days=1),
                    review,
                    reviewed + datetime.timedelta(days=1),
                    row,
                    month,
                    shares,
                )
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
