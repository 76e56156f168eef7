"""/api/projects and /api/projects/{id}: the tasks' access rules (404 for what the caller may not see), the
filters, and money as strings with two places — never a JSON number."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
import time_machine

from luoshi.projects import actions
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking
from tests.web.test_api import call
from tests.web.test_projects import plan
from tests.web.tracking_helpers import bj

D = datetime.date
M = Decimal
MONEY = re.compile(r"^\d+\.\d{2}$")


@pytest.fixture
def projects(government, supervisor, leader, liaison):
    """The kindergarten (州教育局 lead, 州财政局 co, 德令哈市) published with an accepted report; the heating
    project (州住建局 lead, 格尔木市) published; a draft (州教育局) not published."""
    units = {u.short_name: u for u in government.units.all()}
    with time_machine.travel(bj(2026, 1, 5), tick=False):
        kindergarten, heating, draft = actions.open_projects(
            government,
            supervisor,
            2026,
            [
                plan(government),
                plan(
                    government,
                    title="城区老旧供热管网改造",
                    lead_unit=units["州住建局"],
                    co_units=[],
                    places=[units["格尔木市"]],
                    budget=M("5000.00"),
                    budget_lines={"中央": M("2000.00"), "县级": M("3000.00")},
                ),
                plan(government, title="草稿中的项目"),
            ],
        )
        report = Task.objects.get(pk=kindergarten.task_id).report
        for project in (kindergarten, heating):
            task = Task.objects.get(pk=project.task_id)
            task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader, "cycle": "monthly"})
        task_actions.publish(report, supervisor, [kindergarten.task_id, heating.task_id], at=bj(2026, 1, 5))
    tracking.acknowledge(kindergarten.task_id, liaison, at=bj(2026, 1, 6))
    first = kindergarten.indicators.get(name="新增学位")
    stage = kindergarten.stages.get(name="前期")
    report, _ = actions.report_period(
        kindergarten.pk,
        liaison,
        period="2026-02",
        percent=10,
        narrative="前期完成",
        received="1200.10",
        disbursed="1000.00",
        spent="600.05",
        indicators={first.pk: "300.5"},
        stages_done={stage.pk: D(2026, 2, 20)},
        at=bj(2026, 2, 25),
    )
    tracking.review_report(report.pk, supervisor, decision="accepted", at=bj(2026, 2, 26))
    return kindergarten, heating, draft


@pytest.fixture
def today():
    with time_machine.travel(bj(2026, 6, 30), tick=False):
        yield


def titles(client, user, query=""):
    response = call(client, "get", f"/api/projects{query}", user)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["title"] for item in body["items"]}


def test_each_role_lists_and_reads_what_the_tasks_rules_allow(
    client, today, projects, supervisor, liaison, co_liaison, outsider, leader
):
    kindergarten, heating, draft = projects
    everything = {"新建城区公办幼儿园三所", "城区老旧供热管网改造", "草稿中的项目"}
    assert titles(client, supervisor) == everything
    assert titles(client, leader) == everything - {"草稿中的项目"}
    assert titles(client, liaison) == {"新建城区公办幼儿园三所"}
    assert titles(client, co_liaison) == {"新建城区公办幼儿园三所"}
    assert titles(client, outsider) == set()
    for user, seen in (
        (supervisor, {kindergarten, heating, draft}),
        (leader, {kindergarten, heating}),
        (liaison, {kindergarten}),
        (co_liaison, {kindergarten}),
        (outsider, set()),
    ):
        for project in (kindergarten, heating, draft):
            response = call(client, "get", f"/api/projects/{project.pk}", user)
            assert response.status_code == (200 if project in seen else 404), (user, project)
    assert call(client, "get", "/api/projects/999999", supervisor).status_code == 404
    assert client.get("/api/projects").status_code == 401
    assert client.get(f"/api/projects/{kindergarten.pk}").status_code == 401


def test_a_project_carries_its_money_as_strings(client, today, projects, liaison):
    kindergarten, _, _ = projects
    response = call(client, "get", f"/api/projects/{kindergarten.pk}", liaison)
    raw = response.content.decode()
    body = json.loads(raw, parse_float=lambda text: pytest.fail(f"a JSON number with a fraction: {text}"))
    assert body["budget"] == "3000.00"
    assert body["budget_lines"] == [
        {"source": "中央", "amount": "1200.00"},
        {"source": "省级", "amount": "800.00"},
        {"source": "州(市)级", "amount": "1000.00"},
    ]
    assert (body["received"], body["disbursed"], body["spent"]) == ("1200.10", "1000.00", "600.05")
    for key in ("budget", "received", "disbursed", "spent"):
        assert MONEY.match(body[key])
    assert body["spent_share"] == 20 and body["works_share"] == 10
    assert body["time_share"] == round(100 * (D(2026, 6, 30) - D(2026, 1, 1)).days / 364)
    assert body["as_of"] == "2026-02-25"
    assert body["title"] == "新建城区公办幼儿园三所" and body["year"] == 2026
    assert [p["short_name"] for p in body["places"]] == ["德令哈市"]
    assert body["lead_unit"]["short_name"] == "州教育局" and [u["short_name"] for u in body["co_units"]] == ["州财政局"]
    assert body["leader"] == "李副州长" and body["deadline"] == "2026-12-31" and body["status"] == "in_progress"
    assert body["stages"][0] == {"name": "前期", "planned": "2026-02-28", "actual": "2026-02-20", "weight": 10}
    places = next(i for i in body["indicators"] if i["name"] == "新增学位")
    assert places["target"] == "900" and places["actual"] == "300.5" and places["actual_on"] == "2026-02-25"
    assert places["target_text"] == "≥900个"
    assert body["evaluation_total"] is None and body["evaluation_grade"] is None


def test_the_evaluation_total_and_grade_are_given_once_there_is_one(client, today, projects, liaison, supervisor):
    kindergarten, _, _ = projects
    evaluation = actions.evaluate(
        kindergarten.pk, liaison, explanations={i.pk: "说明" for i in kindergarten.indicators.all()}, submit=True
    )
    body = call(client, "get", f"/api/projects/{kindergarten.pk}", supervisor).json()
    assert M(body["evaluation_total"]) == evaluation.total and isinstance(body["evaluation_total"], str)
    assert body["evaluation_grade"] == evaluation.grade


def test_the_list_filters(client, today, projects, supervisor):
    assert titles(client, supervisor, "?year=2026") == {
        "新建城区公办幼儿园三所",
        "城区老旧供热管网改造",
        "草稿中的项目",
    }
    assert titles(client, supervisor, "?year=2025") == set()
    assert titles(client, supervisor, "?unit=州财政局") == {"新建城区公办幼儿园三所", "草稿中的项目"}  # as co-unit
    assert titles(client, supervisor, "?unit=州住建局") == {"城区老旧供热管网改造"}
    assert titles(client, supervisor, "?place=格尔木市") == {"城区老旧供热管网改造"}
    assert titles(client, supervisor, "?status=draft") == {"草稿中的项目"}
    assert titles(client, supervisor, "?status=in_progress") == {"新建城区公办幼儿园三所"}
    lights = {item["title"]: item["light"] for item in call(client, "get", "/api/projects", supervisor).json()["items"]}
    for light in ("green", "yellow", "red"):
        expected = {title for title, shown in lights.items() if shown == light}
        assert titles(client, supervisor, f"?light={light}") == expected
    assert call(client, "get", "/api/projects?unit=没有的单位", supervisor).status_code == 400
    assert call(client, "get", "/api/projects?light=blue", supervisor).status_code == 422
    assert call(client, "get", "/api/projects?status=unknown", supervisor).status_code == 422


def test_the_schema_says_money_is_a_string(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    project = schema["ProjectOut"]["properties"]
    for key in ("budget", "received", "disbursed", "spent"):
        assert project[key]["type"] == "string" and "never a JSON number" in project[key]["description"]
    assert schema["ProjectBudgetLineOut"]["properties"]["amount"]["type"] == "string"
