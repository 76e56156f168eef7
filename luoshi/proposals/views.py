"""The pages of 建议提案办理: the list, the intake of a session's list (dry run, then all or nothing), one
entered by hand, a matter's page with every form its roles may use, the commitments, the reply letter and
the author's verdict page (no account: the signed link is the key).

Each view: read access → validate → action → render (docs/architecture.md, "Where each kind of rule
lives"). A matter the user may not read is a 404 (``access.proposal_for_reading``); one the user may read
but not act on this way is a 403 page with the ``REFUSED_*`` text; an action's refusal (``ActionError``)
re-renders the page with its Chinese line and the user's input kept.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import zlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luoshi import access, errors
from luoshi.errors import ActionError
from luoshi.tasks.views import ledger as task_views
from luoshi.tracking import actions as tracking_actions
from luoshi.tracking import health
from luoshi.tracking import views as tracking_views

from . import actions, reading
from .forms import (
    AssignForm,
    CommitmentLinkForm,
    ContactForm,
    EnterForm,
    IntakeForm,
    MeetForm,
    OpinionForm,
    ProposalFilterForm,
    ReliefDecisionForm,
    ReliefForm,
    ReplyForm,
    ReplyReviewForm,
    SplitForm,
    VerdictForm,
)
from .models import Kind, Proposal, Reply

# The uploaded list waits in the session between the dry run and the confirmation, compressed; a list
# larger than this is refused rather than half kept.
STASH_KEY = "luoshi.proposal_intake"
STASH_LIMIT = 4 * 2**20
# What the audit trail of a proposal's matter calls the proposals' own fields.
HISTORY_LABELS = {
    "key": "重点建议提案",
    "complex": "复杂事项",
    "assigned_on": "本轮交办日期",
    "round": "办理轮次",
    "split": "分办",
    "relief": "申请退回改办",
    "decision": "改办审核",
    "opinion": "会办意见",
    "contact": "沟通联系",
    "reply": "答复",
    "review": "答复审核",
    "verdict": "满意度测评",
    "met": "承诺兑现",
    "tasks": "关联督办事项",
}
# A verdict link that never worked (forged, mangled) is refused (403); one that worked once is gone (410).
LINK_INVALID = "链接无效"


class Shown:
    """A record as a page shows it: its own fields and methods, and what this user may do to it."""

    def __init__(self, record, **extra):
        self.record = record
        self.__dict__.update(extra)

    def __getattr__(self, name: str):
        return getattr(self.record, name)


def _office_government(request):
    """The user's government if the user is its office (督查室), else 404: the office's own pages."""
    user = request.user
    if not access.can_manage_proposals(user, getattr(user, "government_id", None)):
        raise Http404("页面不存在")
    return user.government


def _refuse(request, text: str):
    return render(request, "proposals/refused.html", {"reason": text}, status=403)


def _url(proposal_id: int, anchor: str = "") -> str:
    return reverse("proposal_detail", args=[proposal_id]) + (f"#{anchor}" if anchor else "")


# ------------------------------------------------------------------------------------------------ the list


@login_required
def proposal_list(request):
    user = request.user
    proposals = access.visible_proposals(user)
    sessions = sorted(set(proposals.values_list("session", flat=True)))
    form = ProposalFilterForm(request.GET or None, government_id=user.government_id, sessions=sessions)
    if form.is_valid():
        f = form.cleaned_data
        if f["kind"]:
            proposals = proposals.filter(kind=f["kind"])
        if f["session"]:
            proposals = proposals.filter(session=f["session"])
        if f["status"]:
            proposals = proposals.filter(task__status=f["status"])
        if f["unit"]:
            proposals = proposals.filter(Q(task__lead_unit=f["unit"]) | Q(task__co_units=f["unit"])).distinct()
    proposals = proposals.select_related("task", "task__lead_unit").prefetch_related("task__co_units")
    page = Paginator(proposals.order_by("-task__report__year", "session", "kind", "task__position", "id"), 50).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    lights = health.recorded([p.task_id for p in rows])
    latest: dict[int, Reply] = {}
    for reply in Reply.objects.filter(proposal__in=rows).order_by("submitted_at", "id"):
        latest[reply.proposal_id] = reply
    for p in rows:
        p.health = lights.get(p.task_id)
        p.latest_reply = latest.get(p.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "count": page.paginator.count,
            "query": query.urlencode(),
            "can_manage": access.can_manage_proposals(user, user.government_id),
        },
    )


# ------------------------------------------------------------------------------------------------ intake


def _stash(request, data: bytes, name: str, fields: dict) -> str:
    packed = base64.b64encode(zlib.compress(data)).decode("ascii")
    if len(packed) > STASH_LIMIT:
        raise ActionError(f"清单过大 (压缩后超过 {STASH_LIMIT // 2**20} MB), 请分批导入")
    stash_id = secrets.token_hex(8)
    request.session[STASH_KEY] = {"id": stash_id, "name": name, "data": packed, **fields}
    return stash_id


def _unstash(request) -> tuple[dict, bytes] | None:
    stash = request.session.get(STASH_KEY)
    if not isinstance(stash, dict) or stash.get("id") != request.POST.get("stash"):
        return None
    try:
        return stash, zlib.decompress(base64.b64decode(stash["data"]))
    except (KeyError, binascii.Error, zlib.error):
        return None


def _intake_page(request, form, *, intake=None, stash_id="", error="", status=200):
    for plan in intake.plans if intake else ():
        plan.kind_label = Kind(plan.kind).label if plan.kind else ""
    return render(
        request,
        "proposals/import.html",
        {
            "form": form,
            "intake": intake,
            "stash_id": stash_id,
            "error": error,
            "max_mb": settings.LUOSHI_MAX_UPLOAD_BYTES // 2**20,
            "ready": sum(1 for p in intake.plans if not p.errors) if intake else 0,
        },
        status=status,
    )


@login_required
def proposal_import(request):
    """A list of a session: the first POST is a dry run of every row; the second applies all of it or nothing."""
    government = _office_government(request)
    if request.method == "POST" and "stash" in request.POST:
        return _intake_apply(request, government)
    form = IntakeForm(request.POST, request.FILES) if request.method == "POST" else IntakeForm()
    if request.method != "POST":
        return _intake_page(request, form)
    if not form.is_valid():
        return _intake_page(request, form, status=400)
    f = form.cleaned_data
    upload = f["upload"]
    fields = {"session": f["session"].strip(), "year": f["year"], "kind": f["kind"]}
    try:
        if upload.size > settings.LUOSHI_MAX_UPLOAD_BYTES:
            raise ActionError(f"文件超过大小上限 ({settings.LUOSHI_MAX_UPLOAD_BYTES // 2**20} MB)")
        data = upload.read()
        rows = reading.read_list(data, upload.name)
        intake = actions.plan_intake(government, rows, **fields)
        stash_id = _stash(request, data, upload.name, fields)
    except ActionError as exc:
        return _intake_page(request, form, error=str(exc), status=400)
    return _intake_page(request, form, intake=intake, stash_id=stash_id)


def _intake_apply(request, government):
    form = IntakeForm()
    kept = _unstash(request)
    if kept is None:
        messages.error(request, "预览已失效 (会话已过期或清单已导入), 未导入任何内容, 请重新上传清单")
        return redirect("proposal_import")
    stash, data = kept
    fields = {"session": stash["session"], "year": stash["year"], "kind": stash["kind"]}
    try:
        rows = reading.read_list(data, stash["name"])
        _ledger, created = actions.apply_intake(government, request.user, rows, **fields)
    except ActionError as exc:
        try:
            intake = actions.plan_intake(government, reading.read_list(data, stash["name"]), **fields)
        except ActionError:
            intake = None
        return _intake_page(request, form, intake=intake, stash_id=stash["id"], error=str(exc), status=400)
    del request.session[STASH_KEY]
    messages.success(request, f"已导入 {len(created)} 件建议提案 (草稿), 请逐件交办")
    return redirect(reverse("proposals") + "?" + urlencode({"session": fields["session"]}))


@login_required
def proposal_new(request):
    government = _office_government(request)
    last = Proposal.objects.filter(government=government).order_by("-id").first()
    initial = {"year": timezone.localdate().year}
    if last is not None:
        initial.update(session=last.session, year=last.task.report.year, kind=last.kind)
    form = EnterForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        session, year = data.pop("session"), data.pop("year")
        try:
            proposal = actions.enter_one(government, request.user, session=session, year=year, **data)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已录入{proposal.get_kind_display()}{proposal.number_label} (草稿)")
            return redirect(_url(proposal.pk))
    return render(request, "proposals/new.html", {"form": form}, status=400 if form.errors else 200)


# ------------------------------------------------------------------------------------------ one matter


def _history(request, task) -> list[dict]:
    rows = task_views.detail_context(request, task)["history"]
    for row in rows:
        row["field"] = HISTORY_LABELS.get(row["field"], row["field"])
    return rows


def detail_context(request, proposal: Proposal, bound: dict | None = None) -> dict:
    """Everything of one matter on one page, and the forms this user may use (``bound``: the form the
    user just sent, kept with its errors, keyed by name or by (name, record id))."""
    user = request.user
    bound = bound or {}
    proposal = Proposal.objects.select_related("task", "task__report", "task__lead_unit", "task__leader").get(
        pk=proposal.pk
    )
    task = proposal.task
    gov = proposal.government_id
    panel = tracking_views.panel(request, task)

    reliefs = []
    for relief in proposal.reliefs.select_related("unit", "new_unit", "requested_by", "decided_by"):
        can_decide = access.can_decide_relief(user, relief)
        form = (bound.get(("decide", relief.pk)) or ReliefDecisionForm(government_id=gov)) if can_decide else None
        reliefs.append(Shown(relief, can_decide=can_decide, form=form))

    replies = []
    for reply in proposal.replies.select_related("unit", "submitted_by", "decided_by").order_by("round", "id"):
        can_review = access.can_review_reply(user, reply)
        replies.append(
            Shown(
                reply,
                can_review=can_review,
                can_download=access.can_download_letter(user, reply),
                form=(bound.get(("review", reply.pk)) or ReplyReviewForm()) if can_review else None,
            )
        )

    links = []
    if access.can_see_verdict_links(user, proposal):
        now = timezone.now()
        for link in proposal.verdict_links.filter(round=proposal.round):
            url = settings.LUOSHI_SITE_URL + reverse("verdict", args=[actions.token_for(link)])
            links.append(Shown(link, url=url, expired=link.used_at is None and now > link.expires_at))

    commitments = []
    for c in proposal.commitments.select_related("unit").prefetch_related("tasks"):
        can_meet = access.can_meet_commitment(user, c)
        can_link = access.can_link_commitment(user, c)
        meet_form = (bound.get(("meet", c.pk)) or MeetForm(prefix=f"meet-{c.pk}")) if can_meet else None
        link_form = (
            (bound.get(("link", c.pk)) or CommitmentLinkForm(commitment=c, prefix=f"link-{c.pk}")) if can_link else None
        )
        commitments.append(Shown(c, can_meet=can_meet, can_link=can_link, meet_form=meet_form, link_form=link_form))

    can = {
        "assign": access.can_assign_proposal(user, proposal),
        "split": access.can_split_proposal(user, proposal),
        "acknowledge": access.can_acknowledge(user, task),
        "relief": access.can_request_relief(user, proposal),
        "opinion": access.can_give_opinion(user, proposal),
        "reply": access.can_submit_reply(user, proposal),
    }
    forms = {
        "assign_form": (bound.get("assign") or AssignForm(proposal=proposal)) if can["assign"] else None,
        "split_form": (bound.get("split") or SplitForm(proposal=proposal)) if can["split"] else None,
        "relief_form": (bound.get("relief") or ReliefForm()) if can["relief"] else None,
        "opinion_form": (bound.get("opinion") or OpinionForm()) if can["opinion"] else None,
        "contact_form": (bound.get("contact") or ContactForm()) if can["reply"] else None,
        "reply_form": (bound.get("reply") or ReplyForm()) if can["reply"] else None,
    }
    failed = [e for form in bound.values() for errs in form.errors.values() for e in errs]
    return {
        "proposal": proposal,
        "task": task,
        "co_units": list(task.co_units.all()),
        "suggestion": task.suggestion or {},
        "health": panel["health"],
        "health_changes": panel["health_changes"],
        "instructions": panel["instructions"],
        "reminders": panel["reminders"],
        "orders": panel["orders"],
        "reliefs": reliefs,
        "opinions": list(proposal.opinions.select_related("unit", "author")),
        "contacts": list(proposal.contacts.select_related("unit", "recorded_by")),
        "replies": replies,
        "links": links,
        "verdicts": list(proposal.verdicts.all()),
        "commitments": commitments,
        "history": _history(request, task),
        "can": can,
        "can_manage": access.can_manage_proposals(user, gov),
        "failed": failed,
        "max_months": settings.LUOSHI_PROPOSAL_MAX_MONTHS,
        **forms,
    }


def _detail(request, proposal, bound=None, status=200):
    return render(request, "proposals/detail.html", detail_context(request, proposal, bound), status=status)


@login_required
def proposal_detail(request, pk):
    return _detail(request, access.proposal_for_reading(request.user, pk))


def _act(request, proposal, key, form, act, done: str, anchor: str):
    """Validate ``form``, run ``act`` on its cleaned data; on success say so and go back to the matter,
    else show the matter again with the form, its input and the Chinese reason (status 400)."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(_url(proposal.pk, anchor))
    return _detail(request, proposal, {key: form}, status=400)


