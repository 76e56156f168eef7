"""A deputy's suggestion or a member's proposal: what is specific to the kind, one-to-one with its matter.

The matter (``tasks.Task``) holds what every matter has — code (the number), text (the title), units,
deadline and lifecycle — and tracking serves it like any other (docs/architecture.md, "The supervised
matter"). One-row rules live here; writes are in ``actions.py``; permissions in ``luoshi/access.py``.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.db import models
from django.utils import timezone

from luoshi.accounts.models import Government, Unit
from luoshi.tasks.models import Task

_AUTHOR_SPLIT = re.compile(r"[、，,;；\s]+")


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", "人大代表建议"
    PROPOSAL = "proposal", "政协委员提案"


class Proposal(models.Model):
    """建议/提案 as the congress or the CPPCC handed it over: its number in the session, authors and full text."""

    Kind = Kind

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="proposal", verbose_name="督办事项")
    # The matter's government, kept here so that a number is unique per kind and session within it.
    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="proposals", verbose_name="政府")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    session = models.CharField("届次会议", max_length=100, help_text="如 第十五届人大第三次会议")
    number = models.CharField("编号", max_length=40)
    lead_author = models.CharField("领衔人", max_length=100, blank=True)
    co_signers = models.TextField("附议人", blank=True)
    group = models.CharField("代表团/界别", max_length=100, blank=True)
    content = models.TextField("内容", blank=True)
    proposed_units = models.TextField("建议承办单位", blank=True, help_text="按来文原样保存")
    # 分办: a matter split among several 主办 units is one row per unit with the same number; part 0 is the
    # row the list brought, parts 1, 2 … the others, each with its own matter, reply and verdict.
    part = models.PositiveSmallIntegerField("分办序号", default=0)
    key = models.BooleanField("重点建议提案", default=False, help_text="领导领办: 领办领导为事项的包抓领导")
    complex = models.BooleanField("复杂事项", default=False, help_text="办理期限可延至交办后六个月")
    round = models.PositiveSmallIntegerField("办理轮次", default=1, help_text="不满意后再次办理为第2轮")
    assigned_on = models.DateField("本轮交办日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "建议提案"
        ordering = ["government", "session", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "kind", "session", "number", "part"], name="proposal_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.get_kind_display()} {self.number_label} {self.title[:30]}"

    @property
    def number_label(self) -> str:
        """第12号, or 第12号(分办2) for the second part of a split matter."""
        return f"第{self.number}号" + (f"(分办{self.part + 1})" if self.part else "")

    @property
    def opinion_due(self) -> datetime.date | None:
        """When the 会办 units' opinions are due to the 主办 unit in this round."""
        if self.assigned_on is None:
            return None
        return self.assigned_on + datetime.timedelta(days=settings.LUOSHI_PROPOSAL_OPINION_DAYS)

    def authors(self) -> list[str]:
        """领衔人 first, then each 附议人 (separated by 、，, ; or spaces), each once."""
        names = [self.lead_author.strip()] if self.lead_author.strip() else []
        for name in _AUTHOR_SPLIT.split(self.co_signers or ""):
            name = name.strip()
            if name and name not in names:
                names.append(name)
        return names

    @property
    def title(self) -> str:
        """The title (案由) is the matter's text: edited in one place, the ledger's."""
        return self.task.text


class Relief(models.Model):
    """退回改办: a unit asks to be relieved of a matter it was given, with its reason; the office decides and,
    when it agrees, names the unit that takes it instead (for the 主办 unit) or simply lets a 会办 unit go."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "同意改办"
        REFUSED = "refused", "不同意"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reliefs")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="申请单位")
    reason = models.TextField("理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    new_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="改由单位"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "退回改办申请"
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal.number_label} {self.unit} 申请改办 ({self.get_status_display()})"


class Opinion(models.Model):
    """会办意见: a 会办 unit's written opinion to the 主办 unit, one or more per round; written once."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="opinions")
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="会办单位")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("会办意见")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "会办意见"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal.number_label} {self.unit} 会办意见"


