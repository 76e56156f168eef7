"""Every multi-row write of the ledger, each in one transaction, each field change audited.

Views and the API validate input, ask ``access`` and then call one function of this package, by its
name here (``actions.update_task(...)``); the modules say what the writes are for:

- ``editing``: a task's fields, a selection's, the engine's suggestions, the spreadsheet, milestones,
  one lifecycle step, publishing (交办);
- ``outline``: merging, splitting and renumbering draft tasks;
- ``importing``: opening a ledger with its drafts (``DraftTask``): saving a decomposed report,
  re-importing a corrected text, or a ledger of another source (``open_ledger``, and ``add_to_ledger``
  for more of its matters).
"""

from __future__ import annotations

from .editing import (
    CO_UNIT_ACCEPT_MIN,
    EDITABLE_FIELDS,
    M2M_FIELDS,
    accept_suggestions,
    add_milestone,
    apply_ledger_import,
    bulk_update,
    delete_milestone,
    display,
    learn_override,
    ledger_import_refusal,
    move,
    publish,
    set_milestone_done,
    tags_for,
    update_task,
)
from .importing import SIMILAR_ENOUGH, DraftTask, add_to_ledger, import_report, open_ledger, reimport_report
from .outline import merge_with_next, renumber, split_task

__all__ = [
    "CO_UNIT_ACCEPT_MIN",
    "EDITABLE_FIELDS",
    "M2M_FIELDS",
    "SIMILAR_ENOUGH",
    "DraftTask",
    "accept_suggestions",
    "add_milestone",
    "add_to_ledger",
    "apply_ledger_import",
    "bulk_update",
    "delete_milestone",
    "display",
    "import_report",
    "learn_override",
    "ledger_import_refusal",
    "merge_with_next",
    "move",
    "open_ledger",
    "publish",
    "reimport_report",
    "renumber",
    "set_milestone_done",
    "split_task",
    "tags_for",
    "update_task",
]
