"""A simulated year of a livelihood project (民生实事), day by day, with the daily run (``run_daily``) every
evening through a real SMTP receiver and a real HTTP (webhook) receiver: a project published on 5 January
reports its money and stages monthly; its light turns as the bands say — money behind time yellow then
red, back to green when the money catches up, works behind money red, green again when a stage is done,
a stage late red, green once it is done — each change recorded once with its cause; the ladder reminds,
urges and issues one 督办单 per turn to red, each once; and the year-end self-evaluation scores as
computed by hand. Also: a report's light is recorded from its money, not from the figures before it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine

from luoshi.audit.models import AuditEntry
from luoshi.dashboards import stats
from luoshi.errors import ActionError
from luoshi.ops.daily import run_daily
from luoshi.projects import actions
from luoshi.projects.models import Evaluation, Project, Stage
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking
from luoshi.tracking.models import HealthChange, ProgressReport, Reminder, SupervisionOrder, Webhook
from tests.web.test_projects import plan
from tests.web.tracking_helpers import HttpReceiver, SmtpReceiver, bj

D = datetime.date
M = Decimal


def _open(government, supervisor, leader, **extra) -> Project:
    (made,) = actions.open_projects(government, supervisor, 2026, [plan(government, **extra)])
    task = Task.objects.get(pk=made.task_id)
    task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader, "cycle": "monthly"})
    task_actions.publish(task.report, supervisor, [task.pk], at=bj(2026, 1, 5))
    return Project.objects.get(pk=made.pk)


def _changes(project) -> list[tuple[D, str, str, str]]:
    return [(c.on, c.old, c.new, c.cause) for c in HealthChange.objects.filter(task_id=project.task_id)]


def test_a_report_that_brings_money_and_works_up_to_date_records_no_change_from_stale_figures(
    government, supervisor, liaison, leader
):
    """The matter's report is written before its money and stages; the light recorded is the one of the
    report with its money, not a passing one of the report without it."""
    project = _open(government, supervisor, leader)
    tracking.acknowledge(project.task_id, liaison, at=bj(2026, 1, 6))
    ids = {s.name: s.pk for s in Stage.objects.filter(project=project)}
    # 20 April: 109 of 364 days (30 %); without this report's money (0 spent) and stages (前期 due 28 Feb)
    # the project would be red; with them — 900 of 3000 spent (30 %), works 前期 + 开工 = 30 % — green
    actions.report_period(
        project.pk,
        liaison,
        period="2026-04",
        percent=30,
        narrative="前期完成, 已开工",
        received="1500",
        disbursed="1000",
        spent="900",
        stages_done={ids["前期"]: D(2026, 2, 20), ids["开工"]: D(2026, 4, 18)},
        at=bj(2026, 4, 20),
    )
    assert [(on, old, new) for on, old, new, _ in _changes(project)] == [(D(2026, 1, 6), "", "green")]

    # 20 May: spending stands still at 30 % against 38 % of the time (8 behind: green), but a report that
    # leaves works behind money does change the light, recorded once with this report's figures
    actions.report_period(
        project.pk,
        liaison,
        period="2026-05",
        percent=38,
        narrative="主体施工",
        received="3000",
        disbursed="2500",
        spent="2100",
        at=bj(2026, 5, 20),
    )
    assert _changes(project)[1:] == [
        (
            D(2026, 5, 20),
            "green",
            "red",
            "2026-05 报送资金与形象进度: 形象进度 30% 落后支出进度 70% 超过 30 个百分点",
        )
    ]


# ------------------------------------------------------------------------------------------ the year

START = D(2026, 1, 1)
PUBLISHED = D(2026, 1, 5)


def expected_on(day: D) -> int:
    """序时进度 of the matter (the common rule): days since 交办 ÷ days from 交办 to the deadline (360)."""
    return min(100, round(100 * (day - PUBLISHED).days / 360))


# Each month's report: day, (received, disbursed, spent), stages done, the day of the next report (the
# percent reported is the 序时进度 of that day, so the common progress rule never fires), indicators.
REPORTS = [
    (D(2026, 1, 20), ("200", "100", "0"), {}, D(2026, 2, 20)),
    (D(2026, 2, 20), ("500", "300", "150"), {"前期": D(2026, 2, 18)}, D(2026, 3, 28)),
    (D(2026, 3, 28), ("800", "500", "240"), {}, D(2026, 4, 20)),  # late: due 25 March
    (D(2026, 4, 20), ("1000", "600", "300"), {"开工": D(2026, 4, 18)}, D(2026, 5, 20)),
    (D(2026, 5, 20), ("1000", "600", "300"), {}, D(2026, 6, 20)),
    (D(2026, 6, 20), ("2000", "1500", "1290"), {}, D(2026, 7, 20)),
    (D(2026, 7, 20), ("2800", "2600", "2400"), {}, D(2026, 8, 20)),
    (D(2026, 8, 20), ("2800", "2600", "2400"), {"主体完工": D(2026, 8, 15)}, D(2026, 9, 20)),
    (D(2026, 9, 20), ("2900", "2600", "2400"), {}, D(2026, 10, 20)),
    (D(2026, 10, 20), ("3000", "2700", "2500"), {}, D(2026, 11, 20)),
    (D(2026, 11, 20), ("3000", "2700", "2500"), {}, D(2026, 12, 5)),
    (D(2026, 12, 5), ("3000", "2950", "2850.00"), {"竣工验收": D(2026, 12, 4)}, D(2026, 12, 31)),
]
YEAR_END_VALUES = {"新增学位": "600", "竣工时间": "12", "入园率": "88", "家长满意度": "95"}


@pytest.fixture
def smtp(settings):
    with SmtpReceiver() as receiver:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = receiver.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield receiver


@pytest.fixture
def http(settings):
    settings.LUOSHI_WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    with HttpReceiver() as receiver:
        yield receiver


def test_a_simulated_year_of_a_project_lights_escalates_and_scores_as_the_rules_say(
    government, supervisor, liaison, leader, smtp, http
):
    liaison.email, leader.email, supervisor.email = "jiaoyu@example.gov.cn", "lingdao@example.gov.cn", "ducha@x.cn"
    for user in (liaison, leader, supervisor):
        user.save()
    education = government.units.get(short_name="州教育局")
    Webhook.objects.create(unit=education, kind="generic", url=f"{http.url}/hook")
    with time_machine.travel(bj(2026, 1, 5, 9), tick=False):
        project = _open(government, supervisor, leader)
    stage_ids = {s.name: s.pk for s in Stage.objects.filter(project=project)}
    indicator_ids = {i.name: i.pk for i in project.indicators.all()}
    reports = {day: (figures, stages, following) for day, figures, stages, following in REPORTS}

    def events(day: D) -> None:
        at = bj(day.year, day.month, day.day, 10)
        if day == D(2026, 1, 6):
            tracking.acknowledge(project.task_id, liaison, at=at)
        if day in reports:
            (received, disbursed, spent), stages, following = reports[day]
            actions.report_period(
                project.pk,
                liaison,
                period=f"{day:%Y-%m}",
                percent=expected_on(following),
                narrative="按计划推进",
                received=received,
                disbursed=disbursed,
                spent=spent,
                stages_done={stage_ids[name]: done for name, done in stages.items()},
                indicators=({indicator_ids[name]: v for name, v in YEAR_END_VALUES.items()} if day.month == 12 else {}),
                at=at,
            )
        yesterday = day - datetime.timedelta(days=1)
        if yesterday in reports:  # the office accepts each report the next day
            report = ProgressReport.objects.get(task_id=project.task_id, period=f"{yesterday:%Y-%m}")
            tracking.review_report(report.pk, supervisor, decision="accepted", at=at)

    totals: dict[str, int] = {}
    day = D(2026, 1, 5)
    while day <= D(2026, 12, 31):
        with time_machine.travel(bj(day.year, day.month, day.day, 18), tick=False):  # that evening
            events(day)
            for name, value in run_daily().items():
                totals[name] = totals.get(name, 0) + value
        day += datetime.timedelta(days=1)

    # the lights, each change once with its cause (t: days since 1 January ÷ 364, whole per cent; the
    # bands: spending 15 points behind the time yellow, more than 30 red; works behind spending the same)
    assert _changes(project) == [
        (D(2026, 1, 5), "", "green", "按期推进"),
        # 13 March: 71 days, t = 19.5 → 20 %; spent 150 of 3000 = 5 %: 15 points behind (12 March: 19 %, 14)
        (D(2026, 3, 13), "green", "yellow", "支出进度 5% 落后序时 20% 15 个百分点"),
        # 29 May: 148 days, t = 40.7 → 41 %; spent 300 = 10 % (May's report added nothing): 31 > 30
        (D(2026, 5, 29), "yellow", "red", "支出进度 10% 落后序时 41% 超过 30 个百分点"),
        # 20 June: 1290 = 43 % spent against t = 47 %; works (前期 10 + 开工 20) 30 %: 13 behind → caught up.
        # The common rule's figures: reported 54 % (序时 of 20 July), 序时 166 ÷ 360 days since 交办 = 46 %
        (D(2026, 6, 20), "red", "green", "2026-06 报送资金与形象进度: 进度 54% , 序时进度 46%"),
        # 20 July: 2400 = 80 % spent, works still 30 %: 50 points behind the money
        (
            D(2026, 7, 20),
            "green",
            "red",
            "2026-07 报送资金与形象进度: 形象进度 30% 落后支出进度 80% 超过 30 个百分点",
        ),
        # 20 August: 主体完工 done (+40): works 70 %, 10 behind 80 %
        (D(2026, 8, 20), "red", "green", "2026-08 报送资金与形象进度: 进度 72% , 序时进度 63%"),
        # 1 December: 竣工验收 was planned for 30 November and is not done
        (D(2026, 12, 1), "green", "red", "节点“竣工验收”(2026-11-30) 逾期未完成"),
        # 5 December: 竣工验收 done 4 December: works 90 %, spent 2850 = 95 %, t = 338 days = 93 %
        (D(2026, 12, 5), "red", "green", "2026-12 报送资金与形象进度: 进度 100% , 序时进度 93%"),
    ]

    # the ladder, once each: March's report (due 25 March, sent late on the 28th) reminded three days
    # before and urged the day after; the deadline reminded three days before; every other report came
    # in on the 20th, before its reminder; one 督办单 for each turn to red, on the day of the turn
    steps = [(r.kind, r.subject, r.due, r.on) for r in Reminder.objects.filter(task_id=project.task_id)]
    assert steps == [
        ("remind", "2026年3月进展报告", D(2026, 3, 25), D(2026, 3, 22)),
        ("urge", "2026年3月进展报告", D(2026, 3, 25), D(2026, 3, 26)),
        ("remind", "任务完成时限", D(2026, 12, 31), D(2026, 12, 28)),
    ]
    code = f"{project.task_id:04d}"
    orders = [(o.number, o.on, o.cause) for o in SupervisionOrder.objects.filter(task_id=project.task_id)]
    assert orders == [
        (f"督2026-{code}-0529", D(2026, 5, 29), "支出进度 10% 落后序时 41% 超过 30 个百分点"),
        (f"督2026-{code}-0720", D(2026, 7, 20), "形象进度 30% 落后支出进度 80% 超过 30 个百分点"),
        (f"督2026-{code}-1201", D(2026, 12, 1), "节点“竣工验收”(2026-11-30) 逾期未完成"),
    ]
    assert (totals["reminders"], totals["urges"], totals["orders"], totals["failed"]) == (2, 1, 3, 0)

    # the same day again sends nothing
    with time_machine.travel(bj(2026, 12, 31, 20), tick=False):
        again = run_daily()
    assert again["reminders"] == again["urges"] == again["orders"] == again["deliveries"] == 0

    # by e-mail: each step once to the lead unit's liaison, the 督办单 to the leader as well
    def lines(address):
        return [line for m in smtp.to(address) for line in m["body"].splitlines() if re.match(r"\d+\. ", line)]

    mine = lines(liaison.email)
    assert sum("提醒" in t and "3月进展报告" in t for t in mine) == 1
    assert sum("催办" in t and "3月进展报告" in t for t in mine) == 1
    assert sum("提醒" in t and "完成时限" in t for t in mine) == 1
    assert sorted(t.split(". ", 1)[1] for t in mine if "督办单" in t) == sorted(
        f"督办单 {number}: {Task.objects.get(pk=project.task_id).code} 亮红灯" for number, _, _ in orders
    )
    assert sum("督办单" in t for t in lines(leader.email)) == 3
    subjects = [m["subject"] for m in smtp.to(liaison.email)]
    assert len(set(subjects)) == len(subjects)  # one digest a day at most
    # the unit's webhook got the same items as its liaison's mail
    hooked = [item["title"] for body in http.json() for item in body["items"]]
    assert sorted(hooked) == sorted(t.split(". ", 1)[1] for t in mine)

    # the dashboard's figures on the last day: 2850 of 3000 spent, all the time elapsed
    figures = stats.project_stats(Project.objects.filter(pk=project.pk), D(2026, 12, 31))
    assert (figures.summary.spent, figures.summary.spent_share, figures.summary.time_share) == (
        M("2850.00"),
        M("95.0"),
        M("100.0"),
    )
    assert figures.projects[0].stage == "竣工验收" and figures.projects[0].works == 90

    # the year-end self-evaluation, as of 31 December (weights: output 50 shared by its two indicators,
    # effect 30, satisfaction 10, budget execution 10):
    #   新增学位 600 of ≥ 900:   25 × 600/900 = 16.666… → 16.67
    #   竣工时间 12 of ≤ 12:      25 × 1                 = 25.00
    #   入园率 88 of ≥ 90:        30 × 88/90 = 29.333…   → 29.33
    #   家长满意度 95 of ≥ 90:    10 × min(1, 95/90)     = 10.00
    #   budget execution 2850 / 3000 = 95.00 % → 10 × 0.95 = 9.50
    #   total 16.67 + 25.00 + 29.33 + 10.00 + 9.50 = 90.50 → 优 (≥ 90)
    with time_machine.travel(bj(2026, 12, 31, 19), tick=False):
        with pytest.raises(ActionError, match="新增学位、入园率"):
            actions.evaluate(project.pk, liaison, explanations={}, submit=True)
        evaluation = actions.evaluate(
            project.pk,
            liaison,
            explanations={
                indicator_ids["新增学位"]: "第三所幼儿园明年春季招生",
                indicator_ids["入园率"]: "牧区适龄儿童流动",
            },
            submit=True,
        )
    scores = {line["name"]: line["score"] for line in evaluation.lines}
    assert scores == {"新增学位": "16.67", "竣工时间": "25.00", "入园率": "29.33", "家长满意度": "10.00"}
    assert (evaluation.budget_rate, evaluation.budget_score) == (M("95.00"), M("9.50"))
    assert evaluation.total == M("90.50") and evaluation.grade == "优" and evaluation.status == "submitted"
    # the office adjusts it down with its reason: 88.00 → 良, audited
    with time_machine.travel(bj(2027, 1, 10, 10), tick=False):
        adjusted = actions.adjust(project.pk, supervisor, total="88", reason="第三所幼儿园未按期投用")
    assert (adjusted.final, adjusted.grade, adjusted.status) == (M("88.00"), "良", Evaluation.Status.CONFIRMED)
    assert AuditEntry.objects.filter(model="Evaluation", field="adjusted_total", new="88.00").exists()
