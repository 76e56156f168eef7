"""Word documents laid out after GB/T 9704 (党政机关公文格式): the 通报 and the reply letter (答复函).

One page builder serves both (``new_document``, ``paragraph``, ``finish``): A4, margins 37 mm top,
35 mm bottom, 28 mm left, 26 mm right; title in 方正小标宋简体 二号 (22 pt), issuing number (文号) and body
in 仿宋_GB2312 三号 (16 pt), 28 pt line spacing (22 lines a page), headings in 黑体; page numbers "— 1 —"
in the footer (a PAGE field) in 宋体 四号. East-Asian font names are written to ``w:eastAsia`` so Word uses
them for Chinese text.

The 通报 (``build``) reads only the circular's frozen snapshot. The reply letter (``reply_letter``) reads
an accepted ``proposals.Reply``: 发文机关 and letter number, title, 主送, the reply, the category, the
signature with the acceptance date, and the 抄送 line of the 版记.
"""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from luoshi.proposals.models import Category, Kind, Reply

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
FOOTER_FONT = "宋体"
BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
NOTE_SIZE = 14  # 四号: page numbers, the 版记
ORGAN_SIZE = 26  # 发文机关标志 of a letter (信函格式): 小标宋, red
RED = RGBColor(0xFF, 0x00, 0x00)


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


def paragraph(doc, text: str = "", *, font=BODY_FONT, size=BODY_SIZE, bold=False, align=None, indent=True):
    """One paragraph on the 28 pt grid; ``indent``: the first line indented by two characters."""
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


def title(doc, text: str, under: str = "") -> None:
    """The title: 方正小标宋简体 二号, centred, with an empty line before and after; ``under``: a line in the
    body font right under it (e.g. "（再次办理答复）")."""
    paragraph(doc, "", indent=False)
    paragraph(doc, text, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if under:
        paragraph(doc, under, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    paragraph(doc, "", indent=False)


def _page_number(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), FOOTER_FONT, NOTE_SIZE)
    run = p.add_run()
    _font(run, FOOTER_FONT, NOTE_SIZE)
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    run._element.extend([begin, instr, end])
    _font(p.add_run(" —"), FOOTER_FONT, NOTE_SIZE)


def new_document():
    """An empty GB/T 9704 page: A4, the standard margins, 仿宋_GB2312 三号 as the normal style."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return doc


def finish(doc) -> bytes:
    """Page numbers in the footer, and the file's bytes."""
    _page_number(doc.sections[0])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, headers: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 12)


# ---------------------------------------------------------------------------------------------- 通报


def rate(value) -> str:
    """A rate of the proposals' figures as printed: ``67%``, or ``—`` when nothing was there to count."""
    return "—" if value is None else f"{value}%"


PROPOSAL_HEADERS = ["主办单位", "交办", "已办复", "按时办复率", "满意率", "解决率", "再次办理", "逾期未答复"]


def proposal_table_rows(units: list[dict]) -> list[list]:
    """The rows of the proposals' table by 主办 unit (the 通报's Word file and its HTML preview alike)."""
    return [
        [
            u["label"],
            u["assigned"],
            u["replied"],
            rate(u["timely_rate"]),
            rate(u["satisfied_rate"]),
            rate(u["solved_rate"]),
            u["again"],
            u["overdue"],
        ]
        for u in units
    ]


def _proposals(doc, data: dict) -> None:
    p = data["proposals"]
    s = p["summary"]
    paragraph(doc, "六、建议提案办理情况", font=HEADING_FONT)
    paragraph(
        doc,
        f"共交办建议提案{s['assigned']}件，已办复{s['replied']}件，按时办复率{rate(s['timely_rate'])}，"
        f"满意率{rate(s['satisfied_rate'])}，解决率{rate(s['solved_rate'])}；再次办理{s['again']}件，"
        f"逾期未答复{s['overdue']}件。",
    )
    _table(doc, PROPOSAL_HEADERS, proposal_table_rows(p["units"]))
    if p["overdue"]:
        paragraph(doc, "逾期未答复的建议提案：")
    for i, o in enumerate(p["overdue"], 1):
        paragraph(
            doc,
            f"{i}. {o['kind_label']}{o['number_label']} {o['title']}（主办单位：{o['unit'] or '未定'}；"
            + (f"第{o['round']}轮" if o["round"] > 1 else "")
            + f"答复时限{o['deadline']}，已逾期{o['days']}天）",
        )
    if not p["overdue"]:
        paragraph(doc, "本期无逾期未答复的建议提案。")


