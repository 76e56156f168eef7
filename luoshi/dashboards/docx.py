"""The 通报 as a Word document laid out after GB/T 9704 (党政机关公文格式).

A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; title in 方正小标宋简体 二号 (22 pt),
issuing number (文号) and body in 仿宋_GB2312 三号 (16 pt), headings in 黑体; page numbers "— 1 —" in the
footer (a PAGE field) in 宋体 四号. East-Asian font names are written to ``w:eastAsia`` so Word uses them for
Chinese text. Content comes only from the circular's frozen snapshot.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
FOOTER_FONT = "宋体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _para(doc, text: str = "", *, font=BODY_FONT, size=16, bold=False, align=None, indent=True):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)  # 每页 22 行 (GB/T 9704 7.2.3)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        _font(p.add_run(text), font, size, bold)
    return p


def _page_number(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), FOOTER_FONT, 14)
    run = p.add_run()
    _font(run, FOOTER_FONT, 14)
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    run._element.extend([begin, instr, end])
    _font(p.add_run(" —"), FOOTER_FONT, 14)


def build(circular) -> bytes:
    data = circular.data
    s = data["summary"]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _para(doc, circular.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "", indent=False)
    _para(doc, circular.title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "", indent=False)
    _para(doc, f"（数据截至{data['as_of']}）", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    _para(doc, "一、总体情况", font=HEADING_FONT)
    _para(
        doc,
        f"{data.get('report_title', '')}共分解任务{s['total']}项，已办结{s['closed']}项，办结率{s['completion']}%，"
        f"平均完成进度{s['progress']}%。其中绿灯{s['green']}项、黄灯{s['yellow']}项、红灯{s['red']}项"
        + (f"、尚未评估{s['none']}项" if s["none"] else "")
        + f"；逾期未完成{s['overdue']}项。",
    )

    _para(doc, "二、各单位推进情况", font=HEADING_FONT)
    headers = ["牵头单位", "任务数", "已办结", "平均进度", "红灯", "黄灯", "逾期"]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12)
    for u in data["units"]:
        values = [u["label"], u["total"], u["closed"], f"{u['progress']}%", u["red"], u["yellow"], u["overdue"]]
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 12)

    _para(doc, "三、亮红灯任务", font=HEADING_FONT)
    for i, t in enumerate(data["red"], 1):
        _para(doc, f"{i}. {t['code']} {t['text']}（牵头单位：{t['unit'] or '未定'}；{t['reason']}）")
    if not data["red"]:
        _para(doc, "本期无亮红灯任务。")
    _para(doc, "四、逾期未完成任务", font=HEADING_FONT)
    for i, t in enumerate(data["overdue"], 1):
        _para(
            doc,
            f"{i}. {t['code']} {t['text']}（牵头单位：{t['unit'] or '未定'}；"
            f"时限{t['deadline']}，进度{t['percent']}%）",
        )
    if not data["overdue"]:
        _para(doc, "本期无逾期未完成任务。")
    _para(doc, "五、推进有力的单位", font=HEADING_FONT)
    if data["good"]:
        names = "、".join(g["label"] for g in data["good"])
        _para(doc, f"{names}等单位所牵头任务均按序时推进、无黄灯红灯，予以通报表扬。")
    else:
        _para(doc, "本期暂无全部任务按序时推进的单位。")
    _para(doc, "请各牵头单位对照问题清单认真整改，按期报送进展。", indent=True)

    _page_number(section)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
