"""The office's report forms: import, the ledger spreadsheet, and the review page's bulk action."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from luoshi.accounts.forms import DateInput, LeaderChoiceField, UnitChoiceField, leaders_of, units_of
from luoshi.accounts.models import Unit, User
from luoshi.tasks.fields import split_tags
from luoshi.tasks.models import Task


class ImportForm(forms.Form):
    upload = forms.FileField(label="报告文件 (.txt .docx .pdf)", required=False)
    text = forms.CharField(label="或粘贴报告全文", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)

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
