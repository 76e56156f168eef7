"""Every multi-row write of 落实 tracking, each in one transaction, in modules by purpose:

- ``notify``: inbox items, digests and their delivery; who is told about a task; settling the items
  whose thing is done;
- ``lights``: recording a change of light; a ledger's tracking settings;
- ``progress``: 签收, progress reports, co-units' parts, review;
- ``requests``: extension and closing requests and their decisions, 批示;
- ``declines``: 拒签收 / 申请调整 by the lead unit, and the office's reassignment or insistence;
- ``escalation``: the daily ladder of reminders, 催办 and 督办单.

Views, the API and the command line validate input, ask ``luoshi.access`` and then call one function,
by its name here. ``at``/``on`` parameters exist so that history can be simulated (the demo, tests);
they default to now.
"""

from .declines import decide_decline, request_decline
from .escalation import escalate_task, run_escalation, step
from .lights import record_health, settings_for
from .notify import dispatch, liaisons, mark_read, matching, notify, settle, supervisors, task_url
from .progress import acknowledge, contribute, open_period, review_report, submit_report
from .requests import decide_closing, decide_extension, instruct, request_closing, request_extension

__all__ = [
    "acknowledge",
    "contribute",
    "decide_closing",
    "decide_decline",
    "decide_extension",
    "dispatch",
    "escalate_task",
    "instruct",
    "liaisons",
    "mark_read",
    "matching",
    "notify",
    "open_period",
    "record_health",
    "request_closing",
    "request_decline",
    "request_extension",
    "review_report",
    "run_escalation",
    "settings_for",
    "settle",
    "step",
    "submit_report",
    "supervisors",
    "task_url",
]
