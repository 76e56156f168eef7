"""Every multi-row write of 民生实事, each in one transaction, in modules by purpose:

- ``setup``: funding sources, candidates and the vote, opening the year's projects (by hand, from the
  vote or from the list import), budget by source, stages, indicators, overrun permission, the link to
  the report task that promised the project;
- ``reporting``: a period's report with its money, indicator actuals and stages done;
- ``evaluation``: the year-end self-evaluation and the office's adjustment;
- ``importing``: the project list with its budget table, dry run (``plan_import``) then all or nothing
  (``apply_import``).

Views, the API and the command line validate input, ask ``luoshi.access`` and then call one function,
by its name here. Amounts are read by ``luoshi.projects.money``.
"""

from .evaluation import adjust, default_weights, evaluate, indicator_score, score
from .importing import ImportPlan, RowPlan, apply_import, plan_import
from .reporting import report_period
from .setup import (
    ProjectPlan,
    add_candidates,
    allow_overrun,
    check_plan,
    choose_projects,
    default_stages,
    ledger_of,
    ledger_title,
    link_promise,
    open_projects,
    record_votes,
    set_bands,
    set_budget,
    set_indicators,
    set_sources,
    set_stages,
    sources,
)

__all__ = [
    "ImportPlan",
    "ProjectPlan",
    "RowPlan",
    "add_candidates",
    "adjust",
    "allow_overrun",
    "apply_import",
    "check_plan",
    "choose_projects",
    "default_stages",
    "default_weights",
    "evaluate",
    "indicator_score",
    "ledger_of",
    "ledger_title",
    "link_promise",
    "open_projects",
    "plan_import",
    "record_votes",
    "report_period",
    "score",
    "set_bands",
    "set_budget",
    "set_indicators",
    "set_sources",
    "set_stages",
    "sources",
]
