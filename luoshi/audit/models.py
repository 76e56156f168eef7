"""The audit trail: one row per field change of any record — who, when, which object, old and new —
and one row per security event (a login, an export, a token issued: ``kind``, see ``audit.security``).

Append-only: a saved entry is never updated or deleted, by the model, its queryset or the admin — nor by
raw SQL: the database's own triggers refuse it (``audit.guard``). Entries
point at the supervised matter and the ledger they belong to by string reference, so this app sits
below every app that writes to it (see docs/architecture.md, "Layers").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计记录只能追加, 不能修改")

    def delete(self):
        raise PermissionError("审计记录只能追加, 不能删除")


class AuditEntry(models.Model):
    """One field change: who, when, which object, old and new. Append-only."""

    # The trail outlives what it points at: deleting a user, a matter or a ledger leaves its entries as
    # they are (no constraint, no SET NULL — an UPDATE the database refuses), the name kept in actor_name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", db_index=True)
    model = models.CharField("对象类型", max_length=40)
    object_id = models.CharField("对象编号", max_length=40)
    task = models.ForeignKey(
        "tasks.Task",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit",
        verbose_name="任务",
    )
    report = models.ForeignKey(
        "reports.WorkReport",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit",
        verbose_name="报告",
    )
    field = models.CharField("字段", max_length=60)
    old = models.TextField("原值", blank=True)
    new = models.TextField("新值", blank=True)
    # a security event's kind (``security.KINDS``); empty for a field change
    kind = models.CharField("事件", max_length=20, blank=True, default="", db_index=True)
    # the client's address, and the actor's name as it was: the entry outlives the user
    address = models.CharField("来源地址", max_length=45, blank=True, default="")
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True, default="")
    # the chain (audit.chain): a gapless number and sha256(previous chain + this row)
    seq = models.BigIntegerField("序号", null=True, unique=True, editable=False)
    chain = models.CharField("链值", max_length=64, blank=True, default="", editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        db_table = "tasks_auditentry"  # the table v1 created in the tasks app; moved here without a copy
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.model}#{self.object_id} {self.field}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计记录只能追加, 不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录只能追加, 不能删除")
