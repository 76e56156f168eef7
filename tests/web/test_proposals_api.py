"""/api/proposals and /api/proposals/{id} with Bearer tokens: the tasks' access rules (a unit reads only the
matters where it is 主办 or 会办, anything else is absent or a 404), the filters, the handling record of one
matter (replies, opinions, contacts, commitments, verdicts — the authors' comments for the office only)
and clear 4xx answers to malformed filters."""

from __future__ import annotations

import pytest

from luoshi.proposals.models import Proposal
from tests.web.test_api import call, token_for
from tests.web.test_proposals_public import CPPCC_SESSION, UNSATISFIED, VERDICT_COMMENT, build

SESSION = "海西州第十五届人大第三次会议"


@pytest.fixture
def handled(government, supervisor, liaison, co_liaison):
    return build(government, supervisor, liaison, co_liaison)


def _get(client, user, url):
    response = call(client, "get", url, token=token_for(user))
    assert response.status_code == 200, (url, response.content)
    return response.json()


def _ids(client, user, query=""):
    data = _get(client, user, f"/api/proposals{query}")
    assert data["count"] == len(data["items"])
    return {item["id"] for item in data["items"]}


def test_the_office_and_the_leader_see_every_matter_the_units_their_own(
    client, handled, supervisor, leader, liaison, co_liaison, outsider
):
    every = set(Proposal.objects.values_list("id", flat=True))
    assert len(every) == 8
    assert _ids(client, supervisor) == every
    assert _ids(client, leader) == every
    assert _ids(client, liaison) == every  # 主办 of all
    assert _ids(client, co_liaison) == every  # 会办 of all
    assert _ids(client, outsider) == set()
    for user in (supervisor, leader, liaison, co_liaison):
        assert _get(client, user, f"/api/proposals/{handled.public.pk}")["id"] == handled.public.pk
    response = call(client, "get", f"/api/proposals/{handled.public.pk}", outsider)
    assert response.status_code == 404 and response.json()["detail"]
    assert call(client, "get", "/api/proposals/999999", supervisor).status_code == 404


def test_a_unit_sees_a_matter_it_has_no_part_in_only_once_it_is_given_one(
    client, government, supervisor, liaison, outsider
):
    from tests.web.test_proposals import _import
    from tests.web.test_proposals_handling import _assign

    _, rows = _import(government, supervisor)
    road = next(p for p in rows if p.number == "2")  # 州交通运输局 alone
    _assign(road, supervisor, government, None)
    assert _ids(client, liaison) == set()
    assert call(client, "get", f"/api/proposals/{road.pk}", liaison).status_code == 404
    assert _ids(client, outsider) == {road.pk}
    education = next(p for p in rows if p.number == "1")
    assert call(client, "get", f"/api/proposals/{education.pk}", liaison).status_code == 404  # a draft


def test_the_list_item_has_what_a_client_needs(client, handled, supervisor, leader):
    item = next(i for i in _get(client, supervisor, "/api/proposals")["items"] if i["id"] == handled.again.pk)
    assert item["kind"] == "suggestion" and item["session"] == SESSION
    assert item["number"] == "6" and item["part"] == 0 and item["number_label"] == "第6号"
    assert item["title"] == "关于推进老旧小区改造加装电梯的建议"
    assert item["round"] == 2 and item["key"] is False and item["complex"] is False
    assert item["assigned_on"] == "2026-04-10" and item["deadline"] == "2026-05-10"  # 再次办理 from the verdict
    assert item["status"] == "closed" and item["category"] == "C"
    assert item["lead_unit"]["short_name"] == "州教育局"
    assert [u["short_name"] for u in item["co_units"]] == ["州财政局"]
    assert item["leader"] is None
    untouched = next(i for i in _get(client, leader, "/api/proposals")["items"] if i["id"] == handled.untouched.pk)
    assert untouched["category"] is None and untouched["status"] == "assigned"


def test_the_detail_has_the_handling_record(client, handled, liaison):
    data = _get(client, liaison, f"/api/proposals/{handled.again.pk}")
    replies = data["replies"]
    assert [(r["round"], r["category"], r["status"]) for r in replies] == [(1, "B", "accepted"), (2, "C", "accepted")]
    assert replies[1]["text"] == "因老旧小区结构限制, 部分楼栋暂难加装。"
    assert replies[1]["letter_number"].startswith("海西州建复〔2026〕") and replies[1]["publishable"] is True
    assert replies[0]["submitted_at"].startswith("2026-04-01") and replies[1]["decided_at"].startswith("2026-04-28")
    assert [(c["on"], c["way"]) for c in data["contacts"]] == [("2026-04-01", "visit"), ("2026-04-20", "meeting")]
    assert data["commitments"] == [{"text": "2027年完成加装电梯二十部", "due": "2027-06-30", "met_at": None}]
    assert [(v["round"], v["author"], v["lead"], v["opinion"]) for v in data["verdicts"]] == [
        (1, "赵文博", True, "unsatisfied")
    ]
    opinions = _get(client, liaison, f"/api/proposals/{handled.public.pk}")["opinions"]
    assert [(o["unit"]["short_name"], o["text"]) for o in opinions] == [("州财政局", "财政将统筹安排资金")]
    returned = _get(client, liaison, f"/api/proposals/{handled.returned.pk}")["replies"]
    assert [(r["status"], r["letter_number"], r["decided_at"] is not None) for r in returned] == [
        ("returned", "", True)
    ]
    submitted = _get(client, liaison, f"/api/proposals/{handled.submitted.pk}")["replies"]
    assert [(r["status"], r["decided_at"]) for r in submitted] == [("submitted", None)]


