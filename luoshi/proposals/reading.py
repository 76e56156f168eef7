"""Reading a list of suggestions or proposals (.xlsx or .csv) into rows of strings, keyed by field.

No writes and no rules beyond the file's shape: ``actions.plan_intake`` judges the rows."""

from __future__ import annotations

import csv
import io

from luoshi.errors import ActionError
from luoshi.text import InputError
from luoshi.text.readers import cell_text, decode_bytes, read_sheet

READABLE_SUFFIXES = (".xlsx", ".csv")

# Each field and the column titles lists use for it (compared without spaces).
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("编号", "号", "序号", "建议号", "提案号", "案号", "建议编号", "提案编号"),
    "kind": ("类别", "类型", "种类"),
    "title": ("标题", "案由", "题目", "建议标题", "提案标题"),
    "lead_author": ("领衔人", "领衔代表", "领衔委员", "提出人", "提案人", "第一提案人"),
    "co_signers": ("附议人", "附议代表", "附议委员", "联名人"),
    "group": ("代表团/界别", "代表团", "界别", "代表团(界别)", "所属代表团", "所属界别", "代表团界别"),
    "content": ("内容", "正文", "建议内容", "提案内容"),
    "proposed_units": ("建议承办单位", "承办单位", "拟承办单位", "建议办理单位", "办理单位"),
}
REQUIRED = ("number", "title")
LABELS = {"number": "编号", "title": "标题(案由)"}


def _field_of(title: str) -> str | None:
    title = "".join(title.split()).replace("（", "(").replace("）", ")").replace("／", "/")
    for name, variants in HEADERS.items():
        if title in variants:
            return name
    return None


def read_list(data: bytes, filename: str) -> list[dict]:
    """The data rows of the list, each a dict of field → string with ``_row`` (the line in the file);
    ActionError with a Chinese line when the file cannot be read as such a list."""
    name = (filename or "").lower()
    if not name.endswith(READABLE_SUFFIXES):
        raise ActionError("只支持 .xlsx 或 .csv 格式的建议提案清单")
    if not data.strip():
        raise ActionError("上传的文件是空的")
    table = _xlsx(data) if name.endswith(".xlsx") else _csv(data)
    header = next(table, None)
    if header is None:
        raise ActionError("上传的文件是空的")
    fields = [_field_of(str(c or "")) for c in header]
    missing = [LABELS[f] for f in REQUIRED if f not in fields]
    if missing:
        raise ActionError(f"表头缺少 {'、'.join(missing)} 列: 第一行应为编号、类别、标题、领衔人等列名")
    rows = []
    for line, values in enumerate(table, start=2):
        cells = [cell_text(v) for v in values]
        if not any(cells):
            continue
        row: dict = {"_row": line}
        for field, value in zip(fields, cells, strict=False):
            if field is not None and field not in row:
                row[field] = value
        rows.append(row)
    if not rows:
        raise ActionError("清单中没有任何建议或提案")
    return rows


def _xlsx(data: bytes):
    try:
        return iter(read_sheet(data))
    except InputError as exc:
        raise ActionError("无法读取该文件: 请上传 Excel (.xlsx) 或 CSV 格式的清单") from exc


def _csv(data: bytes):
    if b"\x00" in data:
        raise ActionError("这不是文本格式的 CSV 文件: 请上传 UTF-8 或 GB18030 编码的 .csv,或 .xlsx 清单")
    try:
        text = decode_bytes(data, "清单")
    except InputError as exc:
        raise ActionError("无法识别文件编码: 请将清单另存为 UTF-8 或 GB18030 编码的 .csv") from exc
    return iter(list(csv.reader(io.StringIO(text))))
