"""政务公开: what the office chooses to disclose of a published task, field by field, from which date.

The public layer reads only the fields switched on here, of tasks that are published, marked public and
past their embargo date. Everything else (comments, evidence, instructions, names) never leaves the office.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from luoshi.tasks.models import Task

# The optional public fields of a task (the task text is always shown when the task is public).
FIELDS = [
    ("show_lead_unit", "牵头单位"),
    ("show_status", "状态"),
    ("show_progress", "完成进度"),
    ("show_updated", "最近更新"),
    ("show_summary", "公开摘要"),
]


class Disclosure(models.Model):
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="disclosure", verbose_name="任务")
    public = models.BooleanField("公开", default=False)
    show_lead_unit = models.BooleanField("公开牵头单位", default=True)
    show_status = models.BooleanField("公开状态", default=True)
    show_progress = models.BooleanField("公开完成进度", default=True)
    show_updated = models.BooleanField("公开最近更新日期", default=True)
    show_summary = models.BooleanField("公开摘要", default=True)
    embargo_until = models.DateField("公开日期", null=True, blank=True, help_text="此日期前不公开")
    summary = models.TextField("公开摘要", blank=True, help_text="面向公众的进展说明, 由督查室撰写")
    summary_updated_at = models.DateTimeField("摘要更新时间", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开设置"

    def __str__(self) -> str:
        return f"{self.task.code} {'公开' if self.public else '不公开'}"

    def shown_fields(self) -> list[str]:
        return [name for name, _ in FIELDS if getattr(self, name)]
