"""民生实事 through its pages: the office lists candidates, enters the vote and opens the chosen; enters a
project by hand (budgets that do not add up refused whole); 交办; the lead liaison signs and reports a
period's money, an indicator and a stage, the office accepts; bad money refused in Chinese with nothing
written; the self-evaluation needs its explanations and the office adjusts it with a reason. Outsiders
get 404 everywhere, and every page renders in every state for every role. The clock stands on 15 June
2026."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from luoshi import errors
from luoshi.projects import actions
from luoshi.projects.models import (
    DEFAULT_STAGES,
    BudgetLine,
    Candidate,
    Evaluation,
    Indicator,
    IndicatorValue,
    Project,
    Spending,
)
from luoshi.tasks.models import Status, Task
from luoshi.tracking import actions as tracking
from luoshi.tracking.models import ProgressReport
from tests.web.test_projects import plan
from tests.web.tracking_helpers import bj

D = datetime.date
M = Decimal
TITLE = "新建城区公办幼儿园三所"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(bj(2026, 6, 15), tick=False):
        yield


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def draft(government, supervisor):
    (made,) = actions.open_projects(government, supervisor, 2026, [plan(government)])
    return Project.objects.get(pk=made.pk)


@pytest.fixture
def project(draft, supervisor, leader):
    task = Task.objects.get(pk=draft.task_id)
    from luoshi.tasks import actions as task_actions

    task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader})
    task_actions.publish(task.report, supervisor, [task.pk], at=bj(2026, 1, 5))
    return Project.objects.get(pk=draft.pk)


@pytest.fixture
def signed(project, liaison):
    tracking.acknowledge(project.task_id, liaison, at=bj(2026, 1, 6))
    return project


def _report_form(project, **changes) -> dict:
    stages = {s.name: s.pk for s in project.stages.all()}
    indicators = {i.name: i.pk for i in project.indicators.all()}
    form = {
        "report-period": "2026-06",
        "report-percent": "30",
        "report-narrative": "开工建设, 完成前期工作",
        "report-received": "1500",
        "report-disbursed": "1000",
        "report-spent": "800.50",
        f"report-indicator_{indicators['新增学位']}": "300",
        f"report-stage_{stages['前期']}": "2026-02-20",
        "report-idempotency_key": "k1",
    }
    form.update(changes)
    return form


# ------------------------------------------------------------------------------------------ candidates


def test_candidates_the_vote_and_the_chosen_become_projects_through_the_page(government, supervisor):
    office = _client(supervisor)
    education = government.units.get(short_name="州教育局").pk
    assert office.get("/projects/candidates/?year=2026").status_code == 200
    rows = {
        "step": "add",
        "year": "2026",
        "cand-title_0": "城区供暖管网改造",
        "cand-budget_0": "5000",
        "cand-title_1": TITLE,
        "cand-budget_1": "三千",
        "cand-lead_unit_1": education,
        "cand-title_2": "牧区卫生院提升",
        "cand-budget_2": "1200.50",
    }
    response = office.post("/projects/candidates/", rows)
    assert response.status_code == 400 and "不是数字" in _html(response) and "三千" in _html(response)
    assert not Candidate.objects.exists()
    rows["cand-budget_1"] = "3000"
    assert office.post("/projects/candidates/", rows).status_code == 302
    made = {c.title: c.pk for c in Candidate.objects.all()}
    assert len(made) == 3
    page = _html(office.get("/projects/candidates/?year=2026"))
    assert "票决结果" in page and "入选项目数" in page
    votes = {"step": "vote", "year": "2026", "vote-chosen": "2"}
    votes.update({f"vote-votes_{pk}": n for pk, n in zip(made.values(), ["40", "35", "35"], strict=True)})
    response = office.post("/projects/candidates/", votes)
    assert response.status_code == 400 and "得票相同" in _html(response)
    votes[f"vote-votes_{made['牧区卫生院提升']}"] = "20"
    assert office.post("/projects/candidates/", votes).status_code == 302
    page = _html(office.get("/projects/candidates/?year=2026"))
    assert "未入选" in page and "入选的 2 个" in page
    response = office.post(
        "/projects/candidates/", {"step": "open", "year": "2026", "open-start": "2026-12-01", "open-deadline": "x"}
    )
    assert response.status_code == 400 and not Project.objects.exists()
    response = office.post(
        "/projects/candidates/",
        {"step": "open", "year": "2026", "open-start": "2026-02-01", "open-deadline": "2026-12-31"},
    )
    assert response.status_code == 302 and response["Location"] == "/projects/?year=2026"
    assert sorted(p.title for p in Project.objects.all()) == sorted(["城区供暖管网改造", TITLE])
    page = _html(office.get("/projects/candidates/?year=2026"))
    assert "已立项" in page and "未入选" in page and "牧区卫生院提升" in page
    listing = _html(office.get("/projects/?year=2026"))
    assert "城区供暖管网改造" in listing and "牧区卫生院提升" not in listing and "共 2 个项目" in listing


def test_without_a_vote_every_candidate_becomes_a_project(government, supervisor):
    office = _client(supervisor)
    rows = {"step": "add", "year": "2026", "cand-title_0": "甲项目", "cand-budget_0": "10", "cand-title_1": "乙项目"}
    rows["cand-budget_1"] = "20"
    assert office.post("/projects/candidates/", rows).status_code == 302
    assert "全部 2 个" in _html(office.get("/projects/candidates/?year=2026"))
    response = office.post(
        "/projects/candidates/",
        {"step": "open", "year": "2026", "open-start": "2026-01-01", "open-deadline": "2026-12-31"},
    )
    assert response.status_code == 302 and Project.objects.count() == 2


def test_an_empty_candidate_list_is_refused_in_chinese(supervisor):
    response = _client(supervisor).post("/projects/candidates/", {"step": "add", "year": "2026"})
    assert response.status_code == 400 and "请至少填写一个候选项目" in _html(response)


# ------------------------------------------------------------------------------------ a project by hand


def _new_form(government, **changes) -> dict:
    units = {u.short_name: u.pk for u in government.units.all()}
    names = [s.name for s in actions.sources(government)]
    sources = {s.name: s.pk for s in actions.sources(government)}
    form = {
        "title": "牧区卫生院提升改造",
        "content": "改造卫生院五所",
        "places": [units["德令哈市"], units["格尔木市"]],
        "lead_unit": units["州卫健委"],
        "co_units": [units["州财政局"]],
        "start": "2026-03-01",
        "deadline": "2026-11-30",
        "total": "",
        f"budget-source_{sources[names[0]]}": "600",
        f"budget-source_{sources[names[2]]}": "600.50",
        **{f"stages-name_{i}": name for i, (name, _) in enumerate(DEFAULT_STAGES)},
        **{f"stages-weight_{i}": str(weight) for i, (_, weight) in enumerate(DEFAULT_STAGES)},
        "ind-level_0": "output",
        "ind-kind_0": "quantity",
        "ind-name_0": "改造卫生院",
        "ind-comparator_0": ">=",
        "ind-value_0": "5",
        "ind-unit_0": "所",
        "ind-level_1": "satisfaction",
        "ind-kind_1": "satisfaction",
        "ind-name_1": "群众满意度",
        "ind-comparator_1": ">=",
        "ind-value_1": "90",
        "ind-unit_1": "%",
    }
    form.update(changes)
    return form


def test_the_office_enters_a_project_by_hand_with_its_budget_stages_and_indicators(government, supervisor):
    office = _client(supervisor)
    page = _html(office.get("/projects/new/"))
    assert "德令哈市" in page and "中央" in page and "前期" in page and "绩效目标表" in page
    response = office.post("/projects/new/", _new_form(government))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.budget == M("1200.50") and project.year == 2026
    assert sorted(str(b.amount) for b in project.budget_lines.all()) == ["600.00", "600.50"]
    assert [s.name for s in project.stages.all()] == ["前期", "开工", "主体完工", "竣工验收", "投用"]
    assert project.stages.all()[0].planned > D(2026, 3, 1)  # spread over the span by default
    assert {p.short_name for p in project.places.all()} == {"德令哈市", "格尔木市"}
    assert project.task.lead_unit.short_name == "州卫健委" and project.task.status == Status.DRAFT
    assert project.indicators.count() == 2
    page = _html(office.get(f"/projects/{project.pk}/"))
    assert "1200.50" in page and "改造卫生院" in page and "交办" in page


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"total": "1500"}, r"合计 1200\.50 万元与总投资 1500\.00"),
        ({"budget-source_X": ""}, None),  # placeholder, replaced below
        ({"ind-comparator_0": ""}, "缺少目标"),
        ({"stages-planned_0": "2026-01-15"}, "缺少计划时间"),
        ({"deadline": "2026-02-01"}, "完成时限早于开始日期"),
    ],
)
def test_a_project_that_does_not_add_up_is_refused_with_nothing_saved(government, supervisor, changes, said):
    if said is None:  # a non-numeric amount of one source
        first = actions.sources(government)[0]
        changes, said = {f"budget-source_{first.pk}": "六百"}, "不是数字"
    form = _new_form(government, **changes)
    response = _client(supervisor).post("/projects/new/", form)
    html = _html(response)
    assert response.status_code == 400 and re.search(said, html), html[:3000]
    assert "牧区卫生院提升改造" in html  # the input is kept
    assert not Project.objects.exists() and not Task.objects.exists() and not BudgetLine.objects.exists()


def test_stages_with_one_date_need_every_date_and_with_all_dates_are_taken(government, supervisor):
    office = _client(supervisor)
    dates = {f"stages-planned_{i}": f"2026-{4 + i:02d}-01" for i in range(5)}
    response = office.post("/projects/new/", _new_form(government, **dates))
    assert response.status_code == 302
    assert [s.planned for s in Project.objects.get().stages.all()] == [D(2026, m, 1) for m in range(4, 9)]


# ----------------------------------------------------------------------------- 交办, 签收, the report


def test_the_office_publishes_the_liaison_signs_reports_money_and_the_office_accepts(
    government, supervisor, liaison, co_liaison, draft
):
    office = _client(supervisor)
    unit = _client(liaison)
    assert unit.get(f"/projects/{draft.pk}/").status_code == 404  # a draft is the office's
    assert office.post(f"/projects/{draft.pk}/publish/").status_code == 302
    task = Task.objects.get(pk=draft.task_id)
    assert task.status == Status.ASSIGNED
    assert office.post(f"/projects/{draft.pk}/publish/").status_code == 400  # once
    page = _html(unit.get(f"/projects/{draft.pk}/"))
    assert f"/projects/{draft.pk}/acknowledge/" in page and 'name="report-received"' not in page
    assert unit.post(f"/projects/{draft.pk}/report/", _report_form(draft)).status_code == 403
    assert unit.post(f"/projects/{draft.pk}/acknowledge/").status_code == 302
    page = _html(unit.get(f"/projects/{draft.pk}/"))
    assert 'name="report-received"' in page and "新增学位 (目标 ≥900个)" in page and "2026-06" in page

    response = unit.post(f"/projects/{draft.pk}/report/", _report_form(draft))
    assert response.status_code == 302, _html(response)[:2000]
    spending = Spending.objects.get()
    assert (spending.received, spending.disbursed, spending.spent) == (M("1500.00"), M("1000.00"), M("800.50"))
    assert IndicatorValue.objects.get().actual == M("300")
    assert draft.stages.get(name="前期").actual == D(2026, 2, 20)

    page = _html(office.get(f"/projects/{draft.pk}/"))
    assert "累计到位 1500.00 · 拨付 1000.00 · 支出 800.50 万元" in page and "待审核" in page
    assert "<strong>300个</strong>" in page  # the latest actual beside its target
    assert "支出进度" in page and "27%</strong>" in page  # 800.50 of 3000
    report = ProgressReport.objects.get()
    # co-unit and the unit may not review
    for client in (unit, _client(co_liaison)):
        assert client.post(f"/projects/reports/{report.pk}/review/", {"review-decision": "accepted"}).status_code == 403
    response = office.post(f"/projects/reports/{report.pk}/review/", {"review-decision": "returned"})
    assert response.status_code == 400 and "退回须说明理由" in _html(response)
    response = office.post(f"/projects/reports/{report.pk}/review/", {"review-decision": "accepted"})
    assert response.status_code == 302 and report.review.decision == "accepted"
    again = office.post(f"/projects/reports/{report.pk}/review/", {"review-decision": "accepted"})
    assert again.status_code == 400 and "已审核" in _html(again)
    assert "采纳" in _html(unit.get(f"/projects/{draft.pk}/"))


@pytest.mark.parametrize(
    ("money", "said"),
    [
        ({"report-disbursed": "-5"}, "不能为负数"),
        ({"report-received": "abc"}, "“abc”不是数字"),
        ({"report-spent": "1200"}, r"累计支出 1200\.00 万元超过累计拨付 1000\.00"),
        ({"report-disbursed": "2000"}, "超过累计到位"),
        ({"report-spent": "1e400"}, "过大"),
        ({"report-received": "NaN"}, "不是数字"),
        ({"report-received": "1500.123"}, "两位小数"),
        ({"report-received": ""}, "这个字段是必填项"),
        ({"report-percent": "abc"}, "整数"),
        ({"report-percent": "120"}, "0 到 100"),
        ({"report-period": "2025-01"}, "有效"),
    ],
)
def test_bad_money_is_refused_in_chinese_and_nothing_is_written(signed, liaison, money, said):
    form = _report_form(signed, **money)
    response = _client(liaison).post(f"/projects/{signed.pk}/report/", form)
    html = _html(response)
    assert response.status_code == 400 and re.search(said, html), re.findall(r"<li>[^<]*</li>", html)[:5]
    assert "开工建设, 完成前期工作" in html  # the input is kept
    assert not Spending.objects.exists() and not ProgressReport.objects.exists()
    assert not signed.stages.filter(actual__isnull=False).exists()


def test_a_stage_done_in_the_future_or_a_missing_post_is_refused(signed, liaison):
    unit = _client(liaison)
    stage = signed.stages.get(name="开工")
    response = unit.post(
        f"/projects/{signed.pk}/report/", _report_form(signed, **{f"report-stage_{stage.pk}": "2026-07-01"})
    )
    assert response.status_code == 400 and "不能晚于今天" in _html(response)
    response = unit.post(f"/projects/{signed.pk}/report/", {})
    assert response.status_code == 400 and "必填" in _html(response)
    assert not ProgressReport.objects.exists()


# ------------------------------------------------------------------------------- the office's settings


def test_the_office_sets_budget_stages_indicators_bands_overrun_and_the_promise(
    government, supervisor, liaison, report, project
):
    office = _client(supervisor)
    sources = {s.name: s.pk for s in actions.sources(government)}
    url = f"/projects/{project.pk}"
    response = office.post(f"{url}/budget/", {f"budget-source_{sources['中央']}": "-1"})
    assert response.status_code == 400 and "不能为负数" in _html(response)
    assert Project.objects.get(pk=project.pk).budget == M("3000.00")
    response = office.post(
        f"{url}/budget/", {f"budget-source_{sources['中央']}": "2000", f"budget-source_{sources['县级']}": "1500"}
    )
    assert response.status_code == 302 and Project.objects.get(pk=project.pk).budget == M("3500.00")

    response = office.post(
        f"{url}/stages/", {"stages-name_0": "前期", "stages-planned_0": "2026-03-01", "stages-weight_0": "60"}
    )
    assert response.status_code == 400 and "之和应为100%" in _html(response)
    form = {"stages-name_0": "前期", "stages-planned_0": "2026-03-01", "stages-weight_0": "40"}
    form.update({"stages-name_1": "完工", "stages-planned_1": "2026-10-01", "stages-weight_1": "60"})
    assert office.post(f"{url}/stages/", form).status_code == 302
    assert [s.name for s in project.stages.all()] == ["前期", "完工"]

    form = {"ind-level_0": "output", "ind-kind_0": "quantity", "ind-name_0": "学位", "ind-comparator_0": "range"}
    form.update({"ind-value_0": "100", "ind-value_max_0": "50", "ind-unit_0": "个"})
    response = office.post(f"{url}/indicators/", form)
    assert response.status_code == 400 and "区间上限小于下限" in _html(response)
    form["ind-value_max_0"] = "150"
    assert office.post(f"{url}/indicators/", form).status_code == 302
    assert project.indicators.get().target_text() == "100–150个"

    bands = {"bands-spend_yellow": "20", "bands-spend_red": "10", "bands-works_yellow": "15", "bands-works_red": "30"}
    response = office.post(f"{url}/bands/", bands)
    assert response.status_code == 400 and "黄灯阈值不能大于红灯阈值" in _html(response)
    bands["bands-spend_red"] = "40"
    assert office.post(f"{url}/bands/", bands).status_code == 302
    assert Project.objects.get(pk=project.pk).spend_red == 40

    response = office.post(f"{url}/overrun/", {"overrun-allowed": "on", "overrun-reason": ""})
    assert response.status_code == 400 and "须说明理由" in _html(response)
    assert office.post(f"{url}/overrun/", {"overrun-allowed": "on", "overrun-reason": "县级垫付"}).status_code == 302
    assert Project.objects.get(pk=project.pk).overrun_allowed

    task = report.tasks.filter(kind="task").first()
    assert office.post(f"{url}/promise/", {"promise-task": task.pk}).status_code == 302
    assert Project.objects.get(pk=project.pk).promised_by == task
    assert office.post(f"{url}/promise/", {"promise-task": "999999"}).status_code == 400
    page = _html(office.get(f"{url}/"))
    assert task.code in page and "县级垫付" in page and "支出落后红灯阈值" in page  # the history names it

    unit = _client(liaison)
    for action in ("budget", "stages", "indicators", "bands", "overrun", "promise", "publish"):
        response = unit.post(f"{url}/{action}/", {})
        assert response.status_code == 403 and errors.REFUSED_PROJECT_MANAGE in _html(response), action


# ------------------------------------------------------------------------------------------ evaluation


def test_the_evaluation_needs_explanations_and_the_office_adjusts_with_a_reason(signed, supervisor, liaison):
    ids = {i.name: i.pk for i in signed.indicators.all()}
    actions.report_period(
        signed.pk,
        liaison,
        period="2026-05",
        percent=90,
        narrative="基本完成",
        received="3000",
        disbursed="2900",
        spent="2700",
        indicators={ids["新增学位"]: "810", ids["竣工时间"]: "11", ids["入园率"]: "93", ids["家长满意度"]: "85.5"},
        at=bj(2026, 6, 10),
    )
    unit = _client(liaison)
    office = _client(supervisor)
    url = f"/projects/{signed.pk}/evaluation/"
    page = _html(unit.get(url))
    assert "96.00" in page and "新增学位 未达目标的原因" in page and "家长满意度 未达目标的原因" in page
    assert "入园率 未达目标的原因" not in page
    assert 'name="adjust-total"' not in page
    response = unit.post(url, {"eval-submit": "1", f"eval-explain_{ids['新增学位']}": "一所延至明年招生"})
    assert response.status_code == 400 and "请说明未达目标的原因: 家长满意度" in _html(response)
    assert "一所延至明年招生" in _html(response)
    assert not Evaluation.objects.filter(status="submitted").exists()
    # the office cannot adjust before it is submitted
    response = office.post(f"{url}adjust/", {"adjust-total": "90", "adjust-reason": "x"})
    assert response.status_code == 400 and "尚未提交" in _html(response)
    assert (
        unit.post(url, {"eval-submit": "0", f"eval-explain_{ids['新增学位']}": "一所延至明年招生"}).status_code == 302
    )
    assert Evaluation.objects.get().status == "draft"
    assert "一所延至明年招生" in _html(unit.get(url))  # saved, shown again
    form = {
        "eval-submit": "1",
        f"eval-explain_{ids['新增学位']}": "一所延至明年招生",
        f"eval-explain_{ids['家长满意度']}": "接送距离远",
    }
    assert unit.post(url, form).status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.status == "submitted" and evaluation.total == M("96.00") and evaluation.grade == "优"
    assert office.post(url, form).status_code == 403  # the office does not write the unit's evaluation
    page = _html(office.get(url))
    assert "接送距离远" in page and 'name="adjust-total"' in page
    response = office.post(f"{url}adjust/", {"adjust-total": "88.5", "adjust-reason": ""})
    assert response.status_code == 400 and "须说明理由" in _html(response)
    response = office.post(f"{url}adjust/", {"adjust-total": "一百", "adjust-reason": "x"})
    assert response.status_code == 400 and "0到100" in _html(response)
    response = office.post(f"{url}adjust/", {"adjust-total": "88.5", "adjust-reason": "学位未全部投用, 酌减"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.final == M("88.50") and evaluation.grade == "良" and evaluation.status == "confirmed"
    page = _html(unit.get(url))
    assert "学位未全部投用, 酌减" in page and "88.50" in page and "良" in page
    response = unit.post(url, form)
    assert response.status_code == 400 and "已由督查室确认" in _html(response)
    assert unit.post(f"{url}adjust/", {"adjust-total": "100", "adjust-reason": "x"}).status_code == 403


# ------------------------------------------------------------------------------------ outsiders, states


def test_the_outsider_gets_404_everywhere_and_sees_nothing_in_the_list(signed, outsider):
    stranger = _client(outsider)
    for url in (
        f"/projects/{signed.pk}/",
        f"/projects/{signed.pk}/evaluation/",
        "/projects/candidates/",
        "/projects/new/",
    ):
        assert stranger.get(url).status_code == 404, url
    for action in ("publish", "budget", "stages", "indicators", "bands", "overrun", "promise", "acknowledge"):
        assert stranger.post(f"/projects/{signed.pk}/{action}/", {}).status_code == 404, action
    for action in ("report", "evaluation", "evaluation/adjust"):
        assert stranger.post(f"/projects/{signed.pk}/{action}/", {}).status_code == 404, action
    assert TITLE not in _html(stranger.get("/projects/"))


def test_the_list_filters_by_unit_place_and_light(government, supervisor, liaison, signed):
    office = _client(supervisor)
    page = _html(office.get("/projects/"))
    assert TITLE in page and "导入项目清单" in page and "/projects/2026/export.xlsx" in page
    assert "/projects/2026/performance.xlsx" in page and "候选项目与票决" in page
    place = government.units.get(short_name="德令哈市").pk
    other = government.units.get(short_name="格尔木市").pk
    assert TITLE in _html(office.get(f"/projects/?year=2026&place={place}"))
    assert TITLE not in _html(office.get(f"/projects/?year=2026&place={other}"))
    assert TITLE in _html(office.get(f"/projects/?year=2026&unit={liaison.unit_id}"))
    # on 15 June nothing reported: money behind time and stages late → red
    assert TITLE in _html(office.get("/projects/?year=2026&light=red"))
    assert TITLE not in _html(office.get("/projects/?year=2026&light=green"))
    page = _html(_client(liaison).get("/projects/"))
    assert TITLE in page and "导入项目清单" not in page
    assert "逾期未完成" in page  # the light's cause


def test_every_page_renders_in_every_state_for_every_role(
    government, supervisor, liaison, co_liaison, outsider, leader, draft
):
    people = (supervisor, liaison, co_liaison, outsider, leader)
    ids = {i.name: i.pk for i in draft.indicators.all()}

    def look():
        task = Task.objects.get(pk=draft.task_id)
        for user in people:
            client = _client(user)
            assert client.get("/projects/").status_code == 200
            expected = 200 if user == supervisor or (task.is_published and user != outsider) else 404
            for url in (f"/projects/{draft.pk}/", f"/projects/{draft.pk}/evaluation/"):
                assert client.get(url).status_code == expected, (user, url)
            office_only = 200 if user == supervisor else 404
            for url in ("/projects/new/", "/projects/candidates/"):
                assert client.get(url).status_code == office_only, (user, url)

    look()
    from luoshi.tasks import actions as task_actions

    task_actions.publish(Task.objects.get(pk=draft.task_id).report, supervisor, [draft.task_id], at=bj(2026, 1, 5))
    look()
    tracking.acknowledge(draft.task_id, liaison, at=bj(2026, 1, 6))
    look()
    first, _ = actions.report_period(
        draft.pk, liaison, period="2026-05", percent=20, narrative="推进", received="100", disbursed="50", spent="10"
    )
    look()
    tracking.review_report(first.pk, supervisor, decision="returned", reason="请补充")
    look()
    second, _ = actions.report_period(
        draft.pk,
        liaison,
        period="2026-06",
        percent=40,
        narrative="推进",
        received="3000",
        disbursed="2000",
        spent="1800",
        indicators={ids["新增学位"]: "900"},
    )
    tracking.review_report(second.pk, supervisor, decision="accepted")
    look()
    actions.evaluate(draft.pk, liaison, explanations={})
    look()
    explanations = dict.fromkeys(ids.values(), "原因")
    actions.evaluate(draft.pk, liaison, explanations=explanations, submit=True)
    look()
    actions.adjust(draft.pk, supervisor, total="80", reason="酌减")
    look()
    assert Indicator.objects.filter(project=draft).count() == 4


def test_the_office_sets_its_funding_sources_and_cannot_drop_one_a_budget_uses(client_for, supervisor, government):
    from luoshi.projects.models import FundingSource

    office = client_for(supervisor)
    assert "中央" in office.get("/projects/sources/").content.decode()
    response = office.post("/projects/sources/", {"names": "中央\n省级\n州(市)级\n县级\n社会资本\n其他\n债券资金"})
    assert response.status_code == 302
    assert list(FundingSource.objects.filter(government=government).values_list("name", flat=True))[-1] == "债券资金"
    actions.open_projects(government, supervisor, 2026, [plan(government)])
    refused = office.post("/projects/sources/", {"names": "省级\n州(市)级"})
    assert refused.status_code == 400 and "已用于项目预算" in refused.content.decode()
    assert FundingSource.objects.filter(government=government, name="中央").exists()  # nothing half-saved
