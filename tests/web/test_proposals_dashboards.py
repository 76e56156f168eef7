"""建议提案办理 on the dashboards and in the 通报, and the reply letter (答复函) as a GB/T 9704 Word file made
by the 通报's own generator.

The world: seven suggestions of the 2026 session, five assigned (交办). On 1 July 2026:

- 第1号 (州教育局, 领办 by 李副州长): A, accepted 3 April, on time; the 领衔人 满意 (a co-signer's 不满意
  does not count);
- 第2号 (州交通运输局, 领办 by 李副州长): B, accepted 22 June, after its deadline of 10 June; 基本满意;
- 第3号 (州卫健委): no reply; 21 days past its deadline of 10 June;
- 第6号 (州住建局): C, accepted 1 May, on time; the 领衔人 不满意 on 20 May: 再次办理, due 20 June, no reply;
- 第7号 (州人社局): assigned 15 June, due 15 September: not judged yet;
- 第4号, 第5号: not assigned, not counted.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.http import Http404
from django.test import RequestFactory
from docx import Document
from docx.oxml.ns import qn

from luoshi.accounts.models import User
from luoshi.dashboards import actions as dashboard_actions
from luoshi.dashboards import docx as gbt9704
from luoshi.dashboards import stats, views
from luoshi.proposals import actions
from luoshi.proposals.models import Proposal, Reply, VerdictLink
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking
from tests.web.conftest import _user
from tests.web.test_circular import check_docx
from tests.web.test_proposals import _import
from tests.web.tracking_helpers import bj

JULY_1 = datetime.date(2026, 7, 1)


def _assign(proposal, supervisor, at, **extra):
    task = Task.objects.get(pk=proposal.task_id)
    return actions.assign(
        proposal.pk, supervisor, lead_unit=task.lead_unit, co_units=list(task.co_units.all()), at=at, **extra
    )


def _reply(proposal, liaison, at, **reply):
    tracking.acknowledge(proposal.task_id, liaison, at=at)
    actions.record_contact(proposal.pk, liaison, on=at.date(), way="visit", content="上门听取意见", at=at)
    return actions.submit_reply(proposal.pk, liaison, at=at, **reply)


def _verdict(proposal, opinion, at, *, lead=True, round_=1, comment="意见"):
    link = VerdictLink.objects.filter(proposal=proposal, round=round_, lead=lead).first()
    return actions.record_verdict(actions.token_for(link), opinion=opinion, comment=comment, at=at)


@pytest.fixture
def world(government, supervisor, liaison, outsider, leader):
    ledger, rows = _import(government, supervisor)
    p = {x.number: x for x in rows}
    health_liaison = _user(government, "weijian", "liaison", "州卫健委", "卫健", "联络员")
    housing = _user(government, "zhujian", "liaison", "州住建局", "住建", "联络员")
    _user(government, "renshe", "liaison", "州人社局", "人社", "联络员")
    for number in ("1", "2"):
        _assign(p[number], supervisor, bj(2026, 3, 10), key=True, leader=leader)
    for number in ("3", "6"):
        _assign(p[number], supervisor, bj(2026, 3, 10))
    _assign(p["7"], supervisor, bj(2026, 6, 15))
    tracking.acknowledge(p["3"].task_id, health_liaison, at=bj(2026, 3, 11))

    first = _reply(p["1"], liaison, bj(2026, 4, 1), category="A", text="经研究，已新建幼儿园两所。\n新增学位六百个。")
    actions.review_reply(first.pk, supervisor, accept=True, at=bj(2026, 4, 3))
    _verdict(p["1"], "satisfied", bj(2026, 4, 10))
    _verdict(p["1"], "unsatisfied", bj(2026, 4, 11), lead=False, comment="学位仍不足")  # a co-signer: not counted

    third = _reply(
        p["6"],
        housing,
        bj(2026, 4, 20),
        category="C",
        text="已纳入调研。",
        explanation="受财力所限，本年度暂难全面实施。",
    )
    actions.review_reply(third.pk, supervisor, accept=True, at=bj(2026, 5, 1))
    _verdict(p["6"], "unsatisfied", bj(2026, 5, 20), comment="未见具体措施")  # round 2, due 20 June

    second = _reply(
        p["2"],
        outsider,
        bj(2026, 6, 20),
        category="B",
        text="已列入2027年农村公路养护计划。",
        commitments=[
            {"text": "2027年完成破损路段修复四十公里", "due": "2027-10-31"},
            {"text": "建立县乡村三级路长制", "due": "2027-06-30"},
        ],
    )
    actions.review_reply(second.pk, supervisor, accept=True, at=bj(2026, 6, 22))
    _verdict(p["2"], "basic", bj(2026, 6, 25))
    for x in p.values():
        x.refresh_from_db()
    return {"ledger": ledger, "p": p, "replies": {"A": first, "B": second, "C": third}, "housing": housing}


def _proposals(world):
    return Proposal.objects.filter(task__report=world["ledger"])


def _figures(group) -> dict:
    keys = ("assigned", "replied", "timely_due", "timely", "timely_rate", "verdicts", "satisfied")
    keys += ("satisfied_rate", "answered", "solved", "solved_rate", "again", "overdue")
    return {key: getattr(group, key) for key in keys}


# ------------------------------------------------------------------------------------------ figures


def test_rates_are_whole_per_cent_rounded_half_up():
    assert stats.percent(1, 8) == 13 and stats.percent(3, 8) == 38  # half up, not to even
    assert stats.percent(2, 3) == 67 and stats.percent(1, 3) == 33 and stats.percent(0, 4) == 0
    assert stats.percent(0, 0) is None


def test_the_figures_count_on_time_replies_verdicts_solutions_second_rounds_and_overdue_matters(world, leader):
    figures = stats.proposal_stats(_proposals(world), JULY_1)
    assert _figures(figures.summary) == {
        "assigned": 5,
        "replied": 3,
        "timely_due": 4,  # 1, 2, 6 replied; 3 past its deadline; 7 still within its time
        "timely": 2,  # 1 and 6; 2 came after its deadline
        "timely_rate": 50,
        "verdicts": 3,  # the 领衔人's only
        "satisfied": 2,
        "satisfied_rate": 67,
        "answered": 3,
        "solved": 1,
        "solved_rate": 33,
        "again": 1,
        "overdue": 2,
    }
    units = {g.label: g for g in figures.units}
    assert [g.label for g in figures.units] == ["州住建局", "州卫健委", "州交通运输局", "州人社局", "州教育局"]
    assert (units["州教育局"].timely_rate, units["州教育局"].satisfied_rate, units["州教育局"].solved_rate) == (
        100,
        100,
        100,
    )
    assert (units["州交通运输局"].timely_rate, units["州交通运输局"].satisfied_rate) == (0, 100)
    assert units["州交通运输局"].solved_rate == 0
    assert (units["州卫健委"].replied, units["州卫健委"].timely_rate, units["州卫健委"].overdue) == (0, 0, 1)
    assert units["州卫健委"].satisfied_rate is None and units["州卫健委"].solved_rate is None
    assert (units["州住建局"].timely_rate, units["州住建局"].satisfied_rate, units["州住建局"].again) == (100, 0, 1)
    assert units["州人社局"].timely_due == 0 and units["州人社局"].timely_rate is None
    (mine,) = figures.leaders
    assert mine.key == leader.pk and mine.label == "李副州长"
    assert _figures(mine) == {
        "assigned": 2,
        "replied": 2,
        "timely_due": 2,
        "timely": 1,
        "timely_rate": 50,
        "verdicts": 2,
        "satisfied": 2,
        "satisfied_rate": 100,
        "answered": 2,
        "solved": 1,
        "solved_rate": 50,
        "again": 0,
        "overdue": 0,
    }
    assert [(o.number_label, o.unit, o.deadline, o.days, o.round) for o in figures.overdue] == [
        ("第3号", "州卫健委", datetime.date(2026, 6, 10), 21, 1),
        ("第6号", "州住建局", datetime.date(2026, 6, 20), 11, 2),
    ]
    assert figures.overdue[0].title == "关于提升基层医疗卫生服务能力的建议"


def test_the_figures_stand_as_they_were_on_an_earlier_day(world):
    # 15 May: 7 not yet assigned, 2 not yet replied and within its time, 6 still in its first round
    # (its first deadline, 10 June, is read back from the audit trail), the 不满意 not yet given
    figures = stats.proposal_stats(_proposals(world), datetime.date(2026, 5, 15))
    assert _figures(figures.summary) == {
        "assigned": 4,
        "replied": 2,
        "timely_due": 2,
        "timely": 2,
        "timely_rate": 100,
        "verdicts": 1,
        "satisfied": 1,
        "satisfied_rate": 100,
        "answered": 2,
        "solved": 1,
        "solved_rate": 50,
        "again": 0,
        "overdue": 0,
    }
    # 11 June: 2, 3 and 6 are past their first deadline; 6 is replied, 2 and 3 are not (2 is not yet submitted)
    june = stats.proposal_stats(_proposals(world), datetime.date(2026, 6, 11))
    assert [(o.number_label, o.days) for o in june.overdue] == [("第2号", 1), ("第3号", 1)]
    assert (june.summary.timely_due, june.summary.timely, june.summary.again) == (4, 2, 1)


def test_a_reply_awaiting_review_is_not_overdue_and_a_returned_one_is(world, supervisor, government):
    health_liaison = User.objects.get(username="weijian")
    p3 = world["p"]["3"]
    reply = _reply_again(p3, health_liaison, bj(2026, 6, 28))
    figures = stats.proposal_stats(_proposals(world), JULY_1)
    assert [o.number_label for o in figures.overdue] == ["第6号"]
    actions.review_reply(reply.pk, supervisor, accept=False, reason="答复过于笼统", at=bj(2026, 6, 30))
    figures = stats.proposal_stats(_proposals(world), JULY_1)
    assert [o.number_label for o in figures.overdue] == ["第3号", "第6号"]
    assert [o.number_label for o in stats.proposal_stats(_proposals(world), datetime.date(2026, 6, 29)).overdue] == [
        "第6号"
    ]  # on the 29th it stood awaiting review


def _reply_again(proposal, liaison, at):
    actions.record_contact(proposal.pk, liaison, on=at.date(), way="phone", content="电话沟通", at=at)
    return actions.submit_reply(proposal.pk, liaison, category="A", text="已推进医共体建设。", at=at)


# ------------------------------------------------------------------------------------------ pages


def _page(client, user, url):
    with time_machine.travel(bj(2026, 7, 1), tick=True):
        client.force_login(user)
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def _section(html: str) -> str:
    return html.split('id="proposals"', 1)[1]


def _row(html: str, label: str) -> list[str]:
    match = re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', html)
    assert match, label
    return re.findall(r'<td class="num">([^<]*)</td>', match.group(1))


def test_the_office_dashboard_shows_the_proposals_rates_by_unit_and_leader_and_the_overdue(client, supervisor, world):
    html = _section(_page(client, supervisor, "/dashboard/"))
    for figure in ("交办<b>5</b>", "已办复<b>3</b>", "按时办复率<b>50%</b>", "满意率<b>67%</b>", "解决率<b>33%</b>"):
        assert figure in html
    assert "再次办理<b>1</b>" in html and "逾期未答复<b>2</b>" in html
    units = html.split('id="proposals-units"', 1)[1].split("</table>", 1)[0]
    assert _row(units, "州教育局") == ["1", "1", "100%", "100%", "100%", "0", "0"]
    assert _row(units, "州卫健委") == ["1", "0", "0%", "—", "—", "0", "1"]
    assert _row(units, "州住建局") == ["1", "1", "100%", "0%", "0%", "1", "1"]
    leaders = html.split('id="proposals-leaders"', 1)[1].split("</table>", 1)[0]
    assert _row(leaders, "李副州长") == ["2", "2", "50%", "100%", "50%", "0", "0"]
    assert "第3号</a> 关于提升基层医疗卫生服务能力的建议（主办单位：州卫健委；答复时限2026-06-10，已逾期21天）" in html
    assert (
        "第6号</a> 关于推进老旧小区改造加装电梯的建议（主办单位：州住建局；第2轮答复时限2026-06-20，已逾期11天）"
        in html
    )


def test_a_leader_sees_the_matters_they_lead_and_a_unit_those_it_answers_as_lead(
    client, leader, liaison, outsider, world
):
    html = _section(_page(client, leader, "/dashboard/"))
    assert "我领办的" in html and "交办<b>2</b>" in html and "按时办复率<b>50%</b>" in html
    assert "逾期未答复<b>0</b>" in html and 'id="proposals-leaders"' not in html
    html = _section(_page(client, liaison, "/dashboard/"))  # 7 has 州教育局 as 会办 only
    assert "本单位主办的" in html and "交办<b>1</b>" in html and "解决率<b>100%</b>" in html
    assert 'id="proposals-units"' not in html
    html = _section(_page(client, outsider, "/dashboard/"))
    assert "交办<b>1</b>" in html and "按时办复率<b>0%</b>" in html and "满意率<b>100%</b>" in html


def test_a_dashboard_without_proposals_has_no_proposals_section(client, supervisor, government):
    html = _page(client, supervisor, "/dashboard/")
    assert 'id="proposals"' not in html


def test_the_circular_page_of_a_proposals_ledger_shows_the_table_and_names_the_overdue(client, supervisor, world):
    html = _page(client, supervisor, f"/reports/{world['ledger'].pk}/circular/")
    section = _section(html)
    assert "建议提案办理情况" in html and "按时办复率<b>50%</b>" in section
    assert _row(section, "州交通运输局") == ["1", "1", "0%", "100%", "0%", "0", "0"]
    assert "已逾期21天" in section and "已逾期11天" in section


def test_the_circular_of_a_proposals_ledger_freezes_the_figures_into_its_word_file(client, supervisor, world):
    circular = dashboard_actions.create_circular(
        world["ledger"], supervisor, period="2026-06", number="海西督〔2026〕7号", at=bj(2026, 7, 1)
    )
    assert circular.title == f"关于{world['ledger'].title}2026年6月办理情况的通报"
    figures = circular.data["proposals"]
    assert figures["as_of"] == "2026-06-30"
    assert figures["summary"]["timely_rate"] == 50 and figures["summary"]["satisfied_rate"] == 67
    assert [(o["number_label"], o["days"]) for o in figures["overdue"]] == [("第3号", 20), ("第6号", 10)]
    data = gbt9704.build(circular)
    check_docx(data, circular)  # the 通报's own parts are as before
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert "六、建议提案办理情况" in texts
    assert any("按时办复率50%，满意率67%，解决率33%；再次办理1件，逾期未答复2件" in t for t in texts)
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == gbt9704.PROPOSAL_HEADERS
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    assert rows["州卫健委"] == ["1", "0", "0%", "—", "—", "0", "1"]
    assert rows["州教育局"] == ["1", "1", "100%", "100%", "100%", "0", "0"]
    assert any(t.endswith("州卫健委；答复时限2026-06-10，已逾期20天）") and "第3号" in t for t in texts)
    html = _page(client, supervisor, f"/circulars/{circular.pk}/")
    assert "六、建议提案办理情况" in html and "已逾期20天" in html and "按时办复率<b>50%</b>" in html


def test_a_report_ledgers_circular_has_no_proposals_part(supervisor, tracked_task):
    circular = dashboard_actions.create_circular(
        tracked_task.report, supervisor, period="2026-06", number="海西督〔2026〕8号", at=bj(2026, 7, 1)
    )
    assert "proposals" not in circular.data
    texts = [p.text for p in Document(io.BytesIO(gbt9704.build(circular))).paragraphs]
    assert "六、建议提案办理情况" not in texts


# ------------------------------------------------------------------------------------------ the letter


def _letter(reply) -> Document:
    reply = Reply.objects.select_related("proposal", "proposal__government", "unit").get(pk=reply.pk)
    return Document(io.BytesIO(gbt9704.reply_letter(reply)))


def _east_asian(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_reply_letter_is_laid_out_after_gbt_9704(world):
    doc = _letter(world["replies"]["A"])
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    paragraphs = [p for p in doc.paragraphs if p.text]
    texts = [p.text for p in paragraphs]
    assert texts[0] == "海西州教育局"  # the unit's full name
    assert texts[1] == "海西州建复〔2026〕1号"
    title = "关于对海西州第十五届人大第三次会议第1号建议的答复"
    assert texts[2] == title and "（再次办理答复）" not in texts
    by_text = dict(zip(texts, paragraphs, strict=True))
    assert by_text[title].runs[0].font.size.pt == 22 and _east_asian(by_text[title].runs[0]) == "方正小标宋简体"
    assert texts[3] == "王海燕代表："
    for line in ("经研究，已新建幼儿园两所。", "新增学位六百个。", "答复类别：A类（已经解决或基本解决）"):
        run = by_text[line].runs[0]
        assert run.font.size.pt == 16 and _east_asian(run) == "仿宋_GB2312"
    assert texts[-3:] == [
        texts[0],
        "2026年4月3日",
        "抄送：海西州人大常委会代表工作机构，海西州人民政府督查室。",
    ]
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —") and "PAGE" in footer._element.xml


def test_a_b_letter_lists_its_commitments_with_their_dates(world):
    texts = [p.text for p in _letter(world["replies"]["B"]).paragraphs]
    assert "海西州建复〔2026〕3号" in texts and "马文斌代表：" in texts
    assert "关于对海西州第十五届人大第三次会议第2号建议的答复" in texts
    start = texts.index("我单位承诺：")
    assert texts[start + 1 : start + 3] == [
        "1. 2027年完成破损路段修复四十公里（完成时限：2027年10月31日）",
        "2. 建立县乡村三级路长制（完成时限：2027年6月30日）",
    ]
    assert "答复类别：B类（正在解决或列入计划逐步解决）" in texts and "2026年6月22日" in texts


def test_a_c_letter_gives_the_reason_and_a_second_round_letter_says_so(world, supervisor):
    texts = [p.text for p in _letter(world["replies"]["C"]).paragraphs]
    assert "暂时难以解决的原因：受财力所限，本年度暂难全面实施。" in texts
    assert "答复类别：C类（因条件限制暂时难以解决）" in texts and "海西州建复〔2026〕2号" in texts
    housing, proposal = world["housing"], world["p"]["6"]
    actions.record_contact(
        proposal.pk, housing, on=datetime.date(2026, 6, 24), way="meeting", content="座谈", at=bj(2026, 6, 24)
    )
    again = actions.submit_reply(proposal.pk, housing, category="A", text="已完成加装电梯十二部。", at=bj(2026, 6, 25))
    actions.review_reply(again.pk, supervisor, accept=True, at=bj(2026, 6, 26))
    texts = [p.text for p in _letter(again).paragraphs]
    title = texts.index("关于对海西州第十五届人大第三次会议第6号建议的答复")
    assert texts[title + 1] == "（再次办理答复）" and "海西州建复〔2026〕4号" in texts


def test_a_proposal_letter_is_addressed_to_the_member_and_copied_to_the_cppcc(government, supervisor, liaison):
    rows = _import_one(government, supervisor, "提案")
    proposal = _assign(rows[0], supervisor, bj(2026, 3, 10))
    reply = _reply(proposal, liaison, bj(2026, 4, 1), category="A", text="已落实。")
    actions.review_reply(reply.pk, supervisor, accept=True, at=bj(2026, 4, 3))
    texts = [p.text for p in _letter(reply).paragraphs]
    assert "海西州提复〔2026〕1号" in texts and "林芳委员：" in texts
    assert "关于对政协海西州第十三届委员会第三次会议第15号提案的答复" in texts
    assert texts[-1] == "抄送：政协海西州委员会提案委员会，海西州人民政府督查室。"


def _import_one(government, supervisor, kind):
    from tests.web.test_proposals import HEADER, _csv, _rows

    line = f"15,{kind},关于加强学前教育师资培训的提案,林芳,,教育界,建议加强师资培训。,州教育局"
    session = "政协海西州第十三届委员会第三次会议"
    _, rows = actions.apply_intake(government, supervisor, _rows(_csv([HEADER, line])), session=session, year=2026)
    return rows


def test_a_split_part_is_named_by_its_part_in_the_title():
    part = Proposal(kind="suggestion", session="海西州第十五届人大第三次会议", number="4", part=1)
    assert gbt9704.letter_title(part) == "关于对海西州第十五届人大第三次会议第4号(分办2)建议的答复"


def test_the_letter_is_served_for_an_accepted_reply_to_the_office_and_the_replying_unit(
    world, supervisor, liaison, co_liaison, outsider, government
):
    factory = RequestFactory()

    def get(user, reply):
        request = factory.get(f"/replies/{reply.pk}/letter.docx")
        request.user = user
        return views.reply_letter(request, reply.pk)

    reply = world["replies"]["A"]
    for user in (supervisor, liaison):
        response = get(user, reply)
        assert response.status_code == 200 and response["Content-Type"] == views.DOCX
        assert Document(io.BytesIO(response.content)).paragraphs
    for user in (co_liaison, outsider):  # a 会办 unit reads the matter but not the letter; 州交通运输局 neither
        with pytest.raises(Http404):
            get(user, reply)
    health_liaison = User.objects.get(username="weijian")
    pending = _reply_again(world["p"]["3"], health_liaison, bj(2026, 6, 28))
    with pytest.raises(Http404):
        get(supervisor, pending)  # not accepted: no letter yet
