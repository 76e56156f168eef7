"""通报: a circular of one period, its figures frozen when the office creates it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from luoshi.reports.models import WorkReport


class Circular(models.Model):
    """The snapshot (``data``) is written once at creation; later changes of the ledger do not move it."""

    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="circulars", verbose_name="工作报告")
    period = models.CharField("期别", max_length=10, help_text="如 2026-05")
    period_label = models.CharField("期别名称", max_length=40)
    number = models.CharField("文号", max_length=60)
    title = models.CharField("标题", max_length=200)
    as_of = models.DateField("数据截至")
    data = models.JSONField("数据快照", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("通报一经生成不能修改; 请重新生成一期")
        super().save(*args, **kwargs)
