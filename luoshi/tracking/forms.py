"""Input validation for 落实 forms."""

from __future__ import annotations

from django import forms

from luoshi.accounts.forms import units_of
from luoshi.accounts.models import Unit
from luoshi.tasks.forms import DateInput

from .models import ClosingRequest


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); size and type are checked in ``evidence``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressReportForm(forms.Form):
    period = forms.ChoiceField(label="报送期")
    percent = forms.IntegerField(
        label="完成进度 (%)",
        min_value=0,
        max_value=100,
        error_messages={"min_value": "完成进度须在 0 到 100 之间", "max_value": "完成进度须在 0 到 100 之间"},
    )
    narrative = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}))
    milestone_note = forms.CharField(label="节点完成情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(label="佐证材料 (PDF、docx、xlsx、JPG、PNG, 可多选)", required=False)
    links = forms.CharField(label="佐证链接 (每行一个)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in periods]

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class ContributionForm(forms.Form):
    period = forms.ChoiceField(label="报送期")
    narrative = forms.CharField(label="配合工作进展", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in periods]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核", choices=[("accepted", "采纳"), ("returned", "退回")])
    reason = forms.CharField(label="理由 (退回必填)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label="申请完成时限", widget=DateInput())
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    approve = forms.ChoiceField(label="意见", choices=[("1", "同意"), ("0", "不同意")])
    reason = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ClosingForm(forms.Form):
    verdict = forms.ChoiceField(label="完成情况", choices=ClosingRequest.Verdict.choices)
    reason = forms.CharField(label="办结说明", widget=forms.Textarea(attrs={"rows": 2}))


class InstructionForm(forms.Form):
    text = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="拒签收理由 (为何不属于本单位职责, 建议由哪个单位牵头)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请说明拒签收的理由"},
    )


class DeclineDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="处理意见", choices=[("reassign", "改派其他单位牵头"), ("insist", "维持交办")])
    new_unit = forms.ModelChoiceField(label="改派牵头单位", queryset=Unit.objects.none(), required=False)
    reason = forms.CharField(
        label="说明 (维持交办须说明理由)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, government_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units_of(government_id)
        field.label_from_instance = lambda u: u.label

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reassign" and not data.get("new_unit"):
            raise forms.ValidationError("改派须指定新的牵头单位")
        if data.get("decision") == "insist" and not (data.get("reason") or "").strip():
            raise forms.ValidationError("维持交办须说明理由")
        return data
