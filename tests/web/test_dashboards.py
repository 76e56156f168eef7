"""Dashboards: the office's figures by section, unit, leader and locality; a leader's portfolio; a unit's
share; server-side sorting; SVG charts readable without colour; query counts that do not grow."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.dashboards import stats
from tests.web.dashboards_fixtures import ledger, make_ledger, today

FIXTURES = (ledger, today)  # shared pytest fixtures used by name below


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_office_dashboard_counts_lights_overdue_and_lists(client_for, supervisor, ledger, today):
    html = get(client_for(supervisor), f"/dashboard/?report={ledger['report'].pk}")
    rows = stats.collect(ledger["report"].tasks.filter(published_at__isnull=False, kind="task"), today)
    by_code = {r.code: r for r in rows}
    assert by_code[ledger["education"].code].light == "red"
    assert by_code[ledger["transport"].code].light == "red"  # never acknowledged, no report since January
    assert "连续" in by_code[ledger["transport"].code].light_reason
    assert by_code[ledger["local"].code].overdue
    assert by_code[ledger["education"].code].percent == 20  # the returned report does not count
    assert "按牵头单位" in html and "按县市" in html and "按包抓领导" in html and "按板块" in html
    assert "格尔木市" in html and "德令哈市" in html  # localities: lead and co-unit
    assert "红灯任务 (3)" in html
    assert "逾期未完成 (1)" in html
    assert html.count("<svg") >= 3
    assert "■</span> 红灯" in html  # a shape and a word as well as a colour
    assert 'pattern id="unit-red"' in html  # fill patterns for black-and-white print


def test_tables_sort_on_the_server_by_query_parameter(client_for, supervisor, ledger, today):
    client = client_for(supervisor)
    base = f"/dashboard/?report={ledger['report'].pk}"
    html = get(client, base + "&sort=overdue&order=desc")
    section = html.split('id="unit"', 1)[1].split("</table>", 1)[0]
    names = re.findall(r'<th scope="row">([^<]+)</th>', section)
    assert names[0] == "格尔木市"  # the only unit with an overdue task
    assert 'aria-sort="descending"' in section
    html = get(client, base + "&sort=name&order=asc")
    section = html.split('id="unit"', 1)[1].split("</table>", 1)[0]
    names = re.findall(r'<th scope="row">([^<]+)</th>', section)
    assert names == sorted(names)


def test_leader_sees_their_portfolio_only(client_for, leader, ledger, today):
    html = get(client_for(leader), "/dashboard/")
    assert "我的包抓任务" in html
    assert ledger["education"].code in html
    assert ledger["transport"].text[:20] not in html


def test_unit_dashboard_shows_its_tasks_and_what_is_due(client_for, liaison, ledger, today):
    html = get(client_for(liaison), "/dashboard/")
    assert "州教育局 任务看板" in html
    assert ledger["education"].text[:20] in html
    assert ledger["transport"].text[:20] not in html
    assert "本周应报送" in html


def test_reports_due_this_week_are_listed(client_for, supervisor, ledger):
    import time_machine

    from tests.web.tracking_helpers import bj

    with time_machine.travel(bj(2026, 5, 25), tick=True):
        html = get(client_for(supervisor), f"/dashboard/?report={ledger['report'].pk}")
    due = html.split('id="h-due"', 1)[1]
    assert "2026-05-25" in due and ledger["education"].code in due


def test_a_liaison_cannot_export_another_units_share(client_for, liaison, outsider, ledger, today):
    report = ledger["report"]
    unit = ledger["transport"].lead_unit_id
    assert client_for(liaison).get(f"/dashboard/reports/{report.pk}/export/ledger.csv?unit={unit}").status_code == 404


def test_charts_and_tables_answer_404_to_anonymous_and_outsiders(client, ledger):
    response = client.get("/dashboard/")
    assert response.status_code == 302


@pytest.mark.parametrize("page", ["office", "leader", "unit", "public_index", "public_report", "public_csv"])
def test_queries_do_not_grow_with_the_number_of_tasks(client_for, supervisor, leader, liaison, government, page):
    counts = []
    for n in (5, 50):
        report = make_ledger(government, n)
        user = {"leader": leader, "unit": liaison}.get(page, supervisor)
        client = client_for(user)
        url = {
            "office": f"/dashboard/?report={report.pk}",
            "leader": f"/dashboard/?report={report.pk}",
            "unit": f"/dashboard/?report={report.pk}",
            "public_index": "/public/",
            "public_report": f"/public/reports/{report.pk}/",
            "public_csv": f"/public/reports/{report.pk}/tasks.csv",
        }[page]
        client.get(url)  # warm caches (session, content types)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_a_viewer_reads_the_office_figures_without_the_office_controls(client_for, government, ledger, today):
    from tests.web.conftest import _user

    viewer = _user(government, "kanban", "viewer")
    html = get(client_for(viewer), "/dashboard/")
    assert "督查统计看板" in html and "按牵头单位" in html
    assert "政务公开设置" not in html and "/circulars/" not in html