def test_verdict_comments_are_for_the_office_only(client, handled, supervisor, leader, liaison, co_liaison):
    def comments(user, proposal):
        return [v["comment"] for v in _get(client, user, f"/api/proposals/{proposal.pk}")["verdicts"]]

    assert comments(supervisor, handled.public) == [VERDICT_COMMENT]
    assert comments(supervisor, handled.again) == [UNSATISFIED]
    for user in (leader, liaison, co_liaison):
        assert comments(user, handled.public) == [None], user.username
        body = call(client, "get", f"/api/proposals/{handled.again.pk}", user).content.decode()
        assert UNSATISFIED not in body and VERDICT_COMMENT not in body


def test_the_list_filters_by_kind_session_status_unit_and_category(client, handled, supervisor, co_liaison):
    suggestions = {handled.public.pk, handled.private.pk, handled.submitted.pk, handled.returned.pk}
    suggestions |= {handled.embargoed.pk, handled.again.pk, handled.untouched.pk}
    assert _ids(client, supervisor, "?kind=suggestion") == suggestions
    assert _ids(client, supervisor, "?kind=proposal") == {handled.member.pk}
    assert _ids(client, supervisor, f"?session={CPPCC_SESSION}") == {handled.member.pk}
    assert _ids(client, supervisor, "?session=没有这次会议") == set()
    assert _ids(client, supervisor, "?status=closing") == {handled.submitted.pk}
    assert _ids(client, supervisor, "?status=in_progress") == {handled.returned.pk}
    assert _ids(client, supervisor, "?status=assigned") == {handled.untouched.pk}
    assert _ids(client, supervisor, "?category=A") == {handled.public.pk, handled.private.pk, handled.embargoed.pk}
    assert _ids(client, supervisor, "?category=B") == {handled.member.pk}
    assert _ids(client, supervisor, "?category=C") == {handled.again.pk}
    assert _ids(client, supervisor, "?kind=suggestion&category=B") == set()
    every = suggestions | {handled.member.pk}
    assert _ids(client, supervisor, "?unit=州教育局") == every  # 主办
    assert _ids(client, supervisor, "?unit=州财政局") == every  # 会办
    assert _ids(client, supervisor, "?unit=州交通运输局") == set()
    combined = _get(client, co_liaison, "/api/proposals?unit=州财政局&category=A&limit=2")  # combined and paged
    assert combined["count"] == 3 and len(combined["items"]) == 2
    data = _get(client, supervisor, "/api/proposals?limit=3&offset=6")
    assert data["count"] == 8 and len(data["items"]) == 2


def test_the_unit_filter_finds_a_matter_by_its_lead_or_its_co_unit(client, government, supervisor):
    from tests.web.test_proposals import _import
    from tests.web.test_proposals_handling import _assign

    _, rows = _import(government, supervisor)
    by_number = {p.number: p for p in rows}
    for p in rows:
        _assign(p, supervisor, government, None)
    # the list: 1 州教育局 + 州财政局; 7 州人社局 + 州教育局; 3 州卫健委 + 州医保局
    assert _ids(client, supervisor, "?unit=州教育局") == {by_number["1"].pk, by_number["7"].pk}
    assert _ids(client, supervisor, "?unit=州财政局") == {by_number["1"].pk}
    assert _ids(client, supervisor, "?unit=州医保局") == {by_number["3"].pk}


def test_malformed_filters_get_a_clear_4xx(client, handled, supervisor, liaison):
    for query in (
        "?kind=flying",
        "?status=done",
        "?category=D",
        "?category=a",
        "?limit=0",
        "?limit=abc",
        "?offset=-1",
        "?offset=99999999999999999999",
        "?session=" + "长" * 101,
    ):
        response = call(client, "get", f"/api/proposals{query}", supervisor)
        assert response.status_code == 422, (query, response.status_code)
        assert response.json()["detail"] == "请求数据无效"
    response = call(client, "get", "/api/proposals?unit=不存在局", liaison)
    assert response.status_code == 400 and "不存在局" in response.json()["detail"]
    assert call(client, "get", "/api/proposals/abc", supervisor).status_code in (404, 422)
    assert call(client, "get", "/api/proposals?session=%00", supervisor).status_code == 400
    assert client.get("/api/proposals").status_code == 401


def test_the_openapi_document_describes_the_proposals(client, db):
    doc = client.get("/api/openapi.json").json()
    params = {p["name"] for p in doc["paths"]["/api/proposals"]["get"]["parameters"]}
    assert {"kind", "session", "status", "unit", "category", "limit", "offset"} <= params
    assert set(doc["paths"]["/api/proposals/{proposal_id}"]) == {"get"}
    detail = doc["components"]["schemas"]["ProposalDetail"]["properties"]
    for name in ("part", "number_label", "round", "key", "complex", "assigned_on", "deadline", "status"):
        assert name in detail, name
    for name in ("lead_unit", "co_units", "leader", "replies", "opinions", "contacts", "commitments", "verdicts"):
        assert name in detail, name