@login_required
@require_POST
def proposal_assign(request, pk):
    proposal = access.proposal_for_reading(request.user, pk)
    if not access.can_assign_proposal(request.user, proposal):
        return _refuse(request, errors.REFUSED_PROPOSAL_ASSIGN)
    form = AssignForm(request.POST, proposal=proposal)

    def act(data):
        actions.assign(
            proposal.pk,
            request.user,
            lead_unit=data["lead_unit"],
            co_units=list(data["co_units"]),
            leader=data["leader"],
            key=data["key"],
            months=data["months"],
        )

    return _act(request, proposal, "assign", form, act, f"已交办{proposal.number_label}", "handling")


@login_required
@require_POST
def proposal_split(request, pk):
    proposal = access.proposal_for_reading(request.user, pk)
    if not access.can_split_proposal(request.user, proposal):
        return _refuse(request, errors.REFUSED_PROPOSAL_ASSIGN)
    form = SplitForm(request.POST, proposal=proposal)

    def act(data):
        lead = proposal.task.lead_unit_id
        units = sorted(data["units"], key=lambda u: u.pk != lead)  # the present 主办 unit keeps the row
        parts = actions.split(proposal.pk, request.user, units)
        messages.info(request, "分办为: " + "、".join(p.number_label for p in parts))

    return _act(request, proposal, "split", form, act, f"已分办{proposal.number_label}", "handling")


