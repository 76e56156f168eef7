"""Reading the audit trail as a clerk writes it: the one display of a change for every page that shows a
matter's history — "公开: 否 → 是", "状态: 已交办 → 已签收", "交办时间: 2026年1月5日 10:00" — never a field's
identifier, ``True``/``False``, a choice's stored value or an ISO timestamp.

A field of a model is named by the model's ``verbose_name`` and its values read by the field: booleans
是/否, choices by their label, dates and times in the Chinese local form. What is no field of a model (a
verdict, a reply, a relief request, a split…) is named by ``EVENTS``. The models are found by the name
the entry keeps (``AuditEntry.model``), through Django's registry, so this module imports no app above it.
"""

from __future__ import annotations

import datetime
import functools
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import timezone

from .models import AuditEntry

# What an entry records that is no field of its model: (model, field) first, then field alone.
EVENTS: dict[tuple[str, str] | str, str] = {
    ("Milestone", "created"): "新增节点",
    ("Milestone", "done"): "节点完成",
    ("Milestone", "deleted"): "删除节点",
    ("Milestone", "title"): "节点内容",
    ("Milestone", "due"): "节点时间",
    ("Relief", "relief"): "申请退回改办",
    ("Decline", "decline"): "拒签收 (申请调整)",
    ("Decline", "decline_decision"): "拒签收处理",
    ("Project", "created"): "立项",
    ("Project", "overrun_reason"): "超拨超支理由",
    ("Project", "spend_yellow"): "支出落后黄灯阈值",
    ("Project", "spend_red"): "支出落后红灯阈值",
    ("Project", "works_yellow"): "形象进度落后黄灯阈值",
    ("Project", "works_red"): "形象进度落后红灯阈值",
    ("Project", "budget"): "总投资",
    ("Stage", "actual"): "节点完成",
    ("Evaluation", "total"): "自评得分",
    ("Evaluation", "adjusted_total"): "调整后得分",
    ("Evaluation", "adjust_reason"): "调整理由",
    ("Proposal", "split"): "分办",
    ("Relief", "decision"): "改办审核",
    ("Reply", "review"): "答复审核",
    ("Contact", "contact"): "沟通联系",
    ("Verdict", "verdict"): "满意度测评",
    ("Commitment", "met"): "承诺兑现",
    ("Commitment", "tasks"): "关联督办事项",
    ("Task", "verdict"): "办结结论",
    ("ExtensionRequest", "extension"): "申请延期至",
    "created": "创建",
    "deleted": "删除",
    "merged_into": "并入",
    "split_from": "拆分自",
    "split": "拆分",
    "verdict": "办结结论",
    "reply": "答复",
    "review": "审核",
    "opinion": "会办意见",
    "contact": "沟通",
    "extension": "申请延期至",
    "decision": "处理结果",
    "imported": "导入",
    "reimported": "重新导入",
    "candidates": "候选项目",
    "votes": "票决结果",
    "sources": "资金来源",
    "budget_lines": "资金来源",
    "stages": "形象进度节点",
    "indicators": "绩效目标表",
    "actual": "节点完成",
    "total": "自评得分",
    "published_at": "交办时间",
}

BOOLEAN_WORDS = {"True": "是", "False": "否", "true": "是", "false": "否", "1": "是", "0": "否"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@functools.cache
def _model(name: str) -> type[models.Model] | None:
    """The model an entry names by its class name (the luoshi apps' first, then any)."""
    found = [m for m in apps.get_models() if m.__name__ == name]
    found.sort(key=lambda m: not m.__module__.startswith("luoshi."))
    return found[0] if found else None


def _field(model_name: str, name: str) -> models.Field | None:
    model = _model(model_name)
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def label(model_name: str, name: str) -> str:
    """What a clerk calls the field (or the event) an entry records."""
    if (model_name, name) in EVENTS:
        return EVENTS[(model_name, name)]
    field = _field(model_name, name)
    if name in EVENTS and (field is None or name == "published_at"):
        return EVENTS[name]
    if field is not None:
        return str(field.verbose_name)
    return EVENTS.get(name, name)


def date_words(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def when_words(moment: datetime.datetime) -> str:
    """A moment in the Chinese local form: 2026年1月5日 10:00 (local time)."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{date_words(moment.date())} {moment:%H:%M}"


def _dated(text: str) -> str | None:
    """An ISO date or timestamp in the Chinese local form, else None."""
    if ISO_DATETIME.match(text):
        try:
            return when_words(datetime.datetime.fromisoformat(text))
        except ValueError:
            return None
    if ISO_DATE.match(text):
        try:
            return date_words(datetime.date.fromisoformat(text))
        except ValueError:
            return None
    return None


def value(model_name: str, name: str, text: str) -> str:
    """A recorded value as a clerk writes it: 是/否, a choice's label, a date or time in Chinese."""
    if not text:
        return ""
    field = _field(model_name, name)
    if isinstance(field, models.BooleanField):
        return BOOLEAN_WORDS.get(text, text)
    if field is not None and field.choices:
        choices = {str(k): str(v) for k, v in field.flatchoices}
        if text in choices:
            return choices[text]
    dated = _dated(text.strip())
    return dated if dated is not None else text


class _Former:
    """The actor of an entry whose user has been deleted: the name the entry kept."""

    def __init__(self, name: str) -> None:
        self.display_name = name

    def __str__(self) -> str:
        return self.display_name


def actor(entry: AuditEntry):
    """The entry's user, or — the user deleted — its kept name; None for the system."""
    try:
        user = entry.actor
    except ObjectDoesNotExist:
        user = None
    return user or (_Former(entry.actor_name) if entry.actor_name else None)


def row(entry: AuditEntry) -> dict:
    """One line of a history: when, who, what (``field``: its Chinese name; ``key``: as recorded), and the
    old and new values in words."""
    return {
        "at": entry.at,
        "actor": actor(entry),
        "key": entry.field,
        "model": entry.model,
        "field": label(entry.model, entry.field),
        "old": value(entry.model, entry.field, entry.old),
        "new": value(entry.model, entry.field, entry.new),
    }


def of_task(task) -> list[dict]:
    """A matter's history, oldest first, in words."""
    entries = AuditEntry.objects.filter(task=task).select_related("actor").order_by("at", "id")
    return [row(entry) for entry in entries]
