"""The reply and what follows it: the 主办 unit's reply (category A/B/C), the office's review, the letter
number, the B category's commitments, the authors' verdict links and verdicts, and 再次办理 after the
领衔人's 不满意. Each write is one transaction, audited.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Status, Task
from luoshi.tracking import actions as tracking

from ..models import Category, Commitment, Contact, Kind, Proposal, Reply, Verdict, VerdictLink
from .handling import HANDLING, local_day, locked, months_after, page

_SIGNER_SALT = "luoshi.proposals.verdict"
LETTER_WORDS = {Kind.SUGGESTION: "建复", Kind.PROPOSAL: "提复"}


def _commitments(items, today: datetime.date) -> list[dict]:
    """The reply's commitments as ``[{text, due}]``: text required, due an ISO date not in the past."""
    out = []
    for item in items or ():
        if isinstance(item, str):
            item = {"text": item}
        text = " ".join(str(item.get("text", "")).split())
        due = item.get("due") or None
        if not text:
            continue
        if isinstance(due, str):
            try:
                due = datetime.date.fromisoformat(due.strip())
            except ValueError:
                raise ActionError(f"承诺时限“{due}”应为日期 (如 2026-12-31)") from None
        if due is not None and due < today:
            raise ActionError(f"承诺时限 {due} 早于今天")
        out.append({"text": text[:500], "due": due.isoformat() if due else ""})
    return out


@transaction.atomic
def submit_reply(
    proposal_id: int,
    actor,
    *,
    category: str,
    text: str,
    explanation: str = "",
    commitments=(),
    publishable: bool = False,
    at=None,
) -> Reply:
    """答复 by the 主办 unit to the office for review: the category, the reply, the reason a C-category
    matter cannot be solved yet, the commitments of a B-category one, and whether it may be published.
    The author must have been contacted in this round first (先沟通后答复)."""
    proposal, task = locked(proposal_id)
    now = at or timezone.now()
    if category not in Category.values:
        raise ActionError("请选择答复类别 (A类、B类或C类)")
    text = (text or "").strip()
    explanation = (explanation or "").strip()
    if not text:
        raise ActionError("请填写答复内容")
    if category == Category.C and not explanation:
        raise ActionError("C类答复须说明因何条件限制暂时难以解决")
    promised = _commitments(commitments, local_day(now))
    if category == Category.B and not promised:
        raise ActionError("B类答复须列明承诺事项 (可附承诺时限)")
    if actor.unit_id is None or task.lead_unit_id != actor.unit_id:
        raise ActionError("只有主办单位可以报送答复")
    if task.status not in HANDLING:
        raise ActionError("只有已签收、尚未报送答复的事项可以报送答复")
    if not Contact.objects.filter(proposal=proposal, round=proposal.round).exists():
        raise ActionError("答复前须与代表委员沟通, 请先记录沟通联系情况")
    reply = Reply.objects.create(
        proposal=proposal,
        round=proposal.round,
        unit_id=actor.unit_id,
        category=category,
        text=text,
        explanation=explanation,
        commitments=promised,
        publishable=bool(publishable),
        submitted_by=actor,
        submitted_at=now,
    )
    trail.record(
        actor, model="Reply", object_id=reply.pk, field="reply", new=f"{category}类 报送审核", task=task, at=now
    )
    task_actions.move(task, actor, Status.CLOSING, at=now)
    # the reply answers what the unit was asked: the deadline's reminders, a return, 再次办理, the 会办
    # opinions to take in, and every 督办单 and 批示 so far
    unit_users = tracking.liaisons(task.lead_unit)
    tracking.settle(task, ["remind", "urge", "reply", "redo", "opinion"], users=unit_users, at=now)
    tracking.settle(task, ["order", "instruction"], at=now)
    tracking.notify(
        tracking.supervisors(task),
        task=task,
        kind="reply",
        title=f"{proposal.number_label} 答复待审核 ({category}类)",
        body=task.text[:80],
        outside=False,
        url=page(proposal, "replies"),
    )
    tracking.record_health(task, local_day(now), "报送答复")
    return reply


def _letter_number(proposal: Proposal, day: datetime.date) -> str:
    """海西州建复〔2026〕3号: the government, 建复 or 提复, the year and the next number of that year."""
    word = LETTER_WORDS[Kind(proposal.kind)]
    count = Reply.objects.filter(
        proposal__government_id=proposal.government_id,
        proposal__kind=proposal.kind,
        status=Reply.Status.ACCEPTED,
        decided_at__year=day.year,
    ).count()
    return f"{proposal.government.name}{word}〔{day.year}〕{count + 1}号"