@login_required
@require_POST
def proposal_acknowledge(request, pk):
    proposal = access.proposal_for_reading(request.user, pk)
    if not access.can_acknowledge(request.user, proposal.task):
        return _refuse(request, errors.REFUSED_ACKNOWLEDGE)
    try:
        tracking_actions.acknowledge(proposal.task_id, request.user)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已签收{proposal.number_label}, 请与代表委员沟通后答复")
    return redirect(_url(proposal.pk, "handling"))


@login_required
@require_POST
def proposal_relief(request, pk):
    proposal = access.proposal_for_reading(request.user, pk)
    if not access.can_request_relief(request.user, proposal):
        return _refuse(request, errors.REFUSED_PROPOSAL_RELIEF)
    form = ReliefForm(request.POST)
    return _act(
        request,
        proposal,
        "relief",
        form,
        lambda data: actions.request_relief(proposal.pk, request.user, reason=data["reason"]),
        "退回改办申请已提交督查室",
        "reliefs",
    )


@login_required
@require_POST
def relief_decide(request, pk):
    relief = access.relief_for_reading(request.user, pk)
    proposal = relief.proposal
    if not access.can_decide_relief(request.user, relief):
        return _refuse(request, errors.REFUSED_PROPOSAL_DECIDE_RELIEF)
    form = ReliefDecisionForm(request.POST, government_id=proposal.government_id)
    return _act(
        request,
        proposal,
        ("decide", relief.pk),
        form,
        lambda data: actions.decide_relief(
            relief.pk,
            request.user,
            approve=data["approve"] == "1",
            reason=data["reason"],
            new_unit=data["new_unit"],
        ),
        "已处理退回改办申请",
        "reliefs",
    )


