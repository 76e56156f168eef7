"""A deputy's suggestion or a member's proposal: what is specific to the kind, one-to-one with its matter.

The matter (``tasks.Task``) holds what every matter has — code (the number), text (the title), units,
deadline and lifecycle — and tracking serves it like any other (docs/architecture.md, "The supervised
matter"). One-row rules live here; writes are in ``actions.py``; permissions in ``luoshi/access.py``.
"""

from __future__ import annotations

from django.db import models

from luoshi.accounts.models import Government
from luoshi.tasks.models import Task


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

    class Meta:
        verbose_name = verbose_name_plural = "建议提案"
        ordering = ["government", "session", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["government", "kind", "session", "number"], name="proposal_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.get_kind_display()} 第{self.number}号 {self.title[:30]}"

    @property
    def title(self) -> str:
        """The title (案由) is the matter's text: edited in one place, the ledger's."""
        return self.task.text
