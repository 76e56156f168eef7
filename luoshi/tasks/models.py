"""The ledger: tasks, their milestones and tags, the audit trail and learned suggestion overrides.

One-row rules live here; every multi-row write is in ``actions.py``; every permission in ``access.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from luoshi.accounts.models import Government, Unit
from luoshi.errors import ActionError
from luoshi.reports.models import WorkReport


class Tag(models.Model):
    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField("标签", max_length=60)

    class Meta:
        verbose_name = verbose_name_plural = "标签"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["government", "name"], name="tag_name_unique")]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    """The lifecycle of a supervised matter (docs/architecture.md, Domain rules: one of three axes, kept apart from health
    and from the closing verdict)."""

    DRAFT = "draft", "草稿"
    ASSIGNED = "assigned", "已交办"
    ACKNOWLEDGED = "acknowledged", "已签收"
    IN_PROGRESS = "in_progress", "推进中"
    CLOSING = "closing", "申请办结"
    CLOSED = "closed", "已办结"
    ONGOING = "ongoing", "常态化推进"


# The moves the lifecycle makes by itself (publish, 签收, the first report, a closing request and its
# decision, reopening a closed matter). The office may still correct a status by hand on the edit page; that change is audited.
MOVES: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.ASSIGNED}),
    Status.ASSIGNED: frozenset({Status.ACKNOWLEDGED}),
    Status.ACKNOWLEDGED: frozenset({Status.IN_PROGRESS, Status.ONGOING, Status.CLOSING}),
    Status.IN_PROGRESS: frozenset({Status.CLOSING}),
    Status.ONGOING: frozenset({Status.CLOSING}),
    Status.CLOSING: frozenset({Status.CLOSED, Status.IN_PROGRESS, Status.ONGOING}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),  # reopened: a proposal's 再次办理 after 不满意
}
# Where a matter stands once acknowledged, in each phase of the work.
ACTIVE = frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ONGOING})
REPORTING = ACTIVE | {Status.CLOSING}


class Task(models.Model):
    """督办事项, the supervised matter: one row per item of work, whatever its source. A report task is
    the first kind; see docs/architecture.md, "The supervised matter"."""

    KIND_CHOICES = [("task", "任务"), ("guidance", "总体要求")]
    STATUS_CHOICES = Status.choices
    Status = Status
    CYCLE_CHOICES = [
        ("monthly", "每月"),
        ("quarterly", "每季度"),
        ("half_yearly", "每半年"),
        ("yearly", "每年"),
        ("none", "办结时报送"),  # no periodic reports: judged by its deadline only (e.g. a proposal's reply)
    ]

    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="tasks", verbose_name="工作报告")
    code = models.CharField("序号", max_length=40)
    position = models.PositiveIntegerField("顺序", default=0)
    kind = models.CharField("类型", max_length=10, choices=KIND_CHOICES, default="task")
    text = models.TextField("工作任务")
    span_start = models.PositiveIntegerField("原文起点", null=True, blank=True)
    span_end = models.PositiveIntegerField("原文终点", null=True, blank=True)
    part_number = models.CharField("部分", max_length=10, blank=True)
    part_title = models.CharField("部分标题", max_length=300, blank=True)
    section_number = models.CharField("板块序号", max_length=10, blank=True)
    section_title = models.CharField("板块", max_length=300, blank=True)
    theme_title = models.CharField("工作主题", max_length=300, blank=True)
    targets = models.TextField("目标", blank=True, help_text="每行一个")
    lead_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        verbose_name="牵头单位",
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_tasks", verbose_name="配合单位")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        verbose_name="包抓领导",
    )
    task_force = models.CharField("专班", max_length=200, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    ongoing = models.BooleanField("常态化", default=False)
    cycle = models.CharField("报送周期", max_length=12, choices=CYCLE_CHOICES, default="monthly")
    due_day = models.PositiveSmallIntegerField("报送日", default=25)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tasks", verbose_name="标签")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("交办时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="交办人",
    )
    version = models.PositiveIntegerField("版本", default=1)
    suggestion = models.JSONField("引擎建议", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "任务"
        ordering = ["report", "position", "id"]
        indexes = [models.Index(fields=["report", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"

    def can_move(self, status: str) -> bool:
        return status in MOVES[Status(self.status)]

    def move_to(self, status: str) -> None:
        """One step of the lifecycle (not saved); a move the lifecycle does not make is refused."""
        if not self.can_move(status):
            raise ActionError(f"状态不能从 {self.get_status_display()} 变为 {Status(status).label}")
        self.status = status
        self.version += 1

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def awaits_suggestion(self) -> bool:
        """A task with no lead unit yet for which the engine suggested one (the review's 采纳建议)."""
        return self.kind == "task" and self.lead_unit_id is None and bool((self.suggestion or {}).get("leads"))

    @property
    def span(self) -> tuple[int, int] | None:
        if self.span_start is None or self.span_end is None:
            return None
        return (self.span_start, self.span_end)

    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags.all()]

    def co_unit_labels(self) -> list[str]:
        return [u.label for u in self.co_units.all()]


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones", verbose_name="任务")
    title = models.CharField("节点", max_length=300)
    due = models.DateField("时间")
    done = models.BooleanField("已完成", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "节点"
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.due} {self.title}"


class SuggestionOverride(models.Model):
    """A term the office has confirmed belongs to a unit; fed to the engine's ``suggest_units``."""

    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="suggestion_overrides")
    term = models.CharField("关键词", max_length=100)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="牵头单位")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "建议修正"
        constraints = [models.UniqueConstraint(fields=["government", "term"], name="override_term_unique")]

    def __str__(self) -> str:
        return f"{self.term} → {self.unit}"
