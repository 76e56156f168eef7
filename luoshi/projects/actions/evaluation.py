"""Year-end self-evaluation (绩效自评) of a project, after the national framework for project spending
(财政部《项目支出绩效评价管理办法》, 财预〔2020〕10号): unless the office sets its own, budget execution
weighs 10 points, output indicators 50, effect indicators 30 and satisfaction 10, each level's points
shared equally among its indicators.

Scoring one indicator of weight *w* against its target (actual *a*, target *t*):
- ``>=``: *w* × min(1, *a*/*t*);  ``<=``: *w* if *a* ≤ *t*, else *w* × *t*/*a*;
- ``=``: *w* if *a* = *t*, else *w* × max(0, 1 − |*a* − *t*|/*t*);
- ``range`` [*t*, *u*]: *w* inside, *w* × *a*/*t* below, *w* × *u*/*a* above;
- no actual reported: 0.
Budget execution: *w* × min(1, spent ÷ budget). Scores are rounded half up to two places; the total is
their sum; the grade 优/良/中/差 follows (≥ 90, ≥ 80, ≥ 60). The unit explains every indicator that
lost points; the office may adjust the total with its reason (audited).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from luoshi.audit import trail
from luoshi.errors import ActionError

from ..lights import latest_spending
from ..models import Evaluation, Indicator, IndicatorValue, Project

LEVEL_POINTS = {
    Indicator.Level.OUTPUT: Decimal(50),
    Indicator.Level.EFFECT: Decimal(30),
    Indicator.Level.SATISFACTION: Decimal(10),
}
BUDGET_POINTS = Decimal(10)
TWO = Decimal("0.01")


def points(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def indicator_score(indicator: Indicator, actual: Decimal | None, weight: Decimal) -> Decimal:
    if actual is None:
        return Decimal("0.00")
    target = indicator.value
    if indicator.comparator == ">=":
        share = Decimal(1) if target <= 0 else min(Decimal(1), actual / target)
    elif indicator.comparator == "<=":
        share = Decimal(1) if actual <= target else (target / actual if actual > 0 else Decimal(1))
    elif indicator.comparator == "=":
        share = (
            Decimal(1)
            if actual == target
            else (max(Decimal(0), 1 - abs(actual - target) / target) if target else Decimal(0))
        )
    else:
        top = indicator.value_max if indicator.value_max is not None else target
        if actual < target:
            share = actual / target if target > 0 else Decimal(0)
        elif actual > top:
            share = top / actual
        else:
            share = Decimal(1)
    return points(weight * share)


def default_weights(indicators: list[Indicator]) -> dict[int, Decimal]:
    """Each indicator's weight: the office's where set (any non-zero), else its level's points shared
    equally (the last indicator of a level takes the rounding remainder, so a level sums exactly)."""
    if any(i.weight for i in indicators):
        return {i.pk: i.weight for i in indicators}
    out: dict[int, Decimal] = {}
    for level, total in LEVEL_POINTS.items():
        group = [i for i in indicators if i.level == level]
        if not group:
            continue
        each = points(total / len(group))
        for i in group[:-1]:
            out[i.pk] = each
        out[group[-1].pk] = total - each * (len(group) - 1)
    return out


def latest_actuals(project: Project) -> dict[int, Decimal]:
    """Each indicator's latest actual value from a report not returned."""
    rows = (
        IndicatorValue.objects.filter(indicator__project=project)
        .exclude(progress_report__review__decision="returned")
        .order_by("progress_report__submitted_at", "id")
    )
    return {row.indicator_id: row.actual for row in rows}


def score(project: Project) -> dict:
    """The evaluation's figures from the record: lines per indicator, budget execution, total."""
    indicators = list(project.indicators.all())
    weights = default_weights(indicators)
    actuals = latest_actuals(project)
    lines: list[dict[str, str | int | None]] = []
    scores: list[Decimal] = []
    for indicator in indicators:
        weight = weights.get(indicator.pk, Decimal(0))
        actual = actuals.get(indicator.pk)
        scores.append(indicator_score(indicator, actual, weight))
        lines.append(
            {
                "indicator": indicator.pk,
                "name": indicator.name,
                "level": indicator.level,
                "target": indicator.target_text(),
                "actual": None if actual is None else f"{actual.normalize():f}",
                "weight": f"{weight}",
                "score": f"{scores[-1]}",
                "explanation": "",
            }
        )
    spending = latest_spending(project, timezone.localdate())
    spent = spending.spent if spending else Decimal(0)
    rate = points(Decimal(100) * spent / project.budget) if project.budget > 0 else Decimal(0)
    budget_score = points(BUDGET_POINTS * min(Decimal(1), rate / 100))
    total = budget_score + sum(scores, Decimal(0))
    return {"lines": lines, "budget_rate": rate, "budget_score": budget_score, "total": points(total)}


@transaction.atomic
def evaluate(project_id: int, actor, *, explanations: dict[int, str], submit: bool = False, at=None) -> Evaluation:
    """The unit's self-evaluation, scored from the record; each indicator that lost points needs the unit's
    explanation before it is submitted."""
    project = Project.objects.select_for_update().select_related("task").get(pk=project_id)
    evaluation, _ = Evaluation.objects.select_for_update().get_or_create(project=project)
    if evaluation.status == Evaluation.Status.CONFIRMED:
        raise ActionError("自评已由督查室确认, 不能再修改")
    figures = score(project)
    missing = []
    for line in figures["lines"]:
        line["explanation"] = str(explanations.get(line["indicator"], "") or "").strip()[:1000]
        if Decimal(str(line["score"])) < Decimal(str(line["weight"])) and not line["explanation"]:
            missing.append(line["name"])
    if submit and missing:
        raise ActionError(f"请说明未达目标的原因: {'、'.join(missing)}")
    old = f"{evaluation.total}"
    evaluation.lines = figures["lines"]
    evaluation.budget_rate = figures["budget_rate"]
    evaluation.budget_score = figures["budget_score"]
    evaluation.total = figures["total"]
    if submit:
        evaluation.status = Evaluation.Status.SUBMITTED
        evaluation.submitted_by = actor
        evaluation.submitted_at = at or timezone.now()
    evaluation.save()
    trail.record(
        actor,
        model="Evaluation",
        object_id=evaluation.pk,
        field="total",
        old=old,
        new=f"{evaluation.total}",
        task=project.task,
        at=at,
    )
    return evaluation


@transaction.atomic
def adjust(project_id: int, actor, *, total, reason: str, at=None) -> Evaluation:
    """The office adjusts the score with its reason (audited) and confirms the evaluation."""
    evaluation = Evaluation.objects.select_for_update().select_related("project__task").get(project_id=project_id)
    reason = (reason or "").strip()
    if evaluation.status == Evaluation.Status.DRAFT:
        raise ActionError("单位尚未提交自评")
    if not reason:
        raise ActionError("调整得分须说明理由")
    try:
        value = Decimal(str(total).strip())
    except Exception:
        raise ActionError("调整后得分应为0到100之间的数字") from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise ActionError("调整后得分应为0到100之间的数字")
    task = evaluation.project.task
    trail.set_fields(
        actor,
        evaluation,
        {"adjusted_total": points(value), "adjust_reason": reason, "status": Evaluation.Status.CONFIRMED},
        task=task,
        at=at,
    )
    evaluation.save()
    return evaluation
