"""`luoshi demo` setup: sample government, accounts and a published ledger, idempotently."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from luoshi import webcli
from luoshi.accounts.models import ApiToken, User
from luoshi.projects.models import Candidate, Evaluation, Project, Spending
from luoshi.proposals.models import Proposal, Relief, Reply, Verdict
from luoshi.reports.models import Source, WorkReport
from luoshi.tasks.models import Status, Task
from luoshi.tracking import health
from luoshi.tracking.models import Reminder, ReportReview, SupervisionOrder


@pytest.fixture(scope="module")
def todays_demo(django_db_setup, django_db_blocker):
    """The demo as ``luoshi demo`` sets it up today, made once for the tests that only read it (its
    simulated year takes half a minute); the database is emptied again after them."""
    with django_db_blocker.unblock():
        try:
            yield webcli.setup_demo(io.StringIO())
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_demo_setup_is_idempotent(todays_demo, db):
    first = todays_demo
    assert first["created"]
    tasks = Task.objects.filter(kind="task", report=first["report"])
    assert tasks.count() == 79
    assert tasks.filter(published_at__isnull=False).count() == tasks.exclude(lead_unit=None).count() > 70
    counts = [m.objects.count() for m in (Task, Proposal, Reply, Verdict, Reminder)]
    out = io.StringIO()
    second = webcli.setup_demo(out)
    assert not second["created"] and second["report"] == first["report"]
    assert WorkReport.objects.filter(source=Source.REPORT).count() == 1
    assert [m.objects.count() for m in (Task, Proposal, Reply, Verdict, Reminder)] == counts
    assert User.objects.count() == len(webcli.DEMO_USERS)
    text = out.getvalue()
    assert webcli.DEMO_PASSWORD in text and "jiaoyu" in text and "ducha" in text


def test_the_demo_says_its_sample_is_the_2023_report_played_through_this_year(todays_demo, db, client):
    report = todays_demo["report"]
    assert report.title == "海西州2023年政府工作报告 (示例, 按今年演示)"
    assert report.year == timezone.localdate().year  # played through this year
    out = io.StringIO()
    webcli.setup_demo(out)
    text = out.getvalue()
    assert "海西州2023年政府工作报告 (示例, 按今年演示)" in text
    assert f"按今年 ({report.year}年) 的日程演示" in text and "并非今年的真实报告" in text
    assert f"{report.year}年政府工作报告" not in text.replace("按今年演示", "")
    assert client.login(username="ducha", password=webcli.DEMO_PASSWORD)
    assert "(示例, 按今年演示)" in client.get(f"/reports/{report.pk}/").content.decode()


def test_demo_accounts_log_in_and_see_their_share(todays_demo, client, db):
    assert client.login(username="jiaoyu", password=webcli.DEMO_PASSWORD)
    page = client.get("/tasks/").content.decode()
    education = Task.objects.filter(
        report=todays_demo["report"], lead_unit__short_name="州教育局", published_at__isnull=False
    )
    assert education.exists()
    assert all(t.text in page for t in education)
    client.logout()
    assert client.login(username="jiaotong", password=webcli.DEMO_PASSWORD)
    page = client.get("/tasks/").content.decode()
    assert not any(t.text in page for t in education)


def test_the_demo_discloses_its_published_ledger_on_the_public_pages(todays_demo, db, client):
    report = todays_demo["report"]
    index = client.get("/public/").content.decode()
    assert report.title in index
    task = Task.objects.get(report=report, code="2.5.1.2")
    page = "".join(client.get(url).content.decode() for url in _public_links(index))
    assert task.text in page


def _public_links(html: str) -> list[str]:
    import re

    return sorted({href for href in re.findall(r'href="(/public/[^"]+)"', html) if "/method" not in href})


def check_proposals_by_july(government) -> None:
    """What the demo's suggestions and proposals show from July on: both kinds handed over, replies of
    each category, one returned and then accepted, a 领衔人's 不满意 handled again, a matter urged and
    given a 督办单 after its deadline, a 退回改办 approved and a 分办 matter in two parts."""
    proposals = Proposal.objects.filter(government=government, task__published_at__isnull=False)
    assert proposals.count() >= 20
    assert proposals.filter(kind="suggestion").count() >= 10 and proposals.filter(kind="proposal").count() >= 8
    accepted = Reply.objects.filter(proposal__in=proposals, status=Reply.Status.ACCEPTED)
    assert {c: accepted.filter(category=c).count() >= 1 for c in "ABC"} == dict.fromkeys("ABC", True)
    assert accepted.filter(category="B", proposal__commitments__isnull=False).exists()
    assert not accepted.filter(category="C", explanation="").exists()
    returned = Reply.objects.filter(proposal__in=proposals, status=Reply.Status.RETURNED).first()
    assert returned is not None and accepted.filter(proposal=returned.proposal, round=returned.round).exists()
    unsatisfied = Verdict.objects.get(proposal__in=proposals, opinion=Verdict.Opinion.UNSATISFIED, lead=True)
    again = unsatisfied.proposal
    assert unsatisfied.round == 1 and again.round == 2
    assert Reply.objects.filter(proposal=again, round=2).exists() or again.task.status in (
        Status.IN_PROGRESS,
        Status.ACKNOWLEDGED,
    )
    urged = Reminder.objects.filter(task__proposal__in=proposals, kind="urge", key__contains=":deadline:")
    assert urged.exists() and SupervisionOrder.objects.filter(task__in=urged.values("task")).exists()
    relief = Relief.objects.get(proposal__in=proposals, status=Relief.Status.APPROVED)
    assert relief.new_unit is not None and relief.proposal.task.lead_unit == relief.new_unit
    split = proposals.filter(part=1).first()
    assert split is not None
    parts = proposals.filter(kind=split.kind, session=split.session, number=split.number)
    assert sorted(parts.values_list("part", flat=True)) == [0, 1]
    assert len({p.task.lead_unit_id for p in parts}) == 2
    key = proposals.get(key=True)
    assert key.task.leader.username == "lingdao" and key.task.lead_unit.short_name == "州教育局"


def test_the_demo_plays_its_suggestions_and_proposals_through_the_year(todays_demo, db):
    today = timezone.localdate()
    if today < datetime.date(today.year, 11, 25):
        pytest.skip("the demo's late suggestions and proposals are all handed over by 25 November")
    government = todays_demo["government"]
    check_proposals_by_july(government)
    proposals = Proposal.objects.filter(government=government)
    statuses = set(proposals.values_list("task__status", flat=True))
    assert {Status.ASSIGNED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.CLOSED} <= statuses
    handled = proposals.filter(task__status=Status.IN_PROGRESS, contacts__isnull=False, opinions__isnull=False)
    assert handled.exclude(task__deadline__lt=today).exists()  # in handling, on time, with an opinion
    overdue = proposals.filter(task__status=Status.IN_PROGRESS, task__deadline__lt=today)  # still unanswered
    assert overdue.exists() and SupervisionOrder.objects.filter(task__proposal__in=overdue).exists()
    assert proposals.filter(commitments__met_at__isnull=False).exists()
    assert proposals.filter(commitments__met_at__isnull=True).exists()
    assert proposals.filter(replies__isnull=False).count() >= 15
    assert not Verdict.objects.filter(at__date__gte=today).exists()  # nothing after today


def test_the_demo_liaison_of_education_reads_its_proposals_through_the_api(todays_demo, client, db):
    today = timezone.localdate()
    if today <= datetime.date(today.year, 3, 10):
        pytest.skip("the demo hands its suggestions over on 10 March")
    jiaoyu = User.objects.get(username="jiaoyu")
    answer = client.get("/api/proposals?limit=100", headers={"Authorization": f"Bearer {ApiToken.issue(jiaoyu)}"})
    assert answer.status_code == 200
    items = answer.json()["items"]
    led = [i for i in items if i["lead_unit"]["short_name"] == "州教育局"]
    assert len(led) >= 2
    assert all(i in led or "州教育局" in [u["short_name"] for u in i["co_units"]] for i in items)


def _still_open(note) -> bool:
    """Whether what an inbox item asks of its user is still to do, read from the records themselves."""
    import re

    from luoshi.proposals.models import Commitment, Opinion
    from luoshi.tracking.models import ClosingRequest, ExtensionRequest, Instruction, ProgressReport

    task, user, title = note.task, note.user, note.title
    if task is None or (task.status == Status.CLOSED and note.kind not in ("remind", "urge")):
        return False
    proposal = Proposal.objects.filter(task=task).first()
    answers = [
        *ProgressReport.objects.filter(task=task).values_list("submitted_at", flat=True),
        *Reply.objects.filter(proposal__task=task).values_list("submitted_at", flat=True),
    ]
    month = re.search(r"(\d{4})年(\d{1,2})月", title)
    period = f"{month[1]}-{int(month[2]):02d}" if month else ""
    if note.kind == "report":
        return ProgressReport.objects.filter(task=task, period=period, review__isnull=True).exists()
    if note.kind == "review":
        latest = ProgressReport.objects.filter(task=task, period=title.split()[1]).order_by("-submitted_at").first()
        return latest is not None and latest.review.decision == "returned"
    if note.kind in ("remind", "urge"):
        if "进展报告" in title:
            return not ProgressReport.objects.filter(task=task, period=period).exists()
        if "会办意见" in title:
            return not Opinion.objects.filter(proposal=proposal, round=proposal.round, unit=user.unit).exists()
        if "答复承诺" in title:
            return Commitment.objects.filter(proposal=proposal, unit=user.unit, met_at__isnull=True).exists()
        return task.status not in (Status.CLOSED, Status.CLOSING)
    if note.kind == "order":
        order = SupervisionOrder.objects.get(task=task, number=title.split()[1].rstrip(":"))
        return not any(timezone.localdate(at) >= order.on for at in answers)
    if note.kind == "instruction":
        given = Instruction.objects.filter(task=task).order_by("-at").first()
        return not any(at > given.at for at in answers)
    if note.kind == "assign":
        if user.unit_id == task.lead_unit_id:
            return task.status == Status.ASSIGNED
        if user.unit_id:
            return not Opinion.objects.filter(proposal=proposal, round=proposal.round, unit=user.unit).exists()
        return True  # a leader's 领办 matter, not yet answered
    if note.kind in ("opinion", "redo", "contribution"):
        return task.status in (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ONGOING)
    if note.kind == "reply":
        latest = Reply.objects.filter(proposal__task=task).order_by("-submitted_at").first()
        mine = "submitted" if user.role == User.SUPERVISOR else "returned"
        return latest is not None and latest.status == mine
    if note.kind == "extension":
        return ExtensionRequest.objects.filter(task=task, status__in=["pending", "leader"]).exists()
    if note.kind == "closing":
        return ClosingRequest.objects.filter(task=task, status="pending").exists()
    if note.kind == "relief":
        return Relief.objects.filter(proposal__task=task, status=Relief.Status.PENDING).exists()
    return False  # news (a verdict, a decision): it asks nothing


def test_after_the_demo_year_each_inbox_holds_only_what_is_still_open_and_each_home_has_work(todays_demo, db):
    from luoshi import access
    from luoshi.tracking.models import Notification

    figures = {}
    for user in User.objects.order_by("pk"):
        open_items = list(access.open_notifications(user).select_related("task", "user"))
        stale = [n.title for n in open_items if not _still_open(n)]
        assert not stale, (user.username, stale)
        figures[user.username] = (len(open_items), Notification.objects.filter(user=user).count())
        assert any(section.items for section in access.work_for(user)), user.username
    print("open inbox items / all items after the demo year:", figures)
    office, items = figures["ducha"]
    assert office < items / 10  # the office's inbox was its every report ever submitted


MONEY_BEHIND_TIME = r"支出进度 \d+% 落后序时 \d+% 超过 \d+ 个百分点"
WORKS_BEHIND_MONEY = r"形象进度 \d+% 落后支出进度 \d+% 超过 \d+ 个百分点"


def check_projects(government, today: datetime.date) -> list[Project]:
    """What the demo's livelihood projects show from 1 July on: the deputies' vote with the candidates not
    chosen on record, at least ten published projects in the sample's places, each budget adding up exactly
    by source, stages and a 绩效目标表, monthly reports with money up to the day before today and the office's
    reviews (one returned), one project red for money behind time and one for works behind money, and two
    linked to the report tasks that promised them. Returns the published projects."""
    import re

    candidates = Candidate.objects.filter(government=government, year=today.year)
    assert candidates.count() >= 14 and not candidates.filter(votes=None).exists()
    passed = candidates.filter(chosen=False)
    assert passed.count() >= 4 and not passed.filter(project__isnull=False).exists()
    chosen = candidates.filter(chosen=True).values_list("votes", flat=True)
    assert max(passed.values_list("votes", flat=True)) < min(chosen)
    projects = list(
        Project.objects.filter(government=government, year=today.year, task__published_at__isnull=False)
        .select_related("task__lead_unit", "candidate")
        .prefetch_related("places", "budget_lines", "stages", "indicators")
    )
    assert len(projects) >= 10 and all(p.candidate is not None and p.candidate.chosen for p in projects)
    counties = {"格尔木市", "德令哈市", "茫崖市", "乌兰县", "都兰县", "天峻县", "大柴旦行委"}
    for p in projects:
        assert p.places.all() and {u.short_name for u in p.places.all()} <= counties, p.title
        assert sum((line.amount for line in p.budget_lines.all()), start=Decimal("0.00")) == p.budget, p.title
        assert len(p.budget_lines.all()) >= 3 and sum(s.weight for s in p.stages.all()) == 100
        assert {"output", "effect", "satisfaction"} <= {i.level for i in p.indicators.all()}, p.title
    assert {p.task.lead_unit.short_name for p in projects} >= {"州教育局", "州住建局", "州卫健委", "州民政局"}
    assert any(p.task.lead_unit.short_name == "州教育局" for p in projects)  # jiaoyu's
    spendings = Spending.objects.filter(project__in=projects)
    assert spendings.count() >= 5 * len(projects)
    assert not spendings.filter(progress_report__submitted_at__date__gte=today).exists()  # nothing after today
    assert not spendings.filter(spent__gt=F("disbursed")).exists()
    reviews = ReportReview.objects.filter(progress_report__task__project__in=projects)
    assert reviews.filter(decision="accepted").count() > 4 * reviews.filter(decision="returned").count() > 0
    reasons = {p.title: health.compute(p.task, today) for p in projects}
    money_behind = [t for t, h in reasons.items() if h.light == "red" and re.search(MONEY_BEHIND_TIME, h.reason)]
    works_behind = [t for t, h in reasons.items() if h.light == "red" and re.search(WORKS_BEHIND_MONEY, h.reason)]
    assert money_behind and works_behind and set(money_behind).isdisjoint(works_behind), reasons
    assert SupervisionOrder.objects.filter(task__project__in=projects).count() >= 2  # 督办单 for the reds
    linked = [p for p in projects if p.promised_by is not None]
    assert len(linked) >= 2 and all(p.promised_by.report.source == Source.REPORT for p in linked)
    return projects


def test_the_demo_plays_its_livelihood_projects_through_the_year(todays_demo, db, client):
    today = timezone.localdate()
    if today < datetime.date(today.year, 7, 1):
        pytest.skip("the demo's projects lag far enough to be red from July on")
    projects = check_projects(todays_demo["government"], today)
    if today > datetime.date(today.year, 12, 2):  # the project finished first is closed and evaluated
        evaluation = Evaluation.objects.get(project__in=projects)
        assert evaluation.status == Evaluation.Status.SUBMITTED and evaluation.project.task.status == Status.CLOSED
    # the 学前教育 task's page shows the kindergarten it promised, to the liaison of 州教育局
    promised = next(p for p in projects if p.promised_by and p.promised_by.lead_unit.short_name == "州教育局")
    assert client.login(username="jiaoyu", password=webcli.DEMO_PASSWORD)
    html = client.get(f"/tasks/{promised.promised_by_id}/").content.decode()
    assert f'<a href="/projects/{promised.pk}/">{promised.title}</a>' in html and f">{promised.budget}<" in html
