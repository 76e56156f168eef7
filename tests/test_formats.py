"""The output formats: JSON as in docs/architecture.md (Contracts), Markdown for reading, the Excel 分工方案 table."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from luoshi.formats import XLSX_HEADERS, render
from luoshi.text.model import Document, Part, Section, Suggestion, Target, Task, Theme
from luoshi.text.pipeline import decompose

EDUCATION_TASK = "加快建设高质量教育体系,加强优质教育资源供给。"
PLACE_TASK = "认真做好茫崖市、大柴旦行委义务教育优质均衡发展督导评估认定工作。"
TARGET_TASK = "开展科技企业“量质双升”行动和企业科技体检,新增高新技术企业、科技型企业3家以上。"
ONGOING_TASK = "常态化开展安全生产隐患排查整治。"
FORMULA_TASK = "=1+1"


@pytest.fixture
def document() -> Document:
    target = Target(
        kind="numeric",
        text="新增高新技术企业、科技型企业3家以上",
        metric="新增高新技术企业、科技型企业",
        comparator=">=",
        value=3,
        unit="家",
    )
    education = Theme(
        title="深入推进教育高质量发展",
        span=(100, 111),
        tasks=(
            Task(
                code="2.5.1.1",
                text=EDUCATION_TASK,
                span=(112, 135),
                leads=(Suggestion("州教育局", 0.92, ("教育",)),),
            ),
            Task(
                code="2.5.1.2",
                text=PLACE_TASK,
                span=(136, 168),
                places=("茫崖市", "大柴旦行委"),
                leads=(Suggestion("州教育局", 0.9, ("教育",)),),
                co_units=(
                    Suggestion("茫崖市", 0.5, ("地名: 茫崖市",)),
                    Suggestion("大柴旦行委", 0.5, ("地名: 大柴旦行委",)),
                ),
            ),
        ),
    )
    science = Theme(
        title="提升科技创新水平",
        span=(170, 178),
        tasks=(
            Task(
                code="2.5.2.1",
                text=TARGET_TASK,
                span=(179, 220),
                targets=(target,),
                leads=(Suggestion("州科技局", 0.8, ("科技",)),),
            ),
            Task(code="2.5.2.2", text=ONGOING_TASK, span=(221, 236), ongoing=True),
            Task(code="2.5.2.3", text=FORMULA_TASK, span=(237, 241)),
        ),
    )
    section = Section(
        number="五",
        title="深入实施教育科技人才发展战略",
        guidance=("坚持教育优先发展、科技自立自强、人才引领驱动。",),
        themes=(education, science),
    )
    plan = Part(number="二", title="2023年工作安排", kind="plan", sections=(section,))
    self_part = Part(number="三", title="加强政府自身建设", kind="self")
    return Document(
        title="政府工作报告",
        year=2023,
        parts=(plan, self_part),
        text="",
        targets=(Target(kind="numeric", text="地区生产总值增长5%左右", comparator="~", value=5, unit="%"),),
        dropped=("(上接三版)", "柴达木日报 宣"),
        warnings=("第二部分的标题在上一版",),
    )


def all_task_texts(document: Document) -> list[str]:
    return [task.text for *_, task in document.tasks()]


# --- json ---------------------------------------------------------------------------------------


def test_json_has_the_shape_of_the_design_contract(document):
    data = json.loads(render(document, "json").decode("utf-8"))
    assert {"title", "year", "parts", "targets", "dropped", "warnings"} <= data.keys()
    assert data["title"] == "政府工作报告"
    assert data["year"] == 2023
    part = data["parts"][0]
    assert {"number", "title", "kind", "sections"} <= part.keys()
    section = part["sections"][0]
    assert {"number", "title", "guidance", "themes"} <= section.keys()
    theme = section["themes"][0]
    assert {"title", "tasks"} <= theme.keys()
    task = data["parts"][0]["sections"][0]["themes"][1]["tasks"][0]
    assert {"code", "text", "span", "places", "targets", "leads", "co_units"} <= task.keys()
    assert task["targets"][0] == {
        "kind": "numeric",
        "metric": "新增高新技术企业、科技型企业",
        "comparator": ">=",
        "value": 3,
        "unit": "家",
        "text": "新增高新技术企业、科技型企业3家以上",
    }
    assert data["parts"][0]["sections"][0]["themes"][0]["tasks"][0]["leads"] == [
        {"unit": "州教育局", "score": 0.92, "reasons": ["教育"]}
    ]


def test_json_round_trips_to_the_documents_dict(document):
    assert json.loads(render(document, "json")) == document.to_dict()


def test_json_keeps_chinese_readable_and_ends_with_a_newline(document):
    data = render(document, "json")
    assert "深入推进教育高质量发展".encode() in data
    assert b"\\u" not in data
    assert data.endswith(b"\n")


# --- markdown -----------------------------------------------------------------------------------


def test_markdown_contains_every_task_text(document):
    markdown = render(document, "markdown").decode("utf-8")
    for text in all_task_texts(document):
        assert text in markdown.replace("\\", "")


def test_markdown_is_a_tree_of_parts_sections_and_themes(document):
    lines = render(document, "markdown").decode("utf-8").splitlines()
    assert lines[0] == "# 政府工作报告 (2023)"
    assert "## 二、2023年工作安排 (年度工作)" in lines
    assert "## 三、加强政府自身建设 (政府自身建设)" in lines
    assert "### (五) 深入实施教育科技人才发展战略" in lines
    assert "> 坚持教育优先发展、科技自立自强、人才引领驱动。" in lines
    assert "#### 深入推进教育高质量发展" in lines
    assert f"1. `2.5.1.1` {EDUCATION_TASK}" in lines


def test_markdown_shows_targets_places_and_suggested_units_with_scores(document):
    markdown = render(document, "markdown").decode("utf-8")
    assert "- 目标: 新增高新技术企业、科技型企业3家以上 (≥ 3 家)" in markdown
    assert "- 地点: 茫崖市、大柴旦行委" in markdown
    assert "- 建议牵头: 州教育局 (0.92, 教育)" in markdown
    assert "- 建议配合: 茫崖市 (0.50, 地名: 茫崖市)、大柴旦行委 (0.50, 地名: 大柴旦行委)" in markdown
    assert "- 完成时限: 常态化" in markdown


def test_markdown_ends_with_main_targets_dropped_text_and_warnings(document):
    markdown = render(document, "markdown").decode("utf-8")
    targets = markdown.index("## 主要预期目标")
    dropped = markdown.index("## 已剔除的版面内容")
    warnings = markdown.index("## 提示")
    assert markdown.index("#### 提升科技创新水平") < targets < dropped < warnings
    assert "- 地区生产总值增长5%左右 (约 5 %)" in markdown
    assert "- (上接三版)" in markdown


def test_markdown_escapes_markup_in_report_text(document):
    markdown = render(document, "markdown").decode("utf-8")
    assert "`2.5.2.3` =1+1" in markdown
    part = Part(number="一", title="a*b_c", kind="other")
    odd = Document(title="报告", year=None, parts=(part,), text="")
    assert "## 一、a\\*b\\_c (其他)" in render(odd, "markdown").decode("utf-8")


# --- xlsx ---------------------------------------------------------------------------------------


def open_sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_xlsx_header_row_is_the_division_of_work_table(document):
    sheet = open_sheet(render(document, "xlsx"))
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "序号",
        "板块",
        "工作主题",
        "工作任务",
        "目标",
        "牵头单位(建议)",
        "配合单位(建议)",
        "完成时限",
    ]
    assert tuple(header) == XLSX_HEADERS
    assert all(cell.font.bold for cell in sheet[1])


def test_xlsx_has_one_row_per_task_in_document_order(document):
    sheet = open_sheet(render(document, "xlsx"))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(all_task_texts(document))
    assert [row[0] for row in rows] == ["2.5.1.1", "2.5.1.2", "2.5.2.1", "2.5.2.2", "2.5.2.3"]
    assert rows[1] == (
        "2.5.1.2",
        "(五) 深入实施教育科技人才发展战略",
        "深入推进教育高质量发展",
        PLACE_TASK,
        None,
        "州教育局",
        "茫崖市、大柴旦行委",
        "2023-12-31",
    )
    assert rows[2][4] == "新增高新技术企业、科技型企业3家以上"
    assert rows[3][7] == "常态化"


def test_xlsx_leaves_the_deadline_empty_without_a_year(document):
    undated = Document(title=document.title, year=None, parts=document.parts, text="")
    rows = list(open_sheet(render(undated, "xlsx")).iter_rows(min_row=2, values_only=True))
    assert rows[0][7] is None
    assert rows[3][7] == "常态化"


def test_xlsx_is_frozen_below_the_header_filtered_and_readable(document):
    sheet = open_sheet(render(document, "xlsx"))
    assert sheet.title == "分工方案"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H6"
    assert sheet.column_dimensions["D"].width == 60
    for letter in "ABCEFGH":
        assert 10 <= sheet.column_dimensions[letter].width <= 30
    assert sheet["D2"].alignment.wrap_text


def test_xlsx_keeps_a_formula_like_task_as_text(document):
    sheet = open_sheet(render(document, "xlsx"))
    cell = sheet["D6"]
    assert cell.value == "=1+1"
    assert cell.data_type == "s"


def test_xlsx_drops_characters_a_worksheet_cannot_hold(document):
    task = Task(code="1.1.1.1", text="推进\x07工作。", span=(0, 5))
    theme = Theme(title="主题", span=(0, 2), tasks=(task,))
    part = Part(number="一", title="工作", kind="plan", sections=(Section("一", "板块", themes=(theme,)),))
    odd = Document(title="报告", year=2024, parts=(part,), text="")
    assert open_sheet(render(odd, "xlsx"))["D2"].value == "推进工作。"


def test_unknown_format_is_refused(document):
    with pytest.raises(ValueError, match="unknown format"):
        render(document, "csv")


# --- with the engine ----------------------------------------------------------------------------


def test_every_format_carries_every_task_of_the_sample(sample_text):
    document = decompose(sample_text)
    texts = all_task_texts(document)
    assert texts
    markdown = render(document, "markdown").decode("utf-8").replace("\\", "")
    assert all(text in markdown for text in texts)
    rows = list(open_sheet(render(document, "xlsx")).iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in rows] == texts
    data = json.loads(render(document, "json"))
    themes = [theme for part in data["parts"] for section in part["sections"] for theme in section["themes"]]
    assert [task["text"] for theme in themes for task in theme["tasks"]] == texts
