"""Every multi-row write of 建议提案办理, each in one transaction, in modules by purpose:

- ``intake``: a list's dry run and all-or-nothing import, one entered by hand;
- ``handling``: 交办 with its deadline, 分办, 退回改办, 会办 opinions, contacts with the author;
- ``replies``: the reply and its review, commitments, verdict links, verdicts and 再次办理;
- ``escalation``: the proposals' own steps of the daily run (opinions and commitments due).

Views, the API and the command line validate input, ask ``luoshi.access`` and then call one function,
by its name here. ``at`` parameters exist so that history can be simulated (the demo, tests).
"""

from .escalation import escalate
from .handling import (
    assign,
    decide_relief,
    give_opinion,
    handling_months,
    months_after,
    record_contact,
    request_relief,
    split,
)
from .intake import KIND_WORDS, Intake, RowPlan, apply_intake, enter_one, ledger_title, plan_intake
from .replies import (
    issue_links,
    link_commitment,
    link_for_token,
    meet_commitment,
    record_verdict,
    review_reply,
    submit_reply,
    token_for,
)

__all__ = [
    "KIND_WORDS",
    "Intake",
    "RowPlan",
    "apply_intake",
    "assign",
    "decide_relief",
    "enter_one",
    "escalate",
    "give_opinion",
    "handling_months",
    "issue_links",
    "ledger_title",
    "link_commitment",
    "link_for_token",
    "meet_commitment",
    "months_after",
    "plan_intake",
    "record_contact",
    "record_verdict",
    "request_relief",
    "review_reply",
    "split",
    "submit_reply",
    "token_for",
]