def build(circular) -> bytes:
    data = circular.data
    s = data["summary"]
    doc = new_document()

    paragraph(doc, circular.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    title(doc, circular.title)
    paragraph(doc, f"（数据截至{data['as_of']}）", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    paragraph(doc, "一、总体情况", font=HEADING_FONT)
    paragraph(
        doc,
        f"{data.get('report_title', '')}共分解任务{s['total']}项，已办结{s['closed']}项，办结率{s['completion']}%，"
        f"平均完成进度{s['progress']}%。其中绿灯{s['green']}项、黄灯{s['yellow']}项、红灯{s['red']}项"
        + (f"、尚未评估{s['none']}项" if s["none"] else "")
        + f"；逾期未完成{s['overdue']}项。",
    )

    paragraph(doc, "二、各单位推进情况", font=HEADING_FONT)
    _table(
        doc,
        ["牵头单位", "任务数", "已办结", "平均进度", "红灯", "黄灯", "逾期"],
        [
            [u["label"], u["total"], u["closed"], f"{u['progress']}%", u["red"], u["yellow"], u["overdue"]]
            for u in data["units"]
        ],
    )

    paragraph(doc, "三、亮红灯任务", font=HEADING_FONT)
    for i, t in enumerate(data["red"], 1):
        paragraph(doc, f"{i}. {t['code']} {t['text']}（牵头单位：{t['unit'] or '未定'}；{t['reason']}）")
    if not data["red"]:
        paragraph(doc, "本期无亮红灯任务。")
    paragraph(doc, "四、逾期未完成任务", font=HEADING_FONT)
    for i, t in enumerate(data["overdue"], 1):
        paragraph(
            doc,
            f"{i}. {t['code']} {t['text']}（牵头单位：{t['unit'] or '未定'}；"
            f"时限{t['deadline']}，进度{t['percent']}%）",
        )
    if not data["overdue"]:
        paragraph(doc, "本期无逾期未完成任务。")
    paragraph(doc, "五、推进有力的单位", font=HEADING_FONT)
    if data["good"]:
        names = "、".join(g["label"] for g in data["good"])
        paragraph(doc, f"{names}等单位所牵头任务均按序时推进、无黄灯红灯，予以通报表扬。")
    else:
        paragraph(doc, "本期暂无全部任务按序时推进的单位。")
    if data.get("proposals"):
        _proposals(doc, data)
    paragraph(doc, "请各牵头单位对照问题清单认真整改，按期报送进展。", indent=True)
    return finish(doc)


# ---------------------------------------------------------------------------------------------- 答复函

AUTHOR_WORDS = {Kind.SUGGESTION: "代表", Kind.PROPOSAL: "委员"}
ITEM_WORDS = {Kind.SUGGESTION: "建议", Kind.PROPOSAL: "提案"}


def chinese_date(day: datetime.date) -> str:
    """2026年4月3日: the 成文日期 in Arabic numerals, without leading zeros (GB/T 9704 7.3.5.1)."""
    return f"{day.year}年{day.month}月{day.day}日"


def category_line(category: str) -> str:
    """答复类别：A类（已经解决或基本解决）, from the category's label."""
    label = Category(category).label
    return "答复类别：" + label.replace(" (", "（").replace("(", "（").replace(")", "）")


def copy_to(kind: str, government: str) -> str:
    """The 抄送 line of a reply letter: the congress's or the CPPCC's office, and the government's 督查室."""
    if kind == Kind.PROPOSAL:
        return f"抄送：政协{government}委员会提案委员会，{government}人民政府督查室。"
    return f"抄送：{government}人大常委会代表工作机构，{government}人民政府督查室。"


def letter_title(proposal) -> str:
    """关于对海西州第十五届人大第三次会议第1号建议的答复 (第1号(分办2) for a part of a split matter)."""
    return f"关于对{proposal.session}{proposal.number_label}{ITEM_WORDS[Kind(proposal.kind)]}的答复"


def _border(p, *sides: str, color: str = "000000", size: int = 4) -> None:
    """A line above or below a paragraph (the 版记's 分隔线, the letter's red line)."""
    ppr = p._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in sides:
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), "1")
        line.set(qn("w:color"), color)
        borders.append(line)
    ppr.append(borders)


