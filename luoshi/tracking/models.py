"""落实: progress reports, health history, the escalation ladder and notifications.

One-row rules live here (immutability of reports, back-off of a delivery); every multi-row write is in
``actions.py``; health is computed in ``health.py`` and only its changes are stored.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from luoshi.accounts.models import Government, Unit
from luoshi.reports.models import WorkReport
from luoshi.tasks.models import Task

LIGHT_CHOICES = [("green", "绿"), ("yellow", "黄"), ("red", "红")]


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("进展报告一经提交不能修改; 退回后请重新报送")


class Immutable(models.Model):
    """A record that is written once: saving an existing row is refused."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("记录一经提交不能修改")
        super().save(*args, **kwargs)


class TrackingSettings(models.Model):
    """The health bands and escalation options of one ledger (one work report)."""

    report = models.OneToOneField(WorkReport, on_delete=models.CASCADE, related_name="tracking_settings")
    yellow_behind = models.PositiveSmallIntegerField("落后序时进度(黄灯, 百分点)", default=10)
    red_behind = models.PositiveSmallIntegerField("落后序时进度超过(红灯, 百分点)", default=30)
    missing_in_a_row_red = models.PositiveSmallIntegerField("连续缺报期数(红灯)", default=2)
    acknowledge_days = models.PositiveSmallIntegerField("签收时限(天)", default=3)
    leader_approves_extensions = models.BooleanField("延期须经包抓领导同意", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "跟踪设置"

    def __str__(self) -> str:
        return f"{self.report} 跟踪设置"


class ProgressReport(Immutable):
    """进展报告: an immutable report of one task for one period. A returned report is answered by a new one."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress_reports", verbose_name="任务")
    period = models.CharField("报送期", max_length=10, help_text="如 2026-03 (月)、2026-Q1 (季)")
    percent = models.PositiveSmallIntegerField("完成进度(%)")
    narrative = models.TextField("进展情况")
    milestone_note = models.TextField("节点完成情况", blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="报送单位")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报送人"
    )
    submitted_at = models.DateTimeField("报送时间", db_index=True)
    answers = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_by",
        verbose_name="答复退回的报告",
    )
    idempotency_key = models.CharField("幂等键", max_length=100, blank=True)

    # Not fields: set by ``health.reports_as_of`` on the reports it returns, as the review stood that day.
    returned: bool
    accepted: bool

    class Meta:
        verbose_name = verbose_name_plural = "进展报告"
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="progress_idempotency_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.period} {self.percent}%"


class ReportReview(Immutable):
    """The office's verdict on one progress report: accepted, or returned with a reason."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "已采纳"
        RETURNED = "returned", "已退回"

    progress_report = models.OneToOneField(ProgressReport, on_delete=models.CASCADE, related_name="review")
    decision = models.CharField("审核结果", max_length=10, choices=Decision.choices)
    reason = models.TextField("理由", blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("审核时间")

    class Meta:
        verbose_name = verbose_name_plural = "报告审核"

    def __str__(self) -> str:
        return f"{self.progress_report} {self.get_decision_display()}"


class Evidence(Immutable):
    """佐证材料: an uploaded file (checked by content) or a link."""

    progress_report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="evidence/%Y/%m/", blank=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=10)  # pdf docx xlsx jpg png link
    size = models.PositiveIntegerField("大小", default=0)
    url = models.URLField("链接", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.name


class Contribution(Immutable):
    """配合单位报送的分项进展, consolidated by the lead unit into its report."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="contributions")
    period = models.CharField("报送期", max_length=10)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="配合单位")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField("配合情况")
    submitted_at = models.DateTimeField("报送时间")

    class Meta:
        verbose_name = verbose_name_plural = "配合单位进展"
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.task.code} {self.period} {self.unit}"


class HealthChange(Immutable):
    """One change of a task's light, with its cause. The light itself is always recomputed."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="health_changes")
    old = models.CharField("原灯色", max_length=10, blank=True, choices=LIGHT_CHOICES)
    new = models.CharField("新灯色", max_length=10, choices=LIGHT_CHOICES)
    cause = models.TextField("原因")
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "红黄绿灯变化"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.task.code} {self.on} {self.old or '—'}→{self.new}"


class Decided(models.Model):
    """A request the office (or a leader) decides: who decided, when, and why."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("审核意见", blank=True)

    class Meta:
        abstract = True


class ExtensionRequest(Decided):
    class Status(models.TextChoices):
        """pending → approved / refused by the office; where the ledger wants the leader's consent too,
        the office's approval moves it to ``leader`` first."""

        PENDING = "pending", "待审核"
        LEADER = "leader", "待领导审核"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "未同意"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extension_requests")
    reason = models.TextField("延期理由")
    old_deadline = models.DateField("原完成时限", null=True, blank=True)
    new_deadline = models.DateField("申请完成时限")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.task.code} 延期至 {self.new_deadline} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.LEADER)


