"""民生实事 on the dashboards: the money (万元, exact decimals), spending progress against time for the whole
and per project, projects by stage reached and by light, by lead unit and by place, and the chart of
spending against schedule — each figure computed by hand below.

The world: three projects of 2026, published 5 January; the day asked is 1 July 2026.

- P1 新建城区公办幼儿园三所 (州教育局, 德令哈市, 领办 by 李副州长): 3000.00, 1 Jan – 31 Dec (364 days,
  181 elapsed); reports of May (2000/1500/800) and June (2000.00/1500.00/1234.56, accepted); 前期 done
  20 Feb, 开工 28 Apr.
- P2 城区供暖管网改造 (州住建局, 格尔木市 and 德令哈市): 5000.00, 1 Mar – 31 Oct (244 days, 122 elapsed);
  May's report 1500/1000/600; June's (1500/1200/900) returned on 22 June, so it does not count; 前期
  done 10 May (planned 15 April), 开工 (15 May) not done.
- P3 牧区卫生院提升 (州卫健委, 乌兰县): 1200.50, 1 Jan – 31 Dec; never acknowledged, nothing reported.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.dashboards import charts, stats
from luoshi.ops.daily import run_daily
from luoshi.projects import actions
from luoshi.projects.models import Project, Stage
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking
from tests.web.conftest import _user
from tests.web.test_projects import plan
from tests.web.tracking_helpers import bj

D = datetime.date
M = Decimal
JULY_1 = D(2026, 7, 1)

P2_STAGES = [
    ("前期", D(2026, 4, 15), 10),
    ("开工", D(2026, 5, 15), 20),
    ("主体完工", D(2026, 8, 31), 40),
    ("竣工验收", D(2026, 10, 15), 20),
    ("投用", D(2026, 10, 31), 10),
]


def _report(project, liaison, month, received, disbursed, spent, *, percent, stages=()):
    ids = {s.name: s.pk for s in Stage.objects.filter(project=project)}
    report, _ = actions.report_period(
        project.pk,
        liaison,
        period=f"2026-{month:02d}",
        percent=percent,
        narrative="按计划推进",
        received=received,
        disbursed=disbursed,
        spent=spent,
        stages_done={ids[name]: day for name, day in stages},
        at=bj(2026, month, 20),
    )
    return report


@pytest.fixture
def world(government, supervisor, liaison, leader):
    units = {u.short_name: u for u in government.units.all()}
    housing = _user(government, "zhujian", "liaison", "州住建局", "住建", "联络员")
    _user(government, "weijian", "liaison", "州卫健委", "卫健", "联络员")
    p1, p2, p3 = actions.open_projects(
        government,
        supervisor,
        2026,
        [
            plan(government),
            plan(
                government,
                title="城区供暖管网改造",
                budget=M("5000.00"),
                start=D(2026, 3, 1),
                deadline=D(2026, 10, 31),
                lead_unit=units["州住建局"],
                co_units=[],
                places=[units["格尔木市"], units["德令哈市"]],
                budget_lines={"中央": M("3000.00"), "县级": M("2000.00")},
                stages=P2_STAGES,
            ),
            plan(
                government,
                title="牧区卫生院提升",
                budget=M("1200.50"),
                lead_unit=units["州卫健委"],
                co_units=[],
                places=[units["乌兰县"]],
                budget_lines={"省级": M("1200.50")},
            ),
        ],
    )
    task = Task.objects.get(pk=p1.task_id)
    task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader})
    task_actions.publish(task.report, supervisor, [p1.task_id, p2.task_id, p3.task_id], at=bj(2026, 1, 5))
    tracking.acknowledge(p1.task_id, liaison, at=bj(2026, 1, 6))
    tracking.acknowledge(p2.task_id, housing, at=bj(2026, 1, 6))
    _report(
        p1, liaison, 5, "2000", "1500", "800", percent=35, stages=[("前期", D(2026, 2, 20)), ("开工", D(2026, 4, 28))]
    )
    _report(p1, liaison, 6, "2000.00", "1500.00", "1234.56", percent=45)
    _report(p2, housing, 5, "1500", "1000", "600", percent=20, stages=[("前期", D(2026, 5, 10))])
    returned = _report(p2, housing, 6, "1500", "1200", "900", percent=30)
    tracking.review_report(returned.pk, supervisor, decision="returned", reason="支出凭证不全", at=bj(2026, 6, 22))
    with time_machine.travel(bj(2026, 7, 1, 6), tick=False):
        run_daily(JULY_1, send=False)  # records each light of the day
    return {"p1": p1, "p2": p2, "p3": p3, "housing": housing}


def _row(html: str, label: str) -> list[str]:
    match = re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', html)
    assert match, label
    return re.findall(r'<td class="num">([^<]*)</td>', match.group(1))


# ------------------------------------------------------------------------------------------ figures


def test_the_totals_and_spending_against_time_are_exact(world):
    figures = stats.project_stats(Project.objects.all(), JULY_1)
    s = figures.summary
    assert (s.count, s.budget, s.received, s.disbursed, s.spent) == (
        3,
        M("9200.50"),  # 3000.00 + 5000.00 + 1200.50
        M("3500.00"),  # 2000.00 + 1500.00 (May's: June's was returned) + 0
        M("2500.00"),  # 1500.00 + 1000.00
        M("1834.56"),  # 1234.56 + 600.00
    )
    # scheduled: 3000 × 181/364 = 1491.758… → 1491.76; 5000 × 122/244 = 2500.00; 1200.50 × 181/364 = 596.95
    assert s.scheduled == M("4588.71")
    assert s.spent_share == M("19.9")  # 1834.56 / 9200.50 = 19.940 %
    assert s.time_share == M("49.9")  # 4588.71 / 9200.50 = 49.875 %
    assert s.behind == M("30.0")
    p1, p2, p3 = figures.projects
    assert (p1.title, p1.spent_share, p1.time_share, p1.behind) == (
        "新建城区公办幼儿园三所",
        M("41.2"),
        M("49.7"),
        M("8.5"),
    )
    assert (p1.elapsed, p1.span, p1.scheduled, p1.as_of) == (181, 364, M("1491.76"), D(2026, 6, 20))
    assert (p2.received, p2.disbursed, p2.spent) == (M("1500.00"), M("1000.00"), M("600.00"))
    assert (p2.spent_share, p2.time_share, p2.behind) == (M("12.0"), M("50.0"), M("38.0"))
    assert (p3.spent, p3.spent_share, p3.time_share, p3.as_of) == (M("0.00"), M("0.0"), M("49.7"), None)
    assert all(isinstance(v, Decimal) for v in (s.budget, s.spent, s.scheduled, p1.spent, p1.scheduled))


def test_projects_by_stage_reached_and_by_light(world):
    figures = stats.project_stats(Project.objects.all(), JULY_1)
    assert figures.stages == [
        ("尚无节点完成", 1),  # P3
        ("前期", 1),  # P2
        ("开工", 1),  # P1
        ("主体完工", 0),
        ("竣工验收", 0),
        ("投用", 0),
    ]
    assert [(p.works, p.stage) for p in figures.projects] == [(30, "开工"), (10, "前期"), (0, "尚无节点完成")]
    # P1: 41 % spent, 50 % of the time (lights' whole points): 9 behind, works 30 vs 41: 11 → green.
    # P2: 12 % against 50 %: 38 > 30 → red; 开工 late → red. P3: nothing spent, 前期 late → red.
    assert [p.light for p in figures.projects] == ["green", "red", "red"]
    # the recorded cause is the change's: P2 turned red with its May report, 开工 being late by then
    assert figures.projects[1].light_reason == "2026-05 报送资金与形象进度: 节点“开工”(2026-05-15) 逾期未完成"
    assert (figures.summary.green, figures.summary.yellow, figures.summary.red, figures.summary.none) == (1, 0, 2, 0)


def test_rows_per_lead_unit_and_per_place_are_sums_to_the_cent(world):
    figures = stats.project_stats(Project.objects.all(), JULY_1)

    def table(groups):
        return [(g.label, g.count, g.budget, g.spent, g.spent_share, g.time_share, g.behind) for g in groups]

    assert table(figures.units) == [  # most behind first
        ("州卫健委", 1, M("1200.50"), M("0.00"), M("0.0"), M("49.7"), M("49.7")),
        ("州住建局", 1, M("5000.00"), M("600.00"), M("12.0"), M("50.0"), M("38.0")),
        ("州教育局", 1, M("3000.00"), M("1234.56"), M("41.2"), M("49.7"), M("8.5")),
    ]
    # 德令哈市 holds P1 and P2: 8000.00, spent 1834.56 (22.932 %), scheduled 3991.76 (49.897 %)
    assert table(figures.places) == [
        ("乌兰县", 1, M("1200.50"), M("0.00"), M("0.0"), M("49.7"), M("49.7")),
        ("格尔木市", 1, M("5000.00"), M("600.00"), M("12.0"), M("50.0"), M("38.0")),
        ("德令哈市", 2, M("8000.00"), M("1834.56"), M("22.9"), M("49.9"), M("27.0")),
    ]


def test_the_figures_stand_as_they_were_on_an_earlier_day(world):
    # 21 May: P1's May report (800 spent), P2's May report (600); 140 of 364 days, 81 of 244
    figures = stats.project_stats(Project.objects.all(), D(2026, 5, 21))
    assert [p.spent for p in figures.projects] == [M("800.00"), M("600.00"), M("0.00")]
    assert [p.time_share for p in figures.projects] == [M("38.5"), M("33.2"), M("38.5")]
    # before 22 June the returned June report still stood: 900 spent on 21 June
    assert stats.project_stats(Project.objects.all(), D(2026, 6, 21)).projects[1].spent == M("900.00")
    assert stats.project_stats(Project.objects.all(), D(2026, 6, 22)).projects[1].spent == M("600.00")


def test_the_figures_take_a_fixed_number_of_queries(world, government, supervisor):
    with CaptureQueriesContext(connection) as three:
        stats.project_stats(Project.objects.all(), JULY_1)
    (more,) = actions.open_projects(government, supervisor, 2026, [plan(government, title="城区老年食堂")])
    task_actions.publish(more.task.report, supervisor, [more.task_id], at=bj(2026, 1, 5))
    with CaptureQueriesContext(connection) as four:
        assert len(stats.project_stats(Project.objects.all(), JULY_1).projects) == 4
    assert len(four.captured_queries) == len(three.captured_queries) <= 8


def test_a_draft_project_is_not_counted(government, supervisor):
    actions.open_projects(government, supervisor, 2026, [plan(government)])
    figures = stats.project_stats(Project.objects.all(), JULY_1)
    assert figures.projects == [] and figures.summary.budget == M("0.00") and figures.summary.spent_share is None


def test_the_chart_draws_a_bar_of_spending_and_a_mark_at_the_time_share(world):
    figures = stats.project_stats(Project.objects.all(), JULY_1)
    svg = str(charts.spending_bars([figures.summary, *figures.projects], "支出进度与序时进度"))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>支出进度与序时进度</title>" in svg
    assert "支出 19.9% · 序时 49.9%" in svg and "支出 41.2% · 序时 49.7%" in svg and "支出 0.0% · 序时 49.7%" in svg
    # P1's bar: 300 px × 41.2 % = 123.6; its mark at 170 + 300 × 49.7 % = 319.1
    assert 'width="123.6" height="14"' in svg and 'x1="319.1"' in svg
    assert "<title>新建城区公办幼儿园三所 支出进度 41.2%</title>" in svg


# ------------------------------------------------------------------------------------------ pages


def _page(client, user):
    with time_machine.travel(bj(2026, 7, 1), tick=True):
        client.force_login(user)
        response = client.get("/dashboard/")
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def _section(html: str) -> str:
    return html.split('id="projects"', 1)[1]


def test_the_office_dashboard_shows_the_projects_money_by_unit_and_place_and_the_chart(client, supervisor, world):
    html = _section(_page(client, supervisor))
    assert "民生实事 (2026年)" in html
    for figure in (
        "项目<b>3</b>个",
        "总投资<b>9200.50</b>万元",
        "累计到位<b>3500.00</b>万元",
        "累计拨付<b>2500.00</b>万元",
        "累计支出<b>1834.56</b>万元",
        "支出进度<b>19.9%</b>序时进度 49.9%",
    ):
        assert figure in html, figure
    assert "<svg" in html and "支出 12.0% · 序时 50.0%" in html
    units = html.split('id="projects-units"', 1)[1].split("</table>", 1)[0]
    assert _row(units, "州住建局") == [
        "1",
        "5000.00",
        "1500.00",
        "1000.00",
        "600.00",
        "12.0%",
        "50.0%",
        "38.0",
        "1",
        "0",
    ]
    places = html.split('id="projects-places"', 1)[1].split("</table>", 1)[0]
    assert _row(places, "德令哈市") == [
        "2",
        "8000.00",
        "3500.00",
        "2500.00",
        "1834.56",
        "22.9%",
        "49.9%",
        "27.0",
        "1",
        "0",
    ]
    assert "跨县市的项目在所涉每个县市各计一次" in html
    stages = html.split('id="projects-stages"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', stages) == ["1", "1", "1", "0", "0", "0", "1", "0", "2", "0"]
    listed = html.split('id="projects-list"', 1)[1].split("</table>", 1)[0]
    assert re.sub(r"<[^>]+>", "|", listed).count("1234.56") == 1 and "41.2%" in listed and "开工" in listed


def test_a_leader_sees_the_projects_they_lead_and_a_unit_its_own(client, leader, liaison, outsider, world):
    html = _section(_page(client, leader))
    assert "我包抓的" in html and "项目<b>1</b>个" in html and "总投资<b>3000.00</b>万元" in html
    assert 'id="projects-units"' not in html
    html = _section(_page(client, liaison))
    assert "本单位牵头的" in html and "累计支出<b>1234.56</b>万元" in html and "城区供暖管网改造" not in html
    assert 'id="projects"' not in _page(client, outsider)  # 州交通运输局 leads none


def test_a_dashboard_without_projects_has_no_projects_section(client, supervisor, government):
    assert 'id="projects"' not in _page(client, supervisor)
