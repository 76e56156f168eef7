"""In chromium: the office imports a list of suggestions after its dry run and assigns one; the 州教育局
liaison, on a phone 375 px wide, signs for it, records the contact with the deputy and replies with a
category; the office accepts; the deputy, with no account, records a verdict through the link on a phone."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.web.test_browser import NEEDS_CHROMIUM, browser, login  # noqa: F401 (fixture)
from tests.web.test_proposals import LIST, SESSION

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_suggestion_goes_from_the_list_to_the_deputys_verdict_in_the_browser(
    browser,  # noqa: F811
    live_server,
    supervisor,
    liaison,
    co_liaison,
):
    from luoshi.proposals.models import Proposal, Reply, Verdict
    from luoshi.tasks.models import Status

    # the office: the list's dry run, then the import
    office = login(browser, live_server, "ducha", width=1280)
    office.goto(f"{live_server.url}/proposals/import/")
    office.set_input_files("input[type=file]", str(LIST))
    office.fill("input[name$=session]", SESSION)
    office.fill("input[name$=year]", str(timezone.localdate().year))
    office.click("main form button[type=submit]")
    office.wait_for_load_state()
    assert "预览" in office.inner_text("main h2") and Proposal.objects.count() == 0  # the dry run writes nothing
    office.click("main form button:has-text('确认导入')")
    office.wait_for_load_state()
    assert Proposal.objects.count() == 7
    first = Proposal.objects.get(number="1")

    # 交办 with the default three months
    office.goto(f"{live_server.url}/proposals/{first.pk}/")
    office.click("form[action$='/assign/'] button[type=submit]")
    office.wait_for_load_state()
    first.refresh_from_db()
    assert first.task.status == Status.ASSIGNED and first.task.deadline is not None

    # the liaison on a phone: 签收, the contact, the reply (category B with a commitment)
    unit = login(browser, live_server, "jiaoyu")
    unit.goto(f"{live_server.url}/proposals/")
    _fits(unit)
    unit.click(f"a[href$='/proposals/{first.pk}/']")
    unit.wait_for_load_state()
    _fits(unit)
    unit.click("form[action$='/acknowledge/'] button[type=submit]")
    unit.wait_for_load_state()
    contact = unit.locator("form[action$='/contacts/']")
    contact.locator("input[name$=on]").fill(timezone.localdate().isoformat())
    contact.locator("select[name$=way]").select_option("visit")
    contact.locator("textarea[name$=content]").fill("走访王海燕代表, 听取对学前教育学位的意见。")
    contact.locator("button[type=submit]").click()
    unit.wait_for_load_state()
    reply = unit.locator("form[action$='/replies/']")
    reply.locator("input[type=radio][value=B]").check()
    reply.locator("textarea[name$=text]").fill("新建公办幼儿园一所已列入明年计划, 州财政安排资金800万元。")
    reply.locator("textarea[name$=commitments]").fill(f"新园开工建设 | {timezone.localdate().year + 1}-06-30")
    reply.locator("input[type=checkbox][name$=publishable]").check()
    reply.locator("button[type=submit]").click()
    unit.wait_for_load_state()
    _fits(unit)
    submitted = Reply.objects.get()
    assert submitted.category == "B" and submitted.status == "submitted"

    # the office accepts: the letter number, and the deputy's link to send
    office.goto(f"{live_server.url}/proposals/{first.pk}/")
    review = office.locator(f"form[action$='/replies/{submitted.pk}/review/']")
    review.locator("input[type=radio][value='1']").check()
    review.locator("button[type=submit]").click()
    office.wait_for_load_state()
    submitted.refresh_from_db()
    assert submitted.status == "accepted" and submitted.letter_number in office.inner_text("#replies")
    urls = office.locator("#verdicts .pp-url a").all_inner_texts()
    assert len(urls) == 3  # 领衔人 and two 附议人
    path = re.search(r"/v/[^/]+/", urls[0]).group(0)

    # the deputy, without an account, on a phone
    author = browser.new_context(viewport={"width": 375, "height": 900}).new_page()
    author.goto(f"{live_server.url}{path}")
    _fits(author)
    assert "王海燕" in author.inner_text("main") and "800万元" in author.inner_text("main")
    author.locator("input[type=radio][value=satisfied]").check()
    author.locator("textarea").fill("办理认真, 答复具体。")
    author.locator("main form button[type=submit]").click()
    author.wait_for_load_state()
    _fits(author)
    verdict = Verdict.objects.get()
    assert verdict.author == "王海燕" and verdict.lead and verdict.opinion == "satisfied"
    # the link is used up
    again = author.goto(f"{live_server.url}{path}")
    assert again.status == 410 and "已使用" in author.inner_text("main")
