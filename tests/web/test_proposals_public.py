"""建议提案办理结果公开: anonymous visitors read, of each suggestion or proposal whose accepted reply its unit
marked publishable, exactly the whitelisted fields (title, number, 主办 unit, category, reply text, date) —
under the tasks' embargo rule; anything else is absent from the list and a 404 on its own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from luoshi.proposals import actions
from luoshi.proposals.models import Proposal, Reply, VerdictLink
from luoshi.public.models import Disclosure
from tests.web.test_browser import NEEDS_CHROMIUM, browser
from tests.web.test_proposals import _import
from tests.web.test_proposals_handling import _assign, _handle_to_reply
from tests.web.tracking_helpers import bj

FIXTURES = (browser,)  # a shared pytest fixture used by name below
CPPCC_SESSION = "海西州政协第十二届第三次会议"


@dataclass
class Handled:
    """Suggestions of the sample list (and one member's proposal), all led by 州教育局 with 州财政局 as
    会办 unit, each at a different stage of its reply."""

    public: Proposal  # 第1号: accepted, publishable, A; verdict comment from the lead author
    private: Proposal  # 第2号: accepted, not publishable
    submitted: Proposal  # 第3号: publishable, submitted, not yet accepted
    returned: Proposal  # 第4号: publishable, returned with a reason
    embargoed: Proposal  # 第5号: accepted, publishable, under a future embargo
    again: Proposal  # 第6号: B in round 1, unsatisfied, C in round 2 (both publishable)
    member: Proposal  # a member's 提案 第1号, accepted, publishable, B
    untouched: Proposal  # 第7号: assigned only


RETURN_REASON = "答复过于简单, 请补充具体措施"
VERDICT_COMMENT = "办理认真, 沟通充分"
UNSATISFIED = "学位仍不足, 不满意"


def build(government, supervisor, liaison, co_liaison) -> Handled:
    _, rows = _import(government, supervisor)
    by_number = {p.number: p for p in rows}
    member = actions.enter_one(
        government,
        supervisor,
        session=CPPCC_SESSION,
        year=2026,
        kind="提案",
        number="1",
        title="关于加强职业教育校企合作的提案",
        lead_author="黄立新",
        group="教育界",
        content="建议建立校企合作平台。",
        proposed_units="州教育局",
    )
    education = government.units.get(short_name="州教育局")
    finance = government.units.get(short_name="州财政局")
    for p in [*rows, member]:
        _assign(p, supervisor, government, bj(2026, 3, 10), lead_unit=education, co_units=[finance])
    actions.give_opinion(by_number["1"].pk, co_liaison, text="财政将统筹安排资金", at=bj(2026, 3, 15))

    def reply(p, **fields):
        return _handle_to_reply(p, liaison, bj(2026, 4, 1), **fields)

    first = reply(by_number["1"], text="经研究, 已新建幼儿园两所, 新增学位六百个。", publishable=True)
    actions.review_reply(first.pk, supervisor, accept=True, at=bj(2026, 4, 3))
    lead = VerdictLink.objects.get(proposal=by_number["1"], lead=True)
    actions.record_verdict(actions.token_for(lead), opinion="satisfied", comment=VERDICT_COMMENT, at=bj(2026, 4, 10))

    second = reply(by_number["2"], text="道路养护资金已落实。", publishable=False)
    actions.review_reply(second.pk, supervisor, accept=True, at=bj(2026, 4, 3))

    reply(by_number["3"], text="医共体建设正在推进。", publishable=True)

    fourth = reply(by_number["4"], text="草原修复工程已启动。", publishable=True)
    actions.review_reply(fourth.pk, supervisor, accept=False, reason=RETURN_REASON, at=bj(2026, 4, 3))

    fifth = reply(by_number["5"], text="枸杞品牌建设方案已印发。", publishable=True)
    actions.review_reply(fifth.pk, supervisor, accept=True, at=bj(2026, 4, 3))
    Disclosure.objects.create(
        task_id=by_number["5"].task_id, embargo_until=timezone.localdate() + datetime.timedelta(30)
    )

    commitments = [{"text": "2027年完成加装电梯二十部", "due": "2027-06-30"}]
    sixth = reply(by_number["6"], category="B", text="已列入年度计划。", commitments=commitments, publishable=True)
    actions.review_reply(sixth.pk, supervisor, accept=True, at=bj(2026, 4, 3))
    lead = VerdictLink.objects.get(proposal=by_number["6"], lead=True)
    actions.record_verdict(actions.token_for(lead), opinion="unsatisfied", comment=UNSATISFIED, at=bj(2026, 4, 10))
    actions.record_contact(
        by_number["6"].pk, liaison, on=datetime.date(2026, 4, 20), way="meeting", content="座谈", at=bj(2026, 4, 20)
    )
    again = actions.submit_reply(
        by_number["6"].pk,
        liaison,
        category="C",
        text="因老旧小区结构限制, 部分楼栋暂难加装。",
        explanation="楼体结构不具备条件",
        publishable=True,
        at=bj(2026, 4, 25),
    )
    actions.review_reply(again.pk, supervisor, accept=True, at=bj(2026, 4, 28))

    seventh = reply(
        member,
        category="B",
        text="已与三家企业签订合作协议。",
        commitments=[{"text": "2027年建成实训基地", "due": "2027-09-30"}],
        publishable=True,
    )
    actions.review_reply(seventh.pk, supervisor, accept=True, at=bj(2026, 4, 5))

    def fresh(p):
        return Proposal.objects.select_related("task").get(pk=p.pk)

    return Handled(
        public=fresh(by_number["1"]),
        private=fresh(by_number["2"]),
        submitted=fresh(by_number["3"]),
        returned=fresh(by_number["4"]),
        embargoed=fresh(by_number["5"]),
        again=fresh(by_number["6"]),
        member=fresh(member),
        untouched=fresh(by_number["7"]),
    )


@pytest.fixture
def handled(government, supervisor, liaison, co_liaison):
    return build(government, supervisor, liaison, co_liaison)


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_publishable_accepted_reply_is_listed_and_shown_with_its_fields(client, handled):
    listing = _page(client, "/public/proposals/")
    assert "关于加快城区学前教育资源扩容的建议" in listing
    assert f"/public/proposals/{handled.public.pk}/" in listing
    page = _page(client, f"/public/proposals/{handled.public.pk}/")
    assert "关于加快城区学前教育资源扩容的建议" in page
    assert "海西州第十五届人大第三次会议 人大代表建议 第1号" in page
    assert "州教育局" in page  # the 主办 unit (its full name contains it)
    assert "A类 (已经解决或基本解决)" in page
    assert "经研究, 已新建幼儿园两所, 新增学位六百个。" in page
    assert "2026-04-03" in page


def test_what_is_not_published_is_absent_and_its_page_is_a_404(client, handled):
    listing = _page(client, "/public/proposals/")
    for hidden in (handled.private, handled.submitted, handled.returned, handled.embargoed, handled.untouched):
        assert hidden.title not in listing, hidden.number
        assert f"/public/proposals/{hidden.pk}/" not in listing
        assert client.get(f"/public/proposals/{hidden.pk}/").status_code == 404, hidden.number
    assert client.get("/public/proposals/999999/").status_code == 404


def test_an_embargoed_reply_appears_once_its_disclosure_date_has_come(client, handled):
    Disclosure.objects.filter(task_id=handled.embargoed.task_id).update(embargo_until=timezone.localdate())
    assert client.get(f"/public/proposals/{handled.embargoed.pk}/").status_code == 200
    assert handled.embargoed.title in _page(client, "/public/proposals/")


def test_the_pages_never_show_authors_verdicts_opinions_contacts_or_the_offices_reasons(client, handled):
    pages = [_page(client, "/public/proposals/")]
    pages += [_page(client, f"/public/proposals/{p.pk}/") for p in (handled.public, handled.again, handled.member)]
    text = "".join(pages)
    for secret in (
        "王海燕",  # 领衔人
        "李建国",  # 附议人
        "赵文博",
        "黄立新",
        "德令哈市代表团",
        VERDICT_COMMENT,
        UNSATISFIED,
        "满意",
        RETURN_REASON,
        "财政将统筹安排资金",  # 会办意见
        "上门听取意见",  # contact
        "楼体结构不具备条件",  # C类 explanation
        "2027年完成加装电梯二十部",  # commitment
        "增加学位九百个",  # the suggestion's own content
        "ducha",
    ):
        assert secret not in text, secret


def test_a_matter_handled_again_shows_its_latest_rounds_reply(client, handled):
    page = _page(client, f"/public/proposals/{handled.again.pk}/")
    assert "因老旧小区结构限制, 部分楼栋暂难加装。" in page and "C类" in page and "2026-04-28" in page
    assert "已列入年度计划。" not in page
    assert _page(client, "/public/proposals/").count(f"/public/proposals/{handled.again.pk}/") == 1


def test_the_list_filters_by_kind_session_and_category(client, handled):
    def listed(query):
        page = _page(client, f"/public/proposals/?{query}")
        shown = (handled.public, handled.again, handled.member)
        return {p.number + p.kind for p in shown if f"/public/proposals/{p.pk}/" in page}

    assert listed("") == {"1suggestion", "6suggestion", "1proposal"}
    assert listed("kind=proposal") == {"1proposal"}
    assert listed("kind=suggestion") == {"1suggestion", "6suggestion"}
    assert listed(f"session={CPPCC_SESSION}") == {"1proposal"}
    assert listed("category=B") == {"1proposal"}  # the matter handled again is C now, not B
    assert listed("category=C") == {"6suggestion"}
    assert listed("kind=suggestion&category=A") == {"1suggestion"}
    # values that are not choices are ignored, not errors
    assert listed("kind=flying&category=Z&session=nope&page=abc") == {"1suggestion", "6suggestion", "1proposal"}


def test_the_list_is_paginated_and_keeps_its_filters(client, handled, monkeypatch):
    from luoshi.public import views

    monkeypatch.setattr(views, "PROPOSALS_PAGE_SIZE", 1)
    first = _page(client, "/public/proposals/?kind=suggestion")
    assert "第 1 / 2 页" in first and "?kind=suggestion&amp;page=2" in first
    second = _page(client, "/public/proposals/?kind=suggestion&page=2")
    assert "第 2 / 2 页" in second and "人大代表建议" in second


def test_the_public_index_links_to_the_proposals(client, db):
    assert "/public/proposals/" in _page(client, "/public/")
    assert "暂无公开的答复" in _page(client, "/public/proposals/")


def test_the_pages_fit_a_phone(client, handled):
    from django.contrib.staticfiles import finders

    css = Path(finders.find("luoshi/luoshi.css")).read_text(encoding="utf-8")
    assert "/* public proposals" in css and "overflow-wrap: anywhere" in css
    for url in ("/public/proposals/", f"/public/proposals/{handled.public.pk}/"):
        page = _page(client, url)
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
        assert "<table" not in page and "style=" not in page


def test_replies_are_accepted_for_the_hidden_ones_only_as_the_scenario_says(handled):
    """The scenario itself: guards the tests above against a silently changed setup."""
    assert Reply.objects.get(proposal=handled.private).publishable is False
    assert Reply.objects.get(proposal=handled.submitted).status == Reply.Status.SUBMITTED
    assert Reply.objects.get(proposal=handled.returned).status == Reply.Status.RETURNED
    assert handled.again.round == 2


@pytest.mark.browser
@NEEDS_CHROMIUM
def test_the_pages_have_no_horizontal_scroll_at_375_px(browser, live_server, transactional_db, handled):
    visitor = browser.new_context(viewport={"width": 375, "height": 900}).new_page()
    for path in ("/public/", "/public/proposals/", f"/public/proposals/{handled.again.pk}/"):
        response = visitor.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert visitor.evaluate("document.documentElement.scrollWidth") <= 375, path
