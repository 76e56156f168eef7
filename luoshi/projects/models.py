"""民生实事: a livelihood project beside its supervised matter, with its budget by source, its stages
(physical milestones with planned and actual dates), its performance targets (绩效目标表), the money and
indicator figures of each progress report, and the year-end self-evaluation (绩效自评).

Money is 万元 as exact decimals everywhere (14 digits, two places); never a float. One-row rules live
here; writes in ``actions``; permissions in ``luoshi/access.py``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from luoshi.accounts.models import Government, Unit
from luoshi.tasks.models import Task
from luoshi.tracking.models import ProgressReport

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# The funding sources a budget is split into, unless the government configures its own.
DEFAULT_SOURCES = ["中央", "省级", "州(市)级", "县级", "社会资本", "其他"]
# The stages of works and their default share of the works (percent, summing to 100).
DEFAULT_STAGES = [("前期", 10), ("开工", 20), ("主体完工", 40), ("竣工验收", 20), ("投用", 10)]


def money(value) -> Decimal:
    """A stored amount: a Decimal rounded to the cent of 万元 (two places)."""
    return Decimal(value).quantize(CENT)


class FundingSource(models.Model):
    """One source of money of a government's projects (中央, 省级 …), in the order its tables list them."""

    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="funding_sources")
    name = models.CharField("资金来源", max_length=40)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "资金来源"
        ordering = ["government", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["government", "name"], name="funding_source_unique")]

    def __str__(self) -> str:
        return self.name


