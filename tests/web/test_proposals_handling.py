"""建议提案办理 from 交办 to the author's verdict, through the actions: the deadline rule, 分办, 退回改办,
会办 opinions, contacts, the reply and its review, commitments, the signed single-use verdict link and
再次办理 — each refusal in Chinese, with nothing half-saved."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from luoshi.errors import ActionError
from luoshi.proposals import actions
from luoshi.proposals.models import Commitment, Proposal, Relief, Reply, Verdict, VerdictLink
from luoshi.tasks.models import Status, Task
from luoshi.tracking import health
from luoshi.tracking.models import Reminder
from tests.web.test_proposals import _import
from tests.web.tracking_helpers import bj


@pytest.fixture
def proposals(government, supervisor):
    _, rows = _import(government, supervisor)
    return {p.number: p for p in rows}


def _unit(government, label):
    return government.units.get(short_name=label)


def _assign(proposal, supervisor, government, at, **extra):
    task = Task.objects.get(pk=proposal.task_id)
    extra.setdefault("lead_unit", task.lead_unit)
    extra.setdefault("co_units", list(task.co_units.all()))
    return actions.assign(proposal.pk, supervisor, at=at, **extra)


def _handle_to_reply(proposal, liaison, at, **reply):
    from luoshi.tracking import actions as tracking

    tracking.acknowledge(proposal.task_id, liaison, at=at)
    actions.record_contact(proposal.pk, liaison, on=at.date(), way="visit", content="上门听取意见", at=at)
    reply.setdefault("category", "A")
    reply.setdefault("text", "经研究, 已新建幼儿园两所。")
    return actions.submit_reply(proposal.pk, liaison, at=at, **reply)


def test_assigning_sets_the_deadline_three_months_on_and_tells_the_units(
    proposals, government, supervisor, liaison, co_liaison
):
    first = _assign(proposals["1"], supervisor, government, bj(2026, 3, 10))
    task = first.task
    task.refresh_from_db()
    assert task.status == Status.ASSIGNED and task.deadline == datetime.date(2026, 6, 10)
    assert task.cycle == "none" and first.assigned_on == datetime.date(2026, 3, 10) and not first.complex
    assert liaison.notifications.filter(kind="assign", body__contains="2026-06-10").exists()
    assert co_liaison.notifications.filter(kind="assign", body__contains="会办").exists()


def test_a_complex_matter_may_have_six_months_and_not_seven(proposals, government, supervisor):
    with pytest.raises(ActionError, match="最长为交办后6个月"):
        _assign(proposals["2"], supervisor, government, bj(2026, 3, 10), months=7)
    task = Task.objects.get(pk=proposals["2"].task_id)
    assert task.status == Status.DRAFT and task.deadline is None  # nothing half-saved
    _assign(proposals["2"], supervisor, government, bj(2026, 8, 31), months=6)
    task.refresh_from_db()
    assert task.deadline == datetime.date(2027, 2, 28)
    assert Proposal.objects.get(pk=proposals["2"].pk).complex


def test_a_key_matter_needs_its_leader(proposals, government, supervisor, leader):
    with pytest.raises(ActionError, match="领办领导"):
        _assign(proposals["1"], supervisor, government, bj(2026, 3, 10), key=True)
    proposal = _assign(proposals["1"], supervisor, government, bj(2026, 3, 10), key=True, leader=leader)
    assert proposal.key and proposal.task.leader == leader


def test_splitting_gives_each_unit_its_own_part(proposals, government, supervisor):
    parts = actions.split(proposals["1"].pk, supervisor, [_unit(government, "州教育局"), _unit(government, "州财政局")])
    parts = [Proposal.objects.select_related("task").get(pk=p.pk) for p in parts]
    assert [p.part for p in parts] == [0, 1]
    assert parts[1].number == "1" and parts[1].number_label == "第1号(分办2)"
    assert parts[1].task.lead_unit.short_name == "州财政局" and parts[1].task.code == "1-2"
    assert parts[0].task.co_units.count() == 0


def test_the_lead_unit_asks_to_be_relieved_and_the_office_gives_it_to_another(
    proposals, government, supervisor, liaison
):
    proposal = _assign(proposals["1"], supervisor, government, bj(2026, 3, 10))
    with pytest.raises(ActionError, match="理由"):
        actions.request_relief(proposal.pk, liaison, reason=" ")
    relief = actions.request_relief(proposal.pk, liaison, reason="学前教育用地规划属自然资源部门", at=bj(2026, 3, 11))
    with pytest.raises(ActionError, match="新的主办单位"):
        actions.decide_relief(relief.pk, supervisor, approve=True, at=bj(2026, 3, 12))
    actions.decide_relief(
        relief.pk, supervisor, approve=True, new_unit=_unit(government, "州自然资源局"), at=bj(2026, 3, 12)
    )
    task = Task.objects.get(pk=proposal.task_id)
    assert task.lead_unit.short_name == "州自然资源局" and task.status == Status.ASSIGNED
    assert task.deadline == datetime.date(2026, 6, 12)  # counted from the new 交办
    assert Relief.objects.get(pk=relief.pk).status == Relief.Status.APPROVED
    with pytest.raises(ActionError, match="已处理"):
        actions.decide_relief(relief.pk, supervisor, approve=False, reason="x")


def test_a_reply_needs_a_contact_a_category_and_for_c_a_reason(proposals, government, supervisor, liaison):
    from luoshi.tracking import actions as tracking

    proposal = _assign(proposals["1"], supervisor, government, bj(2026, 3, 10))
    tracking.acknowledge(proposal.task_id, liaison, at=bj(2026, 3, 11))
    with pytest.raises(ActionError, match="沟通"):
        actions.submit_reply(proposal.pk, liaison, category="A", text="已解决")
    actions.record_contact(
        proposal.pk, liaison, on=datetime.date(2026, 3, 20), way="phone", content="电话沟通", at=bj(2026, 3, 20)
    )
    with pytest.raises(ActionError, match="答复类别"):
        actions.submit_reply(proposal.pk, liaison, category="", text="已解决")
    with pytest.raises(ActionError, match="C类"):
        actions.submit_reply(proposal.pk, liaison, category="C", text="暂难解决")
    with pytest.raises(ActionError, match="B类"):
        actions.submit_reply(proposal.pk, liaison, category="B", text="逐步解决")
    assert not Reply.objects.exists()


def test_an_accepted_reply_is_numbered_its_promises_listed_and_each_author_gets_a_link(
    proposals, government, supervisor, liaison
):
    proposal = _assign(proposals["1"], supervisor, government, bj(2026, 3, 10))
    reply = _handle_to_reply(
        proposal,
        liaison,
        bj(2026, 4, 1),
        category="B",
        text="列入2027年计划。",
        commitments=[{"text": "2027年新建幼儿园一所", "due": "2027-08-31"}],
        publishable=True,
    )
    assert Task.objects.get(pk=proposal.task_id).status == Status.CLOSING
    with pytest.raises(ActionError, match="说明理由"):
        actions.review_reply(reply.pk, supervisor, accept=False)
    actions.review_reply(reply.pk, supervisor, accept=True, at=bj(2026, 4, 3))
    reply.refresh_from_db()
    assert reply.letter_number == "海西州建复〔2026〕1号"
    assert Task.objects.get(pk=proposal.task_id).status == Status.CLOSED
    assert list(Commitment.objects.values_list("text", "due")) == [("2027年新建幼儿园一所", datetime.date(2027, 8, 31))]
    links = list(VerdictLink.objects.filter(proposal=proposal))
    assert [(link.author, link.lead) for link in links] == [("王海燕", True), ("李建国", False), ("赵敏", False)]


def test_the_verdict_link_works_once_is_refused_when_forged_or_expired(proposals, government, supervisor, liaison):
    proposal = _assign(proposals["1"], supervisor, government, bj(2026, 3, 10))
    reply = _handle_to_reply(proposal, liaison, bj(2026, 4, 1))
    actions.review_reply(reply.pk, supervisor, accept=True, at=bj(2026, 4, 3))
    lead, co, _other = VerdictLink.objects.filter(proposal=proposal)
    token = actions.token_for(lead)
    with pytest.raises(ActionError, match="链接无效"):
        actions.record_verdict(token[:-2] + "xx", opinion="satisfied")
    with pytest.raises(ActionError, match="链接无效"):
        actions.record_verdict(f"{lead.pk}:{lead.nonce}", opinion="satisfied")  # the nonce alone is not a link
    actions.record_verdict(token, opinion="satisfied", comment="办理认真", at=bj(2026, 4, 10))
    with pytest.raises(ActionError, match="已使用"):
        actions.record_verdict(token, opinion="unsatisfied", comment="x")
    assert Verdict.objects.get().opinion == "satisfied"
    with time_machine.travel(bj(2026, 7, 1), tick=False), pytest.raises(ActionError, match="过期"):
        actions.record_verdict(actions.token_for(co), opinion="basic")


def test_the_lead_authors_dissatisfaction_reopens_the_matter_for_a_second_round(
    proposals, government, supervisor, liaison
):
    proposal = _assign(proposals["1"], supervisor, government, bj(2026, 3, 10))
    reply = _handle_to_reply(proposal, liaison, bj(2026, 4, 1))
    actions.review_reply(reply.pk, supervisor, accept=True, at=bj(2026, 4, 3))
    lead, co, _ = VerdictLink.objects.filter(proposal=proposal)
    with pytest.raises(ActionError, match="说明理由"):
        actions.record_verdict(actions.token_for(lead), opinion="unsatisfied", at=bj(2026, 4, 9))
    actions.record_verdict(actions.token_for(lead), opinion="unsatisfied", comment="学位仍不足", at=bj(2026, 4, 10))
    proposal.refresh_from_db()
    task = proposal.task
    assert proposal.round == 2 and task.status == Status.IN_PROGRESS
    assert task.deadline == datetime.date(2026, 5, 10)  # one month for 再次办理
    assert liaison.notifications.filter(kind="redo").exists()
    with pytest.raises(ActionError, match="再次办理"):
        actions.record_verdict(actions.token_for(co), opinion="basic", at=bj(2026, 4, 11))
    with pytest.raises(ActionError, match="沟通"):  # the second round needs its own contact
        actions.submit_reply(proposal.pk, liaison, category="A", text="已增加学位")
    actions.record_contact(
        proposal.pk, liaison, on=datetime.date(2026, 4, 20), way="meeting", content="座谈", at=bj(2026, 4, 20)
    )
    second = actions.submit_reply(proposal.pk, liaison, category="A", text="已增加学位三百个", at=bj(2026, 4, 25))
    actions.review_reply(second.pk, supervisor, accept=True, at=bj(2026, 4, 26))
    assert second.round == 2 and Reply.objects.filter(proposal=proposal).count() == 2
    assert VerdictLink.objects.filter(proposal=proposal, round=2).count() == 3


def test_the_matter_goes_red_after_its_deadline_and_the_opinion_is_urged_once(
    proposals, government, supervisor, liaison, co_liaison
):
    from luoshi.ops.daily import run_daily

    proposal = _assign(proposals["1"], supervisor, government, bj(2026, 3, 10))
    task = Task.objects.get(pk=proposal.task_id)
    assert health.compute(task, datetime.date(2026, 6, 1)).light != "red"  # no monthly reports expected
    run_daily(datetime.date(2026, 4, 8), send=False)
    run_daily(datetime.date(2026, 4, 8), send=False)
    assert Reminder.objects.filter(kind="remind", key__contains=":opinion:").count() == 1
    run_daily(datetime.date(2026, 4, 10), send=False)
    run_daily(datetime.date(2026, 4, 11), send=False)
    assert Reminder.objects.filter(kind="urge", key__contains=":opinion:").count() == 1
    assert co_liaison.notifications.filter(kind="urge").count() == 1
    assert health.compute(task, datetime.date(2026, 6, 11)).light == "red"
    totals = run_daily(datetime.date(2026, 6, 11), send=False)
    assert totals["urges"] == 1 and totals["orders"] == 1
