"""A ledger (台账): one government's list of supervised matters of one year from one source.

The first source is the work report, whose normalised text every task span points into; the other
sources (来源, see the glossary in docs/architecture.md) produce matters of their own kind into a ledger of their own. See
docs/architecture.md, "The supervised matter".
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from luoshi.accounts.models import Government


class Source(models.TextChoices):
    """Where a ledger's matters come from."""

    REPORT = "report", "政府工作报告"
    MEETING = "meeting", "会议议定事项"
    INSTRUCTION = "instruction", "领导批示件"
    RECTIFICATION = "rectification", "整改清单"
    PROPOSALS = "proposals", "人大建议和政协提案"
    PROJECTS = "projects", "民生实事"
    HANDED_DOWN = "handed_down", "上级交办事项"


class WorkReport(models.Model):
    """The ledger of one source. For the work report it also keeps the report's text, outline warnings
    and main targets; for another source ``source_text`` is the covering document, if any."""

    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.REPORT)
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="reports", verbose_name="政府")
    year = models.PositiveIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    source_text = models.TextField("报告原文 (规范化)")
    filename = models.CharField("文件名", max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="导入人",
    )
    imported_at = models.DateTimeField("导入时间")
    main_targets = models.JSONField("主要预期目标", default=list, blank=True)
    warnings = models.JSONField("分解提示", default=list, blank=True)
    dropped = models.JSONField("剔除的非正文内容", default=list, blank=True)
    last_import = models.JSONField("最近一次导入结果", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作报告"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.government} {self.year} {self.title}"

    def default_deadline(self) -> datetime.date | None:
        """A new matter's deadline: the ledger year's 31 December, except a proposal's, which runs from
        its 交办 (three months by default) and so is set then."""
        if self.source == Source.PROPOSALS:
            return None
        return datetime.date(self.year, 12, 31)

    def circular_title(self, period_label: str) -> str:
        """A 通报's default title: a work report's key tasks, or the ledger's own matters, in the month."""
        if self.source == Source.REPORT:
            return f"关于{self.year}年《政府工作报告》重点任务{period_label}推进情况的通报"
        word = "办理" if self.source == Source.PROPOSALS else "推进"
        return f"关于{self.title}{period_label}{word}情况的通报"
