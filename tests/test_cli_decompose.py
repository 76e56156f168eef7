"""`luoshi decompose` on the sample: each output format, a unit catalog, stdin, and safe -o."""

from __future__ import annotations

import io
import json
import sys

from openpyxl import load_workbook

from luoshi.cli import main
from luoshi.formats import XLSX_HEADERS


def run(capsys, argv: list[str]) -> str:
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 0, err
    assert err == ""
    return out


def task_texts(data: dict) -> list[str]:
    return [
        task["text"]
        for part in data["parts"]
        for section in part["sections"]
        for theme in section["themes"]
        for task in theme["tasks"]
    ]


def test_json_goes_to_stdout_by_default(capsys, sample_path):
    data = json.loads(run(capsys, ["decompose", str(sample_path)]))
    assert {"title", "year", "parts", "targets", "dropped", "warnings"} <= data.keys()
    assert task_texts(data)


def test_year_option_sets_the_year(capsys, sample_path):
    data = json.loads(run(capsys, ["decompose", str(sample_path), "--year", "2031"]))
    assert data["year"] == 2031


def test_markdown_to_stdout_lists_every_task(capsys, sample_path):
    texts = task_texts(json.loads(run(capsys, ["decompose", str(sample_path)])))
    markdown = run(capsys, ["decompose", str(sample_path), "--format", "markdown"])
    assert markdown.startswith("# ")
    plain = markdown.replace("\\", "")
    assert all(text in plain for text in texts)


def test_xlsx_is_written_with_dash_o(capsys, sample_path, tmp_path):
    texts = task_texts(json.loads(run(capsys, ["decompose", str(sample_path)])))
    out = tmp_path / "分工方案.xlsx"
    assert run(capsys, ["decompose", str(sample_path), "-o", str(out)]) == ""
    sheet = load_workbook(out).active
    assert tuple(cell.value for cell in sheet[1]) == XLSX_HEADERS
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == texts
    assert not (tmp_path / "分工方案.xlsx.part").exists()


def test_xlsx_goes_to_a_piped_stdout(capsysbinary, sample_path):
    assert main(["decompose", str(sample_path), "--format", "xlsx"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"PK\x03\x04")


def test_output_format_follows_the_file_name(capsys, sample_path, tmp_path):
    out = tmp_path / "tasks.md"
    run(capsys, ["decompose", str(sample_path), "-o", str(out)])
    assert out.read_text(encoding="utf-8").startswith("# ")


def test_units_catalog_resolves_places_and_suggests_leads(capsys, sample_path, sample_catalog_path):
    data = json.loads(run(capsys, ["decompose", str(sample_path), "--units", str(sample_catalog_path)]))
    tasks = [t for p in data["parts"] for s in p["sections"] for th in s["themes"] for t in th["tasks"]]
    assert any(task["leads"] for task in tasks)
    education = next(t for t in tasks if t["text"].startswith("认真做好茫崖市、大柴旦行委"))
    assert {"茫崖市", "大柴旦行委"} <= set(education["places"])


def test_stdin_dash_gives_the_same_result_as_the_file(capsys, monkeypatch, sample_path, sample_text):
    from_file = run(capsys, ["decompose", str(sample_path)])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(sample_text.encode("gb18030"))))
    assert run(capsys, ["decompose", "-"]) == from_file


def test_refused_input_leaves_no_output_file(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out.json"
    assert main(["decompose", str(empty), "-o", str(out)]) == 2
    assert capsys.readouterr().err.startswith("luoshi: ")
    assert list(tmp_path.iterdir()) == [empty]


def test_refused_input_keeps_an_earlier_output_file(capsys, sample_path, tmp_path):
    out = tmp_path / "out.json"
    run(capsys, ["decompose", str(sample_path), "-o", str(out)])
    before = out.read_bytes()
    assert main(["decompose", str(tmp_path / "missing.txt"), "-o", str(out)]) == 2
    capsys.readouterr()
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
