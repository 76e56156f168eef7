"""The action error and the refusal texts: one home for what the web pages and the API say when
a request is refused.

An action (``*/actions.py``) raises :class:`ActionError` with one Chinese line for the user; a view
shows it as a message, the API as ``{"detail": …}`` with status 400 (409 for a
:class:`ConflictError`). A refusal for lack of permission (a logged-in user who may see the matter
but not do this to it) uses one of the ``REFUSED_*`` texts below, the same on a page and in the API.
"""

from __future__ import annotations

CONFLICT_MESSAGE = "该任务已被他人修改, 请刷新后重试"

# Refusals: the user may read the matter but not do this to it (a page shows it, the API answers 403).
REFUSED_EDIT = "只有督查室可以修改任务"
REFUSED_ACKNOWLEDGE = "只有牵头单位可以签收已交办的任务"
REFUSED_REPORT = "只有已签收任务的牵头单位可以报送进展"
REFUSED_CONTRIBUTE = "只有配合单位可以报送配合进展"
REFUSED_REVIEW = "只有督查室可以审核进展报告"
REFUSED_EXTENSION = "只有牵头单位可以为推进中的任务申请延期"
REFUSED_DECIDE = "无权处理该申请"
REFUSED_CLOSING = "只有牵头单位可以申请办结"
REFUSED_DECIDE_CLOSING = "只有督查室可以处理办结申请"
# 建议提案办理
REFUSED_PROPOSAL_ASSIGN = "只有督查室可以交办或分办尚未交办的建议提案"
REFUSED_PROPOSAL_RELIEF = "只有主办单位(签收前)或会办单位(办理中)可以申请退回改办"
REFUSED_PROPOSAL_DECIDE_RELIEF = "只有督查室可以处理待审核的退回改办申请"
REFUSED_PROPOSAL_OPINION = "只有会办单位可以在办理期间提出会办意见"
REFUSED_PROPOSAL_REPLY = "只有已签收、尚未报送答复的主办单位可以记录沟通和报送答复"
REFUSED_PROPOSAL_REVIEW = "只有督查室可以审核待审核的答复"
REFUSED_COMMITMENT_MEET = "只有承诺单位可以登记尚未兑现的承诺"
REFUSED_COMMITMENT_LINK = "只有督查室可以关联承诺事项的督办事项"
# 民生实事
REFUSED_PROJECT_MANAGE = "只有本级督查室可以设置民生实事项目"
REFUSED_PROJECT_REPORT = "只有已签收项目的牵头单位可以报送资金和形象进度"
REFUSED_PROJECT_EVALUATE = "只有项目的牵头单位可以填报绩效自评"


class ActionError(Exception):
    """A request the system refuses; the message is one Chinese line for the user."""


class ConflictError(ActionError):
    """Somebody changed the record since the caller read it (optimistic locking)."""

    def __init__(self, message: str = CONFLICT_MESSAGE):
        super().__init__(message)
