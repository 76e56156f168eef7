"""A small 2026 ledger seen on 12 May 2026, shared by the dashboard, circular and public tests.

- 2.x education task (州教育局 leads, 州财政局 co-unit, the leader persona): a returned January report, its
  accepted answer and an accepted February report, then nothing: red on 12 May (two reports missing).
- a transport task (州交通运输局): published, never acknowledged: yellow.
- a 格尔木市 task with a deadline of 31 March, 50 % reported: overdue and red.
Every non-public field carries the marker ``ZXLEAK`` so the public tests can prove nothing leaks.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine

from tests.support.synthetic import make_ledger  # noqa: F401 (re-exported for the tests)
from tests.web.tracking_helpers import bj

MARK = "ZXLEAK"
TODAY = bj(2026, 5, 12, 10)


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=True):
        yield TODAY.date()


@pytest.fixture
def ledger(government, supervisor, liaison, co_liaison, outsider, leader, tracked_task):
    """The sample 2026 ledger with three published tasks, their history, lights and disclosure settings."""
    from luoshi.accounts.models import Unit
    from luoshi.public import actions as public_actions
    from luoshi.tasks import actions as task_actions
    from luoshi.tasks.models import Milestone
    from luoshi.tracking import actions
    from luoshi.tracking.models import Evidence

    report = tracked_task.report
    units = Unit.objects.filter(government=government)
    education = tracked_task
    others = list(report.tasks.filter(kind="task", status="draft").exclude(pk=education.pk).order_by("position")[:2])
    transport, local = others
    with time_machine.travel(bj(2026, 1, 5, 9), tick=False):
        task_actions.update_task(
            education.pk,
            supervisor,
            education.version,
            {"task_force": f"教育{MARK}专班", "targets": f"目标{MARK}"},
        )
        task_actions.update_task(
            transport.pk, supervisor, transport.version, {"lead_unit": units.get(short_name="州交通运输局")}
        )
        task_actions.update_task(
            local.pk,
            supervisor,
            local.version,
            {
                "lead_unit": units.get(short_name="格尔木市"),
                "deadline": datetime.date(2026, 3, 31),
                "co_units": [units.get(short_name="德令哈市")],
            },
        )
        task_actions.publish(report, supervisor, [transport.pk, local.pk])
        Milestone.objects.create(task=education, title=f"节点{MARK}", due=datetime.date(2026, 12, 1))
    actions.acknowledge(education.pk, liaison, at=bj(2026, 1, 6))
    actions.acknowledge(local.pk, outsider if False else _liaison_for(government, "格尔木市"), at=bj(2026, 1, 6))
    first, _ = actions.submit_report(
        education.pk, liaison, period="2026-01", percent=10, narrative=f"退回的进展{MARK}", at=bj(2026, 1, 20)
    )
    Evidence.objects.create(progress_report=first, name=f"佐证{MARK}.pdf", kind="pdf", size=10)
    actions.review_report(first.pk, supervisor, decision="returned", reason=f"退回理由{MARK}", at=bj(2026, 1, 21))
    answer, _ = actions.submit_report(
        education.pk,
        liaison,
        period="2026-01",
        percent=12,
        narrative=f"重报{MARK}",
        milestone_note=f"节点说明{MARK}",
        at=bj(2026, 1, 22),
    )
    actions.review_report(answer.pk, supervisor, decision="accepted", at=bj(2026, 1, 23))
    feb, _ = actions.submit_report(
        education.pk, liaison, period="2026-02", percent=20, narrative=f"二月{MARK}", at=bj(2026, 2, 24)
    )
    actions.review_report(feb.pk, supervisor, decision="accepted", at=bj(2026, 2, 25))
    actions.contribute(education.pk, co_liaison, period="2026-02", narrative=f"配合{MARK}", at=bj(2026, 2, 20))
    actions.instruct(education.pk, leader, text=f"批示{MARK}", at=bj(2026, 3, 1))
    geermu = _liaison_for(government, "格尔木市")
    loc, _ = actions.submit_report(
        local.pk, geermu, period="2026-02", percent=50, narrative=f"格尔木{MARK}", at=bj(2026, 2, 24)
    )
    actions.review_report(loc.pk, supervisor, decision="accepted", at=bj(2026, 2, 25))
    actions.run_escalation(datetime.date(2026, 5, 12), send=False)
    with time_machine.travel(bj(2026, 5, 1), tick=False):
        public_actions.bulk_update(report, supervisor, [education.pk, transport.pk, local.pk], public=True)
        public_actions.set_summary(education.pk, supervisor, "新增普惠性学位一千二百个，公办园在园幼儿占比稳步提高。")
        public_actions.bulk_update(report, supervisor, [transport.pk], embargo_until=datetime.date(2026, 12, 1))
        public_actions.bulk_update(
            report, supervisor, [local.pk], fields=["show_status", "show_progress", "show_updated", "show_summary"]
        )
    for t in (education, transport, local):
        t.refresh_from_db()
    return {"report": report, "education": education, "transport": transport, "local": local}


@pytest.fixture
def marked_names(ledger, supervisor, liaison, co_liaison, outsider, leader):
    """Every user's name carries the marker too (for the leak tests)."""
    from luoshi.accounts.models import User

    for person in User.objects.all():
        person.first_name = f"{person.first_name}{MARK}名"
        person.save()
    return ledger


def _liaison_for(government, unit_label):
    from luoshi.accounts.models import Unit, User

    user = User.objects.filter(unit__short_name=unit_label, government=government).first()
    if user is None:
        user = User.objects.create(
            username=f"liaison-{unit_label}",
            role="liaison",
            government=government,
            unit=Unit.objects.get(government=government, short_name=unit_label),
            first_name="格联络员",
        )
    return user
