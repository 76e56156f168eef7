"""建议提案办理 through its pages: the office imports a list (dry run, then all or nothing) and assigns; the lead
liaison signs, contacts the author and replies; the co-unit gives its opinion; the office returns and
accepts the reply; the author judges it through the link, once. Refusals are Chinese, outsiders get 404,
and every page renders in every state."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from luoshi import errors
from luoshi.proposals import actions
from luoshi.proposals.models import Commitment, Opinion, Proposal, Reply, Verdict, VerdictLink
from luoshi.proposals.views import STASH_KEY
from luoshi.tasks.models import Status, Task
from tests.web.test_browser import NEEDS_CHROMIUM, browser, login  # noqa: F401 (fixture)

LIST = Path(__file__).parent.parent / "data" / "proposals-2026.csv"
CSV = LIST.read_bytes()
SESSION = "海西州第十五届人大第三次会议"
TITLE = "关于加快城区学前教育资源扩容的建议"
HEADER = "编号,类别,标题,领衔人,附议人,代表团,内容,建议承办单位"


def _upload(data: bytes, name: str = "建议清单.csv"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _dry_run(client, data: bytes = CSV, name: str = "建议清单.csv", **fields):
    fields = {"session": SESSION, "year": 2026, "kind": "", **fields}
    return client.post("/proposals/import/", {"upload": _upload(data, name), **fields})


def _stash_of(response) -> str:
    return re.search(r'name="stash" value="([0-9a-f]+)"', response.content.decode()).group(1)


@pytest.fixture
def imported(government, supervisor):
    from luoshi.proposals.reading import read_list

    _, rows = actions.apply_intake(government, supervisor, read_list(CSV, "清单.csv"), session=SESSION, year=2026)
    return {p.number: p for p in rows}


def _assign(client, proposal, **data):
    task = Task.objects.get(pk=proposal.task_id)
    form = {
        "assign-lead_unit": task.lead_unit_id,
        "assign-co_units": [u.pk for u in task.co_units.all()],
        "assign-months": "",
        **{f"assign-{k}": v for k, v in data.items()},
    }
    return client.post(f"/proposals/{proposal.pk}/assign/", form)


def _due() -> str:
    return (timezone.localdate() + datetime.timedelta(days=300)).isoformat()


def test_the_office_imports_a_list_after_a_dry_run_and_a_second_confirmation_applies_it(client_for, supervisor):
    client = client_for(supervisor)
    assert client.get("/proposals/import/").status_code == 200
    response = _dry_run(client)
    html = response.content.decode()
    assert response.status_code == 200
    assert TITLE in html and "州教育局" in html and "州财政局" in html and "引擎建议" in html
    assert "人大代表建议 第1号" in html and "确认导入 7 件" in html
    assert not Proposal.objects.exists()  # a dry run writes nothing
    stash = _stash_of(response)
    response = client.post("/proposals/import/", {"stash": stash})
    assert response.status_code == 302 and Proposal.objects.count() == 7
    listing = client.get(response["Location"]).content.decode()
    assert "已导入 7 件" in listing and TITLE in listing and "共 7 件" in listing
    again = client.post("/proposals/import/", {"stash": stash}, follow=True).content.decode()
    assert "预览已失效" in again and Proposal.objects.count() == 7


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"", "list.csv", "文件"),
        (b"\x00\x01\x02binary\x00", "list.csv", "不是文本格式"),
        (b"\xef\xbb\xbf" + "编号,标题\n1,".encode() + b"\xff\xfe\xfa", "list.csv", "编码"),
        (b"PK\x03\x04not really a workbook", "list.xlsx", "无法读取该文件"),
        (b"a,b\n1,2\n", "list.docx", "只支持 .xlsx 或 .csv"),
        (b"a,b\n1,2\n", "list.csv", "表头缺少"),
    ],
)
def test_a_bad_file_gets_a_chinese_line_and_nothing_is_saved(client_for, supervisor, data, name, said):
    response = _dry_run(client_for(supervisor), data, name)
    assert response.status_code == 400 and said in response.content.decode()
    assert not Proposal.objects.exists() and "stash" not in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(client_for, supervisor, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 100
    response = _dry_run(client_for(supervisor))
    assert response.status_code == 400 and "超过大小上限" in response.content.decode()


def test_a_duplicate_number_is_shown_in_the_dry_run_and_the_confirmation_saves_nothing(client_for, supervisor):
    client = client_for(supervisor)
    lines = [HEADER, "8,建议,关于完善养老保险的建议,冯志刚,,大柴旦代表团,内容,州人社局"]
    lines.append("8,建议,关于另一件事的建议,冯志刚,,大柴旦代表团,内容,州人社局")
    response = _dry_run(client, ("\n".join(lines) + "\n").encode())
    html = response.content.decode()
    assert "在清单中重复" in html and "确认导入" not in html
    stash = client.session[STASH_KEY]["id"]  # no button, but a forced confirmation is still refused whole
    response = client.post("/proposals/import/", {"stash": stash})
    assert response.status_code == 400 and "未导入任何内容" in response.content.decode()
    assert not Proposal.objects.exists() and not Task.objects.exists()
    # the same list twice: the second is refused as already in the ledger
    assert client.post("/proposals/import/", {"stash": _stash_of(_dry_run(client))}).status_code == 302
    assert "已在台账中" in _dry_run(client).content.decode()
    assert Proposal.objects.count() == 7


def test_the_office_enters_one_by_hand_and_a_taken_number_is_refused(client_for, supervisor, imported):
    client = client_for(supervisor)
    page = client.get("/proposals/new/").content.decode()
    assert SESSION in page  # the last session is offered
    form = {"session": SESSION, "year": 2026, "kind": "suggestion", "number": "1", "title": "关于重复编号的建议"}
    response = client.post("/proposals/new/", form)
    assert response.status_code == 400 and "已在台账中" in response.content.decode()
    form.update(number="20", proposed_units="州教育局")
    response = client.post("/proposals/new/", form)
    proposal = Proposal.objects.get(number="20")
    assert response.status_code == 302 and response["Location"] == f"/proposals/{proposal.pk}/"
    assert proposal.task.lead_unit.short_name == "州教育局" and proposal.task.status == Status.DRAFT


def test_assigning_through_the_form_refuses_seven_months_and_then_gives_three(
    client_for, supervisor, liaison, imported
):
    client = client_for(supervisor)
    proposal = imported["1"]
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "交办" in page and 'name="assign-months"' in page and "九百个" in page and "王海燕" in page
    response = _assign(client, proposal, months=7)
    assert response.status_code == 400 and "最长为交办后6个月" in response.content.decode()
    assert Task.objects.get(pk=proposal.task_id).status == Status.DRAFT
    response = _assign(client, proposal)
    assert response.status_code == 302
    task = Task.objects.get(pk=proposal.task_id)
    assert task.status == Status.ASSIGNED and task.deadline is not None
    assert (task.deadline - timezone.localdate()).days in range(89, 93)
    # a second 交办 is refused by access: the form is gone and the POST answers 403
    assert 'name="assign-months"' not in client.get(f"/proposals/{proposal.pk}/").content.decode()
    response = _assign(client, proposal)
    assert response.status_code == 403 and errors.REFUSED_PROPOSAL_ASSIGN in response.content.decode()
    # the lead liaison may read it now but not assign it
    response = _assign(client_for(liaison), proposal)
    assert response.status_code == 403


def test_a_split_gives_each_unit_a_part(client_for, supervisor, government, imported):
    client = client_for(supervisor)
    proposal = imported["3"]
    units = [government.units.get(short_name=s).pk for s in ("州医保局", "州卫健委")]
    response = client.post(f"/proposals/{proposal.pk}/split/", {"split-units": units})
    assert response.status_code == 302
    parts = Proposal.objects.filter(number="3").order_by("part")
    assert [p.task.lead_unit.short_name for p in parts] == ["州卫健委", "州医保局"]
    page = client.get(f"/proposals/{parts[1].pk}/").content.decode()
    assert "第3号(分办2)" in page and "split-units" not in page  # a part is not split again


def test_the_lead_liaison_signs_contacts_replies_and_the_office_returns_then_accepts(
    client_for, supervisor, liaison, co_liaison, outsider, imported
):
    office = client_for(supervisor)
    proposal = imported["1"]
    assert _assign(office, proposal).status_code == 302
    unit = Client()
    unit.force_login(liaison)
    page = unit.get(f"/proposals/{proposal.pk}/").content.decode()
    assert f"/proposals/{proposal.pk}/acknowledge/" in page and "申请退回改办" in page
    assert 'name="contact-content"' not in page and 'name="reply-text"' not in page
    assert unit.post(f"/proposals/{proposal.pk}/acknowledge/").status_code == 302
    page = unit.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "已签收" in page and 'name="contact-content"' in page and 'name="reply-text"' in page
    assert f"/proposals/{proposal.pk}/acknowledge/" not in page

    co = Client()
    co.force_login(co_liaison)
    assert 'name="opinion-text"' in co.get(f"/proposals/{proposal.pk}/").content.decode()
    assert co.post(f"/proposals/{proposal.pk}/opinions/", {"opinion-text": "财政将统筹安排资金"}).status_code == 302
    assert Opinion.objects.get().unit.short_name == "州财政局"
    assert co.post(f"/proposals/{proposal.pk}/replies/", {"reply-text": "x"}).status_code == 403
    assert "财政将统筹安排资金" in unit.get(f"/proposals/{proposal.pk}/").content.decode()

    # a reply before any contact: the action's Chinese reason, the input kept
    reply = {"reply-category": "A", "reply-text": "已新建幼儿园两所。"}
    response = unit.post(f"/proposals/{proposal.pk}/replies/", reply)
    assert response.status_code == 400 and "请先记录沟通联系情况" in response.content.decode()
    assert "已新建幼儿园两所。" in response.content.decode()
    today = timezone.localdate().isoformat()
    contact = {"contact-on": today, "contact-way": "visit", "contact-content": "上门听取意见"}
    assert unit.post(f"/proposals/{proposal.pk}/contacts/", contact).status_code == 302
    response = unit.post(
        f"/proposals/{proposal.pk}/replies/",
        {"reply-category": "B", "reply-text": "列入计划。", "reply-commitments": ""},
    )
    assert response.status_code == 400 and "B类答复须列明承诺事项" in response.content.decode()
    commitments = f"新建幼儿园一所 | {_due()}"
    response = unit.post(
        f"/proposals/{proposal.pk}/replies/",
        {
            "reply-category": "B",
            "reply-text": "列入计划。",
            "reply-commitments": commitments,
            "reply-publishable": "on",
        },
    )
    assert response.status_code == 302
    first = Reply.objects.get()
    assert first.commitments == [{"text": "新建幼儿园一所", "due": _due()}] and first.publishable

    page = office.get(f"/proposals/{proposal.pk}/").content.decode()
    assert f"/proposals/replies/{first.pk}/review/" in page
    response = office.post(f"/proposals/replies/{first.pk}/review/", {"review-accept": "0", "review-reason": ""})
    assert response.status_code == 400 and "退回答复须说明理由" in response.content.decode()
    response = office.post(
        f"/proposals/replies/{first.pk}/review/", {"review-accept": "0", "review-reason": "请写明资金"}
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=proposal.task_id).status == Status.IN_PROGRESS
    assert "请写明资金" in unit.get(f"/proposals/{proposal.pk}/").content.decode()
    assert unit.post(f"/proposals/replies/{first.pk}/review/", {"review-accept": "1"}).status_code == 403

    response = unit.post(
        f"/proposals/{proposal.pk}/replies/",
        {"reply-category": "B", "reply-text": "列入计划, 资金三百万元。", "reply-commitments": commitments},
    )
    second = Reply.objects.exclude(pk=first.pk).get()
    assert office.post(f"/proposals/replies/{second.pk}/review/", {"review-accept": "1"}).status_code == 302
    second.refresh_from_db()
    assert second.status == Reply.Status.ACCEPTED and second.letter_number
    page = office.get(f"/proposals/{proposal.pk}/").content.decode()
    assert second.letter_number in page and f"/proposals/replies/{second.pk}/letter.docx" in page
    link = VerdictLink.objects.filter(proposal=proposal, lead=True).get()
    assert f"http://testserver/v/{actions.token_for(link)}/" in page or f"/v/{actions.token_for(link)}/" in page
    assert "王海燕" in page and "未使用" in page
    unit_page = unit.get(f"/proposals/{proposal.pk}/").content.decode()
    assert second.letter_number in unit_page and "/v/" not in unit_page  # links are the office's
    assert f"/proposals/replies/{second.pk}/letter.docx" in unit_page
    assert "/letter.docx" not in co.get(f"/proposals/{proposal.pk}/").content.decode()

    # the commitment: the unit records it as met from its list
    commitment = Commitment.objects.get()
    listing = unit.get("/proposals/commitments/").content.decode()
    assert "新建幼儿园一所" in listing
    assert "新建幼儿园一所" not in client_for(outsider).get("/proposals/commitments/").content.decode()
    response = unit.post(
        f"/proposals/commitments/{commitment.pk}/meet/", {"next": "list", f"meet-{commitment.pk}-note": "已建成"}
    )
    assert response.status_code == 302 and response["Location"] == "/proposals/commitments/"
    assert Commitment.objects.get().is_met
    assert "新建幼儿园一所" not in unit.get("/proposals/commitments/").content.decode()

    # the outsider sees none of it
    stranger = client_for(outsider)
    for url in (f"/proposals/{proposal.pk}/", f"/proposals/replies/{second.pk}/letter.docx"):
        assert stranger.get(url).status_code == 404
    assert TITLE not in stranger.get("/proposals/").content.decode()


def _accepted(proposal, supervisor, liaison, **reply):
    """Assign, sign, contact, reply and accept ``proposal`` now (verdict links expire 60 days after)."""
    from luoshi.tracking import actions as tracking

    task = Task.objects.get(pk=proposal.task_id)
    actions.assign(proposal.pk, supervisor, lead_unit=task.lead_unit, co_units=list(task.co_units.all()))
    tracking.acknowledge(proposal.task_id, liaison)
    actions.record_contact(proposal.pk, liaison, on=timezone.localdate(), way="phone", content="电话沟通")
    reply.setdefault("category", "A")
    reply.setdefault("text", "已新建幼儿园两所。")
    submitted = actions.submit_reply(proposal.pk, liaison, **reply)
    return actions.review_reply(submitted.pk, supervisor, accept=True)


def test_the_author_judges_once_through_the_link_and_a_forged_or_used_link_is_refused(supervisor, liaison, imported):
    proposal = imported["1"]
    _accepted(proposal, supervisor, liaison)
    link = VerdictLink.objects.get(proposal=proposal, lead=False, author="李建国")
    url = f"/v/{actions.token_for(link)}/"
    author = Client(enforce_csrf_checks=True)
    page = author.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and TITLE in html and "已新建幼儿园两所" in html and "州教育局" in html
    assert "第1号" in html and "A类" in html and "csrfmiddlewaretoken" in html and "满意" in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = author.post(url, {"opinion": "unsatisfied", "comment": "", "csrfmiddlewaretoken": token})
    assert response.status_code == 400 and "请说明理由" in response.content.decode()
    response = author.post(url, {"opinion": "basic", "comment": "希望加快", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "感谢" in response.content.decode()
    assert Verdict.objects.get().opinion == "basic"
    again = author.get(url)
    assert again.status_code == 410 and "已使用" in again.content.decode()
    assert author.post(url, {"opinion": "satisfied", "csrfmiddlewaretoken": token}).status_code == 410
    assert Verdict.objects.count() == 1
    forged = author.get(url[:-4] + "xx/")
    assert forged.status_code == 403 and "链接无效" in forged.content.decode()
    assert author.get(f"/v/{link.pk}:{link.nonce}/").status_code == 403


def test_the_lead_authors_dissatisfaction_reopens_and_the_other_links_are_gone(supervisor, liaison, imported):
    proposal = imported["1"]
    _accepted(proposal, supervisor, liaison)
    lead = VerdictLink.objects.get(proposal=proposal, lead=True)
    other = VerdictLink.objects.get(proposal=proposal, author="赵敏")
    author = Client()
    response = author.post(f"/v/{actions.token_for(lead)}/", {"opinion": "unsatisfied", "comment": "学位仍不足"})
    assert response.status_code == 200 and "再次办理" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).round == 2
    response = author.get(f"/v/{actions.token_for(other)}/")
    assert response.status_code == 410 and "再次办理" in response.content.decode()


def test_an_expired_link_answers_410(supervisor, liaison, imported):
    import time_machine

    proposal = imported["1"]
    _accepted(proposal, supervisor, liaison)
    link = VerdictLink.objects.filter(proposal=proposal).first()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=61)):
        response = Client().get(f"/v/{actions.token_for(link)}/")
    assert response.status_code == 410 and "已过期" in response.content.decode()


def test_the_reply_letter_is_the_office_and_the_lead_units_only(
    client_for, supervisor, liaison, co_liaison, leader, outsider, imported
):
    reply = _accepted(imported["1"], supervisor, liaison)
    url = f"/proposals/replies/{reply.pk}/letter.docx"
    for user in (supervisor, liaison):
        response = client_for(user).get(url)
        assert response.status_code == 200 and response.content[:2] == b"PK"
        assert "wordprocessingml" in response["Content-Type"]
    for user in (co_liaison, leader, outsider):
        assert client_for(user).get(url).status_code == 404


def test_a_letter_of_a_reply_not_accepted_is_404(client_for, supervisor, liaison, imported):
    from luoshi.tracking import actions as tracking

    proposal = imported["1"]
    task = Task.objects.get(pk=proposal.task_id)
    actions.assign(proposal.pk, supervisor, lead_unit=task.lead_unit, co_units=list(task.co_units.all()))
    tracking.acknowledge(proposal.task_id, liaison)
    actions.record_contact(proposal.pk, liaison, on=timezone.localdate(), way="phone", content="电话沟通")
    reply = actions.submit_reply(proposal.pk, liaison, category="A", text="已解决")
    for user in (supervisor, liaison):
        assert client_for(user).get(f"/proposals/replies/{reply.pk}/letter.docx").status_code == 404


def test_relief_the_lead_unit_asks_before_signing_and_the_office_gives_it_to_another(
    client_for, supervisor, liaison, government, imported
):
    office = client_for(supervisor)
    proposal = imported["1"]
    _assign(office, proposal)
    unit = Client()
    unit.force_login(liaison)
    assert unit.post(f"/proposals/{proposal.pk}/relief/", {"relief-reason": " "}).status_code == 400
    assert unit.post(f"/proposals/{proposal.pk}/relief/", {"relief-reason": "属自然资源部门职责"}).status_code == 302
    relief = proposal.reliefs.get()
    assert unit.post(f"/proposals/reliefs/{relief.pk}/decide/", {"decide-approve": "1"}).status_code == 403
    response = office.post(f"/proposals/reliefs/{relief.pk}/decide/", {"decide-approve": "1"})
    assert response.status_code == 400 and "新的主办单位" in response.content.decode()
    new_unit = government.units.get(short_name="州自然资源局")
    response = office.post(
        f"/proposals/reliefs/{relief.pk}/decide/", {"decide-approve": "1", "decide-new_unit": new_unit.pk}
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=proposal.task_id).lead_unit == new_unit
    assert unit.get(f"/proposals/{proposal.pk}/").status_code == 404  # no longer the unit's matter


def test_the_office_links_a_commitment_to_a_ledger_matter(client_for, supervisor, liaison, report, imported):
    reply = _accepted(
        imported["1"],
        supervisor,
        liaison,
        category="B",
        text="列入计划",
        commitments=[{"text": "新建一所", "due": _due()}],
    )
    commitment = Commitment.objects.get(reply=reply)
    task = report.tasks.filter(kind="task").first()
    office = client_for(supervisor)
    page = office.get(f"/proposals/{reply.proposal_id}/").content.decode()
    assert f"link-{commitment.pk}-tasks" in page
    response = office.post(f"/proposals/commitments/{commitment.pk}/link/", {f"link-{commitment.pk}-tasks": [task.pk]})
    assert response.status_code == 302 and list(commitment.tasks.all()) == [task]
    assert client_for(liaison).post(f"/proposals/commitments/{commitment.pk}/link/", {}).status_code == 403


def test_every_page_renders_in_every_state_for_every_role(
    client_for, supervisor, liaison, co_liaison, outsider, leader, imported
):
    """Draft, assigned, signed, answered, returned, accepted, judged: no page fails for anyone."""
    from luoshi.tracking import actions as tracking

    proposal = imported["1"]
    people = (supervisor, liaison, co_liaison, outsider, leader)

    def look():
        for user in people:
            client = client_for(user)
            for url in ("/proposals/", "/proposals/commitments/", f"/tasks/{proposal.task_id}/"):
                assert client.get(url).status_code in (200, 404), (user, url)
            status = client.get(f"/proposals/{proposal.pk}/").status_code
            assert status == (
                200
                if user == supervisor or (Task.objects.get(pk=proposal.task_id).is_published and user != outsider)
                else 404
            )

    look()
    task = Task.objects.get(pk=proposal.task_id)
    actions.assign(proposal.pk, supervisor, lead_unit=task.lead_unit, co_units=list(task.co_units.all()))
    look()
    tracking.acknowledge(proposal.task_id, liaison)
    actions.give_opinion(proposal.pk, co_liaison, text="同意")
    actions.record_contact(proposal.pk, liaison, on=timezone.localdate(), way="phone", content="电话")
    look()
    first = actions.submit_reply(proposal.pk, liaison, category="C", text="暂难解决", explanation="资金不足")
    look()
    actions.review_reply(first.pk, supervisor, accept=False, reason="请补充")
    look()
    second = actions.submit_reply(
        proposal.pk, liaison, category="B", text="逐步解决", commitments=[{"text": "明年建成", "due": _due()}]
    )
    actions.review_reply(second.pk, supervisor, accept=True)
    look()
    lead = VerdictLink.objects.get(proposal=proposal, lead=True)
    actions.record_verdict(actions.token_for(lead), opinion="unsatisfied", comment="不满意")
    look()
    assert "第2轮办理" in client_for(supervisor).get(f"/proposals/{proposal.pk}/").content.decode()
    task_page = client_for(liaison).get(f"/tasks/{proposal.task_id}/").content.decode()
    assert f"/proposals/{proposal.pk}/" in task_page  # the generic task page leads to the proposal's


def test_the_list_filters_and_shows_each_rows_units_light_and_reply(client_for, supervisor, liaison, leader, imported):
    proposal = imported["1"]
    reply = _accepted(proposal, supervisor, liaison)
    office = client_for(supervisor)
    html = office.get("/proposals/").content.decode()
    assert "导入清单" in html and "逐件录入" in html and "承诺事项" in html
    assert "A类 · 已办复" in html and "州教育局" in html and "州财政局" in html
    assert "共 7 件" in html
    assert "共 1 件" in office.get("/proposals/?status=closed").content.decode()
    assert "共 0 件" in office.get("/proposals/?kind=proposal").content.decode()
    unit = client_for(liaison)
    html = unit.get("/proposals/").content.decode()
    assert "共 1 件" in html and "我的承诺事项" in html and "导入清单" not in html
    assert unit.get("/proposals/import/").status_code == 404 and unit.get("/proposals/new/").status_code == 404
    assert "共 1 件" in client_for(leader).get("/proposals/").content.decode()
    assert reply.letter_number


# Every element a thumb taps: buttons, form fields, summaries and the links inside the page's own content;
# a check box or radio button counts by the row of its label.
TAPPABLE = (
    "main .pp button, main .pp .button, main .pp select, main .pp input:not([type=hidden]), main .pp summary, "
    "main .pp textarea, main .pp .row-head a, main .pp p.text a, main .pp .pp-url a, main .pp .pager a"
)
SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.offsetParent !== null)
  .map((e) => [e, ['checkbox', 'radio'].includes(e.type) ? (e.closest('label') || e.parentElement) : e])
  .map(([e, box]) => [e.tagName + ':' + (e.type || '') + ' ' + (e.name || e.textContent.trim().slice(0, 12)),
                      box.getBoundingClientRect()])
  .filter(([, r]) => r.height < 40 || r.width < 40)
  .map(([name, r]) => name + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))"""


