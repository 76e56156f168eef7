"""民生实事 on the public pages: only projects the office made public and past their embargo, only the
whitelisted fields the office switched on, and only the figures of reports the office accepted."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from luoshi.projects import actions
from luoshi.public import actions as disclosure
from luoshi.public.models import FIELDS
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking
from tests.web.test_projects import plan
from tests.web.tracking_helpers import bj

D = datetime.date
ALL_FIELDS = [name for name, _ in FIELDS]


@pytest.fixture
def today():
    with time_machine.travel(bj(2026, 6, 30), tick=False):
        yield D(2026, 6, 30)


@pytest.fixture
def projects(today, government, supervisor, leader, liaison):
    """Two published projects of 州教育局; the kindergarten public with a report accepted (到位 1000, 拨付
    800, 支出 600, 前期 done, 新增学位 300) and a later one not yet reviewed (支出 900, 开工 done, 学位 450);
    the clinic not public."""
    kindergarten, clinic = actions.open_projects(
        government, supervisor, 2026, [plan(government), plan(government, title="牧区卫生院提升改造")]
    )
    report = Task.objects.get(pk=kindergarten.task_id).report
    for project in (kindergarten, clinic):
        task = Task.objects.get(pk=project.task_id)
        task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader, "cycle": "monthly"})
    task_actions.publish(report, supervisor, [kindergarten.task_id, clinic.task_id], at=bj(2026, 1, 5))
    disclosure.bulk_update(report, supervisor, [kindergarten.task_id], public=True, fields=ALL_FIELDS)
    tracking.acknowledge(kindergarten.task_id, liaison, at=bj(2026, 1, 6))
    stages = {s.name: s.pk for s in kindergarten.stages.all()}
    places = kindergarten.indicators.get(name="新增学位").pk
    first, _ = actions.report_period(
        kindergarten.pk,
        liaison,
        period="2026-03",
        percent=20,
        narrative="内部说明: 不公开的叙述",
        received="1000.00",
        disbursed="800.00",
        spent="600.00",
        indicators={places: "300"},
        stages_done={stages["前期"]: D(2026, 2, 20)},
        at=bj(2026, 3, 25),
    )
    tracking.review_report(first.pk, supervisor, decision="accepted", at=bj(2026, 3, 26))
    actions.report_period(
        kindergarten.pk,
        liaison,
        period="2026-05",
        percent=40,
        narrative="待审核",
        received="1500.00",
        disbursed="1200.00",
        spent="900.00",
        indicators={places: "450"},
        stages_done={stages["开工"]: D(2026, 5, 10)},
        at=bj(2026, 5, 25),
    )
    kindergarten.refresh_from_db()
    return kindergarten, clinic


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    return response.status_code, response.content.decode()


def test_the_public_sees_only_the_public_project_with_the_accepted_figures(client, projects):
    kindergarten, clinic = projects
    status, listing = page(client, "public_projects")
    assert status == 200
    assert "新建城区公办幼儿园三所" in listing and "牧区卫生院提升改造" not in listing
    assert "支出进度" in listing and "20%" in listing  # 600 of 3000, not the unreviewed 900 (30%)
    assert "30%" not in listing
    status, detail = page(client, "public_project", kindergarten.pk)
    assert status == 200
    assert "德令哈市" in detail and "3000.00 万元" in detail
    for name, amount in (("中央", "1200.00"), ("省级", "800.00"), ("州(市)级", "1000.00")):
        assert f'<td>{name}</td><td class="num">{amount}</td>' in detail
    assert "累计支出</dt><dd>600.00 万元" in detail and "900.00" not in detail
    assert "累计到位</dt><dd>1000.00 万元" in detail and "1500.00" not in detail
    assert "2026-02-20" in detail  # 前期, reported in the accepted report
    assert "2026-05-10" not in detail  # 开工, only in the report not yet accepted
    assert "形象进度" in detail and "10%" in detail
    assert "完成 300个" in detail and "450" not in detail
    assert "目标 ≥900个" in detail
    assert "数据截至" in detail and "2026-06-30" in detail
    assert "最近更新</dt><dd>2026-03-25" in detail
    assert "州教育局" in detail  # the lead unit is switched on
    for secret in ("内部说明", "州财政局", "李", "副州长", "亮灯", "自评"):
        assert secret not in detail
    assert page(client, "public_project", clinic.pk)[0] == 404
    assert page(client, "public_project", 999999)[0] == 404


def test_a_returned_report_never_reaches_the_public(client, projects, supervisor):
    kindergarten, _ = projects
    second = kindergarten.task.progress_reports.order_by("submitted_at").last()
    tracking.review_report(second.pk, supervisor, decision="accepted", at=bj(2026, 5, 26))
    assert "900.00" in page(client, "public_project", kindergarten.pk)[1]
    assert "2026-05-10" in page(client, "public_project", kindergarten.pk)[1]


def test_the_whitelist_hides_what_the_office_switched_off(client, projects, supervisor):
    kindergarten, _ = projects
    report = kindergarten.task.report
    disclosure.bulk_update(report, supervisor, [kindergarten.task_id], fields=["show_status"])
    status, detail = page(client, "public_project", kindergarten.pk)
    assert status == 200 and "新建城区公办幼儿园三所" in detail and "3000.00 万元" in detail
    for hidden in ("州教育局", "支出进度", "累计支出", "600.00", "2026-02-20", "完成 300", "最近更新", "形象进度"):
        assert hidden not in detail, hidden
    assert "计划时间" in detail and "2026-04-30" in detail  # the plan stays public
    listing = page(client, "public_projects")[1]
    assert "新建城区公办幼儿园三所" in listing and "支出进度" not in listing


def test_an_embargo_keeps_the_project_off_the_public_pages_until_its_day(client, projects, supervisor, today):
    kindergarten, _ = projects
    report = kindergarten.task.report
    disclosure.bulk_update(report, supervisor, [kindergarten.task_id], embargo_until=D(2026, 7, 1))
    assert page(client, "public_project", kindergarten.pk)[0] == 404
    assert "新建城区公办幼儿园三所" not in page(client, "public_projects")[1]
    with time_machine.travel(bj(2026, 7, 1), tick=False):
        assert page(client, "public_project", kindergarten.pk)[0] == 200
    disclosure.bulk_update(report, supervisor, [kindergarten.task_id], embargo_until=None, public=False)
    assert page(client, "public_project", kindergarten.pk)[0] == 404


def test_the_public_index_links_to_the_projects(db, client, today):
    status, index = page(client, "public_index")
    assert status == 200 and reverse("public_projects") in index
    status, empty = page(client, "public_projects")
    assert status == 200 and "暂无公开的民生实事项目" in empty


def test_the_pages_fit_a_phone(client, projects):
    kindergarten, _ = projects
    detail = page(client, "public_project", kindergarten.pk)[1]
    assert 'name="viewport" content="width=device-width' in detail
    assert '<div class="scroll">' in detail  # the tables scroll inside the page, never the page
