"""The project list's import through its page (dry run, then all or nothing), every bad input named per row
in Chinese with nothing saved, exact money from a workbook (a float-looking 1200.005 refused), and the two
exports: they open with openpyxl, their amounts are Decimal-exact, a text starting with "=" stays text, and
each role exports only what it may read."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.errors import ActionError
from luoshi.projects import actions, reading
from luoshi.projects.models import DEFAULT_SOURCES, BudgetLine, Evaluation, Project, Stage
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task

DATA = Path(__file__).resolve().parent.parent / "data"
GOOD = (DATA / "projects-2026.csv").read_bytes()
BAD = (DATA / "projects-2026-bad.csv").read_bytes()
M = Decimal


def upload(client, data: bytes, name: str, year: int = 2026):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("project_import"), {"upload": SimpleUploadedFile(name, data), "year": year})


def confirm(client, response):
    return client.post(reverse("project_import"), {"stash": response.context["stash_id"]})


def rows_of(data: bytes, name: str = "list.csv") -> list[dict]:
    return reading.read_list(data, name, list(DEFAULT_SOURCES))


# ------------------------------------------------------------------------------------------------ the import


def test_a_list_is_previewed_then_imported_whole(client_for, supervisor):
    client = client_for(supervisor)
    assert client.get(reverse("project_import")).status_code == 200
    preview = upload(client, GOOD, "projects-2026.csv")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "确认导入 3 个项目" in page and "总投资 9200.50 万元" in page
    assert not Project.objects.exists()  # a dry run writes nothing
    done = confirm(client, preview)
    assert done.status_code == 302
    projects = {p.title: p for p in Project.objects.select_related("task")}
    assert set(projects) == {"新建城区公办幼儿园三所", "牧区卫生院提升改造", "城区老旧供热管网改造"}
    kindergarten = projects["新建城区公办幼儿园三所"]
    assert kindergarten.budget == M("3000.00") and kindergarten.task.lead_unit.short_name == "州教育局"
    assert {u.short_name for u in kindergarten.places.all()} == {"德令哈市", "格尔木市"}
    assert {u.short_name for u in kindergarten.task.co_units.all()} == {"州财政局", "州住建局"}
    lines = {b.source.name: b.amount for b in BudgetLine.objects.filter(project=kindergarten)}
    assert lines == {"中央": M("1200.00"), "省级": M("800.00"), "州(市)级": M("1000.00")}
    assert [(s.name, s.planned) for s in kindergarten.stages.all()][1] == ("开工", datetime.date(2026, 4, 30))
    clinic = projects["牧区卫生院提升改造"]
    assert clinic.budget == M("1200.50") and clinic.task.deadline == datetime.date(2026, 11, 30)
    assert clinic.stages.count() == 5  # the default stages over its span
    heating = projects["城区老旧供热管网改造"]
    assert heating.start == datetime.date(2026, 3, 1) and heating.task.deadline == datetime.date(2026, 12, 31)
    assert {t.status for t in Task.objects.filter(report__source="projects")} == {"draft"}
    # the stash is gone: confirming again imports nothing more
    again = client.post(reverse("project_import"), {"stash": preview.context["stash_id"]})
    assert again.status_code == 302 and Project.objects.count() == 3


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (2, r"各资金来源合计 2000.00 万元与总投资 3000.00 万元不一致"),
        (3, "省级资金不能为负数"),
        (4, "中央资金“五千”不是数字"),
        (5, "实施地“火星县”不在本级单位目录中"),
        (6, "节点“前期”的计划时间 2026-02-01 早于项目开始日期 2026-03-01"),
        (7, "缺少项目名称"),
        (8, "项目名称“城区养老服务中心”在清单中重复 (与第6行)"),
    ],
)
def test_each_bad_row_is_named_in_chinese_and_nothing_is_saved(client_for, supervisor, line, said):
    client = client_for(supervisor)
    preview = upload(client, BAD, "bad.csv")
    assert preview.status_code == 200
    errors = preview.context["planned"].errors
    assert f"第{line}行: {said}" in errors, errors
    assert "确认导入" not in preview.content.decode()
    assert f"第{line}行" in preview.content.decode()
    refused = confirm(client, preview)  # a forged confirmation of a bad list
    assert refused.status_code == 400 and "未导入任何内容" in refused.content.decode()
    assert not Project.objects.exists() and not Task.objects.exists() and not BudgetLine.objects.exists()


def workbook(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "项目名称", "牵头单位", "实施地", "总投资(万元)", "中央资金(万元)", "省级"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_float_looking_cell_is_refused_not_rounded(government, supervisor):
    data = workbook([[1, "牧区卫生院提升改造", "州卫健委", "乌兰县", 1200.005, 1200.005, None]])
    rows = rows_of(data, "list.xlsx")
    assert rows[0]["budget"] == "1200.005"  # the cell's exact text, never a float
    planned = actions.plan_import(government, rows, 2026)
    assert "第2行: 总投资最多保留两位小数 (万元)" in planned.errors
    with pytest.raises(ActionError, match="未导入任何内容"):
        actions.apply_import(government, supervisor, rows, 2026)
    assert not Project.objects.exists()


def test_number_cells_of_a_workbook_are_read_exactly(government, supervisor):
    data = workbook([[1, "牧区卫生院提升改造", "州卫健委", "乌兰县", 1200.1, 1000, 200.1]])
    (project,) = actions.apply_import(government, supervisor, rows_of(data, "list.xlsx"), 2026)
    assert project.budget == M("1200.10")
    assert {b.source.name: b.amount for b in project.budget_lines.all()} == {"中央": M("1000.00"), "省级": M("200.10")}


def test_a_title_already_among_the_years_projects_is_refused(government, supervisor):
    actions.apply_import(government, supervisor, rows_of(GOOD), 2026)
    planned = actions.plan_import(government, rows_of(GOOD), 2026)
    assert "第2行: 项目“新建城区公办幼儿园三所”已在2026年民生实事项目中" in planned.errors
    assert Project.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"", "list.csv", "上传的文件是空的"),
        (b"\x00\x01\x02binary\xff\xfe", "list.csv", "不是文本格式的 CSV"),
        ("项目名称,总投资(万元),中央\n幼儿园,1,1\n".encode("utf-16-le"), "list.csv", "不是文本格式的 CSV"),
        (bytes(range(128, 256)) * 3, "list.csv", "无法识别文件编码"),
        (b"PK\x03\x04 broken", "list.xlsx", "无法读取该文件"),
        (b"just words", "list.docx", "只支持 .xlsx 或 .csv"),
        ("名称,金额\n幼儿园,1\n".encode(), "list.csv", "表头缺少 总投资(万元) 列"),
    ],
)
def test_a_bad_file_gets_a_chinese_message(client_for, supervisor, data, name, said):
    response = upload(client_for(supervisor), data, name)
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Project.objects.exists()


def test_a_file_over_the_limit_is_refused(client_for, supervisor, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 100
    response = upload(client_for(supervisor), GOOD, "projects-2026.csv")
    assert response.status_code == 400 and "文件超过大小上限" in response.context["error"]


def test_only_the_office_may_import(client_for, liaison, leader):
    for user in (liaison, leader):
        assert client_for(user).get(reverse("project_import")).status_code == 404
        assert upload(client_for(user), GOOD, "projects-2026.csv").status_code == 404
    assert not Project.objects.exists()


# ------------------------------------------------------------------------------------------------ exports


@pytest.fixture
def mid_year():
    """The exports are read on 2026-06-30 (Beijing time)."""
    import time_machine

    from tests.web.tracking_helpers import bj

    with time_machine.travel(bj(2026, 6, 30), tick=False):
        yield


@pytest.fixture
def imported(mid_year, government, supervisor, leader):
    """The sample list imported and published; the kindergarten with its 绩效目标表 and a content "=…"."""
    from tests.web.test_projects import INDICATORS
    from tests.web.tracking_helpers import bj

    projects = actions.apply_import(government, supervisor, rows_of(GOOD), 2026)
    kindergarten = projects[0]
    actions.set_indicators(kindergarten.pk, supervisor, INDICATORS)
    Project.objects.filter(pk=kindergarten.pk).update(content='=HYPERLINK("http://evil.example","x")')
    report = projects[0].task.report
    for project in projects:
        task = Task.objects.get(pk=project.task_id)
        task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader, "cycle": "monthly"})
    task_actions.publish(report, supervisor, [p.task_id for p in projects], at=bj(2026, 1, 5))
    return projects


def _report(project, liaison, supervisor):
    from luoshi.tracking import actions as tracking
    from tests.web.tracking_helpers import bj

    tracking.acknowledge(project.task_id, liaison, at=bj(2026, 1, 6))
    first = project.indicators.first()
    stage = Stage.objects.get(project=project, name="前期")
    report, _ = actions.report_period(
        project.pk,
        liaison,
        period="2026-02",
        percent=10,
        narrative="前期完成",
        received="1200.01",
        disbursed="1000.10",
        spent="900.99",
        indicators={first.pk: "300"},
        stages_done={stage.pk: datetime.date(2026, 2, 20)},
        at=bj(2026, 2, 25),
    )
    tracking.review_report(report.pk, supervisor, decision="accepted")
    return report


def cells(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in ws.iter_rows()]


def test_the_project_list_export_is_exact_and_safe(client_for, supervisor, liaison, imported):
    _report(imported[0], liaison, supervisor)
    response = client_for(supervisor).get(reverse("project_export", args=[2026]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = cells(response.content)
    header = [c.value for c in rows[0]]
    by_title = {row[1].value: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_title) == {p.title for p in imported}
    row = by_title["新建城区公办幼儿园三所"]
    assert row["总投资(万元)"].value == 3000 and row["总投资(万元)"].number_format == "0.00"
    assert row["中央(万元)"].value == 1200 and row["县级(万元)"].value == 0
    assert Decimal(str(row["累计到位(万元)"].value)) == M("1200.01")
    assert Decimal(str(row["累计拨付(万元)"].value)) == M("1000.10")
    assert Decimal(str(row["累计支出(万元)"].value)) == M("900.99")
    assert row["支出进度(%)"].value == 30 and row["形象进度(%)"].value == 10
    assert row["实施地"].value == "格尔木市、德令哈市"  # in the catalog's order
    content = row["建设内容"]
    assert content.data_type == "s" and content.value.startswith("=HYPERLINK")  # text, not a formula
    clinic = by_title["牧区卫生院提升改造"]
    assert Decimal(str(clinic["总投资(万元)"].value)) == M("1200.50")
    assert b"<f>" not in _sheet_xml(response.content)


def _sheet_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml")


def test_the_performance_table_lists_indicators_with_actuals_and_score(client_for, supervisor, liaison, imported):
    project = imported[0]
    _report(project, liaison, supervisor)
    actions.evaluate(
        project.pk, liaison, explanations={i.pk: "按计划推进" for i in project.indicators.all()}, submit=True
    )
    response = client_for(supervisor).get(reverse("performance_export", args=[2026]))
    assert response.status_code == 200
    rows = cells(response.content)
    header = [c.value for c in rows[0]]
    lines = [{h: c.value for h, c in zip(header, row, strict=True)} for row in rows[1:]]
    assert [line["三级指标"] for line in lines] == ["新增学位", "竣工时间", "入园率", "家长满意度"]
    first = lines[0]
    assert first["一级指标"] == "产出指标" and first["二级指标"] == "数量指标" and first["指标值"] == "≥900个"
    assert first["最新完成值"] == 300 and first["完成值报送日期"] == "2026-02-25"
    evaluation = Evaluation.objects.get(project=project)
    assert Decimal(str(first["项目自评得分"])) == evaluation.total and first["自评等级"] == evaluation.grade
    assert lines[1]["最新完成值"] is None


def test_each_role_exports_what_it_may_read(client_for, supervisor, liaison, co_liaison, outsider, leader, imported):
    def titles(user, name="project_export"):
        response = client_for(user).get(reverse(name, args=[2026]))
        if response.status_code == 404:
            return None
        return {row[1].value for row in cells(response.content)[1:]}

    everything = {p.title for p in imported}
    assert titles(supervisor) == titles(leader) == everything
    assert titles(liaison) == {"新建城区公办幼儿园三所"}
    assert titles(co_liaison) == {"新建城区公办幼儿园三所", "牧区卫生院提升改造"}  # 州财政局 as co-unit
    assert titles(outsider) is None and titles(outsider, "performance_export") is None
    assert client_for(supervisor).get(reverse("project_export", args=[2025])).status_code == 404


def test_exports_need_a_login(client):
    response = client.get(reverse("project_export", args=[2026]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