@pytest.mark.browser
@NEEDS_CHROMIUM
def test_the_pages_fit_a_phone_375_px_wide_with_tap_targets_of_40_px(
    browser,  # noqa: F811
    live_server,
    supervisor,
    liaison,
    co_liaison,
    imported,
    tmp_path,
):
    """At 375 px: no page scrolls sideways, and every button, field and summary is at least 40 px tall
    (check boxes and radio buttons: their whole label row is)."""
    from luoshi.tracking import actions as tracking

    reply = _accepted(
        imported["1"],
        supervisor,
        liaison,
        category="B",
        text="列入计划。" * 40,
        commitments=[{"text": "新建一所", "due": _due()}],
    )
    link = VerdictLink.objects.filter(proposal=imported["1"]).first()
    handled = imported["7"]  # 州人社局 leads it, 州教育局 is 会办: given to 州教育局 with 州财政局 as 会办
    education = liaison.unit
    actions.assign(handled.pk, supervisor, lead_unit=education, co_units=[co_liaison.unit])
    tracking.acknowledge(handled.task_id, liaison)
    pages = {
        "ducha": [
            "/proposals/",
            "/proposals/import/",
            "/proposals/new/",
            f"/proposals/{imported['2'].pk}/",
            f"/proposals/{reply.proposal_id}/",
            "/proposals/commitments/",
        ],
        "jiaoyu": [
            "/proposals/",
            f"/proposals/{reply.proposal_id}/",
            f"/proposals/{handled.pk}/",
            "/proposals/commitments/",
        ],
        "caizheng": [f"/proposals/{handled.pk}/"],
    }
    problems = []
    office = login(browser, live_server, "ducha")
    office.goto(f"{live_server.url}/proposals/import/")
    office.set_input_files("#id_upload", str(LIST))
    office.fill("#id_session", "海西州第十五届人大第四次会议")
    office.click("main form button[type=submit]")
    pages["ducha"].append("import preview")
    for username, urls in pages.items():
        page = login(browser, live_server, username)
        for url in urls:
            if url == "import preview":
                page = office
            else:
                page.goto(live_server.url + url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                problems.append(f"{username} {url}: {width} px wide")
            small = page.evaluate(SMALL_TARGETS, TAPPABLE)
            if small:
                problems.append(f"{username} {url}: small targets {small[:5]}")
            page.screenshot(path=str(tmp_path / f"{username}{url.replace('/', '_')}.png"), full_page=True)
    author = browser.new_context(viewport={"width": 375, "height": 900}).new_page()
    author.goto(f"{live_server.url}/v/{actions.token_for(link)}/")
    if author.evaluate("document.documentElement.scrollWidth") > 375:
        problems.append("the verdict page is wider than 375 px")
    small = author.evaluate(SMALL_TARGETS, TAPPABLE)
    if small:
        problems.append(f"verdict: small targets {small[:5]}")
    author.screenshot(path=str(tmp_path / "verdict.png"), full_page=True)
    author.check("input[value=satisfied]")
    author.click("main form button[type=submit]")
    assert "感谢" in author.content()
    print("screenshots in", tmp_path)
    assert not problems, "\n".join(problems)
