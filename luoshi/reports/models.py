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


# What each source carries besides its matters (``WorkReport.source_details``): key → label.
SOURCE_DETAILS: dict[str, dict[str, str]] = {
    Source.MEETING: {"name": "会议名称", "date": "会议日期", "number": "纪要编号"},
    Source.INSTRUCTION: {"document": "批示件", "leader": "批示领导", "date": "批示日期"},
    Source.RECTIFICATION: {"body": "督查 (检查) 单位", "date": "反馈日期"},
}


def clean_source_details(source: str, details: dict | None) -> dict[str, str]:
    """The details a ledger of ``source`` keeps: only the keys its source carries, as trimmed text (a date
    as ISO), empty ones dropped."""
    out = {}
    for key in SOURCE_DETAILS.get(source, {}):
        value = (details or {}).get(key)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        text = str(value).strip() if value is not None else ""
        if text:
            out[key] = text[:200]
    return out


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
    source_details = models.JSONField("来源信息", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作报告"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.government} {self.year} {self.title}"

    @property
    def source_facts(self) -> list[tuple[str, str]]:
        """What the source carries, as (label, value) lines for a page: a meeting's name, date and 纪要
        number; an instruction's document, leader and date; a rectification list's inspecting body and
        date (``source_details``, keys in ``SOURCE_DETAILS``). Empty values are left out."""
        labels = SOURCE_DETAILS.get(self.source, {})
        details = self.source_details or {}
        return [(label, str(details[key])) for key, label in labels.items() if details.get(key)]

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
