"""民生实事 through the actions: candidates and the vote, the year's projects with their budget by source,
stages and 绩效目标表, a period's report with its money, the two-way light (money behind time, works
behind money), the year-end self-evaluation scored by hand-computed expectations, and every refusal in
Chinese with nothing half-saved."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from luoshi.errors import ActionError
from luoshi.projects import actions
from luoshi.projects.models import BudgetLine, Candidate, Evaluation, Project, Spending, Stage
from luoshi.reports.models import Source
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking
from luoshi.tracking import health
from tests.web.tracking_helpers import bj

D = datetime.date
M = Decimal

INDICATORS = [
    {"level": "output", "kind": "quantity", "name": "新增学位", "comparator": ">=", "value": "900", "unit": "个"},
    {"level": "output", "kind": "timeliness", "name": "竣工时间", "comparator": "<=", "value": "12", "unit": "月"},
    {"level": "effect", "kind": "social", "name": "入园率", "comparator": ">=", "value": "90", "unit": "%"},
    {
        "level": "satisfaction",
        "kind": "satisfaction",
        "name": "家长满意度",
        "comparator": ">=",
        "value": "90",
        "unit": "%",
    },
]


def plan(government, **extra):
    units = {u.short_name: u for u in government.units.all()}
    values = {
        "title": "新建城区公办幼儿园三所",
        "budget": M("3000.00"),
        "start": D(2026, 1, 1),
        "deadline": D(2026, 12, 31),
        "content": "新建公办幼儿园三所, 新增学位九百个。",
        "lead_unit": units["州教育局"],
        "co_units": [units["州财政局"]],
        "places": [units["德令哈市"]],
        "budget_lines": {"中央": M("1200.00"), "省级": M("800.00"), "州(市)级": M("1000.00")},
        "stages": [
            ("前期", D(2026, 2, 28), 10),
            ("开工", D(2026, 4, 30), 20),
            ("主体完工", D(2026, 8, 31), 40),
            ("竣工验收", D(2026, 11, 30), 20),
            ("投用", D(2026, 12, 31), 10),
        ],
        "indicators": INDICATORS,
    }
    values.update(extra)
    return actions.ProjectPlan(**values)


@pytest.fixture
def project(government, supervisor, leader):
    (made,) = actions.open_projects(government, supervisor, 2026, [plan(government)])
    task = Task.objects.get(pk=made.task_id)
    task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader, "cycle": "monthly"})
    task_actions.publish(task.report, supervisor, [task.pk], at=bj(2026, 1, 5))
    return Project.objects.get(pk=made.pk)


def test_the_vote_chooses_the_candidates_with_most_votes_and_refuses_a_tie_at_the_line(government, supervisor):
    rows = [
        {"title": "城区供暖管网改造", "budget": "5000", "lead_unit": "州住建局"},
        {"title": "新建城区公办幼儿园三所", "budget": "3000", "lead_unit": "州教育局"},
        {"title": "牧区卫生院提升", "budget": "1200.50", "lead_unit": "州卫健委"},
    ]
    with pytest.raises(ActionError, match=r"第2行.*不是数字"):
        actions.add_candidates(government, supervisor, 2026, [rows[0], {**rows[1], "budget": "三千"}])
    assert not Candidate.objects.exists()
    made = actions.add_candidates(government, supervisor, 2026, rows)
    ids = [c.pk for c in made]
    with pytest.raises(ActionError, match="得票相同"):
        actions.record_votes(government, supervisor, 2026, dict(zip(ids, [40, 35, 35], strict=True)), chosen=2)
    chosen = actions.record_votes(government, supervisor, 2026, dict(zip(ids, [40, 35, 20], strict=True)), chosen=2)
    assert [c.title for c in chosen] == ["城区供暖管网改造", "新建城区公办幼儿园三所"]
    projects = actions.choose_projects(government, supervisor, 2026, start=D(2026, 2, 1), deadline=D(2026, 12, 31))
    assert [p.title for p in projects] == ["城区供暖管网改造", "新建城区公办幼儿园三所"]
    assert projects[0].task.report.source == Source.PROJECTS and projects[0].budget == M("5000.00")
    assert not Candidate.objects.get(title="牧区卫生院提升").chosen  # on record, not chosen


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"budget_lines": {"中央": M("1200.00"), "省级": M("800.00")}}, r"合计 2000\.00 万元与总投资 3000\.00"),
        ({"stages": [("前期", D(2025, 12, 1), 100)]}, "早于项目开始日期"),
        ({"indicators": [{**INDICATORS[0], "comparator": ""}]}, "缺少目标"),
        ({"budget_lines": {"外资": M("3000.00")}}, "不在本级资金来源中"),
    ],
)
def test_a_project_that_does_not_add_up_is_refused_whole(government, supervisor, change, said):
    with pytest.raises(ActionError, match=said):
        actions.open_projects(
            government, supervisor, 2026, [plan(government, title="另一项目"), plan(government, **change)]
        )
    assert not Project.objects.exists() and not Task.objects.exists() and not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    ("figures", "said"),
    [
        (("100", "-5", "0"), "不能为负数"),
        (("100", "abc", "0"), "不是数字"),
        (("100", "50", "60"), r"累计支出 60\.00 万元超过累计拨付 50\.00"),
        (("100", "150", "60"), r"累计拨付 150\.00 万元超过累计到位 100\.00"),
        (("3100", "50", "10"), "超过总投资"),
        (("100", "50.123", "10"), "两位小数"),
    ],
)
def test_a_period_with_bad_money_is_refused_and_nothing_is_written(project, liaison, figures, said):
    tracking.acknowledge(project.task_id, liaison, at=bj(2026, 1, 6))
    with pytest.raises(ActionError, match=said):
        actions.report_period(
            project.pk,
            liaison,
            period="2026-01",
            percent=5,
            narrative="前期工作",
            received=figures[0],
            disbursed=figures[1],
            spent=figures[2],
            at=bj(2026, 1, 20),
        )
    assert not Spending.objects.exists() and not project.task.progress_reports.exists()


def test_an_overrun_is_allowed_only_with_the_offices_reason(project, supervisor, liaison):
    tracking.acknowledge(project.task_id, liaison, at=bj(2026, 1, 6))
    with pytest.raises(ActionError, match="理由"):
        actions.allow_overrun(project.pk, supervisor, allowed=True)
    actions.allow_overrun(project.pk, supervisor, allowed=True, reason="县级先行垫付")
    _, spending = actions.report_period(
        project.pk,
        liaison,
        period="2026-01",
        percent=5,
        narrative="垫付开工",
        received="100",
        disbursed="150",
        spent="120",
        at=bj(2026, 1, 20),
    )
    assert spending.disbursed == M("150.00")


def _report(project, liaison, month, *, received, disbursed, spent, stages=(), values=None, percent=10):
    stage_ids = {s.name: s.pk for s in Stage.objects.filter(project=project)}
    return actions.report_period(
        project.pk,
        liaison,
        period=f"2026-{month:02d}",
        percent=percent,
        narrative="按计划推进",
        received=received,
        disbursed=disbursed,
        spent=spent,
        stages_done={stage_ids[name]: day for name, day in stages},
        indicators=values or {},
        at=bj(2026, month, 20),
    )


def test_money_behind_time_and_works_behind_money_light_the_project(project, liaison):
    tracking.acknowledge(project.task_id, liaison, at=bj(2026, 1, 6))
    for month in (1, 2, 3, 4, 5):
        _report(
            project,
            liaison,
            month,
            received="3000",
            disbursed="300",
            spent="300",
            stages=[("前期", D(2026, 2, 20))] if month == 2 else (),
        )
    task = Task.objects.get(pk=project.task_id)
    # 110 of 364 days on 21 April: 30 % of the time, 10 % spent: 20 points behind → yellow (15–30)
    light = health.compute(task, D(2026, 4, 21))
    assert light.light == "yellow" and "支出进度 10% 落后序时 30% 20 个百分点" in light.reason, light.reason
    # 开工 planned for 30 April and not done by 21 May: red
    light = health.compute(task, D(2026, 5, 21))
    assert light.light == "red" and "节点“开工”(2026-04-30) 逾期未完成" in light.reason, light.reason
    _report(project, liaison, 6, received="3000", disbursed="2400", spent="2400", stages=[("开工", D(2026, 6, 1))])
    light = health.compute(task, D(2026, 6, 21))
    # 80 % spent, works at 30 %: 50 points behind → red
    assert "形象进度 30% 落后支出进度 80% 超过 30 个百分点" in light.reason, light.reason


def test_the_year_end_evaluation_scores_each_indicator_against_its_target(project, liaison, supervisor):
    tracking.acknowledge(project.task_id, liaison, at=bj(2026, 1, 6))
    ids = {i.name: i.pk for i in project.indicators.all()}
    _report(
        project,
        liaison,
        11,
        received="3000",
        disbursed="2900",
        spent="2700",
        values={ids["新增学位"]: "810", ids["竣工时间"]: "11", ids["入园率"]: "93", ids["家长满意度"]: "85.5"},
    )
    evaluation = actions.evaluate(project.pk, liaison, explanations={})
    # weights: output 50 shared by two (25 each), effect 30, satisfaction 10; budget execution 10
    # 新增学位 810/900 → 25 × 0.9 = 22.50; 竣工时间 11 ≤ 12 → 25; 入园率 93 ≥ 90 → 30;
    # 满意度 85.5/90 → 10 × 0.95 = 9.50; budget 2700/3000 = 90 % → 9.00; total 96.00
    scores = {line["name"]: line["score"] for line in evaluation.lines}
    assert scores == {"新增学位": "22.50", "竣工时间": "25.00", "入园率": "30.00", "家长满意度": "9.50"}
    assert evaluation.budget_rate == M("90.00") and evaluation.budget_score == M("9.00")
    assert evaluation.total == M("96.00") and evaluation.grade == "优"
    with pytest.raises(ActionError, match="新增学位、家长满意度"):
        actions.evaluate(project.pk, liaison, explanations={}, submit=True)
    actions.evaluate(
        project.pk,
        liaison,
        explanations={ids["新增学位"]: "一所幼儿园延至明年春季招生", ids["家长满意度"]: "部分家长对接送距离有意见"},
        submit=True,
    )
    with pytest.raises(ActionError, match="理由"):
        actions.adjust(project.pk, supervisor, total="90", reason="")
    adjusted = actions.adjust(project.pk, supervisor, total="88.5", reason="学位未全部投用, 酌减")
    assert adjusted.final == M("88.50") and adjusted.grade == "良" and adjusted.status == Evaluation.Status.CONFIRMED
