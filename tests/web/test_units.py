"""The unit catalog of a government, imported from CSV or Excel."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from luoshi.accounts.models import Government, Unit


def test_catalog_csv_adds_and_updates_units_by_short_name(client_for, supervisor, government):
    csv = "name,short_name,kind,aliases\n海西州教育局,州教育局,department,教育局\n海西州新设局,州新设局,department,\n"
    response = client_for(supervisor).post("/units/", {"upload": SimpleUploadedFile("units.csv", csv.encode())})
    assert response.status_code == 302
    assert Unit.objects.get(government=government, short_name="州教育局").aliases == "教育局"
    assert Unit.objects.filter(government=government, short_name="州新设局").exists()


def test_catalog_xlsx_is_accepted(client_for, supervisor, government):
    wb = Workbook()
    wb.active.append(["name", "short_name", "kind", "aliases"])
    wb.active.append(["冷湖行政委员会", "冷湖行委", "government", "冷湖"])
    data = io.BytesIO()
    wb.save(data)
    response = client_for(supervisor).post("/units/", {"upload": SimpleUploadedFile("units.xlsx", data.getvalue())})
    assert response.status_code == 302
    unit = Unit.objects.get(government=government, short_name="冷湖行委")
    assert unit.kind == "government" and unit.represents.parent == government


def test_sample_catalog_links_subordinate_governments(government):
    subordinate = Government.objects.get(name="格尔木市人民政府")
    assert subordinate.parent == government
    assert Unit.objects.get(government=government, short_name="格尔木市").represents == subordinate


def test_a_bad_catalog_gets_a_message_and_changes_nothing(client_for, supervisor, government):
    before = Unit.objects.count()
    for name, data in (("units.csv", b"foo,bar\n1,2\n"), ("units.txt", b"x"), ("units.xlsx", b"nope")):
        response = client_for(supervisor).post("/units/", {"upload": SimpleUploadedFile(name, data)})
        assert response.status_code == 400, name
    assert Unit.objects.count() == before


def test_unit_page_lists_the_catalog(client_for, supervisor, government):
    page = client_for(supervisor).get("/units/")
    assert page.status_code == 200 and "州交通运输局" in page.content.decode()