@transaction.atomic
def review_reply(reply_id: int, actor, *, accept: bool, reason: str = "", at=None) -> Reply:
    """The office accepts the reply (it is sent: 办复, with its letter number; the authors' verdict links
    are issued; B-category commitments go on the unit's list) or returns it with a reason."""
    try:
        reply = Reply.objects.select_for_update().get(pk=reply_id)
    except Reply.DoesNotExist:
        raise ActionError("没有这个答复") from None
    if reply.status != Reply.Status.SUBMITTED:
        raise ActionError("该答复已审核")
    proposal, task = locked(reply.proposal_id)
    now = at or timezone.now()
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ActionError("退回答复须说明理由")
    reply.status = Reply.Status.ACCEPTED if accept else Reply.Status.RETURNED
    reply.decided_by = actor
    reply.decided_at = now
    reply.decision_reason = reason
    if accept:
        reply.letter_number = _letter_number(proposal, local_day(now))
    reply.save()
    trail.record(
        actor,
        model="Reply",
        object_id=reply.pk,
        field="review",
        new=f"{reply.get_status_display()} {reply.letter_number}".strip(),
        task=task,
        at=now,
    )
    tracking.settle(task, ["reply"], users=tracking.supervisors(task), at=now)
    if accept:
        tracking.settle(task, at=now)  # a matter answered asks nothing more of anyone
        for item in reply.commitments:
            Commitment.objects.create(
                proposal=proposal,
                reply=reply,
                unit_id=reply.unit_id,
                text=item["text"],
                due=datetime.date.fromisoformat(item["due"]) if item.get("due") else None,
            )
        task_actions.move(task, actor, Status.CLOSED, at=now)
        issue_links(proposal, now)
        word = f"答复已审核通过 ({reply.letter_number})"
    else:
        task_actions.move(task, actor, Status.IN_PROGRESS, at=now)
        word = "答复被退回, 请修改后重新报送"
    tracking.notify(
        tracking.liaisons(task.lead_unit),
        task=task,
        kind="reply",
        title=f"{proposal.number_label} {word}",
        body=reason,
        units=[task.lead_unit],
        on=local_day(now),
        todo=not accept,  # a returned reply asks for a new one; an accepted one only tells
        url=page(proposal, "replies"),
    )
    tracking.record_health(task, local_day(now), "已办复" if accept else "答复退回")
    return reply


def issue_links(proposal: Proposal, now: datetime.datetime) -> list[VerdictLink]:
    """One verdict link per author (领衔人 first) for the current round."""
    expires = now + datetime.timedelta(days=settings.LUOSHI_VERDICT_LINK_DAYS)
    return [
        VerdictLink.objects.create(
            proposal=proposal,
            round=proposal.round,
            author=name[:100],
            lead=i == 0 and bool(proposal.lead_author.strip()),
            nonce=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=expires,
        )
        for i, name in enumerate(proposal.authors())
    ]


def token_for(link: VerdictLink) -> str:
    """What the link's URL carries: ``pk:nonce`` signed with the site's secret key."""
    return signing.Signer(salt=_SIGNER_SALT).sign(f"{link.pk}:{link.nonce}")


def link_for_token(token: str, now=None, *, lock: bool = False) -> VerdictLink:
    """The verdict link a token opens, or ActionError saying why it does not (forged, used, expired, or
    the matter is being handled again)."""
    try:
        value = signing.Signer(salt=_SIGNER_SALT).unsign(str(token or ""))
        pk, nonce = value.split(":", 1)
        links = VerdictLink.objects.select_related("proposal", "proposal__task")
        link = (links.select_for_update(of=("self",)) if lock else links).get(pk=int(pk))
    except (signing.BadSignature, ValueError, VerdictLink.DoesNotExist):
        raise ActionError("链接无效, 请使用督查室发送的完整链接") from None
    if not constant_time_compare(link.nonce, nonce):
        raise ActionError("链接无效, 请使用督查室发送的完整链接")
    if link.used_at is not None:
        raise ActionError("该链接已使用过, 测评意见已记录, 不能重复提交")
    if (now or timezone.now()) > link.expires_at:
        raise ActionError("该链接已过期, 如需测评请联系督查室")
    if link.round != link.proposal.round or link.proposal.task.status != Status.CLOSED:
        raise ActionError("该事项正在再次办理, 此链接已失效")
    return link


