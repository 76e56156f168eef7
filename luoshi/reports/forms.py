from __future__ import annotations

import datetime

from django import forms


class ImportForm(forms.Form):
    upload = forms.FileField(label="报告文件 (.txt .docx .pdf)", required=False)
    text = forms.CharField(label="或粘贴报告全文", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": datetime.date.today().year})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not data.get("upload") and not (data.get("text") or "").strip():
            raise forms.ValidationError("请上传报告文件或粘贴报告全文")
        return data


class SpreadsheetForm(forms.Form):
    upload = forms.FileField(label="分工方案 (.xlsx)")


class UnitCatalogForm(forms.Form):
    upload = forms.FileField(label="单位目录 (.csv 或 .xlsx, 列: name, short_name, kind, aliases)")
