"""Property tests (hypothesis) of a project's stored money: for generated sequences of period reports with
valid and invalid money, indicator values and stage dates, after every attempt

- the sums reconcile: the budget lines add up to the budget;
- every stored Spending has spent ≤ disbursed ≤ received ≤ budget, unless the office allowed an overrun;
- the cumulative figures never decrease from one report to the next;
- an attempt is accepted exactly when its input is valid (an independent oracle below), and then stores
  exactly its figures; a rejected attempt leaves the Spending rows, progress reports, stage actuals and
  indicator values exactly as they were.

The world (a published, acknowledged project) is made once per test; each example runs inside a
transaction that is rolled back, so every example starts from the same stored figures.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from luoshi.errors import ActionError
from luoshi.projects import actions
from luoshi.projects.models import BudgetLine, IndicatorValue, Project, Spending, Stage
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking
from luoshi.tracking.models import ProgressReport
from tests.web.test_projects import plan
from tests.web.tracking_helpers import bj

D = datetime.date
M = Decimal
BUDGET = M("3000.00")
START = D(2026, 1, 1)


class Rollback(Exception):
    """Raised at the end of an example to roll its transaction back."""


@pytest.fixture
def project(government, supervisor, liaison, leader):
    (made,) = actions.open_projects(government, supervisor, 2026, [plan(government)])
    task = Task.objects.get(pk=made.task_id)
    task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader, "cycle": "monthly"})
    task_actions.publish(task.report, supervisor, [task.pk], at=bj(2026, 1, 5))
    tracking.acknowledge(task.pk, liaison, at=bj(2026, 1, 6))
    return Project.objects.get(pk=made.pk)


# A figure as typed: a valid amount (kept near the budget so that orders and overruns both happen), or one
# of the ways of getting it wrong. Each is (what is sent, its Decimal if valid else None).
valid_amounts = st.decimals(min_value=0, max_value=M("3300"), places=2, allow_nan=False, allow_infinity=False)
figures = st.one_of(
    valid_amounts.map(lambda v: (f"{v:f}", v)),
    valid_amounts.map(lambda v: (f"{v:f}", v)),
    valid_amounts.map(lambda v: (f"{v:f}", v)),
    st.decimals(max_value=M("-0.01"), min_value=M("-9999"), places=2).map(lambda v: (f"{v:f}", None)),
    st.decimals(min_value=0, max_value=M("3000"), places=3)
    .filter(lambda v: v != v.quantize(M("0.01")))
    .map(lambda v: (f"{v:f}", None)),
    st.sampled_from(["abc", "三千", "", "1.2.3", "NaN"]).map(lambda t: (t, None)),
    st.floats(min_value=0, max_value=3000, allow_nan=False).map(lambda f: (f, None)),
)
indicator_values = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=M("1000"), places=2, allow_nan=False, allow_infinity=False).map(
        lambda v: (f"{v:f}", True)
    ),
    st.sampled_from(["-1", "九十", "1.23456"]).map(lambda t: (t, False)),
)
deltas = st.decimals(min_value=0, max_value=M("700"), places=2, allow_nan=False, allow_infinity=False)
attempts = st.fixed_dictionaries(
    {
        # "grow": the last figures plus these deltas, kept in order (mostly valid); "typed": the three figures
        "grow": st.one_of(st.none(), st.tuples(deltas, deltas, deltas, st.sampled_from(["plain", "commas", "万元"]))),
        "month": st.integers(min_value=0, max_value=2),  # months after the last attempt's (0: the same)
        "received": figures,
        "disbursed": figures,
        "spent": figures,
        "stage": st.one_of(
            st.none(),
            st.tuples(st.integers(min_value=0, max_value=4), st.integers(min_value=-40, max_value=25)),
        ),  # (which stage, its date in days after the 1st of the month: negative before the start in January)
        "indicator": indicator_values,
        "percent": st.integers(min_value=0, max_value=100),
    }
)


def stored(project) -> dict:
    """Everything a report writes, as it stands."""
    return {
        "spendings": list(
            Spending.objects.filter(project=project)
            .order_by("id")
            .values_list("id", "progress_report_id", "received", "disbursed", "spent")
        ),
        "reports": list(
            ProgressReport.objects.filter(task_id=project.task_id)
            .order_by("id")
            .values_list("id", "period", "percent", "submitted_at")
        ),
        "stages": list(Stage.objects.filter(project=project).order_by("id").values_list("id", "actual")),
        "values": list(
            IndicatorValue.objects.filter(indicator__project=project)
            .order_by("id")
            .values_list("id", "progress_report_id", "indicator_id", "actual")
        ),
    }


def check_invariants(project: Project, overrun: bool) -> None:
    project.refresh_from_db()
    lines = BudgetLine.objects.filter(project=project).values_list("amount", flat=True)
    assert sum(lines, M("0.00")) == project.budget == BUDGET
    rows = list(Spending.objects.filter(project=project).order_by("progress_report__submitted_at", "id"))
    for row in rows:
        assert all(isinstance(v, Decimal) for v in (row.received, row.disbursed, row.spent))
        if not overrun:
            assert row.spent <= row.disbursed <= row.received <= project.budget
    for before, after in itertools.pairwise(rows):
        assert after.received >= before.received and after.disbursed >= before.disbursed
        assert after.spent >= before.spent


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(overrun=st.booleans(), sequence=st.lists(attempts, min_size=1, max_size=6))
def test_after_every_report_the_stored_money_reconciles_and_a_refusal_changes_nothing(
    project, supervisor, liaison, overrun, sequence
):
    try:
        with transaction.atomic():
            _play(project, supervisor, liaison, overrun, sequence)
            raise Rollback
    except Rollback:
        pass
    assert stored(project)["spendings"] == []  # rolled back: the next example starts afresh


def _play(project, supervisor, liaison, overrun, sequence) -> None:
    if overrun:
        actions.allow_overrun(project.pk, supervisor, allowed=True, reason="县级先行垫付")
    stages = list(Stage.objects.filter(project=project).order_by("position"))
    indicator = project.indicators.order_by("position").first()
    last: tuple[Decimal, Decimal, Decimal] | None = None
    pending: set[str] = set()  # periods reported and awaiting review: a second report is refused
    month = 1
    for attempt in sequence:
        month = min(month + attempt["month"], 12)
        today = D(2026, month, 20)
        period = f"2026-{month:02d}"
        sent = {name: attempt[name][0] for name in ("received", "disbursed", "spent")}
        parsed = [attempt[name][1] for name in ("received", "disbursed", "spent")]
        if attempt["grow"] is not None:
            *add, style = attempt["grow"]
            base = last or (M("0.00"), M("0.00"), M("0.00"))
            received = min(base[0] + add[0], BUDGET)
            disbursed = min(base[1] + add[1], received)
            spent = min(base[2] + add[2], disbursed)
            parsed = [received, disbursed, spent]
            text = {"plain": "{:f}", "commas": "{:,f}", "万元": "{:f}万元"}[style]
            sent = {name: text.format(v) for name, v in zip(("received", "disbursed", "spent"), parsed, strict=True)}
        stages_done = {}
        stage_ok = True
        if attempt["stage"] is not None:
            index, offset = attempt["stage"]
            day = D(2026, month, 1) + datetime.timedelta(days=offset)
            stages_done[stages[index].pk] = day
            stage_ok = START <= day <= today
        values = {}
        value_ok = True
        if attempt["indicator"] is not None:
            values[indicator.pk] = attempt["indicator"][0]
            value_ok = attempt["indicator"][1]

        # the oracle: what the rules say of this attempt, written without luoshi.projects.money
        valid = all(v is not None for v in parsed) and stage_ok and value_ok and period not in pending
        if valid:
            received, disbursed, spent = parsed
            if not overrun and not (spent <= disbursed <= received <= BUDGET):
                valid = False
            if last is not None and any(now < before for now, before in zip(parsed, last, strict=True)):
                valid = False

        before = stored(project)
        try:
            _, spending = actions.report_period(
                project.pk,
                liaison,
                period=period,
                percent=attempt["percent"],
                narrative="按计划推进",
                stages_done=stages_done,
                indicators=values,
                at=bj(2026, month, 20),
                **sent,
            )
        except ActionError:
            event("refused")
            assert not valid, (attempt, last)
            assert stored(project) == before  # nothing half-saved
        else:
            event("accepted")
            assert valid, (attempt, last)
            assert (spending.received, spending.disbursed, spending.spent) == tuple(parsed)
            after = stored(project)
            assert len(after["spendings"]) == len(before["spendings"]) + 1
            assert len(after["reports"]) == len(before["reports"]) + 1
            last = (spending.received, spending.disbursed, spending.spent)
            pending.add(period)
        check_invariants(project, overrun)
