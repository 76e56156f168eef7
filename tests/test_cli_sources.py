"""`luoshi decompose` on meeting summaries, instructions and rectification lists (.txt, .xlsx, .docx)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from openpyxl import Workbook

from luoshi.cli import main

DATA = Path(__file__).parent / "data" / "sources"


def decompose(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["decompose", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def tasks(data: dict) -> list[dict]:
    return [
        task
        for part in data["parts"]
        for section in part["sections"]
        for theme in section["themes"]
        for task in theme["tasks"]
    ]


def test_kind_meeting_gives_the_kind_the_source_and_the_deadlines(capsys):
    status, out, _ = decompose(capsys, str(DATA / "meeting-numbered.txt"), "--kind", "meeting")
    assert status == 0
    data = json.loads(out)
    assert data["kind"] == "meeting"
    assert data["source"] == {"name": "海西州人民政府常务会议纪要", "number": "〔2026〕5号", "date": "2026-03-16"}
    found = tasks(data)
    assert len(found) == 6
    assert found[0]["deadline"] == "2026-08-20" and found[0]["deadline_text"] == "8月20日前"
    assert found[1]["deadline"] is None and found[1]["deadline_flag"] is True and found[1]["deadline_text"] == "春节前"


def test_auto_recognises_a_rectification_list(capsys):
    status, out, _ = decompose(capsys, str(DATA / "rectification-labelled.txt"))
    assert status == 0 and json.loads(out)["kind"] == "rectification"


def test_named_leads_come_first_with_the_catalog(capsys, sample_catalog_path):
    status, out, _ = decompose(capsys, str(DATA / "instruction-form.txt"), "--units", str(sample_catalog_path))
    assert status == 0
    task = tasks(json.loads(out))[0]
    assert task["leads"][0] == {"unit": "州教育局", "score": 1.0, "reasons": ["原文指定牵头单位"]}
    assert [c["unit"] for c in task["co_units"][:2]] == ["州财政局", "州人社局"]


def _rows() -> tuple[str, list[dict[str, str]]]:
    data = json.loads((DATA / "rectification-rows.json").read_text(encoding="utf-8"))
    return data["title"], data["rows"]


def test_an_xlsx_rectification_list_is_read_as_a_table(capsys, tmp_path):
    title, rows = _rows()
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    headings = list(rows[0])
    sheet.append(headings)
    for row in rows:
        sheet.append([row[h] for h in headings])
    path = tmp_path / "清单.xlsx"
    book.save(path)
    status, out, err = decompose(capsys, str(path), "--year", "2026")
    assert status == 0, err
    data = json.loads(out)
    assert data["kind"] == "rectification" and data["source"] == {"body": "州政府督查组"}
    found = tasks(data)
    assert len(found) == 7
    assert found[0]["leads"][0]["unit"] == "州政务服务监督管理局"
    assert found[1]["deadline"] == "2026-09-30"


def test_a_docx_whose_body_is_a_rectification_table_is_read_as_a_table(capsys, tmp_path):
    import docx

    title, rows = _rows()
    document = docx.Document()
    document.add_paragraph(title)
    headings = list(rows[0])
    table = document.add_table(rows=1, cols=len(headings))
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
    for row in rows[:3]:
        cells = table.add_row().cells
        for cell, heading in zip(cells, headings, strict=True):
            cell.text = row[heading]
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "清单.docx"
    path.write_bytes(buffer.getvalue())
    status, out, err = decompose(capsys, str(path), "--year", "2026")
    assert status == 0, err
    data = json.loads(out)
    assert data["kind"] == "rectification"
    assert [t["leads"][0]["unit"] for t in tasks(data)] == ["州政务服务监督管理局", "州工信局", "州教育局"]


def test_a_meeting_summary_without_decisions_exits_2_with_one_line(capsys, tmp_path):
    path = tmp_path / "纪要.txt"
    path.write_text(
        "海西州人民政府常务会议纪要\n3月12日，州长主持召开常务会议，传达学习有关精神。\n出席：王建国\n",
        encoding="utf-8",
    )
    status, out, err = decompose(capsys, str(path))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "议定事项" in err


def test_an_instruction_without_a_task_exits_2(capsys, tmp_path):
    path = tmp_path / "批示.txt"
    path.write_text(
        "领导批示件\n文件标题：关于经济运行情况的报告\n批示领导：王建国\n批示内容：已阅。\n", encoding="utf-8"
    )
    status, _, err = decompose(capsys, str(path), "--kind", "instruction")
    assert status == 2 and "没有需要办理的事项" in err and err.count("\n") == 1


def test_an_xlsx_missing_its_unit_column_exits_2(capsys, tmp_path):
    book = Workbook()
    book.active.append(["序号", "问题", "整改措施", "整改时限"])
    book.active.append(["1", "台账不全", "补齐台账", "年底前"])
    path = tmp_path / "清单.xlsx"
    book.save(path)
    status, _, err = decompose(capsys, str(path))
    assert status == 2 and "缺少“责任单位”列" in err and err.count("\n") == 1


def test_an_xlsx_as_a_meeting_exits_2(capsys, tmp_path):
    book = Workbook()
    book.active.append(["序号", "问题", "责任单位"])
    path = tmp_path / "表.xlsx"
    book.save(path)
    status, _, err = decompose(capsys, str(path), "--kind", "meeting")
    assert status == 2 and "整改清单" in err
