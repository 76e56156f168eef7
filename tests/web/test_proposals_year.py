"""A simulated year of 建议提案办理, day by day: intake → 交办 → 签收 → 会办 opinion → contact → reply →
review → verdict → 再次办理, with the daily run (``send_reminders``'s ``run_daily``) every day, through a
real SMTP receiver and a real HTTP (webhook) receiver. Every deadline and every escalation step fires
exactly once, and running a day again sends nothing."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from luoshi.ops.daily import run_daily
from luoshi.proposals import actions
from luoshi.proposals.models import Commitment, Proposal, Reply, VerdictLink
from luoshi.tasks.models import Status, Task
from luoshi.tracking import actions as tracking
from luoshi.tracking import health
from luoshi.tracking.models import Notification, Reminder, SupervisionOrder, Webhook
from tests.web.test_proposals import _import
from tests.web.tracking_helpers import HttpReceiver, SmtpReceiver, bj

D = datetime.date


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


@pytest.fixture
def people(liaison, co_liaison, leader, supervisor):
    liaison.email, co_liaison.email = "jiaoyu@example.gov.cn", "caizheng@example.gov.cn"
    leader.email, supervisor.email = "lingdao@example.gov.cn", "ducha@example.gov.cn"
    for user in (liaison, co_liaison, leader, supervisor):
        user.save()
    return liaison, co_liaison, leader


def _verdict(proposal, opinion, comment, at):
    link = VerdictLink.objects.get(proposal=proposal, round=proposal.round, lead=True)
    return actions.record_verdict(actions.token_for(link), opinion=opinion, comment=comment, at=at)


def test_a_simulated_year_of_proposals_fires_every_deadline_and_escalation_once(
    government, supervisor, people, smtp, http
):
    liaison, co_liaison, leader = people
    education = government.units.get(short_name="州教育局")
    finance = government.units.get(short_name="州财政局")
    Webhook.objects.create(unit=education, kind="generic", url=f"{http.url}/hook")
    _, rows = _import(government, supervisor)
    first = next(p for p in rows if p.number == "1")  # answered, judged 不满意, handled again
    late = next(p for p in rows if p.number == "4")  # never answered: overdue

    def events(day: D) -> None:
        at = bj(day.year, day.month, day.day, 10)
        if day == D(2026, 3, 10):
            actions.assign(first.pk, supervisor, lead_unit=education, co_units=[finance], at=at)
            actions.assign(late.pk, supervisor, lead_unit=education, key=True, leader=leader, at=at)
        elif day == D(2026, 3, 11):
            tracking.acknowledge(first.task_id, liaison, at=at)
            tracking.acknowledge(late.task_id, liaison, at=at)
        elif day == D(2026, 4, 12):
            actions.give_opinion(first.pk, co_liaison, text="州财政局将统筹安排学前教育专项资金。", at=at)
        elif day == D(2026, 4, 15):
            actions.record_contact(first.pk, liaison, on=day, way="visit", content="走访王海燕代表, 听取意见。", at=at)
        elif day == D(2026, 5, 20):
            actions.submit_reply(
                first.pk,
                liaison,
                category="B",
                text="新建幼儿园一所已列入2027年计划。",
                commitments=[{"text": "2026年8月底前完成新园选址", "due": "2026-08-31"}],
                publishable=True,
                at=at,
            )
        elif day == D(2026, 5, 22):
            actions.review_reply(
                Reply.objects.get(status="submitted").pk, supervisor, accept=False, reason="请写明资金安排", at=at
            )
        elif day == D(2026, 5, 25):
            actions.submit_reply(
                first.pk,
                liaison,
                category="B",
                text="新建幼儿园一所已列入2027年计划, 州财政安排资金800万元。",
                commitments=[{"text": "2026年8月底前完成新园选址", "due": "2026-08-31"}],
                publishable=True,
                at=at,
            )
        elif day == D(2026, 5, 27):
            actions.review_reply(Reply.objects.get(status="submitted").pk, supervisor, accept=True, at=at)
        elif day == D(2026, 6, 1):
            _verdict(Proposal.objects.get(pk=first.pk), "unsatisfied", "今年秋季学位缺口仍未解决。", at)
        elif day == D(2026, 6, 10):
            actions.give_opinion(first.pk, co_liaison, text="同意调剂闲置校舍。", at=at)
        elif day == D(2026, 6, 15):
            actions.record_contact(first.pk, liaison, on=day, way="meeting", content="座谈面商调剂校舍方案。", at=at)
        elif day == D(2026, 6, 20):
            actions.submit_reply(first.pk, liaison, category="A", text="已调剂闲置校舍, 秋季新增学位三百个。", at=at)
        elif day == D(2026, 6, 22):
            actions.review_reply(Reply.objects.get(status="submitted").pk, supervisor, accept=True, at=at)
        elif day == D(2026, 6, 25):
            _verdict(Proposal.objects.get(pk=first.pk), "satisfied", "问题已解决。", at)
        elif day == D(2026, 8, 30):
            actions.meet_commitment(Commitment.objects.get().pk, liaison, note="新园选址已完成。", at=at)

    totals: dict[str, int] = {}
    day = D(2026, 3, 10)
    while day <= D(2026, 9, 10):
        with time_machine.travel(bj(day.year, day.month, day.day, 18), tick=False):  # that evening
            events(day)
            for name, value in run_daily().items():
                totals[name] = totals.get(name, 0) + value
        day += datetime.timedelta(days=1)

    first.refresh_from_db()
    assert first.round == 2 and Task.objects.get(pk=first.task_id).status == Status.CLOSED
    assert [(r.round, r.category, r.status) for r in first.replies.all()] == [
        (1, "B", "returned"),
        (1, "B", "accepted"),
        (2, "A", "accepted"),
    ]
    assert [(v.round, v.opinion) for v in first.verdicts.filter(lead=True)] == [(1, "unsatisfied"), (2, "satisfied")]

    # each deadline's steps, once each
    steps = {(r.kind, r.subject, r.due) for r in Reminder.objects.all()}
    assert steps == {
        ("remind", "州财政局会办意见", D(2026, 4, 9)),
        ("urge", "州财政局会办意见", D(2026, 4, 9)),
        ("remind", "任务完成时限", D(2026, 6, 10)),  # the overdue one
        ("urge", "任务完成时限", D(2026, 6, 10)),
        ("remind", "答复承诺“2026年8月底前完成新园选址”", D(2026, 8, 31)),
    }, steps
    assert Reminder.objects.count() == 5
    assert [(o.task_id, o.on) for o in SupervisionOrder.objects.all()] == [(late.task_id, D(2026, 6, 11))]
    assert health.compute(Task.objects.get(pk=late.task_id), D(2026, 6, 11)).light == "red"
    assert totals["reminders"] == 3 and totals["urges"] == 2 and totals["orders"] == 1 and totals["failed"] == 0

    # the same day again sends nothing
    with time_machine.travel(bj(2026, 9, 10, 20), tick=False):
        again = run_daily()
    assert again["reminders"] == again["urges"] == again["orders"] == again["deliveries"] == 0

    # by e-mail: each step to the unit it concerns, once; the 督办单 to the unit and the 领办 leader
    def lines(address):
        return [line for m in smtp.to(address) for line in m["body"].splitlines() if re.match(r"\d+\. ", line)]

    education_lines, finance_lines = lines(liaison.email), lines(co_liaison.email)
    assert sum("提醒" in t and "会办意见" in t for t in finance_lines) == 1
    assert sum("催办" in t and "会办意见" in t for t in finance_lines) == 1
    assert sum("提醒" in t and "完成时限" in t for t in education_lines) == 1
    assert sum("催办" in t and "完成时限" in t for t in education_lines) == 1
    assert sum("答复承诺" in t for t in education_lines) == 1
    assert sum("督办单" in t for t in education_lines) == 1
    assert sum("再次办理" in t for t in education_lines) == 1
    assert sum("交办" in t for t in education_lines) == 2 and sum("交办" in t for t in finance_lines) == 1
    leader_lines = lines(leader.email)
    assert sum("督办单" in t for t in leader_lines) == 1
    for address in (liaison.email, co_liaison.email):
        subjects = [m["subject"] for m in smtp.to(address)]
        assert len(set(subjects)) == len(subjects)  # one digest a day at most

    # the unit's webhook got the same items as its liaison's mail
    hooked = [item["title"] for body in http.json() for item in body["items"]]
    assert sorted(hooked) == sorted(t.split(". ", 1)[1] for t in education_lines)
    assert Notification.objects.filter(user=supervisor, kind="verdict").count() == 2
