"""Uploads (issue 17): every spreadsheet import and the unit catalog get the report upload's size limit and
its zip-bomb guard (``readers.check_zip``, before anything opens the file): a Chinese message, nothing saved."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.accounts.models import Unit
from luoshi.projects.models import Project
from luoshi.proposals.models import Proposal
from luoshi.tasks.models import Task
from luoshi.text import InputError
from luoshi.text.readers import MAX_ZIP_ENTRIES, check_zip, read_docx_bytes, read_sheet

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def bomb_xlsx(unpacked_mb: int = 40) -> bytes:
    """An .xlsx-shaped zip whose one sheet unpacks ~1000 times larger than it is packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (unpacked_mb * 1024 * 1024))
    return out.getvalue()


def many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(MAX_ZIP_ENTRIES + 1):
            z.writestr(f"xl/m{i}.xml", "")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = bomb_xlsx()
    assert len(data) < 200 * 1024  # small on the wire
    return data


@pytest.fixture
def unopened(monkeypatch):
    """Opening the workbook fails the test: the guard must refuse it first (so removing it is seen)."""
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)


def test_the_one_guard_refuses_a_bomb_before_any_reader_opens_it(bomb, unopened):
    for data in (bomb, many_members()):
        with pytest.raises(InputError, match="疑似压缩炸弹"):
            check_zip(data, "清单")
        with pytest.raises(InputError, match="疑似压缩炸弹"):
            read_sheet(data, "清单")
    docx_bomb = bomb.replace(b"xl/workbook.xml", b"word/document.x")  # same sizes, the Word part's name
    with pytest.raises(InputError):
        read_docx_bytes(docx_bomb, "报告")


def _page(response) -> str:
    return response.content.decode()


def test_the_ledger_spreadsheet_import_refuses_a_bomb(unopened, client_for, supervisor, report, education_task, bomb):
    before = list(Task.objects.values_list("pk", "version"))
    response = client_for(supervisor).post(
        f"/reports/{report.pk}/spreadsheet/", {"upload": SimpleUploadedFile("分工方案.xlsx", bomb)}
    )
    assert "无法读取该文件" in _page(response)
    assert "token" not in response.context or not response.context["token"]
    assert list(Task.objects.values_list("pk", "version")) == before


def test_the_proposals_list_import_refuses_a_bomb(unopened, client_for, supervisor, bomb):
    response = client_for(supervisor).post(
        "/proposals/import/",
        {"upload": SimpleUploadedFile("建议清单.xlsx", bomb), "session": "第三次会议", "year": 2026, "kind": ""},
    )
    assert response.status_code == 400 and "无法读取该文件" in _page(response)
    assert not Proposal.objects.exists()


def test_the_projects_list_import_refuses_a_bomb(unopened, client_for, supervisor, bomb):
    response = client_for(supervisor).post(
        "/projects/import/", {"upload": SimpleUploadedFile("项目清单.xlsx", bomb), "year": 2026}
    )
    assert response.status_code == 400 and "无法读取该文件" in _page(response)
    assert not Project.objects.exists()


def test_the_unit_catalog_refuses_a_bomb(unopened, client_for, supervisor, government, bomb):
    before = Unit.objects.count()
    response = client_for(supervisor).post("/units/", {"upload": SimpleUploadedFile("units.xlsx", bomb)})
    assert response.status_code == 400 and "无法读取该 Excel 文件" in _page(response)
    assert Unit.objects.count() == before


def test_the_unit_catalog_has_the_upload_size_limit(client_for, supervisor, government, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 100
    before = Unit.objects.count()
    csv = "name,short_name,kind,aliases\n" + "某某局,某某局,department,\n" * 10
    response = client_for(supervisor).post("/units/", {"upload": SimpleUploadedFile("units.csv", csv.encode())})
    assert response.status_code == 400 and "文件超过大小上限" in _page(response)
    assert Unit.objects.count() == before
