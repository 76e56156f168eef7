"""Work first: each role's home page lists what it may act on now, one tap from the form; inbox items
that ask for something are settled by the action that does it; the task page puts the form first."""

from __future__ import annotations

import datetime

import time_machine

from luoshi import access
from luoshi.proposals import actions as proposal_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions
from luoshi.tracking.models import Notification, ProgressReport
from tests.web.test_proposals_handling import _assign, _handle_to_reply, proposals  # noqa: F401 (fixture)
from tests.web.tracking_helpers import bj

DAY = bj(2026, 3, 20, 10)


def _sections(user, day=datetime.date(2026, 3, 20)) -> dict:
    return {s.key: s for s in access.work_for(user, day)}


def _open(user, **filters):
    return Notification.objects.filter(user=user, done_at__isnull=True, **filters)


def _report(task, liaison, period, at, percent=30):
    report, _ = actions.submit_report(task.pk, liaison, period=period, percent=percent, narrative="按计划推进", at=at)
    return report


def test_a_liaison_sees_what_to_sign_for_then_what_to_report_each_one_tap_from_the_form(
    tracked_task, liaison, co_liaison, outsider, client_for
):
    work = _sections(liaison, datetime.date(2026, 1, 6))
    assert [i.url for i in work["ack"].items] == [f"/tasks/{tracked_task.pk}/#act"]
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    work = _sections(liaison)
    assert not work["ack"].items
    # on 20 March February's report is overdue (still open until the end of March) and March's is due
    assert [i.note for i in work["overdue"].items] == ["2026年2月"]
    assert [i.note for i in work["due"].items] == ["2026年3月"]
    assert [i.url for i in work["overdue"].items + work["due"].items] == [
        f"/tasks/{tracked_task.pk}/?period=2026-02#act",
        f"/tasks/{tracked_task.pk}/?period=2026-03#act",
    ]
    # the co-unit is asked for its part, an outsider for nothing of the task
    assert [i.note for i in _sections(co_liaison)["contribute"].items] == ["2026年3月"]
    assert not any(s.items for s in _sections(outsider).values())
    _report(tracked_task, liaison, "2026-03", DAY)
    work = _sections(liaison)
    assert not work["due"].items and work["overdue"].items
    with time_machine.travel(DAY, tick=False):
        page = client_for(liaison).get("/").content.decode()
    assert "逾期未报" in page and f"/tasks/{tracked_task.pk}/?period=2026-02#act" in page and "?list=overdue" in page


def test_the_office_sees_reports_to_review_and_accepting_settles_its_inbox_item(
    tracked_task, liaison, supervisor, client_for
):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    report = _report(tracked_task, liaison, "2026-03", DAY)
    item = _open(supervisor, kind="report").get()
    assert item.url.endswith(f"/tasks/{tracked_task.pk}/#act")
    review = _sections(supervisor)["review"]
    assert [i.url for i in review.items] == [f"/tasks/{tracked_task.pk}/#act"]
    with time_machine.travel(DAY, tick=False):
        page = client_for(supervisor).get(f"/tasks/{tracked_task.pk}/").content.decode()
    assert page.index("accept-form") < page.index("报告原文")  # the decision comes before the record
    actions.review_report(report.pk, supervisor, decision="accepted", at=DAY)
    assert not _open(supervisor).exists() and not _sections(supervisor)["review"].items
    # the unit is told, and the item asks nothing: it is done when it arrives
    told = Notification.objects.get(user=liaison, kind="review")
    assert told.done_at is not None
    assert access.open_notifications(supervisor).count() == 0


