"""Intake of a list of suggestions or proposals: a dry run (``plan_intake``) that judges every row
without writing, and ``apply_intake`` that writes all of it in one transaction or nothing.

Each row becomes one supervised matter (``tasks.Task``: code = number, text = title, lead and co-units
from the proposed handling units) with its ``Proposal`` beside it, in the ledger of the government, year
and session (``WorkReport`` with ``source=Source.PROPOSALS``). The engine's 主办/会办 suggestion, with its
reasons, is kept in ``Task.suggestion`` as for report tasks.

Deadline: none until 交办 (``handling.assign``), which gives three months from that day by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction

from luoshi.accounts.models import Government, Unit
from luoshi.errors import ActionError
from luoshi.reports.models import Source, WorkReport
from luoshi.tasks import actions as task_actions
from luoshi.tasks.decomposing import engine_inputs, suggest_for
from luoshi.tasks.fields import split_units
from luoshi.tasks.models import Task

from ..models import Kind, Proposal

KIND_WORDS = {
    "建议": Kind.SUGGESTION,
    "代表建议": Kind.SUGGESTION,
    "人大建议": Kind.SUGGESTION,
    "人大代表建议": Kind.SUGGESTION,
    "suggestion": Kind.SUGGESTION,
    "提案": Kind.PROPOSAL,
    "委员提案": Kind.PROPOSAL,
    "政协提案": Kind.PROPOSAL,
    "政协委员提案": Kind.PROPOSAL,
    "proposal": Kind.PROPOSAL,
}
_ROLE = re.compile(r"^(.+?)[(（](主办|牵头|会办|协办|配合)[)）]$")
_NUMBER = re.compile(r"^第?\s*(\d+)\s*号?$")
MAX_ERRORS_SHOWN = 10


@dataclass
class RowPlan:
    """What one row would become, or the errors that stop it."""

    row: int
    kind: str = ""
    number: str = ""
    title: str = ""
    lead_unit: Unit | None = None
    co_units: list[Unit] = field(default_factory=list)
    suggestion: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)  # the Proposal's own fields besides kind, number, title
    errors: list[str] = field(default_factory=list)


@dataclass
class Intake:
    """The dry run of a list: a plan per row; ``ledger`` is the session's ledger if it exists already."""

    session: str
    year: int
    plans: list[RowPlan]
    ledger: WorkReport | None = None

    @property
    def errors(self) -> list[str]:
        return [f"第{p.row}行: {e}" for p in self.plans for e in p.errors]


def ledger_title(session: str) -> str:
    return f"{session}建议提案"


def _ledger(government: Government, session: str, year: int, lock: bool = False) -> WorkReport | None:
    ledgers = WorkReport.objects.filter(
        government=government, source=Source.PROPOSALS, year=year, title=ledger_title(session)[:200]
    )
    if lock:
        ledgers = ledgers.select_for_update()
    return ledgers.order_by("id").first()


def _proposed(text: str, units: dict[str, Unit], plan: RowPlan) -> None:
    """The lead unit (the one marked 主办, else the first) and co-units named in 建议承办单位."""
    lead: Unit | None = None
    named: list[Unit] = []
    for piece in split_units(text):
        marked = _ROLE.match(piece)
        label = marked.group(1) if marked else piece
        unit = units.get(label)
        if unit is None:
            plan.errors.append(f"建议承办单位“{label}”不在本级单位目录中")
            continue
        if marked and marked.group(2) in ("主办", "牵头") and lead is None:
            lead = unit
        if unit not in named:
            named.append(unit)
    if lead is None and named:
        lead = named[0]
    plan.lead_unit = lead
    plan.co_units = [u for u in named if u != lead]