class ClosingRequest(Decided):
    class Verdict(models.TextChoices):
        MET = "met", "完成"
        PARTLY_MET = "partly_met", "部分完成"
        NOT_MET = "not_met", "未完成"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已办结"
        REFUSED = "refused", "未同意"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="closing_requests")
    verdict = models.CharField("完成情况", max_length=12, choices=Verdict.choices)
    reason = models.TextField("说明")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        verbose_name = verbose_name_plural = "办结申请"
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.task.code} 办结申请 ({self.get_status_display()})"


class Decline(Decided):
    """拒签收 / 申请调整: the lead unit holds that an assigned matter is not its own and declines it with a
    reason instead of signing for it; the office reassigns it to another lead unit (published to it
    afresh) or insists (the unit must sign). Both sides stay on record."""

    class Status(models.TextChoices):
        PENDING = "pending", "待督查室处理"
        REASSIGNED = "reassigned", "已改派"
        INSISTED = "insisted", "维持交办"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="declines")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="申请单位")
    reason = models.TextField("拒签收理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    new_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="改派牵头单位"
    )

    class Meta:
        verbose_name = verbose_name_plural = "拒签收申请"
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.task.code} 拒签收 ({self.get_status_display()})"


class Instruction(Immutable):
    """批示: a leader's written instruction on a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="instructions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("批示内容")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "领导批示"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task.code} 批示 {self.at:%Y-%m-%d}"


class Reminder(Immutable):
    """提醒 (before a due date) or 催办 (after it was missed). ``key`` makes each step happen once."""

    KINDS = [("remind", "提醒"), ("urge", "催办")]
    kind = models.CharField("类型", max_length=10, choices=KINDS)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    due = models.DateField("到期日")
    subject = models.CharField("事项", max_length=200)
    key = models.CharField(max_length=120, unique=True)
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "提醒与催办"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.task.code} {self.get_kind_display()} {self.on}"


class SupervisionOrder(Immutable):
    """督办单: issued to the lead unit and the leader when a task turns red; listed by a 通报."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="supervision_orders")
    number = models.CharField("编号", max_length=40)
    cause = models.TextField("督办事由")
    key = models.CharField(max_length=120, unique=True)
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "督办单"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.number} {self.task.code}"


class Notification(models.Model):
    """One item of a user's in-app inbox. An item that asks something of its user is open until the thing
    is done (``done_at``, set by the action that does it: ``tracking.actions.notify.settle``); an item that
    only tells (a report accepted, a request decided) is done when it is sent. ``url``: the page, with the
    anchor of the form, the item asks the user to go to."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=20)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读", null=True, blank=True)
    done_at = models.DateTimeField("已办", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class Webhook(models.Model):
    """A group robot (钉钉 / 企业微信) or a generic JSON endpoint of one unit or of a whole government."""

    KINDS = [("dingtalk", "钉钉群机器人"), ("wecom", "企业微信群机器人"), ("generic", "通用 JSON")]
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks")
    government = models.ForeignKey(Government, null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks")
    kind = models.CharField("类型", max_length=10, choices=KINDS)
    url = models.URLField("地址", max_length=500)
    secret = models.CharField("签名密钥", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "Webhook"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit or self.government}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()  # every path, not only the admin's form, refuses an intranet address
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from .channels import refused_address  # channels imports this module

        refusal = refused_address(self.url)
        if refusal:
            raise ValidationError({"url": refusal})


class Delivery(models.Model):
    """An e-mail or webhook message: the day's digest for one recipient on one channel, with retries."""

    CHANNELS = [("email", "邮件"), ("webhook", "Webhook")]

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    channel = models.CharField("渠道", max_length=10, choices=CHANNELS)
    recipient = models.CharField("接收方", max_length=200)  # an e-mail address or "webhook:<id>"
    webhook = models.ForeignKey(Webhook, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    day = models.DateField("日期")
    items = models.JSONField("事项", default=list)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投递记录"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["channel", "recipient", "day"], name="delivery_digest_unique")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.recipient} {self.day}"

    def subject(self) -> str:
        return f"[落实] {self.day:%Y-%m-%d} 督查提醒 {len(self.items)} 项"

    def text(self) -> str:
        lines = []
        for i, item in enumerate(self.items, 1):
            lines.append(f"{i}. {item['title']}")
            if item.get("body"):
                lines.append(f"   {item['body']}")
            if item.get("url"):
                lines.append(f"   {item['url']}")
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"### {self.subject()}"]
        for item in self.items:
            link = f" [查看]({item['url']})" if item.get("url") else ""
            lines.append(f"- **{item['title']}** {item.get('body', '')}{link}")
        return "\n".join(lines)

    def record_failure(self, error: str, now: datetime.datetime, base_seconds: int, max_attempts: int) -> None:
        """Exponential back-off: base, 2×base, 4×base … until max_attempts, then failed."""
        self.attempts += 1
        self.last_error = error[:2000]
        if self.attempts >= max_attempts:
            self.status = self.Status.FAILED
        else:
            self.next_attempt_at = now + datetime.timedelta(seconds=base_seconds * 2 ** (self.attempts - 1))

    def record_success(self, now: datetime.datetime) -> None:
        self.attempts += 1
        self.status = self.Status.SENT
        self.sent_at = now
        self.last_error = ""