def test_a_returned_report_stays_open_until_answered_and_the_answer_settles_reminders_and_orders(
    tracked_task, liaison, supervisor, leader
):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    for day in (22, 26):  # the ladder reminds before February's due day and urges after it
        actions.run_escalation(datetime.date(2026, 2, day), send=False)
    assert _open(liaison, kind="urge").count() == 1 and not _open(liaison, kind="remind").exists()
    actions.instruct(tracked_task.pk, leader, text="请加快进度", at=bj(2026, 2, 27))
    assert [i.note for i in _sections(leader, datetime.date(2026, 2, 28))["instructions"].items] == ["请加快进度"]
    report = _report(tracked_task, liaison, "2026-02", bj(2026, 3, 2))
    assert not _open(liaison, kind="urge").exists() and not _open(liaison, kind="instruction").exists()
    assert not _sections(leader, datetime.date(2026, 3, 2))["instructions"].items  # answered by the report
    actions.review_report(report.pk, supervisor, decision="returned", reason="请补充资金", at=bj(2026, 3, 3))
    returned = _open(liaison, kind="review").get()
    assert "被退回" in returned.title
    assert [i.note for i in _sections(liaison, datetime.date(2026, 3, 3))["returned"].items] == [
        "2026年2月: 请补充资金"
    ]
    _report(tracked_task, liaison, "2026-02", bj(2026, 3, 4))
    assert not _open(liaison).exists()
    assert ProgressReport.objects.filter(task=tracked_task).count() == 2


def test_the_task_page_puts_the_report_form_first_and_folds_the_record(tracked_task, liaison, client_for):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    with time_machine.travel(DAY, tick=False):
        page = client_for(liaison).get(f"/tasks/{tracked_task.pk}/").content.decode()
    assert page.index('id="report-form"') < page.index("报告原文") < page.index("变更记录")
    assert '<details class="record" id="progress">' in page
    with time_machine.travel(DAY, tick=False):  # the home page's link names the period it asks for
        asked = client_for(liaison).get(f"/tasks/{tracked_task.pk}/?period=2026-02").content.decode()
    assert '<option value="2026-02" selected>' in asked and '<option value="2026-02" selected>' not in page


def test_the_inbox_lists_open_items_first_and_links_each_to_its_form(tracked_task, liaison, supervisor, client_for):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    first = _report(tracked_task, liaison, "2026-02", bj(2026, 3, 2))
    actions.review_report(first.pk, supervisor, decision="accepted", at=bj(2026, 3, 3))
    _report(tracked_task, liaison, "2026-03", DAY)
    page = client_for(supervisor).get("/inbox/").content.decode()
    open_at = page.index("2026年3月进展待审核")
    assert open_at < page.index("已办结与消息")
    assert f"/tasks/{tracked_task.pk}/#act" in page
    assert 'class="count">1<' in page  # the header counts what is still to do


def test_a_proposals_items_settle_when_signed_for_opined_and_replied(
    proposals,  # noqa: F811
    government,
    supervisor,
    liaison,
    co_liaison,
):
    proposal = _assign(proposals["1"], supervisor, government, bj(2026, 3, 10))
    assign = _open(liaison, kind="assign").get()
    assert assign.url.endswith(f"/proposals/{proposal.pk}/#handling")
    work = _sections(liaison, datetime.date(2026, 3, 11))
    assert [i.url for i in work["ack"].items] == [f"/proposals/{proposal.pk}/#handling"]
    assert [i.url for i in _sections(co_liaison, datetime.date(2026, 3, 11))["opinion"].items] == [
        f"/proposals/{proposal.pk}/#opinions"
    ]
    proposal_actions.give_opinion(proposal.pk, co_liaison, text="同意", at=bj(2026, 3, 12))
    assert not _open(co_liaison).exists()
    reply = _handle_to_reply(proposal, liaison, bj(2026, 3, 15))
    assert not _open(liaison, kind="assign").exists()  # signed for
    assert not _open(liaison, kind="opinion").exists()  # taken into the reply
    assert [i.url for i in _sections(supervisor, datetime.date(2026, 3, 15))["replies"].items] == [
        f"/proposals/{proposal.pk}/#reply-{reply.pk}"
    ]
    proposal_actions.review_reply(reply.pk, supervisor, accept=False, reason="请补充", at=bj(2026, 3, 16))
    assert not _open(supervisor).exists()
    assert _open(liaison, kind="reply").count() == 1
    assert "答复被退回" in _sections(liaison, datetime.date(2026, 3, 16))["reply"].items[0].note
    again = proposal_actions.submit_reply(proposal.pk, liaison, category="A", text="已补充", at=bj(2026, 3, 17))
    assert not _open(liaison).exists()
    proposal_actions.review_reply(again.pk, supervisor, accept=True, at=bj(2026, 3, 18))
    assert not Notification.objects.filter(task=Task.objects.get(pk=proposal.task_id), done_at__isnull=True).exists()
