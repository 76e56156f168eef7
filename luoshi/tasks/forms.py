"""Input validation for the ledger's and the report's forms. Forms turn input into the ``changes`` dicts
of ``actions``."""

from __future__ import annotations

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone

from luoshi.accounts.forms import (
    DateInput,
    LeaderChoiceField,
    UnitChoiceField,
    UnitsChoiceField,
    leaders_of,
    units_of,
)
from luoshi.accounts.models import Unit, User
from luoshi.reports.models import Source

from .fields import TAG_JOIN, split_tags
from .models import Task


def _offer(field: forms.Field, queryset: QuerySet[Model]) -> None:
    """Let a model choice field offer (and accept) only ``queryset``."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(field).__name__} is not a model choice field")
    field.queryset = queryset


class TaskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label="工作任务", widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label="类型", choices=Task.KIND_CHOICES)
    targets = forms.CharField(label="目标 (每行一个)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = UnitChoiceField(label="牵头单位", queryset=Unit.objects.none(), required=False)
    co_units = UnitsChoiceField(
        label="配合单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    leader = LeaderChoiceField(label="包抓领导", queryset=User.objects.none(), required=False)
    task_force = forms.CharField(label="专班", required=False, max_length=200)
    deadline = forms.DateField(label="完成时限", required=False, widget=DateInput())
    ongoing = forms.BooleanField(label="常态化推进 (无截止时间)", required=False)
    cycle = forms.ChoiceField(label="报送周期", choices=Task.CYCLE_CHOICES)
    due_day = forms.IntegerField(label="每期报送日", min_value=1, max_value=28)
    tags = forms.CharField(label="标签 (以逗号或分号分隔)", required=False)
    status = forms.ChoiceField(label="状态", choices=Task.STATUS_CHOICES)

    def __init__(self, data=None, *, task: Task, **kwargs):
        government_id = task.report.government_id
        initial = {
            "version": task.version,
            "text": task.text,
            "kind": task.kind,
            "targets": task.targets,
            "lead_unit": task.lead_unit_id,
            "co_units": [u.pk for u in task.co_units.all()],
            "leader": task.leader_id,
            "task_force": task.task_force,
            "deadline": task.deadline,
            "ongoing": task.ongoing,
            "cycle": task.cycle,
            "due_day": task.due_day,
            "tags": TAG_JOIN.join(task.tag_names()),
            "status": task.status,
        }
        super().__init__(data, initial=initial, **kwargs)
        _offer(self.fields["lead_unit"], units_of(government_id))
        _offer(self.fields["co_units"], units_of(government_id))
        _offer(self.fields["leader"], leaders_of(government_id))

    def clean(self):
        data = super().clean()
        lead, co = data.get("lead_unit"), data.get("co_units")
        if lead is not None and co and lead in co:
            raise forms.ValidationError("牵头单位不能同时是配合单位")
        return data

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["co_units"] = list(data["co_units"])
        data["tags"] = split_tags(data["tags"])
        data["targets"] = "\n".join(line.strip() for line in data["targets"].splitlines() if line.strip())
        return data


class SplitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    at = forms.IntegerField(label="拆分位置 (第几个字之后)", min_value=1)


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点内容", max_length=300)
    due = forms.DateField(label="节点时间", widget=DateInput())


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部"), *Source.choices])
    section = forms.ChoiceField(label="板块", required=False)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), required=False)
    leader = forms.ModelChoiceField(label="包抓领导", queryset=User.objects.none(), required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Task.STATUS_CHOICES])
    tag = forms.CharField(label="标签", required=False)

    def __init__(self, *args, government_id, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "全部"), *((s, s) for s in sections)]
        self.fields["unit"].queryset = units_of(government_id)
        self.fields["unit"].label_from_instance = lambda u: u.label
        self.fields["leader"].queryset = leaders_of(government_id)
        self.fields["leader"].label_from_instance = lambda u: u.display_name


class ImportForm(forms.Form):
    KINDS = [
        ("report", "政府工作报告"),
        ("meeting", "会议纪要 (议定事项)"),
        ("instruction", "领导批示件"),
        ("rectification", "整改清单"),
        ("auto", "自动识别"),
    ]
    kind = forms.ChoiceField(label="来源类型", choices=KINDS, initial="report", required=False)
    upload = forms.FileField(label="报告文件 (.txt .docx .pdf; 整改清单也可 .xlsx)", required=False)
    text = forms.CharField(label="或粘贴报告全文", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, with_kind: bool = True, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year, "kind": "report"})
        super().__init__(*args, **kwargs)
        if not with_kind:  # a re-import is of the report the ledger holds
            del self.fields["kind"]

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or "report"

    def clean(self):
        data = super().clean()
        if not data.get("upload") and not (data.get("text") or "").strip():
            raise forms.ValidationError("请上传报告文件或粘贴报告全文")
        return data


class SpreadsheetForm(forms.Form):
    upload = forms.FileField(label="分工方案 (.xlsx)")


class BulkForm(forms.Form):
    ACTIONS = [
        ("accept", "采纳引擎建议的牵头/配合单位"),
        ("lead_unit", "设置牵头单位"),
        ("leader", "设置包抓领导"),
        ("deadline", "设置完成时限"),
        ("cycle", "设置报送周期"),
        ("add_tags", "添加标签"),
        ("publish", "交办所选任务"),
    ]
    action = forms.ChoiceField(label="批量操作", choices=ACTIONS)
    tasks = forms.ModelMultipleChoiceField(queryset=Task.objects.none(), error_messages={"required": "请先勾选任务"})
    lead_unit = UnitChoiceField(label="牵头单位", queryset=Unit.objects.none(), required=False)
    leader = LeaderChoiceField(label="包抓领导", queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label="完成时限", required=False, widget=DateInput())
    cycle = forms.ChoiceField(label="报送周期", choices=Task.CYCLE_CHOICES, required=False)
    tags = forms.CharField(label="标签", required=False)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = Task.objects.filter(report=report)
        self.fields["lead_unit"].queryset = units_of(report.government_id)
        self.fields["leader"].queryset = leaders_of(report.government_id)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        needs = {
            "lead_unit": "请选择牵头单位",
            "leader": "请选择包抓领导",
            "deadline": "请填写完成时限",
            "cycle": "请选择报送周期",
            "add_tags": "请填写标签",
        }
        key = "tags" if action == "add_tags" else action
        if action in needs and not data.get(key):
            raise forms.ValidationError(needs[action])
        return data

    def changes(self) -> dict:
        action = self.cleaned_data["action"]
        if action == "add_tags":
            return {"add_tags": split_tags(self.cleaned_data["tags"])}
        return {action: self.cleaned_data[action]}
