"""Reading a year's list of livelihood projects with its budget table (.xlsx or .csv) into rows of strings,
keyed by field.

No writes and no rules beyond the file's shape: ``actions.plan_import`` judges the rows. The columns such
a list uses, and the titles each may go by (compared without spaces, full-width brackets as half-width):

========================= ==========================================================================
field                     column titles
========================= ==========================================================================
``position``              序号, 编号
``title``                 项目名称, 项目, 名称, 民生实事项目, 实事项目
``content``               建设内容, 主要内容, 建设内容及规模, 项目内容, 建设规模及内容
``places``                实施地, 实施地点, 建设地点, 项目地点, 实施县(市), 实施区域 (县级单位, 、分隔)
``lead_unit``             牵头单位, 责任单位, 主责单位, 牵头部门
``co_units``              配合单位, 协办单位, 配合部门, 责任配合单位
``start``                 开始日期, 开始时间, 起始日期, 实施开始日期
``deadline``              完成时限, 完成时间, 完成日期, 截止日期, 计划完成时间
``budget``                总投资(万元), 总投资, 投资总额(万元), 计划总投资(万元), 总投资额(万元)
``sources[name]``         one per funding source of the government (``actions.sources``): the name,
                          with or without 资金 and (万元); 中央/省/州(市)/县 also as 中央资金, 省, 省级资金,
                          州级, 市级, 州(市), 县, 县(市)级 …
``stages[name]``          optional, one per default stage (前期, 开工, 主体完工, 竣工验收, 投用): 计划前期,
                          计划前期时间, 前期计划时间, 前期(计划) …
========================= ==========================================================================

Money cells are read exactly: a number cell comes back from openpyxl as an int or a float, and is passed on
as its shortest text (``repr``), so ``1200.005`` stays ``"1200.005"`` and is refused by ``money.amount``
(more than two places) instead of being rounded; nothing here ever turns a cell into a float.
"""

from __future__ import annotations

import csv
import io

from luoshi.errors import ActionError
from luoshi.text import InputError
from luoshi.text.readers import cell_text, decode_bytes, read_sheet

from .models import DEFAULT_STAGES

READABLE_SUFFIXES = (".xlsx", ".csv")

HEADERS: dict[str, tuple[str, ...]] = {
    "position": ("序号", "编号"),
    "title": ("项目名称", "项目", "名称", "民生实事项目", "实事项目"),
    "content": ("建设内容", "主要内容", "建设内容及规模", "项目内容", "建设规模及内容"),
    "places": ("实施地", "实施地点", "建设地点", "项目地点", "实施县(市)", "实施区域"),
    "lead_unit": ("牵头单位", "责任单位", "主责单位", "牵头部门"),
    "co_units": ("配合单位", "协办单位", "配合部门", "责任配合单位"),
    "start": ("开始日期", "开始时间", "起始日期", "实施开始日期"),
    "deadline": ("完成时限", "完成时间", "完成日期", "截止日期", "计划完成时间"),
    "budget": ("总投资(万元)", "总投资", "投资总额(万元)", "投资总额", "计划总投资(万元)", "总投资额(万元)"),
}
REQUIRED = ("title", "budget")
LABELS = {"title": "项目名称", "budget": "总投资(万元)"}
# Other names of the default funding sources (besides the name itself, 「…资金」 and 「…(万元)」).
SOURCE_ALIASES: dict[str, tuple[str, ...]] = {
    "中央": ("中央预算内", "中央财政", "中央补助"),
    "省级": ("省", "省级财政", "省级补助"),
    "州(市)级": ("州级", "市级", "州(市)", "州市级", "州市", "州本级", "州级财政"),
    "县级": ("县", "县(市)级", "县(市)", "县级配套", "县级财政"),
    "社会资本": ("社会投资", "企业自筹", "社会资金"),
    "其他": ("其它", "其他来源"),
}
STAGE_NAMES = [name for name, _ in DEFAULT_STAGES]


def normal(title: str) -> str:
    """A column title as compared: no spaces, half-width brackets and slashes."""
    return "".join(str(title).split()).replace("（", "(").replace("）", ")").replace("／", "/")