@login_required
@require_POST
def proposal_opinion(request, pk):
    proposal = access.proposal_for_reading(request.user, pk)
    if not access.can_give_opinion(request.user, proposal):
        return _refuse(request, errors.REFUSED_PROPOSAL_OPINION)
    form = OpinionForm(request.POST)
    return _act(
        request,
        proposal,
        "opinion",
        form,
        lambda data: actions.give_opinion(proposal.pk, request.user, text=data["text"]),
        "会办意见已送主办单位",
        "opinions",
    )


@login_required
@require_POST
def proposal_contact(request, pk):
    proposal = access.proposal_for_reading(request.user, pk)
    if not access.can_submit_reply(request.user, proposal):
        return _refuse(request, errors.REFUSED_PROPOSAL_REPLY)
    form = ContactForm(request.POST)
    return _act(
        request,
        proposal,
        "contact",
        form,
        lambda data: actions.record_contact(proposal.pk, request.user, **data),
        "已记录沟通情况",
        "contacts",
    )


@login_required
@require_POST
def proposal_reply(request, pk):
    proposal = access.proposal_for_reading(request.user, pk)
    if not access.can_submit_reply(request.user, proposal):
        return _refuse(request, errors.REFUSED_PROPOSAL_REPLY)
    form = ReplyForm(request.POST)

    def act(data):
        actions.submit_reply(
            proposal.pk,
            request.user,
            category=data["category"],
            text=data["text"],
            explanation=data["explanation"],
            commitments=form.commitment_list(),
            publishable=data["publishable"],
        )

    return _act(request, proposal, "reply", form, act, "答复已报送督查室审核", "replies")