class Candidate(models.Model):
    """A candidate project of a year's list, with the deputies' votes (票决制) once they are in; the chosen
    become the year's projects, the others stay on record."""

    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="project_candidates")
    year = models.PositiveSmallIntegerField("年度")
    position = models.PositiveSmallIntegerField("序号", default=0)
    title = models.CharField("项目名称", max_length=200)
    content = models.TextField("建设内容", blank=True)
    budget = models.DecimalField("估算投资(万元)", max_digits=14, decimal_places=2)
    lead_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="牵头单位"
    )
    votes = models.PositiveIntegerField("得票数", null=True, blank=True)
    chosen = models.BooleanField("入选", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "候选项目"
        ordering = ["government", "year", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["government", "year", "title"], name="candidate_title_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Project(models.Model):
    """民生实事项目: what belongs to a livelihood project beside its matter (title = the matter's text;
    units, leader, deadline, lifecycle and light are the matter's)."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="project", verbose_name="督办事项")
    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="projects", verbose_name="政府")
    year = models.PositiveSmallIntegerField("年度")
    candidate = models.OneToOneField(
        Candidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="project", verbose_name="候选项目"
    )
    content = models.TextField("建设内容", blank=True)
    start = models.DateField("开始日期")
    places = models.ManyToManyField(Unit, blank=True, related_name="projects", verbose_name="实施地")
    promised_by = models.ForeignKey(
        Task,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="promised_projects",
        verbose_name="对应报告任务",
    )
    budget = models.DecimalField("总投资(万元)", max_digits=14, decimal_places=2)
    # 超拨/超支: the office may allow disbursing above what was received, or spending above what was
    # disbursed, with its reason (e.g. a county advancing money).
    overrun_allowed = models.BooleanField("允许超拨超支", default=False)
    overrun_reason = models.TextField("允许超拨超支的理由", blank=True)
    # Bands of the light (percentage points): spending behind the time elapsed, works behind spending.
    spend_yellow = models.PositiveSmallIntegerField("支出落后序时(黄灯, 百分点)", default=15)
    spend_red = models.PositiveSmallIntegerField("支出落后序时超过(红灯, 百分点)", default=30)
    works_yellow = models.PositiveSmallIntegerField("形象进度落后支出(黄灯, 百分点)", default=15)
    works_red = models.PositiveSmallIntegerField("形象进度落后支出超过(红灯, 百分点)", default=30)

    class Meta:
        verbose_name = verbose_name_plural = "民生实事项目"
        ordering = ["government", "year", "task__position", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def title(self) -> str:
        return self.task.text

    def figures(self, day=None) -> dict:
        """Where the project stands on ``day`` (default today), for a page that shows it beside another matter
        (the report task that promised it): budget, money and shares (``lights.Progress``), the last stage
        done, and the light with its reason."""
        from django.utils import timezone

        from luoshi.tracking import health

        from .lights import progress  # lights reads this module: imported when asked

        day = day or timezone.localdate()
        done = [s for s in self.stages.all() if s.actual is not None and s.actual <= day]
        return {
            "budget": self.budget,
            "progress": progress(self, day),
            "stage": max(done, key=lambda s: (s.position, s.pk)) if done else None,
            "light": health.compute(self.task, day),
        }


class BudgetLine(models.Model):
    """The budget's share of one funding source; the shares add up to the project's total."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="+", verbose_name="资金来源")
    amount = models.DecimalField("金额(万元)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "预算构成"
        ordering = ["project", "source__position", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="budget_line_unique")]

    def __str__(self) -> str:
        return f"{self.source} {self.amount}"


class Stage(models.Model):
    """A stage of the works (前期, 开工, 主体完工, 竣工验收, 投用 — editable) with its planned and actual date
    and its share of the works (``weight``, percent)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("节点", max_length=60)
    planned = models.DateField("计划时间")
    actual = models.DateField("实际完成", null=True, blank=True)
    weight = models.PositiveSmallIntegerField("占形象进度(%)", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "形象进度节点"
        ordering = ["project", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.planned}"


class Indicator(models.Model):
    """One line of the 绩效目标表: its level-1 and level-2 class, name, comparator, target and unit, and its
    weight in the self-evaluation (points)."""

    class Level(models.TextChoices):
        OUTPUT = "output", "产出指标"
        EFFECT = "effect", "效益指标"
        SATISFACTION = "satisfaction", "满意度指标"

    class Kind(models.TextChoices):
        QUANTITY = "quantity", "数量指标"
        QUALITY = "quality", "质量指标"
        TIMELINESS = "timeliness", "时效指标"
        COST = "cost", "成本指标"
        ECONOMIC = "economic", "经济效益指标"
        SOCIAL = "social", "社会效益指标"
        ECOLOGICAL = "ecological", "生态效益指标"
        SUSTAINED = "sustained", "可持续影响指标"
        SATISFACTION = "satisfaction", "服务对象满意度指标"

    COMPARATORS = [(">=", "≥"), ("<=", "≤"), ("=", "="), ("range", "区间")]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    level = models.CharField("一级指标", max_length=12, choices=Level.choices)
    kind = models.CharField("二级指标", max_length=12, choices=Kind.choices)
    name = models.CharField("三级指标", max_length=200)
    comparator = models.CharField("比较", max_length=5, choices=COMPARATORS)
    value = models.DecimalField("指标值", max_digits=16, decimal_places=4)
    value_max = models.DecimalField("区间上限", max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = verbose_name_plural = "绩效指标"
        ordering = ["project", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.get_comparator_display()}{self.value}{self.unit}"

    def target_text(self) -> str:
        if self.comparator == "range":
            return f"{self.value.normalize():f}–{(self.value_max or self.value).normalize():f}{self.unit}"
        return f"{self.get_comparator_display()}{self.value.normalize():f}{self.unit}"


class Spending(models.Model):
    """The money figures a progress report carries, cumulative from the start to the period's end:
    received (到位), disbursed (拨付) and spent (支出), in 万元. Written once, with its report."""

    progress_report = models.OneToOneField(ProgressReport, on_delete=models.CASCADE, related_name="spending")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="spendings")
    received = models.DecimalField("累计到位(万元)", max_digits=14, decimal_places=2)
    disbursed = models.DecimalField("累计拨付(万元)", max_digits=14, decimal_places=2)
    spent = models.DecimalField("累计支出(万元)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "资金进度"
        ordering = ["progress_report__submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.progress_report} 支出{self.spent}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("资金进度随进展报告报送, 一经提交不能修改")
        super().save(*args, **kwargs)


class IndicatorValue(models.Model):
    """An indicator's actual value as a progress report states it. Written once, with its report."""

    progress_report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    actual = models.DecimalField("实际值", max_digits=16, decimal_places=4)

    class Meta:
        verbose_name = verbose_name_plural = "指标完成值"
        ordering = ["progress_report__submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["progress_report", "indicator"], name="indicator_value_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.actual}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("指标完成值随进展报告报送, 一经提交不能修改")
        super().save(*args, **kwargs)


class Evaluation(models.Model):
    """绩效自评: each indicator scored against its target with its weight, budget execution scored, the total
    and grade, the unit's explanation of each shortfall; the office may adjust the total with a reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", "自评中"
        SUBMITTED = "submitted", "已提交"
        CONFIRMED = "confirmed", "已确认"

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="evaluation")
    budget_weight = models.DecimalField("预算执行率分值", max_digits=6, decimal_places=2, default=Decimal("10"))
    budget_rate = models.DecimalField("预算执行率(%)", max_digits=7, decimal_places=2, default=Decimal("0"))
    budget_score = models.DecimalField("预算执行率得分", max_digits=6, decimal_places=2, default=Decimal("0"))
    lines = models.JSONField("指标得分", default=list)  # [{indicator, actual, score, weight, explanation}]
    total = models.DecimalField("自评得分", max_digits=6, decimal_places=2, default=Decimal("0"))
    adjusted_total = models.DecimalField("调整后得分", max_digits=6, decimal_places=2, null=True, blank=True)
    adjust_reason = models.TextField("调整理由", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "绩效自评"

    def __str__(self) -> str:
        return f"{self.project} 自评 {self.final}"

    @property
    def final(self) -> Decimal:
        return self.adjusted_total if self.adjusted_total is not None else self.total

    @property
    def grade(self) -> str:
        """优 (≥90), 良 (80–90), 中 (60–80), 差 (<60): the national framework's grades."""
        score = self.final
        if score >= 90:
            return "优"
        if score >= 80:
            return "良"
        if score >= 60:
            return "中"
        return "差"