def _source_titles(name: str) -> set[str]:
    titles = set()
    for base in (name, *SOURCE_ALIASES.get(name, ())):
        base = normal(base)
        for word in (base, base + "资金"):
            titles |= {word, word + "(万元)", word + "(万)"}
    return titles


def _stage_titles(name: str) -> set[str]:
    return {
        f"计划{name}",
        f"计划{name}时间",
        f"计划{name}日期",
        f"{name}计划",
        f"{name}计划时间",
        f"{name}计划日期",
        f"{name}(计划)",
        f"{name}(计划时间)",
    }


def column_of(title: str, source_names: list[str]) -> tuple[str, str] | None:
    """(field, key) of a column title: key is the source or stage name for those columns, else ""."""
    title = normal(title)
    if not title:
        return None
    for name, variants in HEADERS.items():
        if title in {normal(v) for v in variants}:
            return name, ""
    for source in source_names:
        if title in _source_titles(source):
            return "sources", source
    for stage in STAGE_NAMES:
        if title in _stage_titles(stage):
            return "stages", stage
    return None


def money_text(value: object) -> str:
    """A money cell as exact text: a float through its shortest representation (never rounded)."""
    if isinstance(value, float):
        return repr(value)  # 1200.005 → "1200.005", 1200.0 → "1200.0": exact, then judged by money.amount
    return cell_text(value)


def read_list(data: bytes, filename: str, source_names: list[str]) -> list[dict]:
    """The data rows of the list, each a dict with ``_row`` (the line in the file), the plain fields as
    strings, ``sources`` (source name → text) and ``stages`` (stage name → text); ActionError with a Chinese
    line when the file cannot be read as such a list."""
    name = (filename or "").lower()
    if not name.endswith(READABLE_SUFFIXES):
        raise ActionError("只支持 .xlsx 或 .csv 格式的项目清单")
    if not data.strip():
        raise ActionError("上传的文件是空的")
    table = _xlsx(data) if name.endswith(".xlsx") else _csv(data)
    header = next(table, None)
    if header is None or not any(cell_text(c) for c in header):
        raise ActionError("上传的文件是空的, 或第一行不是列名")
    columns = [column_of(cell_text(c), source_names) for c in header]
    fields = {c[0] for c in columns if c}
    missing = [LABELS[f] for f in REQUIRED if f not in fields]
    if missing:
        raise ActionError(
            f"表头缺少 {'、'.join(missing)} 列: 第一行应为序号、项目名称、建设内容、实施地、牵头单位、配合单位、"
            f"开始日期、完成时限、总投资(万元) 及各资金来源 ({'、'.join(source_names)}) 等列名"
        )
    if "sources" not in fields:
        raise ActionError(f"表头没有任何资金来源列: 应为 {'、'.join(source_names)} 中的一列或几列")
    rows = []
    for line, values in enumerate(table, start=2):
        if not any(cell_text(v) for v in values):
            continue
        row: dict = {"_row": line, "sources": {}, "stages": {}}
        for column, value in zip(columns, values, strict=False):
            if column is None:
                continue
            field, key = column
            if field == "sources":
                row["sources"].setdefault(key, money_text(value))
            elif field == "stages":
                row["stages"].setdefault(key, cell_text(value))
            elif field == "budget":
                row.setdefault(field, money_text(value))
            else:
                row.setdefault(field, cell_text(value))
        rows.append(row)
    if not rows:
        raise ActionError("清单中没有任何项目")
    return rows


def _xlsx(data: bytes):
    try:
        return iter(read_sheet(data, "项目清单"))
    except InputError as exc:
        raise ActionError("无法读取该文件: 请上传 Excel (.xlsx) 或 CSV 格式的项目清单") from exc


def _csv(data: bytes):
    if b"\x00" in data:
        raise ActionError("这不是文本格式的 CSV 文件: 请上传 UTF-8 或 GB18030 编码的 .csv, 或 .xlsx 项目清单")
    try:
        text = decode_bytes(data, "项目清单")
    except InputError as exc:
        raise ActionError("无法识别文件编码: 请将项目清单另存为 UTF-8 或 GB18030 编码的 .csv") from exc
    return iter(list(csv.reader(io.StringIO(text))))
