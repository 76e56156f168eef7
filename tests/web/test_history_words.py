"""A matter's change history reads as a clerk writes it: fields by their Chinese names, booleans 是/否,
statuses and other choices by their labels, dates and times in the Chinese local form — never
``public False → True``, ``status assigned → acknowledged`` or an ISO timestamp."""

from __future__ import annotations

import datetime
import re

import time_machine

from luoshi.audit import history
from luoshi.public import actions as public_actions
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions
from tests.web.conftest import publish_to_education
from tests.web.tracking_helpers import bj


def _rows(html: str) -> list[str]:
    """The history table's rows as "field: old → new" lines."""
    body = html[html.index('id="history"') :]
    out = []
    for cells in re.findall(r"<tr><td>.*?</td><td>.*?</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", body):
        field, old, new = cells
        out.append(f"{field}: {old} → {new}" if old else f"{field}: {new}")
    return out


def test_the_history_names_fields_and_values_in_chinese(client_for, tracked_task, supervisor, liaison):
    with time_machine.travel(bj(2026, 1, 6, 14), tick=False):
        actions.acknowledge(tracked_task.pk, liaison)
    tracked_task.refresh_from_db()
    task_actions.update_task(
        tracked_task.pk,
        supervisor,
        tracked_task.version,
        {"deadline": datetime.date(2026, 11, 30), "ongoing": False, "cycle": "quarterly"},
    )
    public_actions.bulk_update(tracked_task.report, supervisor, [tracked_task.pk], public=True)
    rows = _rows(client_for(supervisor).get(f"/tasks/{tracked_task.pk}/").content.decode())
    assert "状态: 草稿 → 已交办" in rows
    assert "状态: 已交办 → 已签收" in rows
    assert "交办时间: 2026年1月5日 09:00" in rows
    assert "完成时限: 2026年12月31日 → 2026年11月30日" in rows
    assert "报送周期: 每月 → 每季度" in rows
    assert "公开: 否 → 是" in rows
    page = " ".join(rows)
    for raw in ("True", "False", "assigned", "acknowledged", "published_at", "+08:00", "monthly"):
        assert raw not in page, raw


def test_one_display_serves_every_kind_of_entry():
    assert history.label("Task", "published_at") == "交办时间"
    assert history.label("Task", "status") == "状态"
    assert history.label("Disclosure", "public") == "公开"
    assert history.label("Task", "verdict") == "办结结论"
    assert history.label("Relief", "relief") == "申请退回改办"
    assert history.label("Decline", "decline_decision") == "拒签收处理"
    assert history.label("Nothing", "odd") == "odd"
    assert history.value("Disclosure", "public", "True") == "是"
    assert history.value("Task", "ongoing", "否") == "否"
    assert history.value("Task", "status", "in_progress") == "推进中"
    assert history.value("Task", "kind", "guidance") != "guidance"
    assert history.value("Task", "published_at", "2026-01-05T02:00:00+00:00") == "2026年1月5日 10:00"
    assert history.value("ExtensionRequest", "extension", "2027-03-31") == "2027年3月31日"
    assert history.value("Task", "text", "一段文字") == "一段文字"
    assert history.value("Task", "status", "") == ""


def test_the_public_section_filter_opens_on_every_section(client, education_task, supervisor, report):
    tasks = (
        report.tasks.filter(kind="task")
        .exclude(pk=education_task.pk)
        .exclude(section_title=education_task.section_title)
    )
    others = list(tasks.order_by("position")[:2])
    for task in others:
        publish_to_education(task, supervisor, None)
    Task.objects.filter(pk=others[0].pk).update(section_number="", section_title="")  # outside any section
    public_actions.bulk_update(report, supervisor, [education_task.pk, *(t.pk for t in others)], public=True)
    html = client.get(f"/public/reports/{report.pk}/").content.decode()
    select = html[html.index('<select id="id_section"') : html.index("</select>")]
    assert select.count(" selected") == 1 and '<option value="" selected>全部板块</option>' in select
    assert '<option value="">' not in select.replace('<option value="" selected>全部板块', "")
    chosen = client.get(f"/public/reports/{report.pk}/", {"section": "no such section"}).content.decode()
    assert '<option value="" selected>全部板块</option>' in chosen
