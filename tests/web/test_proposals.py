"""建议提案, first slice: a list of deputies' suggestions is read (.csv or .xlsx), judged in a dry run,
imported whole or not at all as supervised matters with their ``Proposal``, read through the API under
the tasks' access rules, and tracked by the same machinery as any matter."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import time_machine
from openpyxl import Workbook

from luoshi.errors import ActionError
from luoshi.proposals import actions
from luoshi.proposals.models import Proposal
from luoshi.proposals.reading import read_list
from luoshi.reports.models import Source, WorkReport
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Status, Task
from tests.web.test_api import call
from tests.web.tracking_helpers import acknowledge_and_report, bj

LIST = Path(__file__).parent.parent / "data" / "proposals-2026.csv"
SESSION = "海西州第十五届人大第三次会议"
CSV = LIST.read_bytes()


def _rows(data: bytes = CSV, name: str = "建议清单.csv"):
    return read_list(data, name)


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


HEADER = "编号,类别,标题,领衔人,附议人,代表团,内容,建议承办单位"
GOOD = "8,建议,关于完善城乡居民养老保险的建议,冯志刚,,大柴旦代表团,建议提高基础养老金。,州人社局"


def _nothing_saved():
    assert not WorkReport.objects.filter(source=Source.PROPOSALS).exists()
    assert not Task.objects.exists()
    assert not Proposal.objects.exists()


def _import(government, supervisor, data: bytes = CSV):
    return actions.apply_intake(government, supervisor, _rows(data), session=SESSION, year=2026)


def test_the_dry_run_plans_every_row_with_units_and_the_engines_suggestion_and_writes_nothing(government):
    intake = actions.plan_intake(government, _rows(), session=SESSION, year=2026)
    assert intake.errors == []
    assert [p.number for p in intake.plans] == ["1", "2", "3", "4", "5", "6", "7"]
    first = intake.plans[0]
    assert first.kind == Proposal.Kind.SUGGESTION and first.title == "关于加快城区学前教育资源扩容的建议"
    assert first.lead_unit.short_name == "州教育局" and [u.short_name for u in first.co_units] == ["州财政局"]
    assert first.fields["lead_author"] == "王海燕" and first.fields["group"] == "德令哈市代表团"
    leads = first.suggestion["leads"]
    assert leads and leads[0]["unit"] == "州教育局" and leads[0]["reasons"]
    # no 主办 mark: the first unit named leads
    assert intake.plans[2].lead_unit.short_name == "州卫健委"
    assert [u.short_name for u in intake.plans[2].co_units] == ["州医保局"]
    _nothing_saved()


def test_applying_the_list_opens_the_sessions_ledger_with_a_draft_matter_per_row(government, supervisor):
    ledger, proposals = _import(government, supervisor)
    assert ledger.source == Source.PROPOSALS and ledger.year == 2026 and SESSION in ledger.title
    assert len(proposals) == 7
    task = Task.objects.get(report=ledger, code="1")
    assert task.status == Status.DRAFT and task.text == "关于加快城区学前教育资源扩容的建议"
    assert task.deadline is None  # three months from 交办: nothing before it
    assert task.lead_unit.short_name == "州教育局" and task.co_unit_labels() == ["州财政局"]
    assert task.suggestion["leads"][0]["unit"] == "州教育局"
    proposal = task.proposal
    assert proposal.session == SESSION and proposal.co_signers == "李建国、赵敏"
    assert "九百个" in proposal.content and proposal.proposed_units == "州教育局(主办)、州财政局(会办)"

    # a supplementary list of the same session goes into the same ledger
    more = actions.apply_intake(government, supervisor, _rows(_csv([HEADER, GOOD])), session=SESSION, year=2026)
    assert more[0] == ledger and ledger.tasks.count() == 8
    assert Task.objects.get(report=ledger, code="8").position > task.position


def test_the_list_reads_the_same_from_xlsx_gb18030_and_utf8_with_bom():
    expected = _rows()
    wb = Workbook()
    for values in (line.split(",") for line in CSV.decode("utf-8").splitlines()):
        wb.active.append([int(v) if v.isdigit() else v for v in values])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert _rows(buffer.getvalue(), "清单.xlsx") == expected
    assert _rows(CSV.decode("utf-8").encode("gb18030")) == expected
    assert _rows(b"\xef\xbb\xbf" + CSV) == expected


def test_common_header_variants_are_understood(government):
    data = _csv(
        [
            "号,类型,案由,领衔代表,附议代表,界别,正文,承办单位",
            "第3号,人大代表建议,关于修缮县城供热管网的建议,林涛,,乌兰县,管网老化。,州住建局",
        ]
    )
    (row,) = _rows(data)
    assert row["number"] == "第3号" and row["title"] == "关于修缮县城供热管网的建议" and row["group"] == "乌兰县"
    (plan,) = actions.plan_intake(government, [row], session=SESSION, year=2026).plans
    assert plan.errors == [] and plan.number == "3" and plan.kind == Proposal.Kind.SUGGESTION


BAD_ROWS = {
    "duplicate in the file": (
        [GOOD, GOOD.replace("养老保险", "医疗保险")],
        "第4行: 人大代表建议编号“8”在清单中重复 (与第3行)",
    ),
    "missing title": (["9,建议,,冯志刚,,大柴旦代表团,内容,州人社局"], "第3行: 缺少标题(案由)"),
    "wrong kind": (["9,议案,关于某事的建议,冯志刚,,大柴旦代表团,内容,州人社局"], "类别“议案”无效: 应为“建议”或“提案”"),
    "unknown unit": (
        ["9,建议,关于某事的建议,冯志刚,,大柴旦代表团,内容,州人社局、州宇航局"],
        "建议承办单位“州宇航局”不在本级单位目录中",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_is_named_in_the_dry_run_and_nothing_is_half_saved(government, supervisor, case):
    lines, message = BAD_ROWS[case]
    rows = _rows(_csv([HEADER, GOOD.replace("8,", "7,", 1), *lines]))
    intake = actions.plan_intake(government, rows, session=SESSION, year=2026)
    assert any(message in e for e in intake.errors), intake.errors
    with pytest.raises(ActionError, match="未导入任何内容") as refused:
        actions.apply_intake(government, supervisor, rows, session=SESSION, year=2026)
    assert message in str(refused.value)
    _nothing_saved()


def test_a_number_already_in_the_ledger_refuses_the_whole_list(government, supervisor):
    _import(government, supervisor)
    with pytest.raises(ActionError, match=f"{SESSION}人大代表建议第1号已在台账中"):
        actions.apply_intake(
            government, supervisor, _rows(_csv([HEADER, GOOD, GOOD.replace("8,", "1,", 1)])), session=SESSION, year=2026
        )
    assert Task.objects.count() == 7 and Proposal.objects.count() == 7
    # the same number of the other kind, or of another session, is another record
    other = _csv([HEADER, GOOD.replace("8,建议", "1,提案", 1)])
    assert actions.plan_intake(government, _rows(other), session=SESSION, year=2026).errors == []
    assert (
        actions.plan_intake(government, _rows(_csv([HEADER, GOOD])), session="第十五届人大第四次会议", year=2026).errors
        == []
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "清单.csv", "上传的文件是空的"),
        (b"  \n", "清单.csv", "上传的文件是空的"),
        (_csv([HEADER]), "清单.csv", "没有任何建议或提案"),
        (_csv(["甲,乙", "1,2"]), "清单.csv", "表头缺少 编号、标题(案由) 列"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "清单.csv", "这不是文本格式的 CSV 文件"),
        (b"\xff\xfe\xfd\x80\x81", "清单.csv", "无法识别文件编码"),
        (b"PK\x03\x04 not a workbook", "清单.xlsx", "无法读取该文件"),
        (CSV, "清单.pdf", "只支持 .xlsx 或 .csv"),
    ],
)
def test_an_unreadable_file_gets_a_clear_message(data, name, message):
    with pytest.raises(ActionError, match=re.escape(message)):
        read_list(data, name)


def test_the_intake_needs_a_session_and_a_kind(government):
    with pytest.raises(ActionError, match="届次会议"):
        actions.plan_intake(government, _rows(), session=" ", year=2026)
    rows = _rows(_csv(["编号,标题,建议承办单位", "1,关于某事的建议,州人社局"]))
    assert actions.plan_intake(government, rows, session=SESSION, year=2026).errors == [
        "第2行: 缺少类别: 应为“建议”或“提案”"
    ]
    (plan,) = actions.plan_intake(government, rows, session=SESSION, year=2026, kind="suggestion").plans
    assert plan.errors == [] and plan.kind == "suggestion"


@pytest.fixture
def published(government, supervisor, leader):
    """The list imported and handed over (交办) on 5 March 2026, except number 6, still a draft."""
    with time_machine.travel(bj(2026, 3, 5, 9), tick=False):
        ledger, _ = _import(government, supervisor)
        ids = list(ledger.tasks.exclude(code="6").values_list("id", flat=True))
        assert task_actions.publish(ledger, supervisor, ids)["published"] == 6
    return {p.number: p for p in Proposal.objects.select_related("task")}


def _numbers(client, user, query=""):
    response = call(client, "get", f"/api/proposals{query}", user=user)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return sorted((item["number"] for item in body["items"]), key=int)


def test_the_api_lists_each_role_its_proposals(client, published, supervisor, liaison, co_liaison, outsider, leader):
    assert _numbers(client, supervisor) == ["1", "2", "3", "4", "5", "6", "7"]
    assert _numbers(client, leader) == ["1", "2", "3", "4", "5", "7"]  # drafts stay with the office
    assert _numbers(client, liaison) == ["1", "7"]  # 主办 of 1, 会办 of 7
    assert _numbers(client, co_liaison) == ["1"]
    assert _numbers(client, outsider) == ["2"]
    assert _numbers(client, supervisor, "?kind=suggestion&status=draft") == ["6"]
    assert _numbers(client, supervisor, "?kind=proposal") == []
    assert _numbers(client, supervisor, f"?session={SESSION}&unit=州教育局") == ["1", "7"]
    assert _numbers(client, supervisor, "?session=第十五届人大第四次会议") == []
    assert _numbers(client, leader, "?status=assigned&unit=州医保局") == ["3"]


def test_the_api_shows_one_proposal_or_404(client, published, supervisor, liaison, co_liaison, outsider, leader):
    first = published["1"]
    url = f"/api/proposals/{first.pk}"
    for user in (supervisor, liaison, co_liaison, leader):
        response = call(client, "get", url, user=user)
        assert response.status_code == 200
    item = response.json()
    expected = {
        "id": first.pk,
        "task_id": first.task_id,
        "kind": "suggestion",
        "session": SESSION,
        "number": "1",
        "title": "关于加快城区学前教育资源扩容的建议",
        "lead_author": "王海燕",
        "group": "德令哈市代表团",
        "status": "assigned",
        "lead_unit": {"id": first.task.lead_unit_id, "short_name": "州教育局", "name": "海西州教育局"},
        "co_units": [item["co_units"][0] | {"short_name": "州财政局"}],
        "deadline": None,
    }
    assert {key: item[key] for key in expected} == expected
    refused = call(client, "get", url, user=outsider)
    assert refused.status_code == 404 and "王海燕" not in refused.content.decode()
    assert call(client, "get", f"/api/proposals/{published['6'].pk}", user=leader).status_code == 404
    assert call(client, "get", "/api/proposals/999999", user=supervisor).status_code == 404
    assert call(client, "get", url).status_code == 401


def test_an_imported_proposal_is_acknowledged_and_reported_like_any_matter(client, published, liaison, supervisor):
    matter = published["1"].task
    acknowledge_and_report(
        client,
        matter,
        liaison,
        supervisor,
        acknowledged=bj(2026, 3, 6),
        reported=bj(2026, 3, 20),
        period="2026-03",
        percent=20,
        narrative="已与王海燕代表面商,完成两所幼儿园选址。",
    )
    assert matter.status == Status.IN_PROGRESS
    response = call(client, "get", f"/api/proposals/{published['1'].pk}", user=liaison)
    assert response.json()["status"] == "in_progress"
