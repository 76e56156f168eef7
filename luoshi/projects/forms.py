"""Input validation for the pages of 民生实事. Forms check the shape of the input (a date is a date, a
count a whole number); what an amount of money may be is ``luoshi.projects.money``'s, read by the
actions from the text the person typed, so a page and the list import refuse the same things in the same
words. The rules on states and people are the actions' and ``luoshi.access``'s."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from luoshi.accounts.forms import DateInput, UnitChoiceField, UnitsChoiceField, units_of
from luoshi.accounts.models import Unit
from luoshi.reports.models import Source
from luoshi.tasks.models import Task

from .models import DEFAULT_STAGES, Indicator

MONEY_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "placeholder": "万元"}
LIGHTS = [("", "全部"), ("green", "绿灯"), ("yellow", "黄灯"), ("red", "红灯")]
CANDIDATE_ROWS = 5
STAGE_ROWS = 7
INDICATOR_ROWS = 6


def money_field(label: str, *, required: bool = False) -> forms.CharField:
    """An amount as typed (万元): the actions read it with ``money.amount``."""
    return forms.CharField(label=label, required=required, max_length=40, widget=forms.TextInput(attrs=MONEY_ATTRS))


def places_of(government_id):
    """The county-level governments of the catalog: where a project can be."""
    return Unit.objects.filter(government_id=government_id, kind="government").order_by("id")


class RowsMixin:
    """Fields named ``<name>_<i>`` in rows, for a small table of inputs (stages, indicators, candidates)."""

    columns: tuple[str, ...] = ()
    fields: dict

    def row_fields(self):
        rows = []
        i = 0
        while f"{self.columns[0]}_{i}" in self.fields:
            rows.append([self[f"{name}_{i}"] for name in self.columns])  # type: ignore[index]
            i += 1
        return rows

    def row_values(self, cleaned: dict) -> list[dict]:
        out = []
        i = 0
        while f"{self.columns[0]}_{i}" in self.fields:
            out.append({name: cleaned.get(f"{name}_{i}") for name in self.columns})
            i += 1
        return out


# ------------------------------------------------------------------------------------------------ the list


class ProjectFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False)
    unit = UnitChoiceField(label="责任单位", queryset=Unit.objects.none(), required=False)
    place = UnitChoiceField(label="实施地", queryset=Unit.objects.none(), required=False)
    light = forms.ChoiceField(label="灯色", choices=LIGHTS, required=False)

    def __init__(self, *args, government_id, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units_of(government_id)  # type: ignore[attr-defined]
        self.fields["place"].queryset = places_of(government_id)  # type: ignore[attr-defined]
        self.fields["unit"].empty_label = self.fields["place"].empty_label = "全部"  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------ candidates


class CandidatesForm(RowsMixin, forms.Form):
    """New candidates, a row each (rows left without a title are skipped)."""

    columns = ("title", "content", "budget", "lead_unit")

    def __init__(self, *args, government_id, rows: int = CANDIDATE_ROWS, **kwargs):
        kwargs.setdefault("prefix", "cand")
        super().__init__(*args, **kwargs)
        units = units_of(government_id)
        for i in range(rows):
            self.fields[f"title_{i}"] = forms.CharField(label="项目名称", max_length=200, required=False)
            self.fields[f"content_{i}"] = forms.CharField(label="建设内容", max_length=2000, required=False)
            self.fields[f"budget_{i}"] = money_field("估算投资(万元)")
            self.fields[f"lead_unit_{i}"] = UnitChoiceField(label="牵头单位", queryset=units, required=False)

    def rows(self) -> list[dict]:
        out = []
        for row in self.row_values(self.cleaned_data):
            if not (row["title"] or "").strip():
                continue
            unit = row["lead_unit"]
            out.append(
                {
                    "title": row["title"],
                    "content": row["content"] or "",
                    "budget": row["budget"] or "",
                    "lead_unit": unit.label if unit else "",
                }
            )
        return out

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.rows():
            raise forms.ValidationError("请至少填写一个候选项目的名称")
        return cleaned


class VotesForm(forms.Form):
    """The deputies' vote: each candidate's votes and how many are chosen."""

    chosen = forms.IntegerField(label="入选项目数", min_value=1, max_value=1000)

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("prefix", "vote")
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for c in self.candidates:
            self.fields[f"votes_{c.pk}"] = forms.IntegerField(
                label=f"{c.title} 得票数", min_value=0, max_value=100000, initial=c.votes
            )
        if not self.is_bound:
            chosen = sum(1 for c in self.candidates if c.chosen)
            self.fields["chosen"].initial = chosen or None

    def vote_fields(self):
        return [(c, self[f"votes_{c.pk}"]) for c in self.candidates]

    def votes(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"votes_{c.pk}"] for c in self.candidates}


class DatesForm(forms.Form):
    """Start and deadline of projects opened from the candidates."""

    start = forms.DateField(label="开始日期", widget=DateInput())
    deadline = forms.DateField(label="完成时限", widget=DateInput())

    def __init__(self, *args, year: int, **kwargs):
        kwargs.setdefault("prefix", "open")
        kwargs.setdefault("initial", {"start": datetime.date(year, 1, 1), "deadline": datetime.date(year, 12, 31)})
        super().__init__(*args, **kwargs)


# -------------------------------------------------------------------------------------- a project's parts


class BudgetForm(forms.Form):
    """The budget by source: one amount per funding source; the total is their sum."""

    def __init__(self, *args, sources, lines=None, **kwargs):
        kwargs.setdefault("prefix", "budget")
        super().__init__(*args, **kwargs)
        self.sources = list(sources)
        lines = lines or {}
        for s in self.sources:
            field = money_field(s.name)
            field.initial = f"{lines[s.name]}" if s.name in lines else ""
            self.fields[f"source_{s.pk}"] = field

    def source_fields(self):
        return [self[f"source_{s.pk}"] for s in self.sources]

    def lines(self) -> dict[str, str]:
        """Source name → the amount as typed (empty ones left out)."""
        out = {}
        for s in self.sources:
            raw = (self.cleaned_data.get(f"source_{s.pk}") or "").strip()
            if raw:
                out[s.name] = raw
        return out


class StagesForm(RowsMixin, forms.Form):
    """The stages of works: name, planned date and share of the works (percent), a row each."""

    columns = ("name", "planned", "weight")

    def __init__(self, *args, stages=None, rows: int = STAGE_ROWS, dates_required: bool = True, **kwargs):
        kwargs.setdefault("prefix", "stages")
        super().__init__(*args, **kwargs)
        stages = list(stages if stages is not None else [(name, None, weight) for name, weight in DEFAULT_STAGES])
        self.dates_required = dates_required
        for i in range(max(rows, len(stages))):
            name, planned, weight = stages[i] if i < len(stages) else ("", None, None)
            self.fields[f"name_{i}"] = forms.CharField(label="节点", max_length=60, required=False, initial=name)
            self.fields[f"planned_{i}"] = forms.DateField(
                label="计划时间", required=False, widget=DateInput(), initial=planned
            )
            self.fields[f"weight_{i}"] = forms.IntegerField(
                label="占形象进度(%)", min_value=0, max_value=100, required=False, initial=weight
            )

    def stages(self) -> list[tuple[str, datetime.date, int]]:
        """The rows with a name, in order; an empty list when no row has a date and dates are optional
        (the default stages then follow from the project's span)."""
        rows = [r for r in self.row_values(self.cleaned_data) if (r["name"] or "").strip()]
        if not self.dates_required and not any(r["planned"] for r in rows):
            return []
        return [(r["name"].strip(), r["planned"], r["weight"] or 0) for r in rows]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        rows = self.row_values(cleaned)
        named = [r for r in rows if (r["name"] or "").strip()]
        for r in rows:
            if not (r["name"] or "").strip() and (r["planned"] or r["weight"]):
                raise forms.ValidationError("有节点缺少名称")
        if self.dates_required or any(r["planned"] for r in named):
            missing = [r["name"] for r in named if not r["planned"]]
            if missing:
                raise forms.ValidationError(f"节点“{'、'.join(missing)}”缺少计划时间")
        return cleaned


class IndicatorsForm(RowsMixin, forms.Form):
    """The 绩效目标表: a row per indicator (rows without a name are skipped)."""

    columns = ("level", "kind", "name", "comparator", "value", "value_max", "unit", "weight")

    def __init__(self, *args, indicators=None, rows: int = INDICATOR_ROWS, require_one: bool = False, **kwargs):
        kwargs.setdefault("prefix", "ind")
        super().__init__(*args, **kwargs)
        self.require_one = require_one
        lines = list(indicators or [])
        for i in range(max(rows, len(lines) + 2)):
            line = lines[i] if i < len(lines) else None
            self.fields[f"level_{i}"] = forms.ChoiceField(
                label="一级指标",
                required=False,
                choices=[("", "—"), *Indicator.Level.choices],
                initial=line.level if line else "",
            )
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label="二级指标",
                required=False,
                choices=[("", "—"), *Indicator.Kind.choices],
                initial=line.kind if line else "",
            )
            self.fields[f"name_{i}"] = forms.CharField(
                label="三级指标", max_length=200, required=False, initial=line.name if line else ""
            )
            self.fields[f"comparator_{i}"] = forms.ChoiceField(
                label="比较",
                required=False,
                choices=[("", "—"), *Indicator.COMPARATORS],
                initial=line.comparator if line else "",
            )
            self.fields[f"value_{i}"] = forms.CharField(
                label="指标值",
                max_length=40,
                required=False,
                initial=f"{line.value.normalize():f}" if line else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"value_max_{i}"] = forms.CharField(
                label="区间上限",
                max_length=40,
                required=False,
                initial=f"{line.value_max.normalize():f}" if line and line.value_max is not None else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"unit_{i}"] = forms.CharField(
                label="计量单位", max_length=20, required=False, initial=line.unit if line else ""
            )
            self.fields[f"weight_{i}"] = forms.CharField(
                label="分值",
                max_length=20,
                required=False,
                initial=f"{line.weight.normalize():f}" if line and line.weight else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

    def clean(self):
        cleaned = super().clean()
        if self.require_one and not self.errors and not self.lines():
            raise forms.ValidationError("请至少填写一个绩效指标")
        return cleaned

    def lines(self) -> list[dict]:
        return [
            {**r, "name": r["name"].strip()} for r in self.row_values(self.cleaned_data) if (r["name"] or "").strip()
        ]


class ProjectForm(forms.Form):
    """One project by hand; its budget, stages and indicators come in their own forms on the same page."""

    title = forms.CharField(label="项目名称", max_length=200)
    content = forms.CharField(label="建设内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    places = UnitsChoiceField(
        label="实施地 (县级)",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    lead_unit = UnitChoiceField(label="牵头单位", queryset=Unit.objects.none(), required=False)
    co_units = UnitsChoiceField(
        label="责任单位 (配合)",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    start = forms.DateField(label="开始日期", widget=DateInput())
    deadline = forms.DateField(label="完成时限", widget=DateInput())
    total = money_field("总投资(万元, 选填: 填写后与各来源合计核对)")

    def __init__(self, *args, government_id, **kwargs):
        year = timezone.localdate().year
        kwargs.setdefault("initial", {"start": datetime.date(year, 1, 1), "deadline": datetime.date(year, 12, 31)})
        super().__init__(*args, **kwargs)
        self.fields["places"].queryset = places_of(government_id)  # type: ignore[attr-defined]
        self.fields["lead_unit"].queryset = units_of(government_id)  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units_of(government_id)  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean()
        start, deadline = cleaned.get("start"), cleaned.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", "完成时限早于开始日期")
        return cleaned


class BandsForm(forms.Form):
    spend_yellow = forms.IntegerField(label="支出落后序时 (黄灯, 百分点)", min_value=0, max_value=100)
    spend_red = forms.IntegerField(label="支出落后序时超过 (红灯, 百分点)", min_value=0, max_value=100)
    works_yellow = forms.IntegerField(label="形象进度落后支出 (黄灯, 百分点)", min_value=0, max_value=100)
    works_red = forms.IntegerField(label="形象进度落后支出超过 (红灯, 百分点)", min_value=0, max_value=100)

    def __init__(self, *args, project, **kwargs):
        kwargs.setdefault("prefix", "bands")
        kwargs.setdefault("initial", {name: getattr(project, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)


class OverrunForm(forms.Form):
    allowed = forms.BooleanField(label="允许超拨超支", required=False)
    reason = forms.CharField(label="理由 (允许时必填)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project, **kwargs):
        kwargs.setdefault("prefix", "overrun")
        kwargs.setdefault("initial", {"allowed": project.overrun_allowed, "reason": project.overrun_reason})
        super().__init__(*args, **kwargs)


class PromiseForm(forms.Form):
    task = forms.ModelChoiceField(label="对应的政府工作报告任务", queryset=Task.objects.none(), required=False)

    def __init__(self, *args, project, **kwargs):
        kwargs.setdefault("prefix", "promise")
        kwargs.setdefault("initial", {"task": project.promised_by_id})
        super().__init__(*args, **kwargs)
        field = self.fields["task"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Task.objects.filter(report__government_id=project.government_id, report__source=Source.REPORT, kind="task")
            .select_related("report")
            .order_by("-report__year", "position", "id")
        )
        field.label_from_instance = lambda t: f"{t.report.year} {t.code} {t.text[:40]}"
        field.empty_label = "(不关联)"


# ------------------------------------------------------------------------------------- the period report


class PeriodReportForm(forms.Form):
    """A period's report: progress, the cumulative money, each indicator's actual, each stage's date."""

    period = forms.ChoiceField(label="报送期")
    percent = forms.IntegerField(
        label="完成进度 (%)",
        min_value=0,
        max_value=100,
        error_messages={"min_value": "完成进度须在 0 到 100 之间", "max_value": "完成进度须在 0 到 100 之间"},
    )
    narrative = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}))
    received = money_field("累计到位资金(万元)", required=True)
    disbursed = money_field("累计拨付资金(万元)", required=True)
    spent = money_field("累计支出资金(万元)", required=True)
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, project, periods=(), **kwargs):
        kwargs.setdefault("prefix", "report")
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in periods]  # type: ignore[attr-defined]
        self.indicators = list(project.indicators.all())
        self.stages = list(project.stages.all())
        for i in self.indicators:
            self.fields[f"indicator_{i.pk}"] = forms.CharField(
                label=f"{i.name} (目标 {i.target_text()})",
                max_length=40,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        for s in self.stages:
            self.fields[f"stage_{s.pk}"] = forms.DateField(
                label=f"{s.name} (计划 {s.planned:%Y-%m-%d})",
                required=False,
                widget=DateInput(),
                initial=s.actual,
            )

    def money_fields(self):
        return [self[name] for name in ("received", "disbursed", "spent")]

    def indicator_fields(self):
        return [self[f"indicator_{i.pk}"] for i in self.indicators]

    def stage_fields(self):
        return [self[f"stage_{s.pk}"] for s in self.stages]

    def actuals(self) -> dict[int, str]:
        return {i.pk: (self.cleaned_data.get(f"indicator_{i.pk}") or "").strip() for i in self.indicators}

    def stages_done(self) -> dict[int, datetime.date | None]:
        return {s.pk: self.cleaned_data.get(f"stage_{s.pk}") for s in self.stages}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核", choices=[("accepted", "采纳"), ("returned", "退回")], widget=forms.RadioSelect, initial="accepted"
    )
    reason = forms.CharField(label="理由 (退回必填)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "review")
        super().__init__(*args, **kwargs)


# ------------------------------------------------------------------------------------------ evaluation


class EvaluationForm(forms.Form):
    """The unit's explanations, one per indicator that lost points; save or submit."""

    submit = forms.ChoiceField(choices=[("0", "保存"), ("1", "提交")], required=False)

    def __init__(self, *args, lines, **kwargs):
        kwargs.setdefault("prefix", "eval")
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"explain_{line['indicator']}"] = forms.CharField(
                label=f"{line['name']} 未达目标的原因",
                required=False,
                max_length=1000,
                initial=line.get("explanation", ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def explanations(self) -> dict[int, str]:
        return {line["indicator"]: self.cleaned_data.get(f"explain_{line['indicator']}", "") for line in self.lines}


class AdjustForm(forms.Form):
    total = forms.CharField(
        label="调整后得分 (0–100)", max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    reason = forms.CharField(label="调整理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "adjust")
        super().__init__(*args, **kwargs)