@transaction.atomic
def record_verdict(token: str, *, opinion: str, comment: str = "", at=None) -> Verdict:
    """The author's verdict through the link (no account): 满意, 基本满意 or 不满意 (with the reason). The
    领衔人's 不满意 reopens the matter for 再次办理 with a shorter deadline; both rounds stay on record."""
    now = at or timezone.now()
    link = link_for_token(token, now, lock=True)
    comment = (comment or "").strip()
    if opinion not in Verdict.Opinion.values:
        raise ActionError("请选择 满意、基本满意 或 不满意")
    if opinion == Verdict.Opinion.UNSATISFIED and not comment:
        raise ActionError("选择不满意请说明理由, 以便再次办理")
    proposal, task = locked(link.proposal_id)
    verdict = Verdict.objects.create(
        proposal=proposal,
        link=link,
        round=link.round,
        author=link.author,
        lead=link.lead,
        opinion=opinion,
        comment=comment[:2000],
        at=now,
    )
    link.used_at = now
    link.save(update_fields=["used_at"])
    trail.record(
        None,
        model="Verdict",
        object_id=verdict.pk,
        field="verdict",
        new=f"{link.author}: {verdict.get_opinion_display()}",
        task=task,
        at=now,
    )
    tracking.notify(
        tracking.supervisors(task),
        task=task,
        kind="verdict",
        title=f"{proposal.number_label} {link.author}测评: {verdict.get_opinion_display()}",
        body=comment[:80],
        outside=False,
        todo=False,
        url=page(proposal, "verdicts"),
    )
    if link.lead and opinion == Verdict.Opinion.UNSATISFIED:
        _handle_again(proposal, task, now, comment)
    return verdict


def _handle_again(proposal: Proposal, task: Task, now: datetime.datetime, comment: str) -> None:
    """再次办理: the next round, with ``LUOSHI_PROPOSAL_REDO_MONTHS`` to reply again."""
    day = local_day(now)
    deadline = months_after(day, settings.LUOSHI_PROPOSAL_REDO_MONTHS)
    trail.set_fields(
        None, proposal, {"round": proposal.round + 1, "assigned_on": day}, model="Proposal", task=task, at=now
    )
    proposal.save(update_fields=["round", "assigned_on"])
    trail.set_fields(None, task, {"deadline": deadline}, model="Task", task=task, at=now)
    task.save(update_fields=["deadline"])
    task_actions.move(task, None, Status.IN_PROGRESS, at=now)
    title = f"再次办理: {proposal.number_label} 代表委员不满意, 请于 {deadline:%Y-%m-%d} 前再次答复"
    tracking.notify(
        tracking.liaisons(task.lead_unit),
        task=task,
        kind="redo",
        title=title,
        body=comment[:80],
        units=[task.lead_unit],
        on=day,
        url=page(proposal, "contacts"),
    )
    tracking.notify(
        tracking.supervisors(task),
        task=task,
        kind="redo",
        title=title,
        body=comment[:80],
        outside=False,
        todo=False,
        url=page(proposal, "replies"),
    )
    tracking.record_health(task, day, "不满意, 再次办理")


@transaction.atomic
def meet_commitment(commitment_id: int, actor, *, note: str, at=None) -> Commitment:
    """The 主办 unit records that a commitment has been met; it leaves the unit's list."""
    try:
        commitment = (
            Commitment.objects.select_for_update(of=("self",)).select_related("proposal__task").get(pk=commitment_id)
        )
    except Commitment.DoesNotExist:
        raise ActionError("没有这个承诺事项") from None
    note = (note or "").strip()
    if not note:
        raise ActionError("请填写兑现情况")
    if commitment.is_met:
        raise ActionError("该承诺已兑现")
    commitment.met_at = at or timezone.now()
    commitment.met_note = note
    commitment.save(update_fields=["met_at", "met_note"])
    tracking.settle(
        commitment.proposal.task,
        ["remind", "urge"],
        users=tracking.liaisons(commitment.unit),
        at=commitment.met_at,
        subjects=[f"答复承诺“{commitment.text[:30]}”"],
    )
    trail.record(
        actor,
        model="Commitment",
        object_id=commitment.pk,
        field="met",
        new=note[:200],
        task=commitment.proposal.task,
        at=at,
    )
    return commitment


@transaction.atomic
def link_commitment(commitment_id: int, actor, task_ids) -> Commitment:
    """The office links a commitment to the ledger's matters that carry it out (same government)."""
    try:
        commitment = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("proposal", "proposal__task")
            .get(pk=commitment_id)
        )
    except Commitment.DoesNotExist:
        raise ActionError("没有这个承诺事项") from None
    ids = {int(i) for i in task_ids}
    tasks = list(Task.objects.filter(pk__in=ids, report__government_id=commitment.proposal.government_id, kind="task"))
    if len(tasks) != len(ids):
        raise ActionError("关联的督办事项不存在或不属于本级政府")
    trail.set_fields(actor, commitment, {"tasks": tasks}, model="Commitment", task=commitment.proposal.task)
    return commitment