@login_required
@require_POST
def reply_review(request, pk):
    reply = access.reply_for_reading(request.user, pk)
    if not access.can_review_reply(request.user, reply):
        return _refuse(request, errors.REFUSED_PROPOSAL_REVIEW)
    form = ReplyReviewForm(request.POST)
    return _act(
        request,
        reply.proposal,
        ("review", reply.pk),
        form,
        lambda data: actions.review_reply(reply.pk, request.user, accept=data["accept"] == "1", reason=data["reason"]),
        "已审核答复",
        "replies",
    )


# ------------------------------------------------------------------------------------------ commitments


@login_required
def commitment_list(request):
    rows = list(
        access.open_commitments(request.user).select_related("proposal", "proposal__task", "unit").order_by("due", "id")
    )
    for c in rows:
        c.can_meet = access.can_meet_commitment(request.user, c)
        if c.can_meet:
            c.meet_form = MeetForm(prefix=f"meet-{c.pk}")
    return render(request, "proposals/commitments.html", {"rows": rows, "today": timezone.localdate()})


def _commitment_back(request, commitment, key, form, act, done):
    if request.POST.get("next") != "list":
        return _act(request, commitment.proposal, key, form, act, done, f"commitment-{commitment.pk}")
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
    return redirect("proposal_commitments")


@login_required
@require_POST
def commitment_meet(request, pk):
    commitment = access.commitment_for_reading(request.user, pk)
    if not access.can_meet_commitment(request.user, commitment):
        return _refuse(request, errors.REFUSED_COMMITMENT_MEET)
    form = MeetForm(request.POST, prefix=f"meet-{commitment.pk}")
    return _commitment_back(
        request,
        commitment,
        ("meet", commitment.pk),
        form,
        lambda data: actions.meet_commitment(commitment.pk, request.user, note=data["note"]),
        "已登记承诺兑现",
    )


@login_required
@require_POST
def commitment_link(request, pk):
    commitment = access.commitment_for_reading(request.user, pk)
    if not access.can_link_commitment(request.user, commitment):
        return _refuse(request, errors.REFUSED_COMMITMENT_LINK)
    form = CommitmentLinkForm(request.POST, commitment=commitment, prefix=f"link-{commitment.pk}")
    return _commitment_back(
        request,
        commitment,
        ("link", commitment.pk),
        form,
        lambda data: actions.link_commitment(commitment.pk, request.user, [t.pk for t in data["tasks"]]),
        "已更新关联的督办事项",
    )


# ------------------------------------------------------------------------------------ the author's verdict


def _link_refused(request, reason: str):
    status = 403 if reason.startswith(LINK_INVALID) else 410
    return render(request, "proposals/verdict_refused.html", {"reason": reason}, status=status)


@never_cache
def verdict(request, token):
    """The author's page, opened from the link the office sent: no account; the signed, single-use,
    expiring token is the key. Forged → 403; used, expired or superseded → 410."""
    try:
        link = actions.link_for_token(token)
    except ActionError as exc:
        return _link_refused(request, str(exc))
    proposal = link.proposal
    reply = (
        Reply.objects.filter(proposal=proposal, round=link.round, status=Reply.Status.ACCEPTED)
        .select_related("unit")
        .order_by("-decided_at", "-id")
        .first()
    )
    form = VerdictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = actions.record_verdict(
                token, opinion=form.cleaned_data["opinion"], comment=form.cleaned_data["comment"]
            )
        except ActionError as exc:
            if "链接" in str(exc):  # the link went bad between the page and the answer
                return _link_refused(request, str(exc))
            form.add_error(None, str(exc))
        else:
            return render(request, "proposals/verdict_done.html", {"verdict": done, "proposal": proposal})
    return render(
        request,
        "proposals/verdict.html",
        {"link": link, "proposal": proposal, "reply": reply, "form": form},
        status=400 if form.errors else 200,
    )
