"""The daily run of ``send_reminders``: the escalation ladder every supervised matter has, each kind's
own steps (the proposals' opinions and commitments), then the e-mail and webhook deliveries.

It lives in ``ops``, above every kind of matter, so that a new kind adds its steps here and the ladder
below stays unaware of kinds.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from luoshi.proposals import actions as proposals
from luoshi.tracking import actions as tracking


def run_daily(today: datetime.date | None = None, *, send: bool = True) -> dict:
    """One day's escalation for every matter and kind; with ``send``, the deliveries that are due.
    Running it twice on one day sends nothing twice."""
    today = today or timezone.localdate()
    totals = tracking.run_escalation(today, send=False)
    for name, value in proposals.escalate(today).items():
        totals[name] += value
    if send:
        totals.update(tracking.dispatch())
    return totals