def _width(text: str) -> float:
    """Width in characters of the body font: a Chinese character is one, a digit or a Latin letter half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def reply_letter(reply: Reply) -> bytes:
    """The reply letter (答复函) of an accepted reply as a GB/T 9704 Word file (信函格式 in its head): the
    handling unit as 发文机关 in red over a red line, the letter number under it, the title (with
    "（再次办理答复）" from the second round on), 主送 the 领衔 deputy or member, the reply, the reason a
    C-category matter cannot be solved yet or the numbered commitments of a B-category one, the category,
    the signature and the acceptance date, and the 抄送 line of the 版记."""
    if reply.status != Reply.Status.ACCEPTED or reply.decided_at is None:
        raise ValueError("only an accepted reply has a letter")
    proposal = reply.proposal
    kind = Kind(proposal.kind)
    organ = reply.unit.name or reply.unit.label
    doc = new_document()

    head = paragraph(doc, organ, font=TITLE_FONT, size=ORGAN_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    head.runs[0].font.color.rgb = RED
    _border(head, "bottom", color="FF0000", size=18)
    paragraph(doc, reply.letter_number, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    title(doc, letter_title(proposal), "（再次办理答复）" if reply.round > 1 else "")

    author = proposal.lead_author.strip()
    paragraph(doc, f"{author}{AUTHOR_WORDS[kind]}：" if author else f"尊敬的{AUTHOR_WORDS[kind]}：", indent=False)
    for line in _lines(reply.text):
        paragraph(doc, line)
    if reply.category == Category.C and reply.explanation.strip():
        lines = _lines(reply.explanation)
        paragraph(doc, "暂时难以解决的原因：" + lines[0])
        for line in lines[1:]:
            paragraph(doc, line)
    if reply.category == Category.B:
        promised = reply.commitments or []
        if promised:
            paragraph(doc, "我单位承诺：")
        for i, item in enumerate(promised, 1):
            due = item.get("due") or ""
            when = f"（完成时限：{chinese_date(datetime.date.fromisoformat(due))}）" if due else ""
            paragraph(doc, f"{i}. {item['text']}{when}")
    paragraph(doc, category_line(reply.category))
    paragraph(doc, f"感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见和{ITEM_WORDS[kind]}。")

    # 署名 and 成文日期: the date four characters from the right, the name centred over it (GB/T 9704 7.3.5.2)
    day = chinese_date(timezone.localdate(reply.decided_at))
    paragraph(doc, "", indent=False)
    paragraph(doc, "", indent=False)
    name_right, date_right = 4 + (_width(day) - _width(organ)) / 2, 4.0
    if name_right < 0:  # a name longer than the date: the name ends at the margin, the date under its middle
        name_right, date_right = 0.0, date_right - name_right
    name = paragraph(doc, organ, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    name.paragraph_format.right_indent = Pt(BODY_SIZE * name_right)
    date = paragraph(doc, day, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    date.paragraph_format.right_indent = Pt(BODY_SIZE * date_right)

    # 版记: the 抄送 line between two lines, 仿宋 四号, one character in from the left (GB/T 9704 7.4.2)
    paragraph(doc, "", indent=False)
    paragraph(doc, "", indent=False)
    cc = paragraph(doc, copy_to(kind, proposal.government.name), size=NOTE_SIZE, indent=False)
    cc.paragraph_format.left_indent = Pt(NOTE_SIZE)
    _border(cc, "top", "bottom")
    return finish(doc)