class Contact(models.Model):
    """面商/沟通: the 主办 unit's contact with the deputy or member, before and during handling."""

    class Way(models.TextChoices):
        VISIT = "visit", "当面走访"
        MEETING = "meeting", "座谈面商"
        PHONE = "phone", "电话沟通"
        SITE = "site", "现场调研"
        LETTER = "letter", "书面沟通"
        ONLINE = "online", "网络沟通"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="contacts")
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    on = models.DateField("日期")
    way = models.CharField("方式", max_length=10, choices=Way.choices)
    content = models.TextField("沟通内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "沟通联系"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.proposal.number_label} {self.on} {self.get_way_display()}"


class Category(models.TextChoices):
    A = "A", "A类 (已经解决或基本解决)"
    B = "B", "B类 (正在解决或列入计划逐步解决)"
    C = "C", "C类 (因条件限制暂时难以解决)"


class Reply(models.Model):
    """答复: the 主办 unit's reply, submitted to the office, which accepts it (it is then sent: 办复, with a
    letter number) or returns it with a reason (answered by a new reply). Each round keeps its replies."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        ACCEPTED = "accepted", "已办复"
        RETURNED = "returned", "已退回"

    Category = Category

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="主办单位")
    category = models.CharField("答复类别", max_length=1, choices=Category.choices)
    text = models.TextField("答复内容")
    explanation = models.TextField("难以解决的原因", blank=True, help_text="C类须说明")
    commitments = models.JSONField("承诺事项", default=list, blank=True, help_text="[{text, due}] B类须列明")
    publishable = models.BooleanField("可以公开", default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送时间")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("审核意见", blank=True)
    letter_number = models.CharField("答复文号", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "答复"
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal.number_label} 第{self.round}轮答复 {self.category}类 ({self.get_status_display()})"


class Commitment(models.Model):
    """A promise of an accepted B-category reply: on the 主办 unit's list until it is met; the office may link
    it to the ledger's matters that carry it out."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="commitments")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="commitment_rows")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="承诺单位")
    text = models.TextField("承诺事项")
    due = models.DateField("承诺时限", null=True, blank=True)
    met_at = models.DateTimeField("兑现时间", null=True, blank=True)
    met_note = models.TextField("兑现情况", blank=True)
    tasks = models.ManyToManyField(Task, blank=True, related_name="commitments", verbose_name="关联督办事项")

    class Meta:
        verbose_name = verbose_name_plural = "答复承诺"
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_met(self) -> bool:
        return self.met_at is not None


class VerdictLink(models.Model):
    """The link an author opens without an account to give a verdict: signed with the site's key, for one
    round, used once, expiring. The URL carries ``signing``'s signature of ``pk:nonce``; the nonce alone,
    read from the database, is not a working link."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="verdict_links")
    round = models.PositiveSmallIntegerField("办理轮次")
    author = models.CharField("代表/委员", max_length=100)
    lead = models.BooleanField("领衔人", default=False)
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "满意度测评链接"
        ordering = ["round", "-lead", "id"]

    def __str__(self) -> str:
        return f"{self.proposal.number_label} {self.author} 第{self.round}轮"


class Verdict(models.Model):
    """The author's verdict on one round's reply: 满意 / 基本满意 / 不满意 with a comment. The 领衔人's
    不满意 reopens the matter for 再次办理."""

    class Opinion(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="verdicts")
    link = models.OneToOneField(VerdictLink, on_delete=models.PROTECT, related_name="verdict")
    round = models.PositiveSmallIntegerField("办理轮次")
    author = models.CharField("代表/委员", max_length=100)
    lead = models.BooleanField("领衔人", default=False)
    opinion = models.CharField("测评意见", max_length=12, choices=Opinion.choices)
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "满意度测评"
        ordering = ["round", "at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal.number_label} {self.author} {self.get_opinion_display()}"