def plan_intake(government: Government, rows: list[dict], *, session: str, year: int, kind: str = "") -> Intake:
    """Judge every row of a list (from ``reading.read_list``) without writing anything. ``kind``: the kind
    of a row whose list has no 类别 column (a congress's list is all 建议)."""
    session = (session or "").strip()
    if not session:
        raise ActionError("请填写届次会议 (如 第十五届人大第三次会议)")
    if kind and kind not in Kind.values:
        raise ActionError("类别应为“建议”或“提案”")
    ledger = _ledger(government, session, year)
    taken = set(Proposal.objects.filter(government=government, session=session).values_list("kind", "number"))
    units = Unit.by_label(government.pk)
    catalog, overrides = engine_inputs(government)
    first_row: dict[tuple[str, str], int] = {}
    plans = []
    for row in rows:
        plan = RowPlan(row=int(row.get("_row", 0)))
        plans.append(plan)
        written_kind = "".join(str(row.get("kind", "")).split())
        if written_kind:
            plan.kind = KIND_WORDS.get(written_kind, "")
            if not plan.kind:
                plan.errors.append(f"类别“{written_kind}”无效: 应为“建议”或“提案”")
        elif kind:
            plan.kind = kind
        else:
            plan.errors.append("缺少类别: 应为“建议”或“提案”")
        number = str(row.get("number", "")).strip()
        digits = _NUMBER.match(number)
        plan.number = digits.group(1) if digits else number
        if not plan.number:
            plan.errors.append("缺少编号")
        elif len(plan.number) > 40:
            plan.errors.append("编号过长 (最多40个字符)")
        plan.title = " ".join(str(row.get("title", "")).split())
        if not plan.title:
            plan.errors.append("缺少标题(案由)")
        elif len(plan.title) > 300:
            plan.errors.append("标题过长 (最多300个字)")
        if plan.kind and plan.number:
            key = (plan.kind, plan.number)
            label = Kind(plan.kind).label
            if key in taken:
                plan.errors.append(f"{session}{label}第{plan.number}号已在台账中")
            elif key in first_row:
                plan.errors.append(f"{label}编号“{plan.number}”在清单中重复 (与第{first_row[key]}行)")
            else:
                first_row[key] = plan.row
        proposed = str(row.get("proposed_units", "")).strip()
        _proposed(proposed, units, plan)
        plan.fields = {
            "lead_author": str(row.get("lead_author", "")).strip()[:100],
            "co_signers": str(row.get("co_signers", "")).strip(),
            "group": str(row.get("group", "")).strip()[:100],
            "content": str(row.get("content", "")).strip(),
            "proposed_units": proposed,
        }
        if catalog is not None and plan.title:
            plan.suggestion = suggest_for(plan.title, catalog, overrides, section=plan.fields["content"][:200])
    return Intake(session=session, year=year, plans=plans, ledger=ledger)


@transaction.atomic
def apply_intake(
    government: Government, actor, rows: list[dict], *, session: str, year: int, kind: str = ""
) -> tuple[WorkReport, list[Proposal]]:
    """Write the whole list — every matter with its Proposal, in the session's ledger (opened if new) —
    or, if any row has an error, nothing: ActionError naming the rows."""
    _ledger(government, (session or "").strip(), year, lock=True)
    intake = plan_intake(government, rows, session=session, year=year, kind=kind)
    errors = intake.errors
    if errors:
        shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
        more = f" 等 {len(errors)} 处" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise ActionError(f"清单有错误, 未导入任何内容: {shown}{more}")
    drafts = [
        task_actions.DraftTask(
            code=p.number,
            kind="task",
            text=p.title,
            span=None,
            section_title=Kind(p.kind).label,
            theme_title=p.fields["group"][:300],
            suggestion=p.suggestion,
        )
        for p in intake.plans
    ]
    ledger = intake.ledger
    if ledger is None:
        ledger = task_actions.open_ledger(
            government, actor, source=Source.PROPOSALS, year=year, title=ledger_title(intake.session), drafts=drafts
        )
        tasks = list(Task.objects.filter(report=ledger).order_by("position", "id"))
    else:
        tasks = task_actions.add_to_ledger(ledger, actor, drafts)
    proposals = []
    for plan, task in zip(intake.plans, tasks, strict=True):
        task_actions.update_task(
            task.pk,
            actor,
            task.version,
            {"lead_unit": plan.lead_unit, "co_units": plan.co_units},
            learn=False,
        )
        proposals.append(
            Proposal.objects.create(
                task=task,
                government=government,
                kind=plan.kind,
                session=intake.session,
                number=plan.number,
                **plan.fields,
            )
        )
    return ledger, proposals


def enter_one(government: Government, actor, *, session: str, year: int, **row) -> Proposal:
    """One suggestion or proposal entered by hand (a late one, or one handed over on paper): the same
    checks and writes as a list of one row. ``row``: kind, number, title, lead_author, co_signers, group,
    content, proposed_units."""
    rows = [{**row, "_row": 1}]
    with transaction.atomic():
        _ledger(government, (session or "").strip(), year, lock=True)
        errors = plan_intake(government, rows, session=session, year=year).plans[0].errors
        if errors:
            raise ActionError("；".join(errors))
        _, proposals = apply_intake(government, actor, rows, session=session, year=year)
    return proposals[0]
