"""Input validation for the pages of 建议提案办理. Forms check the shape of the input; the rules (deadlines,
states, who) are the actions' and ``luoshi.access``'s."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
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
from luoshi.tasks.models import Task

from .models import Category, Contact, Kind, Verdict

KIND_CHOICES = [("", "全部"), *Kind.choices]
_COMMITMENT_SPLIT = re.compile(r"\s*[|｜]\s*")


class ProposalFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=KIND_CHOICES)
    session = forms.ChoiceField(label="届次会议", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Task.STATUS_CHOICES])
    unit = UnitChoiceField(label="承办单位", queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, government_id, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", "全部"), *((s, s) for s in sessions)]
        self.fields["unit"].queryset = units_of(government_id)


class IntakeForm(forms.Form):
    upload = forms.FileField(label="建议提案清单 (.xlsx 或 .csv)")
    session = forms.CharField(
        label="届次会议",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如 海西州第十五届人大第三次会议"}),
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        label="默认类别 (清单无“类别”列时)",
        required=False,
        choices=[("", "按清单中的类别"), *Kind.choices],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


class EnterForm(forms.Form):
    session = forms.CharField(label="届次会议", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    number = forms.CharField(label="编号", max_length=40)
    title = forms.CharField(label="标题(案由)", max_length=300)
    lead_author = forms.CharField(label="领衔人", max_length=100, required=False)
    co_signers = forms.CharField(label="附议人 (以顿号分隔)", required=False)
    group = forms.CharField(label="代表团/界别", max_length=100, required=False)
    content = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    proposed_units = forms.CharField(
        label="建议承办单位",
        required=False,
        help_text="如 州教育局(主办)、州财政局(会办); 未标注时第一个为主办",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


class AssignForm(forms.Form):
    lead_unit = UnitChoiceField(label="主办单位", queryset=Unit.objects.none())
    co_units = UnitsChoiceField(
        label="会办单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    leader = LeaderChoiceField(label="领办领导 (重点建议提案)", queryset=User.objects.none(), required=False)
    key = forms.BooleanField(label="重点建议提案 (领导领办)", required=False)
    months = forms.IntegerField(label="办理期限 (交办后月数)", required=False)

    def __init__(self, *args, proposal, **kwargs):
        task = proposal.task
        kwargs.setdefault(
            "initial",
            {
                "lead_unit": task.lead_unit_id,
                "co_units": [u.pk for u in task.co_units.all()],
                "leader": task.leader_id,
                "key": proposal.key,
                "months": settings.LUOSHI_PROPOSAL_REPLY_MONTHS,
            },
        )
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        government_id = proposal.government_id
        self.fields["lead_unit"].queryset = units_of(government_id)
        self.fields["co_units"].queryset = units_of(government_id)
        self.fields["leader"].queryset = leaders_of(government_id)
        self.fields["months"].widget.attrs.update({"min": 1, "max": settings.LUOSHI_PROPOSAL_MAX_MONTHS})
        self.fields[
            "months"
        ].help_text = (
            f"默认{settings.LUOSHI_PROPOSAL_REPLY_MONTHS}个月, 复杂事项最长{settings.LUOSHI_PROPOSAL_MAX_MONTHS}个月"
        )


class SplitForm(forms.Form):
    units = UnitsChoiceField(
        label="分办给以下主办单位 (至少两个, 第一个保留原事项)",
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, proposal, **kwargs):
        kwargs.setdefault("prefix", "split")
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units_of(proposal.government_id)


class ReliefForm(forms.Form):
    reason = forms.CharField(label="申请退回改办的理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "relief")
        super().__init__(*args, **kwargs)


class ReliefDecisionForm(forms.Form):
    approve = forms.ChoiceField(
        label="意见", choices=[("1", "同意改办"), ("0", "不同意")], widget=forms.RadioSelect, initial="1"
    )
    new_unit = UnitChoiceField(label="改由单位 (同意主办单位改办时必选)", queryset=Unit.objects.none(), required=False)
    reason = forms.CharField(label="说明 (不同意时必填)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, government_id, **kwargs):
        kwargs.setdefault("prefix", "decide")
        super().__init__(*args, **kwargs)
        self.fields["new_unit"].queryset = units_of(government_id)


class OpinionForm(forms.Form):
    text = forms.CharField(label="会办意见", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "opinion")
        super().__init__(*args, **kwargs)


class ContactForm(forms.Form):
    on = forms.DateField(label="沟通日期", widget=DateInput())
    way = forms.ChoiceField(label="沟通方式", choices=Contact.Way.choices)
    content = forms.CharField(label="沟通内容", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "contact")
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ReplyForm(forms.Form):
    category = forms.ChoiceField(label="答复类别", choices=Category.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 8}))
    explanation = forms.CharField(
        label="难以解决的原因 (C类必填)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    commitments = forms.CharField(
        label="承诺事项 (B类必填, 每行一项: 内容 | 2027-08-31)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2027年新建幼儿园一所 | 2027-08-31"}),
    )
    publishable = forms.BooleanField(label="答复可以公开", required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reply")
        super().__init__(*args, **kwargs)

    def commitment_list(self) -> list[dict]:
        """Each line as ``{text, due}``: the part after the last ``|`` is the date (checked by the action)."""
        items = []
        for line in self.cleaned_data["commitments"].splitlines():
            line = line.strip()
            if not line:
                continue
            parts = _COMMITMENT_SPLIT.split(line)
            if len(parts) > 1:
                items.append({"text": " ".join(parts[:-1]), "due": parts[-1]})
            else:
                items.append({"text": line, "due": ""})
        return items


class ReplyReviewForm(forms.Form):
    accept = forms.ChoiceField(
        label="审核", choices=[("1", "通过 (办复)"), ("0", "退回修改")], widget=forms.RadioSelect, initial="1"
    )
    reason = forms.CharField(label="退回理由 (退回时必填)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "review")
        super().__init__(*args, **kwargs)


class MeetForm(forms.Form):
    note = forms.CharField(label="兑现情况", widget=forms.Textarea(attrs={"rows": 2}))


class CommitmentLinkForm(forms.Form):
    tasks = forms.ModelMultipleChoiceField(
        label="关联台账中的督办事项",
        queryset=Task.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, commitment, **kwargs):
        kwargs.setdefault("initial", {"tasks": [t.pk for t in commitment.tasks.all()]})
        super().__init__(*args, **kwargs)
        field = self.fields["tasks"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (
            Task.objects.filter(report__government_id=commitment.proposal.government_id, kind="task")
            .exclude(report__source=Source.PROPOSALS)
            .select_related("report")
            .order_by("report", "position", "id")
        )
        field.label_from_instance = lambda t: f"{t.report.year} {t.code} {t.text[:40]}"


class VerdictForm(forms.Form):
    opinion = forms.ChoiceField(label="您对办理结果的评价", choices=Verdict.Opinion.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="意见和建议 (选择不满意时请说明理由)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
