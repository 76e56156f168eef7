"""The proposals' own steps of the daily escalation run, beside the ladder every matter has (a reminder
before the reply's deadline, 催办 after it, 督办单 when red: ``tracking.actions.run_escalation``):

- a 会办 unit that has not sent its opinion: a reminder before it is due, 催办 after;
- a B-category commitment not yet met: a reminder before its date, 催办 after.

Each step is a ``tracking.models.Reminder`` whose unique key makes running twice send nothing twice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction

from luoshi.tasks.models import Status
from luoshi.tracking import actions as tracking
from luoshi.tracking.models import Reminder

from ..models import Commitment, Opinion, Proposal
from .handling import page


def _remind_or_urge(
    task, unit, *, ident: str, due: datetime.date, subject: str, today: datetime.date, counts: dict, url: str = ""
) -> None:
    remind_days = settings.LUOSHI_REMIND_DAYS
    if 0 <= (due - today).days <= remind_days:
        kind, title = "remind", f"提醒: {task.code} {subject}将于 {due:%Y-%m-%d} 到期"
    elif due < today:
        kind, title = "urge", f"催办: {task.code} {subject}已于 {due:%Y-%m-%d} 到期"
    else:
        return
    key = f"{kind}:{task.pk}:{ident}"
    if tracking.step(Reminder, kind=kind, task=task, due=due, subject=subject[:200], key=key[:120], on=today):
        counts["reminders" if kind == "remind" else "urges"] += 1
        if kind == "urge":  # the 催办 takes the place of the reminder of the same thing
            tracking.settle(task, ["remind"], users=tracking.liaisons(unit), subjects=[subject[:200]])
        counts["notifications"] += tracking.notify(
            tracking.liaisons(unit),
            task=task,
            kind=kind,
            title=title,
            body=task.text[:80],
            units=[unit],
            on=today,
            url=url,
        )


def escalate(today: datetime.date) -> dict:
    """The day's opinion and commitment steps for every suggestion and proposal."""
    counts = {"reminders": 0, "urges": 0, "notifications": 0}
    waiting = (
        Proposal.objects.filter(
            assigned_on__isnull=False,
            task__status__in=[Status.ASSIGNED, Status.ACKNOWLEDGED, Status.IN_PROGRESS],
        )
        .select_related("task")
        .prefetch_related("task__co_units")
        .order_by("pk")
    )
    given = set(Opinion.objects.values_list("proposal_id", "round", "unit_id"))
    for proposal in waiting:
        due = proposal.opinion_due
        assert due is not None
        for unit in proposal.task.co_units.all():
            if (proposal.pk, proposal.round, unit.pk) in given:
                continue
            with transaction.atomic():
                _remind_or_urge(
                    proposal.task,
                    unit,
                    ident=f"opinion:{proposal.round}:{unit.pk}",
                    due=due,
                    subject=f"{unit.label}会办意见",
                    today=today,
                    counts=counts,
                    url=page(proposal, "opinions"),
                )
    promised = (
        Commitment.objects.filter(met_at__isnull=True, due__isnull=False)
        .select_related("proposal__task", "unit")
        .order_by("due", "pk")
    )
    for commitment in promised:
        assert commitment.due is not None
        with transaction.atomic():
            _remind_or_urge(
                commitment.proposal.task,
                commitment.unit,
                ident=f"commitment:{commitment.pk}",
                due=commitment.due,
                subject=f"答复承诺“{commitment.text[:30]}”",
                today=today,
                counts=counts,
                url=page(commitment.proposal, "commitments"),
            )
    return counts
